//! Scans: create, progress, finish, read, and recovery of scans whose process died.

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

/// What [`Store::recover_interrupted`] did: scans queued to run again, and scans ended failed.
#[derive(Debug, Clone, Default)]
pub struct Recovered {
    pub requeued: Vec<String>,
    pub failed: Vec<String>,
}

/// A scan left by a stopped process that a server may run again: its org and stored request.
#[derive(Debug, Clone)]
pub struct Resumable {
    pub id: String,
    pub org_id: String,
    pub request: String,
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
        let mut tx = self.pool.begin().await?;
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

    /// Takes back the scans whose process is gone (a dead owner or an expired lease). One a server started goes
    /// back to `queued`, without an owner, for the next server to run again ([`Store::claim_resumable`]); any
    /// other (the foreground CLI's, or one stored before resuming existed) ends `failed` with the reason, keeping
    /// its findings. Returns the ids of both.
    pub async fn recover_interrupted(
        &self,
        alive: impl Fn(&str) -> bool,
    ) -> Result<Recovered, StoreError> {
        let now = crate::time::now();
        let rows = sqlx::query(
            "SELECT id, owner, lease_until, resume FROM scans
             WHERE status IN ('queued', 'running') AND (owner IS NOT NULL OR resume = 0)",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut recovered = Recovered::default();
        for row in rows {
            let id: String = row.try_get("id")?;
            let owner: Option<String> = row.try_get("owner")?;
            let lease: Option<String> = row.try_get("lease_until")?;
            let resume: bool = row.try_get("resume")?;
            let expired = lease.as_deref().is_none_or(|l| l < now.as_str());
            if !expired && owner.as_deref().is_some_and(&alive) {
                continue;
            }
            // Each update takes the scan back only as it was read: another server may have claimed it since (it
            // would then run twice), or its owner finished it.
            let (updated, list) = match resume {
                true => (
                    sqlx::query(
                        "UPDATE scans SET status = 'queued', owner = NULL, lease_until = NULL,
                                phase = 'interrupted: waiting for a palisade server to run it again'
                         WHERE id = ? AND status IN ('queued', 'running') AND owner IS ? AND lease_until IS ?",
                    )
                    .bind(&id)
                    .bind(&owner)
                    .bind(&lease)
                    .execute(&self.pool)
                    .await?,
                    &mut recovered.requeued,
                ),
                false => (
                    sqlx::query(
                        "UPDATE scans SET status = 'failed', phase = 'failed', finished_at = ?, owner = NULL,
                                lease_until = NULL,
                                error = 'interrupted: the palisade process running this scan stopped before it finished; the findings it made are kept'
                         WHERE id = ? AND status IN ('queued', 'running') AND owner IS ? AND lease_until IS ?",
                    )
                    .bind(&now)
                    .bind(&id)
                    .bind(&owner)
                    .bind(&lease)
                    .execute(&self.pool)
                    .await?,
                    &mut recovered.failed,
                ),
            };
            if updated.rows_affected() > 0 {
                list.push(id);
            }
        }
        Ok(recovered)
    }

    /// Claims the queued scans no process owns (left by a stopped one) for `owner`, returning each with its request.
    pub async fn claim_resumable(
        &self,
        owner: &str,
        lease_until: &str,
    ) -> Result<Vec<Resumable>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, org_id, request FROM scans
             WHERE status = 'queued' AND owner IS NULL AND resume = 1 AND request IS NOT NULL
             ORDER BY created_at",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Vec::new();
        for row in rows {
            let id: String = row.try_get("id")?;
            let updated = sqlx::query(
                "UPDATE scans SET status = 'running', phase = 'resuming', owner = ?, lease_until = ?
                 WHERE id = ? AND status = 'queued' AND owner IS NULL",
            )
            .bind(owner)
            .bind(lease_until)
            .bind(&id)
            .execute(&self.pool)
            .await?;
            if updated.rows_affected() > 0 {
                claimed.push(Resumable {
                    id,
                    org_id: row.try_get("org_id")?,
                    request: row.try_get("request")?,
                });
            }
        }
        Ok(claimed)
    }

