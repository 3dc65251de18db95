//! What one check's own requests came to: how many it sent and which got no usable answer (refused by the scope
//! guard, timed out, broken, cut by a budget). A check that returns without a complaint although some of its
//! requests failed did not look at everything it was meant to, so the runner records it `errored` with the count
//! and the first reason, never `passed`: "0 findings" must not hide "nothing was read".
//!
//! The tally lives in a task-local set by the runner around each check, so every request a check makes through its
//! host (`HostCtx::request`, `tls_handshake`, and cached pages and probes it reads) is counted without threading a
//! handle through every call. A request whose failure is itself the answer (a port that is closed on purpose) runs
//! inside [`tolerated`].

use super::net::NetError;
use std::future::Future;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

tokio::task_local! {
    static TALLY: Arc<Tally>;
}

/// One check's requests.
#[derive(Debug, Default)]
pub struct Tally {
    /// The check whose requests these are.
    check: Option<&'static str>,
    sent: AtomicU32,
    failed: AtomicU32,
    first: Mutex<Option<String>>,
}

impl Tally {
    /// The tally of the check `id`.
    pub fn of(id: &'static str) -> Tally {
        Tally {
            check: Some(id),
            ..Tally::default()
        }
    }

    /// "2 of 14 requests failed: no response within 5s", when any failed.
    pub fn shortfall(&self) -> Option<String> {
        let failed = self.failed.load(Ordering::Relaxed);
        if failed == 0 {
            return None;
        }
        let sent = self.sent.load(Ordering::Relaxed).max(failed);
        let first = self.first.lock().expect("tally lock").clone();
        Some(format!(
            "{failed} of {sent} requests failed: {}",
            first.unwrap_or_default()
        ))
    }

    fn note<T>(&self, result: &Result<T, NetError>) {
        match result {
            Err(NetError::Cancelled) => {}
            Err(e) => {
                self.sent.fetch_add(1, Ordering::Relaxed);
                self.failed.fetch_add(1, Ordering::Relaxed);
                self.first
                    .lock()
                    .expect("tally lock")
                    .get_or_insert_with(|| e.to_string());
            }
            Ok(_) => {
                self.sent.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// Runs `fut` (a check) counting its requests in `tally`.
pub(super) async fn within<F: Future>(tally: Arc<Tally>, fut: F) -> F::Output {
    TALLY.scope(tally, fut).await
}

/// The check running in this task, if one is (a tolerated request still belongs to it).
pub(super) fn current_check() -> Option<&'static str> {
    TALLY.try_with(|t| t.check).ok().flatten()
}

/// Counts one request's result against the running check, if a check is running.
pub(super) fn note<T>(result: &Result<T, NetError>) {
    let _ = TALLY.try_with(|t| t.note(result));
}

/// Counts a cached result a check read (a page, probe or calibration another check may have fetched first), unless
/// this read made the request itself (`fresh`), which [`note`] already counted.
pub(super) fn note_cached<T>(fresh: bool, result: &Result<T, NetError>) {
    if !fresh {
        note(result);
    }
}

/// Runs `fut` without counting its failures against the check: for requests whose failure is an answer (a
/// closed port, a name that should not resolve).
pub async fn tolerated<F: Future>(fut: F) -> F::Output {
    let check = current_check();
    TALLY
        .scope(
            Arc::new(Tally {
                check,
                ..Tally::default()
            }),
            fut,
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn failures_are_counted_unless_tolerated() {
        let tally = Arc::new(Tally::default());
        within(tally.clone(), async {
            note(&Ok::<(), NetError>(()));
            note(&Err::<(), _>(NetError::Timeout(Duration::from_secs(5))));
            note(&Err::<(), _>(NetError::Cancelled));
            tolerated(async { note(&Err::<(), _>(NetError::ErrorBudget(3))) }).await;
        })
        .await;
        assert_eq!(
            tally.shortfall().as_deref(),
            Some("1 of 2 requests failed: no response within 5s")
        );
        note(&Err::<(), _>(NetError::ErrorBudget(3)));
        assert_eq!(Tally::default().shortfall(), None);
    }
}
