//! `palisade db import`, `db update` and `db status` through the real binary: the three feed formats from small
//! fixtures in `tests/feeds/`, a scan that then reports the imported advisory raised by KEV, malformed files refused
//! with the database unchanged, re-imports that replace, and updates from a local HTTP server (and a failing one).
//! A last test imports the real upstream feeds when `../shared/feeds` exists.

mod site;
mod support;

use axum::Router;
use axum::routing::get;
use palisade::model::{Profile, Severity};
use serde_json::Value;
use site::*;
use std::path::{Path, PathBuf};
use support::*;
use tempfile::TempDir;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/feeds")
        .join(name)
}

fn read_fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

/// `palisade db import FILE --format json`, which must succeed; its report.
fn import(dir: &TempDir, name: &str) -> Value {
    let out = palisade(dir)
        .args(["db", "import", "--format", "json"])
        .arg(fixture(name))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `palisade db status --format json`.
fn status(dir: &TempDir) -> Value {
    let out = palisade(dir)
        .args(["db", "status", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn feed<'a>(status: &'a Value, kind: &str) -> &'a Value {
    status["feeds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["feed"] == kind)
        .unwrap_or_else(|| panic!("no {kind} feed in {status}"))
}

/// A site loading Acme Widget 1.2.3, a library only the imported feeds know.
fn acme_site() -> Router {
    Router::new()
        .route(
            "/",
            get(|| async {
                let mut resp = http::Response::builder();
                for (k, v) in HARDENED {
                    resp = resp.header(*k, *v);
                }
                resp.body(axum::body::Body::from(
                    "<html><head><script src=\"/js/acme-widget-1.2.3.min.js\"></script></head><body>x</body></html>",
                ))
                .unwrap()
            }),
        )
        .route(
            "/js/acme-widget-1.2.3.min.js",
            get(|| async { "/*! AcmeWidget v1.2.3 | test */\nwindow.AcmeWidget={};" }),
        )
}

/// Scans the Acme site with a real App on the database in `dir`.
async fn scan_acme(dir: &TempDir) -> Outcome {
    let ca = palisade::lab::certs::LabCa::new("Test CA");
    let server = https(
        acme_site(),
        &ca.issue(&palisade::lab::certs::CertSpec::valid(&[HOST], 200)),
    )
    .await;
    let db = dir.path().join("palisade.db");
    let t = TestApp::new(|c| {
        c.db = db;
        c.network.pins = pin_site(HOST, closed_port(), server.addr);
        c.network.ca_certs.push(ca.cert_der());
    })
    .await;
    let out = t.scan(&[URL], Profile::Standard).await;
    t.app.shutdown().await;
    out
}

#[tokio::test]
async fn imported_feeds_reach_the_next_scan_with_kev_raising_the_severity() {
    let dir = tempfile::tempdir().unwrap();
    let before = scan_acme(&dir).await;
    assert_eq!(
        before.ids_in("components."),
        Vec::<&str>::new(),
        "unknown before the import"
    );

    let retire = import(&dir, "retire.json");
    assert_eq!(
        (retire["feed"].as_str(), retire["records"].as_u64()),
        (Some("retirejs"), Some(1))
    );
    assert_eq!(retire["loaded"]["detection patterns"], 2);
    assert_eq!(
        retire["skipped"]["filecontent patterns with look-around (the regex crate does not support it)"],
        1
    );
    assert_eq!(
        retire["skipped"]["func extractors (they need a JavaScript runtime)"],
        1
    );
    assert_eq!(retire["skipped_total"], 3);
    let kev = import(&dir, "kev.json");
    assert_eq!(
        (
            kev["feed"].as_str(),
            kev["version"].as_str(),
            kev["records"].as_u64()
        ),
        (Some("kev"), Some("2099.01.02"), Some(2))
    );
    let osv = import(&dir, "osv.json");
    assert_eq!(
        osv["notes"]["affected packages of components palisade detects"],
        1
    );
    let more = import(&dir, "osv-array.json");
    assert_eq!(more["records"], 2, "OSV records add up across files");

    let out = scan_acme(&dir).await;
    let f = out.finding("components.vulnerable-library");
    assert!(
        f.title
            .starts_with("acme-widget 1.2.3 has 2 known vulnerabilities"),
        "{}",
        f.title
    );
    assert!(
        f.title.contains("CISA KEV") && f.title.contains("upgrade to 2.0.0"),
        "{}",
        f.title
    );
    assert_eq!(f.cve, ["CVE-2099-1001", "CVE-2099-2002"]);
    assert!(f.kev);
    assert_eq!(
        f.severity,
        Severity::High,
        "a medium advisory in KEV is raised to high"
    );
    assert_eq!(
        f.location,
        "https://site.test/js/acme-widget-1.2.3.min.js (acme-widget)"
    );
    let evidence = f.evidence.as_deref().unwrap();
    assert!(evidence.contains("AcmeWidget v1.2.3"), "{evidence}");
    assert!(
        evidence.contains("CISA KEV: CVE-2099-1001 added 2099-01-02, due 2099-01-23"),
        "{evidence}"
    );
    assert!(
        f.description.contains("telemetry endpoint"),
        "the OSV record's summary is listed"
    );
}

#[test]
fn malformed_and_unknown_files_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    import(&dir, "kev.json");
    let before = status(&dir);

    let cut = palisade(&dir)
        .args(["db", "import"])
        .arg(fixture("kev-truncated.json"))
        .output()
        .unwrap();
    assert_eq!(cut.status.code(), Some(2));
    let err = String::from_utf8_lossy(&cut.stderr);
    assert!(
        err.contains("kev-truncated.json") && err.contains("not valid JSON"),
        "{err}"
    );
    assert!(
        err.contains("line ") && err.contains("download the feed again"),
        "{err}"
    );

    let unknown = palisade(&dir)
        .args(["db", "import"])
        .arg(fixture("unknown.json"))
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    let err = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        err.contains("not a feed palisade reads (an object with keys hello, items)"),
        "{err}"
    );
    assert!(
        err.contains("jsrepository-v4.json"),
        "says what to give instead: {err}"
    );

    let bad_kev = dir.path().join("bad-kev.json");
    std::fs::write(
        &bad_kev,
        r#"{"catalogVersion": "1", "vulnerabilities": "none"}"#,
    )
    .unwrap();
    let refused = palisade(&dir)
        .args(["db", "import"])
        .arg(&bad_kev)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("CISA KEV catalog") && err.contains("no \"vulnerabilities\" list"),
        "{err}"
    );

    let missing = palisade(&dir)
        .args(["db", "import", "nowhere.json"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read nowhere.json"));

    assert_eq!(status(&dir), before, "nothing half-imported");
}

#[test]
fn importing_the_same_feed_again_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let first = import(&dir, "retire.json");
    import(&dir, "osv.json");
    let once = status(&dir);
    let second = import(&dir, "retire.json");
    import(&dir, "osv.json");
    let twice = status(&dir);
    assert_eq!(second["records"], first["records"]);
    for kind in ["retirejs", "osv"] {
        assert_eq!(
            feed(&twice, kind)["records"],
            feed(&once, kind)["records"],
            "{kind}"
        );
    }
    assert_eq!(twice["advisories"], once["advisories"]);
    let table = palisade(&dir).args(["db", "status"]).output().unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("retirejs") && text.contains("retire.json"),
        "{text}"
    );
}

