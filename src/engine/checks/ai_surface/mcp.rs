//! MCP servers open to anyone. Streamable HTTP: one `initialize` POSTed to `/mcp` without credentials (a handshake,
//! not a tool call), confirmed by a JSON-RPC result naming the server; when it offers tools, the one read-only
//! `tools/list` that makes the finding concrete. HTTP+SSE: a GET of `/sse` whose first event is MCP's `endpoint`
//! event, read and closed. A 401 or 403 is an MCP server doing its job: no finding.

use super::{Failed, MCP_OPEN};
use crate::engine::context::CheckCtx;
use crate::engine::net::{HttpRequest, HttpResponse, NetError};
use crate::engine::registry::CheckResult;
use http::HeaderName;
use serde_json::{Value, json};
use std::time::Duration;
use url::Url;

/// The protocol version the probe offers.
const PROTOCOL: &str = "2025-06-18";
/// Bytes read from an MCP answer.
const MAX_BODY: usize = 64 * 1024;
/// Time allowed to an event stream for its first event.
const STREAM_WAIT: Duration = Duration::from_secs(3);
const ACCEPT_BOTH: &str = "application/json, text/event-stream";

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    ctx.start_page().await?;
    let origin = ctx.origin().await;
    let (streamable, legacy) = tokio::join!(streamable(ctx, &origin), legacy(ctx, &origin));
    let mut failed = Failed::default();
    for (path, found) in [("/mcp", streamable), ("/sse", legacy)] {
        if let Some(evidence) = failed.note(found)? {
            let url = ctx.site_url(&origin, path);
            let draft = ctx
                .finding(&MCP_OPEN, url.as_str())
                .title(format!(
                    "An MCP server at {path} answers without authentication"
                ))
                .evidence(evidence)
                .root_cause(format!("mcp-auth {origin}"));
            ctx.report(draft).await;
        }
    }
    failed.result()
}

/// A JSON-RPC request to the MCP endpoint, with the session and protocol headers once a session exists.
fn rpc(url: &Url, body: &Value, session: Option<&str>, version: &str) -> HttpRequest {
    let mut req = HttpRequest::post(url.clone(), "application/json", body.to_string(), MAX_BODY)
        .header(http::header::ACCEPT, ACCEPT_BOTH);
    req.first_event = true;
    if let Some(id) = session {
        req = req
            .header(HeaderName::from_static("mcp-session-id"), id)
            .header(HeaderName::from_static("mcp-protocol-version"), version);
    }
    req
}

/// The JSON messages of an answer: the body, or the data of each server-sent event.
fn messages(resp: &HttpResponse) -> Vec<Value> {
    let text = resp.text();
    if resp.content_type() != "text/event-stream" {
        return serde_json::from_str(&text).into_iter().collect();
    }
    text.replace("\r\n", "\n")
        .split("\n\n")
        .filter_map(|event| {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(str::trim_start)
                .collect();
            serde_json::from_str(&data.join("\n")).ok()
        })
        .collect()
}

/// The `result` object of the JSON-RPC answer to request `id`.
fn rpc_result(resp: &HttpResponse, id: u64) -> Option<Value> {
    if resp.status != 200 {
        return None;
    }
    messages(resp).into_iter().find_map(|m| {
        (m.get("jsonrpc")? == "2.0" && m.get("id")?.as_u64()? == id)
            .then(|| m.get("result").filter(|r| r.is_object()).cloned())?
    })
}

fn short(v: Option<&Value>) -> Option<String> {
    let s = v?.as_str()?.trim();
    (!s.is_empty()).then(|| s.chars().take(60).collect())
}

/// What an `initialize` result shows: server name and version, protocol, capabilities.
fn describe(result: &Value) -> Option<String> {
    let version = short(result.get("protocolVersion"))?;
    let name = short(result.pointer("/serverInfo/name"))?;
    let server_version = short(result.pointer("/serverInfo/version")).unwrap_or_default();
    let caps = result
        .get("capabilities")
        .and_then(Value::as_object)
        .map(|c| c.keys().take(8).cloned().collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    Some(format!(
        "serverInfo {name} {server_version}, protocolVersion {version}, capabilities [{caps}]"
    ))
}

async fn streamable(ctx: &CheckCtx, origin: &Url) -> Result<Option<String>, NetError> {
    let url = ctx.site_url(origin, "/mcp");
    let init = json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {
            "protocolVersion": PROTOCOL,
            "capabilities": {},
            "clientInfo": {"name": "palisade", "version": env!("CARGO_PKG_VERSION")},
        },
    });
    let resp = ctx.request(&rpc(&url, &init, None, PROTOCOL)).await?;
    let Some(result) = rpc_result(&resp, 1) else {
        return Ok(None);
    };
    let Some(described) = describe(&result) else {
        return Ok(None);
    };
    let mut evidence = format!(
        "POST {} initialize without credentials -> {} {described}",
        url.path(),
        resp.status
    );
    if result.pointer("/capabilities/tools").is_some()
        && let Some(tools) = list_tools(ctx, &url, &resp, &result).await
    {
        evidence += &format!("; tools/list -> {tools}");
    }
    Ok(Some(evidence))
}

