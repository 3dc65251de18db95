//! Scans: create, progress, finish and read (recovery of scans whose process died is in `resume.rs`).

use super::{Store, StoreError, corrupt, parse};
use crate::model::{
    Observatory, Profile, Scan, ScanStatus, ScanTarget, SeverityCounts, SiteProfile, Target,
};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use std::collections::HashMap;

/// A scan about to start.
#[derive(Debug, Clone)]
pub struct NewScan {
    pub id: String,
    pub org_id: String,
    pub profile: Profile,
    /// Each target with the previous completed scan it is compared with.
    pub targets: Vec<(Target, Option<String>)>,
    pub checks_total: u32,
    pub owner: String,
    pub lease_until: String,
    pub verify_of: Option<String>,
    /// What it runs beyond its profile and targets, as JSON.
    pub request: Option<String>,
    /// Whether a server started it: then, interrupted by a stop, it is run again by the next server.
    pub resume: bool,
}

/// A progress update of a running scan.
#[derive(Debug, Clone)]
pub struct ScanProgress<'a> {
    pub phase: &'a str,
    pub checks_done: u32,
    pub requests: u64,
    pub lease_until: &'a str,
}

const SCAN_COLUMNS: &str = "id, org_id, profile, status, phase, checks_done, checks_total, created_at, started_at, \
                            finished_at, error, requests, verify_of";

fn scan(row: &SqliteRow) -> Result<Scan, StoreError> {
    Ok(Scan {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        profile: parse(row.try_get("profile")?)?,
        status: parse(row.try_get("status")?)?,
        phase: row.try_get("phase")?,
        checks_done: row.try_get::<i64, _>("checks_done")? as u32,
        checks_total: row.try_get::<i64, _>("checks_total")? as u32,
        created_at: row.try_get("created_at")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        error: row.try_get("error")?,
        counts: SeverityCounts::default(),
        fixed: 0,
        requests: row.try_get::<i64, _>("requests")? as u64,
        verify_of: row.try_get("verify_of")?,
        targets: Vec::new(),
    })
}

fn scan_target(row: &SqliteRow) -> Result<ScanTarget, StoreError> {
    let observatory: Option<String> = row.try_get("observatory")?;
    let observatory: Option<Observatory> = observatory
        .map(|j| serde_json::from_str(&j).map_err(corrupt))
        .transpose()?;
    let site: Option<String> = row.try_get("site")?;
    let site: Option<SiteProfile> = site
        .map(|j| serde_json::from_str(&j).map_err(corrupt))
        .transpose()?;
    Ok(ScanTarget {
        target_id: row.try_get("target_id")?,
        url: row.try_get("url")?,
        host: row.try_get("host")?,
        previous_scan_id: row.try_get("previous_scan_id")?,
        security_score: row
            .try_get::<Option<i64>, _>("security_score")?
            .map(|s| s as u32),
        risk_grade: row.try_get("risk_grade")?,
        observatory,
        counts: SeverityCounts::default(),
        error: row.try_get("error")?,
        site,
    })
}

/// A scan's counts: open by severity, fixed, open by target and severity.
pub(crate) type Counted = (SeverityCounts, u32, HashMap<String, SeverityCounts>);

