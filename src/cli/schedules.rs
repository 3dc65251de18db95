//! `palisade schedules`: create, list, show, pause, resume, change and delete the scans `palisade serve` starts on
//! a cadence.

use super::{CliError, Format, Global, ProfileArg};
use crate::app::{DEFAULT_ORG, NewSchedule, ScheduleChange};
use crate::model::{Profile, Schedule};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum SchedulesCommand {
    /// Schedule a recurring scan of one or more targets (run by `palisade serve`)
    Create {
        /// URLs or host names scanned together at each run
        #[arg(required = true)]
        targets: Vec<String>,
        /// hourly, every-12hours, daily, weekly-monday, or five cron fields such as "30 9 * * 1-5"
        #[arg(long, short = 'e')]
        every: String,
        /// IANA time zone the cadence is read in, e.g. Europe/Berlin
        #[arg(long, default_value = "UTC")]
        tz: String,
        /// Start each run up to this many seconds after its slot, the same offset every time (0-3600; default
        /// 300 for hourly, 1800 for the other presets, 0 for cron expressions)
        #[arg(long)]
        jitter: Option<u32>,
        /// A name for lists
        #[arg(long)]
        name: Option<String>,
        /// How deep each run scans: quick, standard (default) or deep
        #[arg(long, value_enum)]
        profile: Option<ProfileArg>,
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
    },
    /// The org's schedules with their next and last runs
    List {
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// One schedule and its last runs
    Show {
        id: String,
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Change a schedule's targets, cadence, zone, jitter, profile or name
    Update {
        id: String,
        /// Replace the targets
        #[arg(long = "target")]
        targets: Vec<String>,
        #[arg(long, short = 'e')]
        every: Option<String>,
        #[arg(long)]
        tz: Option<String>,
        #[arg(long)]
        jitter: Option<u32>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_enum)]
        profile: Option<ProfileArg>,
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
    },
    /// Stop a schedule's runs until resumed (missed slots are not caught up)
    Pause {
        id: String,
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
    },
    /// Resume a paused schedule at its next slot
    Resume {
        id: String,
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
    },
    /// Delete a schedule (the scans it started are kept)
    Delete {
        id: String,
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
    },
}

pub async fn run(global: &Global, cmd: SchedulesCommand) -> Result<u8, CliError> {
    // A schedule runs inside `palisade serve` with the server's settings, so this command takes no scope or
    // network flags: the palisade.toml (or PALISADE_*) it reads should be the server's.
    let app = super::build(super::load_config(global, Default::default())?).await?;
    let out = match cmd {
        SchedulesCommand::Create {
            targets,
            every,
            tz,
            jitter,
            name,
            profile,
            org,
        } => {
            let new = NewSchedule {
                name,
                targets,
                profile: profile.map(Profile::from),
                cadence: every,
                timezone: Some(tz),
                jitter_secs: jitter,
                paused: false,
            };
            let s = app.create_schedule(&org, new).await?;
            format!(
                "schedule {} created: {} ({}), first run at {} (palisade serve runs it)\n",
                s.id,
                s.cadence,
                s.timezone,
                s.next_start_at.as_deref().unwrap_or("never")
            )
        }
        SchedulesCommand::List { org, format } => {
            let list = app.list_schedules(&org).await?;
            super::output::list_output(&list, format, |list| table(&org, list))
        }
        SchedulesCommand::Show { id, org, format } => {
            let s = app.get_schedule(&org, &id).await?;
            let runs = app.schedule_runs(&org, &id, 20).await?;
            match format {
                Format::Json | Format::Jsonl => {
                    let v = serde_json::json!({"schedule": s, "runs": runs});
                    serde_json::to_string_pretty(&v).expect("serialisable") + "\n"
                }
                Format::Table => {
                    let mut out = table(&org, std::slice::from_ref(&s));
                    out.push_str("\nSLOT                      STARTED                   STATUS   SCAN      NOTE\n");
                    for r in &runs {
                        out.push_str(&format!(
                            "{:<25} {:<25} {:<8} {:<9} {}\n",
                            r.slot,
                            r.started_at,
                            r.status,
                            r.scan_id.as_deref().unwrap_or("-"),
                            r.error.as_deref().unwrap_or("")
                        ));
                    }
                    if runs.is_empty() {
                        out.push_str("(no runs yet)\n");
                    }
                    out
                }
            }
        }
        SchedulesCommand::Update {
            id,
            targets,
            every,
            tz,
            jitter,
            name,
            profile,
            org,
        } => {
            let change = ScheduleChange {
                name,
                targets: (!targets.is_empty()).then_some(targets),
                profile: profile.map(Profile::from),
                cadence: every,
                timezone: tz,
                jitter_secs: jitter,
                paused: None,
            };
            let s = app.update_schedule(&org, &id, change).await?;
            format!("schedule {} updated: {}\n", s.id, summary(&s))
        }
        SchedulesCommand::Pause { id, org } => {
            let change = ScheduleChange {
                paused: Some(true),
                ..Default::default()
            };
            let s = app.update_schedule(&org, &id, change).await?;
            format!("schedule {} paused\n", s.id)
        }
        SchedulesCommand::Resume { id, org } => {
            let change = ScheduleChange {
                paused: Some(false),
                ..Default::default()
            };
            let s = app.update_schedule(&org, &id, change).await?;
            format!("schedule {} resumed: {}\n", s.id, summary(&s))
        }
        SchedulesCommand::Delete { id, org } => {
            app.delete_schedule(&org, &id).await?;
            format!("schedule {id} deleted (its scans are kept)\n")
        }
    };
    print!("{out}");
    app.shutdown().await;
    Ok(0)
}

fn summary(s: &Schedule) -> String {
    if s.paused {
        return format!("{} ({}), paused", s.cadence, s.timezone);
    }
    format!(
        "{} ({}), next run at {}",
        s.cadence,
        s.timezone,
        s.next_start_at.as_deref().unwrap_or("never")
    )
}

fn table(org: &str, list: &[Schedule]) -> String {
    if list.is_empty() {
        return format!(
            "no schedules in org {org}: palisade schedules create --every daily https://example.com\n"
        );
    }
    // Columns as wide as their longest value, so a long zone or cadence does not push the rest out of line.
    let names: Vec<String> = list
        .iter()
        .map(|s| super::render::clean(&s.name).chars().take(30).collect())
        .collect();
    let width = |header: &str, values: &mut dyn Iterator<Item = usize>| {
        values.max().unwrap_or(0).max(header.len())
    };
    let w_name = width("NAME", &mut names.iter().map(|n| n.chars().count()));
    let w_cadence = width("CADENCE", &mut list.iter().map(|s| s.cadence.len()));
    let w_zone = width("ZONE", &mut list.iter().map(|s| s.timezone.len()));
    let mut out = format!(
        "{:<11} {:<w_name$} {:<w_cadence$} {:<w_zone$} {:<9} {:<25} {:<10} {}\n",
        "ID", "NAME", "CADENCE", "ZONE", "PROFILE", "NEXT RUN", "LAST", "TARGETS"
    );
    for (s, name) in list.iter().zip(&names) {
        out.push_str(&format!(
            "{:<11} {:<w_name$} {:<w_cadence$} {:<w_zone$} {:<9} {:<25} {:<10} {}\n",
            s.id,
            name,
            s.cadence,
            s.timezone,
            s.profile.to_string(),
            if s.paused {
                "paused".to_string()
            } else {
                s.next_start_at.clone().unwrap_or_else(|| "never".into())
            },
            s.last_status.as_deref().unwrap_or("-"),
            super::render::clean(&s.targets.join(" "))
        ));
    }
    out
}
