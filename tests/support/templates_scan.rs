//! Scanning real software with a family of shipped templates: which of them reported.

use std::collections::BTreeSet;

/// Scans `url` with `profile` and only the templates whose ids match `ids` (within `timeout` seconds per request),
/// and returns the template ids that reported.
pub fn reported(url: &str, profile: &str, ids: &str, timeout: &str) -> BTreeSet<String> {
    let dir = tempfile::tempdir().unwrap();
    let out = super::palisade(&dir)
        .args(["scan", url, "--allow-private", "--profile", profile])
        .args([
            "--template-id",
            ids,
            "--format",
            "json",
            "--timeout",
            timeout,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["check_id"].as_str()?.strip_prefix("templates."))
        .map(str::to_string)
        .collect()
}

/// The set of `ids`, to compare with [`reported`].
pub fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}
