//! The findings section of the HTML report: open findings by target, then by module (the module with the worst
//! finding first), each with its severity, title, check, location, status, evidence, remediation and the fix that
//! resolves it.

use super::{escape, line, plural, prose};
use crate::model::{Finding, Module};
use crate::report::ReportData;
use crate::report::fix::Plan;
use std::collections::HashMap;
use std::fmt::Write;

/// The findings section.
pub fn section(out: &mut String, data: &ReportData, plan: &Plan) {
    out.push_str("<section id=\"findings\">\n<h2>Findings</h2>\n");
    let fix_of: HashMap<&str, usize> = plan
        .fixes
        .iter()
        .flat_map(|fix| fix.fingerprints.iter().map(move |fp| (fp.as_str(), fix.n)))
        .collect();
    for (i, t) in data.scan.targets.iter().enumerate() {
        let mine: Vec<&Finding> = data
            .findings
            .iter()
            .filter(|f| f.target_id == t.target_id)
            .collect();
        let _ = writeln!(
            out,
            "<h3 id=\"findings-{i}\">{}: {} open finding{}</h3>",
            line(ReportData::target_name(t)),
            mine.len(),
            plural(mine.len())
        );
        if mine.is_empty() {
            out.push_str("<p>No open findings.</p>\n");
        }
        by_module(out, &mine, &fix_of);
    }
    let orphans: Vec<&Finding> = data
        .findings
        .iter()
        .filter(|f| data.target_of(f).is_none())
        .collect();
    if !orphans.is_empty() {
        out.push_str("<h3>Other targets</h3>\n");
        by_module(out, &orphans, &fix_of);
    }
    out.push_str("</section>\n");
}

/// Findings (worst first) grouped by module, in the order of each module's worst finding.
fn by_module(out: &mut String, findings: &[&Finding], fix_of: &HashMap<&str, usize>) {
    let mut modules: Vec<Module> = Vec::new();
    for f in findings {
        if !modules.contains(&f.module) {
            modules.push(f.module);
        }
    }
    for m in modules {
        let group: Vec<&&Finding> = findings.iter().filter(|f| f.module == m).collect();
        let _ = writeln!(out, "<h4>{} ({})</h4>", module_name(m), group.len());
        for f in group {
            finding(out, f, fix_of.get(f.fingerprint.as_str()).copied());
        }
    }
}

fn finding(out: &mut String, f: &Finding, fix: Option<usize>) {
    let _ = write!(
        out,
        "<article class=\"finding {s}\" id=\"f-{fp}\">\n<div class=\"head\"><span class=\"pill sev-{s}\">{label}</span>\
         <span class=\"title\">{title}</span><span class=\"tag {status}\">{status}</span></div>\n<dl class=\"facts\">",
        s = f.severity,
        fp = escape(&f.fingerprint),
        label = f.severity.label(),
        title = line(&f.title),
        status = f.status,
    );
    let mut fact = |name: &str, value: String| {
        let _ = write!(out, "<div><dt>{name}</dt><dd>{value}</dd></div>");
    };
    fact("Check", format!("<code>{}</code>", line(&f.check_id)));
    fact("Where", line(&f.location));
    fact("Confidence", f.confidence.to_string());
    let mut ids: Vec<String> = f.cve.iter().map(|c| line(c)).collect();
    if let Some(cwe) = f.cwe {
        ids.push(format!("CWE-{cwe}"));
    }
    if let Some(cvss) = f.cvss {
        ids.push(format!("CVSS {cvss:.1}"));
    }
    if !ids.is_empty() {
        fact("Ids", ids.join(", "));
    }
    if f.kev {
        fact(
            "Exploited",
            "<span class=\"kev\">in CISA's Known Exploited Vulnerabilities catalog</span>".into(),
        );
    }
    if let Some(n) = fix {
        fact("Fix", format!("<a href=\"#fix-{n}\">FIX-{n}</a>"));
    }
    out.push_str("</dl>\n");
    if !f.description.is_empty() {
        let _ = writeln!(out, "<div class=\"advice\">{}</div>", prose(&f.description));
    }
    if let Some(e) = f.evidence.as_deref().filter(|e| !e.is_empty()) {
        let _ = writeln!(
            out,
            "<div class=\"label\">Evidence (from the site, untrusted)</div><pre>{}</pre>",
            super::block(e)
        );
    }
    if !f.remediation.is_empty() {
        let _ = writeln!(
            out,
            "<div class=\"advice\"><b>Remediation:</b> {}</div>",
            prose(&f.remediation)
        );
    }
    references(out, &f.references);
    out.push_str("</article>\n");
}

/// Reference links; only http(s) URLs become links (they are opened, never loaded by the page).
pub fn references(out: &mut String, refs: &[String]) {
    if refs.is_empty() {
        return;
    }
    let items: Vec<String> = refs
        .iter()
        .map(|r| {
            if r.starts_with("https://") || r.starts_with("http://") {
                format!(
                    "<a href=\"{0}\" rel=\"noreferrer noopener\">{0}</a>",
                    line(r)
                )
            } else {
                line(r)
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "<p class=\"label\">References: {}</p>",
        items.join(" · ")
    );
}

/// A module's name as a heading.
fn module_name(m: Module) -> &'static str {
    match m {
        Module::Tls => "TLS",
        Module::Headers => "Headers",
        Module::Disclosure => "Disclosure",
        Module::Secrets => "Secrets",
        Module::Components => "Components",
        Module::Dns => "DNS",
        Module::Network => "Network",
        Module::Api => "API",
        Module::AiSurface => "AI surface",
        Module::Cloud => "Cloud and edge",
        Module::Templates => "Detection templates",
    }
}