/// A feed server on loopback: `/retire.json`, `/kev.json`, `/osv.json`, and `/broken.json` answering 500.
async fn feed_server() -> palisade::lab::serve::Server {
    let serve = |bytes: Vec<u8>| get(move || async move { bytes });
    http(
        Router::new()
            .route("/retire.json", serve(read_fixture("retire.json")))
            .route("/kev.json", serve(read_fixture("kev.json")))
            .route("/osv.json", serve(read_fixture("osv-array.json")))
            .route(
                "/broken.json",
                get(|| async { (http::StatusCode::INTERNAL_SERVER_ERROR, "maintenance") }),
            ),
    )
    .await
}

/// Runs the binary off the runtime's thread, so the feed server on this runtime can answer it.
async fn run(mut cmd: std::process::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn update_downloads_the_feeds_and_a_failing_server_loses_nothing() {
    let server = feed_server().await;
    let base = format!("http://{}", server.addr);
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = palisade_std(&dir);
    cmd.env("PALISADE_KEV_URL", format!("{base}/kev.json"))
        .args(["db", "update", "--allow-private", "--retire-url"])
        .arg(format!("{base}/retire.json"))
        .arg("--osv-url")
        .arg(format!("{base}/osv.json"));
    let ok = run(cmd).await;
    let text = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{}\n{text}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        text.contains("imported the retire.js repository")
            && text.contains("imported the CISA KEV catalog"),
        "{text}"
    );
    assert!(text.contains("imported the OSV records"), "{text}");
    let s = status(&dir);
    assert_eq!(
        feed(&s, "kev")["source"],
        format!("{base}/kev.json"),
        "the URL from PALISADE_KEV_URL"
    );
    assert_eq!(feed(&s, "kev")["records"], 2);
    assert_eq!(feed(&s, "retirejs")["records"], 1);
    assert_eq!(feed(&s, "osv")["records"], 1);

    let dead = closed_port();
    let mut cmd = palisade_std(&dir);
    cmd.args([
        "db",
        "update",
        "--allow-private",
        "--only",
        "kev",
        "--only",
        "retirejs",
        "--kev-url",
    ])
    .arg(format!("{base}/broken.json"))
    .arg("--retire-url")
    .arg(format!("http://{dead}/retire.json"));
    let failed = run(cmd).await;
    assert_eq!(failed.status.code(), Some(3));
    let err = String::from_utf8_lossy(&failed.stderr);
    assert!(
        err.contains("/broken.json: the server answered HTTP 500"),
        "{err}"
    );
    assert!(
        err.contains(&format!("cannot download http://{dead}/retire.json")),
        "{err}"
    );
    assert!(err.contains("what was imported before is kept"), "{err}");
    let after = status(&dir);
    assert_eq!(after["feeds"], s["feeds"], "nothing lost");
}

