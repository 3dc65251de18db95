//! What a scan learns about a site once and shares between checks: fetched pages, the not-found baseline, the crawl.

use super::context::{Fetched, HostCtx};
use super::html::{self, HtmlDoc};
use super::net::{HttpRequest, HttpResponse, NetError};
pub use super::not_found::NotFound;
use super::pace::Pace;
use crate::model::Profile;
use rand::Rng;
use rand::distr::Alphanumeric;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::{Arc, LazyLock, Mutex};
use tokio::sync::{OnceCell, Semaphore};
use url::Url;

type Shared<T> = Arc<OnceCell<Result<T, NetError>>>;

/// Bytes of response bodies one scan may hold at once, whatever the number of targets scanned together and of
/// requests in flight: every body read takes its bytes from this budget before allocating them (gzip and deflate
/// bodies count their inflated bytes) and gives them back when it is dropped. A body the budget cannot hold is cut
/// where the budget ran out, and fails with a clear error when less than [`super::net::BUDGET_FLOOR`] of it could be
/// read, so the checks that needed it end errored.
pub const SCAN_BODY_BUDGET: usize = 128 * 1024 * 1024;
/// Bytes of page bodies one host may keep in its cache, so that one site cannot take the whole scan budget. Past
/// it, pages are still fetched but cut to [`OVER_BUDGET_BODY`]: enough for headers, links and the document head.
pub const HOST_BODY_BUDGET: usize = 12 * 1024 * 1024;
/// The body cap of pages fetched once a host's budget is spent.
pub const OVER_BUDGET_BODY: usize = 64 * 1024;

/// HTML documents parsed at once in the process, off the async workers: a parsed document takes several times the
/// memory of its page, and parsing a large one takes a while.
static PARSE_SLOTS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cpus = std::thread::available_parallelism().map_or(2, usize::from);
    Arc::new(Semaphore::new(cpus.clamp(1, 2)))
});

/// Reads the HTML of `resp` in a blocking task holding one of the [`PARSE_SLOTS`] (the slot stays taken until the
/// parse ends, even when the scan stopped waiting for it).
async fn parse_html(resp: &HttpResponse) -> Option<HtmlDoc> {
    // NUL bytes near the start say the body is not text (a decompression bomb of zeros, a binary file served as
    // HTML): there is nothing for the parser to find in it.
    if resp.body.iter().take(1024).any(|&b| b == 0) {
        return None;
    }
    let slot = PARSE_SLOTS.clone().acquire_owned().await.ok()?;
    let (body, url) = (resp.body.clone(), resp.url.clone());
    tokio::task::spawn_blocking(move || {
        let doc = html::parse(&String::from_utf8_lossy(&body), &url);
        drop(slot);
        doc
    })
    .await
    .ok()
}

/// Per-host caches; each entry is fetched once per scan however many checks ask.
#[derive(Default)]
pub struct Site {
    pages: Mutex<HashMap<String, Shared<Arc<Page>>>>,
    body_bytes: std::sync::atomic::AtomicUsize,
    not_found: OnceCell<Result<Arc<NotFound>, NetError>>,
    crawl: OnceCell<Arc<Crawl>>,
    probes: Mutex<HashMap<String, Shared<Arc<HttpResponse>>>>,
    exchanges: Mutex<HashMap<String, Shared<Arc<Fetched>>>>,
}

/// A fetched page, with its HTML read once.
#[derive(Debug)]
pub struct Page {
    pub fetched: Fetched,
    pub html: Option<HtmlDoc>,
}

impl Page {
    /// The final response.
    pub fn resp(&self) -> &HttpResponse {
        &self.fetched.resp
    }

    /// The final URL after redirects.
    pub fn url(&self) -> &Url {
        &self.fetched.resp.url
    }
}

/// The pages, scripts and stylesheets a bounded crawl of the site reached.
#[derive(Debug, Default)]
pub struct Crawl {
    pub pages: Vec<Arc<Page>>,
    pub scripts: Vec<Arc<Page>>,
    pub stylesheets: Vec<Arc<Page>>,
    /// Fetches that failed (not answers like 404: no answer at all), and how many were tried.
    pub failures: Vec<NetError>,
    pub attempted: usize,
}

