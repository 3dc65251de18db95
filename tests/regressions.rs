//! Regression tests for bugs found in review, named after the bug.

mod support;

use palisade::app::{DEFAULT_ORG, ScanEvent, ScanRequest};
use palisade::engine::INCOMPLETE;
use palisade::lab::certs::{CertSpec, self_signed};
use palisade::model::{FindingStatus, Profile, ScanStatus};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use support::hostile::{Behaviour, start};
use support::*;

#[tokio::test]
async fn two_targets_on_one_host_each_keep_the_host_findings() {
    let server = https(
        fixed(200, &[], "<html>shop</html>"),
        &self_signed(&CertSpec::valid(&["shop.test"], 200)),
    )
    .await;
    let t =
        TestApp::new(|c| c.network.pins = pin_site("shop.test", closed_port(), server.addr)).await;
    let out = t
        .scan(
            &["https://shop.test/", "https://shop.test/app"],
            Profile::Quick,
        )
        .await;
    for target in &out.scan.targets {
        let theirs: Vec<&str> = out
            .findings
            .iter()
            .filter(|f| f.target_id == target.target_id)
            .map(|f| f.check_id.as_str())
            .collect();
        assert!(
            theirs.contains(&"tls.cert-self-signed"),
            "{}: {theirs:?}",
            target.url
        );
        assert_eq!(
            target.counts.total() as usize,
            theirs.len(),
            "stored counts match the stored findings"
        );
    }
}

/// A site with a directory listing whose server can be switched to speak broken HTTP.
fn listing_site(broken: Arc<AtomicBool>) -> axum::Router {
    axum::Router::new().fallback(move |uri: http::Uri| {
        let broken = broken.load(Ordering::SeqCst);
        async move {
            if broken {
                return http::Response::builder()
                    .status(500)
                    .body(axum::body::Body::from("down"))
                    .unwrap();
            }
            let body = match uri.path() {
                "/" => "<html><body><a href=\"/docs/\">docs</a></body></html>",
                "/docs/" => {
                    "<html><head><title>Index of /docs</title></head><body><h1>Index of /docs</h1>\
                            <a href=\"/docs/q3-report.pdf\">q3-report.pdf</a></body></html>"
                }
                _ => "<html>nothing here</html>",
            };
            let status = if matches!(uri.path(), "/" | "/docs/") {
                200
            } else {
                404
            };
            http::Response::builder()
                .status(status)
                .header("content-type", "text/html")
                .body(axum::body::Body::from(body))
                .unwrap()
        }
    })
}

#[tokio::test]
async fn a_site_that_is_down_in_a_standard_scan_gets_nothing_marked_fixed() {
    let broken = Arc::new(AtomicBool::new(false));
    let server = http(listing_site(broken.clone())).await;
    let down = start(Behaviour::BrokenHead).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let up = TestApp::new(|c| {
        c.db = db.clone();
        c.network.pins = pin_site("docs.test", server.addr, closed_port());
    })
    .await;
    let first = up.scan(&["http://docs.test/"], Profile::Standard).await;
    assert!(
        first.ids().contains(&"disclosure.directory-listing"),
        "{:?}",
        first.ids()
    );
    let later = TestApp::new(|c| {
        c.db = db.clone();
        c.network.pins = pin_site("docs.test", down.addr, closed_port());
    })
    .await;
    let second = later.scan(&["http://docs.test/"], Profile::Standard).await;
    assert!(second.scan.targets[0].error.is_some(), "the site is down");
    let fixed: Vec<&str> = second
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Fixed)
        .map(|f| f.check_id.as_str())
        .collect();
    assert!(
        fixed.is_empty(),
        "nothing can be called fixed on a site that did not answer: {fixed:?}"
    );
    assert_ne!(
        second.state("disclosure.listings"),
        palisade::model::CoverageState::Passed
    );
}

#[tokio::test]
async fn a_quick_scan_does_not_make_the_next_standard_scan_call_old_findings_new() {
    let server = http(listing_site(Arc::new(AtomicBool::new(false)))).await;
    let t =
        TestApp::new(|c| c.network.pins = pin_site("docs.test", server.addr, closed_port())).await;
    let standard = t.scan(&["http://docs.test/"], Profile::Standard).await;
    assert_eq!(
        standard.finding("disclosure.directory-listing").status,
        FindingStatus::New
    );
    let quick = t.scan(&["http://docs.test/"], Profile::Quick).await;
    assert!(
        quick
            .findings
            .iter()
            .all(|f| f.status != FindingStatus::Fixed),
        "a quick scan does not run the listing check, so it fixes nothing"
    );
    let again = t.scan(&["http://docs.test/"], Profile::Standard).await;
    assert_eq!(
        again.finding("disclosure.directory-listing").status,
        FindingStatus::Unchanged
    );
}

