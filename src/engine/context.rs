//! What a running check sees: the scan's shared parts, its host's limits and caches, and the way to report findings.

use super::EngineEvent;
use super::limits::HostLimiter;
use super::net::{HttpRequest, HttpResponse, Net, NetError};
use super::registry::{Check, Rule};
use super::site::Site;
use crate::config::ScanSettings;
use crate::model::{ObservatoryTest, Profile};
use crate::target::TargetUrl;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use url::Url;

pub use super::draft::{Draft, OwnedRule, fingerprint, truncate};
pub use super::redaction::redact;

/// Redirects followed at most for one fetch.
pub const MAX_REDIRECTS: usize = 10;

/// Parts shared by every host of one scan.
pub struct ScanCtx {
    pub scan_id: String,
    pub net: Arc<Net>,
    /// The advisory database (bundled and imported) the `components` checks match against.
    pub advisories: Arc<crate::advisories::Advisories>,
    pub settings: ScanSettings,
    pub profile: Profile,
    pub cancel: CancellationToken,
    /// The bytes of response bodies the whole scan may hold at once (see [`super::site::SCAN_BODY_BUDGET`]).
    pub bodies: super::net::BodyBudget,
    /// The detection templates this scan runs (see `checks::templates`).
    pub templates: Arc<[Arc<crate::templates::Template>]>,
    pub(super) events: mpsc::Sender<EngineEvent>,
    pub(super) live: Arc<super::live::Live>,
}

/// Which redirects a fetch follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Redirects {
    Anywhere,
    SameHost,
}

/// One redirect followed.
#[derive(Debug, Clone)]
pub struct Hop {
    pub url: Url,
    pub status: u16,
    pub location: String,
}

/// A response and the redirects that led to it.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub resp: HttpResponse,
    pub hops: Vec<Hop>,
}

/// One target of a scan, with its limits, caches and Observatory results.
pub struct HostCtx {
    pub scan: Arc<ScanCtx>,
    pub index: usize,
    pub target_id: String,
    pub target: TargetUrl,
    pub limiter: HostLimiter,
    pub site: Site,
    /// Whether the name has an address, found before the checks start (see [`super::reach`]).
    pub reach: super::reach::Reach,
    observatory: Mutex<Vec<ObservatoryTest>>,
    certificate: Mutex<Option<crate::model::CertificateSeen>>,
}

impl HostCtx {
    pub(super) fn new(
        scan: Arc<ScanCtx>,
        index: usize,
        target_id: String,
        target: TargetUrl,
    ) -> HostCtx {
        let s = &scan.settings;
        HostCtx {
            limiter: HostLimiter::new(s.concurrency, s.rate, s.error_budget),
            scan,
            index,
            target_id,
            target,
            site: Site::default(),
            reach: super::reach::Reach::Open,
            observatory: Mutex::new(Vec::new()),
            certificate: Mutex::new(None),
        }
    }

    /// The scan profile.
    pub fn profile(&self) -> Profile {
        self.scan.profile
    }

    /// Sends one request under the host's limits and the request timeout. Never follows redirects.
    pub async fn request(&self, req: &HttpRequest) -> Result<HttpResponse, NetError> {
        if self.scan.cancel.is_cancelled() {
            return Err(NetError::Cancelled);
        }
        let _permit = self
            .limiter
            .acquire()
            .await
            .inspect_err(|e| super::tally::note(&Err::<(), _>(e.clone())))?;
        self.scan.live.sent();
        let timeout = self.scan.settings.timeout;
        let result = tokio::select! {
            _ = self.scan.cancel.cancelled() => Err(NetError::Cancelled),
            r = tokio::time::timeout(timeout, self.scan.net.send_within(req, Some(&self.scan.bodies))) => r.unwrap_or(Err(NetError::Timeout(timeout))),
        };
        self.limiter.record(&result);
        super::tally::note(&result);
        tracing::trace!(method = %req.method, url = %req.url, status = result.as_ref().map(|r| r.status).ok(), "request");
        result
    }

    /// Completes a TLS handshake with `host:port` under the host's limits and the request timeout (it counts as a
    /// request sent).
    pub async fn tls_handshake(
        &self,
        host: &str,
        port: u16,
    ) -> Result<super::net::tls::Handshake, NetError> {
        if self.scan.cancel.is_cancelled() {
            return Err(NetError::Cancelled);
        }
        let _permit = self
            .limiter
            .acquire()
            .await
            .inspect_err(|e| super::tally::note(&Err::<(), _>(e.clone())))?;
        self.scan.live.sent();
        let timeout = self.scan.settings.timeout;
        let result = tokio::time::timeout(timeout, self.scan.net.tls_handshake(host, port))
            .await
            .unwrap_or(Err(NetError::Timeout(timeout)));
        self.limiter.record(&result);
        super::tally::note(&result);
        result
    }

    /// Sends a request and follows up to [`MAX_REDIRECTS`] redirects (as GETs), each hop under the scope guard.
    pub async fn fetch(&self, req: HttpRequest) -> Result<Fetched, NetError> {
        self.follow(req, Redirects::Anywhere).await
    }

    /// Like [`HostCtx::fetch`], but a redirect to another host is returned as it is, not followed.
    pub async fn fetch_same_host(&self, req: HttpRequest) -> Result<Fetched, NetError> {
        self.follow(req, Redirects::SameHost).await
    }

