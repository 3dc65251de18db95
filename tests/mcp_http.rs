//! The MCP server over HTTP (`palisade serve`): the agent loop over Streamable HTTP and over the legacy HTTP+SSE
//! transport, and the guard in front of every route (Host, Origin, API key).

#[path = "support/mcp.rs"]
mod mcp;
#[path = "support/served.rs"]
mod served;
mod support;

use mcp::{Recorder, the_loop};
use palisade::lab::Lab;
use support::hostile::{Behaviour, start};

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_runs_the_whole_loop_over_streamable_http() {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let server = served::serve(Some(&config), dir.path(), &[], &[]);
    let slow = start(Behaviour::Silent).await;
    let rec = Recorder::default();
    let client = served::streamable(&server.base, &rec).await;
    the_loop(&client, &rec, &lab, slow.addr).await;
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_runs_the_whole_loop_over_legacy_sse() {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let server = served::serve(Some(&config), dir.path(), &[], &[]);
    let slow = start(Behaviour::Silent).await;
    let rec = Recorder::default();
    let client = served::legacy_sse(&server.base, &rec).await;
    the_loop(&client, &rec, &lab, slow.addr).await;
    client.cancel().await.unwrap();
}

/// Sends an MCP initialize with the given extra headers; returns the HTTP status.
async fn initialize(url: &str, headers: &[(&str, &str)]) -> u16 {
    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}});
    let mut req = reqwest::Client::new()
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .json(&body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_host_and_origin_headers_are_refused_on_every_route() {
    let dir = tempfile::tempdir().unwrap();
    let server = served::serve(None, dir.path(), &[], &[]);
    let mcp = format!("{}/mcp", server.base);
    assert_eq!(initialize(&mcp, &[]).await, 200);
    assert_eq!(
        initialize(&mcp, &[("host", "evil.example")]).await,
        403,
        "DNS rebinding: a foreign Host"
    );
    assert_eq!(
        initialize(&mcp, &[("origin", "https://evil.example")]).await,
        403,
        "a cross-site page"
    );
    assert_eq!(
        initialize(&mcp, &[("origin", "http://localhost:6274")]).await,
        200,
        "a local inspector"
    );
    let client = reqwest::Client::new();
    for path in ["/sse", "/message?sessionId=x", "/healthz"] {
        let resp = client
            .get(format!("{}{path}", server.base))
            .header("host", "rebind.evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 403, "{path}");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["code"], "forbidden_host");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_key_is_required_when_configured_and_for_any_non_loopback_address() {
    let dir = tempfile::tempdir().unwrap();
    let key = "test-key-0123456789abcdef";
    let server = served::serve(None, dir.path(), &[], &[("PALISADE_API_KEY", key)]);
    let mcp = format!("{}/mcp", server.base);
    assert_eq!(initialize(&mcp, &[]).await, 401);
    assert_eq!(
        initialize(&mcp, &[("authorization", "Bearer wrong-key-0123456789")]).await,
        401
    );
    assert_eq!(
        initialize(&mcp, &[("authorization", &format!("Bearer {key}"))]).await,
        200
    );
    let health = reqwest::get(format!("{}/healthz", server.base))
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "health needs no key");
    let open = std::process::Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["serve", "--bind", "0.0.0.0:0"])
        .env("PALISADE_DB", dir.path().join("other.db"))
        .output()
        .unwrap();
    assert_eq!(open.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&open.stderr);
    assert!(
        stderr.contains("0.0.0.0:0 is not a loopback address")
            && stderr.contains("PALISADE_API_KEY"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stateless_client_works_on_the_same_endpoint() {
    use rmcp::model::ProtocolVersion;
    use rmcp::service::{ClientLifecycleMode, ClientServiceExt};
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let server = served::serve(Some(&config), dir.path(), &[], &[]);
    // A 2026-07-28 client: no initialize handshake and no session; every request carries its own metadata.
    let transport =
        rmcp::transport::StreamableHttpClientTransport::from_uri(format!("{}/mcp", server.base));
    let mode = ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::LATEST],
    };
    let client = Recorder::default()
        .serve_with_lifecycle(transport, mode)
        .await
        .expect("discovered statelessly");
    let tools = client.list_all_tools().await.unwrap();
    assert_eq!(tools.len(), 11);
    // Lists that do not change while the binary runs carry cache hints; the org's scans do not.
    let listed = client.peer().list_tools(None).await.unwrap();
    // (rmcp's client cache answers this from the first listing, with what is left of the hour)
    assert!(
        listed
            .ttl_ms
            .is_some_and(|ms| (3_000_000..=3_600_000).contains(&ms)),
        "{listed:?}"
    );
    assert_eq!(listed.cache_scope, Some(rmcp::model::CacheScope::Public));
    let scans = client.peer().list_resources(None).await.unwrap();
    assert_eq!(scans.ttl_ms, Some(0));
    assert_eq!(scans.cache_scope, Some(rmcp::model::CacheScope::Private));
    let hardened = lab.host(palisade::lab::Kind::Hardened).url();
    let scan = mcp::call(
        &client,
        "start_scan",
        serde_json::json!({ "targets": [hardened], "profile": "quick", "wait_seconds": 40 }),
    )
    .await
    .unwrap();
    assert_eq!(scan["status"], "completed", "{scan}");
    let again = mcp::call(
        &client,
        "get_scan",
        serde_json::json!({ "scan_id": scan["scan_id"] }),
    )
    .await
    .unwrap();
    assert_eq!(again["targets"][0]["risk_grade"], "A");
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn bodies_that_are_not_json_rpc_get_json_rpc_errors_with_400() {
    use serde_json::{Value, json};
    let dir = tempfile::tempdir().unwrap();
    let server = served::serve(None, dir.path(), &[], &[]);
    let mcp = format!("{}/mcp", server.base);
    // No kept-alive connections: the server closes the one it answers 413 on without reading the body, and reusing
    // it for the next request would fail with a broken pipe.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let post = |body: Vec<u8>| {
        client
            .post(&mcp)
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let error = |id: Value, code: i64, message: &str| json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } });
    let cases: [(&[u8], u16, Value); 5] = [
        (
            b"{\"jsonrpc\":\"2.0\",\"id\":1,",
            400,
            error(
                Value::Null,
                -32700,
                "Parse error: not JSON (EOF while parsing a value at line 1 column 24)",
            ),
        ),
        (
            b"\xff",
            400,
            error(
                Value::Null,
                -32700,
                "Parse error: the message is not UTF-8 (invalid byte at offset 0)",
            ),
        ),
        (
            b"",
            400,
            error(
                Value::Null,
                -32700,
                "Parse error: the body is empty; send one JSON-RPC message",
            ),
        ),
        (
            br#"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{}}"#,
            400,
            error(
                json!(2),
                -32602,
                "Invalid params for tools/call: missing field `name`",
            ),
        ),
        (
            &[b' '; 5 << 20],
            413,
            error(
                Value::Null,
                -32700,
                "Parse error: the message is longer than 1048576 bytes (1 MiB), the most palisade reads",
            ),
        ),
    ];
    for (body, status, expected) in cases {
        let resp = post(body.to_vec()).await.unwrap();
        assert_eq!(resp.status().as_u16(), status, "{expected}");
        assert_eq!(
            resp.headers()["content-type"].to_str().unwrap(),
            "application/json"
        );
        assert_eq!(resp.json::<Value>().await.unwrap(), expected);
    }
    assert_eq!(initialize(&mcp, &[]).await, 200, "good requests still pass");

    // The deprecated HTTP+SSE transport's POST endpoint checks its bodies the same way.
    let mut events = client
        .get(format!("{}/sse", server.base))
        .send()
        .await
        .unwrap();
    let mut seen = String::new();
    let endpoint = loop {
        let chunk = events.chunk().await.unwrap().expect("the endpoint event");
        seen.push_str(&String::from_utf8_lossy(&chunk));
        if let Some(data) = seen
            .split("event: endpoint")
            .nth(1)
            .and_then(|rest| rest.split("data:").nth(1))
            .and_then(|rest| rest.split('\n').next())
            .filter(|_| seen.contains("\n\n"))
        {
            break data.trim().to_string();
        }
    };
    let legacy = format!("{}{endpoint}", server.base);
    for (body, expected) in [
        (
            &b"not json"[..],
            error(
                Value::Null,
                -32700,
                "Parse error: not JSON (expected ident at line 1 column 2)",
            ),
        ),
        (
            br#"{"jsonrpc":"2.0","id":7,"method":"logging/setLevel","params":{"level":"loud"}}"#,
            error(json!(7), -32602, ""),
        ),
    ] {
        let resp = client
            .post(&legacy)
            .header("content-type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{expected}");
        let got: Value = resp.json().await.unwrap();
        assert_eq!(got["id"], expected["id"]);
        assert_eq!(got["error"]["code"], expected["error"]["code"]);
        let message = expected["error"]["message"].as_str().unwrap();
        assert!(
            got["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(message),
            "{got}"
        );
    }
}

/// SEP-2243 and SEP-2663: a stateless (2026-07-28) request names its method in `Mcp-Method` and, for `tools/call` and
/// `tasks/get`, `tasks/update` and `tasks/cancel`, its tool or task in `Mcp-Name`; a header that is missing or does not
/// match the body is refused with HTTP 400 and `-32020` before the request is handled (rmcp's Streamable HTTP service
/// checks them). Matching headers reach the handler: an unknown task is `-32602`.
#[tokio::test(flavor = "multi_thread")]
async fn routing_headers_must_match_the_body_tasks_included() {
    use serde_json::{Value, json};
    let dir = tempfile::tempdir().unwrap();
    let server = served::serve(None, dir.path(), &[], &[]);
    let mcp = format!("{}/mcp", server.base);
    let client = reqwest::Client::new();
    let post = |method: &str, params: Value, headers: &[(&str, &str)]| {
        let mut params = params;
        params["_meta"] = json!({
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "1"},
            "io.modelcontextprotocol/clientCapabilities": {"extensions": {"io.modelcontextprotocol/tasks": {}}},
        });
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let mut request = client
            .post(&mcp)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2026-07-28")
            .json(&body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            // A JSON body, or one SSE event carrying it.
            let json = text
                .lines()
                .find_map(|l| l.strip_prefix("data:"))
                .unwrap_or(&text);
            (status, serde_json::from_str::<Value>(json.trim()).unwrap())
        }
    };
    let tasks = [
        ("tasks/get", json!({"taskId": "abcd2345"})),
        (
            "tasks/update",
            json!({"taskId": "abcd2345", "inputResponses": {}}),
        ),
        ("tasks/cancel", json!({"taskId": "abcd2345"})),
    ];
    for (method, params) in tasks {
        for headers in [
            &[("mcp-method", method), ("mcp-name", "wxyz6789")][..],
            &[("mcp-method", method)][..],
            &[("mcp-method", "tools/list"), ("mcp-name", "abcd2345")][..],
        ] {
            let (status, body) = post(method, params.clone(), headers).await;
            assert_eq!(
                (status, &body["error"]["code"]),
                (400, &json!(-32020)),
                "{method} {headers:?}: {body}"
            );
        }
        let matching = [("mcp-method", method), ("mcp-name", "abcd2345")];
        let (_, body) = post(method, params.clone(), &matching).await;
        assert_eq!(body["error"]["code"], -32602, "{method}: {body}");
    }
    let call = json!({"name": "list_scans", "arguments": {}});
    let (status, body) = post(
        "tools/call",
        call.clone(),
        &[("mcp-method", "tools/call"), ("mcp-name", "get_scan")],
    )
    .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (400, &json!(-32020)),
        "{body}"
    );
    let (status, body) = post(
        "tools/call",
        call,
        &[("mcp-method", "tools/call"), ("mcp-name", "list_scans")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["result"]["content"].is_array(), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn ending_a_session_answers_204_and_an_unknown_one_404() {
    let dir = tempfile::tempdir().unwrap();
    let server = served::serve(None, dir.path(), &[], &[]);
    let mcp = format!("{}/mcp", server.base);
    let client = reqwest::Client::new();
    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}});
    let opened = client
        .post(&mcp)
        .header("accept", "application/json, text/event-stream")
        .json(&body)
        .send()
        .await
        .unwrap();
    let session = opened.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_string();
    let delete = |id: String| {
        client
            .delete(&mcp)
            .header("mcp-session-id", id)
            .header("mcp-protocol-version", "2025-11-25")
            .send()
    };
    // The Python SDK accepts 200 and 204 and logs anything else as a failed termination.
    assert_eq!(delete(session.clone()).await.unwrap().status(), 204);
    let again = delete(session.clone()).await.unwrap();
    assert_eq!(again.status(), 404);
    let text = again.text().await.unwrap();
    assert!(text.contains("Session not found"), "{text}");
    assert_eq!(
        delete("no-such-session".into()).await.unwrap().status(),
        404
    );
    // The ended session is gone for requests too.
    let list = serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    let after = client
        .post(&mcp)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-session-id", session)
        .header("mcp-protocol-version", "2025-11-25")
        .json(&list)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 404);
}

