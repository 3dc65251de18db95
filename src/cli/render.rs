//! Printing scans and findings: a table for people, JSON and JSON Lines for programs. Text that came from the
//! scanned site is stripped of control characters before it reaches a terminal.

use super::ReportFormat;
use crate::app::{App, AppError, DEFAULT_ORG};
use crate::model::{Coverage, CoverageState, Finding, FindingStatus, ScanTarget, Severity};
use crate::report::ReportData;
use std::collections::HashSet;
use std::fmt::Write;
use std::io::IsTerminal;

/// Everything printed about a scan, and where it is stored.
#[derive(Debug)]
pub struct Report {
    pub data: ReportData,
    pub database: String,
}

impl Report {
    /// Reads a stored scan with all its findings and coverage (of one target when `target` is given).
    pub async fn load(app: &App, scan_id: &str, target: Option<&str>) -> Result<Report, AppError> {
        Ok(Report {
            data: app.report_data(DEFAULT_ORG, scan_id, target).await?,
            database: app.store().path().display().to_string(),
        })
    }
}

/// Replaces control characters (terminal escapes included) so site-supplied text cannot drive the terminal.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && c != '\n' { '?' } else { c })
        .collect::<String>()
        .replace('\n', " ")
}

/// ANSI styling, only when printing to a terminal and `NO_COLOR` is unset.
pub struct Style {
    on: bool,
}

impl Style {
    /// Styling for stdout.
    pub fn stdout() -> Style {
        Style {
            on: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    /// No styling.
    pub fn plain() -> Style {
        Style { on: false }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A severity label, padded and colored.
    pub fn severity(&self, s: Severity) -> String {
        let code = match s {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.paint(code, &format!("{:<8}", s.label()))
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// Renders a report in a format.
pub fn render(report: &Report, format: ReportFormat, style: &Style) -> Vec<u8> {
    match format {
        ReportFormat::Table => table(report, style).into_bytes(),
        ReportFormat::Report(f) => crate::report::render(f, &report.data),
    }
}

fn table(report: &Report, style: &Style) -> String {
    let r = &report.data;
    let s = &r.scan;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} · {} · {} target{} · {} requests",
        style.bold("scan"),
        s.id,
        s.profile,
        s.targets.len(),
        if s.targets.len() == 1 { "" } else { "s" },
        s.requests
    );
    for t in &s.targets {
        out.push('\n');
        let grade = match (&t.risk_grade, t.security_score) {
            (Some(g), Some(score)) => format!("risk {g} ({score}/100)"),
            _ => "not graded".into(),
        };
        let headers = t
            .observatory
            .as_ref()
            .map(|o| format!("   headers {} ({}, Observatory)", o.grade, o.score));
        let _ = writeln!(
            out,
            "{}   {}{}",
            style.bold(&t.url),
            grade,
            headers.unwrap_or_default()
        );
        if let Some(e) = &t.error {
            let _ = writeln!(out, "  error: {}", clean(e));
        }
        let mine: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| f.target_id == t.target_id)
            .collect();
        if mine.is_empty() && t.error.is_none() {
            let _ = writeln!(out, "  no findings");
        }
        for f in mine {
            let tag = if f.status == FindingStatus::New && t.previous_scan_id.is_some() {
                " (new)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {}  {:<32} {}{}",
                style.severity(f.severity),
                f.check_id,
                clean(&f.title),
                tag
            );
            let _ = writeln!(out, "  {:<8}  {}", "", style.dim(&clean(&f.location)));
        }
        let fixed: Vec<&Finding> = r
            .fixed
            .iter()
            .filter(|f| f.target_id == t.target_id)
            .collect();
        if let (false, Some(prev)) = (fixed.is_empty(), &t.previous_scan_id) {
            let _ = writeln!(out, "  fixed since scan {prev}:");
            for f in fixed {
                let _ = writeln!(
                    out,
                    "  {}  {:<32} {}",
                    style.dim("FIXED   "),
                    f.check_id,
                    clean(&f.title)
                );
            }
        }
    }
    out.push('\n');
    out.push_str(&coverage_summary(&r.coverage, &s.targets));
    let c = &s.counts;
    let _ = writeln!(
        out,
        "summary: {} critical, {} high, {} medium, {} low, {} info{}",
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.info,
        if s.fixed > 0 {
            format!("; {} fixed", s.fixed)
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "status: {}{}",
        s.status,
        s.error
            .as_ref()
            .map(|e| format!(" ({})", clean(e)))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "database: {}", report.database);
    out
}

/// "coverage: N check runs ...", then the errored and skipped checks, one line per reason (and per target when the
/// scan has several), listing the checks that share it: an unreachable host is one line, not one per check.
pub fn coverage_summary(coverage: &[Coverage], targets: &[ScanTarget]) -> String {
    if coverage.is_empty() {
        return "coverage: no check finished\n".to_string();
    }
    let count = |state| coverage.iter().filter(|c| c.state == state).count();
    let ran_on: HashSet<&str> = coverage.iter().map(|c| c.target_id.as_str()).collect();
    let mut out = format!(
        "coverage: {} check runs on {} target{}: {} passed, {} found issues, {} errored, {} skipped\n",
        coverage.len(),
        ran_on.len(),
        if ran_on.len() == 1 { "" } else { "s" },
        count(CoverageState::Passed),
        count(CoverageState::Found),
        count(CoverageState::Errored),
        count(CoverageState::Skipped)
    );
    for group in crate::model::problem_groups(coverage) {
        let on = match targets.iter().find(|t| t.target_id == group.target_id) {
            Some(t) if targets.len() > 1 => format!(" on {}", t.url),
            _ => String::new(),
        };
        let n = group.checks.len();
        let _ = writeln!(
            out,
            "  {}{on}: {} ({} check{}: {})",
            group.state,
            clean(group.detail),
            n,
            if n == 1 { "" } else { "s" },
            group.checks.join(", ")
        );
    }
    out
}
