//! Runs one scan in the background: the engine produces events, the collector turns them into stored findings,
//! coverage and grades, and this module starts both, finishes the scan, and makes sure a scan always ends (a store
//! failure or a bug ends it `failed`, never leaving callers waiting).

use super::App;
use super::baseline::Baseline;
use super::collector::Collector;
use super::scans::{Running, ScanEvent};
use crate::engine::{RunSummary, ScanPlan, Stop};
use crate::model::ScanStatus;
use crate::store::StoreError;
use futures::FutureExt;
use std::sync::Arc;
use tokio::sync::mpsc;

pub(super) async fn run(app: App, plan: ScanPlan, baselines: Vec<Baseline>, running: Arc<Running>) {
    let scan_id = plan.scan_id.clone();
    let outcome = std::panic::AssertUnwindSafe(run_inner(&app, plan, baselines, running.clone()))
        .catch_unwind()
        .await;
    let failure = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(format!("the scan could not be saved: {e}")),
        Err(_) => {
            Some("palisade failed while running this scan (a bug; please report it)".to_string())
        }
    };
    if let Some(msg) = failure {
        tracing::error!("scan {scan_id}: {msg}");
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
    if let Err(e) = app.inner.store.finish_schedule_run(&scan_id).await {
        tracing::warn!(scan = %scan_id, error = %e, "the scheduled run of the scan could not be updated");
    }
    // Webhook deliveries are stored before `done`, so whoever waits for the scan finds them.
    if let Some(org) = app.scan_org(&scan_id).await
        && let Err(e) = app.emit_scan_events(&org, &scan_id).await
    {
        tracing::warn!(scan = %scan_id, error = %e, "webhook events of the scan could not be stored");
    }
    let _ = running.done.send(true);
}

async fn run_inner(
    app: &App,
    plan: ScanPlan,
    baselines: Vec<Baseline>,
    running: Arc<Running>,
) -> Result<(), StoreError> {
    let mut collector = Collector::new(app.clone(), &plan, baselines, running.clone());
    collector.take_over(&app.inner.store).await?;
    let (tx, rx) = mpsc::channel(256);
    let engine = crate::engine::Engine::new(app.inner.net.clone())
        .with_advisories(app.scan_advisories().await);
    let settings = app.inner.config.scan.clone();
    let run = engine.run(plan, settings, running.cancel.clone(), tx, collector.live());
    let (summary, ()): (RunSummary, ()) = tokio::join!(run, collector.collect(rx));
    collector.flush("finishing").await;
    collector.finish_writes().await?;
    collector.record_fixed().await?;
    let (status, error) = match summary.stopped {
        None => (ScanStatus::Completed, None),
        Some(Stop::Cancelled) => (
            ScanStatus::Cancelled,
            Some("cancelled before it finished; the findings it made are kept".to_string()),
        ),
        Some(Stop::Budget(b)) => (
            ScanStatus::Failed,
            Some(format!(
                "time budget of {} s ran out with {} of {} checks finished; the findings it made are kept \
                 (raise --budget)",
                b.as_secs(),
                collector.finished(),
                collector.total()
            )),
        ),
    };
    let store = &app.inner.store;
    store
        .finish_scan(
            collector.scan_id(),
            status,
            error.as_deref(),
            collector.done(),
            summary.requests,
        )
        .await?;
    let _ = running.events.send(ScanEvent::Finished { status });
    Ok(())
}
