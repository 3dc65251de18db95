//! What `start_scan` and `verify_fixes` answer about a scan (running or ended), shared by the tools and by
//! `tasks/get`, and the request `start_scan` makes of its arguments.

use super::McpServer;
use super::confirm::refused;
use super::params::*;
use super::tools::say;
use super::views::*;
use crate::app::{DEFAULT_ORG, ScanRequest, Verdict};
use crate::store::FindingFilter;
use rmcp::ErrorData as McpError;
use rmcp::handler::server::tool::IntoCallToolResult;
use rmcp::handler::server::wrapper::Json;
use rmcp::model::CallToolResponse;

impl McpServer {
    /// What `start_scan` answers about `scan_id` (running or ended): the scan, its coverage and its worst findings.
    pub(super) async fn start_scan_out(&self, scan_id: &str) -> Result<StartScanOut, String> {
        let scan = self.app.get_scan(DEFAULT_ORG, scan_id).await.map_err(say)?;
        let coverage = self.app.coverage(DEFAULT_ORG, scan_id).await.map_err(say)?;
        let (worst, _) = self
            .app
            .findings(DEFAULT_ORG, scan_id, &FindingFilter::default(), 10, 0)
            .await
            .map_err(say)?;
        Ok(StartScanOut {
            scan: ScanView::new(scan, Some(&coverage)),
            worst_findings: worst.iter().map(FindingView::from).collect(),
            notice: None,
            _untrusted_content_notice: UNTRUSTED,
        })
    }

    /// What `verify_fixes` answers about the verification scan `id` of `original` (running or ended).
    pub(super) async fn verify_out(
        &self,
        id: &str,
        original: String,
        asked: Option<&[String]>,
    ) -> Result<VerifyOut, String> {
        let scan = self.app.get_scan(DEFAULT_ORG, id).await.map_err(say)?;
        let ended = scan.status.is_terminal();
        let verdicts = if ended {
            self.app
                .verification(DEFAULT_ORG, id, asked)
                .await
                .map_err(say)?
        } else {
            Vec::new()
        };
        let count = |v: Verdict| verdicts.iter().filter(|x| x.verdict == v).count() as u32;
        let next = if ended {
            "fixed findings are done; apply the remaining fixes from get_fix_file and verify again"
                .to_string()
        } else {
            format!(
                "call get_scan with scan_id {id} and wait_seconds 20; its verdicts arrive when it completes"
            )
        };
        Ok(VerifyOut {
            fixed: count(Verdict::Fixed),
            still_open: count(Verdict::StillOpen),
            unknown: count(Verdict::Unknown),
            verification_scan_id: id.to_string(),
            original_scan_id: original,
            status: scan.status.to_string(),
            verdicts,
            suggested_poll_interval_ms: (!ended).then_some(2000),
            next,
            _untrusted_content_notice: UNTRUSTED,
        })
    }
}

/// A tool's answer: its structured output, or a tool error with the sentence.
pub(super) fn answer<T: serde::Serialize + schemars::JsonSchema + 'static>(
    out: Result<T, String>,
) -> Result<CallToolResponse, McpError> {
    match out {
        Ok(out) => Json(out).into_call_tool_result(),
        Err(sentence) => Ok(refused(sentence)),
    }
}

/// The scan `start_scan` asks for.
pub(super) fn scan_request(p: StartScanParams) -> Result<ScanRequest, String> {
    if p.targets.len() > 50 {
        return Err("give at most 50 targets per scan; start several scans for more".into());
    }
    Ok(ScanRequest {
        targets: p.targets,
        profile: p.profile.map(Into::into),
        templates: crate::templates::Selection {
            tags: p.tags,
            exclude_tags: p.exclude_tags,
            ids: p.template_ids,
            severities: p.severities.into_iter().map(Into::into).collect(),
        },
        ..Default::default()
    })
}
