//! Runs one scan in the background: the engine produces events; this task compares findings with the previous
//! scan, broadcasts them to listeners at once, writes them to the store in batches, grades each target, lists what
//! was fixed, and finishes the scan.

use super::App;
use super::scans::{LEASE, Running, ScanEvent};
use crate::engine::{EngineEvent, RunSummary, ScanPlan, Stop, grade, registry};
use crate::model::{
    Coverage, CoverageState, Finding, FindingStatus, ScanStatus, ScanTarget, SeverityCounts,
};
use crate::store::{FindingFilter, ScanProgress, StoreError};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;

const FLUSH_EVERY: Duration = Duration::from_millis(100);
const FLUSH_AT: usize = 64;

/// Per-target state kept while the scan runs: small (fingerprints and counts), so memory stays flat.
struct TargetState {
    id: String,
    url: Arc<str>,
    previous: Option<String>,
    previous_findings: HashMap<String, Finding>,
    seen: HashSet<String>,
    counts: SeverityCounts,
    coverage: HashMap<String, CoverageState>,
}

struct Collector {
    app: App,
    scan_id: String,
    running: Arc<Running>,
    targets: Vec<TargetState>,
    findings: Vec<(u32, Finding)>,
    coverage: Vec<Coverage>,
    seq: u32,
    done: u32,
    total: u32,
    requests: Arc<AtomicU64>,
}

pub(super) async fn run(
    app: App,
    plan: ScanPlan,
    previous: Vec<Option<String>>,
    running: Arc<Running>,
) {
    let scan_id = plan.scan_id.clone();
    let result = run_inner(&app, plan, previous, running.clone()).await;
    if let Err(e) = result {
        tracing::error!("scan {scan_id} failed in the store: {e}");
        let msg = format!("the scan could not be saved: {e}");
        let _ = app
            .inner
            .store
            .finish_scan(&scan_id, ScanStatus::Failed, Some(&msg), 0, 0)
            .await;
        let _ = running.events.send(ScanEvent::Finished {
            status: ScanStatus::Failed,
        });
    }
    app.inner
        .running
        .lock()
        .expect("running lock")
        .remove(&scan_id);
    let _ = running.done.send(true);
}

async fn run_inner(
    app: &App,
    plan: ScanPlan,
    previous: Vec<Option<String>>,
    running: Arc<Running>,
) -> Result<(), StoreError> {
    let mut targets = Vec::with_capacity(plan.targets.len());
    for (t, prev) in plan.targets.iter().zip(previous) {
        let previous_findings = match &prev {
            Some(id) => load_previous(app, id, &t.id, &t.url.to_string()).await?,
            None => HashMap::new(),
        };
        targets.push(TargetState {
            id: t.id.clone(),
            url: Arc::from(t.url.as_str()),
            previous: prev,
            previous_findings,
            seen: HashSet::new(),
            counts: SeverityCounts::default(),
            coverage: HashMap::new(),
        });
    }
    let mut c = Collector {
        app: app.clone(),
        scan_id: plan.scan_id.clone(),
        total: (plan.checks.len() * plan.targets.len()) as u32,
        running: running.clone(),
        targets,
        findings: Vec::new(),
        coverage: Vec::new(),
        seq: 0,
        done: 0,
        requests: Arc::new(AtomicU64::new(0)),
    };
    let (tx, mut rx) = mpsc::channel(256);
    let engine = crate::engine::Engine::new(app.inner.net.clone());
    let settings = app.inner.config.scan.clone();
    let run = engine.run(
        plan,
        settings,
        running.cancel.clone(),
        tx,
        c.requests.clone(),
    );
    let collect = async {
        let mut tick = tokio::time::interval(FLUSH_EVERY);
        loop {
            tokio::select! {
                event = rx.recv() => match event {
                    Some(event) => {
                        c.handle(event).await?;
                        if c.findings.len() + c.coverage.len() >= FLUSH_AT {
                            c.flush("scanning").await?;
                        }
                    }
                    None => return Ok::<_, StoreError>(()),
                },
                _ = tick.tick() => c.flush("scanning").await?,
            }
        }
    };
    let (summary, collected): (RunSummary, Result<(), StoreError>) = tokio::join!(run, collect);
    collected?;
    c.flush("finishing").await?;
    c.record_fixed().await?;
    let (status, error) = match summary.stopped {
        None => (ScanStatus::Completed, None),
        Some(Stop::Cancelled) => (
            ScanStatus::Cancelled,
            Some("cancelled before it finished; the findings it made are kept".to_string()),
        ),
        Some(Stop::Budget(b)) => (
            ScanStatus::Failed,
            Some(format!(
                "time budget of {} s ran out after {} of {} checks; the findings it made are kept (raise --budget)",
                b.as_secs(),
                c.done,
                c.total
            )),
        ),
    };
    app.inner
        .store
        .finish_scan(
            &c.scan_id,
            status,
            error.as_deref(),
            c.done,
            summary.requests,
        )
        .await?;
    let _ = running.events.send(ScanEvent::Finished { status });
    Ok(())
}

