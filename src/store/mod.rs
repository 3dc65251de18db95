//! The store: every SQL statement of the program, behind functions named for what they do (SQLite in WAL mode;
//! migrations from `migrations/` applied at open). Callers never see SQL, so a second backend can replace this one.

mod advisories;
mod findings;
mod keys;
mod monitors;
mod quota;
mod resume;
mod scans;
mod schedules;
mod stats;
mod targets;
mod webhooks;

pub use advisories::FeedRow;
pub use findings::{FindingFilter, PagePos};
pub use quota::OrgLoad;
pub use resume::{Liveness, Recovered, Resumable};
pub use scans::{NewScan, ScanProgress};
pub use schedules::RunOutcome;
pub use stats::{LatestTarget, ScanMark};
pub use webhooks::{Attempt, DueDelivery};

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A store failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database cannot be opened or created where configured.
    #[error(
        "cannot use the database at {path}: {reason}; set --db or PALISADE_DB to a writable file"
    )]
    Open { path: PathBuf, reason: String },
    /// A statement failed (disk full, file removed, locked for too long...).
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A stored value could not be read back (a bug or a hand-edited database).
    #[error("the database holds a value palisade cannot read: {0}")]
    Corrupt(String),
}

/// The database handle; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
    /// Counts of ended scans, which no longer change: read once, then answered from memory.
    ended: std::sync::Arc<std::sync::Mutex<EndedCounts>>,
}

/// Memoised counts of ended scans, bounded (cleared when full).
#[derive(Default)]
pub(crate) struct EndedCounts {
    /// Per scan: (severity counts, fixed, per-target counts).
    pub scans: std::collections::HashMap<String, scans::Counted>,
    /// Per scan and filter: how many findings match.
    pub matches: std::collections::HashMap<(String, String), u64>,
}

impl EndedCounts {
    /// Entries kept before the cache starts over.
    pub const MAX: usize = 10_000;
}

impl Store {
    /// Opens (creating if needed) the database at `path` and applies migrations.
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        let open_err = |reason: String| StoreError::Open {
            path: path.to_path_buf(),
            reason,
        };
        if path.is_dir() {
            return Err(open_err("it is a directory".into()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| open_err(format!("cannot create {}: {e}", dir.display())))?;
        }
        // Processes opening the same new database at once race on the switch to WAL and on migrations ("table
        // already exists", "database is locked"): an advisory lock on a file beside it serialises opening.
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("palisade.db");
        let lock_path = path.with_file_name(format!("{name}.lock"));
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| open_err(format!("cannot create {}: {e}", lock_path.display())))?;
        let _guard = tokio::task::spawn_blocking(move || lock.lock().map(|_| lock))
            .await
            .map_err(|e| open_err(e.to_string()))?
            .map_err(|e| open_err(format!("cannot lock {}: {e}", lock_path.display())))?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| open_err(sqlite_reason(&e)))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| open_err(e.to_string()))?;
        Ok(Store {
            pool,
            path: path.to_path_buf(),
            ended: Default::default(),
        })
    }

    /// A transaction that takes the write lock at its start (`BEGIN IMMEDIATE`), waiting for it as long as the
    /// busy timeout allows. A deferred one that reads first and then writes fails at once with "database is locked"
    /// when another process (a server beside a CLI command) wrote in between, as SQLite cannot upgrade a read
    /// snapshot that has gone stale.
    pub(crate) async fn write_tx(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes the pool, waiting for statements in flight.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn sqlite_reason(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

fn parse<T: std::str::FromStr<Err = String>>(s: &str) -> Result<T, StoreError> {
    s.parse().map_err(corrupt)
}
