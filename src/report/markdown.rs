//! A Markdown summary for pull-request comments and CI step summaries (`$GITHUB_STEP_SUMMARY`): the executive
//! summary (grades, what to fix first, attack chains), grades per target, the worst findings, what was fixed since
//! the previous scan, and the fix plan. Text from the scanned site is escaped, so a page title cannot add links,
//! images or HTML to the comment.

use super::ReportData;
use crate::model::{FindingStatus, Severity};
use std::fmt::Write;

/// Findings listed in the table; the rest are counted.
const MAX_ROWS: usize = 25;

/// The Markdown summary.
pub fn render(data: &ReportData) -> String {
    let scan = &data.scan;
    let mut out = String::new();
    let names: Vec<&str> = scan.targets.iter().map(ReportData::target_name).collect();
    let _ = writeln!(out, "## Palisade scan of {}\n", escape(&names.join(", ")));
    if let Some(reason) = data.partial() {
        let _ = writeln!(out, "> **Partial report:** {}.\n", escape(&reason));
    }
    let new = data
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::New)
        .count();
    let compared = scan.targets.iter().any(|t| t.previous_scan_id.is_some());
    let since = if compared {
        format!(
            " ({new} new), {} fixed since the previous scan",
            data.fixed.len()
        )
    } else {
        " (first scan: nothing to compare with)".to_string()
    };
    let _ = writeln!(
        out,
        "Scan `{}` ({} profile, {}): **{} open finding{}**{since}.\n",
        scan.id,
        scan.profile,
        crate::time::date(scan.finished_at.as_deref().unwrap_or(&scan.created_at)),
        data.findings.len(),
        if data.findings.len() == 1 { "" } else { "s" },
    );
    let plan = data.fix_plan();
    super::summary::text::markdown(&mut out, &data.summary(&plan), &escape);
    out.push_str("| Target | Grade | Score | Critical | High | Medium | Low | Info |\n|---|---|---|---|---|---|---|---|\n");
    for t in &scan.targets {
        let grade = t.risk_grade.as_deref().unwrap_or("–");
        let score = t.security_score.map_or("–".to_string(), |s| s.to_string());
        let c = &t.counts;
        let _ = writeln!(
            out,
            "| {} | **{grade}** | {score} | {} | {} | {} | {} | {} |",
            escape(&t.url),
            c.critical,
            c.high,
            c.medium,
            c.low,
            c.info
        );
        if let Some(e) = &t.error {
            let e = e.strip_prefix("not fully scanned: ").unwrap_or(e);
            let _ = writeln!(out, "|  ↳ not fully scanned: {} |||||||", escape(e));
        }
    }
    out.push('\n');
    if !data.findings.is_empty() {
        out.push_str("### Findings\n\n| Severity | Status | Check | Where | Finding |\n|---|---|---|---|---|\n");
        for f in data.findings_worst_first().into_iter().take(MAX_ROWS) {
            let _ = writeln!(
                out,
                "| {} | {} | `{}` | {} | {} |",
                label(f.severity),
                f.status,
                f.check_id,
                escape(&f.location),
                escape(&f.title)
            );
        }
        if data.findings.len() > MAX_ROWS {
            let _ = writeln!(
                out,
                "\n…and {} more: run `palisade report {} --format html -o report.html` for the full report.",
                data.findings.len() - MAX_ROWS,
                scan.id
            );
        }
        out.push('\n');
    }
    if !data.fixed.is_empty() {
        let _ = writeln!(out, "### Fixed since the previous scan\n");
        for f in data.fixed.iter().take(MAX_ROWS) {
            let _ = writeln!(
                out,
                "- ~~{}~~ `{}` {}",
                escape(&f.title),
                f.check_id,
                escape(&f.location)
            );
        }
        out.push('\n');
    }
    if !plan.fixes.is_empty() {
        let _ = writeln!(out, "### How to fix\n");
        for fix in &plan.fixes {
            let _ = writeln!(
                out,
                "{}. **{}** [{}] resolves {} finding{}",
                fix.n,
                escape(&fix.title),
                fix.severity.label(),
                fix.fingerprints.len(),
                if fix.fingerprints.len() == 1 { "" } else { "s" }
            );
        }
        let _ = writeln!(
            out,
            "\nThe fix file with a ready change for each: `palisade report {} --format fix -o SECURITY-FIX.md`.",
            scan.id
        );
    }
    out
}

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "**CRITICAL**",
        Severity::High => "**HIGH**",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
        Severity::Info => "INFO",
    }
}

/// Text safe inside a Markdown table cell: Markdown and HTML syntax escaped, kept on one line.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in super::one_line(s).chars() {
        if "\\`*_{}[]<>()#+!|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn site_text_cannot_inject_markup() {
        assert_eq!(
            super::escape("![x](https://evil.test/p.png)|<img>\n"),
            "\\!\\[x\\]\\(https://evil.test/p.png\\)\\|\\<img\\> "
        );
    }
}
