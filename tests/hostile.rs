//! Hostile servers cost at most their budget: slow, silent, endless, broken HTTP, broken TLS and redirect loops end
//! in clear errors, never a hang, a crash or unbounded memory.

mod support;

#[path = "hostile/bounds.rs"]
mod bounds;
#[path = "hostile/child.rs"]
mod child;

use palisade::app::{DEFAULT_ORG, ScanRequest};
use palisade::model::{CoverageState, Profile, ScanStatus};
use std::time::{Duration, Instant};
use support::hostile::{Behaviour, start};
use support::*;

/// Scans `url` with a 1 s request timeout and the given budget; returns the outcome and how long it took.
async fn scan(url: &str, budget: Duration) -> (Outcome, Duration) {
    let t = TestApp::new(|c| {
        c.scan.timeout = Duration::from_secs(1);
        c.scan.budget = budget;
    })
    .await;
    let started = Instant::now();
    let out = t.scan(&[url], Profile::Standard).await;
    (out, started.elapsed())
}

fn target_error(out: &Outcome) -> String {
    out.scan.targets[0]
        .error
        .clone()
        .unwrap_or_else(|| panic!("expected a target error: {:?}", out.scan))
}

#[tokio::test]
async fn a_server_that_trickles_bytes_times_out_per_request() {
    let server = start(Behaviour::Trickle).await;
    let (out, took) = scan(&format!("http://{}/", server.addr), Duration::from_secs(30)).await;
    assert_eq!(target_error(&out), "no response within 1s");
    assert_eq!(
        out.scan.status,
        ScanStatus::Completed,
        "the scan itself ends normally"
    );
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let server = start(Behaviour::Silent).await;
    let (out, took) = scan(&format!("http://{}/", server.addr), Duration::from_secs(30)).await;
    assert_eq!(target_error(&out), "no response within 1s");
    assert!(took < Duration::from_secs(8), "took {took:?}");
}

