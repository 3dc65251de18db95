//! What `/v1/schedules` reads and returns.

use crate::model::{Profile, Schedule, ScheduleRun};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSchedule {
    /// One to 100 URLs or host names, scanned together at each run.
    #[schemars(length(min = 1, max = 100))]
    pub targets: Vec<String>,
    /// `hourly`, `every-12hours`, `daily`, `weekly-monday`, or five cron fields (minute hour day-of-month month
    /// day-of-week), e.g. `30 9 * * 1-5` for 09:30 on weekdays.
    pub cadence: String,
    /// IANA time zone the cadence is read in (`Europe/Berlin`); default `UTC`.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Scan depth; default from the server's configuration.
    #[serde(default)]
    pub profile: Option<Profile>,
    /// A name for lists; default from the cadence and targets.
    #[serde(default)]
    #[schemars(length(max = 120))]
    pub name: Option<String>,
    /// Runs start up to this many seconds after their slot (0 to 3600), the same offset every time for one
    /// schedule. Default: 300 for hourly, 1800 for the other presets, 0 for a cron expression.
    #[serde(default)]
    #[schemars(range(max = 3600))]
    pub jitter_secs: Option<u32>,
    /// Create it paused.
    #[serde(default)]
    pub paused: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSchedule {
    #[serde(default)]
    #[schemars(length(min = 1, max = 100))]
    pub targets: Option<Vec<String>>,
    #[serde(default)]
    pub cadence: Option<String>,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub profile: Option<Profile>,
    #[serde(default)]
    #[schemars(length(max = 120))]
    pub name: Option<String>,
    #[serde(default)]
    #[schemars(range(max = 3600))]
    pub jitter_secs: Option<u32>,
    /// `true` pauses (no runs, no catching up later); `false` resumes from the next slot.
    #[serde(default)]
    pub paused: Option<bool>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ScheduleList {
    pub schedules: Vec<Schedule>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ScheduleOne {
    pub schedule: Schedule,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ScheduleDetail {
    pub schedule: Schedule,
    /// The last runs, newest first (at most 100).
    pub runs: Vec<ScheduleRun>,
}
