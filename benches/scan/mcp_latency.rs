//! The MCP case of `cargo bench`: how soon a finding reaches an MCP client after the scanner found it, on both
//! protocol revisions. `palisade serve` runs beside `palisade lab`, each in its own process; a plain HTTP client
//! calls `start_scan` (standard profile, the lab's vulnerable host) at `/mcp` with a progress token and reads the SSE
//! answer: on 2025-11-25 after the initialize handshake, in its session; on 2026-07-28 statelessly, each request
//! carrying its own `_meta` and headers. Every finding arrives as a `notifications/progress` message whose `_meta`
//! says when it was found (`io.palisade/foundAt`, milliseconds); its delay is the time of receipt less that, both
//! read from this machine's wall clock. Budget: the first finding of every scan within 100 ms; p50 and max over all
//! findings are shown beside it.

#[allow(dead_code)]
#[path = "../../tests/support/sse.rs"]
mod sse;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::sync::mpsc;

/// The `_meta` key of a finding's progress notification (src/mcp/watch.rs).
const FOUND_AT: &str = "io.palisade/foundAt";
/// Scans per revision.
const RUNS: usize = 3;
const BUDGET: Duration = Duration::from_millis(100);
const TARGET: &str = "vulnerable.lab.palisade.test";

#[derive(Clone, Copy)]
enum Revision {
    /// 2025-11-25: initialize, then requests in the session it opens.
    Session,
    /// 2026-07-28: no handshake; every request says who the client is.
    Stateless,
}

impl Revision {
    fn version(self) -> &'static str {
        match self {
            Revision::Session => "2025-11-25",
            Revision::Stateless => "2026-07-28",
        }
    }
}

/// A `palisade serve` process; dropping it stops it.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the MCP cases; the lines of those over budget.
pub fn run(bin: &str, config: &Path, dir: &Path) -> Vec<String> {
    let served = serve(bin, config, dir);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    println!(
        "{:<22} {:>11} {:>11} {:>11} {:>10}  budget: first < {} ms (worst of {RUNS} scans; p50 and max over all findings)",
        "MCP, found → client",
        "first",
        "p50",
        "max",
        "findings",
        BUDGET.as_millis()
    );
    let mut late = Vec::new();
    for revision in [Revision::Session, Revision::Stateless] {
        let mut first = Duration::ZERO;
        let mut all = Vec::new();
        for i in 0..RUNS {
            let delays = runtime.block_on(scan(&served.base, revision, i));
            assert!(
                !delays.is_empty(),
                "MCP {}: no finding was streamed",
                revision.version()
            );
            first = first.max(delays[0]);
            all.extend(delays);
        }
        all.sort();
        let ok = first < BUDGET;
        let name = format!("MCP {}", revision.version());
        println!(
            "{:<22} {:>9.1}ms {:>9.1}ms {:>9.1}ms {:>10}  {}",
            name,
            ms(first),
            ms(all[all.len() / 2]),
            ms(*all.last().unwrap()),
            all.len() / RUNS,
            if ok { "within budget" } else { "OVER BUDGET" }
        );
        if !ok {
            late.push(format!(
                "{name}: the first finding reached the client {:.1} ms after it was found (budget {} ms)",
                ms(first),
                BUDGET.as_millis()
            ));
        }
    }
    late
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Starts `palisade --config CONFIG serve --bind 127.0.0.1:0` with its database in `dir`.
fn serve(bin: &str, config: &Path, dir: &Path) -> Served {
    let mut child = Command::new(bin)
        .arg("--config")
        .arg(config)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("PALISADE_DB", dir.join("mcp.db"))
        .env("PALISADE_NAMESERVERS", "127.0.0.1:9")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("palisade serve starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.starts_with("palisade: serving on "))
        .expect("the server says where it listens");
    std::thread::spawn(move || lines.for_each(drop));
    let base = line["palisade: serving on ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    Served { child, base }
}

/// One `start_scan` call on `revision`: the delay of each finding, in the order they arrived.
async fn scan(base: &str, revision: Revision, run: usize) -> Vec<Duration> {
    let http = reqwest::Client::new();
    let url = format!("{base}/mcp");
    let mut headers = vec![("mcp-protocol-version", revision.version().to_string())];
    let mut meta = json!({ "progressToken": format!("bench-{run}") });
    match revision {
        Revision::Session => headers.push(("mcp-session-id", initialize(&http, &url).await)),
        Revision::Stateless => {
            headers.push(("mcp-method", "tools/call".into()));
            headers.push(("mcp-name", "start_scan".into()));
            meta["io.modelcontextprotocol/protocolVersion"] = json!("2026-07-28");
            meta["io.modelcontextprotocol/clientInfo"] =
                json!({ "name": "palisade-bench", "version": "1" });
            meta["io.modelcontextprotocol/clientCapabilities"] = json!({});
        }
    }
    let call = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
        "name": "start_scan",
        "arguments": { "targets": [TARGET], "profile": "standard", "wait_seconds": 40 },
        "_meta": meta,
    }});
    let response = post(&http, &url, &headers, &call).await;
    let (tx, mut rx) = mpsc::channel(256);
    tokio::spawn(sse::read_events(response, tx));
    let mut delays = Vec::new();
    while let Some((_, data)) = rx.recv().await {
        let received = time::OffsetDateTime::now_utc();
        let Ok(message) = serde_json::from_str::<Value>(&data) else {
            continue;
        };
        if message["id"] == 1 {
            let result = &message["result"];
            assert_ne!(result["isError"], true, "start_scan failed: {message}");
            assert_eq!(
                result["structuredContent"]["status"], "completed",
                "{message}"
            );
            return delays;
        }
        if let Some(found) = message["params"]["_meta"][FOUND_AT].as_str() {
            let found = palisade::time::parse(found).expect("foundAt is RFC 3339");
            delays.push((received - found).try_into().unwrap_or(Duration::ZERO));
        }
    }
    panic!(
        "MCP {}: the stream ended before the answer",
        revision.version()
    );
}

/// The 2025-11-25 handshake: initialize, then `notifications/initialized` in the session; the session id.
async fn initialize(http: &reqwest::Client, url: &str) -> String {
    let init = json!({ "jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": { "name": "palisade-bench", "version": "1" },
    }});
    let response = post(http, url, &[], &init).await;
    let session = response
        .headers()
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .expect("initialize opens a session")
        .to_string();
    let body = response.text().await.unwrap();
    assert!(
        body.contains("\"protocolVersion\":\"2025-11-25\""),
        "{body}"
    );
    let headers = [
        ("mcp-protocol-version", "2025-11-25".to_string()),
        ("mcp-session-id", session.clone()),
    ];
    let initialized = json!({ "jsonrpc": "2.0", "method": "notifications/initialized" });
    let status = post(http, url, &headers, &initialized).await.status();
    assert_eq!(status, 202, "notifications/initialized");
    session
}

async fn post(
    http: &reqwest::Client,
    url: &str,
    headers: &[(&str, String)],
    body: &Value,
) -> reqwest::Response {
    let mut request = http
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .json(body);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.expect("POST /mcp");
    assert!(
        response.status().is_success(),
        "POST /mcp: {}",
        response.status()
    );
    response
}
