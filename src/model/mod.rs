//! The data model shared by the engine, the store and every front end: targets, scans, findings, coverage.

use serde::{Deserialize, Serialize};

/// Declares a string-backed enum with `as_str`, `Display`, `FromStr` and serde as lowercase strings.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The lowercase name used in storage, JSON and the CLI.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let lower = s.trim().to_ascii_lowercase();
                $(if lower == $text { return Ok($name::$variant); })+
                let names: Vec<&str> = vec![$($text),+];
                Err(format!("unknown {} '{}': expected one of {}", stringify!($name).to_ascii_lowercase(), s, names.join(", ")))
            }
        }
    };
}

mod coverage_groups;
mod key;
mod monitor;
mod schedule;
mod site;
mod webhook;
pub use coverage_groups::{ProblemGroup, problem_groups};
pub use key::{ApiKey, Scope};
pub use monitor::{Monitor, RULES};
pub use schedule::{Schedule, ScheduleRun};
pub use site::{CertificateSeen, ContentSources, Signal, SiteProfile, TechKind, Technology};
pub use webhook::{Delivery, EVENTS, Webhook};

string_enum!(
    /// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
    Severity { Info => "info", Low => "low", Medium => "medium", High => "high", Critical => "critical" }
);

string_enum!(
    /// The design's finding categories (what hosted scanners show as the kind of problem).
    Category {
        Secrets => "secrets", Auth => "auth", Baas => "baas", Api => "api", Cloud => "cloud",
        Network => "network", Tls => "tls", Dns => "dns", EdgeInfra => "edge-infra", Privacy => "privacy",
        Disclosure => "disclosure", AiSafety => "ai-safety", Headers => "headers", Components => "components",
    }
);

string_enum!(
    /// The engine module a check belongs to.
    Module {
        Tls => "tls", Headers => "headers", Disclosure => "disclosure", Secrets => "secrets",
        Components => "components", Dns => "dns", Network => "network", Api => "api", AiSurface => "ai-surface",
        Cloud => "cloud", Templates => "templates",
    }
);

string_enum!(
    /// Scan depth. Each profile runs its own checks and every check of the profiles below it.
    Profile { Quick => "quick", Standard => "standard", Deep => "deep" }
);

string_enum!(
    /// Life cycle of a scan.
    ScanStatus {
        Queued => "queued", Running => "running", Completed => "completed", Failed => "failed",
        Cancelled => "cancelled",
    }
);

string_enum!(
    /// A finding compared with the previous completed scan of the same target.
    FindingStatus { New => "new", Unchanged => "unchanged", Fixed => "fixed" }
);

string_enum!(
    /// How sure the check is that the finding is real.
    Confidence { Low => "low", Medium => "medium", High => "high", Confirmed => "confirmed" }
);

string_enum!(
    /// What happened to one check on one target.
    CoverageState {
        Passed => "passed", Found => "found", Errored => "errored", Skipped => "skipped",
    }
);

impl Severity {
    /// A small integer that sorts like the severity (info = 0 … critical = 4).
    pub fn rank(self) -> i64 {
        self as i64
    }

    /// The inverse of [`Severity::rank`].
    pub fn from_rank(rank: i64) -> Severity {
        Severity::ALL[rank.clamp(0, 4) as usize]
    }

    /// The upper-case label used in one-line finding summaries.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }
}

impl ScanStatus {
    /// True once the scan can no longer change.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ScanStatus::Completed | ScanStatus::Failed | ScanStatus::Cancelled
        )
    }
}

/// A registered site or host to scan.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Target {
    pub id: String,
    pub org_id: String,
    /// What the user typed.
    pub input: String,
    /// The normalised URL the engine scans.
    pub url: String,
    /// Lower-case host (punycode for internationalised names, bare IP for literals).
    pub host: String,
    pub label: Option<String>,
    pub created_at: String,
    /// `unverified` until ownership is proven (multi-tenant servers only).
    pub verification: String,
}

/// Counts of findings by severity.
#[derive(
    Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema,
)]
pub struct SeverityCounts {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
    pub info: u32,
}

