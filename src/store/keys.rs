//! API keys and orgs: create, list, find by digest, mark used, revoke.

use super::{Store, StoreError};
use crate::model::{ApiKey, Scope};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

const COLUMNS: &str = "id, org_id, name, prefix, scopes, created_at, last_used_at, revoked_at";

fn key(row: &SqliteRow) -> Result<ApiKey, StoreError> {
    let scopes: String = row.try_get("scopes")?;
    Ok(ApiKey {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        // A scope this build does not know (written by a newer one) grants nothing here.
        scopes: scopes
            .split(',')
            .filter_map(|s| s.parse::<Scope>().ok())
            .collect(),
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

impl Store {
    /// Creates the org if it does not exist.
    pub async fn ensure_org(&self, id: &str, at: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(id)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Stores a new key with the digest of its secret, if the org has fewer than `limit` active keys; returns
    /// whether it was stored. The count and the insert are one transaction, so two creations cannot both pass.
    pub async fn insert_key(
        &self,
        k: &ApiKey,
        digest: &str,
        limit: u32,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write_tx().await?;
        let active: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM api_keys WHERE org_id = ? AND revoked_at IS NULL",
        )
        .bind(&k.org_id)
        .fetch_one(&mut *tx)
        .await?;
        if active >= i64::from(limit) {
            return Ok(false);
        }
        let scopes: Vec<&str> = k.scopes.iter().map(|s| s.as_str()).collect();
        sqlx::query(
            "INSERT INTO api_keys (id, org_id, name, prefix, digest, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&k.id)
        .bind(&k.org_id)
        .bind(&k.name)
        .bind(&k.prefix)
        .bind(digest)
        .bind(scopes.join(","))
        .bind(&k.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// True when any key is active.
    pub async fn has_active_keys(&self) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// An org's keys, revoked ones included, oldest first.
    pub async fn list_keys(&self, org: &str) -> Result<Vec<ApiKey>, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM api_keys WHERE org_id = ? ORDER BY created_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(key).collect()
    }

    /// The active key with this digest, and the digest as stored.
    pub async fn key_by_digest(
        &self,
        digest: &str,
    ) -> Result<Option<(ApiKey, String)>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS}, digest FROM api_keys WHERE digest = ? AND revoked_at IS NULL"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(digest)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref()
            .map(|r| Ok((key(r)?, r.try_get("digest")?)))
            .transpose()
    }

    /// Records a use of a key, at most once a minute per key (so reads do not turn into a write each).
    pub async fn touch_key(
        &self,
        id: &str,
        at: &str,
        stale_before: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")
            .bind(at)
            .bind(id)
            .bind(stale_before)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Revokes an org's key by id or prefix; returns it, or `None` when the org has no such key.
    pub async fn revoke_key(
        &self,
        org: &str,
        id_or_prefix: &str,
        at: &str,
    ) -> Result<Option<ApiKey>, StoreError> {
        let sql = format!(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE org_id = ? AND (id = ? OR prefix = ?) \
             RETURNING {COLUMNS}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(at)
            .bind(org)
            .bind(id_or_prefix)
            .bind(id_or_prefix)
            .fetch_all(&self.pool)
            .await?;
        rows.first().map(key).transpose()
    }
}
