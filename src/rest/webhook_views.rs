//! What `/v1/webhooks` reads and returns.

use crate::model::{Delivery, Webhook};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// Where to POST events (http or https; it passes the same scope guard as scan targets), or
    /// `mailto:a@example.com,b@example.com` for email alerts (needs the server's `[smtp]` settings).
    pub url: String,
    /// Any of `scan.completed`, `scan.failed`, `finding.new`, `score.degraded`, `cert.expiring`,
    /// `target.unreachable`; all when omitted.
    #[serde(default)]
    pub events: Vec<String>,
    /// `json` (signed Palisade payloads) or `slack` (Slack incoming-webhook messages); `slack` by default for
    /// hooks.slack.com URLs, `json` otherwise; `email` for mailto: URLs.
    #[serde(default)]
    pub format: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct WebhookCreated {
    pub webhook: Webhook,
    /// The signing secret (`whsec_` + 32 hex digits), shown this once: verify `Palisade-Signature` with it. Null
    /// for email alerts, which are not signed.
    pub secret: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct WebhookList {
    pub webhooks: Vec<Webhook>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DeliveryList {
    /// Newest first (at most 100).
    pub deliveries: Vec<Delivery>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct WebhookDeleted {
    pub deleted: String,
}
