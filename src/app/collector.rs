//! The collector of a running scan: compares each finding with the baseline, broadcasts it to listeners at once,
//! writes findings and coverage to the store in batches, grades each target, and lists what was fixed.

use super::App;
use super::baseline::Baseline;
use super::scans::{Running, ScanEvent};
use super::writer::{Write, Writer};
use crate::engine::live::Live;
use crate::engine::registry::{self, STOPPED};
use crate::engine::{EngineEvent, ScanPlan, grade};
use crate::model::{Coverage, CoverageState, Finding, FindingStatus, ScanTarget, SeverityCounts};
use crate::store::{Store, StoreError};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

const FLUSH_EVERY: Duration = Duration::from_millis(100);
const FLUSH_AT: usize = 64;

/// Per-target state kept while the scan runs: fingerprints and counts, so memory stays small.
struct TargetState {
    id: String,
    url: Arc<str>,
    baseline: Baseline,
    /// Open findings an interrupted run of this scan stored for the target (fingerprint, check): dropped at the end
    /// when this run's complete pass does not find them again.
    earlier: HashMap<String, String>,
    seen: HashSet<String>,
    counts: SeverityCounts,
    coverage: HashMap<String, CoverageState>,
    /// Set when the target is graded: it ended without an error (reachable and not cut short), or it is a name
    /// without an address whose DNS checks all ran.
    complete: bool,
}

pub(super) struct Collector {
    app: App,
    scan_id: String,
    running: Arc<Running>,
    targets: Vec<TargetState>,
    findings: Vec<(u32, Finding)>,
    coverage: Vec<Coverage>,
    seq: u32,
    done: u32,
    stopped: u32,
    total: u32,
    writer: Option<Writer>,
}

fn app_store(app: &App) -> Store {
    app.inner.store.clone()
}

impl Collector {
    pub fn new(
        app: App,
        plan: &ScanPlan,
        baselines: Vec<Baseline>,
        running: Arc<Running>,
    ) -> Collector {
        let targets = plan
            .targets
            .iter()
            .zip(baselines)
            .map(|(t, baseline)| TargetState {
                id: t.id.clone(),
                url: Arc::from(t.url.as_str()),
                baseline,
                earlier: HashMap::new(),
                seen: HashSet::new(),
                counts: SeverityCounts::default(),
                coverage: HashMap::new(),
                complete: false,
            })
            .collect();
        Collector {
            app: app.clone(),
            scan_id: plan.scan_id.clone(),
            total: (plan.checks.len() * plan.targets.len()) as u32,
            running,
            targets,
            findings: Vec::new(),
            coverage: Vec::new(),
            seq: 0,
            done: 0,
            stopped: 0,
            writer: Some(Writer::start(app_store(&app), plan.scan_id.clone())),
        }
    }

    /// Takes over what an interrupted run of this scan stored (a scan run again after a restart): findings are
    /// numbered on after the last stored one, and the open ones this run does not find again are dropped at its end.
    pub async fn take_over(&mut self, store: &Store) -> Result<(), StoreError> {
        self.seq = store.last_finding_seq(&self.scan_id).await?;
        if self.seq == 0 {
            return Ok(());
        }
        for (target_id, fp, check_id) in store.open_finding_keys(&self.scan_id).await? {
            if let Some(t) = self.targets.iter_mut().find(|t| t.id == target_id) {
                t.earlier.insert(fp, check_id);
            }
        }
        Ok(())
    }

    /// The scan's live counters, which the engine updates.
    pub fn live(&self) -> Arc<Live> {
        self.running.live.clone()
    }

    pub fn scan_id(&self) -> &str {
        &self.scan_id
    }

    /// Checks that reported coverage.
    pub fn done(&self) -> u32 {
        self.done
    }

    /// Checks that ran to their end (not cut short by the scan stopping).
    pub fn finished(&self) -> u32 {
        self.done - self.stopped
    }

    pub fn total(&self) -> u32 {
        self.total
    }

    /// Handles engine events until the engine is done, handing batches to the store writer every 100 ms or 64
    /// rows. Nothing here waits on the disk, so findings reach listeners as soon as they are found.
    pub async fn collect(&mut self, mut rx: mpsc::Receiver<EngineEvent>) {
        let mut tick = tokio::time::interval(FLUSH_EVERY);
        loop {
            tokio::select! {
                event = rx.recv() => match event {
                    Some(event) => {
                        self.handle(event).await;
                        if self.findings.len() + self.coverage.len() >= FLUSH_AT {
                            self.flush("scanning").await;
                        }
                    }
                    None => return,
                },
                _ = tick.tick() => self.flush("scanning").await,
            }
        }
    }

