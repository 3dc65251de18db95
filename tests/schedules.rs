//! Schedules run by the real scheduler over a real App and SQLite file, in paused tokio time: a wall clock that
//! follows tokio's lets days pass in milliseconds, so each test checks the instants runs start at (across a
//! daylight-saving change in a named zone), that a missed run after an outage runs once, that a run never
//! overlaps the previous scan of the same targets, and that schedules stay within their org.
//! Time moves only when the test moves it (`support/frozen.rs`).

mod support;

use chrono::{DateTime, TimeZone, Utc};
use palisade::app::{App, AppError, DEFAULT_ORG, NewSchedule, ScheduleChange};
use palisade::config::Config;
use palisade::model::{Profile, ScheduleRun};
use palisade::scheduler::Worker;
use palisade::scheduler::clock::Clock;
use std::time::Duration;
use support::frozen::{self, freeze};
use support::*;
use tokio_util::sync::CancellationToken;

const HOST: &str = "sched.test";

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

/// A test configuration whose scans of `sched.test` end at once (both ports refuse connections).
fn config(dir: &tempfile::TempDir) -> Config {
    let mut c = support::config(dir);
    c.network.pins = pin_site(HOST, closed_port(), closed_port());
    c.scan.profile = Profile::Quick;
    c
}

async fn app_at(config: Config, clock: Clock) -> App {
    App::build_with_clock(config, clock)
        .await
        .expect("app builds")
}

/// The real scheduler over `app`, and the means to stop it.
struct Running {
    scheduler: Worker,
    stop: CancellationToken,
    clock: Clock,
    /// Set when each run's scan should end before time moves on (its targets refuse connections at once).
    settle: Option<App>,
}

fn scheduler(app: &App) -> Running {
    let stop = CancellationToken::new();
    Running {
        scheduler: palisade::scheduler::spawn(app.clone(), stop.clone()),
        stop,
        clock: app.clock(),
        settle: Some(app.clone()),
    }
}

impl Running {
    /// Moves time forward by `hours`, stopping at each instant the scheduler sleeps until and letting it work.
    async fn run_for(&mut self, hours: f64) {
        let settle = self.settle.as_ref();
        frozen::run_settled(&mut self.scheduler.sleeping, self.clock, hours, settle).await;
    }

    async fn stop(self) {
        self.stop.cancel();
        self.scheduler.task.await.unwrap();
    }
}

fn daily(cadence: &str, tz: &str) -> NewSchedule {
    NewSchedule {
        targets: vec![format!("http://{HOST}/")],
        cadence: cadence.into(),
        timezone: Some(tz.into()),
        ..Default::default()
    }
}

