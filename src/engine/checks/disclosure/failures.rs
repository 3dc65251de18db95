//! Counting the requests a check sends for one kind of flaw, so that a check that could not look everywhere it
//! meant to ends errored instead of passing.

use crate::engine::net::NetError;
use crate::engine::registry::{CheckFail, CheckResult};

/// The network failures among the requests a check sends to look for one kind of flaw. A check that could not
/// look everywhere it meant to must not pass (the runner would call earlier findings fixed), so any failure ends
/// it errored, after the findings it did make are reported.
pub(crate) struct Failures {
    what: &'static str,
    sent: usize,
    errors: Vec<String>,
}

impl Failures {
    /// Counts requests of one kind (`"probes"`, `"directory requests"`).
    pub(crate) fn new(what: &'static str) -> Failures {
        Failures {
            what,
            sent: 0,
            errors: Vec::new(),
        }
    }

    /// Counts one result, giving back the response; the scan stopping or the host's error budget running out
    /// ends the check at once.
    pub(crate) fn count<T>(&mut self, result: Result<T, NetError>) -> Result<Option<T>, CheckFail> {
        self.sent += 1;
        match result {
            Ok(value) => Ok(Some(value)),
            Err(e @ (NetError::Cancelled | NetError::ErrorBudget(_))) => Err(e.into()),
            Err(e)
                if e.counts_against_host()
                    || matches!(e, NetError::Dns { .. } | NetError::BodyBudget(_)) =>
            {
                self.errors.push(e.to_string());
                Ok(None)
            }
            // The site did answer (a redirect loop, a redirect out of scope): there is nothing to read there.
            Err(_) => Ok(None),
        }
    }

    /// Passed when nothing failed, else errored with how many failed and the most common reason:
    /// `3 of 40 probes failed: no response within 1s`.
    pub(crate) fn result(self) -> CheckResult {
        let Some(first) = self.errors.first() else {
            return Ok(());
        };
        let count = |e: &String| self.errors.iter().filter(|x| *x == e).count();
        let common = self.errors.iter().fold(
            first,
            |best, e| if count(e) > count(best) { e } else { best },
        );
        Err(CheckFail::Errored(format!(
            "{} of {} {} failed: {common}",
            self.errors.len(),
            self.sent,
            self.what
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_failed_request_fails_the_check_with_a_count() {
        let timeout = || NetError::Timeout(std::time::Duration::from_secs(1));
        let mut f = Failures::new("probes");
        assert_eq!(f.count(Ok::<_, NetError>(1)), Ok(Some(1)));
        assert_eq!(f.count::<u8>(Err(timeout())), Ok(None));
        assert_eq!(f.count::<u8>(Err(NetError::Protocol("x".into()))), Ok(None));
        assert_eq!(f.count::<u8>(Err(timeout())), Ok(None));
        assert_eq!(
            f.count::<u8>(Err(NetError::RedirectLoop("/a".into()))),
            Ok(None)
        );
        assert_eq!(
            f.result(),
            Err(CheckFail::Errored(
                "3 of 5 probes failed: no response within 1s".into()
            ))
        );
        assert_eq!(Failures::new("probes").result(), Ok(()));
        assert!(matches!(
            Failures::new("probes").count::<u8>(Err(NetError::Cancelled)),
            Err(CheckFail::Skipped(_))
        ));
    }
}
