//! The advisory database as the App serves it: importing a feed file, downloading the public feeds, what is
//! loaded, and the merged database (bundled + imported) each scan matches against, rebuilt only when an import
//! changed it.

use super::{App, AppError};
use crate::advisories::import::{self, FeedKind, ImportReport};
use crate::advisories::{Advisories, Record};
use crate::engine::net::HttpRequest;
use crate::store::FeedRow;
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

/// The largest feed read, file or download.
pub const MAX_FEED_BYTES: usize = 256 * 1024 * 1024;
/// How long one feed download may take.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(120);
/// Redirects followed per download.
const MAX_REDIRECTS: usize = 5;

/// Where `palisade db update` downloads the feeds from by default.
pub const RETIRE_URL: &str =
    "https://raw.githubusercontent.com/RetireJS/retire.js/master/repository/jsrepository-v4.json";
/// CISA's KEV catalog as JSON.
pub const KEV_URL: &str =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";

/// The merged database and the stamp of the imports it was built from.
#[derive(Default)]
pub(super) struct Cache(tokio::sync::Mutex<Option<(String, Arc<Advisories>)>>);

/// What one import did.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub feed: &'static str,
    pub title: &'static str,
    pub source: String,
    pub version: Option<String>,
    /// Records the feed holds after the import.
    pub records: usize,
    #[serde(flatten)]
    pub report: ImportReport,
    pub skipped_total: usize,
    pub millis: u64,
}

/// One imported feed as `db status` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FeedStatus {
    pub feed: String,
    pub source: String,
    pub version: Option<String>,
    pub imported_at: String,
    pub records: i64,
    pub report: ImportReport,
}

/// What the scans match against.
#[derive(Debug, Clone, Serialize)]
pub struct DbStatus {
    /// Components (libraries and servers) with at least one advisory or end-of-life rule.
    pub components: usize,
    pub advisories: usize,
    pub kev_entries: usize,
    pub detection_patterns: usize,
    /// The same counts for the bundled database alone.
    pub bundled: BundledStatus,
    pub feeds: Vec<FeedStatus>,
}

/// Counts of the bundled database.
#[derive(Debug, Clone, Serialize)]
pub struct BundledStatus {
    pub components: usize,
    pub advisories: usize,
    pub kev_entries: usize,
    pub detection_patterns: usize,
}

/// Where `db update` reads each feed; `None` skips it.
#[derive(Debug, Clone)]
pub struct FeedUrls {
    pub retirejs: Option<String>,
    pub kev: Option<String>,
    pub osv: Option<String>,
}

/// A feed `db update` could not refresh (what was stored before stays).
#[derive(Debug, Clone, Serialize)]
pub struct UpdateFailure {
    pub feed: &'static str,
    pub url: String,
    pub error: String,
}

impl App {
    /// Imports a feed read from `source` (a file name or URL), replacing what the same feed stored before; all or
    /// nothing. `expect` refuses a feed of another kind.
    pub async fn import_advisories(
        &self,
        bytes: Vec<u8>,
        source: &str,
        expect: Option<FeedKind>,
    ) -> Result<Imported, AppError> {
        let started = Instant::now();
        let known = self.scan_advisories().await;
        let parsed = tokio::task::spawn_blocking(move || import::parse(&bytes, &known))
            .await
            .map_err(|e| AppError::Invalid(format!("reading {source} failed: {e}")))?
            .map_err(|e| AppError::Invalid(format!("cannot import {source}: {e}")))?;
        if let Some(kind) = expect.filter(|k| *k != parsed.kind) {
            return Err(AppError::Invalid(format!(
                "cannot import {source}: expected the {} but it is the {}",
                kind.title(),
                parsed.kind.title()
            )));
        }
        let records: Vec<(String, String)> = parsed
            .records
            .iter()
            .map(|(key, r)| {
                (
                    key.clone(),
                    serde_json::to_string(r).expect("records serialise"),
                )
            })
            .collect();
        let feed = FeedRow {
            kind: parsed.kind.as_str().to_string(),
            source: source.to_string(),
            version: parsed.version.clone(),
            imported_at: crate::time::now(),
            report: serde_json::to_string(&parsed.report).expect("reports serialise"),
            records: 0,
        };
        let store = &self.inner.store;
        store
            .save_feed(&feed, &records, parsed.kind.replaces_all())
            .await?;
        let held = store
            .feeds()
            .await?
            .into_iter()
            .find(|f| f.kind == feed.kind)
            .map_or(0, |f| f.records as usize);
        tracing::info!(
            feed = feed.kind,
            source,
            records = held,
            "advisory feed imported"
        );
        Ok(Imported {
            feed: parsed.kind.as_str(),
            title: parsed.kind.title(),
            source: source.to_string(),
            version: parsed.version,
            records: held,
            skipped_total: parsed.report.skipped_total(),
            report: parsed.report,
            millis: started.elapsed().as_millis() as u64,
        })
    }

