//! What the database says about one version of one component: the advisories that affect it (one per id), the
//! lowest version that fixes all of them, whether it is end of life, and which of its CVEs are in KEV.

use super::{Advisories, Advisory, Component, Eol, KevEntry, Version};

/// The database's answer for one version of one component.
#[derive(Debug)]
pub struct Verdict<'a> {
    pub component: &'a Component,
    pub version: Version,
    /// The advisories that affect the version, one per id, worst first.
    pub advisories: Vec<&'a Advisory>,
    /// The lowest version free of every advisory above; `None` when one of them has no fixed release.
    pub fixed_in: Option<Version>,
    /// True when `fixed_in` is itself end of life.
    pub fix_is_eol: bool,
    pub eol: Option<&'a Eol>,
    /// The KEV entries of the advisories' CVEs.
    pub kev: Vec<&'a KevEntry>,
}

impl Advisories {
    /// What is known about `version` of `component`; `partial` when only its first numbers are known (`Drupal 9`),
    /// in which case only end-of-life rules covering all such versions apply.
    pub fn check(&self, component: &str, version: &Version, partial: bool) -> Option<Verdict<'_>> {
        let component = self.component(component)?;
        let eol = component.eol.iter().find(|e| {
            e.ranges.iter().any(|r| {
                if partial {
                    r.covers_prefix(version)
                } else {
                    r.contains(version)
                }
            })
        });
        let mut advisories: Vec<&Advisory> = Vec::new();
        if !partial {
            for a in component.advisories.iter().filter(|a| a.affects(version)) {
                if !advisories.iter().any(|seen| same_advisory(seen, a)) {
                    advisories.push(a);
                }
            }
        }
        advisories.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.ids.cmp(&b.ids)));
        let fixed_in = lowest_fix(component, version, &advisories);
        let fix_is_eol = fixed_in.as_ref().is_some_and(|f| {
            component
                .eol
                .iter()
                .any(|e| e.ranges.iter().any(|r| r.contains(f)))
        });
        let mut kev: Vec<&KevEntry> = Vec::new();
        for a in &advisories {
            for id in &a.ids {
                if let Some(k) = self.kev(id)
                    && !kev.contains(&k)
                {
                    kev.push(k);
                }
            }
        }
        Some(Verdict {
            component,
            version: version.clone(),
            advisories,
            fixed_in,
            fix_is_eol,
            eol,
            kev,
        })
    }
}

/// Two advisories are the same when they share an id, or (without ids) have the same summary.
fn same_advisory(a: &Advisory, b: &Advisory) -> bool {
    let shared = a
        .public_ids()
        .any(|id| b.public_ids().any(|other| other == id));
    let no_ids = a.public_ids().next().is_none() && b.public_ids().next().is_none();
    shared || (no_ids && a.summary.eq_ignore_ascii_case(&b.summary))
}

/// The fixed end of the range of `a` that holds `v`: `Some(None)` when that range has no fixed release.
fn fix_for(a: &Advisory, v: &Version) -> Option<Option<Version>> {
    a.ranges
        .iter()
        .find(|r| r.contains(v))
        .map(|r| r.fixed.clone().filter(|f| !f.is_placeholder()))
}

/// The lowest version that none of the component's advisories affect, reached from `version` by taking the fixed
/// releases of what affects it and then of what affects that fix, until nothing does.
fn lowest_fix(component: &Component, version: &Version, hits: &[&Advisory]) -> Option<Version> {
    if hits.is_empty() {
        return None;
    }
    let mut candidate = version.clone();
    let mut affecting: Vec<&Advisory> = hits.to_vec();
    for _ in 0..16 {
        let mut next: Option<Version> = None;
        for a in &affecting {
            let fix = fix_for(a, &candidate)??;
            if next.as_ref().is_none_or(|n| &fix > n) {
                next = Some(fix);
            }
        }
        candidate = next?;
        affecting = component
            .advisories
            .iter()
            .filter(|a| a.affects(&candidate))
            .collect();
        if affecting.is_empty() {
            return Some(candidate);
        }
    }
    None
}
