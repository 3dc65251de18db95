//! Organisation-wide aggregates: each target's latest completed scan, its open findings counted by severity and
//! category in SQLite (never loaded row by row), and the completed scans a trend is drawn over.
//!
//! "Latest" means: among the org's completed scans that are not verification scans (`verify_of` unset, since they
//! re-check only some findings) and that reached the target (`scan_targets.error` unset, or graded all the same: a
//! name without a web server, graded on its DNS checks), the one that finished last
//! (ties broken by id). Only URLs still registered in `targets` count, so a removed target leaves the numbers.

use super::{Store, StoreError, parse};
use crate::model::{Category, Severity, SeverityCounts};
use sqlx::Row;
use std::collections::HashMap;

/// A point in the scan history: everything that finished up to and including this scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanMark {
    pub scan_id: String,
    pub finished_at: String,
    /// How many of the scan's targets it reached.
    pub scanned: u32,
}

/// One target as its latest completed scan left it.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestTarget {
    pub url: String,
    pub host: String,
    pub scan_id: String,
    pub finished_at: String,
    pub security_score: Option<u32>,
    pub risk_grade: Option<String>,
    /// Open findings (new or unchanged) of that scan on this target.
    pub counts: SeverityCounts,
}

/// Later than any stored timestamp: "as of now".
const END_OF_TIME: &str = "9999-12-31T23:59:59.999Z";

/// The latest scan of each registered target of org `?1`, among scans finished at or before (`?2`, `?3`) in
/// (finished_at, id) order. `scan_targets (scan_id, ...)` and `targets (org_id, url)` are indexed; the ranking works
/// on one row per scanned target, which stays small next to findings.
const LATEST: &str = "WITH ranked AS (
        SELECT st.scan_id, st.target_id, st.url, st.host, st.security_score, st.risk_grade, s.finished_at,
               ROW_NUMBER() OVER (PARTITION BY st.url ORDER BY s.finished_at DESC, s.id DESC) AS rn
        FROM scans s
        JOIN scan_targets st ON st.scan_id = s.id
        JOIN targets t ON t.org_id = s.org_id AND t.url = st.url
        WHERE s.org_id = ? AND s.status = 'completed' AND s.verify_of IS NULL
          AND (st.error IS NULL OR st.risk_grade IS NOT NULL) AND s.finished_at IS NOT NULL
          AND (s.finished_at < ? OR (s.finished_at = ? AND s.id <= ?))
    ),
    latest AS (SELECT * FROM ranked WHERE rn = 1)";

impl Store {
    /// The newest `limit` completed scans of `org` that are not verification scans, newest first.
    pub async fn completed_scans(
        &self,
        org: &str,
        limit: u32,
    ) -> Result<Vec<ScanMark>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.id, s.finished_at,
                    (SELECT COUNT(*) FROM scan_targets st WHERE st.scan_id = s.id
                       AND (st.error IS NULL OR st.risk_grade IS NOT NULL)) AS scanned
             FROM scans s
             WHERE s.org_id = ? AND s.status = 'completed' AND s.verify_of IS NULL AND s.finished_at IS NOT NULL
             ORDER BY s.finished_at DESC, s.id DESC
             LIMIT ?",
        )
        .bind(org)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ScanMark {
                    scan_id: r.try_get("id")?,
                    finished_at: r.try_get("finished_at")?,
                    scanned: r.try_get::<i64, _>("scanned")? as u32,
                })
            })
            .collect()
    }

    /// Each registered target of `org` with its latest completed scan (as of `as_of`, or now) and that scan's open
    /// findings on it by severity, ordered by URL.
    pub async fn latest_targets(
        &self,
        org: &str,
        as_of: Option<&ScanMark>,
    ) -> Result<Vec<LatestTarget>, StoreError> {
        let (until, until_id) = bounds(as_of);
        let sql = format!(
            "{LATEST} SELECT url, host, scan_id, finished_at, security_score, risk_grade FROM latest ORDER BY url"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org)
            .bind(until)
            .bind(until)
            .bind(until_id)
            .fetch_all(&self.pool)
            .await?;
        let mut targets = rows
            .iter()
            .map(|r| {
                Ok(LatestTarget {
                    url: r.try_get("url")?,
                    host: r.try_get("host")?,
                    scan_id: r.try_get("scan_id")?,
                    finished_at: r.try_get("finished_at")?,
                    security_score: r
                        .try_get::<Option<i64>, _>("security_score")?
                        .map(|s| s as u32),
                    risk_grade: r.try_get("risk_grade")?,
                    counts: SeverityCounts::default(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let counts = self.open_counts(org, until, until_id, "l.url").await?;
        let mut by_url: HashMap<String, SeverityCounts> = HashMap::new();
        for (url, severity, n) in counts {
            by_url.entry(url).or_default().add_n(severity, n);
        }
        for t in &mut targets {
            t.counts = by_url.remove(&t.url).unwrap_or_default();
        }
        Ok(targets)
    }

    /// Open findings of every registered target's latest completed scan (as of `as_of`, or now), by category and
    /// severity.
    pub async fn open_by_category(
        &self,
        org: &str,
        as_of: Option<&ScanMark>,
    ) -> Result<Vec<(Category, SeverityCounts)>, StoreError> {
        let (until, until_id) = bounds(as_of);
        let counts = self.open_counts(org, until, until_id, "f.category").await?;
        let mut by_category: HashMap<String, SeverityCounts> = HashMap::new();
        for (category, severity, n) in counts {
            by_category.entry(category).or_default().add_n(severity, n);
        }
        by_category
            .into_iter()
            .map(|(c, counts)| Ok((parse::<Category>(&c)?, counts)))
            .collect()
    }

    /// `(key, severity, count)` of the open findings of the latest scans, grouped by `key` (a column expression
    /// chosen by this module, never user input). Findings are reached through `(scan_id, target_id, ...)`.
    async fn open_counts(
        &self,
        org: &str,
        until: &str,
        until_id: &str,
        key: &'static str,
    ) -> Result<Vec<(String, Severity, u32)>, StoreError> {
        let sql = format!(
            "{LATEST} SELECT {key} AS key, f.severity, COUNT(*) AS n
             FROM latest l JOIN findings f ON f.scan_id = l.scan_id AND f.target_id = l.target_id
             WHERE f.status != 'fixed'
             GROUP BY {key}, f.severity"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org)
            .bind(until)
            .bind(until)
            .bind(until_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("key")?,
                    parse(r.try_get("severity")?)?,
                    r.try_get::<i64, _>("n")? as u32,
                ))
            })
            .collect()
    }
}

/// The (finished_at, id) a scan must not pass to count as of `as_of`.
fn bounds(as_of: Option<&ScanMark>) -> (&str, &str) {
    as_of.map_or((END_OF_TIME, ""), |m| {
        (m.finished_at.as_str(), m.scan_id.as_str())
    })
}
