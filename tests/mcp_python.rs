//! The official Python MCP SDK (`mcp` from PyPI, installed by scripts/test in target/mcp-venv) runs the agent loop
//! against Palisade over stdio and over Streamable HTTP: a second client, written by others.

#[path = "support/mcp.rs"]
#[allow(dead_code)]
mod mcp;
#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;
mod support;

use support::peers::python;

use palisade::lab::{Fix, Kind, Lab};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Runs tests/python/mcp_loop.py with `args`; fixes the lab when the script is ready, then expects success.
fn run_loop(lab: &Lab, dir: &std::path::Path, args: &[&str]) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python/mcp_loop.py");
    let mut child = Command::new(python())
        .arg(script)
        .args(args)
        .env("PALISADE_DB", dir.join("palisade.db"))
        .env("PALISADE_NAMESERVERS", support::DEAD_DNS)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
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
    assert_eq!(done, "{\"ok\": true}");
    assert!(child.wait().unwrap().success());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_python_sdk_runs_the_loop_over_stdio() {
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

#[tokio::test(flavor = "multi_thread")]
async fn the_python_sdk_runs_the_loop_over_streamable_http() {
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
async fn the_python_sdk_runs_the_loop_statelessly_on_protocol_2026_07_28() {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let server = served::serve(Some(&config), dir.path(), &[], &[]);
    let target = lab.host(Kind::Vulnerable).url();
    let url = format!("{}/mcp", server.base);
    let dir_path = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || run_loop(&lab, &dir_path, &["http-2026", &url, &target]))
        .await
        .unwrap();
}
