//! Schedules as a service: create (targets and cadence checked at once), list, read, change, pause, resume,
//! delete, each within one org; and the scheduler's step, which starts the runs that are due.

use super::{App, AppError, ScanRequest};
use crate::model::{Profile, Schedule, ScheduleRun};
use crate::scheduler::cadence::{self, Cadence, MAX_JITTER_SECS};
use crate::scheduler::clock::{read, stamp};
use crate::store::RunOutcome;
use crate::target::TargetUrl;
use chrono::{DateTime, Utc};

/// Most schedules an org may have.
pub const MAX_SCHEDULES_PER_ORG: u32 = 1000;
/// Most targets one schedule may scan.
pub const MAX_SCHEDULE_TARGETS: usize = 100;

/// A schedule to create.
#[derive(Debug, Clone, Default)]
pub struct NewSchedule {
    pub name: Option<String>,
    pub targets: Vec<String>,
    pub profile: Option<Profile>,
    /// A preset or five cron fields.
    pub cadence: String,
    /// IANA time zone; UTC when absent.
    pub timezone: Option<String>,
    /// Defaults to the cadence's (5 minutes for hourly, 30 for the other presets, none for cron).
    pub jitter_secs: Option<u32>,
    pub paused: bool,
}

/// Changes to a schedule; `None` keeps the field.
#[derive(Debug, Clone, Default)]
pub struct ScheduleChange {
    pub name: Option<String>,
    pub targets: Option<Vec<String>>,
    pub profile: Option<Profile>,
    pub cadence: Option<String>,
    pub timezone: Option<String>,
    pub jitter_secs: Option<u32>,
    pub paused: Option<bool>,
}

/// What the scheduler's step did.
#[derive(Debug, Default)]
pub struct Step {
    /// Runs started, skipped or failed: (schedule id, slot, status).
    pub runs: Vec<(String, String, String)>,
    /// When the next active schedule is due, if any.
    pub next_due: Option<DateTime<Utc>>,
}

fn offset(s: &Schedule) -> chrono::Duration {
    chrono::Duration::seconds(i64::from(cadence::offset_secs(&s.id, s.jitter_secs)))
}

/// The first slot whose start (slot plus the schedule's offset) is after `now`.
fn next_slot(cadence: &Cadence, s: &Schedule, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    cadence.next_after(now - offset(s))
}

/// Fills in when the next run starts.
fn shown(mut s: Schedule) -> Schedule {
    s.next_start_at = s
        .next_run_at
        .as_deref()
        .and_then(read)
        .map(|slot| stamp(slot + offset(&s)));
    s
}

impl App {
    fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// Checks targets as a scan would (parse and scope), so a schedule never holds one that cannot run.
    async fn check_schedule_targets(&self, targets: &[String]) -> Result<(), AppError> {
        if targets.is_empty() {
            return Err(AppError::Invalid(
                "give at least one target for the schedule to scan".into(),
            ));
        }
        if targets.len() > MAX_SCHEDULE_TARGETS {
            return Err(AppError::Invalid(format!(
                "a schedule scans at most {MAX_SCHEDULE_TARGETS} targets; this one has {}: split it",
                targets.len()
            )));
        }
        for t in targets {
            let url = TargetUrl::parse(t)?;
            self.check_server_scope(&url).await?;
        }
        Ok(())
    }

    fn check_jitter(jitter: u32) -> Result<u32, AppError> {
        if jitter > MAX_JITTER_SECS {
            return Err(AppError::Invalid(format!(
                "jitter_secs is {jitter}: it may be at most {MAX_JITTER_SECS} (one hour)"
            )));
        }
        Ok(jitter)
    }

