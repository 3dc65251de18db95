//! `/v1/schedules`: scans `palisade serve` starts on a cadence. Reading needs `scans:read`, changing `scans:write`.

use super::error::ApiResult;
use super::extract::Body;
use super::mount;
use super::op::Op;
use super::schedule_views::{
    CreateSchedule, ScheduleDetail, ScheduleList, ScheduleOne, UpdateSchedule,
};
use super::{Caller, Rest};
use crate::app::{NewSchedule, ScheduleChange};
use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::routing::MethodRouter;
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

/// The `/v1/schedules` operations with their handlers.
pub(super) fn operations() -> Vec<(Op, MethodRouter<Rest>)> {
    use crate::model::Scope::*;
    vec![
        mount(
            Op::get("/v1/schedules", "listSchedules", "List the org's scan schedules")
                .tag("schedules")
                .scope(ScansRead)
                .describe("Each schedule with its cadence, time zone, next slot and start, and its last run.")
                .reply::<ScheduleList>(200, "The org's schedules, oldest first."),
            list,
        ),
        mount(
            Op::post("/v1/schedules", "createSchedule", "Schedule a recurring scan")
                .tag("schedules")
                .scope(ScansWrite)
                .describe(
                    "palisade serve scans the targets at each slot of the cadence (preset or cron, in a time zone) plus a \
                     stable jitter. A slot missed while down runs once; a run whose previous scan still goes is skipped.",
                )
                .body::<CreateSchedule>()
                .reply::<ScheduleOne>(201, "The schedule, with its first slot.")
                .links("id", "$response.body#/schedule/id", &["getSchedule", "updateSchedule", "deleteSchedule"])
                .consequential(),
            create,
        ),
        mount(
            Op::get("/v1/schedules/{id}", "getSchedule", "Get a schedule and its last runs")
                .tag("schedules")
                .scope(ScansRead)
                .path_param("id", "The schedule's id.")
                .reply::<ScheduleDetail>(200, "The schedule and up to 100 runs, newest first."),
            get,
        ),
        mount(
            Op::patch("/v1/schedules/{id}", "updateSchedule", "Change, pause or resume a schedule")
                .tag("schedules")
                .scope(ScansWrite)
                .path_param("id", "The schedule's id.")
                .describe("Fields left out keep their value. paused: true pauses; false resumes at the next slot.")
                .body::<UpdateSchedule>()
                .reply::<ScheduleOne>(200, "The schedule as changed.")
                .consequential(),
            update,
        ),
        mount(
            Op::delete("/v1/schedules/{id}", "deleteSchedule", "Delete a schedule")
                .tag("schedules")
                .scope(ScansWrite)
                .path_param("id", "The schedule's id.")
                .describe("No more runs; the scans it started are kept.")
                .reply::<ScheduleOne>(200, "The deleted schedule.")
                .consequential(),
            delete,
        ),
    ]
}
