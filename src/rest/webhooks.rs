//! `/v1/webhooks`: where the org's events are posted, signed (or mailed). Needs `admin` (a webhook sends the org's
//! data out).

use super::error::ApiResult;
use super::extract::Body;
use super::mount;
use super::op::Op;
use super::webhook_views::{
    CreateWebhook, DeliveryList, WebhookCreated, WebhookDeleted, WebhookList,
};
use super::{Caller, Rest};
use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use axum::routing::MethodRouter;
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

/// The `/v1/webhooks` operations with their handlers.
pub(super) fn operations() -> Vec<(Op, MethodRouter<Rest>)> {
    use crate::model::Scope::*;
    vec![
        mount(
            Op::get("/v1/webhooks", "listWebhooks", "List the org's webhooks")
                .tag("webhooks")
                .scope(Admin)
                .reply::<WebhookList>(200, "The org's webhooks, never their secrets."),
            list,
        ),
        mount(
            Op::post("/v1/webhooks", "createWebhook", "Post the org's events to a URL, signed")
                .tag("webhooks")
                .scope(Admin)
                .describe(
                    "Events are stored, then POSTed with Palisade-Signature: t=...,v1=HMAC-SHA256(secret, t.body) and \
                     retried with growing delays for 24 hours; the URL passes the scan scope guard. A mailto: URL \
                     mails the events through the server's [smtp] settings instead.",
                )
                .body::<CreateWebhook>()
                .reply::<WebhookCreated>(201, "The webhook and its secret, shown this once (null for email).")
                .links("id", "$response.body#/webhook/id", &["deleteWebhook", "listDeliveries"])
                .consequential(),
            create,
        ),
        mount(
            Op::delete("/v1/webhooks/{id}", "deleteWebhook", "Delete a webhook")
                .tag("webhooks")
                .scope(Admin)
                .path_param("id", "The webhook's id.")
                .describe("Its pending deliveries are given up.")
                .reply::<WebhookDeleted>(200, "The id deleted.")
                .consequential(),
            delete,
        ),
        mount(
            Op::get("/v1/webhooks/{id}/deliveries", "listDeliveries", "List a webhook's deliveries")
                .tag("webhooks")
                .scope(Admin)
                .path_param("id", "The webhook's id.")
                .reply::<DeliveryList>(200, "Newest first: status, attempts, next attempt, last answer."),
            deliveries,
        ),
    ]
}
