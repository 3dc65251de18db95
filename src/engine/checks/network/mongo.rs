//! MongoDB: the `isMaster` handshake (legacy OP_QUERY, which every server version still answers for this one
//! command) and `buildInfo` for the version, both allowed before login. The few BSON bytes are built and read here.

use super::Exposure;
use super::probe::talk;
use super::rules::MONGODB_OPEN;
use crate::engine::context::CheckCtx;
use crate::engine::net::NetError;

const OP_REPLY: i32 = 1;
const OP_QUERY: i32 = 2004;
const OP_MSG: i32 = 2013;
/// The first wire version with OP_MSG (MongoDB 3.6).
const WIRE_OP_MSG: i64 = 6;

/// A BSON value, as far as the handshake answers need.
#[derive(Debug, Clone, PartialEq)]
enum Bson {
    Str(String),
    Int(i64),
    Double(f64),
    Bool(bool),
    Doc(Vec<(String, Bson)>),
    Other,
}

type Doc = Vec<(String, Bson)>;

/// A field of a command document.
enum Field<'a> {
    Int(i32),
    Str(&'a str),
}

fn cstring(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
    out.push(0);
}

/// Encodes a flat document of int32 and string fields.
fn encode(fields: &[(&str, Field)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        match value {
            Field::Int(i) => {
                body.push(0x10);
                cstring(&mut body, name);
                body.extend_from_slice(&i.to_le_bytes());
            }
            Field::Str(s) => {
                body.push(0x02);
                cstring(&mut body, name);
                body.extend_from_slice(&(s.len() as i32 + 1).to_le_bytes());
                cstring(&mut body, s);
            }
        }
    }
    body.push(0);
    let mut doc = ((body.len() + 4) as i32).to_le_bytes().to_vec();
    doc.extend(body);
    doc
}

fn i32_at(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Reads a document; `None` for anything malformed or of a type this reader does not know.
fn parse(b: &[u8], depth: u8) -> Option<Doc> {
    let len = usize::try_from(i32_at(b, 0)?).ok()?;
    let b = b.get(..len)?;
    let mut doc = Vec::new();
    let mut i = 4;
    while i < len.checked_sub(1)? {
        let kind = b[i];
        let name_end = i + 1 + b.get(i + 1..)?.iter().position(|&c| c == 0)?;
        let name = String::from_utf8_lossy(&b[i + 1..name_end]).into_owned();
        i = name_end + 1;
        let fixed = |n: usize| b.get(i..i + n).map(|_| n);
        let (value, size) = match kind {
            0x01 => (
                Bson::Double(f64::from_le_bytes(b.get(i..i + 8)?.try_into().ok()?)),
                8,
            ),
            0x02 => {
                let n = usize::try_from(i32_at(b, i)?).ok()?;
                let s = b.get(i + 4..i + 4 + n.checked_sub(1)?)?;
                (Bson::Str(String::from_utf8_lossy(s).into_owned()), 4 + n)
            }
            0x03 | 0x04 => {
                let n = usize::try_from(i32_at(b, i)?).ok()?;
                let inner = b.get(i..i + n)?;
                let value = match depth {
                    0..4 => Bson::Doc(parse(inner, depth + 1)?),
                    _ => Bson::Other,
                };
                (value, n)
            }
            0x05 => (Bson::Other, 5 + usize::try_from(i32_at(b, i)?).ok()?),
            0x07 => (Bson::Other, fixed(12)?),
            0x08 => (Bson::Bool(*b.get(i)? != 0), 1),
            0x09 | 0x11 => (Bson::Other, fixed(8)?),
            0x0A => (Bson::Other, 0),
            0x10 => (Bson::Int(i32_at(b, i)?.into()), 4),
            0x12 => (
                Bson::Int(i64::from_le_bytes(b.get(i..i + 8)?.try_into().ok()?)),
                8,
            ),
            0x13 => (Bson::Other, fixed(16)?),
            _ => return None,
        };
        doc.push((name, value));
        i += size;
    }
    Some(doc)
}

fn get<'a>(doc: &'a Doc, name: &str) -> Option<&'a Bson> {
    doc.iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn number(doc: &Doc, name: &str) -> Option<i64> {
    match get(doc, name)? {
        Bson::Int(i) => Some(*i),
        Bson::Double(d) => Some(*d as i64),
        _ => None,
    }
}

fn text<'a>(doc: &'a Doc, name: &str) -> Option<&'a str> {
    match get(doc, name)? {
        Bson::Str(s) => Some(s),
        _ => None,
    }
}

/// A whole wire message: header, then the body.
fn message(request_id: i32, op_code: i32, body: &[u8]) -> Vec<u8> {
    let mut msg = Vec::with_capacity(16 + body.len());
    msg.extend_from_slice(&((16 + body.len()) as i32).to_le_bytes());
    msg.extend_from_slice(&request_id.to_le_bytes());
    msg.extend_from_slice(&0i32.to_le_bytes());
    msg.extend_from_slice(&op_code.to_le_bytes());
    msg.extend_from_slice(body);
    msg
}

/// A command as OP_QUERY on `admin.$cmd`, asking for one document back.
fn op_query(request_id: i32, command: &[u8]) -> Vec<u8> {
    let mut body = 0i32.to_le_bytes().to_vec();
    cstring(&mut body, "admin.$cmd");
    body.extend_from_slice(&0i32.to_le_bytes());
    body.extend_from_slice(&(-1i32).to_le_bytes());
    body.extend_from_slice(command);
    message(request_id, OP_QUERY, &body)
}

