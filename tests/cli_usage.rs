//! The binary's answers to what users type: `--output` paths checked before scanning, target forms, configuration
//! files named in errors and read relative to themselves, grouped coverage, and the listing formats.

mod support;

use axum::Router;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::*;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs a command; returns (exit code, stdout, stderr).
fn run(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

/// A plain HTTP site on 127.0.0.1 that counts the requests it gets.
async fn counting_site() -> (palisade::lab::serve::Server, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = Router::new().fallback(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async { axum::response::Html("<html><body>hello</body></html>") }
    });
    (http(app).await, hits)
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_output_path_was_noticed_only_after_the_whole_scan() {
    let dir = tempfile::tempdir().unwrap();
    let (site, hits) = counting_site().await;
    let url = format!("http://{}/", site.addr);
    std::fs::write(dir.path().join("a-file"), "x").unwrap();
    let mut cases = vec![
        (
            "missing/report.json",
            "the directory missing does not exist",
        ),
        (".", "is a directory; give a file name"),
        ("a-file/report.json", "a-file is not a directory"),
    ];
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // root writes through permission bits, so the read-only directory only tells something to other users.
    if unsafe { libc::geteuid() } != 0 {
        cases.push(("locked/report.json", "cannot write in locked"));
    }
    for (path, expected) in cases {
        let (code, stdout, stderr) = run(palisade(&dir).args([
            "scan",
            &url,
            "--allow-private",
            "--profile",
            "quick",
            "-o",
            path,
        ]));
        assert_eq!(code, 2, "{path}: {stderr}");
        assert_eq!(stdout, "", "{path}");
        assert_eq!(stderr.lines().count(), 1, "{path}: one line: {stderr}");
        assert!(
            stderr.starts_with(&format!("palisade: error: --output {path}: "))
                && stderr.contains(expected),
            "{path}: expected {expected:?} in {stderr}"
        );
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing was scanned");
    let (_, list, _) = run(palisade(&dir).args(["scans", "list"]));
    assert!(list.starts_with("no scans yet"), "{list}");

    std::fs::create_dir(dir.path().join("out")).unwrap();
    let (code, stdout, stderr) = run(palisade(&dir).args([
        "scan",
        &url,
        "--allow-private",
        "--profile",
        "quick",
        "-o",
        "out/report.txt",
    ]));
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    let names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["report.txt"], "no probe or temporary file is left");
    assert!(hits.load(Ordering::SeqCst) > 0);
}

#[test]
fn port_0_was_accepted_and_schemes_without_slashes_were_called_bad_ports() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "http://a.test:0",
            "'http://a.test:0' has port 0: give a port from 1 to 65535",
        ),
        (
            "javascript:alert(1)",
            "uses the scheme 'javascript': palisade scans http:// and https:// URLs only",
        ),
        ("mailto:security@a.test", "uses the scheme 'mailto'"),
        ("data:text/html,hi", "uses the scheme 'data'"),
        ("file:/etc/passwd", "uses the scheme 'file'"),
    ];
    for (target, expected) in cases {
        let (code, stdout, stderr) = run(palisade(&dir).args(["scan", target]));
        assert_eq!((code, stdout.as_str()), (2, ""), "{target}: {stderr}");
        assert!(stderr.contains(expected), "{target}: {stderr}");
        assert!(
            !stderr.contains("invalid port number"),
            "{target}: {stderr}"
        );
    }
}

#[test]
fn errors_from_a_config_file_named_palisade_toml_whatever_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad2.toml"), "[scan]\nrate = -1\n").unwrap();
    let (code, _, stderr) = run(palisade(&dir).args([
        "--config",
        "bad2.toml",
        "scan",
        "http://127.0.0.1:1/",
        "--allow-private",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr,
        "palisade: error: bad2.toml scan.rate: -1 is out of range: give 0.1 to 10000 requests per second\n"
    );
}

#[test]
fn relative_paths_in_a_config_file_were_read_from_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("conf");
    std::fs::create_dir(&conf).unwrap();
    let ca = palisade::lab::certs::LabCa::new("Relative CA");
    std::fs::write(conf.join("ca.pem"), ca.cert_pem()).unwrap();
    std::fs::write(
        conf.join("palisade.toml"),
        "db = \"scans.db\"\n[network]\nca_certs = [\"ca.pem\"]\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(palisade(&dir).env_remove("PALISADE_DB").args([
        "--config",
        "conf/palisade.toml",
        "scans",
        "list",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("no scans yet"), "{stdout}");
    assert!(conf.join("scans.db").exists(), "db is next to the file");
    assert!(!dir.path().join("scans.db").exists());
}

