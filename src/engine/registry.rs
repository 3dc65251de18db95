//! The check registry: every check with its id, module, profile and the finding rules it can report.

use super::checks;
use super::context::CheckCtx;
use super::net::NetError;
use crate::model::{Category, Module, Profile, Severity};
use futures::future::BoxFuture;
use std::sync::LazyLock;

/// One kind of finding a check can report, with the words a user reads.
#[derive(Debug)]
pub struct Rule {
    /// The finding's `check_id`, e.g. `tls.cert-expired`.
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub title: &'static str,
    pub description: &'static str,
    pub remediation: &'static str,
    pub references: &'static [&'static str],
    pub cwe: Option<u32>,
}

/// Why a check did not complete.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckFail {
    /// The check does not apply here, or the scan stopped before it ran; the reason says which.
    Skipped(String),
    /// The check tried and could not finish; the error says why.
    Errored(String),
}

/// The skip reason of a check the scan's end (cancellation or time budget) cut short.
pub const STOPPED: &str = "the scan stopped before this check finished";

impl From<NetError> for CheckFail {
    fn from(e: NetError) -> CheckFail {
        match e {
            NetError::Cancelled => CheckFail::Skipped(STOPPED.into()),
            NetError::ErrorBudget(n) => CheckFail::Skipped(format!(
                "the host failed {n} requests, so its remaining checks were skipped"
            )),
            other => CheckFail::Errored(other.to_string()),
        }
    }
}

/// What running a check returns; findings go out through the context as they are found.
pub type CheckResult = Result<(), CheckFail>;

/// A check: a small unit of the engine that reads a target and reports findings.
pub struct Check {
    /// Stable id, `module.name`, e.g. `tls.certificate`.
    pub id: &'static str,
    pub module: Module,
    /// The lowest profile that runs it.
    pub profile: Profile,
    /// One line saying what it looks at.
    pub summary: &'static str,
    /// The findings it can report.
    pub rules: &'static [&'static Rule],
    pub run: for<'a> fn(&'a CheckCtx) -> BoxFuture<'a, CheckResult>,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Check")
            .field("id", &self.id)
            .field("profile", &self.profile)
            .finish()
    }
}

static ALL: LazyLock<Vec<&'static Check>> = LazyLock::new(|| {
    let all: Vec<&'static Check> = checks::ALL
        .iter()
        .flat_map(|module| module.iter())
        .collect();
    let mut ids = std::collections::HashSet::new();
    for check in &all {
        assert!(ids.insert(check.id), "duplicate check id {}", check.id);
        for rule in check.rules {
            assert!(ids.insert(rule.id), "duplicate rule id {}", rule.id);
        }
    }
    all
});

/// Every registered check.
pub fn all() -> &'static [&'static Check] {
    &ALL
}

/// The checks a profile runs, in registry order.
pub fn plan(profile: Profile) -> Vec<&'static Check> {
    ALL.iter()
        .copied()
        .filter(|c| c.profile <= profile)
        .collect()
}

/// The check that reports findings with this rule id.
pub fn check_for_rule(rule_id: &str) -> Option<&'static Check> {
    if rule_id.starts_with("templates.") {
        // Every template's findings come from the one check that runs templates.
        return check("templates.run");
    }
    ALL.iter()
        .copied()
        .find(|c| c.rules.iter().any(|r| r.id == rule_id))
}

/// A check by id.
pub fn check(id: &str) -> Option<&'static Check> {
    ALL.iter().copied().find(|c| c.id == id)
}

/// A rule by id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    ALL.iter()
        .flat_map(|c| c.rules.iter().copied())
        .find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_named_for_their_module() {
        for check in all() {
            assert!(
                check.id.starts_with(&format!("{}.", check.module)),
                "{} is not in {}",
                check.id,
                check.module
            );
            assert!(!check.rules.is_empty(), "{} reports nothing", check.id);
            for rule in check.rules {
                assert!(rule.id.contains('.'), "{}", rule.id);
                assert!(
                    !rule.remediation.is_empty() && !rule.description.is_empty(),
                    "{} lacks words",
                    rule.id
                );
            }
        }
    }

    #[test]
    fn profiles_nest() {
        let quick = plan(Profile::Quick).len();
        let standard = plan(Profile::Standard).len();
        let deep = plan(Profile::Deep).len();
        assert!(
            quick > 0 && quick < standard && standard <= deep,
            "{quick} {standard} {deep}"
        );
    }
}
