//! `/v1/scans/{id}/report.FORMAT`: one operation per report format, each declaring exactly its media type and schema
//! (PDF as binary, CSV, Markdown, HTML and JSON Lines as text, the JSON report and SARIF as JSON objects), so a
//! generated client reads each for what it is; and the 404 naming the formats for any other file name.

use super::error::{ApiError, ApiResult};
use super::extract::Query;
use super::files::document;
use super::op::Op;
use super::views::TargetQuery;
use super::{Caller, Rest, mount};
use crate::model::Scope;
use crate::report::Format;
use crate::report::json::ReportDocument;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::MethodRouter;
use http::StatusCode;
use serde_json::{Value, json};

/// What each format's operation is called and says.
fn about(format: Format) -> (&'static str, &'static str, &'static str) {
    match format {
        Format::Json => (
            "/v1/scans/{id}/report.json",
            "getReportJson",
            "Download the JSON report (palisade-report/v1): scan, findings, fixed findings, coverage",
        ),
        Format::Jsonl => (
            "/v1/scans/{id}/report.jsonl",
            "getReportJsonl",
            "Download the open findings as JSON Lines, one finding per line",
        ),
        Format::Csv => (
            "/v1/scans/{id}/report.csv",
            "getReportCsv",
            "Download the findings as CSV, one row per finding",
        ),
        Format::Sarif => (
            "/v1/scans/{id}/report.sarif",
            "getReportSarif",
            "Download the findings as SARIF 2.1.0, for code-scanning dashboards",
        ),
        Format::Markdown => (
            "/v1/scans/{id}/report.markdown",
            "getReportMarkdown",
            "Get the scan's summary report in Markdown: grades, counts and findings by severity",
        ),
        Format::Html => (
            "/v1/scans/{id}/report.html",
            "getReportHtml",
            "Download the report as one self-contained HTML page",
        ),
        Format::Pdf => (
            "/v1/scans/{id}/report.pdf",
            "getReportPdf",
            "Download the report as a PDF",
        ),
        Format::Fix => (
            "/v1/scans/{id}/report.fix",
            "getReportFix",
            "Download SECURITY-FIX.md, the same file as getFixFile",
        ),
    }
}

/// The schema of a text or binary format's body.
fn body_schema(format: Format) -> Value {
    match format {
        Format::Pdf => {
            json!({ "type": "string", "format": "binary", "contentMediaType": "application/pdf" })
        }
        Format::Jsonl => json!({
            "type": "string", "contentMediaType": "application/jsonl",
            "description": "One JSON object per line: an open finding, as in the JSON report.",
        }),
        _ => json!({ "type": "string" }),
    }
}

/// The bare media type of `format` (the response also says `charset=utf-8` for text).
fn media(format: Format) -> &'static str {
    let full = format.media_type();
    full.split(';').next().unwrap_or(full)
}

fn operation(format: Format) -> Op {
    let (path, id, summary) = about(format);
    let op = Op::get(path, id, summary)
        .tag("reports")
        .scope(Scope::ScansRead)
        .describe("Partial while the scan runs (Palisade-Partial header).")
        .path_param("id", "The scan id (from startScan or listScans).")
        .query::<TargetQuery>();
    match format {
        Format::Json => op.reply::<ReportDocument>(200, "The JSON report."),
        Format::Sarif => op.reply_media(
            200,
            "The SARIF log.",
            vec![(
                media(format),
                json!({
                    "type": "object",
                    "description": "A SARIF 2.1.0 log (https://docs.oasis-open.org/sarif/sarif/v2.1.0/).",
                    "properties": {
                        "version": { "type": "string", "const": "2.1.0" },
                        "$schema": { "type": "string" },
                        "runs": { "type": "array", "items": { "type": "object" } },
                    },
                    "required": ["version", "runs"],
                }),
            )],
        ),
        Format::Markdown => op
            .reply_media(200, "The report.", vec![(media(format), body_schema(format))])
            .for_actions(),
        _ => op.reply_media(200, "The report.", vec![(media(format), body_schema(format))]),
    }
}

/// Every report format's operation with its handler.
pub(super) fn operations() -> Vec<(Op, MethodRouter<Rest>)> {
    Format::ALL
        .into_iter()
        .map(|format| {
            let handler = move |rest: State<Rest>,
                                caller: Extension<Caller>,
                                id: Path<String>,
                                q: Query<TargetQuery>| {
                report(format, rest, caller, id, q)
            };
            mount(operation(format), handler)
        })
        .collect()
}

async fn report(
    format: Format,
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<TargetQuery>,
) -> ApiResult<Response> {
    let rendered = rest
        .app
        .report(&caller.org, &id, format, q.target.as_deref())
        .await?;
    let ext = match format {
        Format::Fix | Format::Markdown => "md",
        other => other.name(),
    };
    Ok(document(
        rendered.bytes,
        format.media_type(),
        rendered.partial,
        Some(format!("palisade-{id}.{ext}")),
    ))
}

/// Any other file under a scan: 404, naming the report formats there are.
pub(super) async fn unknown(Path((_, file)): Path<(String, String)>) -> ApiError {
    let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
    match file.strip_prefix("report.") {
        Some(name) => ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_format",
            format!("no report format '{name}': use one of {}", names.join(", ")),
        ),
        None => ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!(
                "no endpoint /v1/scans/{{id}}/{file}: reports are at /v1/scans/{{id}}/report.FORMAT"
            ),
        ),
    }
}
