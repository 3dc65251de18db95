//! Stopping the binary the way CI runners and terminals do: SIGTERM and Ctrl-C (SIGINT) during a scan of a slow
//! local server, and while `palisade lab` serves.

mod support;

use axum::Router;
use std::io::{BufRead, BufReader};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::*;
use tokio::io::AsyncBufReadExt;

/// An HTTP server on 127.0.0.1 that counts requests and answers none of them for an hour.
async fn slow_server() -> (Server, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_secs(3600)).await;
            "too late"
        }
    });
    (http(app).await, hits)
}

type Server = palisade::lab::serve::Server;

/// A scan running in a child process, with its id and the stderr read so far.
struct RunningScan {
    child: tokio::process::Child,
    id: String,
    stderr: tokio::task::JoinHandle<String>,
}

/// Starts `palisade scan URL --allow-private` and returns once it has printed its scan id and `hits` shows the
/// server has been asked something: the scan is under way.
async fn start_scan(dir: &tempfile::TempDir, url: &str, hits: &AtomicUsize) -> RunningScan {
    let mut cmd = tokio::process::Command::from(palisade_std(dir));
    cmd.args(["scan", url, "--allow-private", "--profile", "quick"])
        .args(["--timeout", "120"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("palisade scan starts");
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let (id_tx, id_rx) = tokio::sync::oneshot::channel();
    let stderr = tokio::spawn(async move {
        let mut all = String::new();
        let mut id_tx = Some(id_tx);
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(rest) = line.strip_prefix("palisade: scan ")
                && let Some(tx) = id_tx.take()
            {
                let _ = tx.send(rest.split(' ').next().unwrap_or("").to_string());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let id = tokio::time::timeout(Duration::from_secs(30), id_rx)
        .await
        .expect("the scan id is printed")
        .expect("the scan id is printed");
    for _ in 0..300 {
        if hits.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        hits.load(Ordering::SeqCst) > 0,
        "the scan reached the server"
    );
    RunningScan { child, id, stderr }
}

fn signal(pid: u32, signal: i32) {
    assert_eq!(unsafe { libc::kill(pid as i32, signal) }, 0, "kill({pid})");
}

fn scans_list(dir: &tempfile::TempDir) -> String {
    let out = palisade(dir).args(["scans", "list"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_mid_scan_prints_the_report_and_leaves_the_scan_cancelled_not_running() {
    let dir = tempfile::tempdir().unwrap();
    let (server, hits) = slow_server().await;
    let url = format!("http://{}/", server.addr);
    let scan = start_scan(&dir, &url, &hits).await;
    signal(scan.child.id().unwrap(), libc::SIGTERM);
    let out = tokio::time::timeout(Duration::from_secs(30), scan.child.wait_with_output())
        .await
        .expect("palisade exits after SIGTERM")
        .unwrap();
    let stderr = scan.stderr.await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("SIGTERM: stopping the scan; findings so far are kept"),
        "{stderr}"
    );
    assert!(
        stdout.contains(&format!("scan {}", scan.id))
            && stdout.contains(&format!("\n{url}   "))
            && stdout.contains("status: cancelled"),
        "the report is printed: {stdout}"
    );
    let list = scans_list(&dir);
    let row = list
        .lines()
        .find(|l| l.starts_with(&scan.id))
        .unwrap_or_else(|| panic!("{list}"));
    assert!(
        row.contains("cancelled") && !row.contains("running"),
        "{row}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_with_output_writes_the_report_file() {
    let dir = tempfile::tempdir().unwrap();
    let (server, hits) = slow_server().await;
    let url = format!("http://{}/", server.addr);
    let report = dir.path().join("report.json");
    let mut cmd = tokio::process::Command::from(palisade_std(&dir));
    cmd.args(["scan", &url, "--allow-private", "--format", "json", "-o"])
        .arg(&report)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    for _ in 0..300 {
        if hits.load(Ordering::SeqCst) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    signal(child.id().unwrap(), libc::SIGTERM);
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("palisade exits after SIGTERM")
        .unwrap();
    assert_eq!(status.code(), Some(3));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report written")).unwrap();
    assert_eq!(written["scan"]["status"], "cancelled");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scan_with_no_finished_check_says_so_instead_of_0_check_runs_on_0_targets() {
    let dir = tempfile::tempdir().unwrap();
    let (server, hits) = slow_server().await;
    let url = format!("http://{}/", server.addr);
    let scan = start_scan(&dir, &url, &hits).await;
    let out = palisade(&dir)
        .args(["scans", "show", &scan.id])
        .output()
        .unwrap();
    let show = String::from_utf8_lossy(&out.stdout);
    assert!(show.contains("status: running"), "{show}");
    assert!(show.contains("\ncoverage: no check finished\n"), "{show}");
    assert!(!show.contains("0 check runs"), "{show}");
    signal(scan.child.id().unwrap(), libc::SIGKILL);
}

/// Starts `palisade lab` with its temporary directory under `tmp`; returns the child and the config path it printed.
fn start_lab(
    dir: &tempfile::TempDir,
    tmp: &std::path::Path,
    args: &[&str],
) -> (std::process::Child, std::path::PathBuf) {
    let mut child = palisade_std(dir)
        .env("TMPDIR", tmp)
        .args(["lab", "--quiet"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("palisade lab starts");
    let line = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .find(|l| l.starts_with("config: "))
        .expect("the lab prints its config path");
    let config = std::path::PathBuf::from(line.trim_start_matches("config: "));
    (child, config)
}

fn stop_lab(mut child: std::process::Child, sig: i32) -> Option<i32> {
    signal(child.id(), sig);
    for _ in 0..300 {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("palisade lab did not stop");
}

#[test]
fn lab_removes_the_config_directory_it_created_on_sigterm_and_ctrl_c() {
    for sig in [libc::SIGTERM, libc::SIGINT] {
        let dir = tempfile::tempdir().unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let (child, config) = start_lab(&dir, tmp.path(), &[]);
        let made = config.parent().unwrap().to_path_buf();
        assert!(made.starts_with(tmp.path()), "{}", made.display());
        assert!(config.exists() && made.join("lab-ca.pem").exists());
        assert_eq!(stop_lab(child, sig), Some(0), "signal {sig}");
        assert!(
            !made.exists(),
            "signal {sig}: {} left behind",
            made.display()
        );
    }
}

#[test]
fn lab_keeps_a_config_directory_the_user_named() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine");
    let (child, config) = start_lab(&dir, tmp.path(), &["--config-dir", mine.to_str().unwrap()]);
    assert_eq!(config, mine.join("palisade.toml"));
    assert_eq!(stop_lab(child, libc::SIGTERM), Some(0));
    assert!(config.exists(), "the user's directory is theirs");
}
