//! Coverage problems grouped the way people read them: one line per target, state and reason with the checks that
//! share it (an unreachable host is one problem, not one per check). The CLI and MCP views both use it.

use super::{Coverage, CoverageState};
use std::collections::HashMap;

/// Errored or skipped checks of one target that share a state and a reason.
pub struct ProblemGroup<'a> {
    pub target_id: &'a str,
    pub state: CoverageState,
    pub detail: &'a str,
    pub checks: Vec<&'a str>,
}

/// Groups errored and skipped coverage by target, state and reason, in the order they first appear.
pub fn problem_groups(coverage: &[Coverage]) -> Vec<ProblemGroup<'_>> {
    let mut groups: Vec<ProblemGroup> = Vec::new();
    let mut index: HashMap<(&str, CoverageState, &str), usize> = HashMap::new();
    for c in coverage
        .iter()
        .filter(|c| matches!(c.state, CoverageState::Errored | CoverageState::Skipped))
    {
        let detail = c.detail.as_deref().unwrap_or("");
        let key = (c.target_id.as_str(), c.state, detail);
        let i = *index.entry(key).or_insert_with(|| {
            groups.push(ProblemGroup {
                target_id: key.0,
                state: key.1,
                detail,
                checks: Vec::new(),
            });
            groups.len() - 1
        });
        groups[i].checks.push(&c.check_id);
    }
    for g in &mut groups {
        g.checks.sort_unstable();
    }
    groups
}
