//! The delivery worker inside `palisade serve`: sends the webhook deliveries that are due, then sleeps until the
//! next one is (or new ones are stored, or a minute passed).

use crate::app::App;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Longest the worker sleeps without looking at the store.
const MAX_SLEEP: Duration = Duration::from_secs(60);
const RETRY: Duration = Duration::from_secs(5);

/// A running delivery worker.
pub struct Worker {
    pub task: tokio::task::JoinHandle<()>,
    /// While it sleeps: until when (tokio time); `None` while it works.
    pub sleeping: watch::Receiver<Option<Instant>>,
}

async fn run(app: App, stop: CancellationToken, sleeping: watch::Sender<Option<Instant>>) {
    let changed = app.deliveries_changed();
    loop {
        let now = app.clock().now();
        let sleep = match app.deliver_due(now).await {
            Ok(next) => next
                .map(|due| (due - now).to_std().unwrap_or(Duration::ZERO))
                .map_or(MAX_SLEEP, |d| d.min(MAX_SLEEP)),
            Err(e) => {
                tracing::warn!(error = %e, "webhook deliveries could not be read; retrying");
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

/// Starts the worker in the background; cancel `stop` to end it.
pub fn spawn(app: App, stop: CancellationToken) -> Worker {
    let (tx, rx) = watch::channel(None);
    Worker {
        task: tokio::spawn(run(app, stop, tx)),
        sleeping: rx,
    }
}