    /// Creates a schedule in `org`; its first run is the next slot after now.
    pub async fn create_schedule(&self, org: &str, new: NewSchedule) -> Result<Schedule, AppError> {
        let tz = new.timezone.clone().unwrap_or_else(|| "UTC".into());
        let cadence = Cadence::parse(&new.cadence, &tz).map_err(AppError::Invalid)?;
        self.check_schedule_targets(&new.targets).await?;
        let jitter = Self::check_jitter(
            new.jitter_secs
                .unwrap_or_else(|| cadence.default_jitter_secs()),
        )?;
        let now = self.now();
        let at = stamp(now);
        self.inner.store.ensure_org(org, &at).await?;
        let mut s = Schedule {
            id: super::new_id(10),
            org_id: org.to_string(),
            name: new
                .name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| format!("{} {}", cadence.text, new.targets.join(", "))),
            targets: new.targets,
            profile: new.profile.unwrap_or(self.inner.config.scan.profile),
            cadence: cadence.text.clone(),
            timezone: cadence.tz.name().to_string(),
            jitter_secs: jitter,
            jitter_set: new.jitter_secs.is_some(),
            paused: new.paused,
            next_run_at: None,
            next_start_at: None,
            last_run_at: None,
            last_scan_id: None,
            last_status: None,
            last_error: None,
            created_at: at.clone(),
            updated_at: at,
        };
        if !s.paused {
            s.next_run_at = next_slot(&cadence, &s, now).map(stamp);
        }
        if !self
            .inner
            .store
            .insert_schedule(&s, MAX_SCHEDULES_PER_ORG)
            .await?
        {
            return Err(AppError::Limit(format!(
                "org '{org}' already has {MAX_SCHEDULES_PER_ORG} schedules: delete one first"
            )));
        }
        self.inner.schedules_changed.notify_one();
        Ok(shown(s))
    }

    /// The org's schedules, oldest first.
    pub async fn list_schedules(&self, org: &str) -> Result<Vec<Schedule>, AppError> {
        let list = self.inner.store.list_schedules(org).await?;
        Ok(list.into_iter().map(shown).collect())
    }

    /// One schedule of the org.
    pub async fn get_schedule(&self, org: &str, id: &str) -> Result<Schedule, AppError> {
        self.inner
            .store
            .get_schedule(org, id)
            .await?
            .map(shown)
            .ok_or_else(|| AppError::NotFound {
                kind: "schedule",
                id: id.to_string(),
                hint: "list schedules to see their ids",
            })
    }

    /// A schedule's runs, newest first.
    pub async fn schedule_runs(
        &self,
        org: &str,
        id: &str,
        limit: u32,
    ) -> Result<Vec<ScheduleRun>, AppError> {
        self.get_schedule(org, id).await?;
        Ok(self.inner.store.schedule_runs(id, limit.min(100)).await?)
    }

    /// Changes a schedule. A new cadence, zone or jitter, and resuming, move the next run to the next slot after
    /// now; pausing clears it (a paused schedule does not catch up when resumed). A new cadence brings its own
    /// default jitter unless the schedule had a jitter of its own.
    pub async fn update_schedule(
        &self,
        org: &str,
        id: &str,
        change: ScheduleChange,
    ) -> Result<Schedule, AppError> {
        let mut s = self.get_schedule(org, id).await?;
        let was_paused = s.paused;
        let timing =
            change.cadence.is_some() || change.timezone.is_some() || change.jitter_secs.is_some();
        if let Some(targets) = change.targets {
            self.check_schedule_targets(&targets).await?;
            s.targets = targets;
        }
        if let Some(name) = change.name.filter(|n| !n.trim().is_empty()) {
            s.name = name;
        }
        if let Some(profile) = change.profile {
            s.profile = profile;
        }
        let cadence = Cadence::parse(
            change.cadence.as_deref().unwrap_or(&s.cadence),
            change.timezone.as_deref().unwrap_or(&s.timezone),
        )
        .map_err(AppError::Invalid)?;
        s.cadence = cadence.text.clone();
        s.timezone = cadence.tz.name().to_string();
        if let Some(j) = change.jitter_secs {
            s.jitter_secs = Self::check_jitter(j)?;
            s.jitter_set = true;
        } else if !s.jitter_set {
            // A default jitter follows the cadence (a cron expression keeps its minute); a given one stays.
            s.jitter_secs = cadence.default_jitter_secs();
        }
        if let Some(paused) = change.paused {
            s.paused = paused;
        }
        let now = self.now();
        if s.paused {
            s.next_run_at = None;
        } else if timing || was_paused || s.next_run_at.is_none() {
            s.next_run_at = next_slot(&cadence, &s, now).map(stamp);
        }
        s.updated_at = stamp(now);
        self.inner.store.update_schedule(&s).await?;
        self.inner.schedules_changed.notify_one();
        Ok(shown(s))
    }

    /// Deletes a schedule (its scans stay).
    pub async fn delete_schedule(&self, org: &str, id: &str) -> Result<(), AppError> {
        if !self.inner.store.delete_schedule(org, id).await? {
            return Err(AppError::NotFound {
                kind: "schedule",
                id: id.to_string(),
                hint: "list schedules to see their ids",
            });
        }
        self.inner.schedules_changed.notify_one();
        Ok(())
    }

    /// Starts every run that is due at `now` and moves each schedule to its next slot. A schedule that missed
    /// several slots (the server was down) runs once; a run whose previous scan of the same targets is still going
    /// is skipped, not stacked; a slot is claimed in the store first, so two servers on one database start it once.
    pub async fn run_due_schedules(&self, now: DateTime<Utc>) -> Result<Step, AppError> {
        let mut step = Step::default();
        for s in self.inner.store.active_schedules().await? {
            let Some(slot_text) = s.next_run_at.clone() else {
                continue;
            };
            let Some(slot) = read(&slot_text) else {
                continue;
            };
            let cadence = match Cadence::parse(&s.cadence, &s.timezone) {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(schedule = %s.id, error = %e, "schedule cannot be read; pausing it");
                    self.inner
                        .store
                        .claim_schedule_slot(&s.id, &slot_text, None)
                        .await?;
                    continue;
                }
            };
            let start = slot + offset(&s);
            if start > now {
                step.next_due = Some(step.next_due.map_or(start, |d: DateTime<Utc>| d.min(start)));
                continue;
            }
            let next = next_slot(&cadence, &s, now);
            let next_text = next.map(stamp);
            if !self
                .inner
                .store
                .claim_schedule_slot(&s.id, &slot_text, next_text.as_deref())
                .await?
            {
                continue; // another server took this slot
            }
            if let Some(n) = next {
                let start = n + offset(&s);
                step.next_due = Some(step.next_due.map_or(start, |d| d.min(start)));
            }
            let request = ScanRequest {
                targets: s.targets.clone(),
                profile: Some(s.profile),
                exclusive: true,
                ..Default::default()
            };
            let ran_at = stamp(now);
            let (status, scan_id, error) = match self.start_scan(&s.org_id, request).await {
                Ok(handle) => ("started", Some(handle.scan.id), None),
                Err(AppError::AlreadyRunning { scan_id }) => (
                    "skipped",
                    None,
                    Some(format!(
                        "scan {scan_id} of the same targets was still running"
                    )),
                ),
                Err(e) => ("failed", None, Some(e.to_string())),
            };
            if status == "failed"
                && let Err(e) = self
                    .emit_run_failure(&s, error.as_deref().unwrap_or_default())
                    .await
            {
                tracing::warn!(schedule = %s.id, error = %e, "the failed run's event could not be stored");
            }
            tracing::info!(schedule = %s.id, slot = %slot_text, status, scan = ?scan_id, "scheduled run");
            self.inner
                .store
                .record_schedule_run(
                    &s.id,
                    &RunOutcome {
                        slot: &slot_text,
                        ran_at: &ran_at,
                        scan_id: scan_id.as_deref(),
                        status,
                        error: error.as_deref(),
                    },
                )
                .await?;
            step.runs
                .push((s.id.clone(), slot_text, status.to_string()));
        }
        Ok(step)
    }
}
