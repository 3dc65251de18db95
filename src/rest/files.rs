//! `/v1/scans/{id}/fix` (SECURITY-FIX.md), and the response every document of a scan is sent as (the reports too). A
//! scan still running gives a partial document, said in the `Palisade-Partial` header.

use super::error::ApiResult;
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

pub(super) fn document(
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
