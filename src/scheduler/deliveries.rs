//! The delivery worker inside `palisade serve`: sends the webhook deliveries that are due, then sleeps until the
//! next one is (or new ones are stored, or 15 seconds passed: deliveries another process stored, such as a
//! `palisade scan` on the same database, go out within that).

use super::worker::{self, Worker};
use crate::app::App;
use tokio_util::sync::CancellationToken;

/// Starts the worker in the background; cancel `stop` to end it.
pub fn spawn(app: App, stop: CancellationToken) -> Worker {
    let max_sleep = std::time::Duration::from_secs(15);
    worker::spawn(
        "deliveries",
        max_sleep,
        app.deliveries_changed(),
        stop,
        move || {
            let app = app.clone();
            async move {
                let now = app.clock().now();
                let next = app.deliver_due(now).await?;
                Ok(next.map(|due| worker::until(now, due)))
            }
        },
    )
}
