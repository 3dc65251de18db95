//! Scans as MCP tasks (`io.modelcontextprotocol/tasks`) with a 2026-07-28 rmcp client, over Streamable HTTP and
//! stdio: `start_scan` answers with a task at once, `tasks/get` follows it and inlines the answer when it ends, the
//! task survives a `palisade serve` killed in the middle (the next server runs the scan again under the same id,
//! storing no finding twice), `tasks/cancel` cancels it keeping its findings, and a client without the extension
//! gets today's answers.

#[path = "support/mcp.rs"]
#[allow(dead_code)] // the agent loop is for the other MCP tests
mod mcp;
#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;
mod support;

use axum::Router;
use mcp::{Client, Recorder};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CancelTaskParams, GetTaskParams, GetTaskResult,
    ProtocolVersion, TaskPayload, TaskStatus,
};
use rmcp::service::ClientLifecycleMode;
use rmcp::service::ClientServiceExt;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A site without security headers whose every answer takes 400 ms while `slow` is set; `seen` counts requests.
fn site(slow: Arc<AtomicBool>, seen: Arc<AtomicUsize>) -> Router {
    Router::new().fallback(move || {
        let (slow, seen) = (slow.clone(), seen.clone());
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            if slow.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(400)).await;
            }
            axum::response::Html("<html><head><title>shop</title></head><body>shop</body></html>")
        }
    })
}

/// The slow site running on loopback, and a fresh database folder for the servers that scan it.
struct Shop {
    slow: Arc<AtomicBool>,
    seen: Arc<AtomicUsize>,
    url: String,
    dir: tempfile::TempDir,
    _server: palisade::lab::serve::Server,
}

impl Shop {
    async fn start() -> Shop {
        let slow = Arc::new(AtomicBool::new(true));
        let seen = Arc::new(AtomicUsize::new(0));
        let server = support::http(site(slow.clone(), seen.clone())).await;
        Shop {
            url: format!("http://127.0.0.1:{}/", server.addr.port()),
            slow,
            seen,
            dir: tempfile::tempdir().unwrap(),
            _server: server,
        }
    }
}

/// Waits until the site has seen `n` requests: a scan of it is under way.
async fn reached(seen: &AtomicUsize, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while seen.load(Ordering::SeqCst) < n {
        assert!(Instant::now() < deadline, "the scan never reached the site");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A 2026-07-28 client (no handshake) of `base`, declaring the tasks extension when `tasks`.
async fn client(base: &str, tasks: bool) -> Client {
    let transport = rmcp::transport::StreamableHttpClientTransport::from_uri(format!("{base}/mcp"));
    discover(transport, tasks).await
}

/// A 2026-07-28 client of `palisade mcp --allow-private` (its database in `dir`) over stdio.
async fn stdio_client(dir: &std::path::Path, tasks: bool) -> Client {
    use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
    let cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_palisade")).configure(|c| {
        c.args(["mcp", "--allow-private"])
            .env("PALISADE_DB", dir.join("palisade.db"))
            .env("PALISADE_NAMESERVERS", support::DEAD_DNS)
            .current_dir(dir);
    });
    discover(TokioChildProcess::new(cmd).unwrap(), tasks).await
}

async fn discover<T, E, A>(transport: T, tasks: bool) -> Client
where
    T: rmcp::transport::IntoTransport<rmcp::RoleClient, E, A>,
    E: std::error::Error + Send + Sync + 'static,
{
    let mode = ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::LATEST],
    };
    let rec = Recorder {
        tasks,
        ..Default::default()
    };
    rec.serve_with_lifecycle(transport, mode)
        .await
        .expect("discovered statelessly")
}

async fn start_task(client: &Client, args: Value) -> String {
    let params =
        CallToolRequestParams::new("start_scan").with_arguments(args.as_object().unwrap().clone());
    match client.peer().call_tool_once(params).await.unwrap() {
        CallToolResponse::Task(created) => {
            assert_eq!(created.task.status, TaskStatus::Working);
            assert!(created.task.poll_interval_ms.is_some(), "{created:?}");
            created.task.task_id
        }
        other => panic!("start_scan should answer with a task, got {other:?}"),
    }
}

async fn get(client: &Client, id: &str) -> GetTaskResult {
    client
        .peer()
        .get_task(GetTaskParams::new(id))
        .await
        .unwrap()
}

