//! The delivery worker inside `palisade serve`: sends the webhook deliveries that are due, then sleeps until the
//! next one is (or new ones are stored, or a minute passed).

use super::worker::{self, Worker};
use crate::app::App;
use tokio_util::sync::CancellationToken;

/// Starts the worker in the background; cancel `stop` to end it.
pub fn spawn(app: App, stop: CancellationToken) -> Worker {
    worker::spawn("deliveries", app.deliveries_changed(), stop, move || {
        let app = app.clone();
        async move {
            let now = app.clock().now();
            let next = app.deliver_due(now).await?;
            Ok(next.map(|due| worker::until(now, due)))
        }
    })
}
