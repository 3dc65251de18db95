//! The scheduler inside `palisade serve`: wakes when the next schedule is due (or a schedule changed, or a
//! minute passed), asks the App to start the due runs, and sleeps again. Beside it, the webhook delivery worker
//! and what it sends with (signatures, email).

pub mod cadence;
pub mod clock;
pub mod deliveries;
pub mod mailer;
pub mod signing;
pub mod worker;

use crate::app::App;
use tokio_util::sync::CancellationToken;
pub use worker::Worker;

/// Starts the scheduler in the background; cancel `stop` to end it.
pub fn spawn(app: App, stop: CancellationToken) -> Worker {
    let max_sleep = std::time::Duration::from_secs(60);
    worker::spawn(
        "scheduler",
        max_sleep,
        app.schedules_changed(),
        stop,
        move || {
            let app = app.clone();
            async move {
                let now = app.clock().now();
                let step = app.run_due_schedules(now).await?;
                Ok(step.next_due.map(|due| worker::until(now, due)))
            }
        },
    )
}
