//! What each finding of a new scan is compared with: for every check, the findings of the last completed scan in
//! which that check ran properly on the same URL (so a quick scan does not erase what a standard one saw, and a
//! scan of a site that was down changes nothing).

use crate::engine::registry;
use crate::model::Finding;
use crate::store::{FindingFilter, Store, StoreError};
use std::collections::{HashMap, HashSet};

/// The findings a target is compared with.
#[derive(Debug, Default)]
pub(super) struct Baseline {
    /// The newest scan among those compared with (shown as "compared with scan ...").
    pub newest_scan: Option<String>,
    /// Findings by fingerprint.
    pub findings: HashMap<String, Finding>,
}

impl Baseline {
    /// Loads the baseline of `url` in `org` from the stored scans.
    pub async fn load(store: &Store, org: &str, url: &str) -> Result<Baseline, StoreError> {
        let rows = store.check_baselines(org, url).await?;
        let newest_scan = rows.first().map(|(_, scan, _)| scan.clone());
        let mut by_scan: HashMap<(String, String), HashSet<String>> = HashMap::new();
        for (check, scan, target) in rows {
            by_scan.entry((scan, target)).or_default().insert(check);
        }
        let mut findings = HashMap::new();
        for ((scan, target), checks) in by_scan {
            let filter = FindingFilter {
                target_id: Some(target),
                ..Default::default()
            };
            let (list, _) = store.list_findings(&scan, &filter, u32::MAX, 0).await?;
            for f in list {
                let check = registry::check_for_rule(&f.check_id).map(|c| c.id);
                if check.is_some_and(|c| checks.contains(c)) {
                    findings.insert(f.fingerprint.clone(), f);
                }
            }
        }
        Ok(Baseline {
            newest_scan,
            findings,
        })
    }
}
