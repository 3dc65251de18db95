//! Webhooks and their deliveries, as stored and shown.

use serde::{Deserialize, Serialize};

/// The events a webhook can subscribe to.
pub const EVENTS: &[&str] = &[
    "scan.completed",
    "scan.failed",
    "finding.new",
    "score.degraded",
    "cert.expiring",
    "target.unreachable",
];

/// A webhook: where events of an org are posted. Its secret is shown once, at creation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Webhook {
    pub id: String,
    pub org_id: String,
    pub url: String,
    /// Subscribed events (see `EVENTS`).
    pub events: Vec<String>,
    /// `json` (Palisade's signed payloads), `slack` (messages for a Slack incoming webhook) or `email` (a
    /// `mailto:` URL, sent through the configured mail server).
    pub format: String,
    pub created_at: String,
}

/// One event sent (or to be sent) to one webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Delivery {
    pub id: String,
    pub webhook_id: String,
    pub event: String,
    /// `pending` (not yet answered with 2xx; retried), `delivered`, or `failed` (gave up).
    pub status: String,
    pub attempts: u32,
    pub next_attempt_at: Option<String>,
    /// The receiver's last HTTP status (or the mail server's SMTP reply code), if it answered.
    pub last_status_code: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
}
