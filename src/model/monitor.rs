//! Monitors (alert rules) as stored and shown.

use super::Severity;
use serde::{Deserialize, Serialize};

/// The rules a monitor can hold, and the event each raises.
pub const RULES: &[(&str, &str)] = &[
    ("new-finding", "finding.new"),
    ("grade-drop", "score.degraded"),
    ("cert-expiring", "cert.expiring"),
    ("unreachable", "target.unreachable"),
    ("scan-failed", "scan.failed"),
];

/// An alert rule for one target or the whole org.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Monitor {
    pub id: String,
    pub org_id: String,
    /// The target URL it watches; `None` watches every target of the org.
    pub target: Option<String>,
    /// `new-finding`, `grade-drop`, `cert-expiring`, `unreachable` or `scan-failed`.
    pub rule: String,
    /// `new-finding`: the lowest severity that alerts (default `high`).
    pub min_severity: Option<Severity>,
    /// `cert-expiring`: alert when the certificate has at most this many days left (1 to 365, default 14).
    pub days: Option<u32>,
    pub created_at: String,
}
