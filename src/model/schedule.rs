//! Schedules as stored and shown.

use super::Profile;
use serde::{Deserialize, Serialize};

/// A scan that `palisade serve` starts on a cadence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Schedule {
    pub id: String,
    pub org_id: String,
    pub name: String,
    /// URLs or host names, as given.
    pub targets: Vec<String>,
    pub profile: Profile,
    /// A preset (`hourly`, `every-12hours`, `daily`, `weekly-monday`) or five cron fields.
    pub cadence: String,
    /// The IANA time zone the cadence is read in.
    pub timezone: String,
    /// Runs start at most this many seconds after their slot (a stable offset per schedule).
    pub jitter_secs: u32,
    /// True when the jitter was given; otherwise it is the cadence's default and changes with the cadence.
    #[serde(default)]
    pub jitter_set: bool,
    pub paused: bool,
    /// The next slot (UTC); `None` while paused.
    pub next_run_at: Option<String>,
    /// When the next run starts: the slot plus this schedule's offset.
    pub next_start_at: Option<String>,
    pub last_run_at: Option<String>,
    pub last_scan_id: Option<String>,
    /// `started`, `skipped` (the previous run of the same targets still going) or `failed`.
    pub last_status: Option<String>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One run of a schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScheduleRun {
    /// The slot the run was for (UTC).
    pub slot: String,
    pub started_at: String,
    /// `started`, `skipped` (the previous scan of the same targets still running) or `failed`.
    pub status: String,
    pub scan_id: Option<String>,
    pub error: Option<String>,
}
