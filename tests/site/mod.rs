//! One test site, `site.test`, served on loopback (HTTPS with a certificate from a test CA, or plain HTTP), and
//! scans of it with a real App; plus the hardened header set the `headers` tests vary one header at a time.
#![allow(dead_code)]

use crate::support::*;
use axum::Router;
use axum::response::Response;
use palisade::lab::certs::{CertSpec, LabCa};
use palisade::model::Profile;

pub const HOST: &str = "site.test";
pub const URL: &str = "https://site.test/";
pub const HTTP_URL: &str = "http://site.test/";

/// A plain HTML page.
pub const HTML: &str =
    "<!doctype html><html><head><title>Test</title></head><body><p>Hello</p></body></html>";

/// Headers of a well-configured HTML page: each `headers` test changes one of them.
pub const HARDENED: &[(&str, &str)] = &[
    ("content-type", "text/html; charset=utf-8"),
    (
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    ),
    ("cross-origin-opener-policy", "same-origin"),
    (
        "strict-transport-security",
        "max-age=63072000; includeSubDomains",
    ),
];

/// [`HARDENED`] with each `(name, value)` of `changes` replacing the header of that name (`None` removes it,
/// a new name is added).
pub fn hardened_with(
    changes: &[(&'static str, Option<&'static str>)],
) -> Vec<(&'static str, &'static str)> {
    let mut headers: Vec<(&str, &str)> = HARDENED
        .iter()
        .filter(|(name, _)| !changes.iter().any(|(n, _)| n == name))
        .copied()
        .collect();
    headers.extend(changes.iter().filter_map(|(n, v)| v.map(|v| (*n, v))));
    headers
}

/// Scans `https://site.test/` served by `app`; plain HTTP is closed.
pub async fn scan_https(app: Router, profile: Profile) -> Outcome {
    let ca = LabCa::new("Test CA");
    let server = https(app, &ca.issue(&CertSpec::valid(&[HOST], 200))).await;
    let t = TestApp::new(|c| {
        c.network.pins = pin_site(HOST, closed_port(), server.addr);
        c.network.ca_certs.push(ca.cert_der());
    })
    .await;
    t.scan(&[URL], profile).await
}

/// Scans `http://site.test/` served by `app` over plain HTTP; HTTPS is closed.
pub async fn scan_http(app: Router, profile: Profile) -> Outcome {
    let server = http(app).await;
    let t = TestApp::new(|c| c.network.pins = pin_site(HOST, server.addr, closed_port())).await;
    t.scan(&[HTTP_URL], profile).await
}

/// Quick scan of the hardened HTTPS page with `changes` applied.
pub async fn scan_with(changes: &[(&'static str, Option<&'static str>)]) -> Outcome {
    scan_page(&hardened_with(changes), HTML).await
}

/// Quick scan of an HTTPS page answering with `headers` and `body`.
pub async fn scan_page(headers: &[(&str, &str)], body: &str) -> Outcome {
    scan_https(fixed(200, headers, body), Profile::Quick).await
}

/// The Observatory result and modifier recorded for `test` on the first target.
pub fn observed(out: &Outcome, test: &str) -> (String, i32) {
    let obs = out.scan.targets[0]
        .observatory
        .as_ref()
        .unwrap_or_else(|| panic!("no Observatory grade: {:?}", out.scan.targets[0]));
    let t = obs
        .tests
        .iter()
        .find(|t| t.test == test)
        .unwrap_or_else(|| panic!("no {test} among {:?}", obs.tests));
    (t.result.clone(), t.score_modifier)
}

/// The ids among `ids` that the scan found.
pub fn found<'a>(out: &'a Outcome, ids: &[&str]) -> Vec<&'a str> {
    out.ids()
        .into_iter()
        .filter(|id| ids.contains(id))
        .collect()
}

/// An HTML page with `headers` (the hardened set plus these) and `body`.
pub fn page(extra: &[(&'static str, &'static str)], body: &str) -> Router {
    let mut headers = HARDENED.to_vec();
    headers.extend_from_slice(extra);
    fixed(200, &headers, body)
}

/// A site whose start page links to `/account`, which answers with `headers` and `body`.
pub fn two_pages(extra: &'static [(&'static str, &'static str)], body: &'static str) -> Router {
    let html = |headers: Vec<(&'static str, &'static str)>, body: String| -> Response {
        let mut resp = http::Response::builder();
        for (k, v) in HARDENED.iter().chain(headers.iter()) {
            resp = resp.header(*k, *v);
        }
        resp.body(axum::body::Body::from(body)).unwrap()
    };
    Router::new()
        .route(
            "/",
            axum::routing::get(move || async move {
                html(
                    vec![],
                    "<html><body><a href=\"/account\">Account</a></body></html>".into(),
                )
            }),
        )
        .route(
            "/account",
            axum::routing::get(move || async move { html(extra.to_vec(), body.to_string()) }),
        )
}
