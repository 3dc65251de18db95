//! Paused tokio time that moves only when a test moves it. Tokio's auto-advance would jump to the next timer
//! whenever the runtime waits on SQLite's threads (firing the connection pool's timeouts), so a blocking task held
//! for the test's length turns it off; the test then advances to each instant a background worker (the scheduler,
//! the webhook delivery worker) says it sleeps until, and lets it work.

use chrono::{DateTime, Utc};
use palisade::scheduler::clock::Clock;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// Keeps tokio from advancing paused time by itself while it lives.
pub struct Frozen {
    _release: std::sync::mpsc::Sender<()>,
}

pub fn freeze() -> Frozen {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    tokio::task::spawn_blocking(move || {
        let _ = rx.recv();
    });
    Frozen { _release: tx }
}

/// Moves time forward by `hours` of `clock`, stopping at each instant the worker behind `sleeping` sleeps until and
/// waiting until it has worked and sleeps again.
pub async fn run_for(sleeping: &mut watch::Receiver<Option<Instant>>, clock: Clock, hours: f64) {
    run_settled(sleeping, clock, hours, None).await
}

/// As [`run_for`], and after each time the worker worked, waits (in real time) until the scans running in `app`
/// have ended: a scan of a closed port ends at once in paused time, but on a slow machine not before the next
/// slot unless it is waited for.
pub async fn run_settled(
    sleeping: &mut watch::Receiver<Option<Instant>>,
    clock: Clock,
    hours: f64,
    app: Option<&palisade::app::App>,
) {
    let until: DateTime<Utc> =
        clock.now() + chrono::Duration::milliseconds((hours * 3_600_000.0) as i64);
    loop {
        let deadline = sleeping
            .wait_for(|d| d.is_some())
            .await
            .expect("worker alive")
            .expect("sleeping");
        let left = (until - clock.now()).to_std().unwrap_or(Duration::ZERO);
        if left.is_zero() {
            return;
        }
        let now = Instant::now();
        if deadline <= now + left {
            tokio::time::advance(deadline.saturating_duration_since(now)).await;
            sleeping
                .wait_for(|d| *d != Some(deadline))
                .await
                .expect("worker alive");
            if let Some(app) = app {
                app.running_ended().await;
            }
        } else {
            tokio::time::advance(left).await;
            return;
        }
    }
}
