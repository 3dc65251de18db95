//! `App`: the one place the parts are wired. Built once by `App::build(config)`, shared by every front end, it
//! owns the store, the network stack and the scans running in this process.

mod advisories;
mod baseline;
mod collector;
mod deliveries;
mod events;
mod keys;
mod monitors;
mod owner;
mod reports;
mod resume;
mod runner;
mod scans;
mod schedules;
mod stats;
mod targets;
mod templates;
mod verify;
mod webhooks;
mod writer;

pub use advisories::{
    DbStatus, FeedStatus, FeedUrls, Imported, KEV_URL, MAX_FEED_BYTES, RETIRE_URL, UpdateFailure,
};
pub use deliveries::{FIRST_RETRY, MAX_RETRY_DELAY, RETRY_FOR, retry_delay};
pub use keys::{KEY_PREFIX, NewKey};
pub use monitors::{
    DEFAULT_CERT_DAYS, DEFAULT_MIN_SEVERITY, MAX_CERT_DAYS, MAX_MONITORS_PER_ORG, NewMonitor, Rules,
};
pub use reports::{Rendered, scan_target};
pub use scans::{ScanEvent, ScanHandle, ScanHandleParts, ScanRequest, StoredRequest};
pub use schedules::{
    MAX_SCHEDULE_TARGETS, MAX_SCHEDULES_PER_ORG, NewSchedule, ScheduleChange, Step,
};
pub use stats::{CategoryCounts, MAX_TREND, OrgStats, TargetPosture, TrendPoint, WORST_TARGETS};
pub use verify::{Verdict, Verification};
pub use webhooks::{MAX_WEBHOOKS_PER_ORG, NewWebhook};

use crate::config::Config;
use crate::engine::net::Net;
use crate::store::{Store, StoreError};
use crate::target::TargetError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The organisation the CLI and single-user servers work in.
pub const DEFAULT_ORG: &str = "default";

/// An error a caller can act on; the message says what was wrong and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    #[error(transparent)]
    InvalidTarget(#[from] TargetError),
    /// A target the scope guard refuses.
    #[error("{target}: {reason}")]
    OutOfScope { target: String, reason: String },
    #[error("no {kind} '{id}' here: {hint}")]
    NotFound {
        kind: &'static str,
        id: String,
        hint: &'static str,
    },
    /// The request conflicts with the object's state (cancelling a finished scan...).
    #[error("{0}")]
    Conflict(String),
    /// An argument is out of range or malformed.
    #[error("{0}")]
    Invalid(String),
    /// A configured limit was reached; the message names it and its value.
    #[error("{0}")]
    Limit(String),
    /// An org's scan quota is used up; the message names the quota, its value and when it frees up.
    #[error("{0}")]
    Quota(String),
    /// A scan of the same targets is already running (and the caller asked not to start a second one).
    #[error(
        "scan {scan_id} of the same targets is still running: follow it, or start another anyway with force"
    )]
    AlreadyRunning { scan_id: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why the App could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Network(String),
    /// The `[smtp]` settings cannot make a mail transport.
    #[error("{0}")]
    Mail(String),
}

/// The application: engine, store and services.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    store: Store,
    net: Arc<Net>,
    running: Mutex<HashMap<String, Arc<scans::Running>>>,
    owner: String,
    /// Held while a scan is checked against the org's quotas and recorded, so two starts cannot both take the
    /// last slot.
    starting: tokio::sync::Mutex<()>,
    /// The merged advisory database of the last scan, kept until an import changes it.
    advisories: advisories::Cache,
    /// The detection template libraries loaded so far.
    templates: templates::Loaded,
    /// The wall clock schedules are read with.
    clock: crate::scheduler::clock::Clock,
    /// Woken when a schedule is created, changed or deleted, so the scheduler looks again.
    schedules_changed: Arc<tokio::sync::Notify>,
    /// Woken when deliveries are stored, so the delivery worker sends them at once.
    deliveries_changed: Arc<tokio::sync::Notify>,
    /// Sends email alerts, when `[smtp]` is configured.
    mailer: Option<crate::scheduler::mailer::Mailer>,
    /// Set by a long-lived server ([`App::resume_interrupted`]): its scans, if it stops, are run again by the next.
    serving: std::sync::atomic::AtomicBool,
}

impl App {
    /// Opens the store (applying migrations and recovering scans interrupted by a dead process) and builds the
    /// network stack.
    pub async fn build(config: Config) -> Result<App, BuildError> {
        App::build_with_clock(config, crate::scheduler::clock::Clock::System).await
    }

    /// Like [`App::build`], reading schedules with `clock` (tests run schedules in paused tokio time).
    pub async fn build_with_clock(
        config: Config,
        clock: crate::scheduler::clock::Clock,
    ) -> Result<App, BuildError> {
        let net = Net::new(&config).map_err(BuildError::Network)?;
        let mailer = config
            .smtp
            .as_ref()
            .map(|smtp| crate::scheduler::mailer::Mailer::new(smtp, &config.network.ca_certs))
            .transpose()
            .map_err(BuildError::Mail)?;
        let store = Store::open(&config.db).await?;
        resume::recover(&store).await?;
        Ok(App {
            inner: Arc::new(Inner {
                config,
                store,
                net: Arc::new(net),
                running: Mutex::new(HashMap::new()),
                owner: owner::current(),
                starting: tokio::sync::Mutex::new(()),
                advisories: Default::default(),
                templates: Default::default(),
                clock,
                schedules_changed: Arc::new(tokio::sync::Notify::new()),
                deliveries_changed: Arc::new(tokio::sync::Notify::new()),
                mailer,
                serving: Default::default(),
            }),
        })
    }

    /// The wall clock schedules are read with.
    pub fn clock(&self) -> crate::scheduler::clock::Clock {
        self.inner.clock
    }

    /// Notified when schedules change.
    pub fn schedules_changed(&self) -> Arc<tokio::sync::Notify> {
        self.inner.schedules_changed.clone()
    }

    /// The configuration the App was built with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The store (for front ends that show where data lives).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Waits for the scans running in this process to end by themselves (a front end whose client went away lets
    /// the scans it started finish).
    pub async fn finish_running(&self) {
        self.running_ended().await;
        self.inner.store.close().await;
    }

    /// Waits until every scan running in this process when called has ended by itself.
    pub async fn running_ended(&self) {
        let running: Vec<_> = self
            .inner
            .running
            .lock()
            .expect("running lock")
            .values()
            .cloned()
            .collect();
        for r in running {
            let mut done = r.done.subscribe();
            let _ = done.wait_for(|d| *d).await;
        }
    }

    /// Stops the scans running in this process (keeping their findings), then closes the store.
    pub async fn shutdown(&self) {
        let running: Vec<_> = self
            .inner
            .running
            .lock()
            .expect("running lock")
            .values()
            .cloned()
            .collect();
        for r in running {
            r.cancel.cancel();
            let mut done = r.done.subscribe();
            let _ = done.wait_for(|d| *d).await;
        }
        self.inner.store.close().await;
    }
}

/// A short random id of lowercase letters and digits.
pub(crate) fn new_id(len: usize) -> String {
    use rand::Rng;
    const CHARS: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}