/// Runs oldest first, as (slot, started_at, status).
async fn runs(app: &App, org: &str, id: &str) -> Vec<ScheduleRun> {
    let mut runs = app.schedule_runs(org, id, 100).await.unwrap();
    runs.reverse();
    runs
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[tokio::test(start_paused = true)]
async fn a_daily_run_in_berlin_follows_the_clock_change() {
    let _frozen = freeze();
    let dir = tempfile::tempdir().unwrap();
    // Friday 27 March 2026, 12:00 UTC; Berlin moves from UTC+1 to UTC+2 on Sunday the 29th at 02:00.
    let app = app_at(config(&dir), Clock::tokio_from(utc(2026, 3, 27, 12, 0))).await;
    let s = app
        .create_schedule(DEFAULT_ORG, daily("0 9 * * *", "Europe/Berlin"))
        .await
        .unwrap();
    assert_eq!(s.jitter_secs, 0, "a cron expression keeps its minute");
    assert_eq!(s.next_run_at.as_deref(), Some("2026-03-28T08:00:00.000Z"));
    let mut running = scheduler(&app);
    running.run_for(24.0 * 4.0).await;
    running.stop().await;

    let runs = runs(&app, DEFAULT_ORG, &s.id).await;
    let slots: Vec<&str> = runs.iter().map(|r| r.slot.as_str()).collect();
    assert_eq!(
        slots,
        vec![
            "2026-03-28T08:00:00.000Z", // 09:00 CET
            "2026-03-29T07:00:00.000Z", // 09:00 CEST, the day of the change
            "2026-03-30T07:00:00.000Z",
            "2026-03-31T07:00:00.000Z",
        ]
    );
    for r in &runs {
        let late = at(&r.started_at) - at(&r.slot);
        assert!(
            late >= chrono::Duration::zero() && late < chrono::Duration::seconds(1),
            "{r:?}"
        );
        // Started and ran (its end status is checked in real time elsewhere: advancing paused time by a day can
        // expire the store's pool waits of a scan still saving).
        assert!(r.status != "skipped" && r.scan_id.is_some(), "{r:?}");
    }
    // Each run is a real scan of the schedule's targets, in the schedule's org.
    let scan = app
        .get_scan(DEFAULT_ORG, runs[0].scan_id.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(scan.targets[0].host, HOST);
    let s = app.get_schedule(DEFAULT_ORG, &s.id).await.unwrap();
    assert_eq!(s.next_run_at.as_deref(), Some("2026-04-01T07:00:00.000Z"));
    assert_eq!(s.last_scan_id, runs[3].scan_id);
}

#[tokio::test(start_paused = true)]
async fn presets_start_within_their_jitter_and_spread() {
    let _frozen = freeze();
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(config(&dir), Clock::tokio_from(utc(2026, 11, 21, 22, 10))).await;
    let mut ids = Vec::new();
    let mut announced = Vec::new();
    for _ in 0..5 {
        let s = app
            .create_schedule(DEFAULT_ORG, daily("daily", "UTC"))
            .await
            .unwrap();
        assert_eq!(s.jitter_secs, 1800);
        assert_eq!(s.next_run_at.as_deref(), Some("2026-11-22T00:00:00.000Z"));
        announced.push(s.next_start_at.clone().unwrap());
        ids.push(s.id);
    }
    let mut running = scheduler(&app);
    running.run_for(3.0).await; // to 01:10, past the half hour of jitter
    running.stop().await;
    let mut starts = Vec::new();
    for id in &ids {
        let runs = runs(&app, DEFAULT_ORG, id).await;
        assert_eq!(runs.len(), 1, "{runs:?}");
        let offset = at(&runs[0].started_at) - at(&runs[0].slot);
        assert!(
            offset >= chrono::Duration::zero() && offset <= chrono::Duration::seconds(1801),
            "{runs:?}"
        );
        // Each schedule started when it announced it would.
        assert_eq!(runs[0].started_at, announced[starts.len()], "{runs:?}");
        starts.push(runs[0].started_at.clone());
    }
    starts.sort();
    starts.dedup();
    assert!(
        starts.len() >= 4,
        "five schedules start at different seconds: {starts:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_missed_run_runs_once_after_an_outage() {
    let _frozen = freeze();
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::tokio_from(utc(2026, 11, 21, 10, 30));
    let app = app_at(config(&dir), clock).await;
    let s = app
        .create_schedule(DEFAULT_ORG, daily("0 * * * *", "UTC"))
        .await
        .unwrap();
    let mut running = scheduler(&app);
    running.run_for(2.0).await; // 12:30: runs at 11:00 and 12:00
    running.stop().await;
    drop(app);

    // Five hours with no scheduler: the slots of 13:00 to 17:00 pass.
    tokio::time::advance(Duration::from_secs(5 * 3600)).await;

    // A new App on the same database, as a restarted server builds.
    let app = app_at(config(&dir), clock).await;
    let mut running = scheduler(&app);
    running.run_for(0.75).await; // 18:15
    running.stop().await;

    let runs = runs(&app, DEFAULT_ORG, &s.id).await;
    let seen: Vec<(&str, &str)> = runs
        .iter()
        .map(|r| (r.slot.as_str(), &r.started_at[..16]))
        .collect();
    assert_eq!(
        seen,
        vec![
            ("2026-11-21T11:00:00.000Z", "2026-11-21T11:00"),
            ("2026-11-21T12:00:00.000Z", "2026-11-21T12:00"),
            // The five missed slots: one run, at start-up.
            ("2026-11-21T13:00:00.000Z", "2026-11-21T17:30"),
            ("2026-11-21T18:00:00.000Z", "2026-11-21T18:00"),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_run_is_skipped_while_the_previous_scan_of_its_targets_runs() {
    let _frozen = freeze();
    // A site that accepts connections and never answers, and scans allowed to wait for it for hours.
    let stall = hostile_stall().await;
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(&dir);
    c.network.pins = pin_site(HOST, stall, closed_port());
    c.scan.timeout = Duration::from_secs(5 * 3600);
    c.scan.budget = Duration::from_secs(5 * 3600);
    let app = app_at(c, Clock::tokio_from(utc(2026, 11, 21, 10, 30))).await;
    let s = app
        .create_schedule(DEFAULT_ORG, daily("0 * * * *", "UTC"))
        .await
        .unwrap();
    let mut running = scheduler(&app);
    running.settle = None; // its scans stall on purpose
    running.run_for(2.0).await;
    running.stop().await;
    let runs = runs(&app, DEFAULT_ORG, &s.id).await;
    let statuses: Vec<&str> = runs.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, vec!["started", "skipped"], "{runs:?}");
    let first = runs[0].scan_id.clone().unwrap();
    assert!(
        runs[1].error.as_deref().unwrap().contains(&format!(
            "scan {first} of the same targets was still running"
        )),
        "{runs:?}"
    );
    // The first scan's end reaches its own run, not the schedule's later (skipped) one.
    let ended = app.cancel_scan(DEFAULT_ORG, &first).await.unwrap();
    // Cancelled, or failed: advancing paused time by hours expires the store's pool waits of a scan that stalls.
    assert!(ended.status.is_terminal(), "{ended:?}");
    let after = runs_of(&app, &s.id).await;
    assert_eq!(after, vec![ended.status.to_string(), "skipped".to_string()]);
    let shown = app.get_schedule(DEFAULT_ORG, &s.id).await.unwrap();
    assert_eq!(shown.last_status.as_deref(), Some("skipped"));
}

async fn runs_of(app: &App, id: &str) -> Vec<String> {
    runs(app, DEFAULT_ORG, id)
        .await
        .into_iter()
        .map(|r| r.status)
        .collect()
}

/// A TCP listener that accepts and never writes.
async fn hostile_stall() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    addr
}

#[tokio::test(start_paused = true)]
async fn pausing_stops_runs_and_resuming_does_not_catch_up() {
    let _frozen = freeze();
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(config(&dir), Clock::tokio_from(utc(2026, 11, 21, 10, 30))).await;
    let s = app
        .create_schedule(DEFAULT_ORG, daily("0 * * * *", "UTC"))
        .await
        .unwrap();
    let mut running = scheduler(&app);
    running.run_for(1.0).await; // 11:30: one run
    let pause = ScheduleChange {
        paused: Some(true),
        ..Default::default()
    };
    let paused = app
        .update_schedule(DEFAULT_ORG, &s.id, pause)
        .await
        .unwrap();
    assert!(paused.paused && paused.next_run_at.is_none());
    running.run_for(3.0).await; // 14:30
    let resume = ScheduleChange {
        paused: Some(false),
        ..Default::default()
    };
    let resumed = app
        .update_schedule(DEFAULT_ORG, &s.id, resume)
        .await
        .unwrap();
    assert_eq!(
        resumed.next_run_at.as_deref(),
        Some("2026-11-21T15:00:00.000Z")
    );
    running.run_for(1.0).await; // 15:30
    running.stop().await;
    let slots: Vec<String> = runs(&app, DEFAULT_ORG, &s.id)
        .await
        .into_iter()
        .map(|r| r.slot)
        .collect();
    assert_eq!(
        slots,
        vec!["2026-11-21T11:00:00.000Z", "2026-11-21T15:00:00.000Z"]
    );
}

#[tokio::test]
async fn a_new_cadence_brings_its_default_jitter_but_a_chosen_one_stays() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(config(&dir), Clock::System).await;
    let s = app
        .create_schedule(DEFAULT_ORG, daily("hourly", "UTC"))
        .await
        .unwrap();
    assert_eq!(s.jitter_secs, 300);
    let change = |cadence: &str, jitter: Option<u32>| ScheduleChange {
        cadence: Some(cadence.into()),
        jitter_secs: jitter,
        ..Default::default()
    };
    let cron = app
        .update_schedule(DEFAULT_ORG, &s.id, change("*/2 * * * *", None))
        .await
        .unwrap();
    assert_eq!(cron.jitter_secs, 0, "a cron expression keeps its minute");
    let to_daily = app
        .update_schedule(DEFAULT_ORG, &s.id, change("daily", None))
        .await
        .unwrap();
    assert_eq!(to_daily.jitter_secs, 1800);
    let chosen = app
        .update_schedule(DEFAULT_ORG, &s.id, change("hourly", Some(60)))
        .await
        .unwrap();
    assert_eq!(chosen.jitter_secs, 60);
    let renamed = ScheduleChange {
        name: Some("nightly".into()),
        ..Default::default()
    };
    let kept = app
        .update_schedule(DEFAULT_ORG, &s.id, renamed)
        .await
        .unwrap();
    assert_eq!(kept.jitter_secs, 60, "no new cadence: the jitter stays");
    let own = app
        .update_schedule(DEFAULT_ORG, &s.id, change("daily", None))
        .await
        .unwrap();
    assert_eq!(own.jitter_secs, 60, "a jitter the user chose stays");
    // Given, even when it equals the default: it stays.
    let mut given = daily("hourly", "UTC");
    given.jitter_secs = Some(300);
    let given = app.create_schedule(DEFAULT_ORG, given).await.unwrap();
    assert!(given.jitter_set && !s.jitter_set);
    let moved = app
        .update_schedule(DEFAULT_ORG, &given.id, change("15 * * * *", None))
        .await
        .unwrap();
    assert_eq!(moved.jitter_secs, 300);
}

#[tokio::test]
async fn bad_schedules_are_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(config(&dir), Clock::System).await;
    let refused = |r: Result<_, AppError>| {
        r.map(|_: palisade::model::Schedule| ())
            .unwrap_err()
            .to_string()
    };
    let e = refused(
        app.create_schedule(DEFAULT_ORG, daily("every day", "UTC"))
            .await,
    );
    assert!(
        e.contains("neither a preset (hourly, every-12hours, daily, weekly-monday)"),
        "{e}"
    );
    let e = refused(
        app.create_schedule(DEFAULT_ORG, daily("daily", "Europe/Atlantis"))
            .await,
    );
    assert!(e.contains("unknown time zone 'Europe/Atlantis'"), "{e}");
    let mut outside = daily("daily", "UTC");
    outside.targets = vec!["http://10.1.2.3/".into()];
    let e = refused(app.create_schedule(DEFAULT_ORG, outside).await);
    assert!(e.contains("10.1.2.3"), "{e}");
    let mut none = daily("daily", "UTC");
    none.targets.clear();
    let e = refused(app.create_schedule(DEFAULT_ORG, none).await);
    assert!(e.contains("at least one target"), "{e}");
    let e = refused(
        app.create_schedule(DEFAULT_ORG, daily("0 0 31 2 *", "UTC"))
            .await,
    );
    assert!(e.contains("'0 0 31 2 *' never runs"), "{e}");
    let mut jitter = daily("daily", "UTC");
    jitter.jitter_secs = Some(7200);
    let e = refused(app.create_schedule(DEFAULT_ORG, jitter).await);
    assert!(e.contains("at most 3600"), "{e}");
    assert!(
        app.list_schedules(DEFAULT_ORG).await.unwrap().is_empty(),
        "nothing was stored"
    );
}

#[tokio::test]
async fn schedules_stay_within_their_org() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_at(config(&dir), Clock::System).await;
    let mine = app
        .create_schedule("acme", daily("daily", "UTC"))
        .await
        .unwrap();
    assert!(app.list_schedules("globex").await.unwrap().is_empty());
    for result in [
        app.get_schedule("globex", &mine.id).await.map(|_| ()),
        app.delete_schedule("globex", &mine.id).await,
        app.update_schedule("globex", &mine.id, ScheduleChange::default())
            .await
            .map(|_| ()),
    ] {
        assert!(
            matches!(
                result,
                Err(AppError::NotFound {
                    kind: "schedule",
                    ..
                })
            ),
            "{result:?}"
        );
    }
    assert_eq!(app.list_schedules("acme").await.unwrap().len(), 1);
}
