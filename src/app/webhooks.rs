//! Webhooks as a service: create (an http(s) URL through the scope guard, secret shown once; or `mailto:` addresses
//! for email alerts), list, delete, list deliveries; and the delivery step, which signs and posts (or mails) what is
//! due and schedules retries with growing delays for 24 hours. The events themselves are raised in `events.rs`.

use super::{App, AppError};
use crate::engine::net::HttpRequest;
use crate::model::{Delivery, EVENTS, Webhook};
use crate::scheduler::clock::{read, stamp};
use crate::scheduler::mailer::{SendFailure, mailto_addresses};
use crate::scheduler::signing;
use crate::store::Attempt;
use crate::target::TargetUrl;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Most webhooks an org may have.
pub const MAX_WEBHOOKS_PER_ORG: u32 = 50;
/// How long a delivery is retried before it is given up.
pub const RETRY_FOR: chrono::Duration = chrono::Duration::hours(24);
/// The delay before the first retry; each later one doubles, up to [`MAX_RETRY_DELAY`].
pub const FIRST_RETRY: chrono::Duration = chrono::Duration::seconds(30);
/// The longest delay between two attempts.
pub const MAX_RETRY_DELAY: chrono::Duration = chrono::Duration::hours(1);
/// How long one attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// A webhook just created, with its secret (shown this once; none for email, which is not signed).
#[derive(Debug)]
pub struct NewWebhook {
    pub webhook: Webhook,
    pub secret: Option<String>,
}

/// The delay before attempt `n + 1` after `n` failed attempts: 30 s, 1 min, 2 min, 4 min ... up to an hour.
pub fn retry_delay(failed_attempts: u32) -> chrono::Duration {
    let doublings = failed_attempts.saturating_sub(1).min(16);
    (FIRST_RETRY * (1 << doublings)).min(MAX_RETRY_DELAY)
}

