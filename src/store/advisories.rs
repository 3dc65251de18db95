//! Imported advisory feeds: write a feed and its records in one transaction, list feeds, read every record.

use super::{Store, StoreError};
use sqlx::Row;

/// A feed as stored, with how many records it holds.
#[derive(Debug, Clone)]
pub struct FeedRow {
    pub kind: String,
    pub source: String,
    pub version: Option<String>,
    pub imported_at: String,
    /// JSON report of the last import.
    pub report: String,
    pub records: i64,
}

impl Store {
    /// Writes a feed and its records (key, JSON) in one transaction. With `replace_all` the feed's other records
    /// go; otherwise records with the same key are replaced and the rest kept.
    pub async fn save_feed(
        &self,
        feed: &FeedRow,
        records: &[(String, String)],
        replace_all: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO advisory_feeds (kind, source, version, imported_at, report) VALUES (?, ?, ?, ?, ?) \
             ON CONFLICT (kind) DO UPDATE SET source = excluded.source, version = excluded.version, \
             imported_at = excluded.imported_at, report = excluded.report",
        )
        .bind(&feed.kind)
        .bind(&feed.source)
        .bind(&feed.version)
        .bind(&feed.imported_at)
        .bind(&feed.report)
        .execute(&mut *tx)
        .await?;
        if replace_all {
            sqlx::query("DELETE FROM advisory_records WHERE kind = ?")
                .bind(&feed.kind)
                .execute(&mut *tx)
                .await?;
        }
        for (key, data) in records {
            sqlx::query(
                "INSERT OR REPLACE INTO advisory_records (kind, key, data) VALUES (?, ?, ?)",
            )
            .bind(&feed.kind)
            .bind(key)
            .bind(data)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The imported feeds, by kind.
    pub async fn feeds(&self) -> Result<Vec<FeedRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, source, version, imported_at, report, \
             (SELECT COUNT(*) FROM advisory_records r WHERE r.kind = f.kind) AS records \
             FROM advisory_feeds f ORDER BY kind",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(FeedRow {
                    kind: r.try_get("kind")?,
                    source: r.try_get("source")?,
                    version: r.try_get("version")?,
                    imported_at: r.try_get("imported_at")?,
                    report: r.try_get("report")?,
                    records: r.try_get("records")?,
                })
            })
            .collect()
    }

    /// What identifies the current imported data: changes whenever a feed is imported.
    pub async fn feeds_stamp(&self) -> Result<String, StoreError> {
        let stamp: String = sqlx::query_scalar(
            "SELECT COALESCE(group_concat(kind || '@' || imported_at, ','), '') \
             FROM (SELECT kind, imported_at FROM advisory_feeds ORDER BY kind)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(stamp)
    }

    /// Every imported record's JSON.
    pub async fn feed_records(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT data FROM advisory_records ORDER BY kind, key")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows)
    }
}
