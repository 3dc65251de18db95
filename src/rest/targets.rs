//! `/v1/targets`: list, add, remove the org's targets.

use super::Rest;
use super::error::ApiResult;
use super::extract::Body;
use super::views::{AddTarget, TargetList, TargetOne};
use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use http::StatusCode;

use super::Caller;

pub async fn list(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<Json<TargetList>> {
    let targets = rest.app.list_targets(&caller.org).await?;
    Ok(Json(TargetList { targets }))
}

pub async fn add(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<AddTarget>,
) -> ApiResult<(StatusCode, Json<TargetOne>)> {
    let target = rest
        .app
        .add_target(&caller.org, &body.url, body.label.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(TargetOne { target })))
}

pub async fn remove(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<TargetOne>> {
    let target = rest.app.remove_target(&caller.org, &id).await?;
    Ok(Json(TargetOne { target }))
}