/// Polls the task until it ends.
async fn ended(client: &Client, id: &str) -> GetTaskResult {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let task = get(client, id).await;
        if task.task.status().is_terminal() {
            return task;
        }
        assert!(Instant::now() < deadline, "task {id} never ended: {task:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn inlined(task: &GetTaskResult) -> Value {
    match &task.task.payload {
        TaskPayload::Completed { result } => Value::Object(result.clone()),
        other => panic!("expected a completed task with its result, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scan_task_survives_a_server_killed_in_the_middle() {
    let shop = Shop::start().await;
    let (slow, seen, url, dir) = (&shop.slow, &shop.seen, shop.url.clone(), &shop.dir);
    let first = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&first.base, true).await;
    let id = start_task(&agent, json!({ "targets": [url], "profile": "quick" })).await;
    // Stored before the handle was returned: the next tasks/get resolves.
    let now = get(&agent, &id).await;
    assert_eq!(now.task.status(), TaskStatus::Working, "{now:?}");
    assert_eq!(now.task.task.ttl_ms, None, "scans are kept until deleted");
    reached(seen, 2).await;
    let before = get(&agent, &id).await;
    assert_eq!(before.task.status(), TaskStatus::Working, "{before:?}");
    drop(agent);
    drop(first); // SIGKILL, in the middle of the scan

    slow.store(false, Ordering::SeqCst);
    let second = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&second.base, true).await;
    let done = ended(&agent, &id).await;
    assert_eq!(done.task.status(), TaskStatus::Completed, "{done:?}");
    let result = inlined(&done);
    let scan = &result["structuredContent"];
    assert_eq!(scan["scan_id"], id.as_str(), "{result}");
    assert_eq!(scan["status"], "completed", "{result}");
    assert!(
        result
            .get("_meta")
            .is_none_or(|m| m.get("io.modelcontextprotocol/related-task").is_none()),
        "{result}"
    );
    // Its findings, found again after the restart, are stored once each.
    let page = mcp::call(
        &agent,
        "get_findings",
        json!({ "scan_id": id, "limit": 100 }),
    )
    .await
    .unwrap();
    let findings = page["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["check_id"].as_str().unwrap().starts_with("headers.")),
        "{page}"
    );
    let distinct: HashSet<(&str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["fingerprint"].as_str().unwrap(),
                f["url"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(distinct.len(), findings.len(), "{page}");

    // Cancelling an ended task is acknowledged the same way and changes nothing.
    agent
        .peer()
        .cancel_task(CancelTaskParams::new(&id))
        .await
        .unwrap();
    assert_eq!(get(&agent, &id).await.task.status(), TaskStatus::Completed);
    // An id that names no scan is invalid params.
    let unknown = agent
        .peer()
        .get_task(GetTaskParams::new("nosuchid"))
        .await
        .unwrap_err();
    assert!(format!("{unknown:?}").contains("-32602"), "{unknown:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_task_keeps_its_findings_and_a_client_without_tasks_is_answered_as_before() {
    let shop = Shop::start().await;
    let (slow, seen, url, dir) = (&shop.slow, &shop.seen, shop.url.clone(), &shop.dir);
    let server = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&server.base, true).await;
    let id = start_task(&agent, json!({ "targets": [url], "profile": "standard" })).await;
    reached(seen, 2).await;
    agent
        .peer()
        .cancel_task(CancelTaskParams::new(&id))
        .await
        .unwrap();
    let done = ended(&agent, &id).await;
    assert_eq!(done.task.status(), TaskStatus::Cancelled, "{done:?}");
    let scan = mcp::call(&agent, "get_scan", json!({ "scan_id": id }))
        .await
        .unwrap();
    assert_eq!(scan["status"], "cancelled", "{scan}");

    // Without the extension: start_scan answers with the scan itself, and tasks/* are refused with -32021.
    slow.store(false, Ordering::SeqCst);
    let plain = client(&server.base, false).await;
    let answer = mcp::call(
        &plain,
        "start_scan",
        json!({ "targets": [url], "profile": "quick", "wait_seconds": 40 }),
    )
    .await
    .unwrap();
    assert_eq!(answer["status"], "completed", "{answer}");
    let refused = plain
        .peer()
        .get_task(GetTaskParams::new(&id))
        .await
        .unwrap_err();
    assert!(format!("{refused:?}").contains("-32021"), "{refused:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_task_the_restarted_server_cannot_run_again_fails_with_the_reason() {
    let shop = Shop::start().await;
    let (seen, url, dir) = (&shop.seen, shop.url.clone(), &shop.dir);
    let first = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&first.base, true).await;
    let id = start_task(&agent, json!({ "targets": [url], "profile": "quick" })).await;
    reached(seen, 1).await;
    drop(agent);
    drop(first);
    // The next server may not scan private addresses: the scan's target is out of its scope now.
    let second = served::serve(None, dir.path(), &[], &[]);
    let agent = client(&second.base, true).await;
    let done = ended(&agent, &id).await;
    match &done.task.payload {
        TaskPayload::Failed { error } => {
            let message = error["message"].as_str().unwrap();
            assert!(
                message.starts_with("interrupted by a restart and could not run again")
                    && message.contains("127.0.0.1"),
                "{message}"
            );
        }
        other => panic!("expected a failed task with the reason, got {other:?}"),
    }
}

/// `subscriptions/listen` for `task_id` as a 2026-07-28 client that declares the tasks extension, by hand: rmcp's
/// client has no `taskIds` in its filter. Returns the SSE body's stream of JSON messages.
async fn listen_for_task(base: &str, task_id: &str) -> tokio::sync::mpsc::Receiver<Value> {
    use futures::StreamExt;
    let body = json!({
        "jsonrpc": "2.0", "id": 7, "method": "subscriptions/listen",
        "params": {
            "notifications": { "taskIds": [task_id] },
            "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientInfo": { "name": "listen-test", "version": "1" },
                "io.modelcontextprotocol/clientCapabilities": {
                    "extensions": { "io.modelcontextprotocol/tasks": {} }
                }
            }
        }
    });
    let response = reqwest::Client::new()
        .post(format!("{base}/mcp"))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "subscriptions/listen")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        let mut stream = response.bytes_stream();
        let mut buffer = String::new();
        while let Some(Ok(chunk)) = stream.next().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                for line in block.lines() {
                    if let Some(data) = line.strip_prefix("data:")
                        && let Ok(message) = serde_json::from_str::<Value>(data.trim())
                        && tx.send(message).await.is_err()
                    {
                        return;
                    }
                }
            }
        }
    });
    rx
}

