//! Cooperative loops: a loop over what a site sent (thousands of links, scripts or matches) gives the runtime a turn
//! every few milliseconds, so that the scan's time budget and cancellation can stop it between two items.

use std::time::{Duration, Instant};

/// Time a loop may run between two turns given to the runtime.
const SLICE: Duration = Duration::from_millis(5);

/// Measures a loop's run and yields to the runtime once it has run for [`SLICE`].
#[derive(Debug)]
pub struct Pace(Instant);

impl Default for Pace {
    fn default() -> Pace {
        Pace::new()
    }
}

impl Pace {
    /// Starts measuring.
    pub fn new() -> Pace {
        Pace(Instant::now())
    }

    /// Called between two items: after [`SLICE`] of work, lets other tasks (the budget's timer, cancellation) run.
    pub async fn tick(&mut self) {
        if self.0.elapsed() >= SLICE {
            tokio::task::yield_now().await;
            self.0 = Instant::now();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_busy_loop_that_ticks_lets_a_cancelled_select_end_it() {
        let token = tokio_util::sync::CancellationToken::new();
        let cancel = token.clone();
        let busy = async {
            let mut pace = Pace::new();
            let mut n = 0u64;
            loop {
                n = n.wrapping_add(1);
                if n == 1_000 {
                    cancel.cancel();
                }
                pace.tick().await;
            }
        };
        tokio::select! {
            biased;
            _ = token.cancelled() => {}
            _ = busy => unreachable!("the loop never ends by itself"),
        }
    }
}
