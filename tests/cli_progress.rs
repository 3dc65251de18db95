//! `palisade scan` keeps saying where it is while a slow, polite scan runs: with stderr not a terminal it prints a
//! progress line every `PALISADE_PROGRESS_EVERY` seconds (elapsed time, checks, requests sent, findings, what it is
//! doing), and the request counts it prints are the requests the server received; `-q` prints none.

mod support;

use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use support::*;

/// An HTTP server on 127.0.0.1 that answers each request after `delay`, counting what the scanner sends it: HTTP
/// requests, and TLS handshakes (the scanner tries HTTPS on the port too; a handshake counts as a request sent).
async fn slow_site(delay: Duration) -> (SocketAddr, Arc<AtomicU64>) {
    let hits = Arc::new(AtomicU64::new(0));
    let counter = hits.clone();
    let app = Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(delay).await;
            axum::response::Html("<html><head><title>slow</title></head><body>slow</body></html>")
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handshakes = hits.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (app, handshakes) = (app.clone(), handshakes.clone());
            tokio::spawn(async move {
                let mut first = [0u8; 1];
                if stream.peek(&mut first).await.is_ok_and(|n| n == 1) && first[0] == 0x16 {
                    handshakes.fetch_add(1, Ordering::SeqCst);
                    return;
                }
                let service = hyper_util::service::TowerToHyperService::new(app);
                let _ = hyper_util::server::conn::auto::Builder::new(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
            });
        }
    });
    (addr, hits)
}

/// One `palisade: progress: ...` line, read back.
#[derive(Debug)]
struct Tick {
    secs: u64,
    requests: u64,
}

/// The number just before `word` in `line` ("12 requests" -> 12).
fn number_before(line: &str, word: &str) -> Option<u64> {
    let end = line.find(word)?;
    line[..end]
        .trim_end()
        .rsplit([' ', ','])
        .next()?
        .parse()
        .ok()
}

fn tick(line: &str) -> Option<Tick> {
    let rest = line.strip_prefix("palisade: progress: ")?;
    let secs = rest.split_once("s elapsed")?.0.parse().ok()?;
    Some(Tick {
        secs,
        requests: number_before(rest, " request")?,
    })
}

/// Runs a scan of `http://slow.test/` (pinned to `site`) that the server and `--rate 2 --concurrency 1` slow down, with progress lines every second; returns
/// stderr's lines, each with the server's count when it arrived.
async fn scan(
    dir: &tempfile::TempDir,
    site: SocketAddr,
    extra: &[&str],
    hits: &AtomicU64,
) -> Vec<(String, u64)> {
    use tokio::io::AsyncBufReadExt;
    let mut cmd = tokio::process::Command::from(palisade_std(dir));
    // Both of the name's web ports lead to the one server, so every request the scan sends reaches it.
    let pin = |port: u16| format!("slow.test:{port}:127.0.0.1:{}", site.port());
    cmd.args([
        "scan",
        "http://slow.test/",
        "--allow-private",
        "--profile",
        "quick",
    ])
    .args(["--connect-to", &pin(80), "--connect-to", &pin(443)])
    .args(["--rate", "2", "--concurrency", "1"])
    .args(extra)
    .env("PALISADE_PROGRESS_EVERY", "1")
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("palisade scan starts");
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    let read = async {
        while let Ok(Some(line)) = lines.next_line().await {
            seen.push((line, hits.load(Ordering::SeqCst)));
        }
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("the scan ends within a minute");
    let status = child.wait().await.unwrap();
    assert_eq!(status.code(), Some(0), "{seen:#?}");
    seen
}

#[tokio::test]
async fn a_slow_scan_prints_progress_lines_with_real_request_counts() {
    let (site, hits) = slow_site(Duration::from_millis(200)).await;
    let dir = tempfile::tempdir().unwrap();
    let lines = scan(&dir, site, &[], &hits).await;
    let all: Vec<&str> = lines.iter().map(|(l, _)| l.as_str()).collect();
    let ticks: Vec<(Tick, u64)> = lines
        .iter()
        .filter_map(|(l, served)| tick(l).map(|t| (t, *served)))
        .collect();
    assert!(
        ticks.len() >= 3,
        "at least 3 progress lines while the scan ran: {all:#?}"
    );
    for pair in ticks.windows(2) {
        let ((a, _), (b, _)) = (&pair[0], &pair[1]);
        assert!(b.secs > a.secs, "elapsed time grows line by line: {all:#?}");
        assert!(
            b.requests >= a.requests,
            "request counts never go back: {all:#?}"
        );
    }
    assert!(
        ticks.first().unwrap().0.requests < ticks.last().unwrap().0.requests,
        "requests were counted while the scan ran, not only at its end: {all:#?}"
    );
    // A request is counted when it is sent, so a line can run ahead of the server only by the requests in flight
    // (at most --concurrency); at the end the server received exactly as many as the scan says it sent.
    for (t, served) in &ticks {
        assert!(
            t.requests <= *served + 1,
            "a line says {} requests when the server had {served}: {all:#?}",
            t.requests
        );
        assert!(t.requests > 0, "{all:#?}");
    }
    let last = all
        .iter()
        .find(|l| l.starts_with("palisade: scan completed in "))
        .unwrap_or_else(|| panic!("a closing line with the totals: {all:#?}"));
    let total = number_before(last, " request").expect("the closing line counts requests");
    assert_eq!(
        total,
        hits.load(Ordering::SeqCst),
        "the requests the scan says it sent are those the server received: {last}"
    );
    assert!(
        all.iter()
            .any(|l| l.starts_with("palisade: progress: ")
                && l.contains("checking (latest request: ")),
        "a progress line names the check that sent the latest request: {all:#?}"
    );
}

#[tokio::test]
async fn quiet_scans_print_no_progress() {
    let (site, hits) = slow_site(Duration::from_millis(200)).await;
    let dir = tempfile::tempdir().unwrap();
    let lines = scan(&dir, site, &["-q"], &hits).await;
    assert!(hits.load(Ordering::SeqCst) > 3, "the scan ran");
    assert!(lines.is_empty(), "-q prints nothing on stderr: {lines:#?}");
}