    async fn follow(&self, req: HttpRequest, policy: Redirects) -> Result<Fetched, NetError> {
        let mut hops = Vec::new();
        let mut req = req;
        loop {
            let resp = self.request(&req).await?;
            let Some(location) = resp.location() else {
                return Ok(Fetched { resp, hops });
            };
            let Ok(next) = resp.url.join(location.trim()) else {
                return Ok(Fetched { resp, hops });
            };
            let off_host = next.host_str() != req.url.host_str();
            if !matches!(next.scheme(), "http" | "https")
                || (policy == Redirects::SameHost && off_host)
            {
                return Ok(Fetched { resp, hops });
            }
            if hops.len() >= MAX_REDIRECTS {
                return Err(NetError::TooManyRedirects(MAX_REDIRECTS));
            }
            if next == req.url || hops.iter().any(|h: &Hop| h.url == next) {
                return Err(NetError::RedirectLoop(next.to_string()));
            }
            hops.push(Hop {
                url: resp.url.clone(),
                status: resp.status,
                location,
            });
            req.url = next;
            if req.method != http::Method::HEAD {
                req.method = http::Method::GET;
            }
            // A redirect is followed as a GET (or HEAD): a POST's body is not sent again.
            req.body = None;
        }
    }

    /// A GET of `url` with the scan's body cap, following redirects.
    pub async fn get(&self, url: Url) -> Result<Fetched, NetError> {
        self.fetch(HttpRequest::get(url, self.scan.settings.max_body))
            .await
    }

    /// The request URL for `path` on the origin the start page ended at (or the target's, if that failed).
    pub fn site_url(&self, origin: &Url, path: &str) -> Url {
        origin.join(path).unwrap_or_else(|_| origin.clone())
    }

    /// Records one Observatory test result for this target.
    pub fn observe(&self, test: &str, result: &str, score_modifier: i32) {
        let mut tests = self.observatory.lock().expect("observatory lock");
        tests.retain(|t| t.test != test);
        tests.push(ObservatoryTest {
            test: test.to_string(),
            result: result.to_string(),
            score_modifier,
            pass: score_modifier >= 0,
        });
    }

    /// The Observatory tests recorded so far.
    pub fn observatory_tests(&self) -> Vec<ObservatoryTest> {
        self.observatory.lock().expect("observatory lock").clone()
    }

    /// Records the certificate the site's HTTPS address presented.
    pub fn saw_certificate(&self, cert: crate::model::CertificateSeen) {
        *self.certificate.lock().expect("certificate lock") = Some(cert);
    }

    /// The certificate recorded, if the TLS check read one.
    pub fn certificate(&self) -> Option<crate::model::CertificateSeen> {
        self.certificate.lock().expect("certificate lock").clone()
    }
}

/// What one running check sees: its host and a way to report.
pub struct CheckCtx {
    pub host: Arc<HostCtx>,
    pub check: &'static Check,
    found: AtomicU32,
    read_crawl: std::sync::atomic::AtomicBool,
    note: Mutex<Option<String>>,
}

impl std::ops::Deref for CheckCtx {
    type Target = HostCtx;
    fn deref(&self) -> &HostCtx {
        &self.host
    }
}

impl CheckCtx {
    pub(super) fn new(host: Arc<HostCtx>, check: &'static Check) -> CheckCtx {
        CheckCtx {
            host,
            check,
            found: AtomicU32::new(0),
            read_crawl: std::sync::atomic::AtomicBool::new(false),
            note: Mutex::new(None),
        }
    }

    /// Says what the check did, shown with its coverage when it passed or found something (how many templates ran).
    pub fn note(&self, text: impl Into<String>) {
        *self.note.lock().expect("note lock") = Some(text.into());
    }

    /// What [`CheckCtx::note`] said.
    pub fn noted(&self) -> Option<String> {
        self.note.lock().expect("note lock").clone()
    }

    /// Starts a finding whose id and words are given here rather than by a compiled-in rule (a template's).
    pub fn owned_finding(&self, owned: OwnedRule, location: impl Into<String>) -> Draft {
        Draft::owned(self.check.rules[0], owned, location.into())
    }

    /// The host's crawl (see [`HostCtx::crawl`]), noting that this check read it: a check that read a crawl with
    /// failed fetches did not see the whole site, so it ends errored rather than passed.
    pub async fn crawl(&self) -> Result<Arc<super::site::Crawl>, NetError> {
        self.read_crawl.store(true, Ordering::Relaxed);
        self.host.crawl().await
    }

    /// What a check that read the crawl missed, if anything.
    pub fn crawl_shortfall(&self) -> Option<String> {
        if !self.read_crawl.load(Ordering::Relaxed) {
            return None;
        }
        self.host.crawled().and_then(|c| c.shortfall())
    }

    /// Findings this check reported.
    pub fn found(&self) -> u32 {
        self.found.load(Ordering::Relaxed)
    }

    /// Starts a finding of `rule` at `location`.
    pub fn finding(&self, rule: &'static Rule, location: impl Into<String>) -> Draft {
        Draft::new(rule, location.into())
    }

    /// Reports a finding now: it goes to the store and every listener while the scan runs on.
    pub async fn report(&self, draft: Draft) {
        let finding = draft.build(&self.host);
        self.found.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(
            check = finding.check_id,
            location = finding.location,
            "finding"
        );
        let _ = self
            .scan
            .events
            .send(EngineEvent::Finding(self.index, Box::new(finding)))
            .await;
    }
}
