//! Report services: a stored scan as [`ReportData`] (all of it, or one of its targets), rendered in any report
//! format, for every front end.

use super::{App, AppError};
use crate::model::{FindingStatus, Scan, ScanTarget};
use crate::report::{self, Format, ReportData};
use crate::store::FindingFilter;

/// A rendered report.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    /// Why the report may be missing findings (the scan is still running, was cancelled or failed).
    pub partial: Option<String>,
}

/// The target of `scan` that `wanted` names: its URL (with or without the trailing slash), id, or host when only
/// one target has that host.
pub fn scan_target<'a>(scan: &'a Scan, wanted: &str) -> Result<&'a ScanTarget, AppError> {
    let trimmed = wanted.trim_end_matches('/');
    let exact = |t: &&ScanTarget| {
        t.url == wanted || t.target_id == wanted || t.url.trim_end_matches('/') == trimmed
    };
    if let Some(t) = scan.targets.iter().find(exact) {
        return Ok(t);
    }
    let by_host: Vec<&ScanTarget> = scan.targets.iter().filter(|t| t.host == wanted).collect();
    match by_host[..] {
        [t] => Ok(t),
        [] => Err(AppError::Invalid(format!(
            "scan {} has no target '{wanted}': give the URL, host or target id of one of its targets",
            scan.id
        ))),
        _ => {
            let urls: Vec<&str> = by_host.iter().map(|t| t.url.as_str()).collect();
            Err(AppError::Invalid(format!(
                "target '{wanted}' matches {} targets of the scan ({}): give the URL",
                urls.len(),
                urls.join(", ")
            )))
        }
    }
}

impl App {
    /// Everything a report shows of a scan; only the target with this URL, host or id when `target` is given.
    pub async fn report_data(
        &self,
        org: &str,
        scan_id: &str,
        target: Option<&str>,
    ) -> Result<ReportData, AppError> {
        let mut scan = self.get_scan(org, scan_id).await?;
        if let Some(wanted) = target {
            let id = scan_target(&scan, wanted)?.target_id.clone();
            scan.targets.retain(|t| t.target_id == id);
        }
        // One target: let the store filter; the whole scan: everything.
        let target_id = target.map(|_| scan.targets[0].target_id.clone());
        let open = FindingFilter {
            target_id: target_id.clone(),
            ..Default::default()
        };
        let fixed = FindingFilter {
            target_id: target_id.clone(),
            status: Some(FindingStatus::Fixed),
            ..Default::default()
        };
        let store = &self.inner.store;
        let (findings, _) = store.list_findings(scan_id, &open, u32::MAX, 0).await?;
        let (fixed, _) = store.list_findings(scan_id, &fixed, u32::MAX, 0).await?;
        let mut coverage = store.list_coverage(scan_id).await?;
        if let Some(id) = &target_id {
            coverage.retain(|c| &c.target_id == id);
            scan.counts = scan.targets[0].counts;
        }
        Ok(ReportData {
            scan,
            findings,
            fixed,
            coverage,
            generated_at: crate::time::now(),
        })
    }

    /// A scan's report in `format`.
    pub async fn report(
        &self,
        org: &str,
        scan_id: &str,
        format: Format,
        target: Option<&str>,
    ) -> Result<Rendered, AppError> {
        let data = self.report_data(org, scan_id, target).await?;
        Ok(Rendered {
            bytes: report::render(format, &data),
            partial: data.partial(),
        })
    }

    /// The `SECURITY-FIX.md` of a scan's open findings; only those of one target when `target` is given.
    pub async fn fix_file(
        &self,
        org: &str,
        scan_id: &str,
        target: Option<&str>,
    ) -> Result<String, AppError> {
        let data = self.report_data(org, scan_id, target).await?;
        Ok(report::fix::render(&data))
    }
}