impl SeverityCounts {
    /// Adds one finding of `severity`.
    pub fn add(&mut self, severity: Severity) {
        self.add_n(severity, 1);
    }

    /// Adds `n` findings of `severity`.
    pub fn add_n(&mut self, severity: Severity, n: u32) {
        match severity {
            Severity::Critical => self.critical += n,
            Severity::High => self.high += n,
            Severity::Medium => self.medium += n,
            Severity::Low => self.low += n,
            Severity::Info => self.info += n,
        }
    }

    /// The count for one severity.
    pub fn get(&self, severity: Severity) -> u32 {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    /// Total number of findings.
    pub fn total(&self) -> u32 {
        self.critical + self.high + self.medium + self.low + self.info
    }

    /// Number of findings at or above `floor`.
    pub fn at_or_above(&self, floor: Severity) -> u32 {
        Severity::ALL
            .iter()
            .filter(|s| **s >= floor)
            .map(|s| self.get(*s))
            .sum()
    }

    /// Counts of a list of findings, ignoring those reported as fixed.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> SeverityCounts {
        let mut counts = SeverityCounts::default();
        for f in findings
            .into_iter()
            .filter(|f| f.status != FindingStatus::Fixed)
        {
            counts.add(f.severity);
        }
        counts
    }
}

/// One problem found on one target.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Finding {
    /// Stable across scans: a hash of check id, host and location.
    pub fingerprint: String,
    pub scan_id: String,
    pub target_id: String,
    pub check_id: String,
    pub module: Module,
    pub category: Category,
    pub severity: Severity,
    pub confidence: Confidence,
    pub title: String,
    pub description: String,
    /// URL, `host:port` or record where the problem is.
    pub location: String,
    /// At most 500 bytes of what was seen, secrets redacted. Comes from the scanned site: untrusted.
    pub evidence: Option<String>,
    pub remediation: String,
    pub references: Vec<String>,
    pub cwe: Option<u32>,
    pub cve: Vec<String>,
    pub kev: bool,
    pub cvss: Option<f32>,
    pub status: FindingStatus,
    pub found_at: String,
    /// Findings that share it are fixed by one change (the same secret found in three bundles); `None` groups a
    /// finding by its check and host.
    #[serde(default)]
    pub root_cause: Option<String>,
}

/// What happened to one check on one target of a scan.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Coverage {
    pub target_id: String,
    pub check_id: String,
    pub state: CoverageState,
    /// The error or skip reason; empty for passed and found.
    pub detail: Option<String>,
    pub findings: u32,
    pub duration_ms: u64,
}

/// One Observatory test result (the MDN HTTP Observatory's scoring model).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ObservatoryTest {
    pub test: String,
    pub result: String,
    pub score_modifier: i32,
    pub pass: bool,
}

/// The Observatory-compatible header grade of one target.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Observatory {
    pub score: i32,
    pub grade: String,
    pub tests: Vec<ObservatoryTest>,
    /// Tests that could not be scored (their check was skipped or errored).
    pub missing: Vec<String>,
}

/// Per-target result inside a scan.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct ScanTarget {
    pub target_id: String,
    pub url: String,
    pub host: String,
    /// The previous completed scan of this target that findings are compared with.
    pub previous_scan_id: Option<String>,
    pub security_score: Option<u32>,
    pub risk_grade: Option<String>,
    pub observatory: Option<Observatory>,
    pub counts: SeverityCounts,
    /// Set when the target could not be scanned at all.
    pub error: Option<String>,
    /// The stack and content sources seen, for fixes written for this site.
    #[serde(default)]
    pub site: Option<SiteProfile>,
}

/// A scan of one or more targets.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct Scan {
    pub id: String,
    pub org_id: String,
    pub profile: Profile,
    pub status: ScanStatus,
    pub phase: String,
    pub checks_done: u32,
    pub checks_total: u32,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub error: Option<String>,
    pub counts: SeverityCounts,
    pub fixed: u32,
    pub requests: u64,
    /// For a verification scan: the scan whose findings it re-checks.
    pub verify_of: Option<String>,
    pub targets: Vec<ScanTarget>,
}
