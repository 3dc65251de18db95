//! The executive summary every report for people opens with (the fix file, Markdown, HTML and PDF): the grade of
//! each target, the three fixes to make first and why, and the attack chains the findings form together. Computed
//! from the report's data and fix plan alone, so the same findings always give the same summary in the same order;
//! the `security_review` MCP prompt keeps a model-written review for agents.

mod chains;
mod rules;
pub mod text;

pub use chains::{Chain, Link};
pub use rules::{RULES, Rule};

use super::ReportData;
use super::fix::Plan;
use crate::model::{Finding, Severity, SeverityCounts};
use std::cmp::Ordering;

/// How many fixes the summary puts first.
pub const TOP_FIXES: usize = 3;

/// The summary of one report.
#[derive(Debug, Clone)]
pub struct Summary {
    pub grades: Vec<Grade>,
    /// Open findings of the whole report by severity.
    pub counts: SeverityCounts,
    /// The fixes to make first: the worst, known-exploited first within a severity, at most [`TOP_FIXES`].
    pub top: Vec<TopFix>,
    /// Attack chains, worst first.
    pub chains: Vec<Chain>,
}

/// The grade of one target.
#[derive(Debug, Clone)]
pub struct Grade {
    pub host: String,
    /// The risk grade (`A`..`F`); `None` when the target was not graded.
    pub grade: Option<String>,
    pub score: Option<u32>,
    pub counts: SeverityCounts,
}

/// One of the fixes to make first.
#[derive(Debug, Clone)]
pub struct TopFix {
    /// Its number in the plan: `FIX-n`.
    pub n: usize,
    pub title: String,
    pub severity: Severity,
    pub kev: bool,
    /// Why it comes first, in one sentence.
    pub why: String,
    /// The titles of the chains it breaks (it resolves one of their findings), in the chains' order.
    pub breaks: Vec<&'static str>,
}

impl Summary {
    /// The summary of `data`, whose fix plan is `plan`.
    pub fn of(data: &ReportData, plan: &Plan) -> Summary {
        let chains = chains::find(data);
        Summary {
            grades: data
                .scan
                .targets
                .iter()
                .map(|t| Grade {
                    host: ReportData::target_name(t).to_string(),
                    grade: t.risk_grade.clone(),
                    score: t.security_score,
                    counts: t.counts,
                })
                .collect(),
            counts: SeverityCounts::of(&data.findings),
            top: top_fixes(plan, &chains),
            chains,
        }
    }
}

/// The fixes to make first: the plan's first ones, which it orders worst first, known-exploited first within a
/// severity, then by how many findings they resolve.
fn top_fixes(plan: &Plan, chains: &[Chain]) -> Vec<TopFix> {
    plan.fixes
        .iter()
        .take(TOP_FIXES)
        .map(|fix| {
            let mut breaks: Vec<&'static str> = Vec::new();
            for c in chains {
                let linked = c
                    .links
                    .iter()
                    .any(|l| fix.fingerprints.contains(&l.fingerprint));
                if linked && !breaks.contains(&c.title) {
                    breaks.push(c.title);
                }
            }
            TopFix {
                n: fix.n,
                title: fix.title.clone(),
                severity: fix.severity,
                kev: fix.kev,
                why: first_sentence(&fix.why),
                breaks,
            }
        })
        .collect()
}

/// The first sentence of `text` (up to and with its full stop), or all of it.
fn first_sentence(text: &str) -> String {
    let text = text.trim();
    match text.find(". ") {
        Some(end) => text[..=end].to_string(),
        None => text.to_string(),
    }
}

/// The order findings are shown in: worst first, then known-exploited, then by host, check and location (the
/// fingerprint settles the rest), so the same findings always come out in the same order.
pub fn worst_first(a: &Finding, b: &Finding, host: impl Fn(&Finding) -> String) -> Ordering {
    b.severity
        .cmp(&a.severity)
        .then(b.kev.cmp(&a.kev))
        .then_with(|| host(a).cmp(&host(b)))
        .then_with(|| a.check_id.cmp(&b.check_id))
        .then_with(|| a.location.cmp(&b.location))
        .then_with(|| a.fingerprint.cmp(&b.fingerprint))
}

impl ReportData {
    /// The host of the target a finding belongs to (empty when its target is not in the report).
    pub fn host_of(&self, f: &Finding) -> String {
        self.target_of(f)
            .map(|t| ReportData::target_name(t).to_string())
            .unwrap_or_default()
    }

    /// The open findings worst first (see [`worst_first`]).
    pub fn findings_worst_first(&self) -> Vec<&Finding> {
        let mut list: Vec<&Finding> = self.findings.iter().collect();
        list.sort_by(|a, b| worst_first(a, b, |f| self.host_of(f)));
        list
    }

    /// The executive summary of the report.
    pub fn summary(&self, plan: &Plan) -> Summary {
        Summary::of(self, plan)
    }
}

#[cfg(test)]
mod tests;
