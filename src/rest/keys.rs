//! `/v1/keys`: the org's API keys, listed by prefix, created (the secret shown once) and revoked. Needs `admin`.

use super::error::ApiResult;
use super::extract::Body;
use super::views::{CreateKey, KeyCreated, KeyList, KeyOne};
use super::{Caller, Rest};
use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use http::StatusCode;

pub async fn list(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<Json<KeyList>> {
    let keys = rest.app.list_keys(&caller.org).await?;
    Ok(Json(KeyList { keys }))
}

pub async fn create(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<CreateKey>,
) -> ApiResult<(StatusCode, Json<KeyCreated>)> {
    let new = rest
        .app
        .create_key(&caller.org, &body.name, &body.scopes)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(KeyCreated {
            key: new.key,
            secret: new.secret,
        }),
    ))
}

pub async fn revoke(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<KeyOne>> {
    let key = rest.app.revoke_key(&caller.org, &id).await?;
    Ok(Json(KeyOne { key }))
}
