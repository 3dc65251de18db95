//! The decisions `start_scan` and `remove_target` leave to the user, over Streamable HTTP with a 2026-07-28 client:
//! a deep scan sends nothing before the user permits it (declined: nothing is sent; an altered request state is
//! refused), an ambiguous host is resolved by the user's choice and a target with scans is removed only when they
//! confirm; a client that cannot be asked gets the previous behaviour with a sentence saying what it was not asked.

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
    CallToolRequestParams, CallToolResponse, CallToolResult, InputRequest, InputRequiredResult,
    InputResponses, ProtocolVersion,
};
use rmcp::service::{ClientLifecycleMode, ClientServiceExt};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A site that counts the requests it receives.
fn site(seen: Arc<AtomicUsize>) -> Router {
    Router::new().fallback(move || {
        let seen = seen.clone();
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            axum::response::Html("<html><body>shop</body></html>")
        }
    })
}

async fn client(base: &str, elicitation: bool) -> Client {
    let transport = rmcp::transport::StreamableHttpClientTransport::from_uri(format!("{base}/mcp"));
    let mode = ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::LATEST],
    };
    let rec = Recorder {
        elicitation,
        ..Default::default()
    };
    rec.serve_with_lifecycle(transport, mode).await.unwrap()
}

/// One `tools/call`, with the answers and state of an earlier round when given.
async fn round(
    client: &Client,
    tool: &str,
    args: &Value,
    answers: Option<(InputResponses, String)>,
) -> Result<CallToolResponse, rmcp::ServiceError> {
    let mut params = CallToolRequestParams::new(tool.to_string())
        .with_arguments(args.as_object().unwrap().clone());
    if let Some((responses, state)) = answers {
        params = params
            .with_input_responses(responses)
            .with_request_state(state);
    }
    client.peer().call_tool_once(params).await
}

fn asked(response: CallToolResponse) -> InputRequiredResult {
    match response {
        CallToolResponse::InputRequired(asked) => asked,
        other => panic!("expected a question, got {other:?}"),
    }
}

fn answered(response: CallToolResponse) -> CallToolResult {
    match response {
        CallToolResponse::Complete(result) => result,
        other => panic!("expected an answer, got {other:?}"),
    }
}

/// The message of the form elicitation asked under `key`.
fn question(asked: &InputRequiredResult, key: &str) -> String {
    let requests = asked.input_requests.as_ref().unwrap();
    match &requests[key] {
        InputRequest::Elicitation(e) => serde_json::to_value(&e.params).unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string(),
        other => panic!("expected an elicitation under {key}, got {other:?}"),
    }
}

fn accept(key: &str, content: Value) -> InputResponses {
    let mut responses = InputResponses::new();
    responses.insert(
        key.into(),
        json!({ "action": "accept", "content": content }),
    );
    responses
}

