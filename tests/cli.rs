//! The `palisade` binary as users run it: demo, scan with its formats and exit codes, stored data, bad input.

mod support;

use serde_json::Value;
use support::lab_process::LabProcess;
use support::*;

const VULNERABLE: &str = "vulnerable.lab.palisade.test";
const HARDENED: &str = "hardened.lab.palisade.test";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs the binary with `args` against the lab's configuration; returns (exit code, stdout, stderr).
fn run(dir: &tempfile::TempDir, lab: Option<&LabProcess>, args: &[&str]) -> (i32, String, String) {
    let mut cmd = palisade(dir);
    if let Some(lab) = lab {
        cmd.arg("--config").arg(&lab.config);
    }
    let out = cmd.args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[test]
fn demo_scans_both_lab_sites_and_says_where_the_database_is() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(&dir, None, &["demo"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("lab running on 127.0.0.1"), "{stderr}");
    assert!(
        stdout.contains("https://vulnerable.lab.palisade.test/   risk "),
        "{stdout}"
    );
    assert!(
        stdout.contains("https://hardened.lab.palisade.test/   risk A (100/100)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("tls.cert-expired") && stdout.contains("tls.cert-self-signed"),
        "{stdout}"
    );
    let db = dir.path().join("palisade.db");
    assert!(
        stdout.contains(&format!("database: {}", db.display())),
        "{stdout}"
    );
    assert!(db.exists());
}

#[test]
fn fail_on_gates_ci_and_exit_codes_follow_the_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let lab = LabProcess::start(dir.path(), 0);
    let (code, _, stderr) = run(
        &dir,
        Some(&lab),
        &[
            "scan",
            VULNERABLE,
            "--profile",
            "quick",
            "--fail-on",
            "high",
        ],
    );
    assert_eq!(code, 1, "high findings on the vulnerable site: {stderr}");
    let (code, _, _) = run(
        &dir,
        Some(&lab),
        &["scan", VULNERABLE, "--profile", "quick"],
    );
    assert_eq!(code, 0, "without --fail-on, findings do not fail the run");
    let (code, stdout, stderr) = run(
        &dir,
        Some(&lab),
        &["scan", HARDENED, "--profile", "quick", "--fail-on", "info"],
    );
    assert_eq!(code, 0, "the hardened site is clean: {stdout}{stderr}");
    let (code, _, stderr) = run(
        &dir,
        Some(&lab),
        &[
            "scan",
            "unknown-host.lab.palisade.test",
            "--profile",
            "quick",
        ],
    );
    assert_eq!(code, 3, "an unreachable target is a scan error: {stderr}");
    assert!(
        stderr.contains("not scanned: cannot resolve unknown-host.lab.palisade.test"),
        "{stderr}"
    );
}

#[test]
fn json_jsonl_and_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let lab = LabProcess::start(dir.path(), 0);
    let (code, stdout, _) = run(
        &dir,
        Some(&lab),
        &["scan", VULNERABLE, "--profile", "quick", "--format", "json"],
    );
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(report["scan"]["status"], "completed");
    assert_eq!(
        report["scan"]["targets"][0]["url"],
        "https://vulnerable.lab.palisade.test/"
    );
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"tls.cert-expired"), "{ids:?}");
    assert!(report["coverage"].as_array().unwrap().len() >= 3);

    let (_, stdout, _) = run(
        &dir,
        Some(&lab),
        &[
            "scan",
            VULNERABLE,
            "--profile",
            "quick",
            "--format",
            "jsonl",
        ],
    );
    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), ids.len(), "one line per finding");
    assert!(
        lines
            .iter()
            .all(|f| f["fingerprint"].as_str().unwrap().len() == 16)
    );

    let file = dir.path().join("report.json");
    let (code, stdout, stderr) = run(
        &dir,
        Some(&lab),
        &[
            "scan",
            VULNERABLE,
            "--profile",
            "quick",
            "--format",
            "json",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(
        (code, stdout.as_str()),
        (0, ""),
        "the report goes to the file, not stdout"
    );
    assert!(stderr.contains("report written to"), "{stderr}");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written["scan"]["profile"], "quick");
}

#[test]
fn progress_lines_on_a_non_terminal_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let lab = LabProcess::start(dir.path(), 0);
    let (_, _, stderr) = run(
        &dir,
        Some(&lab),
        &["scan", VULNERABLE, "--profile", "quick"],
    );
    assert!(stderr.contains("palisade: [HIGH] tls.cert-expired vulnerable.lab.palisade.test: TLS certificate expired on"), "{stderr}");
    assert!(
        stderr.contains("palisade: done https://vulnerable.lab.palisade.test/: risk grade"),
        "{stderr}"
    );
    let (_, _, quiet) = run(
        &dir,
        Some(&lab),
        &["--quiet", "scan", VULNERABLE, "--profile", "quick"],
    );
    assert_eq!(quiet, "", "--quiet prints no progress");
}

