//! Attack chains: for each target and each rule of [`super::rules`], the findings of both halves, linked by
//! fingerprint. Deterministic: findings are taken worst first with a total order, and chains are sorted by
//! severity, then rule order, then host.

use super::rules::{RULES, Rule};
use crate::model::{Finding, Severity};
use crate::report::ReportData;

/// Findings of each half a chain names at most (the worst ones); the rest are counted.
const MAX_LINKS: usize = 3;

/// Findings that combine into something worse, on one target.
#[derive(Debug, Clone)]
pub struct Chain {
    /// The rule that found it (`repository-and-secret`, ...).
    pub rule: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub host: String,
    pub why: &'static str,
    /// The findings it links: first half, then second half, worst first in each.
    pub links: Vec<Link>,
    /// Findings of either half not listed in `links`.
    pub more: usize,
}

/// One finding of a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub fingerprint: String,
    pub check_id: String,
    pub title: String,
    pub severity: Severity,
}

impl Link {
    fn of(f: &Finding) -> Link {
        Link {
            fingerprint: f.fingerprint.clone(),
            check_id: f.check_id.clone(),
            title: crate::report::one_line(&f.title),
            severity: f.severity,
        }
    }
}

/// Every chain the report's open findings form, worst first.
pub fn find(data: &ReportData) -> Vec<Chain> {
    let findings = data.findings_worst_first();
    let mut chains = Vec::new();
    for t in &data.scan.targets {
        let mine: Vec<&Finding> = findings
            .iter()
            .copied()
            .filter(|f| f.target_id == t.target_id)
            .collect();
        for rule in RULES {
            if let Some(chain) = link(rule, &mine, ReportData::target_name(t)) {
                chains.push(chain);
            }
        }
    }
    let rank = |c: &Chain| RULES.iter().position(|r| r.id == c.rule);
    chains.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| rank(a).cmp(&rank(b)))
            .then_with(|| a.host.cmp(&b.host))
    });
    chains
}

/// The chain `rule` finds among one target's findings (worst first), if both halves are there. A finding that
/// matches both halves counts for the first; the second half then needs another finding.
fn link(rule: &Rule, findings: &[&Finding], host: &str) -> Option<Chain> {
    let first: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| (rule.first.1)(f))
        .collect();
    let second: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| (rule.second.1)(f) && !first.iter().any(|g| g.fingerprint == f.fingerprint))
        .collect();
    if first.is_empty() || second.is_empty() {
        return None;
    }
    let worst = first.iter().chain(&second).map(|f| f.severity).max()?;
    let links: Vec<Link> = first
        .iter()
        .take(MAX_LINKS)
        .chain(second.iter().take(MAX_LINKS))
        .map(|f| Link::of(f))
        .collect();
    Some(Chain {
        rule: rule.id,
        title: rule.title,
        severity: rule.severity.max(worst),
        host: host.to_string(),
        why: rule.why,
        more: first.len() + second.len() - links.len(),
        links,
    })
}
