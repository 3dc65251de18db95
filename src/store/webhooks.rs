//! Webhooks and deliveries: create, list, delete; store deliveries before sending; find the due ones; record each
//! attempt.

use super::{Store, StoreError, corrupt};
use crate::model::{Delivery, Webhook};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

fn webhook(row: &SqliteRow) -> Result<Webhook, StoreError> {
    let events: String = row.try_get("events")?;
    Ok(Webhook {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        url: row.try_get("url")?,
        events: events.split(',').map(str::to_string).collect(),
        format: row.try_get("format")?,
        created_at: row.try_get("created_at")?,
    })
}

fn delivery(row: &SqliteRow) -> Result<Delivery, StoreError> {
    let attempts: i64 = row.try_get("attempts")?;
    let code: Option<i64> = row.try_get("last_status_code")?;
    Ok(Delivery {
        id: row.try_get("id")?,
        webhook_id: row.try_get("webhook_id")?,
        event: row.try_get("event")?,
        status: row.try_get("status")?,
        attempts: u32::try_from(attempts).map_err(corrupt)?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        last_status_code: code.and_then(|c| u16::try_from(c).ok()),
        last_error: row.try_get("last_error")?,
        created_at: row.try_get("created_at")?,
        delivered_at: row.try_get("delivered_at")?,
    })
}

/// A delivery due for an attempt, with what is needed to send it.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub id: String,
    pub url: String,
    pub format: String,
    pub secret: String,
    pub payload: String,
    pub attempts: u32,
    pub created_at: String,
}

/// The outcome of one attempt.
pub struct Attempt<'a> {
    pub status: &'a str,
    pub next_attempt_at: Option<&'a str>,
    pub status_code: Option<u16>,
    pub error: Option<&'a str>,
    pub at: &'a str,
}

const DELIVERY_COLUMNS: &str = "id, webhook_id, event, status, attempts, next_attempt_at, last_status_code, \
                                last_error, created_at, delivered_at";

impl Store {
    /// Stores a webhook with its secret, if the org has fewer than `limit`.
    pub async fn insert_webhook(
        &self,
        w: &Webhook,
        secret: &str,
        limit: u32,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhooks WHERE org_id = ?")
            .bind(&w.org_id)
            .fetch_one(&mut *tx)
            .await?;
        if count >= i64::from(limit) {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO webhooks (id, org_id, url, events, format, secret, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&w.id)
        .bind(&w.org_id)
        .bind(&w.url)
        .bind(w.events.join(","))
        .bind(&w.format)
        .bind(secret)
        .bind(&w.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The org's webhooks, oldest first.
    pub async fn list_webhooks(&self, org: &str) -> Result<Vec<Webhook>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, org_id, url, events, format, created_at FROM webhooks WHERE org_id = ? \
             ORDER BY created_at, id",
        )
        .bind(org)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(webhook).collect()
    }

    /// Deletes a webhook of the org and gives up its pending deliveries; returns whether it existed.
    pub async fn delete_webhook(&self, org: &str, id: &str) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query("DELETE FROM webhooks WHERE org_id = ? AND id = ?")
            .bind(org)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 1 {
            sqlx::query(
                "UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, \
                 last_error = 'the webhook was deleted' WHERE webhook_id = ? AND status = 'pending'",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores one pending delivery of `event` to every webhook of `org` subscribed to it, each with the payload
    /// `render(format)` gives; returns how many.
    pub async fn enqueue_deliveries(
        &self,
        org: &str,
        event: &str,
        at: &str,
        render: impl Fn(&str) -> String,
        new_id: impl Fn() -> String,
    ) -> Result<usize, StoreError> {
        let hooks = self.list_webhooks(org).await?;
        let mut tx = self.write_tx().await?;
        let mut n = 0;
        for w in hooks.iter().filter(|w| w.events.iter().any(|e| e == event)) {
            sqlx::query(
                "INSERT INTO deliveries (id, webhook_id, org_id, event, payload, status, attempts, \
                 next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
            )
            .bind(new_id())
            .bind(&w.id)
            .bind(org)
            .bind(event)
            .bind(render(&w.format))
            .bind(at)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            n += 1;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// How many email alerts (webhooks of format `email`) exist, in every org.
    pub async fn count_email_webhooks(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhooks WHERE format = 'email'")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    /// Pending deliveries whose next attempt is at or before `now`, oldest first.
    pub async fn due_deliveries(
        &self,
        now: &str,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.id, w.url, w.format, w.secret, d.payload, d.attempts, d.created_at \
             FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at LIMIT ?",
        )
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let attempts: i64 = r.try_get("attempts")?;
                Ok(DueDelivery {
                    id: r.try_get("id")?,
                    url: r.try_get("url")?,
                    format: r.try_get("format")?,
                    secret: r.try_get("secret")?,
                    payload: r.try_get("payload")?,
                    attempts: u32::try_from(attempts).map_err(corrupt)?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// The soonest next attempt of any pending delivery.
    pub async fn next_delivery_at(&self) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending'",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// Records an attempt.
    pub async fn record_attempt(&self, id: &str, a: &Attempt<'_>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, \
             last_status_code = ?, last_error = ?, \
             delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END WHERE id = ?",
        )
        .bind(a.status)
        .bind(a.next_attempt_at)
        .bind(a.status_code.map(i64::from))
        .bind(a.error)
        .bind(a.status)
        .bind(a.at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A webhook's deliveries, newest first.
    pub async fn list_deliveries(
        &self,
        org: &str,
        webhook_id: &str,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE org_id = ? AND webhook_id = ? \
             ORDER BY created_at DESC, id LIMIT ?"
        )))
        .bind(org)
        .bind(webhook_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(delivery).collect()
    }
}