#[tokio::test]
async fn an_endless_body_is_cut_at_the_size_cap() {
    let server = start(Behaviour::Endless).await;
    let (out, took) = scan(&format!("http://{}/", server.addr), Duration::from_secs(30)).await;
    assert!(
        out.scan.targets[0].error.is_none(),
        "the capped page is usable: {:?}",
        out.scan.targets[0].error
    );
    // Every path of this site streams without end: about 90 requests each read to the 2 MiB cap (6 s in a debug
    // build alone, more beside the suite's other scans), well inside the 30 s budget the scan would otherwise hit.
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[tokio::test]
async fn garbage_instead_of_http_is_a_clear_error() {
    let server = start(Behaviour::Garbage).await;
    let (out, _) = scan(&format!("http://{}/", server.addr), Duration::from_secs(30)).await;
    let error = target_error(&out);
    assert!(error.starts_with("broken HTTP response"), "{error}");
}

#[tokio::test]
async fn a_broken_response_head_is_a_clear_error() {
    let server = start(Behaviour::BrokenHead).await;
    let (out, _) = scan(&format!("http://{}/", server.addr), Duration::from_secs(30)).await;
    let error = target_error(&out);
    assert!(error.starts_with("broken HTTP response"), "{error}");
}

#[tokio::test]
async fn garbage_instead_of_tls_is_a_handshake_error() {
    let server = start(Behaviour::Garbage).await;
    let t = TestApp::new(|c| {
        c.scan.timeout = Duration::from_secs(1);
        c.network.pins = pin_site("broken.test", closed_port(), server.addr);
    })
    .await;
    let out = t.scan(&["https://broken.test/"], Profile::Standard).await;
    assert_eq!(out.state("tls.certificate"), CoverageState::Errored);
    assert!(
        out.detail("tls.certificate")
            .starts_with("TLS handshake failed"),
        "{}",
        out.detail("tls.certificate")
    );
    assert!(
        target_error(&out).starts_with("TLS handshake failed"),
        "{}",
        target_error(&out)
    );
}

#[tokio::test]
async fn redirect_loops_and_endless_redirect_chains_stop() {
    let looping = http(fixed(302, &[("location", "/again")], "")).await;
    let (out, _) = scan(
        &format!("http://{}/again", looping.addr),
        Duration::from_secs(30),
    )
    .await;
    let error = target_error(&out);
    assert!(error.starts_with("redirect loop"), "{error}");
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let c = counter.clone();
    let chain = axum::Router::new().fallback(move || {
        let n = c.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        async move {
            (
                http::StatusCode::FOUND,
                [(http::header::LOCATION, format!("/hop/{n}"))],
            )
        }
    });
    let server = http(chain).await;
    let (out, _) = scan(&format!("http://{}/", server.addr), Duration::from_secs(30)).await;
    assert_eq!(target_error(&out), "more than 10 redirects");
}

#[tokio::test]
async fn the_whole_scan_budget_stops_a_slow_scan_and_keeps_its_findings() {
    let fast = http(fixed(200, &[], "<html>no hsts here</html>")).await;
    let slow = start(Behaviour::Silent).await;
    let t = TestApp::new(|c| {
        c.scan.timeout = Duration::from_secs(30);
        c.scan.budget = Duration::from_secs(2);
        c.network.pins = [
            pin_site("fast.test", closed_port(), fast.addr),
            pin_site("slow.test", closed_port(), slow.addr),
        ]
        .concat();
    })
    .await;
    let started = Instant::now();
    let out = t
        .scan(
            &["https://fast.test/", "https://slow.test/"],
            Profile::Standard,
        )
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(out.scan.status, ScanStatus::Failed);
    assert!(
        out.scan
            .error
            .as_deref()
            .unwrap_or("")
            .starts_with("time budget of 2 s ran out"),
        "{:?}",
        out.scan.error
    );
    assert!(
        out.coverage
            .iter()
            .any(|c| c.detail.as_deref() == Some("the scan stopped before this check finished"))
    );
    let _ = out;
}

#[tokio::test]
async fn cancelling_keeps_what_was_found() {
    let fast = http(fixed(200, &[], "<html>no hsts here</html>")).await;
    let slow = start(Behaviour::Silent).await;
    let t = TestApp::new(|c| {
        c.scan.timeout = Duration::from_secs(30);
        c.network.pins = [
            pin_site("fast.test", fast.addr, closed_port()),
            pin_site("slow.test", closed_port(), slow.addr),
        ]
        .concat();
    })
    .await;
    let request = ScanRequest {
        targets: vec!["http://fast.test/".into(), "https://slow.test/".into()],
        ..Default::default()
    };
    let mut handle = t.app.start_scan(DEFAULT_ORG, request).await.unwrap();
    let id = handle.scan.id.clone();
    let first = loop {
        match handle.events.recv().await.unwrap() {
            palisade::app::ScanEvent::Finding(f) => break f,
            _ => continue,
        }
    };
    let cancelled = t.app.cancel_scan(DEFAULT_ORG, &id).await.unwrap();
    assert_eq!(cancelled.status, ScanStatus::Cancelled);
    let out = t.outcome(&id).await;
    assert!(
        out.findings
            .iter()
            .any(|f| f.fingerprint == first.fingerprint),
        "the streamed finding was kept"
    );
    let again = t
        .app
        .cancel_scan(DEFAULT_ORG, &id)
        .await
        .expect_err("already ended");
    assert!(
        again.to_string().contains("already ended (cancelled)"),
        "{again}"
    );
}

#[tokio::test]
async fn a_host_that_keeps_failing_exhausts_its_error_budget() {
    // The start page and the not-found calibration (a random /palisade-... path) answer; every other path hangs,
    // so each probe times out until the budget is spent.
    let app = axum::Router::new()
        .route(
            "/",
            axum::routing::get(|| async { "<html><body>up</body></html>" }),
        )
        .fallback(|uri: http::Uri| async move {
            if !uri.path().starts_with("/palisade-") {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            (http::StatusCode::NOT_FOUND, "not here")
        });
    let server = http(app).await;
    let t = TestApp::new(|c| {
        c.scan.timeout = Duration::from_millis(300);
        c.scan.error_budget = 3;
    })
    .await;
    let started = Instant::now();
    let out = t
        .scan(&[&format!("http://{}/", server.addr)], Profile::Standard)
        .await;
    assert!(out.scan.targets[0].error.is_none(), "the start page worked");
    let skipped: Vec<_> = out
        .coverage
        .iter()
        .filter(|c| {
            c.detail
                .as_deref()
                .unwrap_or("")
                .contains("requests, so its remaining checks were skipped")
        })
        .collect();
    assert!(!skipped.is_empty(), "{:?}", out.coverage);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the budget cut the waiting short: {:?}",
        started.elapsed()
    );
}
