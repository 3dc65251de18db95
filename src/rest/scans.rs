//! `/v1/scans`: start (202, or 409 while the same targets are being scanned), list, read with progress and the
//! findings so far, cancel.

use super::error::{ApiResult, ranged};
use super::extract::{Body, Query};
use super::views::{
    ListScansQuery, Progress, ScanDetail, ScanList, ScanOne, ScanStarted, StartScan, UNTRUSTED,
};
use super::{Caller, Rest};
use crate::app::ScanRequest;
use crate::store::FindingFilter;
use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use http::{StatusCode, header};

/// Findings shown in a scan's detail.
const PREVIEW: u32 = 10;

pub async fn start(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<StartScan>,
) -> ApiResult<(
    StatusCode,
    [(header::HeaderName, String); 1],
    Json<ScanStarted>,
)> {
    let request = ScanRequest {
        targets: body.targets,
        profile: body.profile,
        checks: body.checks,
        verify_of: None,
        exclusive: !body.force,
        templates: crate::templates::Selection {
            tags: body.tags,
            exclude_tags: body.exclude_tags,
            ids: body.template_ids,
            severities: body.severities,
        },
        asked: None,
    };
    let handle = rest.app.start_scan(&caller.org, request).await?;
    let id = handle.scan.id.clone();
    let scan = rest.url(&format!("/v1/scans/{id}"));
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, scan.clone())],
        Json(ScanStarted {
            status: handle.scan.status,
            findings_url: format!("{scan}/findings"),
            events_url: format!("{scan}/events"),
            fix_url: format!("{scan}/fix"),
            status_url: scan,
            scan_id: id,
        }),
    ))
}

pub async fn list(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<ListScansQuery>,
) -> ApiResult<Json<ScanList>> {
    let limit = ranged("limit", q.limit, 20, 1, 100)?;
    let scans = rest.app.list_scans(&caller.org, limit).await?;
    Ok(Json(ScanList {
        scans: scans.into_iter().map(Into::into).collect(),
    }))
}

pub async fn get(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<ScanDetail>> {
    let scan = rest.app.get_scan(&caller.org, &id).await?;
    let findings = rest
        .app
        .page_findings(&caller.org, &id, &FindingFilter::default(), PREVIEW, None)
        .await?
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    let (done, total) = (scan.checks_done, scan.checks_total);
    Ok(Json(ScanDetail {
        progress: Progress {
            done,
            total,
            percent: (u64::from(done) * 100)
                .checked_div(u64::from(total))
                .unwrap_or(if scan.status.is_terminal() { 100 } else { 0 })
                .min(100) as u32,
        },
        findings,
        findings_total: u64::from(scan.counts.total()),
        findings_url: rest.url(&format!("/v1/scans/{id}/findings")),
        note: UNTRUSTED.into(),
        scan: scan.into(),
    }))
}

pub async fn cancel(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<ScanOne>> {
    let scan = rest.app.cancel_scan(&caller.org, &id).await?;
    Ok(Json(ScanOne { scan: scan.into() }))
}
