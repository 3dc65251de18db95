//! What an org is running and has started: the numbers behind its scan quotas and the same-targets conflict.

use super::{Store, StoreError};
use sqlx::Row;

/// An org's live scans and today's starts.
#[derive(Debug, Clone, Default)]
pub struct OrgLoad {
    /// Scans running now whose lease holds, each with its target URLs.
    pub running: Vec<(String, Vec<String>)>,
    /// Scans created since `since` (the start of the UTC day).
    pub started_since: u32,
}

impl Store {
    /// The org's live scans (lease not expired) and how many scans it started since `since`.
    pub async fn org_load(&self, org: &str, since: &str) -> Result<OrgLoad, StoreError> {
        let now = crate::time::now();
        let rows = sqlx::query(
            "SELECT s.id, st.url FROM scans s JOIN scan_targets st ON st.scan_id = s.id
             WHERE s.org_id = ? AND s.status IN ('queued', 'running') AND s.lease_until >= ?
             ORDER BY s.id, st.position",
        )
        .bind(org)
        .bind(&now)
        .fetch_all(&self.pool)
        .await?;
        let mut running: Vec<(String, Vec<String>)> = Vec::new();
        for row in rows {
            let id: String = row.try_get("id")?;
            let url: String = row.try_get("url")?;
            match running.last_mut() {
                Some((last, urls)) if *last == id => urls.push(url),
                _ => running.push((id, vec![url])),
            }
        }
        let started: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM scans WHERE org_id = ? AND created_at >= ?")
                .bind(org)
                .bind(since)
                .fetch_one(&self.pool)
                .await?;
        Ok(OrgLoad {
            running,
            started_since: started as u32,
        })
    }
}
