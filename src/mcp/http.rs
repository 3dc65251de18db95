//! What sits in front of rmcp's Streamable HTTP service at `/mcp`: the body check (a POST body that is not a JSON-RPC
//! message rmcp answers right gets a JSON-RPC error with HTTP 400, 413 when too large) and session termination
//! (`DELETE` answers 204, or 404 for a session this server does not know); every other request passes unchanged.

use super::framing::{Inbound, MAX_MESSAGE_BYTES, PARSE_ERROR, Reply, inbound};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, header};
use rmcp::model::ClientJsonRpcMessage;
use rmcp::transport::streamable_http_server::session::SessionManager;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Bodies larger than this are read as JSON off the async workers, [`LARGE_AT_ONCE`] at a time: reading a message
/// takes tens of times its size in memory and milliseconds per 100 KB, which must neither stall other requests nor
/// add up without bound when a client sends many at once.
const LARGE: usize = 64 * 1024;
const LARGE_AT_ONCE: usize = 1;
static LARGE_READS: Semaphore = Semaphore::const_new(LARGE_AT_ONCE);

/// [`inbound`] for an HTTP body: small ones at once, large ones in a blocking task under [`LARGE_READS`].
pub async fn classify(bytes: Bytes) -> Inbound {
    let _permit = large_permit(bytes.len()).await;
    read(bytes).await
}

/// A turn among the large bodies, for a body of `len` bytes (none needed for a small one).
async fn large_permit(len: usize) -> Option<tokio::sync::SemaphorePermit<'static>> {
    if len <= LARGE {
        return None;
    }
    Some(LARGE_READS.acquire().await.expect("never closed"))
}

async fn read(bytes: Bytes) -> Inbound {
    if bytes.len() <= LARGE {
        return inbound(&bytes);
    }
    tokio::task::spawn_blocking(move || inbound(&bytes))
        .await
        .unwrap_or_else(|_| {
            Inbound::Error(Reply {
                id: serde_json::Value::Null,
                code: PARSE_ERROR,
                message: "Parse error: the message could not be read".into(),
            })
        })
}

/// Axum middleware for the `/mcp` route (`axum::middleware::from_fn(check_body)`).
pub async fn check_body(request: Request, next: Next) -> Response {
    // rmcp answers these itself (405, 406, 415) before it reads a body.
    if request.method() != Method::POST || !json_both_ways(request.headers()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_MESSAGE_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => {
            let too_long = std::error::Error::source(&e)
                .is_some_and(|e| e.is::<http_body_util::LengthLimitError>());
            return if too_long {
                error(StatusCode::PAYLOAD_TOO_LARGE, &Reply::too_long())
            } else {
                let why = format!("Parse error: cannot read the body ({e})");
                let reply = Reply {
                    id: serde_json::Value::Null,
                    code: PARSE_ERROR,
                    message: why,
                };
                bad_request(&reply)
            };
        }
    };
    // A large body keeps its turn until rmcp has read it too (rmcp reads it before it answers), so the memory that
    // reading large bodies takes is bounded by [`LARGE_AT_ONCE`], ours and rmcp's together.
    let permit = large_permit(bytes.len()).await;
    match message_or_error(read(bytes.clone()).await) {
        Ok(message) => {
            // rmcp reads the body again, so what only this layer reads goes with the HTTP request.
            let mut parts = parts;
            if let rmcp::model::JsonRpcMessage::Request(request) = message.as_ref() {
                use rmcp::model::GetExtensions;
                if let Some(tasks) = request
                    .request
                    .extensions()
                    .get::<super::task_notify::ListenTasks>()
                {
                    parts.extensions.insert(tasks.clone());
                }
            }
            // The parsed copy goes now, not after the call.
            drop(message);
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            drop(permit);
            response
        }
        Err(reply) => bad_request(&reply),
    }
}

/// The message an HTTP body holds, or the JSON-RPC error to answer with instead (an HTTP request must get an answer,
/// so an invalid notification gets its error too).
pub fn message_or_error(inbound: Inbound) -> Result<Box<ClientJsonRpcMessage>, Reply> {
    let reply = match inbound {
        Inbound::Message(message) => return Ok(message),
        Inbound::Error(reply) | Inbound::Unanswerable(reply) => reply,
        Inbound::Blank => Reply {
            id: serde_json::Value::Null,
            code: PARSE_ERROR,
            message: "Parse error: the body is empty; send one JSON-RPC message".into(),
        },
    };
    Err(reply)
}

/// A JSON-RPC error as an HTTP answer: 404 for a method the server does not have (as Streamable HTTP maps
/// -32601), 400 for the rest.
pub fn bad_request(reply: &Reply) -> Response {
    let status = match reply.code {
        super::framing::METHOD_NOT_FOUND => StatusCode::NOT_FOUND,
        _ => StatusCode::BAD_REQUEST,
    };
    error(status, reply)
}

fn error(status: StatusCode, reply: &Reply) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        reply.to_line(),
    )
        .into_response()
}

/// Whether the request is JSON and accepts both JSON and SSE, as a Streamable HTTP POST must.
fn json_both_ways(headers: &HeaderMap) -> bool {
    let essence = |v: &str| {
        v.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| essence(v) == "application/json");
    let accepted: Vec<String> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(essence)
        .collect();
    json && ["application/json", "text/event-stream"]
        .iter()
        .all(|t| accepted.iter().any(|a| a == t))
}

/// Axum middleware for `DELETE /mcp` (`axum::middleware::from_fn_with_state(sessions, end_session)`): a session this
/// server does not know (ended, or never opened) gets 404 as the specification requires, and an ended one 204 No
/// Content (rmcp answers 202 to both, which the Python SDK logs as "Session termination failed: 202").
pub async fn end_session(
    State(sessions): State<Arc<LocalSessionManager>>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::DELETE {
        return next.run(request).await;
    }
    let id: Option<Arc<str>> = request
        .headers()
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .map(Arc::from);
    if let Some(id) = &id
        && !sessions.has_session(id).await.unwrap_or(true)
    {
        let reply = Reply {
            id: serde_json::Value::Null,
            code: -32001,
            message:
                "Session not found: it ended or was never opened; start a new one with initialize"
                    .into(),
        };
        return error(StatusCode::NOT_FOUND, &reply);
    }
    let response = next.run(request).await;
    match response.status() {
        StatusCode::ACCEPTED => StatusCode::NO_CONTENT.into_response(),
        _ => response,
    }
}
