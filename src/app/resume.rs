//! Scans interrupted by a stopped process, run again under the same id by the next server: a task handle (the scan
//! id) an agent holds stays good across a restart, and the findings already stored are kept, not duplicated.

use super::baseline::Baseline;
use super::scans::{LEASE, StoredRequest};
use super::{App, AppError};
use crate::engine::{PlanTarget, ScanPlan};
use crate::model::ScanStatus;
use crate::store::{Resumable, Store, StoreError};
use crate::target::TargetUrl;

/// Takes back the scans whose process is gone (a dead owner or an expired lease): those a server started are
/// queued to run again, the others end `failed` with the reason ([`Store::recover_interrupted`]).
pub(super) async fn recover(store: &Store) -> Result<(), StoreError> {
    let recovered = store.recover_interrupted(super::owner::liveness).await?;
    if !recovered.failed.is_empty() {
        tracing::warn!(scans = ?recovered.failed, "marked scans interrupted by a stopped process as failed");
    }
    if !recovered.requeued.is_empty() {
        tracing::warn!(scans = ?recovered.requeued, "scans interrupted by a stopped process wait for a server to run them again");
    }
    for scan_id in &recovered.failed {
        store.finish_schedule_run(scan_id).await?;
    }
    Ok(())
}

impl App {
    /// Keeps taking over interrupted scans while this server runs, three times a lease period: a process that stopped
    /// while its lease still ran, or whose liveness this process cannot see (another container on the same
    /// database), leaves scans that only its lease running out frees; those run again here once it has.
    pub fn watch_interrupted(&self) {
        let app = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(LEASE / 3);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            loop {
                tick.tick().await;
                if let Err(e) = recover(&app.inner.store).await {
                    tracing::warn!(error = %e, "interrupted scans could not be taken back");
                    continue;
                }
                let resumed = app.resume_interrupted().await;
                if !resumed.is_empty() {
                    tracing::info!(scans = ?resumed, "running again scans whose process stopped while its lease ran");
                }
            }
        });
    }

    /// Claims the scans a stopped process left queued and runs each again from the start (what it stored stays;
    /// a finding found again is not stored twice). One that cannot run again (its stored request no longer parses,
    /// a target is now out of scope) ends `failed` with the reason. Returns the ids of the scans running again.
    /// Long-lived front ends (`serve`, `mcp`) call it once at start; from then on the scans this App starts are
    /// run again by the next server if this one stops.
    pub async fn resume_interrupted(&self) -> Vec<String> {
        self.inner
            .serving
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let lease = crate::time::format(time::OffsetDateTime::now_utc() + LEASE);
        let claimed = match self
            .inner
            .store
            .claim_resumable(&self.inner.owner, &lease)
            .await
        {
            Ok(claimed) => claimed,
            Err(e) => {
                tracing::warn!(error = %e, "interrupted scans could not be claimed to run again");
                return Vec::new();
            }
        };
        let mut resumed = Vec::new();
        for scan in claimed {
            match self.resume(&scan).await {
                Ok(()) => {
                    tracing::info!(scan = %scan.id, "running again the scan a stopped process left unfinished");
                    resumed.push(scan.id);
                }
                Err(e) => {
                    let reason = format!(
                        "interrupted by a restart and could not run again: {e}; the findings it made are kept"
                    );
                    tracing::warn!(scan = %scan.id, "{reason}");
                    let store = &self.inner.store;
                    let _ = store
                        .finish_scan(&scan.id, ScanStatus::Failed, Some(&reason), 0, 0)
                        .await;
                    let _ = store.finish_schedule_run(&scan.id).await;
                }
            }
        }
        resumed
    }

    /// What scan `id` of `org` was asked to run beyond its profile and targets (empty for scans stored before it
    /// was kept).
    pub async fn stored_request(&self, org: &str, id: &str) -> Result<StoredRequest, AppError> {
        self.get_scan(org, id).await?;
        Ok(match self.inner.store.scan_request(id).await? {
            Some(json) => serde_json::from_str(&json).unwrap_or_default(),
            None => StoredRequest::default(),
        })
    }

    async fn resume(&self, claimed: &Resumable) -> Result<(), AppError> {
        let request: StoredRequest = serde_json::from_str(&claimed.request)
            .map_err(|e| AppError::Invalid(format!("its stored request does not parse ({e})")))?;
        let org = claimed.org_id.as_str();
        let scan = self.get_scan(org, &claimed.id).await?;
        let (checks, templates) = self
            .plan_checks(scan.profile, request.checks.as_deref(), &request.templates)
            .await?;
        let mut targets = Vec::with_capacity(scan.targets.len());
        let mut baselines = Vec::with_capacity(scan.targets.len());
        for t in &scan.targets {
            let url = TargetUrl::parse(&t.url)?;
            self.check_scope(&url).await?;
            baselines.push(Baseline::load(&self.inner.store, org, &t.url).await?);
            targets.push(PlanTarget {
                id: t.target_id.clone(),
                url,
            });
        }
        let plan = ScanPlan {
            templates,
            scan_id: claimed.id.clone(),
            profile: scan.profile,
            targets,
            checks,
        };
        self.launch(org, plan, baselines).await.map(|_| ())
    }
}