impl App {
    /// Creates a webhook for `events` (all when empty) posting to `url` in `format` (`json`, `slack`; `slack` by
    /// default for Slack's hooks.slack.com URLs); the URL passes the scope guard like a scan target. A `mailto:`
    /// URL makes an email alert instead (format `email`), sent through the `[smtp]` mail server.
    pub async fn create_webhook(
        &self,
        org: &str,
        url: &str,
        events: &[String],
        format: Option<&str>,
    ) -> Result<NewWebhook, AppError> {
        let events: Vec<String> = if events.is_empty() {
            EVENTS.iter().map(|e| e.to_string()).collect()
        } else {
            let mut list = Vec::new();
            for e in events.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
                if !EVENTS.contains(&e) {
                    return Err(AppError::Invalid(format!(
                        "unknown event '{e}': use {}",
                        EVENTS.join(", ")
                    )));
                }
                if !list.iter().any(|l| l == e) {
                    list.push(e.to_string());
                }
            }
            if list.is_empty() {
                EVENTS.iter().map(|e| e.to_string()).collect()
            } else {
                list
            }
        };
        let parsed = url::Url::parse(url.trim()).map_err(|e| {
            AppError::Invalid(format!(
                "'{url}' is not a URL ({e}): give the full address, e.g. https://example.com/hooks/palisade \
                 or mailto:security@example.com"
            ))
        })?;
        let (url, format) = if parsed.scheme() == "mailto" {
            self.email_destination(&parsed, format)?
        } else {
            self.http_destination(&parsed, format).await?
        };
        let now = stamp(self.inner.clock.now());
        self.inner.store.ensure_org(org, &now).await?;
        let webhook = Webhook {
            id: super::new_id(10),
            org_id: org.to_string(),
            url,
            events,
            format: format.to_string(),
            created_at: now,
        };
        let secret = (format != "email").then(signing::new_secret);
        if !self
            .inner
            .store
            .insert_webhook(
                &webhook,
                secret.as_deref().unwrap_or_default(),
                MAX_WEBHOOKS_PER_ORG,
            )
            .await?
        {
            return Err(AppError::Limit(format!(
                "org '{org}' already has {MAX_WEBHOOKS_PER_ORG} webhooks: delete one first"
            )));
        }
        Ok(NewWebhook { webhook, secret })
    }

    /// An http(s) URL through the scope guard, and its format (`json`, or `slack` for Slack's URLs).
    async fn http_destination(
        &self,
        parsed: &url::Url,
        format: Option<&str>,
    ) -> Result<(String, &'static str), AppError> {
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(AppError::Invalid(format!(
                "'{parsed}' must be an http:// or https:// URL with a host, or mailto: addresses"
            )));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(AppError::Invalid(
                "put no credentials in the webhook URL: verify Palisade's signature instead".into(),
            ));
        }
        let origin = TargetUrl::parse(&format!("{}/", parsed.origin().ascii_serialization()))?;
        self.check_server_scope(&origin).await?;
        let slack_host = parsed.host_str() == Some("hooks.slack.com");
        let format = match format {
            None if slack_host => "slack",
            None | Some("json") => "json",
            Some("slack") => "slack",
            Some(other) => {
                return Err(AppError::Invalid(format!(
                    "format '{other}' does not fit an http(s) URL: use json (signed Palisade payloads) or slack"
                )));
            }
        };
        Ok((parsed.to_string(), format))
    }

    /// `mailto:` addresses, sent as email through the configured mail server (which must exist).
    fn email_destination(
        &self,
        parsed: &url::Url,
        format: Option<&str>,
    ) -> Result<(String, &'static str), AppError> {
        if !matches!(format, None | Some("email")) {
            return Err(AppError::Invalid(format!(
                "format '{}' does not fit a mailto: URL: leave it out (email)",
                format.unwrap_or_default()
            )));
        }
        if self.inner.mailer.is_none() {
            return Err(AppError::Invalid(
                "email alerts need a mail server: set [smtp] url and from in the palisade.toml palisade serve \
                 reads (or PALISADE_SMTP_URL and PALISADE_SMTP_FROM), then add the address again"
                    .into(),
            ));
        }
        let addresses = mailto_addresses(parsed).map_err(AppError::Invalid)?;
        let list: Vec<String> = addresses.iter().map(|a| a.to_string()).collect();
        Ok((format!("mailto:{}", list.join(",")), "email"))
    }

    /// The org's webhooks (never their secrets).
    pub async fn list_webhooks(&self, org: &str) -> Result<Vec<Webhook>, AppError> {
        Ok(self.inner.store.list_webhooks(org).await?)
    }

    fn no_webhook(id: &str) -> AppError {
        AppError::NotFound {
            kind: "webhook",
            id: id.to_string(),
            hint: "list webhooks to see their ids",
        }
    }

    /// Deletes a webhook; its pending deliveries are given up.
    pub async fn delete_webhook(&self, org: &str, id: &str) -> Result<(), AppError> {
        if self.inner.store.delete_webhook(org, id).await? {
            Ok(())
        } else {
            Err(Self::no_webhook(id))
        }
    }

    /// A webhook's deliveries, newest first, with their status and the receiver's last answer.
    pub async fn webhook_deliveries(
        &self,
        org: &str,
        id: &str,
        limit: u32,
    ) -> Result<Vec<Delivery>, AppError> {
        if !self.list_webhooks(org).await?.iter().any(|w| w.id == id) {
            return Err(Self::no_webhook(id));
        }
        Ok(self
            .inner
            .store
            .list_deliveries(org, id, limit.clamp(1, 500))
            .await?)
    }

    /// The org a scan belongs to (for the events of a scan that ended).
    pub(super) async fn scan_org(&self, scan_id: &str) -> Option<String> {
        self.inner.store.scan_org(scan_id).await.ok().flatten()
    }

    /// Notified when deliveries are stored, so the delivery worker sends them at once.
    pub fn deliveries_changed(&self) -> std::sync::Arc<tokio::sync::Notify> {
        self.inner.deliveries_changed.clone()
    }

    /// Sends every delivery due at `now` (signed, through the scope guard, within 10 s each) and records the
    /// outcome: delivered on 2xx; otherwise retried after a growing delay, until 24 hours after it was stored.
    /// Returns when the next pending delivery is due.
    pub async fn deliver_due(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, AppError> {
        let due = self.inner.store.due_deliveries(&stamp(now), 50).await?;
        for d in due {
            let outcome = if d.format == "email" {
                self.send_email(&d.id, &d.url, &d.payload).await
            } else {
                self.attempt(&d.url, &d.secret, &d.payload, now).await
            };
            let attempts = d.attempts + 1;
            let at = stamp(now);
            let created = read(&d.created_at).unwrap_or(now);
            let (status, next, code, error) = match outcome {
                Ok(code) if (200..300).contains(&code) => ("delivered", None, Some(code), None),
                Ok(code) => {
                    let why = format!("the receiver answered {code}");
                    retry_or_give_up(created, now, attempts, Some(code), why)
                }
                Err(f) if f.permanent => {
                    let why = format!("{}; not retried (a permanent refusal)", f.error);
                    ("failed", None, f.code, Some(why))
                }
                Err(f) => retry_or_give_up(created, now, attempts, f.code, f.error),
            };
            let next_text = next.map(stamp);
            tracing::info!(delivery = %d.id, status, attempts, code = ?code, "webhook delivery");
            self.inner
                .store
                .record_attempt(
                    &d.id,
                    &Attempt {
                        status,
                        next_attempt_at: next_text.as_deref(),
                        status_code: code,
                        error: error.as_deref(),
                        at: &at,
                    },
                )
                .await?;
        }
        Ok(self
            .inner
            .store
            .next_delivery_at()
            .await?
            .as_deref()
            .and_then(read))
    }

    /// One email of a stored `{subject, text}` payload to a `mailto:` URL; the server's reply code.
    async fn send_email(&self, id: &str, url: &str, payload: &str) -> Result<u16, SendFailure> {
        let retry = |error: String| SendFailure {
            code: None,
            error,
            permanent: false,
        };
        let Some(mailer) = &self.inner.mailer else {
            return Err(retry(
                "no mail server is configured ([smtp] url): the email waits for one".into(),
            ));
        };
        let url = url::Url::parse(url).map_err(|e| retry(e.to_string()))?;
        let to = mailto_addresses(&url).map_err(retry)?;
        let message: serde_json::Value =
            serde_json::from_str(payload).map_err(|e| retry(e.to_string()))?;
        let subject = message["subject"].as_str().unwrap_or("Palisade alert");
        let text = message["text"].as_str().unwrap_or_default();
        mailer.send(id, &to, subject, text).await
    }

    /// One POST of `body` to `url`, signed; the receiver's status, or why there was none.
    async fn attempt(
        &self,
        url: &str,
        secret: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<u16, SendFailure> {
        let retry = |error: String| SendFailure {
            code: None,
            error,
            permanent: false,
        };
        let url = url::Url::parse(url).map_err(|e| retry(e.to_string()))?;
        let signature = signing::header(secret, now.timestamp(), body.as_bytes());
        let req = HttpRequest::post_json(url, 4096, body.to_string()).header(
            http::HeaderName::from_static("palisade-signature"),
            &signature,
        );
        match tokio::time::timeout(ATTEMPT_TIMEOUT, self.inner.net.send(&req)).await {
            Ok(Ok(resp)) => Ok(resp.status),
            Ok(Err(e)) => Err(retry(e.to_string())),
            Err(_) => Err(retry(format!(
                "no answer within {} s",
                ATTEMPT_TIMEOUT.as_secs()
            ))),
        }
    }
}

type Outcome = (
    &'static str,
    Option<DateTime<Utc>>,
    Option<u16>,
    Option<String>,
);

fn retry_or_give_up(
    created: DateTime<Utc>,
    now: DateTime<Utc>,
    attempts: u32,
    code: Option<u16>,
    why: String,
) -> Outcome {
    let next = now + retry_delay(attempts);
    if next > created + RETRY_FOR {
        let why = format!("{why}; gave up after {attempts} attempts over 24 hours");
        ("failed", None, code, Some(why))
    } else {
        ("pending", Some(next), code, Some(why))
    }
}
