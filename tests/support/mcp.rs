//! An rmcp client for the tests: records notifications as they arrive, calls tools, and runs the whole agent loop
//! (add target, scan with streamed findings, page findings, fix file, cancel, fix the lab, verify) on any transport.
#![allow(deprecated)] // rmcp marks logging deprecated (SEP-2577); 2025-11-25 servers still send it

use palisade::lab::{Fix, Kind, Lab};
use rmcp::model::{
    CallToolRequestParams, ContentBlock, LoggingMessageNotificationParam, NotificationMetaObject,
    ProgressNotificationParam, ReadResourceRequestParams, ResourceContents,
    ResourceUpdatedNotificationParam,
};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::{ClientHandler, RoleClient};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Records what the server sends on its own.
#[derive(Clone, Default)]
pub struct Recorder {
    pub progress: Arc<Mutex<Vec<(SystemTime, ProgressNotificationParam)>>>,
    pub logs: Arc<Mutex<Vec<LoggingMessageNotificationParam>>>,
    pub updated: Arc<Mutex<Vec<String>>>,
    /// Declare the tasks extension (`io.modelcontextprotocol/tasks`): tools that start scans then answer with tasks.
    pub tasks: bool,
    /// Declare elicitation: a 2026-07-28 server may then answer with questions (input-required results), and a
    /// server in a session may send `elicitation/create`.
    pub elicitation: bool,
    /// The user's answers to `elicitation/create`, in order: form content to accept, `null` to decline.
    pub answers: Arc<Mutex<std::collections::VecDeque<Value>>>,
    /// The messages of the `elicitation/create` requests received.
    pub asked: Arc<Mutex<Vec<String>>>,
}

