//! Report services: the fix file of a scan (or of one of its targets).

use super::{App, AppError};
use crate::store::FindingFilter;

impl App {
    /// The `SECURITY-FIX.md` of a scan's open findings; only those of the target with this URL or id when given.
    pub async fn fix_file(
        &self,
        org: &str,
        scan_id: &str,
        target: Option<&str>,
    ) -> Result<String, AppError> {
        let mut scan = self.get_scan(org, scan_id).await?;
        if let Some(wanted) = target {
            scan.targets
                .retain(|t| t.url == wanted || t.target_id == wanted || t.host == wanted);
            if scan.targets.is_empty() {
                return Err(AppError::NotFound {
                    kind: "target",
                    id: wanted.to_string(),
                    hint: "give the URL, host or target id of one of the scan's targets",
                });
            }
        }
        let (mut findings, _) = self
            .inner
            .store
            .list_findings(scan_id, &FindingFilter::default(), u32::MAX, 0)
            .await?;
        findings.retain(|f| scan.targets.iter().any(|t| t.target_id == f.target_id));
        Ok(crate::report::fix::render(&scan, &findings))
    }
}
