//! `/v1/scans/{id}/findings`: a scan's findings, worst first, filtered as in the MCP `get_findings` tool, paged by
//! an opaque cursor (each page costs the same however deep it is) and kept under 90,000 characters.

use super::error::{ApiError, ApiResult, ranged};
use super::extract::Query;
use super::views::{FindingsPage, FindingsQuery, UNTRUSTED};
use super::{Caller, Rest};
use crate::model::Scan;
use crate::store::{FindingFilter, PagePos};
use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The most characters of findings one page carries (ChatGPT Actions drop responses over 100,000).
pub const PAGE_BUDGET: usize = 90_000;

/// Where the next page starts, and the total counted on the first page.
fn encode(pos: PagePos, total: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}.{}.{total}", pos.rank, pos.seq))
}

fn decode(cursor: &str) -> Result<(PagePos, u64), ApiError> {
    let bad = || {
        ApiError::bad_request(
            "invalid_cursor",
            "cursor is not one this server gave: pass next_cursor of the previous page unchanged, or omit it",
        )
    };
    let text = URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad)?;
    let mut parts = text.split('.').map(str::parse::<u64>);
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(Ok(rank)), Some(Ok(seq)), Some(Ok(total)), None)
            if rank <= 4 && seq <= i64::MAX as u64 =>
        {
            Ok((
                PagePos {
                    rank: rank as i64,
                    seq: seq as i64,
                },
                total,
            ))
        }
        _ => Err(bad()),
    }
}

/// The scan target a `target` filter names (URL, host or id); 422 `unknown_target` otherwise.
fn target_id(scan: &Scan, target: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(t) = target else { return Ok(None) };
    crate::app::scan_target(scan, t)
        .map(|x| Some(x.target_id.clone()))
        .map_err(|e| {
            ApiError::new(
                http::StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_target",
                e.to_string(),
            )
        })
}

pub async fn page(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(q): Query<FindingsQuery>,
) -> ApiResult<Json<FindingsPage>> {
    let scan = rest.app.get_scan(&caller.org, &id).await?;
    let filter = FindingFilter {
        min_severity: q.min_severity,
        category: q.category,
        module: q.module,
        status: q.status,
        target_id: target_id(&scan, q.target.as_deref())?,
        fingerprints: None,
    };
    let limit = ranged("limit", q.limit, 25, 1, 100)?;
    let (after, total) = match q.cursor.as_deref() {
        Some(c) => {
            let (pos, total) = decode(c)?;
            (Some(pos), total)
        }
        None => (None, first_total(&rest, &caller, &scan, &filter).await?),
    };
    let rows = rest
        .app
        .page_findings(&caller.org, &id, &filter, limit + 1, after)
        .await?;
    let more = rows.len() > limit as usize;
    let mut findings = Vec::with_capacity(limit as usize);
    let mut last = None;
    let mut size = 0;
    let mut cut = false;
    for (pos, finding) in rows.into_iter().take(limit as usize) {
        let len = serde_json::to_string(&finding)
            .map(|s| s.len())
            .unwrap_or(0);
        if size + len > PAGE_BUDGET && !findings.is_empty() {
            cut = true;
            break;
        }
        size += len;
        last = Some(pos);
        findings.push(finding);
    }
    let next_cursor = (more || cut)
        .then(|| last.map(|p| encode(p, total)))
        .flatten();
    Ok(Json(FindingsPage {
        findings,
        total,
        next_cursor,
        note: UNTRUSTED.into(),
    }))
}

/// How many findings match: from the scan's counts when nothing narrows the default view, else counted.
async fn first_total(
    rest: &Rest,
    caller: &Caller,
    scan: &Scan,
    filter: &FindingFilter,
) -> Result<u64, ApiError> {
    let unfiltered = filter.min_severity.is_none()
        && filter.category.is_none()
        && filter.module.is_none()
        && filter.status.is_none()
        && filter.target_id.is_none();
    if unfiltered {
        return Ok(u64::from(scan.counts.total()));
    }
    Ok(rest
        .app
        .count_findings(&caller.org, &scan.id, filter)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let pos = PagePos { rank: 3, seq: 1234 };
        assert_eq!(decode(&encode(pos, 99)).unwrap(), (pos, 99));
        for bad in [
            "",
            "abc",
            "MS4y",
            &URL_SAFE_NO_PAD.encode("9.1.1"),
            &URL_SAFE_NO_PAD.encode("1.x.1"),
        ] {
            let err = decode(bad).unwrap_err();
            assert_eq!(err.body.code, "invalid_cursor", "{bad}");
        }
    }
}
