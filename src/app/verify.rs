//! Verifying fixes: re-run only the checks behind some findings of a scan, as a new scan linked to it, and say for
//! each finding whether it is fixed, still open, or could not be checked.

use super::{App, AppError, ScanHandle, ScanRequest};
use crate::engine::registry;
use crate::model::{CoverageState, Finding, FindingStatus, Scan, Severity};
use crate::store::FindingFilter;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// What became of one finding in a verification scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The check ran to its end and did not find it again.
    Fixed,
    /// The check found it again.
    StillOpen,
    /// The check did not complete (the site was down, the check errored, or the scan was stopped).
    Unknown,
}

/// One finding of the original scan and its verdict.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Verification {
    pub fingerprint: String,
    pub check_id: String,
    pub severity: Severity,
    pub title: String,
    pub location: String,
    pub target_url: String,
    pub verdict: Verdict,
    /// Why the verdict is unknown.
    pub detail: Option<String>,
}

impl App {
    /// Starts a scan that re-runs only the checks behind `fingerprints` of `scan_id` (all its open findings when
    /// `None`) on the targets where they were found.
    pub async fn verify_fixes(
        &self,
        org: &str,
        scan_id: &str,
        fingerprints: Option<&[String]>,
    ) -> Result<ScanHandle, AppError> {
        let scan = self.get_scan(org, scan_id).await?;
        if !scan.status.is_terminal() {
            return Err(AppError::Conflict(format!(
                "scan {scan_id} is still running; verify its findings once it has ended"
            )));
        }
        let findings = self.findings_to_verify(&scan, fingerprints).await?;
        let mut checks: Vec<String> = Vec::new();
        let mut targets: Vec<String> = Vec::new();
        let mut templates = crate::templates::Selection::default();
        for f in &findings {
            if let Some(id) = f.check_id.strip_prefix("templates.")
                && !templates.ids.iter().any(|t| t == id)
            {
                templates.ids.push(id.to_string());
            }
            if let Some(check) = registry::check_for_rule(&f.check_id)
                && !checks.iter().any(|c| c == check.id)
            {
                checks.push(check.id.to_string());
            }
            if let Some(t) = scan.targets.iter().find(|t| t.target_id == f.target_id)
                && !targets.contains(&t.url)
            {
                targets.push(t.url.clone());
            }
        }
        let request = ScanRequest {
            targets,
            profile: Some(scan.profile),
            checks: Some(checks),
            verify_of: Some(scan.id.clone()),
            exclusive: false,
            templates,
            asked: fingerprints.map(<[String]>::to_vec),
        };
        self.start_scan(org, request).await
    }

    async fn findings_to_verify(
        &self,
        scan: &Scan,
        fingerprints: Option<&[String]>,
    ) -> Result<Vec<Finding>, AppError> {
        let filter = FindingFilter {
            fingerprints: fingerprints.map(<[String]>::to_vec),
            ..Default::default()
        };
        let (found, _) = self
            .inner
            .store
            .list_findings(&scan.id, &filter, u32::MAX, 0)
            .await?;
        if let Some(asked) = fingerprints {
            let known: HashSet<&str> = found.iter().map(|f| f.fingerprint.as_str()).collect();
            let unknown: Vec<&str> = asked
                .iter()
                .map(String::as_str)
                .filter(|fp| !known.contains(fp))
                .collect();
            if !unknown.is_empty() {
                return Err(AppError::Invalid(format!(
                    "scan {} has no open finding with fingerprint {}; get_findings lists them",
                    scan.id,
                    unknown.join(", ")
                )));
            }
        }
        if found.is_empty() {
            return Err(AppError::Invalid(format!(
                "scan {} has no open findings to verify",
                scan.id
            )));
        }
        Ok(found)
    }

    /// The verdicts of a verification scan: for each finding of the original scan whose check it ran (only
    /// `fingerprints` when given), fixed, still open, or unknown.
    pub async fn verification(
        &self,
        org: &str,
        verification_id: &str,
        fingerprints: Option<&[String]>,
    ) -> Result<Vec<Verification>, AppError> {
        let verification = self.get_scan(org, verification_id).await?;
        let Some(original_id) = verification.verify_of.clone() else {
            return Err(AppError::Invalid(format!(
                "scan {verification_id} is not a verification scan"
            )));
        };
        let original = self.get_scan(org, &original_id).await?;
        let filter = FindingFilter {
            fingerprints: fingerprints.map(<[String]>::to_vec),
            ..Default::default()
        };
        let (originals, _) = self
            .inner
            .store
            .list_findings(&original_id, &filter, u32::MAX, 0)
            .await?;
        let (again, _) = self
            .inner
            .store
            .list_findings(verification_id, &FindingFilter::default(), u32::MAX, 0)
            .await?;
        let coverage = self.inner.store.list_coverage(verification_id).await?;
        let url_of: HashMap<&str, &str> = original
            .targets
            .iter()
            .map(|t| (t.target_id.as_str(), t.url.as_str()))
            .collect();
        let mut out = Vec::new();
        for f in originals {
            let url = url_of
                .get(f.target_id.as_str())
                .copied()
                .unwrap_or_default();
            let Some(target) = verification.targets.iter().find(|t| t.url == url) else {
                continue;
            };
            let Some(check) = registry::check_for_rule(&f.check_id) else {
                continue;
            };
            let Some(ran) = coverage
                .iter()
                .find(|c| c.target_id == target.target_id && c.check_id == check.id)
            else {
                continue;
            };
            let found_again = again.iter().any(|g| {
                g.target_id == target.target_id
                    && g.fingerprint == f.fingerprint
                    && g.status != FindingStatus::Fixed
            });
            let completed = matches!(ran.state, CoverageState::Passed | CoverageState::Found)
                && target.error.is_none();
            let (verdict, detail) = match (found_again, completed) {
                (true, _) => (Verdict::StillOpen, None),
                (false, true) => (Verdict::Fixed, None),
                (false, false) => (
                    Verdict::Unknown,
                    target.error.clone().or(ran.detail.clone()),
                ),
            };
            out.push(Verification {
                fingerprint: f.fingerprint,
                check_id: f.check_id,
                severity: f.severity,
                title: f.title,
                location: f.location,
                target_url: url.to_string(),
                verdict,
                detail,
            });
        }
        Ok(out)
    }
}