/// The next `notifications/tasks` on a listen stream.
async fn next_task_status(stream: &mut tokio::sync::mpsc::Receiver<Value>) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(30), stream.recv())
            .await
            .expect("a task status notification in time")
            .expect("the stream stays open");
        if message["method"] == "notifications/tasks" {
            return message["params"].clone();
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listener_of_a_task_gets_its_status_now_and_when_it_ends() {
    let shop = Shop::start().await;
    let (url, dir) = (shop.url.clone(), &shop.dir);
    let server = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&server.base, true).await;
    let id = start_task(&agent, json!({ "targets": [url], "profile": "standard" })).await;
    let mut stream = listen_for_task(&server.base, &id).await;
    let now = next_task_status(&mut stream).await;
    assert_eq!(now["taskId"], id.as_str(), "{now}");
    assert_eq!(now["status"], "working", "{now}");
    assert_eq!(
        now["_meta"]["io.modelcontextprotocol/subscriptionId"], 7,
        "{now}"
    );
    agent
        .peer()
        .cancel_task(CancelTaskParams::new(&id))
        .await
        .unwrap();
    let last = next_task_status(&mut stream).await;
    assert_eq!(last["taskId"], id.as_str(), "{last}");
    assert_eq!(last["status"], "cancelled", "{last}");
}

#[tokio::test(flavor = "multi_thread")]
async fn over_stdio_a_scan_is_a_task_with_the_extension_and_an_answer_without() {
    let seen = Arc::new(AtomicUsize::new(0));
    let shop = support::http(site(Arc::new(AtomicBool::new(false)), seen)).await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}/", shop.addr.port());
    let args = json!({ "targets": [url], "profile": "quick", "wait_seconds": 40 });
    let agent = stdio_client(dir.path(), true).await;
    let id = start_task(&agent, args.clone()).await;
    let done = ended(&agent, &id).await;
    assert_eq!(done.task.status(), TaskStatus::Completed, "{done:?}");
    let result = inlined(&done);
    assert_eq!(
        result["structuredContent"]["scan_id"],
        id.as_str(),
        "{result}"
    );
    assert!(
        !result["structuredContent"]["worst_findings"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{result}"
    );
    agent.cancel().await.unwrap();

    let plain = stdio_client(dir.path(), false).await;
    let answer = mcp::call(&plain, "start_scan", args).await.unwrap();
    assert_eq!(answer["status"], "completed", "{answer}");
    assert_ne!(answer["scan_id"], id.as_str());
    plain.cancel().await.unwrap();
}