/// The one read-only request after the handshake: the tools anyone may now call. Failures only mean less evidence.
async fn list_tools(
    ctx: &CheckCtx,
    url: &Url,
    init: &HttpResponse,
    result: &Value,
) -> Option<String> {
    let session = init.header("mcp-session-id");
    let version = short(result.get("protocolVersion")).unwrap_or_else(|| PROTOCOL.into());
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    ctx.request(&rpc(url, &initialized, session.as_deref(), &version))
        .await
        .ok()?;
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    let resp = ctx
        .request(&rpc(url, &list, session.as_deref(), &version))
        .await
        .ok()?;
    let tools = rpc_result(&resp, 2)?;
    let names: Vec<String> = tools
        .get("tools")?
        .as_array()?
        .iter()
        .filter_map(|t| short(t.get("name")))
        .collect();
    let shown: Vec<&str> = names.iter().take(10).map(String::as_str).collect();
    Some(format!("{} tools: {}", names.len(), shown.join(", ")))
}

/// The `data` of the stream's first event if it is MCP's `endpoint` event (the URL to POST messages to).
fn endpoint_event(resp: &HttpResponse) -> Option<String> {
    if resp.status != 200 || resp.content_type() != "text/event-stream" {
        return None;
    }
    let text = resp.text().replace("\r\n", "\n");
    let event = text
        .split("\n\n")
        .find(|e| e.lines().any(|l| l.starts_with("data:")))?;
    let field = |name: &str| {
        event
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
    };
    let data = field("data:")?;
    (field("event:")? == "endpoint" && (data.starts_with('/') || data.starts_with("http")))
        .then_some(data)
}

async fn legacy(ctx: &CheckCtx, origin: &Url) -> Result<Option<String>, NetError> {
    let url = ctx.site_url(origin, "/sse");
    let mut req =
        HttpRequest::get(url.clone(), 4096).header(http::header::ACCEPT, "text/event-stream");
    req.first_event = true;
    let wait = STREAM_WAIT.min(ctx.scan.settings.timeout);
    // A stream that sends nothing at all is not MCP's (which names its endpoint at once).
    let Ok(resp) = tokio::time::timeout(wait, ctx.request(&req)).await else {
        return Ok(None);
    };
    let Some(endpoint) = endpoint_event(&resp?) else {
        return Ok(None);
    };
    // The session id in the endpoint URL is this probe's own; the path is what matters.
    let path = endpoint.split('?').next().unwrap_or_default();
    let query = if endpoint.contains('?') { "?…" } else { "" };
    Ok(Some(format!(
        "GET {} without credentials -> 200 text/event-stream, first event: `event: endpoint`, data {path}{query} \
         (the MCP HTTP+SSE transport opened a session)",
        url.path()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(content_type: &str, body: &str) -> HttpResponse {
        let mut resp = HttpResponse::sample(200, body.to_string());
        resp.headers
            .insert("content-type", content_type.parse().unwrap());
        resp
    }

    #[test]
    fn initialize_results_in_json_and_in_events() {
        let result = r#"{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"crm","version":"1.2"}}}"#;
        let json = answer("application/json", result);
        let described = describe(&rpc_result(&json, 1).unwrap()).unwrap();
        assert_eq!(
            described,
            "serverInfo crm 1.2, protocolVersion 2025-06-18, capabilities [tools]"
        );
        let sse = answer(
            "text/event-stream",
            &format!("id: 0\nretry: 3000\ndata:\n\nevent: message\ndata: {result}\n\n"),
        );
        assert!(rpc_result(&sse, 1).is_some());
        assert!(rpc_result(&sse, 2).is_none());
        let error = answer(
            "application/json",
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32600}}"#,
        );
        assert!(rpc_result(&error, 1).is_none());
        assert!(rpc_result(&answer("text/html", "<!doctype html><html></html>"), 1).is_none());
    }

    #[test]
    fn the_legacy_endpoint_event() {
        let ok = answer(
            "text/event-stream",
            "event: endpoint\ndata: /messages?sessionId=abc\n\n",
        );
        assert_eq!(
            endpoint_event(&ok).as_deref(),
            Some("/messages?sessionId=abc")
        );
        let news = answer("text/event-stream", "event: price\ndata: {\"x\":1}\n\n");
        assert_eq!(endpoint_event(&news), None);
        let html = answer("text/html", "event: endpoint\ndata: /messages\n\n");
        assert_eq!(endpoint_event(&html), None);
    }
}