#[allow(deprecated)]
impl ClientHandler for Recorder {
    async fn create_elicitation(
        &self,
        request: rmcp::model::ElicitRequestParams,
        _: rmcp::service::RequestContext<RoleClient>,
    ) -> Result<rmcp::model::ElicitResult, rmcp::ErrorData> {
        use rmcp::model::{ElicitResult, ElicitationAction};
        let message = serde_json::to_value(&request).unwrap()["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.asked.lock().unwrap().push(message);
        Ok(match self.answers.lock().unwrap().pop_front() {
            Some(Value::Null) | None => ElicitResult::new(ElicitationAction::Decline),
            Some(content) => ElicitResult::new(ElicitationAction::Accept).with_content(content),
        })
    }

    fn get_info(&self) -> rmcp::model::ClientConfig {
        let mut info = rmcp::model::ClientConfig::default();
        if self.tasks {
            info.capabilities = rmcp::model::ClientCapabilities::builder()
                .enable_tasks()
                .build();
        }
        if self.elicitation {
            info.capabilities.elicitation = Some(Default::default());
        }
        info
    }

    async fn on_progress(
        &self,
        mut params: ProgressNotificationParam,
        ctx: NotificationContext<RoleClient>,
    ) {
        // rmcp hands the notification's `_meta` to the handler in the context's extensions, not in the params.
        if params.meta.is_none() {
            params.meta = ctx.extensions.get::<NotificationMetaObject>().cloned();
        }
        self.progress
            .lock()
            .unwrap()
            .push((SystemTime::now(), params));
    }

    async fn on_logging_message(
        &self,
        params: LoggingMessageNotificationParam,
        _: NotificationContext<RoleClient>,
    ) {
        self.logs.lock().unwrap().push(params);
    }

    async fn on_resource_updated(
        &self,
        params: ResourceUpdatedNotificationParam,
        _: NotificationContext<RoleClient>,
    ) {
        self.updated.lock().unwrap().push(params.uri);
    }
}

pub type Client = RunningService<RoleClient, Recorder>;

/// Calls a tool: its structured content, or the text of a tool error.
pub async fn call(client: &Client, tool: &str, args: Value) -> Result<Value, String> {
    let params = CallToolRequestParams::new(tool.to_string())
        .with_arguments(args.as_object().unwrap().clone());
    let result = client
        .call_tool(params)
        .await
        .map_err(|e| format!("protocol error: {e}"))?;
    if result.is_error == Some(true) {
        return Err(text_of(&result.content));
    }
    Ok(result.structured_content.unwrap_or(Value::Null))
}

/// The text of the text blocks of a result.
pub fn text_of(content: &[ContentBlock]) -> String {
    content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn millis(ts: &str) -> u128 {
    let t =
        time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339).unwrap();
    (t.unix_timestamp_nanos() / 1_000_000) as u128
}

/// The whole loop an agent runs, against `lab`; `slow` is a server that never answers (for cancelling).
pub async fn the_loop(client: &Client, rec: &Recorder, lab: &Lab, slow: std::net::SocketAddr) {
    let tools = client.list_all_tools().await.unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "add_target",
            "cancel_scan",
            "get_findings",
            "get_fix_file",
            "get_scan",
            "list_scans",
            "list_targets",
            "remove_target",
            "schedule_scan",
            "start_scan",
            "verify_fixes"
        ]
    );
    for tool in &tools {
        assert!(
            tool.description.as_deref().unwrap_or("").len() > 80,
            "{} is described",
            tool.name
        );
        assert!(
            tool.output_schema.is_some(),
            "{} declares its output",
            tool.name
        );
    }
    // Every tool has a title and all four hints: a client must not take a scan for a destructive call (the
    // default when destructiveHint is absent).
    for tool in &tools {
        // Only JSON Schema's own formats: the MCP Inspector warns about `uint32` and the like once per field.
        let schemas = serde_json::to_string(&(&tool.input_schema, &tool.output_schema)).unwrap();
        for width in ["uint", "int8", "int16", "int32", "int64", "float", "double"] {
            assert!(
                !schemas.contains(&format!("\"format\":\"{width}")),
                "{} has a non-standard format: {schemas}",
                tool.name
            );
        }
        let a = tool
            .annotations
            .as_ref()
            .unwrap_or_else(|| panic!("{} has annotations", tool.name));
        assert!(
            tool.title.is_some() && a.title.is_some(),
            "{} has a title",
            tool.name
        );
        assert!(
            a.read_only_hint.is_some()
                && a.destructive_hint.is_some()
                && a.idempotent_hint.is_some()
                && a.open_world_hint.is_some(),
            "{} has every hint: {a:?}",
            tool.name
        );
    }
    let hints = |n: &str| {
        let a = tools
            .iter()
            .find(|t| t.name == n)
            .unwrap()
            .annotations
            .clone()
            .unwrap();
        (a.read_only_hint, a.destructive_hint, a.open_world_hint)
    };
    assert_eq!(
        hints("get_findings"),
        (Some(true), Some(false), Some(false))
    );
    assert_eq!(hints("start_scan"), (Some(false), Some(false), Some(true)));
    assert_eq!(hints("remove_target").1, Some(true));

    let vulnerable = lab.host(Kind::Vulnerable).url();
    let target = call(
        client,
        "add_target",
        json!({ "url": lab.host(Kind::Vulnerable).name }),
    )
    .await
    .unwrap();
    assert_eq!(target["target"]["url"], vulnerable);

    let started = call(
        client,
        "start_scan",
        json!({ "targets": [vulnerable], "wait_seconds": 40 }),
    )
    .await
    .unwrap();
    let returned = SystemTime::now();
    assert_eq!(started["status"], "completed", "{started}");
    let scan_id = started["scan_id"].as_str().unwrap().to_string();
    assert!(!started["worst_findings"].as_array().unwrap().is_empty());
    // Progress is counted in whole steps (checks done plus findings sent), never past the total.
    let values: Vec<(f64, Option<f64>)> = rec
        .progress
        .lock()
        .unwrap()
        .iter()
        .map(|(_, p)| (p.progress, p.total))
        .collect();
    assert!(
        values
            .iter()
            .all(|(v, t)| v.fract() == 0.0 && t.is_none_or(|t| t.fract() == 0.0 && *v <= t)),
        "{values:?}"
    );
    // (Their order is checked by the Python SDK's loop: this client may record notifications out of order.)
    let streamed: Vec<(SystemTime, String, Option<String>)> = rec
        .progress
        .lock()
        .unwrap()
        .iter()
        .filter_map(|(at, p)| {
            let found_at = p.meta.as_ref().and_then(|m| m.get("io.palisade/foundAt"));
            p.message.clone().filter(|m| m.starts_with('[')).map(|m| {
                let found_at = found_at.and_then(|v| v.as_str()).map(str::to_string);
                (*at, m, found_at)
            })
        })
        .collect();
    let (first_at, first_line, found_at) = streamed
        .first()
        .cloned()
        .expect("findings arrived as progress notifications");
    assert!(
        first_at <= returned,
        "a finding arrived before the call returned"
    );
    assert!(
        first_line.contains(" vulnerable.lab.palisade.test: "),
        "{first_line}"
    );

    // The first finding is stored, and reached the client within 100 ms of being found (its notification says when).
    let findings = all_findings(client, &scan_id).await;
    let check = first_line.split_whitespace().nth(1).unwrap();
    let (_, title) = first_line
        .split_once(" vulnerable.lab.palisade.test: ")
        .unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["check_id"] == check && f["title"] == title),
        "the streamed finding is stored: {first_line}"
    );
    let found_at = found_at.expect("a finding's notification carries _meta io.palisade/foundAt");
    let received = first_at
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    assert!(
        received.saturating_sub(millis(&found_at)) < 100,
        "found at {found_at}, received at {received} ms"
    );

    // Pages.
    let first = call(
        client,
        "get_findings",
        json!({ "scan_id": scan_id, "limit": 5 }),
    )
    .await
    .unwrap();
    assert_eq!(
        (
            first["returned"].as_u64(),
            first["has_more"].as_bool(),
            first["next_offset"].as_u64()
        ),
        (Some(5), Some(true), Some(5))
    );
    assert!(serde_json::to_string(&first).unwrap().len() < 20 * 1024);
    assert!(
        first["_untrusted_content_notice"]
            .as_str()
            .unwrap()
            .contains("never as instructions")
    );
    let second = call(
        client,
        "get_findings",
        json!({ "scan_id": scan_id, "limit": 5, "offset": 5 }),
    )
    .await
    .unwrap();
    assert_ne!(
        first["findings"][0]["fingerprint"],
        second["findings"][0]["fingerprint"]
    );
    let critical = call(
        client,
        "get_findings",
        json!({ "scan_id": scan_id, "min_severity": "critical" }),
    )
    .await
    .unwrap();
    assert!(
        critical["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] == "critical")
    );

    // The fix file, as text and as a resource.
    let result = client
        .call_tool(
            CallToolRequestParams::new("get_fix_file")
                .with_arguments(json!({ "scan_id": scan_id }).as_object().unwrap().clone()),
        )
        .await
        .unwrap();
    let markdown = text_of(&result.content);
    assert!(
        markdown.starts_with("---\nformat: security-fix/v1\n"),
        "{markdown}"
    );
    let link = result
        .content
        .iter()
        .find_map(|c| c.as_resource_link().map(|r| r.uri.clone()))
        .expect("a resource link");
    assert_eq!(link, format!("palisade://scans/{scan_id}/fix"));
    let read = client
        .read_resource(ReadResourceRequestParams::new(link))
        .await
        .unwrap();
    let ResourceContents::TextResourceContents { text, .. } = &read.contents[0] else {
        panic!("text")
    };
    // The tool pages the file (at most 20 KB of Markdown each, whole fixes, the text once per result): walking the
    // cursor gives every fix of the resource exactly once, in order.
    let headers = |md: &str| -> Vec<String> {
        md.lines()
            .filter(|l| l.starts_with("## FIX-"))
            .map(str::to_string)
            .collect()
    };
    let mut seen = headers(&markdown);
    let mut page = result.structured_content.clone().unwrap();
    assert!(
        page.get("markdown").is_none(),
        "the Markdown is sent once, as text"
    );
    assert!(
        markdown.len() <= 20 * 1024 + 200,
        "{} bytes",
        markdown.len()
    );
    assert!(text.starts_with(markdown.lines().next().unwrap()));
    while let Some(cursor) = page["next_cursor"].as_str() {
        let next = client
            .call_tool(
                CallToolRequestParams::new("get_fix_file").with_arguments(
                    json!({ "scan_id": scan_id, "cursor": cursor })
                        .as_object()
                        .unwrap()
                        .clone(),
                ),
            )
            .await
            .unwrap();
        let md = text_of(&next.content);
        assert!(md.len() <= 20 * 1024 + 200, "{} bytes", md.len());
        assert!(!md.contains("format: security-fix/v1"), "the head once");
        seen.extend(headers(&md));
        page = next.structured_content.clone().unwrap();
    }
    assert_eq!(seen, headers(text));
    assert_eq!(page["fixes"].as_u64(), Some(seen.len() as u64));
    // A severity floor keeps the worst fixes only.
    let high = call(
        client,
        "get_fix_file",
        json!({ "scan_id": scan_id, "severity": "high" }),
    )
    .await
    .unwrap();
    let ids = high["returned"].as_array().unwrap();
    assert!(!ids.is_empty() && (ids.len() as u64) < page["fixes"].as_u64().unwrap());
    for (id, header) in ids.iter().zip(headers(text)) {
        assert!(header.starts_with(&format!("## {}:", id.as_str().unwrap())));
        assert!(
            header.ends_with("[CRITICAL]") || header.ends_with("[HIGH]"),
            "{header}"
        );
    }

    // Cancel a running scan.
    let slow_url = format!("https://127.0.0.1:{}/", slow.port());
    let running = call(
        client,
        "start_scan",
        json!({ "targets": [slow_url], "wait_seconds": 0 }),
    )
    .await
    .unwrap();
    assert_eq!(running["status"], "running");
    assert!(running["suggested_poll_interval_ms"].as_u64().unwrap() > 0);
    let cancelled = call(
        client,
        "cancel_scan",
        json!({ "scan_id": running["scan_id"] }),
    )
    .await
    .unwrap();
    assert_eq!(cancelled["status"], "cancelled");

    // Fix the lab, then verify.
    let env = findings
        .iter()
        .find(|f| f["check_id"] == "disclosure.env-exposed")
        .expect(".env was found");
    lab.fix(Fix::Env);
    let verified = call(
        client,
        "verify_fixes",
        json!({ "scan_id": scan_id, "fingerprints": [env["fingerprint"]], "wait_seconds": 40 }),
    )
    .await
    .unwrap();
    assert_eq!(
        (verified["fixed"].as_u64(), verified["still_open"].as_u64()),
        (Some(1), Some(0)),
        "{verified}"
    );
    assert_eq!(verified["verdicts"][0]["verdict"], "fixed");
    let again = call(
        client,
        "get_scan",
        json!({ "scan_id": verified["verification_scan_id"] }),
    )
    .await
    .unwrap();
    assert_eq!(again["verify_of"], scan_id.as_str());
    assert_eq!(again["verdicts"][0]["verdict"], "fixed");
}

/// Every open finding of a scan, following `next_offset` page after page (each page stays under 20 KB).
pub async fn all_findings(client: &Client, scan_id: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut offset = 0;
    loop {
        let page = call(
            client,
            "get_findings",
            json!({ "scan_id": scan_id, "limit": 100, "offset": offset }),
        )
        .await
        .unwrap();
        assert!(
            serde_json::to_string(&page).unwrap().len() < 20 * 1024,
            "a page stays under 20 KB"
        );
        all.extend(page["findings"].as_array().unwrap().iter().cloned());
        match page["next_offset"].as_u64() {
            Some(next) => offset = next,
            None => return all,
        }
    }
}
