//! The MCP JSON-RPC framing of `palisade mcp` (`Lines` then `inbound`) on arbitrary bytes: never panics, every line
//! comes out once, an unparseable line gets a parse error with id null, a request with an id reaches rmcp or is
//! answered with that id, notifications are never answered, and every reply is one line of valid JSON-RPC.

use palisade::mcp::framing::{
    INVALID_PARAMS, INVALID_REQUEST, Inbound, PARSE_ERROR, Reply, inbound,
};
use palisade::mcp::stdio::{Line, Lines};
use proptest::prelude::*;
use rmcp::model::RequestId;
use serde_json::{Value, json};

/// The line cap of these runs (the real one is 1 MiB): small, so that long lines happen.
const CAP: usize = 200;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "\\PC{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                "[a-z_]{0,6}|name|level|uri|arguments|protocolVersion",
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn method() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "initialize",
        "ping",
        "tools/list",
        "tools/call",
        "logging/setLevel",
        "resources/read",
        "resources/list",
        "prompts/get",
        "completion/complete",
        "notifications/initialized",
        "notifications/cancelled",
        "notifications/progress",
        "no/such",
        "",
        "$/lsp",
    ])
    .prop_map(String::from)
}

/// A JSON-RPC-ish object: each member present or not, right or wrong.
fn message() -> impl Strategy<Value = Value> {
    let version = prop_oneof![4 => Just(json!("2.0")), 1 => json_value()];
    let id = prop_oneof![3 => any::<i64>().prop_map(Value::from), 2 => "[a-z0-9-]{0,8}".prop_map(Value::from), 1 => json_value()];
    let method = prop_oneof![4 => method().prop_map(Value::from), 1 => json_value()];
    let params = prop_oneof![
        Just(json!({})),
        Just(json!({"name": "list_scans", "arguments": {}})),
        Just(json!({"level": "debug"})),
        Just(json!({"level": "loud"})),
        json_value(),
    ];
    (
        prop::option::weighted(0.9, version),
        prop::option::weighted(0.7, id),
        prop::option::weighted(0.9, method),
        prop::option::weighted(0.7, params),
        prop::option::weighted(0.05, json_value()),
    )
        .prop_map(|(v, id, m, p, result)| {
            let mut o = serde_json::Map::new();
            for (k, v) in [
                ("jsonrpc", v),
                ("id", id),
                ("method", m),
                ("params", p),
                ("result", result),
            ] {
                if let Some(v) = v {
                    o.insert(k.into(), v);
                }
            }
            Value::Object(o)
        })
}

/// One line's bytes, without its `\n`.
fn line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => message().prop_map(|m| m.to_string().into_bytes()),
        // Cut short, or with a byte changed: truncated and corrupted messages.
        2 => (message(), any::<prop::sample::Index>(), any::<u8>()).prop_map(|(m, at, b)| {
            let mut bytes = m.to_string().into_bytes();
            let i = at.index(bytes.len());
            if b % 2 == 0 { bytes.truncate(i) } else { bytes[i] = b }
            bytes.retain(|&c| c != b'\n');
            bytes
        }),
        1 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => prop::collection::vec(any::<u8>().prop_filter("no newline", |&b| b != b'\n'), 0..64),
        1 => (1usize..600).prop_map(|n| vec![b'x'; n]),
        1 => prop::sample::select(vec!["", " ", "\r", "\u{feff}", "\u{feff}{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r"])
            .prop_map(|s| s.as_bytes().to_vec()),
    ]
}

/// The reply's one line is JSON-RPC: `{"jsonrpc":"2.0","id":null|string|integer,"error":{code,message}}`.
fn valid_reply(reply: &Reply) -> Result<Value, TestCaseError> {
    let line = reply.to_line();
    prop_assert!(line.ends_with(b"\n") && line.iter().filter(|&&b| b == b'\n').count() == 1);
    let v: Value = serde_json::from_slice(&line).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&v["jsonrpc"], "2.0");
    prop_assert!(
        v["id"].is_null() || v["id"].is_string() || v["id"].is_i64(),
        "{v}"
    );
    prop_assert!(
        [PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS]
            .contains(&v["error"]["code"].as_i64().unwrap_or(0)),
        "{v}"
    );
    prop_assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
    prop_assert_eq!(v.as_object().map(|o| o.len()), Some(3), "{}", v);
    Ok(v)
}