#[test]
fn a_lab_config_dir_given_as_a_relative_path_still_reaches_the_lab() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = palisade_std(&dir)
        .args(["lab", "--quiet", "--config-dir", "rel"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let line = std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().unwrap()))
        .map_while(Result::ok)
        .find(|l| l.starts_with("config: "));
    let (code, stdout, stderr) = run(palisade(&dir).args([
        "--config",
        "rel/palisade.toml",
        "scan",
        "hardened.lab.palisade.test",
        "--profile",
        "quick",
        "--fail-on",
        "info",
    ]));
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.is_some(), "the lab started");
    assert_eq!(code, 0, "{stdout}{stderr}");
}

/// Scans `targets` (names in `test.`, where the test's DNS server knows nothing) and returns stdout's lines about
/// errored checks and the coverage line.
async fn unresolvable_scan(targets: &[&str]) -> (Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let dns = dns::serve("test.", &[]).await;
    let (code, stdout, stderr) = run(palisade(&dir)
        .env("PALISADE_NAMESERVERS", dns.addr.to_string())
        .args(["scan", "--profile", "quick"])
        .args(targets));
    assert_eq!(code, 3, "{stderr}");
    let errored = stdout
        .lines()
        .filter(|l| l.starts_with("  errored"))
        .map(String::from)
        .collect();
    let coverage = stdout
        .lines()
        .find(|l| l.starts_with("coverage: "))
        .unwrap_or_else(|| panic!("{stdout}"))
        .to_string();
    (errored, coverage)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_host_printed_the_same_error_once_per_check() {
    let (errored, coverage) = unresolvable_scan(&["unknown-a.test"]).await;
    assert_eq!(errored.len(), 1, "{errored:#?}");
    let line = &errored[0];
    assert!(
        line.starts_with("  errored: cannot resolve unknown-a.test"),
        "{line}"
    );
    let n: usize = line
        .split(" (")
        .last()
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(n > 1 && line.contains(&format!(" ({n} checks: ")), "{line}");
    assert!(coverage.contains(&format!("{n} errored")), "{coverage}");

    let (errored, _) = unresolvable_scan(&["unknown-a.test", "unknown-b.test"]).await;
    assert_eq!(errored.len(), 2, "one line per target: {errored:#?}");
    for (line, host) in errored.iter().zip(["unknown-a.test", "unknown-b.test"]) {
        assert!(
            line.starts_with(&format!(
                "  errored on https://{host}/: cannot resolve {host}"
            )),
            "{line}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn listings_print_json_jsonl_and_tables_alike() {
    let dir = tempfile::tempdir().unwrap();
    let (site, _) = counting_site().await;
    let url = format!("http://{}/", site.addr);
    let (code, stdout, stderr) = run(palisade(&dir).args([
        "scan",
        &url,
        "--allow-private",
        "--profile",
        "quick",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let scan_id = serde_json::from_str::<Value>(&stdout).unwrap()["scan"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let listings: [(&[&str], &str); 3] = [
        (&["targets", "list"], "url"),
        (&["scans", "list"], "id"),
        (&["findings", &scan_id], "fingerprint"),
    ];
    for (args, key) in listings {
        let (_, json, _) = run(palisade(&dir).args(args).args(["--format", "json"]));
        let json: Vec<Value> =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let (_, jsonl, _) = run(palisade(&dir).args(args).args(["--format", "jsonl"]));
        let jsonl: Vec<Value> = jsonl
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(!json.is_empty(), "{args:?}");
        assert_eq!(json, jsonl, "{args:?}: the same items, one per line");
        let (_, table, _) = run(palisade(&dir).args(args));
        for item in &json {
            let value = item[key].as_str().unwrap();
            let shown = if key == "fingerprint" {
                item["check_id"].as_str().unwrap()
            } else {
                value
            };
            assert!(table.contains(shown), "{args:?}: {shown} in {table}");
        }
    }
    let (_, table, _) = run(palisade(&dir).args(["findings", &scan_id]));
    assert!(table.trim_end().ends_with(" findings"), "{table}");
}
