//! Monitors: create, list, delete.

use super::{Store, StoreError, corrupt, parse};
use crate::model::Monitor;
use sqlx::Row;

impl Store {
    /// Stores a monitor if the org has fewer than `limit`.
    pub async fn insert_monitor(&self, m: &Monitor, limit: u32) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM monitors WHERE org_id = ?")
            .bind(&m.org_id)
            .fetch_one(&mut *tx)
            .await?;
        if count >= i64::from(limit) {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO monitors (id, org_id, target, rule, min_severity, days, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&m.id)
        .bind(&m.org_id)
        .bind(&m.target)
        .bind(&m.rule)
        .bind(m.min_severity.map(|s| s.as_str()))
        .bind(m.days.map(i64::from))
        .bind(&m.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The org's monitors, oldest first.
    pub async fn list_monitors(&self, org: &str) -> Result<Vec<Monitor>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, org_id, target, rule, min_severity, days, created_at FROM monitors \
             WHERE org_id = ? ORDER BY created_at, id",
        )
        .bind(org)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let severity: Option<String> = r.try_get("min_severity")?;
                let days: Option<i64> = r.try_get("days")?;
                Ok(Monitor {
                    id: r.try_get("id")?,
                    org_id: r.try_get("org_id")?,
                    target: r.try_get("target")?,
                    rule: r.try_get("rule")?,
                    min_severity: severity.as_deref().map(parse).transpose()?,
                    days: days.map(u32::try_from).transpose().map_err(corrupt)?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Deletes a monitor of the org; returns whether it existed.
    pub async fn delete_monitor(&self, org: &str, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM monitors WHERE org_id = ? AND id = ?")
            .bind(org)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
