//! Targets: register, list, find and remove.

use super::{Store, StoreError};
use crate::model::Target;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

const COLUMNS: &str = "id, org_id, input, url, host, label, verification, created_at";

fn target(row: &SqliteRow) -> Result<Target, StoreError> {
    Ok(Target {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        input: row.try_get("input")?,
        url: row.try_get("url")?,
        host: row.try_get("host")?,
        label: row.try_get("label")?,
        verification: row.try_get("verification")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    /// Registers a target, or returns the one already registered for this org and URL (updating its label if one
    /// is given).
    pub async fn upsert_target(&self, t: &Target) -> Result<Target, StoreError> {
        let row = sqlx::query(
            "INSERT INTO targets (id, org_id, input, url, host, label, verification, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (org_id, url) DO UPDATE SET label = COALESCE(excluded.label, targets.label)
             RETURNING id, org_id, input, url, host, label, verification, created_at",
        )
        .bind(&t.id)
        .bind(&t.org_id)
        .bind(&t.input)
        .bind(&t.url)
        .bind(&t.host)
        .bind(&t.label)
        .bind(&t.verification)
        .bind(&t.created_at)
        .fetch_one(&self.pool)
        .await?;
        target(&row)
    }

    /// Every target of an org, oldest first.
    pub async fn list_targets(&self, org: &str) -> Result<Vec<Target>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM targets WHERE org_id = ? ORDER BY created_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(target).collect()
    }

    /// A target by id or by normalised URL.
    pub async fn find_target(
        &self,
        org: &str,
        id_or_url: &str,
    ) -> Result<Option<Target>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM targets WHERE org_id = ? AND (id = ? OR url = ?)");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org)
            .bind(id_or_url)
            .bind(id_or_url)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(target).transpose()
    }

    /// The org's targets on `host`, oldest first.
    pub async fn targets_on_host(&self, org: &str, host: &str) -> Result<Vec<Target>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM targets WHERE org_id = ? AND host = ? ORDER BY created_at, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org)
            .bind(host)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(target).collect()
    }

    /// How many scans covered a target.
    pub async fn target_scan_count(&self, id: &str) -> Result<u32, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT scan_id) FROM scan_targets WHERE target_id = ?",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        Ok(n as u32)
    }

    /// Removes a target (its scans stay); true if one was removed.
    pub async fn delete_target(&self, org: &str, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM targets WHERE org_id = ? AND id = ?")
            .bind(org)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
