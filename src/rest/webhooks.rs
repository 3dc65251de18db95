//! `/v1/webhooks`: where the org's events are posted, signed. Needs `admin` (a webhook sends the org's data out).

use super::error::ApiResult;
use super::extract::Body;
use super::webhook_views::{
    CreateWebhook, DeliveryList, WebhookCreated, WebhookDeleted, WebhookList,
};
use super::{Caller, Rest};
use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use http::StatusCode;

pub async fn list(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<Json<WebhookList>> {
    let webhooks = rest.app.list_webhooks(&caller.org).await?;
    Ok(Json(WebhookList { webhooks }))
}

pub async fn create(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Body(body): Body<CreateWebhook>,
) -> ApiResult<(StatusCode, Json<WebhookCreated>)> {
    let new = rest
        .app
        .create_webhook(&caller.org, &body.url, &body.events, body.format.as_deref())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(WebhookCreated {
            webhook: new.webhook,
            secret: new.secret,
        }),
    ))
}

pub async fn delete(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<WebhookDeleted>> {
    rest.app.delete_webhook(&caller.org, &id).await?;
    Ok(Json(WebhookDeleted { deleted: id }))
}

pub async fn deliveries(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<DeliveryList>> {
    let deliveries = rest.app.webhook_deliveries(&caller.org, &id, 100).await?;
    Ok(Json(DeliveryList { deliveries }))
}
