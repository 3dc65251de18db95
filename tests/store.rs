//! The store across processes and scans: a killed scan is recovered as interrupted with its findings kept, a live
//! scan in another process is left alone, and findings are compared with the previous scan (new, unchanged, fixed).

mod support;

use axum::Router;
use palisade::model::{FindingStatus, Profile, ScanStatus};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use support::hostile::{Behaviour, start};
use support::*;

fn json(dir: &tempfile::TempDir, args: &[&str]) -> Value {
    let out = palisade(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_scan_becomes_failed_interrupted_and_keeps_its_findings() {
    let fast = http(fixed(200, &[], "<html>plain</html>")).await;
    let slow = start(Behaviour::Silent).await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_palisade"))
        .env("PALISADE_DB", dir.path().join("palisade.db"))
        .env("PALISADE_NAMESERVERS", DEAD_DNS)
        .current_dir(dir.path())
        .args([
            "scan",
            "http://fast.test/",
            "https://slow.test/",
            "--allow-private",
            "--timeout",
            "120",
            "--quiet",
        ])
        .args([
            "--connect-to",
            &format!("fast.test:80:{}", fast.addr),
            "--connect-to",
            &format!("fast.test:443:{}", closed_port()),
        ])
        .args([
            "--connect-to",
            &format!("slow.test:443:{}", slow.addr),
            "--connect-to",
            &format!("slow.test:80:{}", closed_port()),
        ])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let (scan_id, seen_running) = loop {
        assert!(
            Instant::now() < deadline,
            "the scan never showed a finding while running"
        );
        let scans = json(&dir, &["scans", "list", "--format", "json"]);
        if let Some(scan) = scans.as_array().unwrap().first() {
            assert_eq!(
                scan["status"], "running",
                "another process reading the store leaves a live scan alone"
            );
            let total = scan["counts"]
                .as_object()
                .unwrap()
                .values()
                .map(|v| v.as_u64().unwrap())
                .sum::<u64>();
            if total > 0 {
                break (scan["id"].as_str().unwrap().to_string(), total);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let scan = json(&dir, &["scans", "list", "--format", "json"])[0].clone();
    assert_eq!(scan["id"], scan_id.as_str());
    assert_eq!(scan["status"], "failed");
    assert!(
        scan["error"].as_str().unwrap().starts_with("interrupted:"),
        "{}",
        scan["error"]
    );
    let findings = json(&dir, &["findings", &scan_id, "--format", "json"]);
    let kept = findings.as_array().unwrap().len() as u64;
    assert!(
        kept >= seen_running,
        "{kept} findings kept, {seen_running} were stored before the kill"
    );
}

/// A site whose HSTS header can be switched on while the test runs.
fn switchable(hsts: Arc<AtomicBool>) -> Router {
    Router::new().fallback(move || {
        let on = hsts.load(Ordering::SeqCst);
        async move {
            let mut resp = http::Response::builder().header("content-type", "text/html");
            if on {
                resp = resp.header("strict-transport-security", "max-age=63072000");
            }
            resp.body(axum::body::Body::from("<html><body>shop</body></html>"))
                .unwrap()
        }
    })
}

#[tokio::test]
async fn findings_are_new_then_unchanged_then_fixed() {
    let ca = palisade::lab::certs::LabCa::new("Test CA");
    let cert = ca.issue(&palisade::lab::certs::CertSpec::valid(&["shop.test"], 200));
    let hsts = Arc::new(AtomicBool::new(false));
    let server = https(switchable(hsts.clone()), &cert).await;
    let t = TestApp::new(|c| {
        c.network.pins = pin_site("shop.test", closed_port(), server.addr);
        c.network.ca_certs.push(ca.cert_der());
    })
    .await;
    let first = t.scan(&["https://shop.test/"], Profile::Quick).await;
    let missing = first.finding("tls.hsts-missing");
    assert_eq!(missing.status, FindingStatus::New);
    assert_eq!(first.scan.targets[0].previous_scan_id, None);

    let second = t.scan(&["shop.test"], Profile::Quick).await;
    assert_eq!(
        second.scan.targets[0].previous_scan_id.as_deref(),
        Some(first.scan.id.as_str())
    );
    let again = second.finding("tls.hsts-missing");
    assert_eq!(
        again.fingerprint, missing.fingerprint,
        "the same problem keeps its fingerprint"
    );
    assert_eq!(again.status, FindingStatus::Unchanged);

    hsts.store(true, Ordering::SeqCst);
    let third = t.scan(&["https://shop.test/"], Profile::Quick).await;
    assert_eq!(third.ids_in("tls.hsts"), Vec::<&str>::new());
    let fixed = third.finding("tls.hsts-missing");
    assert_eq!(
        (fixed.status, fixed.fingerprint.as_str()),
        (FindingStatus::Fixed, missing.fingerprint.as_str())
    );
    assert_eq!(third.scan.fixed, 1);
    assert_eq!(
        third.scan.counts.total(),
        second.scan.counts.total() - 1,
        "one fewer open finding"
    );
}

#[tokio::test]
async fn a_finding_whose_check_did_not_run_is_not_called_fixed() {
    let ca = palisade::lab::certs::LabCa::new("Test CA");
    let cert = ca.issue(&palisade::lab::certs::CertSpec::valid(&["shop.test"], 200));
    let server = https(switchable(Arc::new(AtomicBool::new(false))), &cert).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let pins = pin_site("shop.test", closed_port(), server.addr);
    let up = TestApp::new(|c| {
        c.db = db.clone();
        c.network.pins = pins.clone();
        c.network.ca_certs.push(ca.cert_der());
    })
    .await;
    let first = up.scan(&["https://shop.test/"], Profile::Quick).await;
    assert!(first.ids().contains(&"tls.hsts-missing"));
    drop(server);
    let down = TestApp::new(|c| {
        c.db = db.clone();
        c.network.pins = pins.clone();
    })
    .await;
    let second = down.scan(&["https://shop.test/"], Profile::Quick).await;
    assert!(second.scan.targets[0].error.is_some(), "the site is down");
    assert!(
        second
            .findings
            .iter()
            .all(|f| f.status != FindingStatus::Fixed),
        "{:?}",
        second.findings
    );
    assert_eq!(second.scan.status, ScanStatus::Completed);
}

#[test]
fn processes_opening_a_new_database_at_once_do_not_race_on_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let spawn = || {
        palisade_std(&dir)
            .args(["scans", "list"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children: Vec<_> = (0..8).map(|_| spawn()).collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
