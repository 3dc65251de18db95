//! Scans whose process died: taken back at start (queued to run again, or failed with the reason), claimed by the
//! next server, or cancelled while no process runs them. Every change checks the owner and lease it read, so two
//! servers starting at once never both take a scan.

use super::{Store, StoreError};
use sqlx::Row;

/// What [`Store::recover_interrupted`] did: scans queued to run again, and scans ended failed.
#[derive(Debug, Clone, Default)]
pub struct Recovered {
    pub requeued: Vec<String>,
    pub failed: Vec<String>,
}

/// Whether a scan's owner process runs, as this machine can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    /// A process of this machine that is running: its scans are never taken, whatever their lease says (a lease
    /// can lapse while a live process waits on a slow disk).
    Running,
    /// A process of this machine that has stopped: its scans are taken at once.
    Gone,
    /// Another machine or container: its scans are taken once their lease has run out.
    Unknown,
}

/// A scan left by a stopped process that a server may run again: its org and stored request.
#[derive(Debug, Clone)]
pub struct Resumable {
    pub id: String,
    pub org_id: String,
    pub request: String,
}

impl Store {
    /// Takes back the scans whose process is gone (an owner that stopped, or one this machine cannot see whose
    /// lease ran out). One a server started goes
    /// back to `queued`, without an owner, for the next server to run again ([`Store::claim_resumable`]); any
    /// other (the foreground CLI's, or one stored before resuming existed) ends `failed` with the reason, keeping
    /// its findings. Returns the ids of both.
    pub async fn recover_interrupted(
        &self,
        liveness: impl Fn(&str) -> Liveness,
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
            let keep = match owner.as_deref().map(&liveness) {
                Some(Liveness::Running) => true,
                Some(Liveness::Unknown) => !expired,
                Some(Liveness::Gone) | None => false,
            };
            if keep {
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
                        b.recover_interrupted(|_| Liveness::Gone).await.unwrap();
                        let claimed = b
                            .claim_resumable("server-b", "2999-01-01T00:00:00Z")
                            .await
                            .unwrap();
                        assert_eq!(claimed.len(), 1);
                    })
                });
            }
            Liveness::Gone
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

    /// A running owner keeps its scan even when its lease has lapsed (a slow disk held its writes); an owner this
    /// machine cannot see keeps it only while the lease holds; a stopped one loses it at once.
    #[tokio::test]
    async fn only_a_lapsed_lease_of_an_owner_that_cannot_be_seen_or_a_stopped_owner_frees_a_scan() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.db")).await.unwrap();
        for (id, owner) in [
            ("live", "here"),
            ("far", "far"),
            ("near", "near"),
            ("gone", "gone"),
        ] {
            left_running(&store, id, owner).await;
        }
        for id in ["live", "far"] {
            sqlx::query("UPDATE scans SET lease_until = '2000-01-01T00:00:00.000Z' WHERE id = ?")
                .bind(id)
                .execute(&store.pool)
                .await
                .unwrap();
        }
        let recovered = store
            .recover_interrupted(|owner| match owner {
                "here" => Liveness::Running,
                "gone" => Liveness::Gone,
                _ => Liveness::Unknown,
            })
            .await
            .unwrap();
        let mut requeued = recovered.requeued.clone();
        requeued.sort();
        assert_eq!(requeued, ["far", "gone"]);
        assert_eq!(owner_of(&store, "live").await.1.as_deref(), Some("here"));
        assert_eq!(owner_of(&store, "near").await.1.as_deref(), Some("near"));
    }
}
