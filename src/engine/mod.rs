//! The scan engine: runs the planned checks against each target under per-host limits, a request timeout, a
//! whole-scan time budget and cancellation, and streams findings and coverage as events.

pub mod checks;
pub mod context;
pub mod draft;
pub mod grade;
pub mod html;
pub mod html_limits;
pub mod limits;
pub mod live;
pub mod net;
pub mod not_found;
pub mod pace;
pub mod pattern;
pub mod reach;
pub mod redaction;
pub mod registry;
pub mod site;
pub mod stack;
pub mod tally;

use crate::config::ScanSettings;
use crate::model::{Coverage, CoverageState, Finding, Observatory, Profile, SiteProfile};
use crate::target::TargetUrl;
use context::{CheckCtx, HostCtx, ScanCtx};
use futures::StreamExt;
use net::Net;
use registry::{Check, CheckFail};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// What the engine reports while it runs; `usize` is the target's index in the plan.
#[derive(Debug)]
pub enum EngineEvent {
    Finding(usize, Box<Finding>),
    CheckDone(usize, Coverage),
    TargetDone {
        target: usize,
        observatory: Option<Observatory>,
        site: Option<Box<SiteProfile>>,
        error: Option<String>,
        /// False when the target could not be scanned (no such name, unreachable, cut short). A name without an
        /// address is graded on its DNS checks although its `error` says it has no web server.
        graded: bool,
    },
}

/// One target to scan.
#[derive(Debug, Clone)]
pub struct PlanTarget {
    pub id: String,
    pub url: TargetUrl,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct ScanPlan {
    pub scan_id: String,
    pub profile: Profile,
    pub targets: Vec<PlanTarget>,
    pub checks: Vec<&'static Check>,
    /// The detection templates the `templates.run` check runs.
    pub templates: Vec<Arc<crate::templates::Template>>,
}

/// Why a run ended before every check finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Cancelled,
    Budget(Duration),
}

/// The end of a run.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub requests: u64,
    pub stopped: Option<Stop>,
}

/// Runs scans on the shared network stack.
pub struct Engine {
    net: Arc<Net>,
    advisories: Arc<crate::advisories::Advisories>,
}

impl Engine {
    /// An engine over the `App`'s network stack.
    pub fn new(net: Arc<Net>) -> Engine {
        Engine {
            net,
            advisories: crate::advisories::Advisories::bundled(),
        }
    }

    /// The advisory database the `components` checks match against (the bundled one unless set).
    pub fn with_advisories(mut self, advisories: Arc<crate::advisories::Advisories>) -> Engine {
        self.advisories = advisories;
        self
    }

    /// Runs `plan` to the end, the budget, or `cancel`; events go to `events` as they happen.
    pub async fn run(
        &self,
        plan: ScanPlan,
        settings: ScanSettings,
        cancel: CancellationToken,
        events: mpsc::Sender<EngineEvent>,
        live: Arc<live::Live>,
    ) -> RunSummary {
        live.set_phase(live::Phase::Checking);
        let stop = cancel.child_token();
        let budget_hit = Arc::new(AtomicBool::new(false));
        let budget = settings.budget;
        let timer = {
            let (stop, hit) = (stop.clone(), budget_hit.clone());
            tokio::spawn(async move {
                tokio::time::sleep(budget).await;
                hit.store(true, Ordering::SeqCst);
                stop.cancel();
            })
        };
        let parallel = settings.parallel_hosts;
        let scan = Arc::new(ScanCtx {
            scan_id: plan.scan_id.clone(),
            net: self.net.clone(),
            advisories: self.advisories.clone(),
            settings,
            profile: plan.profile,
            cancel: stop,
            bodies: net::BodyBudget::new(site::SCAN_BODY_BUDGET),
            templates: plan.templates.into(),
            events,
            live,
        });
        let checks = plan.checks;
        futures::stream::iter(plan.targets.into_iter().enumerate())
            .for_each_concurrent(parallel, |(index, target)| {
                let span = tracing::info_span!("host", target = %target.url);
                run_host(scan.clone(), index, target, checks.clone()).instrument(span)
            })
            .await;
        timer.abort();
        scan.live.set_phase(live::Phase::Finishing);
        let stopped = if cancel.is_cancelled() {
            Some(Stop::Cancelled)
        } else if budget_hit.load(Ordering::SeqCst) {
            Some(Stop::Budget(budget))
        } else {
            None
        };
        RunSummary {
            requests: scan.live.requests(),
            stopped,
        }
    }
}

