//! The official TypeScript MCP SDK (`@modelcontextprotocol/client` 2.x from npm, installed by scripts/test in
//! target/ts-client) runs the agent loop against Palisade over Streamable HTTP and over stdio: a third client,
//! written by others, negotiating protocol 2026-07-28.

#[path = "support/mcp.rs"]
#[allow(dead_code)]
mod mcp;
#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;
mod support;

use palisade::lab::{Fix, Kind, Lab};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The folder scripts/test installs the TypeScript SDK into (its node_modules holds `@modelcontextprotocol/client`).
fn ts_client() -> PathBuf {
    let folder = std::env::var_os("PALISADE_TEST_TS_CLIENT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/ts-client"));
    assert!(
        folder
            .join("node_modules/@modelcontextprotocol/client/package.json")
            .exists(),
        "{} has no @modelcontextprotocol/client: run scripts/test, which installs the TypeScript MCP SDK",
        folder.display()
    );
    folder
}

/// Runs tests/node/mcp_loop.mjs with `args`; fixes the lab when the script is ready, then expects success.
fn run_loop(lab: &Lab, dir: &std::path::Path, args: &[&str]) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node/mcp_loop.mjs");
    let mut child = Command::new("node")
        .arg(script)
        .args(args)
        .env("PALISADE_TEST_TS_CLIENT", ts_client())
        .env("PALISADE_DB", dir.join("palisade.db"))
        .env("PALISADE_NAMESERVERS", support::DEAD_DNS)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (scripts/test needs Node.js 20 or later)");
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
    assert_eq!(done, "{\"ok\":true}");
    assert!(child.wait().unwrap().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_typescript_sdk_runs_the_loop_over_streamable_http() {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let server = served::serve(Some(&config), dir.path(), &[], &[]);
    let target = lab.host(Kind::Vulnerable).url();
    let url = format!("{}/mcp", server.base);
    let dir_path = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || run_loop(&lab, &dir_path, &["http", &url, &target]))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_typescript_sdk_runs_the_loop_over_stdio() {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let target = lab.host(Kind::Vulnerable).url();
    let config = config.to_str().unwrap().to_string();
    let dir_path = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        run_loop(
            &lab,
            &dir_path,
            &["stdio", env!("CARGO_BIN_EXE_palisade"), &config, &target],
        )
    })
    .await
    .unwrap();
}
