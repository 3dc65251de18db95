//! What a running scan is doing right now, for whoever shows its progress: the requests sent so far, the check that
//! sent the latest one, and the phase. Every field is an atomic, so a reader (the CLI's progress line, ticking on a
//! timer) never takes a lock the checks contend for.

use super::registry;
use std::sync::atomic::{AtomicU8, AtomicU64, AtomicUsize, Ordering};

/// Where a scan is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Planned, not yet running checks.
    Starting,
    /// Running checks.
    Checking,
    /// Every check is done; findings, coverage and grades are being saved.
    Finishing,
}

impl Phase {
    /// The word shown to people.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Starting => "starting",
            Phase::Checking => "checking",
            Phase::Finishing => "finishing",
        }
    }
}

/// The live counters of one scan, shared by the engine (writer) and listeners (readers).
#[derive(Debug, Default)]
pub struct Live {
    requests: AtomicU64,
    /// Findings kept so far (each fingerprint once per target).
    findings: AtomicU64,
    phase: AtomicU8,
    /// 1 + the registry index of the check that sent the latest request; 0 before any.
    check: AtomicUsize,
}

impl Live {
    /// Requests sent so far (HTTP requests, TLS handshakes and port connections, each counted when it is sent).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Findings kept so far: counted where they are kept, so a listener that fell behind the event stream still
    /// shows the true number.
    pub fn findings(&self) -> u64 {
        self.findings.load(Ordering::Relaxed)
    }

    /// Counts one finding kept.
    pub(crate) fn found(&self) {
        self.findings.fetch_add(1, Ordering::Relaxed);
    }

    /// The check that sent the latest request, if any has.
    pub fn check(&self) -> Option<&'static str> {
        match self.check.load(Ordering::Relaxed) {
            0 => None,
            i => registry::all().get(i - 1).map(|c| c.id),
        }
    }

    /// The scan's phase.
    pub fn phase(&self) -> Phase {
        match self.phase.load(Ordering::Relaxed) {
            0 => Phase::Starting,
            1 => Phase::Checking,
            _ => Phase::Finishing,
        }
    }

    /// Moves the scan to `phase`.
    pub fn set_phase(&self, phase: Phase) {
        self.phase.store(phase as u8, Ordering::Relaxed);
    }

    /// Counts one request sent by the running check (see [`super::tally`], which knows which check runs).
    pub(crate) fn sent(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if let Some(id) = super::tally::current_check()
            && let Some(i) = registry::all().iter().position(|c| c.id == id)
        {
            self.check.store(i + 1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tally::{Tally, within};
    use std::sync::Arc;

    #[tokio::test]
    async fn counts_requests_and_names_the_check_that_sent_the_latest() {
        let live = Live::default();
        assert_eq!((live.requests(), live.check()), (0, None));
        assert_eq!(live.phase(), Phase::Starting);
        live.sent();
        assert_eq!((live.requests(), live.check()), (1, None));
        let id = registry::all()[1].id;
        within(Arc::new(Tally::of(id)), async { live.sent() }).await;
        assert_eq!((live.requests(), live.check()), (2, Some(id)));
        live.set_phase(Phase::Finishing);
        assert_eq!(live.phase(), Phase::Finishing);
    }
}