    /// Downloads each configured feed and imports it. A feed that cannot be downloaded or read keeps what was
    /// stored before and is listed as a failure; the others are still imported.
    pub async fn update_advisories(&self, urls: &FeedUrls) -> (Vec<Imported>, Vec<UpdateFailure>) {
        let feeds = [
            (FeedKind::Retirejs, &urls.retirejs),
            (FeedKind::Kev, &urls.kev),
            (FeedKind::Osv, &urls.osv),
        ];
        let mut done = Vec::new();
        let mut failed = Vec::new();
        for (kind, url) in feeds {
            let Some(url) = url else { continue };
            let result = match self.download(url).await {
                Ok(bytes) => self
                    .import_advisories(bytes, url, Some(kind))
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(format!(
                    "cannot download {url}: {e}; what was imported before is kept (check the URL, or download \
                     the file and use palisade db import)"
                )),
            };
            match result {
                Ok(imported) => done.push(imported),
                Err(error) => failed.push(UpdateFailure {
                    feed: kind.as_str(),
                    url: url.clone(),
                    error,
                }),
            }
        }
        (done, failed)
    }

    /// GETs a feed through the scan network stack (so the scope guard applies), following a few redirects.
    pub(super) async fn download(&self, url: &str) -> Result<Vec<u8>, String> {
        let mut url = Url::parse(url).map_err(|e| format!("not a URL ({e})"))?;
        for _ in 0..=MAX_REDIRECTS {
            if !matches!(url.scheme(), "http" | "https") {
                return Err(format!("{} URLs are not supported", url.scheme()));
            }
            let req = HttpRequest::get(url.clone(), MAX_FEED_BYTES);
            let resp = tokio::time::timeout(DOWNLOAD_TIMEOUT, self.inner.net.send(&req))
                .await
                .map_err(|_| format!("no answer within {} s", DOWNLOAD_TIMEOUT.as_secs()))?
                .map_err(|e| e.to_string())?;
            if let Some(next) = resp.location().and_then(|l| url.join(l.trim()).ok()) {
                url = next;
                continue;
            }
            if resp.status != 200 {
                return Err(format!("the server answered HTTP {}", resp.status));
            }
            if resp.truncated {
                return Err(format!("it is larger than {} MiB", MAX_FEED_BYTES >> 20));
            }
            return Ok(resp.body.to_vec());
        }
        Err(format!("more than {MAX_REDIRECTS} redirects"))
    }

    /// What is loaded: the merged counts, the bundled counts, and each imported feed.
    pub async fn advisory_status(&self) -> Result<DbStatus, AppError> {
        let merged = self.scan_advisories().await;
        let bundled = Advisories::bundled();
        let feeds = self
            .inner
            .store
            .feeds()
            .await?
            .into_iter()
            .map(|f| FeedStatus {
                report: serde_json::from_str(&f.report).unwrap_or_default(),
                feed: f.kind,
                source: f.source,
                version: f.version,
                imported_at: f.imported_at,
                records: f.records,
            })
            .collect();
        let counts = |db: &Advisories| {
            let advisories = db.components().map(|c| c.advisories.len()).sum();
            let components = db
                .components()
                .filter(|c| !c.advisories.is_empty() || !c.eol.is_empty())
                .count();
            (
                components,
                advisories,
                db.kev_count(),
                db.extractors().len(),
            )
        };
        let (components, advisories, kev_entries, detection_patterns) = counts(&merged);
        let b = counts(&bundled);
        Ok(DbStatus {
            components,
            advisories,
            kev_entries,
            detection_patterns,
            bundled: BundledStatus {
                components: b.0,
                advisories: b.1,
                kev_entries: b.2,
                detection_patterns: b.3,
            },
            feeds,
        })
    }

    /// The database scans match against: bundled plus imported, rebuilt when an import changed the store. A store
    /// that cannot be read leaves the bundled database (and a warning), never a scan without advisories.
    pub async fn scan_advisories(&self) -> Arc<Advisories> {
        let store = &self.inner.store;
        let stamp = match store.feeds_stamp().await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("cannot read imported advisories, using the bundled ones: {e}");
                return Advisories::bundled();
            }
        };
        if stamp.is_empty() {
            return Advisories::bundled();
        }
        let mut cache = self.inner.advisories.0.lock().await;
        if let Some((s, db)) = cache.as_ref()
            && *s == stamp
        {
            return db.clone();
        }
        let rows = match store.feed_records().await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!("cannot read imported advisories, using the bundled ones: {e}");
                return Advisories::bundled();
            }
        };
        let db = tokio::task::spawn_blocking(move || {
            let records: Vec<Record> = rows
                .iter()
                .filter_map(|r| serde_json::from_str(r).ok())
                .collect();
            Arc::new(Advisories::build(&records))
        })
        .await
        .unwrap_or_else(|_| Advisories::bundled());
        *cache = Some((stamp, db.clone()));
        db
    }
}
