//! What one message from an MCP client is before rmcp sees it: a message to hand on, an error to answer with (parse
//! errors, invalid requests, invalid params of a known method), or nothing to answer. Shared by stdio and `/mcp`.
//!
//! Upstream behaviour this works around (rmcp 3.9.0, to report to modelcontextprotocol/rust-sdk):
//! - Over stdio, `AsyncRwTransport::receive` drops a line that is not JSON, is truncated, or is not UTF-8 without a
//!   reply (on purpose, rust-sdk#938), where JSON-RPC 2.0 asks for `-32700 Parse error` with `id: null`; a line over
//!   its 16 MiB cap is dropped silently too. Well-formed JSON of the wrong shape gets `-32600` with the id left out.
//! - `ClientRequest` is an untagged union ending in `CustomRequest`, which takes any method: a known method whose
//!   params do not fit (`tools/call` without `name`, `logging/setLevel` with an unknown level) falls through to it and
//!   is answered `-32601 Method not found` where `-32602 Invalid params` is right.
//! - Over Streamable HTTP, a body that is not a JSON-RPC message gets HTTP 415 with a plain-text body, not a JSON-RPC
//!   error.

use super::known_methods::known;
use rmcp::model::{ClientJsonRpcMessage, ClientRequest, JsonRpcMessage, RequestId};
use serde_json::Value;

/// The largest message a client may send, on stdio (one line) and over HTTP (one body): 1 MiB. Requests to palisade
/// are a few kilobytes, and reading a message as JSON takes tens of times its size in memory (rmcp reads it again),
/// so the cap is what bounds a hostile client's cost.
pub const MAX_MESSAGE_BYTES: usize = 1024 * 1024;

/// JSON-RPC 2.0 error codes.
pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const INVALID_PARAMS: i64 = -32602;
pub const METHOD_NOT_FOUND: i64 = -32601;
/// Methods protocol 2026-07-28 removed (stateless requests need no handshake, keep-alive, log level or
/// subscription calls).
const REMOVED_IN_2026: &[&str] = &[
    "initialize",
    "ping",
    "logging/setLevel",
    "resources/subscribe",
    "resources/unsubscribe",
];

/// What to do with one message from the client.
#[derive(Debug)]
pub enum Inbound {
    /// A JSON-RPC message rmcp understands: hand it on.
    Message(Box<ClientJsonRpcMessage>),
    /// Not something rmcp can answer right: answer with this error instead.
    Error(Reply),
    /// A notification or response that is not valid: JSON-RPC forbids answering it, so stdio drops it; HTTP, which
    /// must answer something, sends this error without an id and status 400.
    Unanswerable(Reply),
    /// A blank line: nothing at all.
    Blank,
}

/// A JSON-RPC error response written by palisade itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The request's id, or `null` when it could not be read.
    pub id: Value,
    pub code: i64,
    pub message: String,
}

impl Reply {
    fn new(id: Value, code: i64, message: impl Into<String>) -> Reply {
        Reply {
            id,
            code,
            message: message.into(),
        }
    }

    /// The parse error for a message longer than [`MAX_MESSAGE_BYTES`].
    pub fn too_long() -> Reply {
        Reply::new(
            Value::Null,
            PARSE_ERROR,
            format!(
                "Parse error: the message is longer than {MAX_MESSAGE_BYTES} bytes (1 MiB), the most palisade reads"
            ),
        )
    }

    /// The response as JSON: `{"jsonrpc":"2.0","id":...,"error":{"code":...,"message":...}}`.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self.wire()).unwrap_or(Value::Null)
    }

    /// The response as one line in that key order, newline included.
    pub fn to_line(&self) -> Vec<u8> {
        let mut line = serde_json::to_vec(&self.wire()).unwrap_or_default();
        line.push(b'\n');
        line
    }

    fn wire(&self) -> Wire<'_> {
        Wire {
            jsonrpc: "2.0",
            id: &self.id,
            error: WireError {
                code: self.code,
                message: &self.message,
            },
        }
    }
}

#[derive(serde::Serialize)]
struct Wire<'a> {
    jsonrpc: &'static str,
    id: &'a Value,
    error: WireError<'a>,
}

#[derive(serde::Serialize)]
struct WireError<'a> {
    code: i64,
    message: &'a str,
}

