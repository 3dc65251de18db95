//! Scan services: start (returns at once; the scan runs in the background, owned by the App), watch, wait,
//! cancel, and read scans, findings and coverage.

use super::baseline::Baseline;
use super::{App, AppError, runner};
use crate::engine::live::Live;
use crate::engine::registry::{self, Check};
use crate::engine::{PlanTarget, ScanPlan};
use crate::model::{Coverage, Finding, Profile, Scan, ScanStatus};
use crate::store::{FindingFilter, NewScan, PagePos};
use crate::target::TargetUrl;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};
use tokio_util::sync::CancellationToken;

/// How long a running scan's lease lasts without renewal.
pub(super) const LEASE: Duration = Duration::from_secs(15);

/// What a listener of a running scan receives.
#[derive(Debug, Clone)]
pub enum ScanEvent {
    /// A new finding, as soon as it is found.
    Finding(Arc<Finding>),
    /// A check finished on a target.
    Progress {
        done: u32,
        total: u32,
        target_url: Arc<str>,
        check_id: &'static str,
    },
    /// A target is done; its grade is known.
    TargetDone {
        target_url: Arc<str>,
        risk_grade: Option<String>,
        error: Option<String>,
    },
    /// The scan reached a terminal state.
    Finished { status: ScanStatus },
}

/// What to scan.
#[derive(Debug, Clone, Default)]
pub struct ScanRequest {
    /// URLs or host names, as typed.
    pub targets: Vec<String>,
    /// Defaults to the configured profile.
    pub profile: Option<Profile>,
    /// Run only these checks (by check id); all checks of the profile when `None`.
    pub checks: Option<Vec<String>>,
    /// The scan this one re-checks (verification scans).
    pub verify_of: Option<String>,
    /// Refuse with [`AppError::AlreadyRunning`] when a scan of the same targets is running in the org.
    pub exclusive: bool,
    /// Detection templates to run beyond (or instead of) the profile's: by tag, id and severity.
    pub templates: crate::templates::Selection,
    /// For a verification scan: the findings (by fingerprint) it was asked to verify; all when `None`.
    pub asked: Option<Vec<String>>,
}

/// The part of a [`ScanRequest`] stored with the scan, beyond its profile and targets: what a server restarted in
/// the middle of the scan needs to run it again, and what a task reads to answer as the request would have.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct StoredRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<Vec<String>>,
    #[serde(default)]
    pub templates: crate::templates::Selection,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked: Option<Vec<String>>,
}

/// A scan running in this process.
pub(super) struct Running {
    pub cancel: CancellationToken,
    pub events: broadcast::Sender<ScanEvent>,
    pub done: watch::Sender<bool>,
    pub live: Arc<Live>,
}

/// A started scan and a subscription to its events.
pub struct ScanHandle {
    pub scan: Scan,
    pub events: broadcast::Receiver<ScanEvent>,
    /// Requests sent, the check that sent the latest one, and the phase, read without a lock while the scan runs.
    pub live: Arc<Live>,
    done: watch::Receiver<bool>,
}

impl std::fmt::Debug for ScanHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanHandle")
            .field("scan", &self.scan.id)
            .finish_non_exhaustive()
    }
}

impl ScanHandle {
    /// The subscription, made before the scan started, so none of its events is missed.
    pub fn into_watch(self) -> ScanHandleParts {
        ScanHandleParts {
            events: self.events,
            done: self.done,
        }
    }

    /// Waits until the scan reaches a terminal state.
    pub async fn finished(&mut self) {
        let _ = self.done.wait_for(|d| *d).await;
    }
}

impl App {
    /// Validates and starts a scan; returns as soon as it is recorded. The scan runs until done, cancelled or out
    /// of budget, whatever happens to the caller.
    pub async fn start_scan(&self, org: &str, req: ScanRequest) -> Result<ScanHandle, AppError> {
        if req.targets.is_empty() {
            return Err(AppError::Invalid("give at least one target to scan".into()));
        }
        let profile = req.profile.unwrap_or(self.inner.config.scan.profile);
        let (checks, templates) = self
            .plan_checks(profile, req.checks.as_deref(), &req.templates)
            .await?;
        let urls = req
            .targets
            .iter()
            .map(|t| TargetUrl::parse(t))
            .collect::<Result<Vec<_>, _>>()?;
        let scope_checks =
            futures::future::join_all(urls.iter().map(|u| self.check_scope(u))).await;
        scope_checks.into_iter().collect::<Result<Vec<_>, _>>()?;
        let starting = self.inner.starting.lock().await;
        self.admit(org, &urls, req.exclusive).await?;
        let mut targets = Vec::with_capacity(urls.len());
        let mut baselines = Vec::with_capacity(urls.len());
        let mut seen = std::collections::HashSet::new();
        for (input, url) in req.targets.iter().zip(&urls) {
            if !seen.insert(url.to_string()) {
                continue;
            }
            let target = self.register(org, input, url, None).await?;
            let baseline = Baseline::load(&self.inner.store, org, &target.url).await?;
            targets.push((target, baseline.newest_scan.clone()));
            baselines.push(baseline);
        }
        let scan_id = super::new_id(8);
        let new = NewScan {
            id: scan_id.clone(),
            org_id: org.to_string(),
            profile,
            checks_total: (checks.len() * targets.len()) as u32,
            targets: targets.clone(),
            owner: self.inner.owner.clone(),
            lease_until: crate::time::format(time::OffsetDateTime::now_utc() + LEASE),
            verify_of: req.verify_of.clone(),
            request: Some(
                serde_json::to_string(&StoredRequest {
                    checks: req.checks.clone(),
                    templates: req.templates.clone(),
                    asked: req.asked.clone(),
                })
                .expect("a request serialises"),
            ),
            resume: self
                .inner
                .serving
                .load(std::sync::atomic::Ordering::Relaxed),
        };
        self.inner.store.create_scan(&new).await?;
        drop(starting);
        let plan = ScanPlan {
            templates,
            scan_id: scan_id.clone(),
            profile,
            targets: targets
                .iter()
                .map(|(t, _)| PlanTarget {
                    id: t.id.clone(),
                    url: TargetUrl::parse(&t.url).expect("stored URLs parse"),
                })
                .collect(),
            checks,
        };
        self.launch(org, plan, baselines).await
    }