#[test]
fn targets_scans_and_findings_read_what_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let lab = LabProcess::start(dir.path(), 0);
    let (code, stdout, stderr) = run(
        &dir,
        None,
        &[
            "targets",
            "add",
            "https://93.184.216.34/app",
            "--label",
            "prod",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("https://93.184.216.34/app  (prod)"),
        "{stdout}"
    );
    let (_, stdout, _) = run(
        &dir,
        Some(&lab),
        &["scan", VULNERABLE, "--profile", "quick", "--format", "json"],
    );
    let scan_id = serde_json::from_str::<Value>(&stdout).unwrap()["scan"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let (_, list, _) = run(&dir, None, &["targets", "list"]);
    assert!(
        list.contains("https://93.184.216.34/app")
            && list.contains("https://vulnerable.lab.palisade.test/"),
        "{list}"
    );
    let (code, stdout, _) = run(&dir, None, &["targets", "rm", "https://93.184.216.34/app"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("removed "), "{stdout}");
    let (_, list, _) = run(&dir, None, &["targets", "list"]);
    assert!(!list.contains("93.184.216.34"), "{list}");

    let (_, scans, _) = run(&dir, None, &["scans", "list"]);
    assert!(
        scans.contains(&scan_id) && scans.contains("completed"),
        "{scans}"
    );
    let (code, show, _) = run(&dir, None, &["scans", "show", &scan_id]);
    assert_eq!(code, 0);
    assert!(
        show.contains("tls.cert-expired") && show.contains("coverage: "),
        "{show}"
    );
    let (_, high, _) = run(
        &dir,
        None,
        &[
            "findings",
            &scan_id,
            "--severity",
            "high",
            "--format",
            "json",
        ],
    );
    let high: Vec<Value> = serde_json::from_str(&high).unwrap();
    assert!(
        !high.is_empty()
            && high
                .iter()
                .all(|f| f["severity"] == "high" || f["severity"] == "critical"),
        "{high:?}"
    );
    let (_, all, _) = run(&dir, None, &["findings", &scan_id, "--format", "json"]);
    let all: Vec<Value> = serde_json::from_str(&all).unwrap();
    assert!(
        all.len() > high.len(),
        "the floor filters lower severities out"
    );
}

#[test]
fn bad_input_gets_one_clear_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["scan", "ftp://example.com"],
            "palisade scans http:// and https:// URLs only",
        ),
        (&["scan", "http://exa mple.com"], "contains whitespace"),
        (
            &["scan", "https://127.0.0.1:1/"],
            "out of scope: 127.0.0.1 is a loopback address",
        ),
        (
            &["scan", "https://203.0.113.7/"],
            "203.0.113.7 is a reserved or documentation address",
        ),
        (
            &["scan", "--profile", "turbo", "https://93.184.216.34/"],
            "invalid value 'turbo'",
        ),
        (
            &["scan", "--rate", "0", "https://93.184.216.34/"],
            "--rate: 0 is out of range",
        ),
        (
            &[
                "scan",
                "--ca-cert",
                "/nonexistent/ca.pem",
                "https://93.184.216.34/",
            ],
            "cannot read CA certificate file /nonexistent/ca.pem",
        ),
        (
            &["scan", "--resolve", "nonsense", "https://93.184.216.34/"],
            "expected HOST:PORT:ADDRESS",
        ),
        (
            &["scan", "--bogus-flag", "https://93.184.216.34/"],
            "unexpected argument '--bogus-flag'",
        ),
        (&["scans", "show", "nosuchid"], "no scan 'nosuchid' here"),
        (&["findings", "nosuchid"], "no scan 'nosuchid' here"),
        (&["targets", "rm", "nosuchid"], "no target 'nosuchid' here"),
    ];
    for (args, expected) in cases {
        let (code, stdout, stderr) = run(&dir, None, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{args:?}: expected {expected:?} in {stderr}"
        );
        assert_eq!(stdout, "", "{args:?}");
    }
}

#[test]
fn an_unusable_database_path_is_refused_with_the_setting_to_change() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let mut cmd = palisade(&dir);
    cmd.env("PALISADE_DB", file.join("palisade.db"))
        .args(["scans", "list"]);
    let out = cmd.output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot use the database at") && stderr.contains("set --db or PALISADE_DB"),
        "{stderr}"
    );
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, vec![b'z'; 8192]).unwrap();
    let out = palisade(&dir)
        .arg("--db")
        .arg(&garbage)
        .args(["scans", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("file is not a database"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_configuration_file_is_read_and_its_mistakes_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("palisade.toml"),
        "[scan]\nprofile = \"quick\"\nrate = -1\n",
    )
    .unwrap();
    let (code, _, stderr) = run(&dir, None, &["scan", "https://93.184.216.34/"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("palisade.toml scan.rate: -1 is out of range"),
        "{stderr}"
    );
}
