//! The findings section of the HTML report: open findings worst first (then known-exploited, then by host and
//! check), under one heading per severity, each with its severity, title, target, check, location, status,
//! evidence, remediation and the fix that resolves it.

use super::{escape, line, plural, prose};
use crate::model::{Finding, Module, Severity};
use crate::report::ReportData;
use crate::report::fix::Plan;
use std::collections::HashMap;
use std::fmt::Write;

/// The findings section; `findings` are the report's open findings, worst first.
pub fn section(out: &mut String, data: &ReportData, findings: &[&Finding], plan: &Plan) {
    let _ = writeln!(
        out,
        "<section id=\"findings\">\n<h2>Findings, worst first</h2>\n<p>{} open finding{}.</p>",
        findings.len(),
        plural(findings.len())
    );
    if findings.is_empty() {
        out.push_str("<p>No open findings.</p>\n");
    }
    let fix_of: HashMap<&str, usize> = plan
        .fixes
        .iter()
        .flat_map(|fix| fix.fingerprints.iter().map(move |fp| (fp.as_str(), fix.n)))
        .collect();
    for s in Severity::ALL.iter().rev() {
        let group: Vec<&&Finding> = findings.iter().filter(|f| f.severity == *s).collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<h3 id=\"sev-{s}\">{} ({})</h3>",
            s.label(),
            group.len()
        );
        for f in group {
            let host = data.host_of(f);
            finding(out, f, &host, fix_of.get(f.fingerprint.as_str()).copied());
        }
    }
    out.push_str("</section>\n");
}

fn finding(out: &mut String, f: &Finding, host: &str, fix: Option<usize>) {
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
    if !host.is_empty() {
        fact("Target", line(host));
    }
    fact("Module", module_name(f.module).to_string());
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