    /// Cancels a scan that no live process runs: one queued to run again by the next server, or one whose owner
    /// is gone (`alive` says no, or its lease expired) and that no server has taken back yet. True when it was
    /// cancelled; false when it has ended or a live process runs it.
    pub async fn cancel_orphaned(
        &self,
        id: &str,
        alive: impl Fn(&str) -> bool,
    ) -> Result<bool, StoreError> {
        let now = crate::time::now();
        let row = sqlx::query(
            "SELECT owner, lease_until FROM scans WHERE id = ? AND status IN ('queued', 'running')",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(false) };
        let owner: Option<String> = row.try_get("owner")?;
        let lease: Option<String> = row.try_get("lease_until")?;
        let expired = lease.as_deref().is_none_or(|l| l < now.as_str());
        if owner.is_some() && !expired && owner.as_deref().is_some_and(&alive) {
            return Ok(false);
        }
        let updated = sqlx::query(
            "UPDATE scans SET status = 'cancelled', phase = 'cancelled', finished_at = ?, owner = NULL,
                    lease_until = NULL, error = 'cancelled before it finished; the findings it made are kept'
             WHERE id = ? AND status IN ('queued', 'running') AND owner IS ? AND lease_until IS ?",
        )
        .bind(&now)
        .bind(id)
        .bind(&owner)
        .bind(&lease)
        .execute(&self.pool)
        .await?;
        Ok(updated.rows_affected() > 0)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A scan a server started, left `running` by `owner` (a process that is gone) with a lease still holding.
    async fn left_running(store: &Store, id: &str, owner: &str) {
        sqlx::query(
            "INSERT INTO scans (id, org_id, profile, status, phase, created_at, owner, lease_until, request, resume)
             VALUES (?, 'default', 'quick', 'running', 'scanning', ?, ?, '2999-01-01T00:00:00Z', '{}', 1)",
        )
        .bind(id)
        .bind(crate::time::now())
        .bind(owner)
        .execute(&store.pool)
        .await
        .unwrap();
    }

    async fn owner_of(store: &Store, id: &str) -> (String, Option<String>) {
        let row = sqlx::query("SELECT status, owner FROM scans WHERE id = ?")
            .bind(id)
            .fetch_one(&store.pool)
            .await
            .unwrap();
        (row.get("status"), row.get("owner"))
    }

    /// Two servers starting at once on one database: B requeues and claims the dead server's scan while C is
    /// between reading it and taking it back. C must not take back the scan B now runs (and run it a second time).
    #[tokio::test(flavor = "multi_thread")]
    async fn a_scan_another_server_claimed_meanwhile_is_not_taken_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("palisade.db");
        let c = Store::open(&path).await.unwrap();
        let b = Store::open(&path).await.unwrap();
        left_running(&c, "s1", "dead-server").await;
        let interleaved = AtomicBool::new(false);
        let alive = |_: &str| {
            if !interleaved.swap(true, Ordering::SeqCst) {
                // B starts and claims the scan after C read it, before C takes it back.
                tokio::task::block_in_place(|| {
                    tokio::runtime::Handle::current().block_on(async {
                        b.recover_interrupted(|_| false).await.unwrap();
                        let claimed = b
                            .claim_resumable("server-b", "2999-01-01T00:00:00Z")
                            .await
                            .unwrap();
                        assert_eq!(claimed.len(), 1);
                    })
                });
            }
            false
        };
        c.recover_interrupted(alive).await.unwrap();
        assert_eq!(
            owner_of(&c, "s1").await,
            ("running".to_string(), Some("server-b".to_string())),
            "C took back the scan B runs"
        );
        let claimed = c
            .claim_resumable("server-c", "2999-01-01T00:00:00Z")
            .await
            .unwrap();
        assert!(
            claimed.is_empty(),
            "the scan would run twice: {:?}",
            claimed.iter().map(|r| &r.id).collect::<Vec<_>>()
        );
    }
}