impl Crawl {
    /// Why a check that read this crawl did not see all of it, if it did not.
    pub fn shortfall(&self) -> Option<String> {
        let first = self.failures.first()?;
        Some(format!(
            "{} of {} crawled pages and assets could not be fetched: {first}",
            self.failures.len(),
            self.attempted
        ))
    }

    fn note(&mut self, result: &Result<Arc<Page>, NetError>) {
        self.attempted += 1;
        if let Err(e) = result
            && !matches!(e, NetError::Cancelled)
        {
            self.failures.push(e.clone());
        }
    }
}

/// Crawl bounds per profile: (pages, scripts and stylesheets).
fn crawl_limits(profile: Profile) -> (usize, usize) {
    match profile {
        Profile::Quick => (1, 0),
        Profile::Standard => (12, 25),
        Profile::Deep => (60, 80),
    }
}

/// Words in a link that suggest following it changes something: the crawler never follows those.
const UNSAFE_LINK_WORDS: &[&str] = &[
    "logout",
    "log-out",
    "signout",
    "sign-out",
    "delete",
    "remove",
    "destroy",
    "unsubscribe",
    "revoke",
    "reset",
];

const NON_PAGE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "pdf", "zip", "gz", "tar", "mp4", "mp3",
    "webm", "woff", "woff2", "ttf", "eot", "css", "js", "map", "json", "xml", "txt", "dmg", "exe",
    "iso",
];