/// Classifies one message (a line without its `\n`, or an HTTP body). Never panics.
pub fn inbound(bytes: &[u8]) -> Inbound {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    // RFC 8259 §8.1 lets a parser ignore a byte order mark; rmcp does.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            return Inbound::Error(Reply::new(
                Value::Null,
                PARSE_ERROR,
                format!(
                    "Parse error: the message is not UTF-8 (invalid byte at offset {})",
                    e.valid_up_to()
                ),
            ));
        }
    };
    if text.trim().is_empty() {
        return Inbound::Blank;
    }
    match serde_json::from_str::<ClientJsonRpcMessage>(text) {
        Ok(message) => match misrouted(&message) {
            Some((id, method)) => {
                let value = serde_json::from_str(text).unwrap_or(Value::Null);
                if REMOVED_IN_2026.contains(&method) && stateless(&value) {
                    let why = format!(
                        "Method not found: {method} is not part of protocol 2026-07-28 (requests carry their own \
                         metadata); clients that need it use protocol 2025-11-25"
                    );
                    return Inbound::Error(Reply::new(id, METHOD_NOT_FOUND, why));
                }
                Inbound::Error(invalid_params(id, method, &value))
            }
            None => {
                let mut message = message;
                super::task_notify::attach(&mut message, text);
                Inbound::Message(Box::new(message))
            }
        },
        Err(_) => match serde_json::from_str::<Value>(text) {
            Ok(value) => malformed(&value),
            Err(e) => Inbound::Error(Reply::new(
                Value::Null,
                PARSE_ERROR,
                format!("Parse error: not JSON ({e})"),
            )),
        },
    }
}

/// Whether a request says, in its `_meta`, that it speaks protocol 2026-07-28 or later (stateless).
fn stateless(message: &Value) -> bool {
    message["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"]
        .as_str()
        .is_some_and(|v| v >= "2026-07-28")
}

/// A request for a known method that rmcp took as a custom request because its params do not fit: its id and method.
fn misrouted(message: &ClientJsonRpcMessage) -> Option<(Value, &str)> {
    let JsonRpcMessage::Request(request) = message else {
        return None;
    };
    let ClientRequest::CustomRequest(custom) = &request.request else {
        return None;
    };
    let method = custom.method.as_str();
    known(method)?;
    Some((
        serde_json::to_value(&request.id).unwrap_or(Value::Null),
        method,
    ))
}

/// Well-formed JSON that is not a JSON-RPC message rmcp accepts.
fn malformed(value: &Value) -> Inbound {
    let Value::Object(map) = value else {
        let why = if value.is_array() {
            "Invalid Request: batches are not supported; send one JSON-RPC message at a time"
        } else {
            "Invalid Request: a JSON-RPC message is a JSON object"
        };
        return Inbound::Error(Reply::new(Value::Null, INVALID_REQUEST, why));
    };
    let id = map.get("id").and_then(request_id);
    let version = map.get("jsonrpc").and_then(Value::as_str) == Some("2.0");
    let answer = map.contains_key("result") || map.contains_key("error");
    match map.get("method") {
        Some(Value::String(method)) if version && !answer => match map.get("id") {
            // A notification (no id): JSON-RPC forbids any reply, even to invalid params.
            None => Inbound::Unanswerable(Reply::new(
                Value::Null,
                INVALID_PARAMS,
                format!("Invalid params for the notification {method}"),
            )),
            Some(_) => match (id, known(method)) {
                (Some(id), Some(_)) => Inbound::Error(invalid_params(id, method, value)),
                (id, _) => Inbound::Error(Reply::new(
                    id.unwrap_or(Value::Null),
                    INVALID_REQUEST,
                    format!(
                        "Invalid Request: {method} needs a string or integer id and object params"
                    ),
                )),
            },
        },
        None if version && answer && !(map.contains_key("result") && map.contains_key("error")) => {
            Inbound::Unanswerable(Reply::new(
                Value::Null,
                INVALID_REQUEST,
                "Invalid Request: a response to no request palisade sent, or of the wrong shape",
            ))
        }
        _ => Inbound::Error(Reply::new(
            id.unwrap_or(Value::Null),
            INVALID_REQUEST,
            "Invalid Request: expected a JSON-RPC 2.0 request {\"jsonrpc\":\"2.0\",\"id\":...,\"method\":...}, \
             notification or response",
        )),
    }
}

/// The id to echo, as rmcp reads ids: a string, or an integer (also in float form, `1.0`) that fits in 64 bits;
/// `None` for anything else.
fn request_id(id: &Value) -> Option<Value> {
    let id: RequestId = serde_json::from_value(id.clone()).ok()?;
    serde_json::to_value(id).ok()
}

