//! The JSON report (`palisade-report/v1`: the scan, its findings, fixed findings and coverage) and JSON Lines (one
//! open finding per line), with the JSON Schemas of both, generated from these types and published in `schemas/`.

use super::ReportData;
use crate::model::{Coverage, Finding, Scan};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The format name a JSON report carries.
pub const REPORT_FORMAT: &str = "palisade-report/v1";

/// A Palisade scan report: the scan with its targets and grades, every open finding, the findings that were fixed
/// since the previous scan, and what each check did on each target. Text quoted from the scanned site (titles,
/// evidence, the `evidence` of technologies) is untrusted data.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "Palisade scan report (palisade-report/v1)")]
pub struct ReportDocument {
    /// Always `palisade-report/v1`.
    pub report_format: String,
    /// The scanner and its version, e.g. `palisade 0.1.0`.
    pub generator: String,
    /// When the report was made (RFC 3339 UTC).
    pub generated_at: String,
    /// True when the scan had not completed (still running, cancelled or failed): findings may be missing.
    pub partial: bool,
    /// Why the report is partial.
    pub partial_reason: Option<String>,
    pub scan: Scan,
    /// Open findings (status `new` or `unchanged`), worst first.
    pub findings: Vec<Finding>,
    /// Findings of the previous scan of a target that this scan no longer found (status `fixed`).
    pub fixed: Vec<Finding>,
    /// One row per check and target: passed, found, errored (with the error) or skipped (with the reason).
    pub coverage: Vec<Coverage>,
}

impl ReportDocument {
    /// The document of a report.
    pub fn of(data: &ReportData) -> ReportDocument {
        let partial_reason = data.partial();
        ReportDocument {
            report_format: REPORT_FORMAT.to_string(),
            generator: super::generator(),
            generated_at: data.generated_at.clone(),
            partial: partial_reason.is_some(),
            partial_reason,
            scan: data.scan.clone(),
            findings: data.findings.clone(),
            fixed: data.fixed.clone(),
            coverage: data.coverage.clone(),
        }
    }
}

/// The JSON report, pretty-printed.
pub fn render(data: &ReportData) -> String {
    serde_json::to_string_pretty(&ReportDocument::of(data)).expect("a report serialises") + "\n"
}

/// JSON Lines: one open finding per line, worst first.
pub fn render_lines(data: &ReportData) -> String {
    data.findings
        .iter()
        .map(|f| serde_json::to_string(f).expect("a finding serialises") + "\n")
        .collect()
}

/// The JSON Schema of the JSON report (`schemas/report.schema.json`).
pub fn report_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(ReportDocument)).expect("a schema serialises")
}

/// The JSON Schema of one JSON Lines record (`schemas/finding.schema.json`).
pub fn finding_schema() -> serde_json::Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(Finding)).expect("a schema serialises");
    schema["title"] = "Palisade finding (one line of a JSON Lines report)".into();
    schema
}