    /// The checks a scan of `profile` runs (all of the profile's, or those named) and the detection templates it
    /// loads.
    pub(super) async fn plan_checks(
        &self,
        profile: Profile,
        named: Option<&[String]>,
        selection: &crate::templates::Selection,
    ) -> Result<(Vec<&'static Check>, Vec<Arc<crate::templates::Template>>), AppError> {
        let mut checks = select_checks(profile, named)?;
        let runs_templates = checks
            .iter()
            .any(|c| c.module == crate::model::Module::Templates);
        // A scan that runs no template (quick, or a list of checks without templates.run) never loads them.
        let templates = match runs_templates || selection.names_templates() {
            true => self.plan_templates(profile, selection).await?,
            false => Vec::new(),
        };
        if selection.names_templates() && !runs_templates {
            // Templates named by tag or id run whatever the profile or the list of checks.
            checks.extend(registry::check("templates.run"));
        }
        Ok((checks, templates))
    }

    /// Runs a recorded scan in the background, owned by this process.
    pub(super) async fn launch(
        &self,
        org: &str,
        plan: ScanPlan,
        baselines: Vec<Baseline>,
    ) -> Result<ScanHandle, AppError> {
        let scan_id = plan.scan_id.clone();
        let (events, receiver) = broadcast::channel(1024);
        let running = Arc::new(Running {
            cancel: CancellationToken::new(),
            events,
            done: watch::channel(false).0,
            live: Arc::new(Live::default()),
        });
        let live = running.live.clone();
        let done = running.done.subscribe();
        self.inner
            .running
            .lock()
            .expect("running lock")
            .insert(scan_id.clone(), running.clone());
        let span = tracing::info_span!("scan", id = %scan_id);
        tokio::spawn(tracing::Instrument::instrument(
            runner::run(self.clone(), plan, baselines, running),
            span,
        ));
        let scan = self.get_scan(org, &scan_id).await?;
        Ok(ScanHandle {
            scan,
            events: receiver,
            live,
            done,
        })
    }

    /// Checks a new scan of `urls` against the org's quotas (`server.max_concurrent_scans`,
    /// `server.max_daily_scans`) and, when `exclusive`, against its running scans.
    async fn admit(&self, org: &str, urls: &[TargetUrl], exclusive: bool) -> Result<(), AppError> {
        let settings = &self.inner.config.server;
        let now = time::OffsetDateTime::now_utc();
        let midnight = now.replace_time(time::Time::MIDNIGHT);
        let load = self
            .inner
            .store
            .org_load(org, &crate::time::format(midnight))
            .await?;
        if exclusive {
            let mut wanted: Vec<String> = urls.iter().map(|u| u.to_string()).collect();
            wanted.sort();
            wanted.dedup();
            for (id, running) in &load.running {
                let mut running = running.clone();
                running.sort();
                if running == wanted {
                    return Err(AppError::AlreadyRunning {
                        scan_id: id.clone(),
                    });
                }
            }
        }
        let limit = settings.max_concurrent_scans;
        if load.running.len() as u32 >= limit {
            return Err(AppError::Quota(format!(
                "org '{org}' already runs {} scans, its limit (server.max_concurrent_scans = {limit}): wait for one to finish or cancel one",
                load.running.len()
            )));
        }
        let limit = settings.max_daily_scans;
        if load.started_since >= limit {
            return Err(AppError::Quota(format!(
                "org '{org}' started {} scans today, its daily limit (server.max_daily_scans = {limit}): the count starts again at 00:00 UTC",
                load.started_since
            )));
        }
        Ok(())
    }

    /// A subscription to a scan running in this process (`None` if it is not running here).
    pub fn watch_scan(&self, id: &str) -> Option<ScanHandleParts> {
        let running = self.inner.running.lock().expect("running lock");
        running.get(id).map(|r| ScanHandleParts {
            events: r.events.subscribe(),
            done: r.done.subscribe(),
        })
    }