/// Checks what `inbound` made of one line against what the line is.
fn check_line(bytes: &[u8], framed: &Inbound) -> Result<(), TestCaseError> {
    let text = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let text = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text);
    let parsed = std::str::from_utf8(text)
        .ok()
        .map(|t| (t, serde_json::from_str::<Value>(t)));
    match (&parsed, framed) {
        (Some((t, _)), Inbound::Blank) => prop_assert!(t.trim().is_empty(), "{t:?} taken as blank"),
        (_, Inbound::Blank) => prop_assert!(false, "{bytes:?} taken as blank"),
        (None | Some((_, Err(_))), answer) => {
            let blank = parsed.as_ref().is_some_and(|(t, _)| t.trim().is_empty());
            prop_assert!(
                blank
                    || matches!(answer, Inbound::Error(r) if r.code == PARSE_ERROR && r.id.is_null()),
                "{bytes:?}: {answer:?}"
            );
        }
        (Some((_, Ok(value))), answer) => {
            let id = value.get("id");
            // The id as rmcp reads it (`1.0` is 1), which replies echo.
            let echoed = id
                .and_then(|i| serde_json::from_value::<RequestId>(i.clone()).ok())
                .map(|i| json!(i));
            let request = value.get("method").is_some() && id.is_some();
            match answer {
                Inbound::Error(r) => {
                    prop_assert_ne!(r.code, PARSE_ERROR, "{} is JSON", value);
                    prop_assert!(
                        r.id.is_null() || Some(&r.id) == echoed.as_ref(),
                        "{value}: replied to id {}",
                        r.id
                    );
                    if r.code == INVALID_PARAMS {
                        prop_assert_eq!(Some(&r.id), echoed.as_ref(), "{}", value);
                    }
                }
                Inbound::Message(m) => {
                    let back =
                        serde_json::to_value(m).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    if request {
                        prop_assert_eq!(
                            back.get("id"),
                            echoed.as_ref(),
                            "{} came out as {}",
                            value,
                            back
                        );
                    }
                }
                Inbound::Unanswerable(r) => {
                    prop_assert!(
                        value.get("id").is_none() || value.get("method").is_none(),
                        "{value} has an id and a method: it must be answered"
                    );
                    valid_reply(r)?;
                }
                Inbound::Blank => unreachable!(),
            }
        }
    }
    if let Inbound::Error(r) = framed {
        valid_reply(r)?;
    }
    Ok(())
}

/// Runs a byte stream through `Lines` and `inbound` as the stdio transport does; checks each line.
/// The last line goes without a separator unless `trailing`, as a client that closes stdin mid-line would send it.
fn check_stream(lines: &[Vec<u8>], crlf: bool, trailing: bool) -> Result<(), TestCaseError> {
    let sep: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let mut input = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        input.extend_from_slice(l);
        if trailing || i + 1 < lines.len() {
            input.extend_from_slice(sep);
        }
    }
    let last_is_partial = |seen: usize| !trailing && seen + 1 == lines.len();
    let expected = if !trailing && lines.last().is_some_and(Vec::is_empty) {
        lines.len() - 1
    } else {
        lines.len()
    };
    let mut reader = Lines::new(&input[..], CAP);
    let mut seen = 0;
    futures::executor::block_on(async {
        loop {
            match reader.next().await {
                Line::End => break,
                Line::Failed(e) => return Err(TestCaseError::fail(e.to_string())),
                Line::TooLong => {
                    let sent = lines
                        .get(seen)
                        .ok_or_else(|| TestCaseError::fail("a line too many"))?;
                    let cr = usize::from(crlf && !last_is_partial(seen));
                    prop_assert!(
                        sent.len() + cr > CAP,
                        "{} bytes called too long",
                        sent.len()
                    );
                    valid_reply(&Reply::too_long())?;
                }
                Line::Complete => {
                    let sent = lines
                        .get(seen)
                        .ok_or_else(|| TestCaseError::fail("a line too many"))?;
                    let got = reader.line();
                    prop_assert!(
                        got.len() <= CAP,
                        "a line of {} bytes passed the cap",
                        got.len()
                    );
                    let got_sent = if crlf && !last_is_partial(seen) {
                        got.strip_suffix(b"\r").unwrap_or(got)
                    } else {
                        got
                    };
                    prop_assert_eq!(got_sent, &sent[..]);
                    check_line(got, &inbound(got))?;
                }
            }
            seen += 1;
        }
        prop_assert_eq!(seen, expected, "lines lost or invented");
        Ok(())
    })
}

proptest! {
    #![proptest_config(crate::config(1500))]

    #[test]
    fn every_line_gets_its_due(lines in prop::collection::vec(line(), 0..8), crlf in any::<bool>(), trailing in any::<bool>()) {
        check_stream(&lines, crlf, trailing)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_line(&bytes, &inbound(&bytes))?;
        let lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
        check_stream(&lines, false, false)?;
    }
}

/// Found by the properties above: ids are echoed as rmcp reads them (`1.0` is the integer 1); other ids are null.
#[test]
fn ids_are_echoed_as_rmcp_reads_them() {
    let reply = |line: &str| match inbound(line.as_bytes()) {
        Inbound::Error(r) => (r.id, r.code),
        other => panic!("{line}: {other:?}"),
    };
    assert_eq!(
        reply(r#"{"jsonrpc":"2.0","id":1.0,"method":"tools/call","params":{}}"#),
        (json!(1), INVALID_PARAMS)
    );
    assert_eq!(
        reply(r#"{"jsonrpc":"2.0","id":2.5,"method":"ping","params":7}"#),
        (Value::Null, INVALID_REQUEST)
    );
    assert_eq!(
        reply(r#"{"jsonrpc":"2.0","id":18446744073709551615,"method":"tools/call","params":{}}"#),
        (Value::Null, INVALID_REQUEST)
    );
}