#[test]
fn update_refuses_a_blocked_address_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let out = palisade(&dir)
        .args([
            "db",
            "update",
            "--only",
            "kev",
            "--kev-url",
            "http://127.0.0.1:9/kev.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("127.0.0.1") && err.contains("cannot download"),
        "{err}"
    );
}

/// The real upstream feeds, when this checkout sits beside them (`../shared/feeds`); CI on a fresh clone skips.
#[test]
fn the_real_upstream_feeds_import_without_rejection() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os("PALISADE_FEEDS_DIR").map(PathBuf::from),
        Some(manifest.join("../shared/feeds")),
        Some(manifest.join("../../shared/feeds")),
    ];
    let Some(feeds) = candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("cisa-kev.json").exists())
    else {
        eprintln!(
            "skipped: no ../shared/feeds beside this checkout (set PALISADE_FEEDS_DIR to run it)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (file, min) in [
        ("retirejs-jsrepository-v4.json", 60),
        ("cisa-kev.json", 1000),
    ] {
        let out = palisade(&dir)
            .args(["db", "import", "--format", "json"])
            .arg(feeds.join(file))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(
            report["records"].as_u64().unwrap() >= min,
            "{file}: {report}"
        );
    }
    let s = status(&dir);
    assert!(s["kev_entries"].as_u64().unwrap() >= 1000);
    assert!(
        s["detection_patterns"].as_u64().unwrap()
            > s["bundled"]["detection_patterns"].as_u64().unwrap()
    );
}