async fn run_host(
    scan: Arc<ScanCtx>,
    index: usize,
    target: PlanTarget,
    checks: Vec<&'static Check>,
) {
    let reach = reach::Reach::of(&scan, &target.url).await;
    let mut host = HostCtx::new(scan, index, target.id, target.url);
    host.reach = reach;
    let host = Arc::new(host);
    let mut tasks = tokio::task::JoinSet::new();
    for check in checks {
        let ctx = CheckCtx::new(host.clone(), check);
        let span = tracing::debug_span!("check", id = check.id);
        tasks.spawn(run_check(ctx).instrument(span));
    }
    let mut cut_short = false;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(stopped) => cut_short |= stopped,
            Err(e) => tracing::error!("a check task failed: {e}"),
        }
    }
    let error = match (&host.reach, host.cached_page(host.target.url())) {
        (reach::Reach::NoSuchName(e), _) => Some(e.clone()),
        (_, Some(Err(e))) if !matches!(e, net::NetError::Cancelled) => Some(e.to_string()),
        _ if cut_short => Some(INCOMPLETE.to_string()),
        (reach::Reach::NameOnly(why), _) => Some(reach::no_web_server(why)),
        _ => None,
    };
    // A name without an address is graded on its DNS checks, which ran in full; its error says why nothing else did.
    let graded = error.is_none() || (matches!(host.reach, reach::Reach::NameOnly(_)) && !cut_short);
    let observatory = grade::observatory(&host.observatory_tests());
    let site = stack::profile(&host).map(Box::new);
    let _ = host
        .scan
        .events
        .send(EngineEvent::TargetDone {
            target: host.index,
            observatory,
            site,
            error,
            graded,
        })
        .await;
}

/// The target error of a target whose checks the scan's end (cancellation or budget) cut short: it is not graded.
pub const INCOMPLETE: &str =
    "not fully scanned: the scan stopped before all of its checks finished";

/// Runs one check and reports its coverage; true if the scan's end cut it short.
async fn run_check(ctx: CheckCtx) -> bool {
    let started = Instant::now();
    let cancel = ctx.scan.cancel.clone();
    let tally = std::sync::Arc::new(tally::Tally::of(ctx.check.id));
    let run = std::panic::AssertUnwindSafe(tally::within(tally.clone(), (ctx.check.run)(&ctx)));
    let result = match ctx.reach.stops(ctx.check) {
        Some(fail) => Err(fail),
        None => tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(CheckFail::from(net::NetError::Cancelled)),
            r = futures::FutureExt::catch_unwind(run) => r.unwrap_or_else(|_| Err(CheckFail::Errored("the check crashed (a bug in palisade; please report it)".into()))),
        },
    };
    let stopped = result == Err(CheckFail::from(net::NetError::Cancelled));
    let (state, detail) = match result {
        Ok(()) if let Some(missed) = ctx.crawl_shortfall() => {
            (CoverageState::Errored, Some(missed))
        }
        // Requests of its own that failed: the check did not look at everything (its findings still stand).
        Ok(()) if let Some(missed) = tally.shortfall() => (CoverageState::Errored, Some(missed)),
        Ok(()) if ctx.found() > 0 => (CoverageState::Found, ctx.noted()),
        Ok(()) => (CoverageState::Passed, ctx.noted()),
        Err(CheckFail::Skipped(why)) => (CoverageState::Skipped, Some(why)),
        Err(CheckFail::Errored(why)) => (CoverageState::Errored, Some(why)),
    };
    if state == CoverageState::Errored {
        tracing::debug!(
            check = ctx.check.id,
            error = detail.as_deref().unwrap_or(""),
            "check errored"
        );
    }
    let coverage = Coverage {
        target_id: ctx.target_id.clone(),
        check_id: ctx.check.id.to_string(),
        state,
        detail,
        findings: ctx.found(),
        duration_ms: started.elapsed().as_millis() as u64,
    };
    let _ = ctx
        .scan
        .events
        .send(EngineEvent::CheckDone(ctx.index, coverage))
        .await;
    stopped
}