/// A command as OP_MSG with one body section.
fn op_msg(request_id: i32, command: &[u8]) -> Vec<u8> {
    let mut body = 0u32.to_le_bytes().to_vec();
    body.push(0);
    body.extend_from_slice(command);
    message(request_id, OP_MSG, &body)
}

/// True once `buf` holds the whole message its header announces (or a header no message has).
fn message_done(buf: &[u8]) -> bool {
    match i32_at(buf, 0) {
        Some(len) => len < 16 || buf.len() >= len as usize,
        None => false,
    }
}

/// The document of an OP_REPLY or OP_MSG answer.
fn reply_doc(msg: &[u8]) -> Option<Doc> {
    let len = usize::try_from(i32_at(msg, 0)?).ok()?;
    let msg = msg.get(..len)?;
    match i32_at(msg, 12)? {
        OP_REPLY => parse(msg.get(36..)?, 0),
        OP_MSG if *msg.get(20)? == 0 => parse(msg.get(21..)?, 0),
        _ => None,
    }
}

/// A handshake answer: `ok: 1` and the primary flag under either of its names.
fn is_hello(doc: &Doc) -> bool {
    number(doc, "ok") == Some(1)
        && ["ismaster", "isWritablePrimary"]
            .iter()
            .any(|k| matches!(get(doc, k), Some(Bson::Bool(_))))
}

pub(super) async fn mongodb(
    ctx: &CheckCtx,
    host: &str,
    port: u16,
) -> Result<Option<Exposure>, NetError> {
    let (hello, build) = talk(ctx, host, port, async |w| {
        w.send(&op_query(1, &encode(&[("isMaster", Field::Int(1))])))
            .await?;
        let Some(hello) = reply_doc(&w.read_until(message_done).await?).filter(is_hello) else {
            return Ok((None, None));
        };
        let ask = if number(&hello, "maxWireVersion").unwrap_or(0) >= WIRE_OP_MSG {
            let cmd = [("buildInfo", Field::Int(1)), ("$db", Field::Str("admin"))];
            op_msg(2, &encode(&cmd))
        } else {
            op_query(2, &encode(&[("buildInfo", Field::Int(1))]))
        };
        let build = match w.send(&ask).await {
            Ok(()) => w.read_until(message_done).await.ok(),
            Err(_) => None,
        };
        Ok((Some(hello), build.and_then(|b| reply_doc(&b))))
    })
    .await?;
    let Some(hello) = hello else { return Ok(None) };
    let primary = ["isWritablePrimary", "ismaster"]
        .iter()
        .find_map(|k| match get(&hello, k) {
            Some(Bson::Bool(b)) => Some(format!("{k} {b}")),
            _ => None,
        })
        .unwrap_or_default();
    let mut evidence = format!("isMaster -> ok 1, {primary}");
    if let Some(wire) = number(&hello, "maxWireVersion") {
        evidence += &format!(", maxWireVersion {wire}");
    }
    if let Some(set) = text(&hello, "setName") {
        evidence += &format!(", setName {}", set.chars().take(40).collect::<String>());
    }
    let version = build
        .as_ref()
        .and_then(|b| text(b, "version"))
        .map(|v| v.chars().take(30).collect::<String>());
    let title = match &version {
        Some(v) => {
            evidence += &format!("; buildInfo -> version {v}");
            format!("MongoDB {v} is reachable from the internet")
        }
        None => MONGODB_OPEN.title.to_string(),
    };
    Ok(Some(Exposure::new(&MONGODB_OPEN, title, evidence)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_round_trip() {
        let bytes = encode(&[("isMaster", Field::Int(1)), ("$db", Field::Str("admin"))]);
        assert_eq!(
            parse(&bytes, 0).unwrap(),
            vec![
                ("isMaster".to_string(), Bson::Int(1)),
                ("$db".to_string(), Bson::Str("admin".into()))
            ]
        );
        assert_eq!(parse(&bytes[..bytes.len() - 1], 0), None, "cut short");
        assert_eq!(parse(&[5, 0, 0, 0, 0], 0), Some(vec![]));
        assert_eq!(parse(&[255, 255, 255, 127, 0], 0), None);
    }

    #[test]
    fn replies_are_read_from_both_message_kinds() {
        let doc = encode(&[("ok", Field::Int(1)), ("version", Field::Str("7.0.5"))]);
        let mut reply = 0i32.to_le_bytes().to_vec();
        reply.extend_from_slice(&0i64.to_le_bytes());
        reply.extend_from_slice(&0i32.to_le_bytes());
        reply.extend_from_slice(&1i32.to_le_bytes());
        reply.extend_from_slice(&doc);
        let old = message(9, OP_REPLY, &reply);
        assert!(message_done(&old) && !message_done(&old[..20]));
        assert_eq!(text(&reply_doc(&old).unwrap(), "version"), Some("7.0.5"));
        let new = op_msg(9, &doc);
        assert_eq!(number(&reply_doc(&new).unwrap(), "ok"), Some(1));
        assert_eq!(reply_doc(b"HTTP/1.1 400 Bad Request\r\n\r\n"), None);
    }

    #[test]
    fn a_handshake_answer_names_the_primary() {
        let doc = |primary: bool| {
            let mut d = vec![("ok".to_string(), Bson::Double(1.0))];
            if primary {
                d.push(("ismaster".into(), Bson::Bool(true)));
            }
            d
        };
        assert!(is_hello(&doc(true)));
        assert!(!is_hello(&doc(false)));
    }
}