async fn load_previous(
    app: &App,
    previous_scan: &str,
    target_id: &str,
    url: &str,
) -> Result<HashMap<String, Finding>, StoreError> {
    // The target may have been removed and added again since, with a new id: match it by URL.
    let previous_target = app
        .inner
        .store
        .scan_target_id(previous_scan, url)
        .await?
        .unwrap_or_else(|| target_id.to_string());
    let filter = FindingFilter {
        target_id: Some(previous_target),
        ..Default::default()
    };
    let (findings, _) = app
        .inner
        .store
        .list_findings(previous_scan, &filter, u32::MAX, 0)
        .await?;
    Ok(findings
        .into_iter()
        .map(|f| (f.fingerprint.clone(), f))
        .collect())
}

impl Collector {
    async fn handle(&mut self, event: EngineEvent) -> Result<(), StoreError> {
        match event {
            EngineEvent::Finding(index, mut finding) => {
                let t = &mut self.targets[index];
                if !t.seen.insert(finding.fingerprint.clone()) {
                    return Ok(());
                }
                finding.status = if t.previous_findings.contains_key(&finding.fingerprint) {
                    FindingStatus::Unchanged
                } else {
                    FindingStatus::New
                };
                t.counts.add(finding.severity);
                self.seq += 1;
                let _ = self
                    .running
                    .events
                    .send(ScanEvent::Finding(Arc::new((*finding).clone())));
                self.findings.push((self.seq, *finding));
            }
            EngineEvent::CheckDone(index, coverage) => {
                self.done += 1;
                let t = &mut self.targets[index];
                t.coverage.insert(coverage.check_id.clone(), coverage.state);
                let check_id = registry::check(&coverage.check_id)
                    .map(|c| c.id)
                    .unwrap_or("unknown");
                let _ = self.running.events.send(ScanEvent::Progress {
                    done: self.done,
                    total: self.total,
                    target_url: t.url.clone(),
                    check_id,
                });
                self.coverage.push(coverage);
            }
            EngineEvent::TargetDone {
                target,
                observatory,
                error,
            } => {
                let t = &self.targets[target];
                let (score, grade) = grade::security_score(&t.counts);
                // A target whose start page could not be fetched was not scanned: it gets no grade.
                let graded = error.is_none();
                let result = ScanTarget {
                    target_id: t.id.clone(),
                    url: t.url.to_string(),
                    host: String::new(),
                    previous_scan_id: t.previous.clone(),
                    security_score: graded.then_some(score),
                    risk_grade: graded.then(|| grade.to_string()),
                    observatory: observatory.filter(|_| graded),
                    counts: t.counts,
                    error,
                };
                let target_url = t.url.clone();
                self.flush("scanning").await?;
                self.app
                    .inner
                    .store
                    .set_target_result(&self.scan_id, &result)
                    .await?;
                let _ = self.running.events.send(ScanEvent::TargetDone {
                    target_url,
                    risk_grade: result.risk_grade,
                    error: result.error,
                });
            }
        }
        Ok(())
    }

    async fn flush(&mut self, phase: &str) -> Result<(), StoreError> {
        let requests = self.requests.load(Ordering::Relaxed);
        let store = &self.app.inner.store;
        store
            .insert_findings(&std::mem::take(&mut self.findings))
            .await?;
        store
            .insert_coverage(&self.scan_id, &std::mem::take(&mut self.coverage))
            .await?;
        let lease = crate::time::format(time::OffsetDateTime::now_utc() + LEASE);
        let progress = ScanProgress {
            phase,
            checks_done: self.done,
            requests,
            lease_until: &lease,
        };
        store.update_progress(&self.scan_id, &progress).await
    }

    /// Findings of the previous scan that did not come back, where the check behind them ran this time, are
    /// recorded as `fixed` in this scan.
    async fn record_fixed(&mut self) -> Result<(), StoreError> {
        let mut fixed = Vec::new();
        for t in &self.targets {
            for (fp, f) in &t.previous_findings {
                if t.seen.contains(fp) {
                    continue;
                }
                let ran = registry::check_for_rule(&f.check_id)
                    .and_then(|check| t.coverage.get(check.id))
                    .is_some_and(|s| matches!(s, CoverageState::Passed | CoverageState::Found));
                if ran {
                    let mut f = f.clone();
                    f.scan_id = self.scan_id.clone();
                    f.target_id = t.id.clone();
                    f.status = FindingStatus::Fixed;
                    self.seq += 1;
                    fixed.push((self.seq, f));
                }
            }
        }
        self.app.inner.store.insert_findings(&fixed).await
    }
}