    /// Waits up to `timeout` for a scan to finish, then returns its state (finished or not).
    pub async fn wait_scan(
        &self,
        org: &str,
        id: &str,
        timeout: Duration,
    ) -> Result<Scan, AppError> {
        if let Some(mut parts) = self.watch_scan(id) {
            let _ = tokio::time::timeout(timeout, parts.done.wait_for(|d| *d)).await;
        }
        self.get_scan(org, id).await
    }

    /// Stops a running scan; what it found is kept and the scan ends as `cancelled`.
    pub async fn cancel_scan(&self, org: &str, id: &str) -> Result<Scan, AppError> {
        let scan = self.get_scan(org, id).await?;
        if scan.status.is_terminal() {
            return Err(AppError::Conflict(format!(
                "scan {id} already ended ({}); nothing to cancel",
                scan.status
            )));
        }
        let running = self
            .inner
            .running
            .lock()
            .expect("running lock")
            .get(id)
            .cloned();
        let Some(running) = running else {
            // No process runs it (it waits for a server to run it again after a restart, or its process died):
            // cancelled here, or the next server would run the scan the caller cancelled.
            let store = &self.inner.store;
            if store.cancel_orphaned(id, super::owner::is_alive).await? {
                store.finish_schedule_run(id).await?;
                return self.get_scan(org, id).await;
            }
            let scan = self.get_scan(org, id).await?;
            if scan.status.is_terminal() {
                return Err(AppError::Conflict(format!(
                    "scan {id} already ended ({}); nothing to cancel",
                    scan.status
                )));
            }
            return Err(AppError::Conflict(format!(
                "scan {id} is running in another palisade process; cancel it there"
            )));
        };
        running.cancel.cancel();
        let mut done = running.done.subscribe();
        let _ = done.wait_for(|d| *d).await;
        self.get_scan(org, id).await
    }

    /// A scan with its targets, grades and counts.
    pub async fn get_scan(&self, org: &str, id: &str) -> Result<Scan, AppError> {
        self.inner
            .store
            .get_scan(org, id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                kind: "scan",
                id: id.to_string(),
                hint: "list recent scans to find its id",
            })
    }

    /// Recent scans, newest first.
    pub async fn list_scans(&self, org: &str, limit: u32) -> Result<Vec<Scan>, AppError> {
        Ok(self
            .inner
            .store
            .list_scans(org, limit.clamp(1, 1000))
            .await?)
    }

    /// One page of a scan's findings, worst first, and the number matching in all.
    pub async fn findings(
        &self,
        org: &str,
        scan_id: &str,
        filter: &FindingFilter,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<Finding>, u64), AppError> {
        self.get_scan(org, scan_id).await?;
        Ok(self
            .inner
            .store
            .list_findings(scan_id, filter, limit, offset)
            .await?)
    }

    /// Up to `limit` findings of a scan after position `after`, worst first, each with its position.
    pub async fn page_findings(
        &self,
        org: &str,
        scan_id: &str,
        filter: &FindingFilter,
        limit: u32,
        after: Option<PagePos>,
    ) -> Result<Vec<(PagePos, Finding)>, AppError> {
        self.scan_status(org, scan_id).await?;
        Ok(self
            .inner
            .store
            .page_findings(scan_id, filter, limit, after)
            .await?)
    }

    /// How many of a scan's findings match `filter`.
    pub async fn count_findings(
        &self,
        org: &str,
        scan_id: &str,
        filter: &FindingFilter,
    ) -> Result<u64, AppError> {
        let ended = self.scan_status(org, scan_id).await?.is_terminal();
        Ok(self
            .inner
            .store
            .count_matching(scan_id, filter, ended)
            .await?)
    }

    /// A scan's status, or `NotFound` when the org has no such scan.
    async fn scan_status(&self, org: &str, id: &str) -> Result<ScanStatus, AppError> {
        self.inner
            .store
            .scan_status(org, id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                kind: "scan",
                id: id.to_string(),
                hint: "list recent scans to find its id",
            })
    }

    /// What ran, passed, found, errored or was skipped in a scan.
    pub async fn coverage(&self, org: &str, scan_id: &str) -> Result<Vec<Coverage>, AppError> {
        self.get_scan(org, scan_id).await?;
        Ok(self.inner.store.list_coverage(scan_id).await?)
    }
}

/// A subscription to a running scan.
pub struct ScanHandleParts {
    pub events: broadcast::Receiver<ScanEvent>,
    pub done: watch::Receiver<bool>,
}

fn select_checks(
    profile: Profile,
    only: Option<&[String]>,
) -> Result<Vec<&'static Check>, AppError> {
    let Some(only) = only else {
        return Ok(registry::plan(profile));
    };
    let mut checks = Vec::new();
    for id in only {
        let check = registry::check(id)
            .or_else(|| registry::check_for_rule(id))
            .ok_or_else(|| AppError::Invalid(format!("unknown check '{id}'")))?;
        if !checks.iter().any(|c: &&Check| c.id == check.id) {
            checks.push(check);
        }
    }
    Ok(checks)
}
