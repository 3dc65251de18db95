//! The scheduler inside `palisade serve`: wakes when the next schedule is due (or a schedule changed, or a
//! minute passed), asks the App to start the due runs, and sleeps again.

pub mod cadence;
pub mod clock;
pub mod deliveries;
pub mod signing;

use crate::app::App;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Longest the scheduler sleeps without looking at the store (schedules changed by another process show up).
pub const MAX_SLEEP: Duration = Duration::from_secs(60);
/// Wait after a store error before trying again.
const RETRY: Duration = Duration::from_secs(5);

/// A running scheduler.
pub struct Scheduler {
    pub task: tokio::task::JoinHandle<()>,
    /// While it sleeps: until when (tokio time). `None` while it works. Logs and tests read it.
    pub sleeping: watch::Receiver<Option<Instant>>,
}

/// Runs the scheduler until `stop` is cancelled, saying in `sleeping` when it sleeps and until when.
pub async fn run(app: App, stop: CancellationToken, sleeping: watch::Sender<Option<Instant>>) {
    let changed = app.schedules_changed();
    loop {
        let now = app.clock().now();
        let sleep = match app.run_due_schedules(now).await {
            Ok(step) => step
                .next_due
                .map(|due| (due - now).to_std().unwrap_or(Duration::ZERO))
                .map_or(MAX_SLEEP, |d| d.min(MAX_SLEEP)),
            Err(e) => {
                tracing::warn!(error = %e, "scheduler could not read its schedules; retrying");
                RETRY
            }
        };
        let deadline = Instant::now() + sleep;
        sleeping.send_replace(Some(deadline));
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = changed.notified() => {}
            _ = tokio::time::sleep_until(deadline) => {}
        }
        sleeping.send_replace(None);
    }
}

/// Starts the scheduler in the background; cancel `stop` to end it.
pub fn spawn(app: App, stop: CancellationToken) -> Scheduler {
    let (tx, rx) = watch::channel(None);
    Scheduler {
        task: tokio::spawn(run(app, stop, tx)),
        sleeping: rx,
    }
}