#[tokio::test(flavor = "multi_thread")]
#[allow(deprecated)] // logging: deprecated by SEP-2577, still in 2026-07-28
async fn a_stateless_client_gets_logs_only_when_it_asks_and_listens_for_a_scan_to_end() {
    use rmcp::model::{ProtocolVersion, ResourceUpdatedNotification, ServerNotification};
    use rmcp::service::{ClientLifecycleMode, ClientServiceExt};
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let server = served::serve(Some(&config), dir.path(), &[], &[]);
    let slow = start(Behaviour::Silent).await;
    let transport =
        rmcp::transport::StreamableHttpClientTransport::from_uri(format!("{}/mcp", server.base));
    let mode = ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::LATEST],
    };
    let rec = Recorder::default();
    let client = rec
        .clone()
        .serve_with_lifecycle(transport, mode)
        .await
        .unwrap();
    // A scan of a silent server runs until its requests time out: the client gets its id at once.
    let url = format!("https://127.0.0.1:{}/", slow.addr.port());
    let started = mcp::call(
        &client,
        "start_scan",
        serde_json::json!({ "targets": [url], "profile": "quick", "wait_seconds": 0 }),
    )
    .await
    .unwrap();
    assert_eq!(started["status"], "running", "{started}");
    let uri = format!("palisade://scans/{}", started["scan_id"].as_str().unwrap());
    let filter = rmcp::model::SubscriptionFilter::builder()
        .resource_subscription(uri.clone())
        .resource_subscription("palisade://stats")
        .tools_list_changed()
        .build();
    let mut subscription = client.peer().listen(filter).await.unwrap();
    // Only the scan's resource is accepted: the stats and the tool list do not change on their own.
    assert_eq!(
        subscription.acknowledged().resource_subscriptions,
        Some(vec![uri.clone()])
    );
    assert_ne!(subscription.acknowledged().tools_list_changed, Some(true));
    mcp::call(
        &client,
        "cancel_scan",
        serde_json::json!({ "scan_id": started["scan_id"] }),
    )
    .await
    .unwrap();
    let next = tokio::time::timeout(std::time::Duration::from_secs(20), subscription.next())
        .await
        .expect("an update when the scan ends")
        .unwrap();
    match next {
        Some(ServerNotification::ResourceUpdatedNotification(ResourceUpdatedNotification {
            params,
            ..
        })) => assert_eq!(params.uri, uri),
        other => panic!("expected the scan's resource update, got {other:?}"),
    }
    // Waiting on a scan logs each target's end and the scan's: not to a request that asked for no logs...
    let hardened = lab.host(palisade::lab::Kind::Hardened).url();
    let args = serde_json::json!({ "targets": [hardened], "profile": "quick", "wait_seconds": 40 });
    let done = mcp::call(&client, "start_scan", args.clone())
        .await
        .unwrap();
    assert_eq!(done["status"], "completed", "{done}");
    assert!(
        rec.logs.lock().unwrap().is_empty(),
        "{:?}",
        rec.logs.lock().unwrap()
    );
    // ...and to one whose _meta names a level.
    let mut meta = rmcp::model::RequestMetaObject::default();
    meta.set_log_level(rmcp::model::LoggingLevel::Info);
    let mut params = rmcp::model::CallToolRequestParams::new("start_scan")
        .with_arguments(args.as_object().unwrap().clone());
    params.meta = Some(meta);
    let logged = client.peer().call_tool(params).await.unwrap();
    assert_ne!(logged.is_error, Some(true), "{logged:?}");
    let logs = rec.logs.lock().unwrap().clone();
    assert!(
        logs.iter()
            .any(|l| l.data.as_str().is_some_and(|t| t.ends_with(" completed"))),
        "{logs:?}"
    );
    client.cancel().await.unwrap();
}