#[tokio::test]
async fn probes_do_not_follow_the_start_page_to_another_host() {
    let probed = Arc::new(AtomicUsize::new(0));
    let counter = probed.clone();
    let other = http(axum::Router::new().fallback(move |uri: http::Uri| {
        if uri.path() != "/login" {
            counter.fetch_add(1, Ordering::SeqCst);
        }
        async { "<html>login service</html>" }
    }))
    .await;
    let start_page = http(fixed(302, &[("location", "http://login.test/login")], "")).await;
    let t = TestApp::new(|c| {
        c.network.pins = [
            pin_site("app.test", start_page.addr, closed_port()),
            pin_site("login.test", other.addr, closed_port()),
        ]
        .concat();
    })
    .await;
    t.scan(&["http://app.test/"], Profile::Standard).await;
    assert_eq!(
        probed.load(Ordering::SeqCst),
        0,
        "the other host only received the redirected start page"
    );
}

#[tokio::test]
async fn a_cancelled_scan_does_not_grade_the_targets_it_cut_short() {
    let slow = start(Behaviour::Silent).await;
    let t = TestApp::new(|c| {
        c.scan.timeout = Duration::from_secs(30);
        c.network.pins = pin_site("slow.test", closed_port(), slow.addr);
    })
    .await;
    let request = ScanRequest {
        targets: vec!["https://slow.test/".into()],
        ..Default::default()
    };
    let mut handle = t.app.start_scan(DEFAULT_ORG, request).await.unwrap();
    // Let some checks finish (those that need no answer from the site), then cancel.
    while let Ok(event) = handle.events.recv().await {
        if matches!(event, ScanEvent::Progress { .. }) {
            break;
        }
    }
    let scan = t
        .app
        .cancel_scan(DEFAULT_ORG, &handle.scan.id)
        .await
        .unwrap();
    assert_eq!(scan.status, ScanStatus::Cancelled);
    let target = &scan.targets[0];
    assert_eq!(
        (target.risk_grade.as_deref(), target.security_score),
        (None, None)
    );
    assert_eq!(target.error.as_deref(), Some(INCOMPLETE));
}

#[tokio::test]
async fn the_budget_message_counts_checks_that_finished() {
    let slow = start(Behaviour::Silent).await;
    let t = TestApp::new(|c| {
        c.scan.timeout = Duration::from_secs(30);
        c.scan.budget = Duration::from_secs(1);
        c.network.pins = pin_site("slow.test", closed_port(), slow.addr);
    })
    .await;
    let out = t.scan(&["https://slow.test/"], Profile::Standard).await;
    let error = out.scan.error.clone().unwrap();
    let finished = out
        .coverage
        .iter()
        .filter(|c| c.detail.as_deref() != Some(palisade::engine::registry::STOPPED))
        .count();
    assert!(finished < out.coverage.len(), "some checks were cut short");
    assert!(
        error.contains(&format!(
            "with {finished} of {} checks finished",
            out.coverage.len()
        )),
        "{error}"
    );
}

#[tokio::test]
async fn crawl_based_checks_passed_on_a_partial_crawl() {
    let app = axum::Router::new()
        .route(
            "/",
            axum::routing::get(|| async {
                axum::response::Html("<html><body><a href=\"/slow\">slow</a></body></html>")
            }),
        )
        .route(
            "/slow",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                "late"
            }),
        );
    let server = http(app).await;
    let t = TestApp::new(|c| {
        c.scan.timeout = Duration::from_millis(300);
        c.network.pins = pin_site("part.test", server.addr, closed_port());
    })
    .await;
    let out = t.scan(&["http://part.test/"], Profile::Standard).await;
    for check in [
        "headers.cookies",
        "disclosure.errors",
        "disclosure.listings",
    ] {
        assert_eq!(
            out.state(check),
            palisade::model::CoverageState::Errored,
            "{check}"
        );
        assert!(
            out.detail(check)
                .starts_with("1 of 1 crawled pages and assets could not be fetched"),
            "{}",
            out.detail(check)
        );
    }
    assert_eq!(
        out.state("headers.csp"),
        palisade::model::CoverageState::Found,
        "start-page checks are unaffected"
    );
}