/// A task cancelled while no server runs its scan (its server was killed, and the next has not started yet) is
/// cancelled: `tasks/cancel` on another live server must not answer as if it were while the scan waits to be run
/// again by the next server that starts.
#[tokio::test(flavor = "multi_thread")]
async fn a_task_cancelled_while_no_server_runs_it_is_not_run_again() {
    let slow = Arc::new(AtomicBool::new(true));
    let seen = Arc::new(AtomicUsize::new(0));
    let shop = support::http(site(slow.clone(), seen.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}/", shop.addr.port());
    let first = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&first.base, true).await;
    let id = start_task(&agent, json!({ "targets": [url], "profile": "quick" })).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while seen.load(Ordering::SeqCst) < 1 {
        assert!(Instant::now() < deadline, "the scan never reached the site");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A second server on the same database, started while the first runs the scan, then the first is killed.
    let other = served::serve(None, dir.path(), &["--allow-private"], &[]);
    drop(agent);
    drop(first);
    let agent = client(&other.base, true).await;
    agent
        .peer()
        .cancel_task(CancelTaskParams::new(&id))
        .await
        .unwrap();
    let after = get(&agent, &id).await;
    assert_eq!(
        after.task.status(),
        TaskStatus::Cancelled,
        "tasks/cancel was acknowledged but the task goes on: {after:?}"
    );
    drop(agent);
    drop(other);

    // The next server does not run the cancelled scan again.
    slow.store(false, Ordering::SeqCst);
    let before = seen.load(Ordering::SeqCst);
    let next = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&next.base, true).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(get(&agent, &id).await.task.status(), TaskStatus::Cancelled);
    assert_eq!(
        seen.load(Ordering::SeqCst),
        before,
        "the cancelled scan was run again"
    );
}

/// A site without security headers whose answers take 400 ms while `bare` is set; afterwards quick, with the
/// security headers, but setting a cookie without its flags: the run of a scan after a restart finds other things
/// than the run a kill cut short.
fn changing_site(bare: Arc<AtomicBool>, seen: Arc<AtomicUsize>) -> Router {
    use axum::response::IntoResponse;
    Router::new().fallback(move || {
        let (bare, seen) = (bare.clone(), seen.clone());
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            let page = axum::response::Html(
                "<html><head><title>shop</title></head><body>shop</body></html>",
            );
            if bare.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(400)).await;
                return page.into_response();
            }
            let headers = [
                (
                    "content-security-policy",
                    "default-src 'self'; frame-ancestors 'none'",
                ),
                ("x-content-type-options", "nosniff"),
                ("x-frame-options", "DENY"),
                ("referrer-policy", "no-referrer"),
                ("permissions-policy", "geolocation=()"),
                ("cross-origin-opener-policy", "same-origin"),
                ("set-cookie", "session=abc123; Path=/"),
                ("server", "Apache/2.2.3 (CentOS)"),
            ];
            (headers, page).into_response()
        }
    })
}

/// Every finding of scan `id` by REST pages of `limit`, following the cursor: (fingerprint, target) of each.
async fn walk_findings(base: &str, id: &str, limit: u32) -> Vec<(String, String)> {
    let http = reqwest::Client::new();
    let mut cursor: Option<String> = None;
    let mut all = Vec::new();
    for _ in 0..200 {
        let mut url = format!("{base}/v1/scans/{id}/findings?limit={limit}");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: Value = http.get(url).send().await.unwrap().json().await.unwrap();
        for f in page["findings"].as_array().unwrap() {
            all.push((
                f["fingerprint"].as_str().unwrap().to_string(),
                f["target_id"].as_str().unwrap_or("").to_string(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return all,
        }
    }
    panic!("more than 200 pages of findings");
}

/// A scan run again after a restart numbers the findings it adds after those the cut-short run stored: pages of
/// findings follow (severity, position), and two findings at one position lose one at a page boundary.
#[tokio::test(flavor = "multi_thread")]
async fn a_resumed_scan_numbers_its_findings_on_and_pages_skip_none() {
    let bare = Arc::new(AtomicBool::new(true));
    let seen = Arc::new(AtomicUsize::new(0));
    let shop = support::http(changing_site(bare.clone(), seen.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}/", shop.addr.port());
    let first = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&first.base, true).await;
    let id = start_task(&agent, json!({ "targets": [url], "profile": "standard" })).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let stored = walk_findings(&first.base, &id, 100).await;
        if !stored.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "the first run stored no finding");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let now = get(&agent, &id).await;
    assert_eq!(
        now.task.status(),
        TaskStatus::Working,
        "killed too late: {now:?}"
    );
    drop(agent);
    drop(first);

    bare.store(false, Ordering::SeqCst);
    let second = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&second.base, true).await;
    let done = ended(&agent, &id).await;
    assert_eq!(done.task.status(), TaskStatus::Completed, "{done:?}");

    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("palisade.db").display()
    ))
    .await
    .unwrap();
    let (rows, positions): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT seq) FROM findings WHERE scan_id = ?")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .unwrap();
    pool.close().await;
    let whole = walk_findings(&second.base, &id, 100).await;
    let one_by_one = walk_findings(&second.base, &id, 1).await;
    assert_eq!(
        one_by_one.len(),
        whole.len(),
        "pages of one finding skipped some ({} of {}; {rows} findings at {positions} positions)",
        one_by_one.len(),
        whole.len()
    );
    assert_eq!(
        rows, positions,
        "findings of scan {id} share positions ({rows} findings, {positions} positions)"
    );
}

