//! Drives an agent-loop script written with another MCP SDK (tests/python/mcp_loop.py, tests/node/mcp_loop.mjs):
//! the script scans the lab and prints `{"ready": ...}`, the lab is fixed, the script verifies the fix and prints
//! `{"ok": true}`. Shared by the Python and TypeScript SDK tests, whose scripts take the same modes:
//! `TRANSPORT-REVISION[-tasks]`, e.g. `stdio-2025`, `http-2026`, `http-2026-tasks`.

use palisade::lab::{Fix, Kind, Lab};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `script` (a command ready to take the loop's arguments) with `args`; fixes the lab when it is ready, then
/// expects it to report success.
pub fn run(mut script: Command, lab: &Lab, dir: &Path, args: &[&str]) {
    let mut child = script
        .args(args)
        .env("PALISADE_DB", dir.join("palisade.db"))
        .env("PALISADE_NAMESERVERS", super::support::DEAD_DNS)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the SDK's runtime starts (run scripts/test, which installs it)");
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = lines
        .next()
        .expect("the script reports it is ready")
        .unwrap();
    assert!(ready.starts_with("{\"ready\""), "{ready}");
    lab.fix(Fix::Env);
    writeln!(stdin, "go").unwrap();
    let done = lines.next().expect("the script reports the end").unwrap();
    let done: serde_json::Value = serde_json::from_str(&done).unwrap_or_default();
    assert_eq!(done, serde_json::json!({"ok": true}));
    assert!(child.wait().unwrap().success());
}

/// The loop over Streamable HTTP against `palisade serve` on the lab; `mode` is the script's (`http-...`) mode.
pub async fn over_http(script: fn() -> Command, mode: &'static str) {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let server = super::served::serve(Some(&config), dir.path(), &[], &[]);
    let target = lab.host(Kind::Vulnerable).url();
    let url = format!("{}/mcp", server.base);
    let dir_path = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || run(script(), &lab, &dir_path, &[mode, &url, &target]))
        .await
        .unwrap();
}

/// The loop over stdio, the script starting `palisade mcp` on the lab's configuration; `mode` is the script's
/// (`stdio-...`) mode.
pub async fn over_stdio(script: fn() -> Command, mode: &'static str) {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let target = lab.host(Kind::Vulnerable).url();
    let config = config.to_str().unwrap().to_string();
    let dir_path = dir.path().to_path_buf();
    let bin = env!("CARGO_BIN_EXE_palisade");
    tokio::task::spawn_blocking(move || {
        run(script(), &lab, &dir_path, &[mode, bin, &config, &target])
    })
    .await
    .unwrap();
}
