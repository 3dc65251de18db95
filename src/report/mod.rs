//! Reports made from a stored scan, in the formats people and tools read: JSON and JSON Lines (with published JSON
//! Schemas), CSV, SARIF 2.1.0 for code scanning, a Markdown summary for pull requests, a single-file HTML report, a
//! PDF, and the `SECURITY-FIX.md` fix file; those for people open with the executive summary of [`summary`]. Every
//! front end (CLI, MCP, REST) renders through [`render`].

pub mod csv;
pub mod fix;
pub mod gate;
pub mod html;
pub mod json;
pub mod line;
pub mod markdown;
pub mod pdf;
pub mod sarif;
pub mod summary;
#[cfg(test)]
pub(crate) mod testdata;

use crate::model::{Coverage, Finding, Scan, ScanStatus, ScanTarget};
use std::str::FromStr;

/// A scan with everything a report shows.
#[derive(Debug, Clone)]
pub struct ReportData {
    pub scan: Scan,
    /// Open findings (new and unchanged), worst first.
    pub findings: Vec<Finding>,
    /// Findings of the previous scans that did not come back.
    pub fixed: Vec<Finding>,
    pub coverage: Vec<Coverage>,
    /// When the report was made (RFC 3339 UTC).
    pub generated_at: String,
}

impl ReportData {
    /// Why the report may be missing findings, when the scan did not complete (still running, cancelled or
    /// failed), as a sentence fragment: "the scan is still running (3 of 15 checks done)".
    pub fn partial(&self) -> Option<String> {
        let s = &self.scan;
        let progress = format!("{} of {} checks done", s.checks_done, s.checks_total);
        match s.status {
            ScanStatus::Completed => None,
            ScanStatus::Queued | ScanStatus::Running => Some(format!(
                "the scan is still running ({progress}); findings may still be added"
            )),
            ScanStatus::Cancelled => Some(format!("the scan was cancelled ({progress})")),
            ScanStatus::Failed => Some(format!(
                "the scan failed ({progress}): {}",
                s.error.as_deref().unwrap_or("unknown error")
            )),
        }
    }

    /// The scan target a finding belongs to.
    pub fn target_of(&self, f: &Finding) -> Option<&ScanTarget> {
        self.scan
            .targets
            .iter()
            .find(|t| t.target_id == f.target_id)
    }

    /// The host (or URL) naming a target.
    pub fn target_name(t: &ScanTarget) -> &str {
        if t.host.is_empty() { &t.url } else { &t.host }
    }

    /// The fixes that resolve the open findings, one per root cause, worst first.
    pub fn fix_plan(&self) -> fix::Plan {
        fix::plan(self)
    }

    /// "N fixed since the previous scan", or that there was none to compare with (a first scan).
    pub fn fixed_text(&self) -> String {
        if self
            .scan
            .targets
            .iter()
            .any(|t| t.previous_scan_id.is_some())
        {
            format!("{} fixed since the previous scan", self.fixed.len())
        } else {
            "first scan: nothing to compare with".to_string()
        }
    }
}

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Jsonl,
    Csv,
    Sarif,
    Markdown,
    Html,
    Pdf,
    /// The `SECURITY-FIX.md` fix file.
    Fix,
}

impl Format {
    /// Every format, in the order help texts list them.
    pub const ALL: [Format; 8] = [
        Format::Json,
        Format::Jsonl,
        Format::Csv,
        Format::Sarif,
        Format::Markdown,
        Format::Html,
        Format::Pdf,
        Format::Fix,
    ];

    /// The name used on the command line and in URLs.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Fix => "fix",
        }
    }

    /// The media type of the rendered bytes.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Jsonl => "application/jsonl",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Sarif => "application/sarif+json",
            Format::Markdown | Format::Fix => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
        }
    }

    /// True for formats that are text (the others are printed only to files).
    pub fn is_text(self) -> bool {
        self != Format::Pdf
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        let lower = s.trim().to_ascii_lowercase();
        let alias = match lower.as_str() {
            "md" => "markdown",
            "security-fix" | "security-fix.md" => "fix",
            other => other,
        };
        Format::ALL
            .into_iter()
            .find(|f| f.name() == alias)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown report format '{s}': expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Renders a report.
pub fn render(format: Format, data: &ReportData) -> Vec<u8> {
    match format {
        Format::Json => json::render(data).into_bytes(),
        Format::Jsonl => json::render_lines(data).into_bytes(),
        Format::Csv => csv::render(data).into_bytes(),
        Format::Sarif => sarif::render(data).into_bytes(),
        Format::Markdown => markdown::render(data).into_bytes(),
        Format::Html => html::render(data).into_bytes(),
        Format::Pdf => pdf::render(data),
        Format::Fix => fix::render(data).into_bytes(),
    }
}

/// The scanner's name and version, as reports name it.
pub fn generator() -> String {
    format!("palisade {}", env!("CARGO_PKG_VERSION"))
}

/// Replaces control characters so text from the scanned site stays on its line.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Format;

    #[test]
    fn formats_parse_by_name_and_alias_and_refuse_others_with_the_list() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>(), Ok(f));
        }
        assert_eq!("MD".parse::<Format>(), Ok(Format::Markdown));
        let err = "docx".parse::<Format>().unwrap_err();
        assert!(err.contains("docx") && err.contains("sarif"), "{err}");
    }
}
