//! The loop the background workers of `palisade serve` share (the scheduler, the webhook delivery worker): do a
//! step, then sleep until the step says the next work is due (at most `max_sleep`, so changes made by another
//! process show up), until notified of new work, or until stopped; say in `sleeping` when and until when it sleeps.

use crate::app::AppError;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Wait after a failed step before trying again.
const RETRY: Duration = Duration::from_secs(5);

/// A running worker.
pub struct Worker {
    pub task: tokio::task::JoinHandle<()>,
    /// While it sleeps: until when (tokio time); `None` while it works. Logs and tests read it.
    pub sleeping: watch::Receiver<Option<Instant>>,
}

/// Starts `step` in a loop; `step` returns how long until its next work is due (`None`: nothing is pending). The
/// worker looks at the store at least every `max_sleep`.
pub fn spawn<F, Fut>(
    name: &'static str,
    max_sleep: Duration,
    notify: Arc<Notify>,
    stop: CancellationToken,
    mut step: F,
) -> Worker
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = Result<Option<Duration>, AppError>> + Send,
{
    let (tx, rx) = watch::channel(None);
    let task = tokio::spawn(async move {
        loop {
            let sleep = match step().await {
                Ok(next) => next.map_or(max_sleep, |d| d.min(max_sleep)),
                Err(e) => {
                    tracing::warn!(worker = name, error = %e, "step failed; retrying");
                    RETRY
                }
            };
            let deadline = Instant::now() + sleep;
            tx.send_replace(Some(deadline));
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = notify.notified() => {}
                _ = tokio::time::sleep_until(deadline) => {}
            }
            tx.send_replace(None);
        }
    });
    Worker { task, sleeping: rx }
}

/// The time from `now` until `due`, zero if it has passed.
pub fn until(now: chrono::DateTime<chrono::Utc>, due: chrono::DateTime<chrono::Utc>) -> Duration {
    (due - now).to_std().unwrap_or(Duration::ZERO)
}
