//! `/v1/scans/{id}/fix` (SECURITY-FIX.md) and `/v1/scans/{id}/report.{format}` (every report format). A scan still
//! running gives a partial document, said in the `Palisade-Partial` header.

use super::error::{ApiError, ApiResult};
use super::extract::Query;
use super::views::TargetQuery;
use super::{Caller, Rest};
use crate::report::Format;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, header};

/// The header that says a document covers a scan still running.
pub const PARTIAL: &str = "palisade-partial";

fn document(
    bytes: Vec<u8>,
    media: &'static str,
    partial: Option<String>,
    name: Option<String>,
) -> Response {
    let mut resp = ([(header::CONTENT_TYPE, media)], bytes).into_response();
    let headers = resp.headers_mut();
    if let Some(p) = partial {
        let ascii: String = p
            .chars()
            .map(|c| {
                if c.is_ascii() && !c.is_control() {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        if let Ok(v) = HeaderValue::from_str(&ascii) {
            headers.insert(PARTIAL, v);
        }
    }
    if let Some(name) = name
        && let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

pub async fn fix(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<TargetQuery>,
) -> ApiResult<Response> {
    let rendered = rest
        .app
        .report(&caller.org, &id, Format::Fix, q.target.as_deref())
        .await?;
    Ok(document(
        rendered.bytes,
        Format::Fix.media_type(),
        rendered.partial,
        Some("SECURITY-FIX.md".into()),
    ))
}

/// The formats a report path may name.
pub fn format_names() -> Vec<&'static str> {
    Format::ALL.iter().map(|f| f.name()).collect()
}

pub async fn report(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path((id, file)): Path<(String, String)>,
    Query(q): Query<TargetQuery>,
) -> ApiResult<Response> {
    let Some(name) = file.strip_prefix("report.") else {
        return Err(ApiError::new(
            http::StatusCode::NOT_FOUND,
            "not_found",
            format!(
                "no endpoint /v1/scans/{{id}}/{file}: reports are at /v1/scans/{{id}}/report.FORMAT"
            ),
        ));
    };
    let format = name
        .parse::<Format>()
        .ok()
        .filter(|f| f.name() == name)
        .ok_or_else(|| {
            ApiError::new(
                http::StatusCode::NOT_FOUND,
                "unknown_format",
                format!(
                    "no report format '{name}': use one of {}",
                    format_names().join(", ")
                ),
            )
        })?;
    let rendered = rest
        .app
        .report(&caller.org, &id, format, q.target.as_deref())
        .await?;
    let ext = match format {
        Format::Fix => "md".to_string(),
        Format::Markdown => "md".to_string(),
        other => other.name().to_string(),
    };
    Ok(document(
        rendered.bytes,
        format.media_type(),
        rendered.partial,
        Some(format!("palisade-{id}.{ext}")),
    ))
}
