//! The tools' input parameters, with the JSON Schema (and its descriptions) the model reads.

use crate::model::{FindingStatus, Profile, Severity};
use schemars::JsonSchema;
use serde::Deserialize;

/// How long a tool call may wait on a scan, at most.
pub const MAX_WAIT_SECONDS: u32 = 40;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AddTargetParams {
    /// URL or host name, e.g. `https://example.com/app` or `example.com` (taken as https://).
    pub url: String,
    /// A short name to show for the target.
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RemoveTargetParams {
    /// The target's id or URL.
    pub target: String,
}

/// Scan depth.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProfileParam {
    /// Seconds: TLS, headers, cookies and CORS on the start page.
    Quick,
    /// Adds a bounded crawl, exposed files, listings, error pages, source maps.
    Standard,
    /// A larger crawl and more exposure paths.
    Deep,
}

impl From<ProfileParam> for Profile {
    fn from(p: ProfileParam) -> Profile {
        match p {
            ProfileParam::Quick => Profile::Quick,
            ProfileParam::Standard => Profile::Standard,
            ProfileParam::Deep => Profile::Deep,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct StartScanParams {
    /// One or more URLs or host names to scan in one scan (at most 50).
    pub targets: Vec<String>,
    /// Scan depth; default `standard`.
    #[serde(default)]
    pub profile: Option<ProfileParam>,
    /// Seconds to wait for the scan to finish before returning (0 to 40, default 20). The scan continues afterwards.
    #[serde(default)]
    #[schemars(range(min = 0, max = 40))]
    pub wait_seconds: Option<u32>,
    /// Also run the detection templates with any of these tags (community ones included), e.g. `["panel", "ai"]`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Never run detection templates with any of these tags.
    #[serde(default)]
    pub exclude_tags: Vec<String>,
    /// Also run the detection templates with these ids (`*` matches any text), e.g. `["jupyter-*"]`.
    #[serde(default)]
    pub template_ids: Vec<String>,
    /// Run only detection templates of these severities.
    #[serde(default)]
    pub severities: Vec<SeverityParam>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ScanIdParams {
    /// The scan id returned by `start_scan` or `list_scans`.
    pub scan_id: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetScanParams {
    /// The scan id returned by `start_scan` or `list_scans`.
    pub scan_id: String,
    /// Seconds to wait for the scan to finish first (0 to 40, default 0).
    #[serde(default)]
    #[schemars(range(min = 0, max = 40))]
    pub wait_seconds: Option<u32>,
}

/// A severity floor.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeverityParam {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<SeverityParam> for Severity {
    fn from(s: SeverityParam) -> Severity {
        match s {
            SeverityParam::Info => Severity::Info,
            SeverityParam::Low => Severity::Low,
            SeverityParam::Medium => Severity::Medium,
            SeverityParam::High => Severity::High,
            SeverityParam::Critical => Severity::Critical,
        }
    }
}

/// A finding's status compared with the previous scan.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusParam {
    New,
    Unchanged,
    Fixed,
}

impl From<StatusParam> for FindingStatus {
    fn from(s: StatusParam) -> FindingStatus {
        match s {
            StatusParam::New => FindingStatus::New,
            StatusParam::Unchanged => FindingStatus::Unchanged,
            StatusParam::Fixed => FindingStatus::Fixed,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetFindingsParams {
    /// The scan id.
    pub scan_id: String,
    /// Only findings at or above this severity.
    #[serde(default)]
    pub min_severity: Option<SeverityParam>,
    /// Only this category: tls, headers, disclosure, api, secrets, auth, privacy, ...
    #[serde(default)]
    pub category: Option<String>,
    /// Only this module: tls, headers, disclosure, api, ...
    #[serde(default)]
    pub module: Option<String>,
    /// Only new, unchanged, or fixed (since the previous scan) findings. Default: new and unchanged.
    #[serde(default)]
    pub status: Option<StatusParam>,
    /// Only findings of this target (its URL or id).
    #[serde(default)]
    pub target: Option<String>,
    /// Findings per page (default 25, at most 100).
    #[serde(default)]
    #[schemars(range(min = 1, max = 100))]
    pub limit: Option<u32>,
    /// Findings to skip (use `next_offset` of the previous page).
    #[serde(default)]
    pub offset: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetFixFileParams {
    /// The scan id.
    pub scan_id: String,
    /// Only this target of the scan (URL, host or id).
    #[serde(default)]
    pub target: Option<String>,
    /// Only fixes at or above this severity.
    #[serde(default)]
    pub severity: Option<SeverityParam>,
    /// Only these fixes, by id (`FIX-2`).
    #[serde(default)]
    pub fix_ids: Vec<String>,
    /// The `next_cursor` of the previous page, for the fixes after it.
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListScansParams {
    /// How many recent scans (default 10, at most 50).
    #[serde(default)]
    #[schemars(range(min = 1, max = 50))]
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct VerifyFixesParams {
    /// The scan whose findings were fixed.
    pub scan_id: String,
    /// Fingerprints of the findings to re-check; all open findings of the scan when omitted.
    #[serde(default)]
    pub fingerprints: Option<Vec<String>>,
    /// Seconds to wait for the verification to finish (0 to 40, default 20).
    #[serde(default)]
    #[schemars(range(min = 0, max = 40))]
    pub wait_seconds: Option<u32>,
}

/// The wait a caller asked for, within 0..=40 seconds.
pub fn wait_seconds(asked: Option<u32>, default: u32) -> u32 {
    asked.unwrap_or(default).min(MAX_WAIT_SECONDS)
}

/// What `schedule_scan` does.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ScheduleOperation {
    /// Schedule a recurring scan of `targets` on `cadence`.
    #[default]
    Create,
    /// List the schedules.
    List,
    /// Delete the schedule `schedule_id`.
    Delete,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ScheduleScanParams {
    /// `create` (default), `list` or `delete`.
    #[serde(default)]
    pub operation: ScheduleOperation,
    /// For create: the URLs or host names scanned together at each run.
    #[serde(default)]
    pub targets: Option<Vec<String>>,
    /// For create: `hourly`, `every-12hours`, `daily`, `weekly-monday`, or five cron fields such as `30 9 * * 1-5`.
    #[serde(default)]
    pub cadence: Option<String>,
    /// For create: the IANA time zone the cadence is read in (default `UTC`), e.g. `Europe/Berlin`.
    #[serde(default)]
    pub timezone: Option<String>,
    /// For create: scan depth (default `standard`).
    #[serde(default)]
    pub profile: Option<ProfileParam>,
    /// For delete: the schedule's id (from create or list).
    #[serde(default)]
    pub schedule_id: Option<String>,
}