    /// Waits until every batch is written; the first store error, if any.
    pub async fn finish_writes(&mut self) -> Result<(), StoreError> {
        match self.writer.take() {
            Some(writer) => writer.finish().await,
            None => Ok(()),
        }
    }

    async fn handle(&mut self, event: EngineEvent) {
        match event {
            EngineEvent::Finding(index, finding) => self.finding(index, *finding),
            EngineEvent::CheckDone(index, coverage) => self.check_done(index, coverage),
            EngineEvent::TargetDone {
                target,
                observatory,
                site,
                error,
                graded,
            } => {
                self.target_done(target, observatory, site.map(|s| *s), error, graded)
                    .await
            }
        }
    }

    fn finding(&mut self, index: usize, mut finding: Finding) {
        let t = &mut self.targets[index];
        if !t.seen.insert(finding.fingerprint.clone()) {
            return;
        }
        finding.status = if t.baseline.findings.contains_key(&finding.fingerprint) {
            FindingStatus::Unchanged
        } else {
            FindingStatus::New
        };
        t.counts.add(finding.severity);
        self.running.live.found();
        self.seq += 1;
        let _ = self
            .running
            .events
            .send(ScanEvent::Finding(Arc::new(finding.clone())));
        self.findings.push((self.seq, finding));
    }

    fn check_done(&mut self, index: usize, coverage: Coverage) {
        self.done += 1;
        if coverage.detail.as_deref() == Some(STOPPED) {
            self.stopped += 1;
        }
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

    async fn target_done(
        &mut self,
        index: usize,
        observatory: Option<crate::model::Observatory>,
        site: Option<crate::model::SiteProfile>,
        error: Option<String>,
        graded: bool,
    ) {
        let t = &mut self.targets[index];
        t.complete = graded;
        let (score, grade) = grade::security_score(&t.counts);
        let result = ScanTarget {
            target_id: t.id.clone(),
            url: t.url.to_string(),
            host: String::new(),
            previous_scan_id: t.baseline.newest_scan.clone(),
            security_score: graded.then_some(score),
            risk_grade: graded.then(|| grade.to_string()),
            observatory: observatory.filter(|_| graded),
            counts: t.counts,
            error,
            site,
        };
        let done = ScanEvent::TargetDone {
            target_url: t.url.clone(),
            risk_grade: result.risk_grade.clone(),
            error: result.error.clone(),
        };
        self.flush("scanning").await;
        self.write(Write::Target(Box::new(result))).await;
        let _ = self.running.events.send(done);
    }

    /// Hands buffered findings and coverage, with progress and a renewed lease, to the store writer.
    pub async fn flush(&mut self, phase: &'static str) {
        let batch = Write::Batch {
            findings: std::mem::take(&mut self.findings),
            coverage: std::mem::take(&mut self.coverage),
            phase,
            done: self.done,
            requests: self.running.live.requests(),
        };
        self.write(batch).await;
    }

    async fn write(&self, write: Write) {
        if let Some(writer) = &self.writer {
            writer.send(write).await;
        }
    }

    /// Baseline findings that did not come back are recorded as `fixed` in this scan, but only on targets that were
    /// fully scanned, and only where the check behind them ran to its end this time. Findings an interrupted run
    /// of this scan stored that the run completing it did not find again are dropped by the same rule (before the
    /// baseline's `fixed` records, so one the previous scan had is recorded `fixed` as usual).
    pub async fn record_fixed(&mut self) -> Result<(), StoreError> {
        let mut fixed = Vec::new();
        let mut stale = Vec::new();
        for t in self.targets.iter().filter(|t| t.complete) {
            for (fp, check_id) in &t.earlier {
                if t.ran_to_end(check_id) && !t.seen.contains(fp) {
                    stale.push(fp.clone());
                }
            }
            for (fp, f) in &t.baseline.findings {
                if t.ran_to_end(&f.check_id) && !t.seen.contains(fp) {
                    let mut f = f.clone();
                    f.scan_id = self.scan_id.clone();
                    f.target_id = t.id.clone();
                    f.status = FindingStatus::Fixed;
                    self.seq += 1;
                    fixed.push((self.seq, f));
                }
            }
        }
        let store = &self.app.inner.store;
        store.drop_findings(&self.scan_id, &stale).await?;
        store.insert_findings(&fixed).await
    }
}

impl TargetState {
    /// Whether the check behind finding rule `check_id` ran to its end on this target in this run.
    fn ran_to_end(&self, check_id: &str) -> bool {
        registry::check_for_rule(check_id)
            .and_then(|check| self.coverage.get(check.id))
            .is_some_and(|s| matches!(s, CoverageState::Passed | CoverageState::Found))
    }
}
