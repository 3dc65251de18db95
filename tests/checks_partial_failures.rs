//! Checks that send several requests for one kind of flaw end errored, with a count, when some of them fail: a
//! site whose chosen paths answer after the request timeout, scanned with the real App. Findings made are still
//! reported, and a finding of an earlier scan is not called fixed by a check that could not look.

mod support;

use axum::Router;
use axum::body::Body;
use http::Uri;
use palisade::model::{CoverageState, FindingStatus, Profile};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::*;

const HOST: &str = "site.test";

/// A site: `files` by path (content type, body), `slow` paths answering only after 3 s, 404 for the rest.
#[derive(Clone, Default)]
struct Site {
    files: Arc<Mutex<HashMap<String, (&'static str, String)>>>,
    slow: Arc<Mutex<Vec<String>>>,
}

impl Site {
    fn serve(&self, path: &str, content_type: &'static str, body: &str) {
        let mut files = self.files.lock().unwrap();
        files.insert(path.into(), (content_type, body.into()));
    }

    fn remove(&self, path: &str) {
        self.files.lock().unwrap().remove(path);
    }

    fn set_slow(&self, paths: &[&str]) {
        *self.slow.lock().unwrap() = paths.iter().map(|p| p.to_string()).collect();
    }

    fn router(&self) -> Router {
        let site = self.clone();
        Router::new().fallback(move |uri: Uri| {
            let site = site.clone();
            async move {
                let path = uri.path().to_string();
                if site.slow.lock().unwrap().contains(&path) {
                    tokio::time::sleep(Duration::from_secs(3)).await;
                }
                let file = site.files.lock().unwrap().get(&path).cloned();
                let (status, (ctype, body)) = match file {
                    Some(f) => (200, f),
                    None => (404, ("text/html", "<h1>Not Found</h1>".to_string())),
                };
                http::Response::builder()
                    .status(status)
                    .header("content-type", ctype)
                    .body(Body::from(body))
                    .unwrap()
            }
        })
    }
}

/// An App reaching `http://site.test/` at `server`, with a request timeout of one second.
async fn app(server: &palisade::lab::serve::Server) -> TestApp {
    TestApp::new(|c| {
        c.network.pins = pin_site(HOST, server.addr, closed_port());
        c.scan.timeout = Duration::from_secs(1);
    })
    .await
}

const ENV: &str = "APP_ENV=production\nDB_PASSWORD=Zq8rT2vLm4Xp9sNw\n";
const HOME: &str = "<!doctype html><html><body><h1>Shop</h1></body></html>";

/// Regression: `disclosure.exposures` passed unless every probe failed, so a scan in which `/.env` timed out called
/// the `.env` finding of the scan before it fixed.
#[tokio::test]
async fn exposures_passed_when_some_probes_failed() {
    let site = Site::default();
    site.serve("/", "text/html", HOME);
    site.serve("/.env", "text/plain", ENV);
    let server = http(site.router()).await;
    let t = app(&server).await;
    let url = format!("http://{HOST}/");

    // The `disclosure` findings only: the `secrets` check reports the password inside the same file.
    let fixed = |out: &Outcome| -> Vec<String> {
        let fixed = out
            .findings
            .iter()
            .filter(|f| f.status == FindingStatus::Fixed && f.check_id.starts_with("disclosure."));
        fixed.map(|f| f.check_id.clone()).collect()
    };

    // The runner's rule, on a healthy site: a finding that does not come back is fixed.
    let first = t.scan(&[&url], Profile::Standard).await;
    assert!(first.ids().contains(&"disclosure.env-exposed"));
    site.remove("/.env");
    let removed = t.scan(&[&url], Profile::Standard).await;
    assert_eq!(removed.state("disclosure.exposures"), CoverageState::Passed);
    assert_eq!(fixed(&removed), vec!["disclosure.env-exposed"]);

    site.serve("/.env", "text/plain", ENV);
    let again = t.scan(&[&url], Profile::Standard).await;
    assert_eq!(again.state("disclosure.exposures"), CoverageState::Found);

    // Now /.env and /backup.sql do not answer in time; /.git/HEAD, new, does.
    site.set_slow(&["/.env", "/backup.sql"]);
    site.serve("/.git/HEAD", "text/plain", "ref: refs/heads/main\n");
    let partial = t.scan(&[&url], Profile::Standard).await;
    assert_eq!(
        partial.state("disclosure.exposures"),
        CoverageState::Errored
    );
    let detail = partial.detail("disclosure.exposures");
    assert!(
        detail.starts_with("2 of ") && detail.ends_with(" probes failed: no response within 1s"),
        "{detail}"
    );
    assert_eq!(
        fixed(&partial),
        Vec::<String>::new(),
        "a check that could not read /.env called it fixed"
    );
    assert!(
        partial.ids().contains(&"disclosure.repository-exposed"),
        "a file that answered is still reported"
    );
}

const LISTING: &str = "<html><head><title>Index of /assets/</title></head><body><h1>Index of /assets/</h1>\
    <a href=\"../\">../</a><a href=\"/assets/site.css\">site.css</a></body></html>";

/// Regression: a directory request that failed was only logged, so `disclosure.listings` passed without having
/// looked at that directory.
#[tokio::test]
async fn listings_passed_when_a_directory_request_failed() {
    let site = Site::default();
    let home = "<!doctype html><html><head><link rel=stylesheet href=\"/assets/site.css\">\
                <script src=\"/static/js/app.js\"></script></head><body>Shop</body></html>";
    site.serve("/", "text/html", home);
    site.serve("/assets/site.css", "text/css", "body{}");
    site.serve("/static/js/app.js", "application/javascript", "let a = 1;");
    site.serve("/assets/", "text/html", LISTING);
    let server = http(site.router()).await;
    let t = app(&server).await;
    let url = format!("http://{HOST}/");

    let healthy = t.scan(&[&url], Profile::Standard).await;
    assert_eq!(healthy.state("disclosure.listings"), CoverageState::Found);

    site.set_slow(&["/static/js/"]);
    let out = t.scan(&[&url], Profile::Standard).await;
    assert_eq!(out.state("disclosure.listings"), CoverageState::Errored);
    assert_eq!(
        out.detail("disclosure.listings"),
        "1 of 3 directory requests failed: no response within 1s"
    );
    assert!(
        out.ids().contains(&"disclosure.directory-listing"),
        "the listing that answered is still reported"
    );
}

const MAP: &str = r#"{"version":3,"sources":["src/app.ts"],"names":[],"mappings":"AAAA"}"#;

/// Regression: source map requests that failed were only logged, and a script the crawl could not fetch was never
/// counted, so `disclosure.source-maps` passed without having looked for those maps.
#[tokio::test]
async fn source_maps_passed_when_a_map_or_script_request_failed() {
    let site = Site::default();
    let home = "<!doctype html><html><head><script src=\"/a.js\"></script><script src=\"/b.js\"></script>\
                <script src=\"/c.js\"></script></head><body>Shop</body></html>";
    site.serve("/", "text/html", home);
    for name in ["a", "b", "c"] {
        let script = format!("let {name} = 1;\n//# sourceMappingURL={name}.js.map\n");
        site.serve(&format!("/{name}.js"), "application/javascript", &script);
    }
    site.serve("/a.js.map", "application/json", MAP);
    let server = http(site.router()).await;
    let t = app(&server).await;
    let url = format!("http://{HOST}/");

    let healthy = t.scan(&[&url], Profile::Standard).await;
    assert_eq!(
        healthy.state("disclosure.source-maps"),
        CoverageState::Found
    );

    site.set_slow(&["/b.js.map", "/c.js"]);
    let out = t.scan(&[&url], Profile::Standard).await;
    assert_eq!(out.state("disclosure.source-maps"), CoverageState::Errored);
    assert_eq!(
        out.detail("disclosure.source-maps"),
        "2 of 3 script and source map requests failed: no response within 1s"
    );
    assert!(out.ids().contains(&"disclosure.source-map-exposed"));
}