/// True if `url` is a page the crawler may request: no word in it suggests that following it changes something
/// (logout, delete...), and it does not name a file type that is not a page.
pub(crate) fn crawlable(url: &Url) -> bool {
    let lower = url.as_str().to_ascii_lowercase();
    if UNSAFE_LINK_WORDS.iter().any(|w| lower.contains(w)) {
        return false;
    }
    let ext = url
        .path()
        .rsplit('/')
        .next()
        .and_then(|last| last.rsplit_once('.'))
        .map(|(_, e)| e.to_string());
    !ext.is_some_and(|e| NON_PAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// True if both URLs have the same scheme, host and port.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// A random path that no site has.
pub fn random_path(prefix: &str) -> String {
    let token: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(12)
        .map(char::from)
        .collect();
    format!("/{prefix}{}", token.to_ascii_lowercase())
}

impl HostCtx {
    /// GETs `url` once per scan and reads its HTML; later calls share the result. The target URL follows redirects
    /// anywhere (as a browser would); every other page follows them only within its own host.
    pub async fn page(&self, url: &Url) -> Result<Arc<Page>, NetError> {
        let cell = {
            let mut pages = self.site.pages.lock().expect("page cache lock");
            pages.entry(url.as_str().to_string()).or_default().clone()
        };
        let mut fresh = false;
        let result = cell
            .get_or_init(|| {
                fresh = true;
                async {
                    // The host's share is taken before the fetch (pages are fetched many at once) and the unused part given
                    // back after it.
                    let max = self.scan.settings.max_body;
                    let share = |used: usize| max.min(HOST_BODY_BUDGET.saturating_sub(used));
                    let taken = self
                        .site
                        .body_bytes
                        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                            (share(used) > OVER_BUDGET_BODY).then(|| used + share(used))
                        })
                        .map_or(0, share);
                    let cap = taken.max(OVER_BUDGET_BODY.min(max));
                    let req = HttpRequest::get(url.clone(), cap);
                    let fetched = if url == self.target.url() {
                        self.fetch(req).await
                    } else {
                        self.fetch_same_host(req).await
                    };
                    let kept = fetched.as_ref().map_or(0, |f| f.resp.body.len());
                    self.site
                        .body_bytes
                        .fetch_sub(taken.saturating_sub(kept), Ordering::Relaxed);
                    let fetched = fetched?;
                    let html = match fetched.resp.is_html() {
                        true => parse_html(&fetched.resp).await,
                        false => None,
                    };
                    Ok(Arc::new(Page { fetched, html }))
                }
            })
            .await
            .clone();
        super::tally::note_cached(fresh, &result);
        result
    }

    /// A page already fetched (or failed) in this scan, without fetching it.
    pub fn cached_page(&self, url: &Url) -> Option<Result<Arc<Page>, NetError>> {
        let pages = self.site.pages.lock().expect("page cache lock");
        pages.get(url.as_str()).and_then(|cell| cell.get().cloned())
    }

    /// The target's start page (the target URL, redirects followed).
    pub async fn start_page(&self) -> Result<Arc<Page>, NetError> {
        self.page(self.target.url()).await
    }

    /// The root of the origin the start page ended on, or the target's own root if the start page failed.
    ///
    /// Only a redirect within the target's own host counts (http to https, another path): a start page that
    /// redirects to another host (a login service, a CDN, a parking page) does not make that host the one probed.
    pub async fn origin(&self) -> Url {
        let base = match self.start_page().await {
            Ok(page) if page.url().host_str() == self.target.url().host_str() => page.url().clone(),
            _ => self.target.url().clone(),
        };
        base.join("/").unwrap_or(base)
    }

    /// The HTTPS `(host, port)` of the site: the target's, the one its HTTP start page redirected to, or port 443
    /// of an HTTP target on port 80. `None` when it cannot be known.
    pub async fn https_origin(&self) -> Option<(String, u16)> {
        if self.target.scheme() == "https" {
            return Some((self.target.host(), self.target.port()));
        }
        if let Ok(page) = self.start_page().await {
            let url = page.url();
            if url.scheme() == "https" && url.host_str().is_some() {
                let host = url
                    .host_str()
                    .unwrap_or_default()
                    .trim_matches(['[', ']'])
                    .to_string();
                return Some((host, url.port_or_known_default().unwrap_or(443)));
            }
        }
        (self.target.port() == 80).then(|| (self.target.host(), 443))
    }

    /// The plain-HTTP root of the site, when it can be known (an HTTP target, or an HTTPS target on port 443).
    pub fn http_origin(&self) -> Option<Url> {
        let mut url = self.target.url().join("/").ok()?;
        if self.target.scheme() == "http" {
            return Some(url);
        }
        if self.target.port() != 443 {
            return None;
        }
        url.set_scheme("http").ok()?;
        Some(url)
    }

    /// GETs `url` once per scan without following redirects: a probe of a well-known path that several checks read
    /// (the `disclosure` check verifies that a `.env` file is served, the `secrets` check reads what is in it).
    /// The first caller's body cap applies.
    pub async fn probe(&self, url: &Url, max_body: usize) -> Result<Arc<HttpResponse>, NetError> {
        let cell = {
            let mut probes = self.site.probes.lock().expect("probe cache lock");
            probes.entry(url.as_str().to_string()).or_default().clone()
        };
        let mut fresh = false;
        let result = cell
            .get_or_init(|| {
                fresh = true;
                async {
                    let req = HttpRequest::get(url.clone(), max_body);
                    self.request(&req).await.map(Arc::new)
                }
            })
            .await
            .clone();
        super::tally::note_cached(fresh, &result);
        result
    }

    /// Sends `req` once per scan for `key` (a string naming the method, URL, headers and redirect rule), following
    /// redirects within the host when `follow`; later calls with the same key share the answer (templates that send
    /// the same request). Returns whether this call sent it.
    pub async fn exchange(
        &self,
        key: String,
        req: HttpRequest,
        follow: bool,
    ) -> (Result<Arc<Fetched>, NetError>, bool) {
        let cell = {
            let mut exchanges = self.site.exchanges.lock().expect("exchange cache lock");
            exchanges.entry(key).or_default().clone()
        };
        let mut fresh = false;
        let result = cell
            .get_or_init(|| {
                fresh = true;
                async {
                    let fetched = match follow {
                        true => self.fetch_same_host(req).await?,
                        false => Fetched {
                            resp: self.request(&req).await?,
                            hops: Vec::new(),
                        },
                    };
                    Ok(Arc::new(fetched))
                }
            })
            .await
            .clone();
        super::tally::note_cached(fresh, &result);
        (result, fresh)
    }

    /// How the site answers a path that does not exist (measured once, without following redirects).
    pub async fn not_found(&self) -> Result<Arc<NotFound>, NetError> {
        let mut fresh = false;
        let result = self
            .site
            .not_found
            .get_or_init(|| {
                fresh = true;
                async {
                    let path = random_path("palisade-");
                    let url = self.site_url(&self.origin().await, &path);
                    let resp = self.request(&HttpRequest::get(url, 256 * 1024)).await?;
                    Ok(Arc::new(NotFound::of(&resp, path)))
                }
            })
            .await
            .clone();
        super::tally::note_cached(fresh, &result);
        result
    }

    /// A bounded breadth-first crawl of same-origin links from the start page, with the scripts and stylesheets
    /// those pages load from the same origin. Computed once per scan.
    /// Fails with the start page's error when the start page could not be fetched: an empty crawl must never
    /// look like a site without problems.
    pub async fn crawl(&self) -> Result<Arc<Crawl>, NetError> {
        let start = self.start_page().await?;
        Ok(self
            .site
            .crawl
            .get_or_init(|| self.run_crawl(start))
            .await
            .clone())
    }

    /// The crawl, if it has been made.
    pub fn crawled(&self) -> Option<Arc<Crawl>> {
        self.site.crawl.get().cloned()
    }

    async fn run_crawl(&self, start: Arc<Page>) -> Arc<Crawl> {
        let (max_pages, max_assets) = crawl_limits(self.profile());
        let mut crawl = Crawl::default();
        let origin = self.origin().await;
        let mut seen: HashSet<String> = HashSet::from([start.url().as_str().to_string()]);
        let mut queue: VecDeque<Url> = VecDeque::new();
        let mut assets: Vec<(Url, bool)> = Vec::new();
        let mut asset_seen: HashSet<String> = HashSet::new();
        let mut frontier = vec![start];
        let mut pace = Pace::new();
        while !frontier.is_empty() {
            for page in frontier.drain(..) {
                pace.tick().await;
                let Some(doc) = &page.html else { continue };
                for link in &doc.links {
                    if same_origin(link, &origin)
                        && crawlable(link)
                        && seen.insert(link.as_str().to_string())
                    {
                        queue.push_back(link.clone());
                    }
                }
                let scripts = doc
                    .scripts
                    .iter()
                    .filter_map(|s| s.src.clone())
                    .map(|u| (u, true));
                let styles = doc.stylesheets.iter().map(|s| (s.href.clone(), false));
                for (url, is_script) in scripts.chain(styles) {
                    if same_origin(&url, &origin) && asset_seen.insert(url.as_str().to_string()) {
                        assets.push((url, is_script));
                    }
                }
                crawl.pages.push(page);
            }
            let room = max_pages.saturating_sub(crawl.pages.len());
            let batch: Vec<Url> = (0..room).map_while(|_| queue.pop_front()).collect();
            let fetched = futures::future::join_all(batch.iter().map(|u| self.page(u))).await;
            fetched.iter().for_each(|r| crawl.note(r));
            frontier = fetched
                .into_iter()
                .flatten()
                .filter(|p| p.html.is_some() && same_origin(p.url(), &origin))
                .collect();
        }
        assets.truncate(max_assets);
        let fetched = futures::future::join_all(assets.iter().map(|(u, _)| self.page(u))).await;
        fetched.iter().for_each(|r| crawl.note(r));
        for ((_, is_script), page) in assets.iter().zip(fetched) {
            match (page, is_script) {
                (Ok(p), true) if p.resp().status == 200 => crawl.scripts.push(p),
                (Ok(p), false) if p.resp().status == 200 => crawl.stylesheets.push(p),
                _ => {}
            }
        }
        Arc::new(crawl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crawler_avoids_links_that_change_state_and_non_pages() {
        let ok = Url::parse("https://s.test/about").unwrap();
        assert!(crawlable(&ok));
        for bad in [
            "https://s.test/logout",
            "https://s.test/account/delete?id=1",
            "https://s.test/a.pdf",
            "https://s.test/app.js",
        ] {
            assert!(!crawlable(&Url::parse(bad).unwrap()), "{bad}");
        }
    }
}
