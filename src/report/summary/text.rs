//! The summary as Markdown, for the fix file and the Markdown report: grades, the fixes to make first, and the
//! attack chains with the fingerprints they link. Site text goes through the caller's escaping.

use super::{Summary, TopFix};
use crate::model::{Severity, SeverityCounts};
use std::fmt::Write;

/// Writes `### Summary` and its body; `esc` makes site text safe for the document.
pub fn markdown(out: &mut String, s: &Summary, esc: &dyn Fn(&str) -> String) {
    out.push_str("### Summary\n\n");
    for g in &s.grades {
        let grade = g.grade.as_deref().unwrap_or("–");
        let score = g
            .score
            .map_or("not graded".to_string(), |n| format!("score {n}/100"));
        let _ = writeln!(
            out,
            "- **Grade {}** for {} ({score}): {}.",
            esc(grade),
            esc(&g.host),
            counts_text(&g.counts)
        );
    }
    out.push('\n');
    if s.top.is_empty() {
        out.push_str("**Do first:** nothing: no open findings above info.\n\n");
    } else {
        out.push_str("**Do first:**\n\n");
        for (i, fix) in s.top.iter().enumerate() {
            let _ = writeln!(out, "{}. {}", i + 1, top_line(fix, esc));
        }
        out.push('\n');
    }
    if s.chains.is_empty() {
        out.push_str(
            "**Attack chains:** none: no two findings of one target combine into a known chain.\n\n",
        );
        return;
    }
    out.push_str("**Attack chains** (findings that are worse together than apart):\n\n");
    for c in &s.chains {
        let _ = writeln!(
            out,
            "- **{}** [{}] on {}: {}",
            c.title,
            c.severity.label(),
            esc(&c.host),
            c.why
        );
        for l in &c.links {
            let _ = writeln!(
                out,
                "  - `{}` {} ({}): {}",
                l.fingerprint,
                l.check_id,
                l.severity.label(),
                esc(&l.title)
            );
        }
        if c.more > 0 {
            let _ = writeln!(out, "  - and {} more finding{}", c.more, plural(c.more));
        }
    }
    out.push('\n');
}

/// "FIX-2: Update Apache httpd [HIGH, known exploited]: why. Breaks: chain."
pub fn top_line(fix: &TopFix, esc: &dyn Fn(&str) -> String) -> String {
    let mut line = format!(
        "**FIX-{}: {}** [{}{}]: {}",
        fix.n,
        esc(&fix.title),
        fix.severity.label(),
        if fix.kev { ", known exploited" } else { "" },
        esc(&fix.why)
    );
    if !fix.breaks.is_empty() {
        let _ = write!(line, " {}", breaks(fix));
    }
    line
}

/// "Breaks the chain: X." or "Breaks the chains: X; Y."
pub fn breaks(fix: &TopFix) -> String {
    format!(
        "Breaks the chain{}: {}.",
        plural(fix.breaks.len()),
        fix.breaks.join("; ")
    )
}

/// "2 critical, 5 high, 3 medium", the severities with findings, or "no open findings".
pub fn counts_text(c: &SeverityCounts) -> String {
    let parts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter(|s| c.get(**s) > 0)
        .map(|s| format!("{} {s}", c.get(*s)))
        .collect();
    if parts.is_empty() {
        "no open findings".to_string()
    } else {
        parts.join(", ")
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