fn text(result: &CallToolResult) -> String {
    mcp::text_of(&result.content)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deep_scan_sends_nothing_until_the_user_permits_it() {
    let seen = Arc::new(AtomicUsize::new(0));
    let shop = support::http(site(seen.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}/", shop.addr.port());
    let server = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&server.base, true).await;
    let args = json!({ "targets": [url], "profile": "deep", "wait_seconds": 0 });

    let first = asked(round(&agent, "start_scan", &args, None).await.unwrap());
    assert!(
        question(&first, "permission").contains("127.0.0.1"),
        "{first:?}"
    );
    let state = first.request_state.clone().unwrap();
    assert_eq!(
        seen.load(Ordering::SeqCst),
        0,
        "nothing is sent before the answer"
    );

    // Declined: no scan, and still nothing sent.
    let no = accept("permission", json!({ "permitted": false }));
    let refused = answered(
        round(&agent, "start_scan", &args, Some((no, state.clone())))
            .await
            .unwrap(),
    );
    assert_eq!(refused.is_error, Some(true));
    assert!(
        text(&refused).contains("was not started"),
        "{}",
        text(&refused)
    );
    let scans = mcp::call(&agent, "list_scans", json!({})).await.unwrap();
    assert_eq!(scans["scans"].as_array().unwrap().len(), 0, "{scans}");
    assert_eq!(seen.load(Ordering::SeqCst), 0);

    // An altered state is refused as invalid params.
    let mut forged = state.clone();
    forged.insert(forged.len() / 2, 'x');
    let yes = accept("permission", json!({ "permitted": true }));
    let err = round(&agent, "start_scan", &args, Some((yes.clone(), forged)))
        .await
        .unwrap_err();
    assert!(format!("{err:?}").contains("-32602"), "{err:?}");
    // The state of one call does not confirm a deep scan of another site.
    let other = json!({ "targets": ["http://127.0.0.2/"], "profile": "deep", "wait_seconds": 0 });
    let again = round(
        &agent,
        "start_scan",
        &other,
        Some((yes.clone(), state.clone())),
    )
    .await;
    assert!(format!("{again:?}").contains("-32602"), "{again:?}");

    // Permitted: the scan starts.
    let started = answered(
        round(&agent, "start_scan", &args, Some((yes, state)))
            .await
            .unwrap(),
    );
    let out = started.structured_content.unwrap();
    assert!(out["scan_id"].is_string(), "{out}");
    assert!(out.get("notice").is_none(), "{out}");

    // A client that cannot be asked: the scan starts at once and the answer says what the user was not asked.
    let plain = client(&server.base, false).await;
    let started = answered(round(&plain, "start_scan", &args, None).await.unwrap());
    let out = started.structured_content.unwrap();
    assert!(
        out["notice"]
            .as_str()
            .unwrap()
            .contains("could not ask the user"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn removing_an_ambiguous_target_with_scans_takes_the_users_choice_and_confirmation() {
    let seen = Arc::new(AtomicUsize::new(0));
    let shop = support::http(site(seen)).await;
    let dir = tempfile::tempdir().unwrap();
    let port = shop.addr.port();
    let server = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&server.base, true).await;
    let root = format!("http://127.0.0.1:{port}/");
    let app = format!("http://127.0.0.1:{port}/app/");
    let scanned = mcp::call(
        &agent,
        "start_scan",
        json!({ "targets": [root], "profile": "quick", "wait_seconds": 40 }),
    )
    .await
    .unwrap();
    assert_eq!(scanned["status"], "completed", "{scanned}");
    mcp::call(&agent, "add_target", json!({ "url": app }))
        .await
        .unwrap();

    // Without a way to ask: the candidates, and nothing removed.
    let plain = client(&server.base, false).await;
    let args = json!({ "target": "127.0.0.1" });
    let listed = answered(round(&plain, "remove_target", &args, None).await.unwrap());
    assert_eq!(listed.is_error, Some(true));
    assert!(
        text(&listed).contains(&root) && text(&listed).contains(&app),
        "{}",
        text(&listed)
    );

    // Asked: which one, then (it has a scan) whether to remove it.
    let which = asked(round(&agent, "remove_target", &args, None).await.unwrap());
    assert!(
        question(&which, "which").contains("several targets"),
        "{which:?}"
    );
    let chose = accept("which", json!({ "target": root }));
    let state = which.request_state.clone().unwrap();
    let confirm = asked(
        round(&agent, "remove_target", &args, Some((chose, state)))
            .await
            .unwrap(),
    );
    assert!(
        question(&confirm, "confirm").contains("1 scan(s)"),
        "{confirm:?}"
    );
    let state = confirm.request_state.clone().unwrap();
    let no = accept("confirm", json!({ "remove": false }));
    let kept = answered(
        round(&agent, "remove_target", &args, Some((no, state.clone())))
            .await
            .unwrap(),
    );
    assert!(text(&kept).contains("was not removed"), "{}", text(&kept));
    let targets = mcp::call(&agent, "list_targets", json!({})).await.unwrap();
    assert_eq!(targets["targets"].as_array().unwrap().len(), 2, "{targets}");

    let yes = accept("confirm", json!({ "remove": true }));
    let removed = answered(
        round(&agent, "remove_target", &args, Some((yes, state)))
            .await
            .unwrap(),
    );
    let out = removed.structured_content.unwrap();
    assert_eq!(out["target"]["url"], root.as_str(), "{out}");
    let targets = mcp::call(&agent, "list_targets", json!({})).await.unwrap();
    let left: Vec<&str> = targets["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["url"].as_str().unwrap())
        .collect();
    assert_eq!(left, vec![app.as_str()]);
    // Its scan stays readable.
    let scan = mcp::call(&agent, "get_scan", json!({ "scan_id": scanned["scan_id"] })).await;
    assert!(scan.is_ok(), "{scan:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_2025_session_client_is_asked_with_elicitation_create() {
    let seen = Arc::new(AtomicUsize::new(0));
    let shop = support::http(site(seen.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}/", shop.addr.port());
    let server = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let rec = Recorder {
        elicitation: true,
        ..Default::default()
    };
    let agent = served::streamable(&server.base, &rec).await;
    let args = json!({ "targets": [url], "profile": "deep", "wait_seconds": 0 });

    // Declined: nothing sent.
    rec.answers
        .lock()
        .unwrap()
        .push_back(json!({ "permitted": false }));
    let refused = mcp::call(&agent, "start_scan", args.clone())
        .await
        .unwrap_err();
    assert!(refused.contains("was not started"), "{refused}");
    assert!(
        rec.asked.lock().unwrap()[0].contains("127.0.0.1"),
        "{:?}",
        rec.asked
    );
    assert_eq!(seen.load(Ordering::SeqCst), 0);

    // Permitted: the scan starts, with no notice.
    rec.answers
        .lock()
        .unwrap()
        .push_back(json!({ "permitted": true }));
    let started = mcp::call(&agent, "start_scan", args).await.unwrap();
    assert!(started["scan_id"].is_string(), "{started}");
    assert!(started.get("notice").is_none(), "{started}");
    assert_eq!(rec.asked.lock().unwrap().len(), 2);
}

/// A deep schedule runs deep scans (port and TLS probes) unattended, at every slot: creating one asks the user's
/// permission as `start_scan` does, and nothing is scheduled until they say yes.
#[tokio::test(flavor = "multi_thread")]
async fn a_deep_schedule_asks_the_users_permission_first() {
    let seen = Arc::new(AtomicUsize::new(0));
    let shop = support::http(site(seen.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}/", shop.addr.port());
    let server = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let agent = client(&server.base, true).await;
    let args = json!({
        "operation": "create", "targets": [url], "cadence": "* * * * *", "profile": "deep"
    });
    let first = round(&agent, "schedule_scan", &args, None).await.unwrap();
    let list = mcp::call(&agent, "schedule_scan", json!({ "operation": "list" }))
        .await
        .unwrap();
    assert_eq!(
        list["schedules"].as_array().unwrap().len(),
        0,
        "a deep schedule was created without asking: {list}"
    );
    let first = asked(first);
    assert!(
        question(&first, "permission").contains("127.0.0.1"),
        "{first:?}"
    );
    let state = first.request_state.clone().unwrap();
    // Declined: no schedule.
    let no = accept("permission", json!({ "permitted": false }));
    let refused = answered(
        round(&agent, "schedule_scan", &args, Some((no, state.clone())))
            .await
            .unwrap(),
    );
    assert_eq!(refused.is_error, Some(true));
    assert!(text(&refused).contains("not created"), "{}", text(&refused));
    // A start_scan state does not confirm a schedule: the state is bound to the tool.
    let scan_args = json!({ "targets": [url], "profile": "deep", "wait_seconds": 0 });
    let scan_state = asked(round(&agent, "start_scan", &scan_args, None).await.unwrap())
        .request_state
        .unwrap();
    let yes = accept("permission", json!({ "permitted": true }));
    let err = round(
        &agent,
        "schedule_scan",
        &args,
        Some((yes.clone(), scan_state)),
    )
    .await
    .unwrap_err();
    assert!(format!("{err:?}").contains("-32602"), "{err:?}");
    // Permitted: created.
    let created = answered(
        round(&agent, "schedule_scan", &args, Some((yes, state)))
            .await
            .unwrap(),
    );
    let out = created.structured_content.unwrap();
    assert_eq!(out["schedules"][0]["profile"], "deep", "{out}");

    // A client that cannot be asked: created, with a notice; a standard schedule is created without a question.
    let plain = client(&server.base, false).await;
    let made = mcp::call(&plain, "schedule_scan", args.clone())
        .await
        .unwrap();
    assert!(
        made["notice"]
            .as_str()
            .unwrap()
            .contains("could not ask the user"),
        "{made}"
    );
    let standard = json!({ "operation": "create", "targets": [url], "cadence": "daily" });
    let made = answered(
        round(&agent, "schedule_scan", &standard, None)
            .await
            .unwrap(),
    );
    assert!(made.structured_content.unwrap().get("notice").is_none());
}

/// A client that declares tasks but cannot be asked: the deep scan's task starts, and what the user was not asked
/// reaches the model with the task (as `start_scan`'s `notice` does without tasks).
#[tokio::test(flavor = "multi_thread")]
async fn a_deep_scan_task_for_a_client_that_cannot_ask_carries_the_notice() {
    let seen = Arc::new(AtomicUsize::new(0));
    let shop = support::http(site(seen.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}/", shop.addr.port());
    let server = served::serve(None, dir.path(), &["--allow-private"], &[]);
    let transport =
        rmcp::transport::StreamableHttpClientTransport::from_uri(format!("{}/mcp", server.base));
    let mode = ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::LATEST],
    };
    let rec = Recorder {
        tasks: true,
        ..Default::default()
    };
    let agent = rec.serve_with_lifecycle(transport, mode).await.unwrap();
    let args = json!({ "targets": [url], "profile": "deep" });
    match round(&agent, "start_scan", &args, None).await.unwrap() {
        CallToolResponse::Task(created) => {
            let message = created.task.status_message.unwrap_or_default();
            assert!(message.contains("could not ask the user"), "{message}");
        }
        other => panic!("expected a task, got {other:?}"),
    }
}
