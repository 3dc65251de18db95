//! The MCP server over stdio: an rmcp client drives the real `palisade mcp` through the agent's whole loop, and the
//! server stands up to bad input and to clients that go away.

#[path = "support/mcp.rs"]
mod mcp;
mod support;

use mcp::{Client, Recorder, the_loop};
use palisade::lab::Lab;
use rmcp::ServiceExt;
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use support::DEAD_DNS;
use support::hostile::{Behaviour, start};

/// Starts `palisade mcp` reaching `lab`, with its database in `dir`, and connects a client to it.
async fn connect(lab_config: &std::path::Path, dir: &std::path::Path, rec: &Recorder) -> Client {
    connect_with(lab_config, dir, rec, &[]).await
}

async fn connect_with(
    lab_config: &std::path::Path,
    dir: &std::path::Path,
    rec: &Recorder,
    args: &[&str],
) -> Client {
    let cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_palisade")).configure(|c| {
        c.arg("--config").arg(lab_config).arg("mcp").args(args);
        c.env("PALISADE_DB", dir.join("palisade.db"))
            .env("PALISADE_NAMESERVERS", DEAD_DNS)
            .current_dir(dir);
    });
    rec.clone()
        .serve(TokioChildProcess::new(cmd).unwrap())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_runs_the_whole_loop_over_stdio() {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let slow = start(Behaviour::Silent).await;
    let rec = Recorder::default();
    let client = connect(&config, dir.path(), &rec).await;
    let info = client.peer_info().unwrap();
    assert_eq!(
        info.server_info.as_ref().map(|i| i.name.as_str()),
        Some("palisade")
    );
    assert!(
        info.instructions
            .as_deref()
            .unwrap_or("")
            .contains("verify_fixes")
    );
    // A title and an icon clients can show: an SVG data URI that decodes to an SVG.
    let server = info.server_info.as_ref().unwrap();
    assert_eq!(server.title.as_deref(), Some("Palisade security scanner"));
    let icon = &server.icons.as_ref().unwrap()[0];
    let encoded = icon.src.strip_prefix("data:image/svg+xml;base64,").unwrap();
    use base64::Engine as _;
    let svg = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    assert!(String::from_utf8(svg).unwrap().starts_with("<svg "));
    the_loop(&client, &rec, &lab, slow.addr).await;
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_an_answer_the_model_can_act_on() {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let client = connect(&config, dir.path(), &Recorder::default()).await;
    // An unknown tool is a protocol fault: a JSON-RPC error.
    let unknown = client
        .call_tool(rmcp::model::CallToolRequestParams::new("drop_database"))
        .await
        .expect_err("unknown tool");
    assert!(
        unknown.to_string().contains("tool not found") || unknown.to_string().contains("-32602"),
        "{unknown}"
    );
    // Wrong argument types, unknown scans and refused targets are tool errors that say what to do.
    let wrong = mcp::call(
        &client,
        "start_scan",
        serde_json::json!({ "targets": "https://example.test" }),
    )
    .await;
    assert!(
        wrong
            .unwrap_err()
            .contains("failed to deserialize parameters")
    );
    let nowhere = mcp::call(
        &client,
        "get_scan",
        serde_json::json!({ "scan_id": "zzzzzzzz" }),
    )
    .await
    .unwrap_err();
    assert_eq!(
        nowhere,
        "no scan 'zzzzzzzz': call list_scans to see recent scan ids"
    );
    let metadata = mcp::call(
        &client,
        "add_target",
        serde_json::json!({ "url": "http://169.254.169.254/latest/" }),
    )
    .await
    .unwrap_err();
    assert!(
        metadata.contains("169.254.169.254 is a link-local address"),
        "{metadata}"
    );
    assert!(metadata.contains("Tell the user"), "{metadata}");
    let bad = mcp::call(
        &client,
        "add_target",
        serde_json::json!({ "url": "ftp://example.test" }),
    )
    .await
    .unwrap_err();
    assert!(
        bad.contains("palisade scans http:// and https:// URLs only"),
        "{bad}"
    );
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_that_goes_away_mid_scan_leaves_the_scan_running_and_readable_later() {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let trickle = start(Behaviour::Trickle).await;
    let first = connect_with(
        &config,
        dir.path(),
        &Recorder::default(),
        &["--timeout", "1"],
    )
    .await;
    // Every request to this target trickles until the 1 s timeout, so the scan outlives the client.
    let url = format!("http://127.0.0.1:{}/", trickle.addr.port());
    let started = mcp::call(
        &first,
        "start_scan",
        serde_json::json!({ "targets": [url], "profile": "quick", "wait_seconds": 0 }),
    )
    .await
    .unwrap();
    let scan_id = started["scan_id"].as_str().unwrap().to_string();
    drop(first);
    let second = connect(&config, dir.path(), &Recorder::default()).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let scan = mcp::call(
            &second,
            "get_scan",
            serde_json::json!({ "scan_id": scan_id }),
        )
        .await
        .unwrap();
        match scan["status"].as_str().unwrap() {
            "running" => assert!(std::time::Instant::now() < deadline, "the scan never ended"),
            "completed" => break,
            other => panic!("the scan ended {other}, not completed: {scan}"),
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    second.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_the_start_scan_request_cancels_the_scan() {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let slow = start(Behaviour::Silent).await;
    let client = connect(&config, dir.path(), &Recorder::default()).await;
    let url = format!("https://127.0.0.1:{}/", slow.addr.port());
    let params = rmcp::model::CallToolRequestParams::new("start_scan").with_arguments(
        serde_json::json!({ "targets": [url], "wait_seconds": 40 })
            .as_object()
            .unwrap()
            .clone(),
    );
    let request = rmcp::model::ClientRequest::CallToolRequest(rmcp::model::Request::new(params));
    let handle = client
        .send_cancellable_request(request, rmcp::service::PeerRequestOptions::no_options())
        .await
        .unwrap();
    // Cancel once the scan exists (creating it loads the templates, slow in a debug build).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let scans = mcp::call(&client, "list_scans", serde_json::json!({}))
            .await
            .unwrap();
        if scans["scans"][0]["status"] == "running" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no scan started: {scans}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    handle
        .cancel(Some("the user changed their mind".into()))
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let scans = mcp::call(&client, "list_scans", serde_json::json!({}))
            .await
            .unwrap();
        let status = scans["scans"][0]["status"]
            .as_str()
            .unwrap_or_else(|| panic!("no scan listed: {scans}"))
            .to_string();
        if status == "cancelled" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still {status}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
#[allow(deprecated)]
async fn logging_resources_subscriptions_and_prompts() {
    use rmcp::model::{
        GetPromptRequestParams, LoggingLevel, ReadResourceRequestParams, ResourceContents,
        SetLevelRequestParams, SubscribeRequestParams,
    };
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let rec = Recorder::default();
    let client = connect(&config, dir.path(), &rec).await;
    let hardened = lab.host(palisade::lab::Kind::Hardened).url();

    // Scan phases are logged at info; a client asking for errors only gets none.
    client
        .set_level(SetLevelRequestParams::new(LoggingLevel::Error))
        .await
        .unwrap();
    let quiet = mcp::call(
        &client,
        "start_scan",
        serde_json::json!({ "targets": [hardened], "profile": "quick", "wait_seconds": 40 }),
    )
    .await
    .unwrap();
    assert_eq!(quiet["status"], "completed");
    assert!(
        rec.logs.lock().unwrap().is_empty(),
        "no info logs above the error level"
    );
    client
        .set_level(SetLevelRequestParams::new(LoggingLevel::Info))
        .await
        .unwrap();
    let scan = mcp::call(
        &client,
        "start_scan",
        serde_json::json!({ "targets": [hardened], "profile": "quick", "wait_seconds": 40 }),
    )
    .await
    .unwrap();
    let id = scan["scan_id"].as_str().unwrap().to_string();
    let logs: Vec<String> = rec
        .logs
        .lock()
        .unwrap()
        .iter()
        .map(|l| l.data.to_string())
        .collect();
    assert!(
        logs.iter()
            .any(|l| l.contains(&format!("scan {id} completed"))),
        "{logs:?}"
    );

    // Resources: templates, recent scans, and an update when a subscribed scan ends.
    let templates = client.list_all_resource_templates().await.unwrap();
    let uris: Vec<&str> = templates.iter().map(|t| t.uri_template.as_str()).collect();
    assert_eq!(
        uris,
        [
            "palisade://scans/{scan_id}",
            "palisade://scans/{scan_id}/findings",
            "palisade://scans/{scan_id}/fix",
            "palisade://scans/{scan_id}/report.{format}"
        ]
    );
    // Reports by URI: SARIF as text, PDF as a base64 blob, an unknown format refused with the list.
    let sarif = client
        .read_resource(ReadResourceRequestParams::new(format!(
            "palisade://scans/{id}/report.sarif"
        )))
        .await
        .unwrap();
    let text = match &sarif.contents[0] {
        ResourceContents::TextResourceContents {
            text, mime_type, ..
        } => {
            assert_eq!(mime_type.as_deref(), Some("application/sarif+json"));
            text.clone()
        }
        other => panic!("SARIF is text: {other:?}"),
    };
    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let pdf = client
        .read_resource(ReadResourceRequestParams::new(format!(
            "palisade://scans/{id}/report.pdf"
        )))
        .await
        .unwrap();
    match &pdf.contents[0] {
        ResourceContents::BlobResourceContents { blob, .. } => {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(blob)
                .unwrap();
            assert!(bytes.starts_with(b"%PDF-"));
        }
        other => panic!("PDF is a blob: {other:?}"),
    }
    let err = client
        .read_resource(ReadResourceRequestParams::new(format!(
            "palisade://scans/{id}/report.docx"
        )))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("one of json, jsonl, csv"), "{err}");
    let listed = client.list_all_resources().await.unwrap();
    assert!(
        listed
            .iter()
            .any(|r| r.uri == format!("palisade://scans/{id}"))
    );
    let slow = start(Behaviour::Silent).await;
    let running = mcp::call(
        &client,
        "start_scan",
        serde_json::json!({ "targets": [format!("https://127.0.0.1:{}/", slow.addr.port())], "wait_seconds": 0 }),
    )
    .await
    .unwrap();
    let uri = format!("palisade://scans/{}", running["scan_id"].as_str().unwrap());
    client
        .subscribe(SubscribeRequestParams::new(uri.clone()))
        .await
        .unwrap();
    mcp::call(
        &client,
        "cancel_scan",
        serde_json::json!({ "scan_id": running["scan_id"] }),
    )
    .await
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !rec.updated.lock().unwrap().contains(&uri) {
        assert!(
            std::time::Instant::now() < deadline,
            "no resources/updated for {uri}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    // Prompts.
    let prompts = client.list_all_prompts().await.unwrap();
    let mut names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["fix_and_verify", "scan_site", "security_review"]);
    assert!(
        prompts
            .iter()
            .all(|p| p.description.as_deref().is_some_and(|d| !d.is_empty()))
    );
    let review = client
        .get_prompt(
            GetPromptRequestParams::new("security_review").with_arguments(
                serde_json::json!({ "scan_id": id })
                    .as_object()
                    .unwrap()
                    .clone(),
            ),
        )
        .await
        .unwrap();
    let text = serde_json::to_string(&review.messages).unwrap();
    assert!(
        text.contains(&id) && text.contains(&hardened) && text.contains("attack chains"),
        "{text}"
    );
    client.cancel().await.unwrap();
}

/// `palisade mcp` driven line by line, as a client that writes raw bytes would.
struct Raw {
    child: tokio::process::Child,
    stdin: tokio::process::ChildStdin,
    stdout: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
}

impl Raw {
    fn start(dir: &std::path::Path) -> Raw {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_palisade"))
            .arg("mcp")
            .env("PALISADE_DB", dir.join("palisade.db"))
            .env("PALISADE_NAMESERVERS", DEAD_DNS)
            .current_dir(dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(
            child.stdout.take().unwrap(),
        ));
        Raw {
            child,
            stdin,
            stdout,
        }
    }

    async fn write(&mut self, bytes: &[u8]) {
        tokio::io::AsyncWriteExt::write_all(&mut self.stdin, bytes)
            .await
            .unwrap();
    }

    /// The next line the server writes, as JSON.
    async fn read(&mut self) -> serde_json::Value {
        let line =
            tokio::time::timeout(std::time::Duration::from_secs(20), self.stdout.next_line())
                .await
                .expect("a reply within 20 s")
                .unwrap()
                .expect("the server is still there");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    }

    async fn initialize(&mut self) {
        self.write(
            br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
"#,
        )
        .await;
        let init = self.read().await;
        assert_eq!(init["id"], 1, "{init}");
        assert_eq!(init["result"]["serverInfo"]["name"], "palisade");
    }

    /// `tools/list` still answers.
    async fn still_serves(&mut self, id: u32) {
        self.write(
            format!("{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"tools/list\"}}\n").as_bytes(),
        )
        .await;
        let list = self.read().await;
        assert_eq!(list["id"], id, "{list}");
        assert!(
            list["result"]["tools"].as_array().unwrap().len() >= 9,
            "{list}"
        );
    }

    /// A line of /proc/PID/status, in kB.
    fn status_kb(&self, field: &str) -> u64 {
        let pid = self.child.id().unwrap();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

fn error(id: serde_json::Value, code: i64, message: &str) -> serde_json::Value {
    serde_json::json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

#[tokio::test(flavor = "multi_thread")]
async fn lines_that_are_not_json_rpc_get_json_rpc_errors_and_the_server_keeps_serving() {
    use serde_json::{Value, json};
    let dir = tempfile::tempdir().unwrap();
    let mut raw = Raw::start(dir.path());
    // Before initialize too.
    raw.write(b"hello\n").await;
    assert_eq!(
        raw.read().await,
        error(
            Value::Null,
            -32700,
            "Parse error: not JSON (expected value at line 1 column 1)"
        )
    );
    raw.initialize().await;
    raw.write(b"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/li\n")
        .await;
    assert_eq!(
        raw.read().await,
        error(
            Value::Null,
            -32700,
            "Parse error: not JSON (EOF while parsing a string at line 1 column 42)"
        )
    );
    raw.write(b"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\xff\xfe\"}\n")
        .await;
    assert_eq!(
        raw.read().await,
        error(
            Value::Null,
            -32700,
            "Parse error: the message is not UTF-8 (invalid byte at offset 38)"
        )
    );
    raw.write(
        b"{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"arguments\":{}}}\n",
    )
    .await;
    assert_eq!(
        raw.read().await,
        error(
            json!(4),
            -32602,
            "Invalid params for tools/call: missing field `name`"
        )
    );
    raw.write(b"{\"jsonrpc\":\"2.0\",\"id\":\"five\",\"method\":\"logging/setLevel\",\"params\":{\"level\":\"loud\"}}\n")
        .await;
    assert_eq!(
        raw.read().await,
        error(
            json!("five"),
            -32602,
            "Invalid params for logging/setLevel: unknown variant `loud`, expected one of `debug`, `info`, `notice`, \
             `warning`, `error`, `critical`, `alert`, `emergency`"
        )
    );
    // A notification is never answered, not even when its params are wrong; a blank line is nothing.
    raw.write(b"{\"jsonrpc\":\"2.0\",\"method\":\"logging/setLevel\",\"params\":{\"level\":\"loud\"}}\n\r\n  \n")
        .await;
    raw.write(b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":7}\n")
        .await;
    raw.write(b"[{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}]\n")
        .await;
    assert_eq!(
        raw.read().await,
        error(
            Value::Null,
            -32600,
            "Invalid Request: batches are not supported; send one JSON-RPC message at a time"
        ),
        "the next reply answers the batch: nothing answered the notifications"
    );
    raw.write(b"{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"ping\"}\n")
        .await;
    let wrong = raw.read().await;
    assert_eq!(
        (wrong["id"].clone(), wrong["error"]["code"].clone()),
        (json!(7), json!(-32600)),
        "{wrong}"
    );
    // An unknown method is still rmcp's -32601, and good requests are still served.
    raw.write(b"{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/drop\"}\n")
        .await;
    let unknown = raw.read().await;
    assert_eq!(
        (unknown["id"].clone(), unknown["error"]["code"].clone()),
        (json!(8), json!(-32601)),
        "{unknown}"
    );
    raw.still_serves(9).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_line_without_end_is_cut_off_at_1_mib_and_costs_no_more() {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().unwrap();
    let mut raw = Raw::start(dir.path());
    raw.initialize().await;
    let before = raw.status_kb("VmRSS:");
    // 100 MB without a newline, from a task of its own (the pipe blocks while the server reads).
    let mut stdin = raw.stdin;
    let writer = tokio::spawn(async move {
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..100 {
            stdin.write_all(&chunk).await.unwrap();
        }
        stdin
    });
    let reply = {
        let line = tokio::time::timeout(std::time::Duration::from_secs(60), raw.stdout.next_line())
            .await
            .expect("a reply once the line passes 1 MiB")
            .unwrap()
            .unwrap();
        serde_json::from_str::<serde_json::Value>(&line).unwrap()
    };
    assert_eq!(
        reply,
        error(
            serde_json::Value::Null,
            -32700,
            "Parse error: the message is longer than 1048576 bytes (1 MiB), the most palisade reads"
        )
    );
    let mut stdin = writer.await.unwrap();
    stdin.write_all(b"\n").await.unwrap();
    raw.stdin = stdin;
    raw.still_serves(2).await;
    let peak = raw.status_kb("VmHWM:");
    assert!(
        peak < before + 32 * 1024,
        "peak RSS {peak} kB after a 100 MB line, {before} kB before it"
    );
}
