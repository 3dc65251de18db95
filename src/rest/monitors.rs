//! `/v1/monitors`: the alert rules deciding which events a finished scan raises. Reading needs `scans:read`,
//! changing `scans:write`.

use super::error::ApiResult;
use super::extract::Body;
use super::mount;
use super::op::Op;
use super::{Caller, Rest};
use crate::app::NewMonitor;
use crate::model::{Monitor, Severity};
use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::routing::MethodRouter;
use http::StatusCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMonitor {
    /// `new-finding`, `grade-drop`, `cert-expiring`, `unreachable` or `scan-failed`.
    pub rule: String,
    /// A target URL or host it watches; every target of the org when omitted.
    #[serde(default)]
    pub target: Option<String>,
    /// `new-finding`: the lowest severity that alerts (default `high`).
    #[serde(default)]
    pub min_severity: Option<Severity>,
    /// `cert-expiring`: alert when the certificate has at most this many days left (1 to 365, default 14).
    #[serde(default)]
    #[schemars(range(min = 1, max = 365))]
    pub days: Option<u32>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct MonitorList {
    /// Empty means every rule applies to every target, with its default threshold.
    pub monitors: Vec<Monitor>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct MonitorOne {
    pub monitor: Monitor,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct MonitorDeleted {
    pub deleted: String,
}

pub async fn list(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<Json<MonitorList>> {
    let monitors = rest.app.list_monitors(&caller.org).await?;
    Ok(Json(MonitorList { monitors }))
}

pub async fn create(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<CreateMonitor>,
) -> ApiResult<(StatusCode, Json<MonitorOne>)> {
    let new = NewMonitor {
        rule: body.rule,
        target: body.target,
        min_severity: body.min_severity,
        days: body.days,
    };
    let monitor = rest.app.create_monitor(&caller.org, new).await?;
    Ok((StatusCode::CREATED, Json(MonitorOne { monitor })))
}

pub async fn delete(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<MonitorDeleted>> {
    rest.app.delete_monitor(&caller.org, &id).await?;
    Ok(Json(MonitorDeleted { deleted: id }))
}

/// The `/v1/monitors` operations with their handlers.
pub(super) fn operations() -> Vec<(Op, MethodRouter<Rest>)> {
    use crate::model::Scope::*;
    vec![
        mount(
            Op::get("/v1/monitors", "listMonitors", "List the org's alert rules")
                .tag("monitors")
                .scope(ScansRead)
                .describe("Empty means every rule applies to every target with its default threshold.")
                .reply::<MonitorList>(200, "The org's monitors."),
            list,
        ),
        mount(
            Op::post("/v1/monitors", "createMonitor", "Add an alert rule for a target or the org")
                .tag("monitors")
                .scope(ScansWrite)
                .describe(
                    "Once an org has monitors, a finished scan raises only the events they ask for: new findings \
                     at a severity, a grade drop, a certificate near expiry, an unreachable target, a failed scan.",
                )
                .body::<CreateMonitor>()
                .reply::<MonitorOne>(201, "The monitor.")
                .links("id", "$response.body#/monitor/id", &["deleteMonitor"])
                .consequential(),
            create,
        ),
        mount(
            Op::delete("/v1/monitors/{id}", "deleteMonitor", "Delete an alert rule")
                .tag("monitors")
                .scope(ScansWrite)
                .path_param("id", "The monitor's id.")
                .reply::<MonitorDeleted>(200, "The id deleted.")
                .consequential(),
            delete,
        ),
    ]
}
