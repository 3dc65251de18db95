//! `/v1/schedules`: scans `palisade serve` starts on a cadence. Reading needs `scans:read`, changing `scans:write`.

use super::error::ApiResult;
use super::extract::Body;
use super::schedule_views::{
    CreateSchedule, ScheduleDetail, ScheduleList, ScheduleOne, UpdateSchedule,
};
use super::{Caller, Rest};
use crate::app::{NewSchedule, ScheduleChange};
use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use http::StatusCode;

pub async fn list(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<Json<ScheduleList>> {
    let schedules = rest.app.list_schedules(&caller.org).await?;
    Ok(Json(ScheduleList { schedules }))
}

pub async fn create(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<CreateSchedule>,
) -> ApiResult<(StatusCode, Json<ScheduleOne>)> {
    let new = NewSchedule {
        name: body.name,
        targets: body.targets,
        profile: body.profile,
        cadence: body.cadence,
        timezone: body.timezone,
        jitter_secs: body.jitter_secs,
        paused: body.paused,
    };
    let schedule = rest.app.create_schedule(&caller.org, new).await?;
    Ok((StatusCode::CREATED, Json(ScheduleOne { schedule })))
}

pub async fn get(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<ScheduleDetail>> {
    let schedule = rest.app.get_schedule(&caller.org, &id).await?;
    let runs = rest.app.schedule_runs(&caller.org, &id, 100).await?;
    Ok(Json(ScheduleDetail { schedule, runs }))
}

pub async fn update(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Body(body): Body<UpdateSchedule>,
) -> ApiResult<Json<ScheduleOne>> {
    let change = ScheduleChange {
        name: body.name,
        targets: body.targets,
        profile: body.profile,
        cadence: body.cadence,
        timezone: body.timezone,
        jitter_secs: body.jitter_secs,
        paused: body.paused,
    };
    let schedule = rest.app.update_schedule(&caller.org, &id, change).await?;
    Ok(Json(ScheduleOne { schedule }))
}

pub async fn delete(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<ScheduleOne>> {
    let schedule = rest.app.get_schedule(&caller.org, &id).await?;
    rest.app.delete_schedule(&caller.org, &id).await?;
    Ok(Json(ScheduleOne { schedule }))
}
