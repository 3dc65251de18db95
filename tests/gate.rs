//! The CI gate through the binary: `--fail-on`, `--new-only` against the previous scan, and the baseline file
//! (`.palisade-ignore` or `--baseline`) with reasons and expiry dates, against a local site the test changes.

mod support;

use palisade::lab::certs::{CertSpec, LabCa};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use support::*;
use tempfile::TempDir;

const HOST: &str = "gate.test";

/// A site with an exposed `.env` (critical), and an exposed Git repository (high) once `git` is set.
struct Site {
    git: Arc<AtomicBool>,
    hits: Arc<AtomicUsize>,
    _server: palisade::lab::serve::Server,
    https: u16,
}

async fn site(dir: &TempDir) -> Site {
    let git = Arc::new(AtomicBool::new(false));
    let hits = Arc::new(AtomicUsize::new(0));
    let (g, h) = (git.clone(), hits.clone());
    let router = axum::Router::new().fallback(move |uri: http::Uri| {
        let git = g.load(Ordering::SeqCst);
        h.fetch_add(1, Ordering::SeqCst);
        async move {
            let (status, ctype, body) = match uri.path() {
                "/" => (
                    200,
                    "text/html",
                    "<html><head><title>Gate</title></head><body>ok</body></html>",
                ),
                "/.env" => (
                    200,
                    "text/plain",
                    "APP_ENV=production\nDB_PASSWORD=gate-test-password-1234\n",
                ),
                "/.git/HEAD" if git => (200, "text/plain", "ref: refs/heads/main\n"),
                "/.git/config" if git => (
                    200,
                    "text/plain",
                    "[core]\n\trepositoryformatversion = 0\n\tbare = false\n",
                ),
                _ => (404, "text/html", "<html>not found</html>"),
            };
            http::Response::builder()
                .status(status)
                .header("content-type", ctype)
                .body(axum::body::Body::from(body))
                .unwrap()
        }
    });
    let ca = LabCa::new("Gate CA");
    let server = https(router, &ca.issue(&CertSpec::valid(&[HOST], 200))).await;
    std::fs::write(dir.path().join("ca.pem"), ca.cert_pem()).unwrap();
    Site {
        git,
        hits,
        https: server.addr.port(),
        _server: server,
    }
}

/// Runs `palisade scan` with `args`; returns the exit code, the JSON report (when printed) and stderr.
fn scan(dir: &TempDir, site: &Site, args: &[&str]) -> (i32, Option<serde_json::Value>, String) {
    let out = palisade(dir)
        .args([
            "scan",
            &format!("https://{HOST}/"),
            "--profile",
            "standard",
            "--allow-private",
            "--format",
            "json",
        ])
        .args([
            "--connect-to",
            &format!("{HOST}:443:127.0.0.1:{}", site.https),
        ])
        .args([
            "--connect-to",
            &format!("{HOST}:80:127.0.0.1:{}", closed_port().port()),
        ])
        .args(["--ca-cert", "ca.pem"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).ok(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn fingerprint(report: &serde_json::Value, check: &str) -> String {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check_id"] == check)
        .unwrap_or_else(|| panic!("{check} in {report}"))["fingerprint"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn fail_on_and_new_only_fail_the_build_on_what_they_should() {
    let dir = tempfile::tempdir().unwrap();
    let site = site(&dir).await;
    let (code, report, err) = scan(&dir, &site, &["--fail-on", "high"]);
    assert_eq!(code, 1, "the exposed .env is critical: {err}");
    let env = fingerprint(report.as_ref().unwrap(), "disclosure.env-exposed");
    assert!(
        err.contains("gate failed: 1 finding at or above high") && err.contains(&env),
        "{err}"
    );

    let (code, _, err) = scan(&dir, &site, &["--fail-on", "critical", "--new-only"]);
    assert_eq!(code, 0, "the .env finding is not new any more: {err}");
    assert!(
        err.contains("gate passed: no new findings at or above critical"),
        "{err}"
    );

    site.git.store(true, Ordering::SeqCst);
    let (code, report, err) = scan(&dir, &site, &["--fail-on", "high", "--new-only"]);
    assert_eq!(code, 1, "{err}");
    let git = fingerprint(report.as_ref().unwrap(), "disclosure.repository-exposed");
    assert!(
        err.contains("gate failed: 1 new finding at or above high") && err.contains(&git),
        "{err}"
    );
    assert!(!err.contains(&env), "only the new finding fails: {err}");

    let (code, _, err) = scan(&dir, &site, &["--new-only"]);
    assert_eq!(code, 2, "--new-only needs --fail-on: {err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_baseline_accepts_findings_with_a_reason_until_it_expires() {
    let dir = tempfile::tempdir().unwrap();
    let site = site(&dir).await;
    let (_, report, _) = scan(&dir, &site, &[]);
    let env = fingerprint(report.as_ref().unwrap(), "disclosure.env-exposed");

    std::fs::write(
        dir.path().join(".palisade-ignore"),
        format!("[[ignore]]\nfingerprint = \"{env}\"\nreason = \"test fixture, never deployed\"\nexpires = 2999-01-01\n"),
    )
    .unwrap();
    let (code, _, err) = scan(&dir, &site, &["--fail-on", "high"]);
    assert_eq!(
        code, 0,
        "the accepted finding does not fail the build: {err}"
    );
    assert!(
        err.contains(".palisade-ignore: 1 finding at or above high accepted"),
        "{err}"
    );

    let expired = dir.path().join("expired.toml");
    std::fs::write(
        &expired,
        format!("[[ignore]]\nfingerprint = \"{env}\"\nreason = \"was fine last year\"\nexpires = 2020-01-01\n"),
    )
    .unwrap();
    let (code, _, err) = scan(
        &dir,
        &site,
        &["--fail-on", "high", "--baseline", "expired.toml"],
    );
    assert_eq!(code, 1, "an expired entry counts again: {err}");
    assert!(
        err.contains("expired on 2020-01-01: it counts again (was fine last year)"),
        "{err}"
    );

    // Bad baselines are refused before any request is sent.
    let before = site.hits.load(Ordering::SeqCst);
    std::fs::write(
        dir.path().join("bad.toml"),
        "[[ignore]]\nfingerprint = \"nothex\"\nreason = \"x\"\n",
    )
    .unwrap();
    for (file, says) in [
        (
            "bad.toml",
            "bad.toml: entry 1: fingerprint 'nothex' is not 16 hex digits",
        ),
        ("missing.toml", "missing.toml: cannot read it"),
    ] {
        let (code, _, err) = scan(&dir, &site, &["--fail-on", "high", "--baseline", file]);
        assert_eq!(code, 2, "{err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains(says), "{err}");
    }
    std::fs::write(
        dir.path().join(".palisade-ignore"),
        "[[ignore]]\nfingerprint = \"",
    )
    .unwrap();
    let (code, _, err) = scan(&dir, &site, &["--fail-on", "high"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("palisade: error: .palisade-ignore line"),
        "{err}"
    );
    assert_eq!(site.hits.load(Ordering::SeqCst), before, "no scan ran");
}