fn invalid_params(id: Value, method: &str, message: &Value) -> Reply {
    let why = known(method)
        .and_then(|check| check(message))
        .map(|e| format!(": {e}"))
        .unwrap_or_default();
    Reply::new(
        id,
        INVALID_PARAMS,
        format!("Invalid params for {method}{why}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(line: &str) -> Value {
        match inbound(line.as_bytes()) {
            Inbound::Error(reply) => reply.to_json(),
            other => panic!("{line}: expected an error reply, got {other:?}"),
        }
    }

    #[test]
    fn unparseable_lines_are_parse_errors_with_a_null_id() {
        for line in [
            "{",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":",
            "nonsense",
            "{]",
        ] {
            let r = reply(line);
            assert_eq!(r["id"], Value::Null, "{line}");
            assert_eq!(r["error"]["code"], PARSE_ERROR, "{line}");
            assert!(
                r["error"]["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("Parse error")
            );
        }
        match inbound(b"{\"a\":\"\xff\"}") {
            Inbound::Error(r) => assert_eq!(r.code, PARSE_ERROR),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn known_methods_with_bad_params_are_invalid_params_with_their_id() {
        let r = reply(r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{}}"#);
        assert_eq!(r["id"], 7);
        assert_eq!(r["error"]["code"], INVALID_PARAMS);
        assert!(
            r["error"]["message"]
                .as_str()
                .unwrap()
                .contains("missing field `name`"),
            "{r}"
        );
        let r = reply(
            r#"{"jsonrpc":"2.0","id":"x","method":"logging/setLevel","params":{"level":"loud"}}"#,
        );
        assert_eq!(r["id"], "x");
        assert_eq!(r["error"]["code"], INVALID_PARAMS);
        let r = reply(r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":"x"}"#);
        assert_eq!(
            (r["id"].clone(), r["error"]["code"].clone()),
            (3.into(), INVALID_PARAMS.into())
        );
    }

    #[test]
    fn good_messages_and_unknown_methods_go_to_rmcp() {
        for line in [
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":1,"method":"no/such"}"#,
            r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            "\u{feff}{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r",
        ] {
            assert!(
                matches!(inbound(line.as_bytes()), Inbound::Message(_)),
                "{line}"
            );
        }
    }

    #[test]
    fn every_known_method_is_named_as_rmcp_routes_it() {
        for (method, _) in super::super::known_methods::KNOWN {
            let line = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":42}}"#);
            assert_eq!(reply(&line)["error"]["code"], INVALID_PARAMS, "{method}");
        }
        assert!(known("tools/call").is_some() && known("tools/cal").is_none());
    }

    #[test]
    fn other_shapes_are_invalid_requests_and_bad_notifications_get_nothing() {
        let r = reply("[]");
        assert_eq!(
            (r["id"].clone(), r["error"]["code"].clone()),
            (Value::Null, INVALID_REQUEST.into())
        );
        let r = reply(r#"{"jsonrpc":"1.0","id":4,"method":"ping"}"#);
        assert_eq!(
            (r["id"].clone(), r["error"]["code"].clone()),
            (4.into(), INVALID_REQUEST.into())
        );
        let r = reply(r#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#);
        assert_eq!(r["id"], Value::Null);
        for line in [
            r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":{}}}"#,
            r#"{"jsonrpc":"2.0","method":"tools/call","params":7}"#,
            r#"{"jsonrpc":"2.0","method":"logging/setLevel","params":{"level":"loud"}}"#,
        ] {
            assert!(
                !matches!(inbound(line.as_bytes()), Inbound::Error(_)),
                "{line}"
            );
        }
        assert!(matches!(inbound(b"   "), Inbound::Blank));
        assert!(matches!(inbound(b""), Inbound::Blank));
    }

    #[test]
    fn methods_2026_removed_are_not_found_for_stateless_requests_only() {
        let meta = r#""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}"#;
        for method in ["initialize", "logging/setLevel", "resources/subscribe"] {
            let line =
                format!(r#"{{"jsonrpc":"2.0","id":7,"method":"{method}","params":{{{meta}}}}}"#);
            let r = reply(&line);
            assert_eq!(r["error"]["code"], METHOD_NOT_FOUND, "{line}: {r}");
            assert_eq!(r["id"], 7);
        }
        // The same malformed initialize from a 2025-11-25 client is still told what is wrong with its params.
        let old = r#"{"jsonrpc":"2.0","id":7,"method":"initialize","params":{}}"#;
        assert_eq!(reply(old)["error"]["code"], INVALID_PARAMS);
    }
}
