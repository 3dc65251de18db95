//! The delivery step: sends what is due (webhooks signed and posted through the scope guard, email alerts through
//! the mail server), a few at a time so one slow receiver does not hold the others, and records each outcome:
//! delivered, retried after a growing delay for 24 hours, or failed at once on a permanent refusal.

use super::{App, AppError};
use crate::engine::net::HttpRequest;
use crate::scheduler::clock::{read, stamp};
use crate::scheduler::mailer::{SendFailure, stored_recipients};
use crate::scheduler::signing;
use crate::store::{Attempt, DueDelivery};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use std::time::Duration;

/// How long a delivery is retried before it is given up.
pub const RETRY_FOR: chrono::Duration = chrono::Duration::hours(24);
/// The delay before the first retry; each later one doubles, up to [`MAX_RETRY_DELAY`].
pub const FIRST_RETRY: chrono::Duration = chrono::Duration::seconds(30);
/// The longest delay between two attempts.
pub const MAX_RETRY_DELAY: chrono::Duration = chrono::Duration::hours(1);
/// How long one webhook attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries attempted at once.
const IN_FLIGHT: usize = 8;

/// The delay before attempt `n + 1` after `n` failed attempts: 30 s, 1 min, 2 min, 4 min ... up to an hour.
pub fn retry_delay(failed_attempts: u32) -> chrono::Duration {
    let doublings = failed_attempts.saturating_sub(1).min(16);
    (FIRST_RETRY * (1 << doublings)).min(MAX_RETRY_DELAY)
}

/// An accepted delivery: the receiver's status (or the mail server's reply code), and what went wrong on the way
/// (recipients an email could not reach).
struct Sent {
    code: u16,
    note: Option<String>,
}

impl App {
    /// Notified when deliveries are stored, so the delivery worker sends them at once.
    pub fn deliveries_changed(&self) -> std::sync::Arc<tokio::sync::Notify> {
        self.inner.deliveries_changed.clone()
    }

    /// Sends every delivery due at `now` and records the outcome: delivered on 2xx (250 for email); a permanent
    /// refusal (an SMTP 5xx other than a failed login) fails at once; anything else is retried after a growing
    /// delay, until 24 hours after it was stored. Returns when the next pending delivery is due.
    pub async fn deliver_due(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, AppError> {
        let due = self.inner.store.due_deliveries(&stamp(now), 50).await?;
        let results: Vec<Result<(), AppError>> = futures::stream::iter(due)
            .map(|d| self.deliver_one(d, now))
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        results.into_iter().collect::<Result<(), _>>()?;
        Ok(self
            .inner
            .store
            .next_delivery_at()
            .await?
            .as_deref()
            .and_then(read))
    }

    async fn deliver_one(&self, d: DueDelivery, now: DateTime<Utc>) -> Result<(), AppError> {
        let outcome = if d.format == "email" {
            self.send_email(&d.id, &d.url, &d.payload).await
        } else {
            self.post(&d.url, &d.secret, &d.payload, now)
                .await
                .map(|code| Sent { code, note: None })
        };
        let attempts = d.attempts + 1;
        let created = read(&d.created_at).unwrap_or(now);
        let (status, next, code, error) = match outcome {
            Ok(sent) if (200..300).contains(&sent.code) => {
                ("delivered", None, Some(sent.code), sent.note)
            }
            Ok(sent) => {
                let why = format!("the receiver answered {}", sent.code);
                retry_or_give_up(created, now, attempts, Some(sent.code), why)
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
                    at: &stamp(now),
                },
            )
            .await?;
        Ok(())
    }

    /// One email of a stored `{subject, text}` payload to each address of a `mailto:` URL, one message per
    /// address, so a mistyped address does not stop the others. Accepted when any address was; otherwise the
    /// failure is permanent only if every refusal was.
    async fn send_email(&self, id: &str, url: &str, payload: &str) -> Result<Sent, SendFailure> {
        let Some(mailer) = &self.inner.mailer else {
            return Err(SendFailure::transient(
                "no mail server is configured ([smtp] url): the email waits for one".into(),
            ));
        };
        let to = stored_recipients(url).map_err(SendFailure::permanent)?;
        let message: serde_json::Value = serde_json::from_str(payload)
            .map_err(|e| SendFailure::permanent(format!("the stored email is unreadable: {e}")))?;
        let subject = message["subject"].as_str().unwrap_or("Palisade alert");
        let text = message["text"].as_str().unwrap_or_default();
        let mut accepted = None;
        let mut refused: Vec<SendFailure> = Vec::new();
        for address in &to {
            match mailer.send(id, address, subject, text).await {
                Ok(code) => accepted = Some(code),
                // No answer at all: the server is down for every address.
                Err(f) if f.code.is_none() => return Err(f),
                Err(f) => refused.push(SendFailure {
                    error: format!("{address}: {}", f.error),
                    ..f
                }),
            }
        }
        let joined = || {
            refused
                .iter()
                .map(|f| f.error.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        };
        match accepted {
            Some(code) => Ok(Sent {
                code,
                note: (!refused.is_empty()).then(joined),
            }),
            None => Err(SendFailure {
                code: refused.last().and_then(|f| f.code),
                error: joined(),
                permanent: refused.iter().all(|f| f.permanent),
            }),
        }
    }

    /// One POST of `body` to `url`, signed; the receiver's status, or why there was none.
    async fn post(
        &self,
        url: &str,
        secret: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<u16, SendFailure> {
        let url = url::Url::parse(url).map_err(|e| SendFailure::permanent(e.to_string()))?;
        let signature = signing::header(secret, now.timestamp(), body.as_bytes());
        let req = HttpRequest::post_json(url, 4096, body.to_string()).header(
            http::HeaderName::from_static("palisade-signature"),
            &signature,
        );
        match tokio::time::timeout(ATTEMPT_TIMEOUT, self.inner.net.send(&req)).await {
            Ok(Ok(resp)) => Ok(resp.status),
            // The server's settings decide what it may reach: say which, not a flag of some command.
            Ok(Err(crate::engine::net::NetError::Scope(e))) => {
                Err(SendFailure::transient(e.server_message()))
            }
            Ok(Err(e)) => Err(SendFailure::transient(e.to_string())),
            Err(_) => Err(SendFailure::transient(format!(
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
