//! The steps the real-server fix tests share: write the lab's files for a server to serve, scan with the real
//! binary, get the fix file, and judge the scan after the fixes (what each fix claimed is gone, nothing new).

use crate::support;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// Writes the lab's vulnerable files under `dir/www/`, readable by a server's unprivileged workers.
pub fn write_site(dir: &Path, host: &str) {
    for (path, body) in palisade::lab::vulnerable_files(host) {
        let file = dir.join("www").join(path.trim_start_matches('/'));
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, body).unwrap();
    }
    readable(dir);
}

/// Makes `dir` and everything under it readable by other users (a server's workers).
pub fn readable(dir: &Path) {
    for entry in walk(dir) {
        let mode = if entry.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Scans `url` with the real binary, `host:port:addr:port` pins in `connect_to`; returns the JSON report.
pub fn scan(dir: &TempDir, url: &str, connect_to: &[String], extra: &[&str]) -> serde_json::Value {
    let mut cmd = support::palisade(dir);
    cmd.args(["scan", url, "--allow-private", "--format", "json", "-q"]);
    for c in connect_to {
        cmd.args(["--connect-to", c]);
    }
    let out = cmd.args(extra).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The fix file of a scan, as `palisade report --format fix` writes it.
pub fn fix_file(dir: &TempDir, report: &serde_json::Value) -> String {
    let scan_id = report["scan"]["id"].as_str().unwrap();
    let out = support::palisade(dir)
        .args(["report", scan_id, "--format", "fix"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// (fingerprint, check id, severity) of each open finding.
pub fn open_findings(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["fingerprint"].as_str().unwrap().to_string(),
                f["check_id"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Every claimed fingerprint is gone and reported fixed, and no finding above info is new; `applied` is shown on
/// failure.
pub fn assert_fixed(
    before: &serde_json::Value,
    after: &serde_json::Value,
    claimed: &[&String],
    applied: &str,
) {
    let found = open_findings(before);
    let still = open_findings(after);
    for fp in claimed {
        let left: Vec<_> = still.iter().filter(|(f, _, _)| f == *fp).collect();
        assert!(
            left.is_empty(),
            "{left:?} is still found after its fix was applied:\n{applied}"
        );
    }
    let fixed: Vec<&str> = after["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    for fp in claimed {
        assert!(fixed.contains(&fp.as_str()), "{fp} is reported fixed");
    }
    let introduced: Vec<_> = still
        .iter()
        .filter(|(fp, _, sev)| sev != "info" && !found.iter().any(|(f, _, _)| f == fp))
        .collect();
    assert!(
        introduced.is_empty(),
        "the fixes brought new findings: {introduced:?}\n{applied}"
    );
}
