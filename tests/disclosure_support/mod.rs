//! Test sites for the `disclosure` checks: an HTTP server on loopback serving given files, answering every other
//! path in one of the ways real sites do (404, one catch-all page, a page that echoes the path), and recording the
//! paths it was asked for.
#![allow(dead_code)]

use crate::support::{Outcome, TestApp, closed_port, http, pin_site};
use axum::Router;
use axum::body::Body;
use http::{StatusCode, Uri};
use palisade::model::Profile;
use std::sync::{Arc, Mutex};

pub const HOST: &str = "site.test";
pub const INDEX: &str = "<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1><p>Welcome.</p></body></html>";

/// One response the site serves at a path.
#[derive(Clone)]
pub struct Served {
    pub path: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// `path` answered 200 with `content_type` and `body`.
pub fn ok(path: &str, content_type: &str, body: impl Into<Vec<u8>>) -> Served {
    Served {
        path: path.into(),
        status: 200,
        headers: vec![("content-type".into(), content_type.into())],
        body: body.into(),
    }
}

impl Served {
    /// The same response with another status.
    pub fn status(mut self, status: u16) -> Served {
        self.status = status;
        self
    }

    /// The same response with one more header.
    pub fn header(mut self, name: &str, value: &str) -> Served {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// How the site answers paths it has no file for.
#[derive(Clone, Copy, PartialEq)]
pub enum Missing {
    /// 404 with a small HTML page.
    NotFound,
    /// 200 with the home page, whatever the path (an SPA or a catch-all route).
    SamePage,
    /// 200 with an HTML page that names the path and whose length changes with it (a search page).
    EchoPath,
    /// This status and HTML body.
    Page(u16, &'static str),
}

fn missing_page(missing: Missing, path: &str) -> (u16, String) {
    match missing {
        Missing::NotFound => (404, "<html><body><h1>Not Found</h1></body></html>".into()),
        Missing::SamePage => (200, INDEX.into()),
        Missing::EchoPath => {
            let items: String = (0..path.len() * 3)
                .map(|i| format!("<li>Related article {i} about our shop</li>"))
                .collect();
            let body = format!(
                "<!doctype html><html><head><title>Search</title></head><body><h1>No results for {path}</h1>\
                 <p>We looked for \"{path}\" everywhere.</p><ul>{items}</ul></body></html>"
            );
            (200, body)
        }
        Missing::Page(status, body) => (status, body.into()),
    }
}

/// The router of a test site; `/` is [`INDEX`] unless `files` serves it.
pub fn router(files: Vec<Served>, missing: Missing, hits: Arc<Mutex<Vec<String>>>) -> Router {
    let files = Arc::new(files);
    Router::new().fallback(move |uri: Uri| {
        let (files, hits) = (files.clone(), hits.clone());
        async move {
            let path = uri.path().to_string();
            hits.lock().unwrap().push(path.clone());
            let served = files
                .iter()
                .find(|f| f.path == path)
                .cloned()
                .or_else(|| (path == "/").then(|| ok("/", "text/html; charset=utf-8", INDEX)));
            let served = served.unwrap_or_else(|| {
                let (status, body) = missing_page(missing, &path);
                ok(&path, "text/html; charset=utf-8", body).status(status)
            });
            let mut resp =
                http::Response::builder().status(StatusCode::from_u16(served.status).unwrap());
            for (k, v) in &served.headers {
                resp = resp.header(k.as_str(), v.as_str());
            }
            resp.body(Body::from(served.body)).unwrap()
        }
    })
}

/// What a scan of a test site returned, and the paths the site was asked for.
pub struct Scanned {
    pub out: Outcome,
    pub hits: Vec<String>,
}

impl Scanned {
    /// How many times `path` was requested.
    pub fn count(&self, path: &str) -> usize {
        self.hits.iter().filter(|h| *h == path).count()
    }

    /// The `disclosure.` finding ids.
    pub fn ids(&self) -> Vec<&str> {
        self.out.ids_in("disclosure.")
    }

    /// The finding of `check_id` at `location` (panics with every finding if there is none).
    pub fn at(&self, check_id: &str, location: &str) -> &palisade::model::Finding {
        self.out
            .findings
            .iter()
            .find(|f| f.check_id == check_id && f.location == location)
            .unwrap_or_else(|| {
                let all: Vec<(&str, &str)> = self
                    .out
                    .findings
                    .iter()
                    .map(|f| (f.check_id.as_str(), f.location.as_str()))
                    .collect();
                panic!("no {check_id} at {location} among {all:?}")
            })
    }

    /// The evidence of that finding.
    pub fn evidence(&self, check_id: &str, location: &str) -> String {
        self.at(check_id, location)
            .evidence
            .clone()
            .unwrap_or_default()
    }
}

/// Serves `files` as `http://site.test/` (HTTPS closed) and scans it with `profile`.
pub async fn scan_site(files: Vec<Served>, missing: Missing, profile: Profile) -> Scanned {
    let hits = Arc::new(Mutex::new(Vec::new()));
    let server = http(router(files, missing, hits.clone())).await;
    let t = TestApp::new(|c| c.network.pins = pin_site(HOST, server.addr, closed_port())).await;
    let out = t.scan(&[&format!("http://{HOST}/")], profile).await;
    let hits = hits.lock().unwrap().clone();
    Scanned { out, hits }
}

/// `http://site.test` + `path`.
pub fn url(path: &str) -> String {
    format!("http://{HOST}{path}")
}

/// A home page that links or loads the given HTML fragment.
pub fn index_with(fragment: &str) -> Served {
    ok(
        "/",
        "text/html; charset=utf-8",
        format!(
            "<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>{fragment}</body></html>"
        ),
    )
}
