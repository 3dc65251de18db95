//! Per-host politeness: requests in flight, request rate (GCRA with a burst of the concurrency), and the error budget.

use super::net::NetError;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;

/// Limits applied to every request to one host.
pub struct HostLimiter {
    permits: Semaphore,
    interval: Duration,
    burst: Duration,
    next: Mutex<Instant>,
    failures: AtomicU32,
    budget: u32,
}

impl HostLimiter {
    /// `rate` requests per second with bursts of up to `concurrency`; `error_budget` failures end the host.
    pub fn new(concurrency: usize, rate: f64, error_budget: u32) -> HostLimiter {
        let interval = Duration::from_secs_f64(1.0 / rate);
        HostLimiter {
            permits: Semaphore::new(concurrency),
            interval,
            burst: interval * (concurrency.saturating_sub(1) as u32),
            next: Mutex::new(Instant::now()),
            failures: AtomicU32::new(0),
            budget: error_budget,
        }
    }

    /// Waits for a request slot: a free permit, then the rate. Fails once the error budget is spent.
    pub async fn acquire(&self) -> Result<SemaphorePermit<'_>, NetError> {
        self.check_budget()?;
        let permit = self
            .permits
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let start = {
            let mut next = self.next.lock().expect("limiter lock");
            let now = Instant::now();
            let theoretical = (*next).max(now);
            *next = theoretical + self.interval;
            theoretical.checked_sub(self.burst).unwrap_or(now).max(now)
        };
        tokio::time::sleep_until(start).await;
        self.check_budget()?;
        Ok(permit)
    }

    fn check_budget(&self) -> Result<(), NetError> {
        let failures = self.failures.load(Ordering::Relaxed);
        if failures >= self.budget {
            Err(NetError::ErrorBudget(failures))
        } else {
            Ok(())
        }
    }

    /// Counts a failed request against the budget if it says something about the host.
    pub fn record(&self, result: &Result<impl Sized, NetError>) {
        if let Err(e) = result
            && e.counts_against_host()
        {
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Failed requests so far.
    pub fn failures(&self) -> u32 {
        self.failures.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn rate_allows_a_burst_then_spaces_requests() {
        let limiter = HostLimiter::new(4, 10.0, 5);
        let start = Instant::now();
        for _ in 0..4 {
            drop(limiter.acquire().await.unwrap());
        }
        assert!(
            start.elapsed() < Duration::from_millis(5),
            "burst of 4 is immediate"
        );
        for _ in 0..10 {
            drop(limiter.acquire().await.unwrap());
        }
        let elapsed = start.elapsed();
        assert!(
            elapsed >= Duration::from_millis(990) && elapsed < Duration::from_millis(1100),
            "{elapsed:?}"
        );
    }

    #[tokio::test]
    async fn error_budget_stops_the_host() {
        let limiter = HostLimiter::new(2, 1000.0, 2);
        let fail: Result<(), NetError> = Err(NetError::Timeout(Duration::from_secs(1)));
        let scope_refusal: Result<(), NetError> = Err(NetError::Cancelled);
        limiter.record(&scope_refusal);
        limiter.record(&fail);
        assert!(limiter.acquire().await.is_ok());
        limiter.record(&fail);
        assert_eq!(
            limiter.acquire().await.unwrap_err(),
            NetError::ErrorBudget(2)
        );
    }
}
