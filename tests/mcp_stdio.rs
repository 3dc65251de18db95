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
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    handle
        .cancel(Some("the user changed their mind".into()))
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let scans = mcp::call(&client, "list_scans", serde_json::json!({}))
            .await
            .unwrap();
        let status = scans["scans"][0]["status"].as_str().unwrap().to_string();
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
