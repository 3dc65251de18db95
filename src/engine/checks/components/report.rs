//! Turning a component version seen on a site into findings: one listing its advisories (CVE ids, the worst
//! severity, KEV, the lowest version that fixes all of them) and one when the version is end of life.

use crate::advisories::{Advisory, Verdict, Version};
use crate::engine::context::CheckCtx;
use crate::engine::registry::Rule;
use crate::model::{Confidence, Severity};

/// Advisories listed in a finding's description at most.
const LISTED: usize = 25;

/// A component version seen on the site.
#[derive(Debug, Clone)]
pub(super) struct Sighting {
    pub component: String,
    pub version: Version,
    /// Only the first numbers are known (`Drupal 9`): only end-of-life rules covering all of them apply.
    pub partial: bool,
    pub location: String,
    /// What was seen where, strongest first.
    pub evidence: Vec<String>,
    pub confidence: Confidence,
    /// Why the version may not tell the whole story (a distribution build), for the description.
    pub caution: Option<String>,
}

/// The rules a kind of component reports under.
pub(super) struct Rules {
    pub vulnerable: &'static Rule,
    pub eol: &'static Rule,
}

/// Reports what the advisory database says about `seen`; nothing when it knows nothing bad.
pub(super) async fn report(ctx: &CheckCtx, seen: &Sighting, rules: &Rules) {
    let db = ctx.scan.advisories.clone();
    let Some(verdict) = db.check(&seen.component, &seen.version, seen.partial) else {
        return;
    };
    let root = format!("component:{}:{}", seen.component, ctx.target.authority());
    if !verdict.advisories.is_empty() {
        let draft = vulnerable(ctx, seen, &verdict, rules.vulnerable).root_cause(root.clone());
        ctx.report(draft).await;
    }
    if let Some(eol) = verdict.eol {
        let display = &verdict.component.display;
        let since = eol
            .since
            .as_deref()
            .map(|d| format!(" (no fixes since {d})"))
            .unwrap_or_default();
        let draft = ctx
            .finding(rules.eol, &seen.location)
            .title(format!("{display} {} is end of life{since}", seen.version))
            .description(format!(
                "{}\n\n{display} {}: {}.{}",
                rules.eol.description,
                seen.version,
                eol.note,
                caution(seen)
            ))
            .evidence(format!("{}\n{}", evidence_lines(seen), eol.note))
            .confidence(seen.confidence)
            .root_cause(root);
        ctx.report(draft).await;
    }
}

fn caution(seen: &Sighting) -> String {
    seen.caution
        .as_deref()
        .map(|c| format!("\n\n{c}"))
        .unwrap_or_default()
}

fn evidence_lines(seen: &Sighting) -> String {
    let lines: Vec<String> = seen
        .evidence
        .iter()
        .take(2)
        .map(|e| crate::engine::context::truncate(e, 180))
        .collect();
    lines.join("\n")
}

/// The finding for a version with advisories.
fn vulnerable(
    ctx: &CheckCtx,
    seen: &Sighting,
    v: &Verdict<'_>,
    rule: &'static Rule,
) -> crate::engine::context::Draft {
    let display = &v.component.display;
    let firm: Vec<&&Advisory> = v
        .advisories
        .iter()
        .filter(|a| a.condition.is_none())
        .collect();
    let kev: Vec<_> = v
        .kev
        .iter()
        .filter(|k| firm.iter().any(|a| a.ids.contains(&k.cve)))
        .collect();
    let mut severity = firm
        .iter()
        .map(|a| a.severity)
        .max()
        .unwrap_or(Severity::Low);
    for a in v.advisories.iter().filter(|a| a.condition.is_some()) {
        severity = severity.max(a.severity.min(Severity::Medium));
    }
    if !kev.is_empty() {
        severity = severity.max(Severity::High);
    }
    let n = v.advisories.len();
    let plural = if n == 1 {
        "vulnerability"
    } else {
        "vulnerabilities"
    };
    let kev_part = match kev.len() {
        0 => String::new(),
        1 => ", one exploited in the wild (CISA KEV)".to_string(),
        k => format!(", {k} exploited in the wild (CISA KEV)"),
    };
    let fix = fix_text(v);
    let title = format!(
        "{display} {} has {n} known {plural}{kev_part}; {fix}",
        seen.version
    );
    let mut text = format!(
        "{}\n\n{display} {} is affected by {n} published {}.",
        rule.description,
        seen.version,
        if n == 1 { "advisory" } else { "advisories" }
    );
    if !kev.is_empty() {
        text.push_str(
            " CISA lists at least one of them in its Known Exploited Vulnerabilities catalog: attackers use it now, \
             so fix this first.",
        );
    }
    if firm.is_empty() {
        text.push_str(
            " Each applies only in some setups (see \"only if\" below), which a version number cannot show: check \
             them against your configuration.",
        );
    }
    text.push_str(&format!(" To fix: {fix}.\n"));
    for a in v.advisories.iter().take(LISTED) {
        text.push_str(&format!("\n- {}", advisory_line(a, v)));
    }
    if n > LISTED {
        text.push_str(&format!("\n- and {} more", n - LISTED));
    }
    text.push_str(&caution(seen));
    let mut evidence = evidence_lines(seen);
    for k in &kev {
        evidence.push_str(&format!(
            "\nCISA KEV: {} added {}, due {}",
            k.cve, k.date_added, k.due_date
        ));
    }
    evidence.push_str(&format!("\n{fix}"));
    let confidence = if firm.is_empty() {
        Confidence::Low
    } else {
        seen.confidence
    };
    ctx.finding(rule, &seen.location)
        .title(title)
        .description(text)
        .evidence(evidence)
        .severity(severity)
        .confidence(confidence)
        .cve(ids(&v.advisories))
        .kev(!kev.is_empty())
}

/// What to upgrade to, in a few words.
fn fix_text(v: &Verdict<'_>) -> String {
    match &v.fixed_in {
        Some(f) if v.fix_is_eol => {
            format!("upgrade to a supported release ({f} fixes these but is itself end of life)")
        }
        Some(f) => format!("upgrade to {f} or later"),
        None => "no release fixes all of them: replace or upgrade to the latest release".into(),
    }
}

fn advisory_line(a: &Advisory, v: &Verdict<'_>) -> String {
    let ids: Vec<&str> = if a.ids.is_empty() {
        vec!["no CVE"]
    } else {
        a.ids.iter().map(String::as_str).collect()
    };
    let mut line = format!("{} ({}): {}", ids.join(", "), a.severity, a.summary);
    let fixed = a
        .ranges
        .iter()
        .find(|r| r.contains(&v.version))
        .and_then(|r| r.fixed.as_ref())
        .filter(|f| !f.is_placeholder());
    match fixed {
        Some(f) => line.push_str(&format!(" Fixed in {f}.")),
        None => line.push_str(" No fixed release."),
    }
    if let Some(k) = v.kev.iter().find(|k| a.ids.contains(&k.cve)) {
        line.push_str(&format!(" In CISA KEV since {}.", k.date_added));
    }
    if let Some(c) = &a.condition {
        line.push_str(&format!(" Only if {c}."));
    }
    line
}

/// The CVE ids of the advisories, and GHSA ids of those without a CVE; sorted, once each.
fn ids(advisories: &[&Advisory]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in advisories {
        let cves: Vec<&str> = a.public_ids().filter(|i| i.starts_with("CVE-")).collect();
        let chosen: Vec<&str> = if cves.is_empty() {
            a.public_ids().collect()
        } else {
            cves
        };
        out.extend(chosen.into_iter().map(str::to_string));
    }
    out.sort();
    out.dedup();
    out
}