impl Store {
    /// Records a new scan as running, owned by `owner`.
    pub async fn create_scan(&self, s: &NewScan) -> Result<(), StoreError> {
        let now = crate::time::now();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO scans (id, org_id, profile, status, phase, checks_total, created_at, started_at, verify_of,
                                owner, lease_until, request, resume)
             VALUES (?, ?, ?, 'running', 'starting', ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&s.id)
        .bind(&s.org_id)
        .bind(s.profile.as_str())
        .bind(s.checks_total as i64)
        .bind(&now)
        .bind(&now)
        .bind(&s.verify_of)
        .bind(&s.owner)
        .bind(&s.lease_until)
        .bind(&s.request)
        .bind(s.resume)
        .execute(&mut *tx)
        .await?;
        for (position, (t, previous)) in s.targets.iter().enumerate() {
            sqlx::query(
                "INSERT INTO scan_targets (scan_id, target_id, position, url, host, previous_scan_id)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&s.id)
            .bind(&t.id)
            .bind(position as i64)
            .bind(&t.url)
            .bind(&t.host)
            .bind(previous)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Where each check last ran properly at this URL: for every check that passed or found something on a
    /// reachable target in a completed scan of the org, the newest such `(check_id, scan_id, target_id)`. A name
    /// without a web server is graded on its DNS checks although it has an error, so those count.
    pub async fn check_baselines(
        &self,
        org: &str,
        url: &str,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.check_id, c.scan_id, c.target_id FROM coverage c
             JOIN scans s ON s.id = c.scan_id
             JOIN scan_targets st ON st.scan_id = c.scan_id AND st.target_id = c.target_id
             WHERE s.org_id = ? AND st.url = ? AND s.status = 'completed'
               AND (st.error IS NULL OR st.risk_grade IS NOT NULL) AND c.state IN ('passed', 'found')
             ORDER BY s.finished_at DESC, s.id
             LIMIT 5000",
        )
        .bind(org)
        .bind(url)
        .fetch_all(&self.pool)
        .await?;
        let mut seen = std::collections::HashSet::new();
        let mut newest = Vec::new();
        for row in rows {
            let check: String = row.try_get("check_id")?;
            if seen.insert(check.clone()) {
                newest.push((check, row.try_get("scan_id")?, row.try_get("target_id")?));
            }
        }
        Ok(newest)
    }

    /// Saves progress and renews the owner's lease.
    pub async fn update_progress(&self, id: &str, p: &ScanProgress<'_>) -> Result<(), StoreError> {
        sqlx::query("UPDATE scans SET phase = ?, checks_done = ?, requests = ?, lease_until = ? WHERE id = ?")
            .bind(p.phase)
            .bind(p.checks_done as i64)
            .bind(p.requests as i64)
            .bind(p.lease_until)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Saves one target's grades.
    pub async fn set_target_result(&self, scan_id: &str, t: &ScanTarget) -> Result<(), StoreError> {
        let observatory = t
            .observatory
            .as_ref()
            .map(|o| serde_json::to_string(o).expect("serialisable"));
        let site = t
            .site
            .as_ref()
            .map(|s| serde_json::to_string(s).expect("serialisable"));
        sqlx::query(
            "UPDATE scan_targets SET security_score = ?, risk_grade = ?, observatory = ?, site = ?, error = ?
             WHERE scan_id = ? AND target_id = ?",
        )
        .bind(t.security_score.map(i64::from))
        .bind(&t.risk_grade)
        .bind(observatory)
        .bind(site)
        .bind(&t.error)
        .bind(scan_id)
        .bind(&t.target_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks a scan finished.
    pub async fn finish_scan(
        &self,
        id: &str,
        status: ScanStatus,
        error: Option<&str>,
        checks_done: u32,
        requests: u64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE scans SET status = ?, phase = ?, error = ?, checks_done = ?, requests = ?, finished_at = ?,
                              owner = NULL, lease_until = NULL
             WHERE id = ?",
        )
        .bind(status.as_str())
        .bind(status.as_str())
        .bind(error)
        .bind(checks_done as i64)
        .bind(requests as i64)
        .bind(crate::time::now())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A scan with its targets and counts, if it belongs to `org`.
    pub async fn get_scan(&self, org: &str, id: &str) -> Result<Option<Scan>, StoreError> {
        let sql = format!("SELECT {SCAN_COLUMNS} FROM scans WHERE org_id = ? AND id = ?");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut scans = vec![scan(&row)?];
        self.fill(&mut scans).await?;
        Ok(scans.pop())
    }

    /// Recent scans of an org, newest first.
    pub async fn list_scans(&self, org: &str, limit: u32) -> Result<Vec<Scan>, StoreError> {
        let sql = format!(
            "SELECT {SCAN_COLUMNS} FROM scans WHERE org_id = ? ORDER BY created_at DESC, id LIMIT ?"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(org)
            .bind(limit as i64)
            .fetch_all(&self.pool)
            .await?;
        let mut scans = rows.iter().map(scan).collect::<Result<Vec<_>, _>>()?;
        self.fill(&mut scans).await?;
        Ok(scans)
    }

    /// A scan's open findings by severity, its fixed ones, and its open findings by target and severity.
    async fn count_scan(&self, scan_id: &str) -> Result<Counted, StoreError> {
        let rows = sqlx::query(
            "SELECT target_id, severity, status, COUNT(*) AS n FROM findings WHERE scan_id = ?
             GROUP BY target_id, severity, status",
        )
        .bind(scan_id)
        .fetch_all(&self.pool)
        .await?;
        let mut counted: Counted = Default::default();
        for row in &rows {
            let n = row.try_get::<i64, _>("n")? as u32;
            if row.try_get::<String, _>("status")? == "fixed" {
                counted.1 += n;
                continue;
            }
            let severity = parse(row.try_get("severity")?)?;
            counted
                .2
                .entry(row.try_get("target_id")?)
                .or_default()
                .add_n(severity, n);
            counted.0.add_n(severity, n);
        }
        Ok(counted)
    }

    /// Adds targets and severity counts (computed from findings, so they are never stale; those of ended scans,
    /// which cannot change, are computed once) to scans.
    async fn fill(&self, scans: &mut [Scan]) -> Result<(), StoreError> {
        for s in scans.iter_mut() {
            let rows = sqlx::query(
                "SELECT target_id, url, host, previous_scan_id, security_score, risk_grade, observatory, site, error
                 FROM scan_targets WHERE scan_id = ? ORDER BY position",
            )
            .bind(&s.id)
            .fetch_all(&self.pool)
            .await?;
            s.targets = rows.iter().map(scan_target).collect::<Result<_, _>>()?;
            let ended = s.status.is_terminal();
            let cached = ended
                .then(|| {
                    self.ended
                        .lock()
                        .expect("counts lock")
                        .scans
                        .get(&s.id)
                        .cloned()
                })
                .flatten();
            let (counts, fixed, mut per_target) = match cached {
                Some(c) => c,
                None => {
                    let counted = self.count_scan(&s.id).await?;
                    if ended {
                        let mut cache = self.ended.lock().expect("counts lock");
                        if cache.scans.len() >= super::EndedCounts::MAX {
                            cache.scans.clear();
                        }
                        cache.scans.insert(s.id.clone(), counted.clone());
                    }
                    counted
                }
            };
            s.counts = counts;
            s.fixed = fixed;
            for t in &mut s.targets {
                t.counts = per_target.remove(&t.target_id).unwrap_or_default();
            }
        }
        Ok(())
    }

    /// The owner of a running scan (to tell "running elsewhere" from "finished").
    pub async fn scan_owner(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT owner FROM scans WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .flatten())
    }

    /// What a scan was asked to run beyond its profile and targets (JSON), if stored.
    pub async fn scan_request(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT request FROM scans WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .flatten())
    }

    /// The org a scan belongs to.
    pub async fn scan_org(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT org_id FROM scans WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }
}