/// Open findings of scan `id` (REST, one page of 100): fingerprint and title.
async fn open_findings(base: &str, id: &str) -> std::collections::BTreeMap<String, String> {
    let url = format!("{base}/v1/scans/{id}/findings?limit=100");
    let page: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    page["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["fingerprint"].as_str().unwrap().to_string(),
                f["title"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// A scan run again after a restart runs every check from the start; findings the interrupted run stored that the
/// complete run no longer finds (their check ran to its end) are dropped, so the scan reports what its
/// complete run found and its counts agree with its grade. A new scan of the same site at the same moment is the
/// reference.
#[tokio::test(flavor = "multi_thread")]
async fn a_resumed_scan_reports_only_what_its_complete_run_finds() {
    let bare = Arc::new(AtomicBool::new(true));
    let seen = Arc::new(AtomicUsize::new(0));
    let shop = support::http(changing_site(bare.clone(), seen.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}/", shop.addr.port());
    let first = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&first.base, true).await;
    let id = start_task(&agent, json!({ "targets": [url], "profile": "standard" })).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while open_findings(&first.base, &id).await.is_empty() {
        assert!(Instant::now() < deadline, "the first run stored no finding");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(agent);
    drop(first);

    bare.store(false, Ordering::SeqCst);
    let second = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&second.base, true).await;
    assert_eq!(
        ended(&agent, &id).await.task.status(),
        TaskStatus::Completed
    );
    let reference = start_task(&agent, json!({ "targets": [url], "profile": "standard" })).await;
    assert_eq!(
        ended(&agent, &reference).await.task.status(),
        TaskStatus::Completed
    );
    let now = open_findings(&second.base, &reference).await;
    let resumed = open_findings(&second.base, &id).await;
    let stale: Vec<&String> = resumed
        .iter()
        .filter(|(fp, _)| !now.contains_key(*fp))
        .map(|(_, title)| title)
        .collect();
    assert!(
        stale.is_empty(),
        "the resumed scan reports findings its complete run did not find: {stale:?}"
    );
}

/// A server that stopped while its lease still ran, and whose process this machine cannot see (another container
/// on the same database: it counts as alive), leaves its scan `running` until the lease runs out. A server already
/// up takes the scan over once it has, without a restart.
#[tokio::test(flavor = "multi_thread")]
async fn a_scan_whose_lease_runs_out_is_taken_over_by_a_running_server() {
    let shop = Shop::start().await;
    let (slow, seen, url, dir) = (&shop.slow, &shop.seen, shop.url.clone(), &shop.dir);
    let first = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&first.base, true).await;
    let id = start_task(&agent, json!({ "targets": [url], "profile": "quick" })).await;
    reached(seen, 1).await;
    drop(agent);
    drop(first);
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("palisade.db").display()
    ))
    .await
    .unwrap();
    sqlx::query(
        "UPDATE scans SET owner = 'another-container:4026531836:1:1',
                lease_until = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+12 seconds')
         WHERE id = ?",
    )
    .bind(&id)
    .execute(&pool)
    .await
    .unwrap();

    slow.store(false, Ordering::SeqCst);
    let second = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&second.base, true).await;
    let owner: Option<String> = sqlx::query_scalar("SELECT owner FROM scans WHERE id = ?")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(
        owner.as_deref(),
        Some("another-container:4026531836:1:1"),
        "a scan whose owner may still run was taken at start"
    );
    let done = ended(&agent, &id).await;
    assert_eq!(done.task.status(), TaskStatus::Completed, "{done:?}");
    assert_eq!(inlined(&done)["structuredContent"]["status"], "completed");
}
