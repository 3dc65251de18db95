//! Reading a server's answer to a ClientHello: its ServerHello (version, suite, extensions) and, under TLS 1.2 and
//! older, the rest of its first flight in clear (certificate, stapled OCSP status); or the alert or silence instead.

use super::hello::{TLS13, version_name};
use super::suites;

/// The most a probe reads of one answer: a first flight with a long chain fits.
pub const MAX_FLIGHT: usize = 64 * 1024;

/// The random of a HelloRetryRequest (RFC 8446, section 4.1.3): a TLS 1.3 server asking for another key share.
const RETRY_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// How a server answered one ClientHello.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// It agreed to a version and a suite.
    Hello(ServerHello),
    /// It refused with an alert (level, description).
    Alert(u8, u8),
    /// It closed or reset the connection without a word.
    Closed,
    /// It said nothing before the time ran out.
    Silent,
    /// What came back was not TLS.
    NotTls(String),
}

/// What a ServerHello (and the clear part of the flight after it) said.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServerHello {
    /// The negotiated version: `supported_versions` when present, else the hello's own version.
    pub version: u16,
    pub suite: u16,
    /// The extension types the server sent back.
    pub extensions: Vec<u16>,
    /// A HelloRetryRequest: TLS 1.3 chosen, another key share wanted.
    pub retry: bool,
    /// The leaf certificate (DER), when the flight carried it in clear.
    pub certificate: Option<Vec<u8>>,
    /// A CertificateStatus message (a stapled OCSP response) came with the flight.
    pub stapled: bool,
}

impl ServerHello {
    /// "TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".
    pub fn describe(&self) -> String {
        format!(
            "{}, {}",
            version_name(self.version),
            suites::name(self.suite)
        )
    }
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Hello(h) if h.retry => write!(f, "HelloRetryRequest {}", h.describe()),
            Answer::Hello(h) => write!(f, "ServerHello {}", h.describe()),
            Answer::Alert(_, d) => write!(f, "alert {} ({d})", alert_name(*d)),
            Answer::Closed => write!(f, "connection closed without an answer"),
            Answer::Silent => write!(f, "no answer in time"),
            Answer::NotTls(why) => write!(f, "not a TLS answer: {why}"),
        }
    }
}

/// The name of a TLS alert (RFC 8446, section 6).
pub fn alert_name(description: u8) -> &'static str {
    match description {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        40 => "handshake_failure",
        42 => "bad_certificate",
        47 => "illegal_parameter",
        50 => "decode_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        109 => "missing_extension",
        110 => "unsupported_extension",
        112 => "unrecognized_name",
        _ => "other",
    }
}

/// The alert a server sends when it speaks none of the offered versions.
pub const PROTOCOL_VERSION: u8 = 70;

/// Records longer than this are not TLS (2^14 bytes of plaintext plus expansion).
const MAX_RECORD: usize = 18 * 1024;

/// Reads `buf` (all bytes received so far). `None`: more bytes are needed, unless `ended` says no more will come.
/// With `whole_flight`, a TLS 1.2-or-older answer is read up to ServerHelloDone, for the certificate and status.
pub fn parse(buf: &[u8], whole_flight: bool, ended: bool) -> Option<Answer> {
    let mut flight = Flight {
        whole_flight,
        handshake: Vec::new(),
        used: 0,
        hello: None,
    };
    let mut at = 0;
    while let Some(header) = buf.get(at..at + 5) {
        let kind = header[0];
        let len = u16::from_be_bytes([header[3], header[4]]) as usize;
        if !(20..=23).contains(&kind) || header[1] != 3 || len > MAX_RECORD {
            return Some(flight.end(|| not_tls(buf)));
        }
        let Some(fragment) = buf.get(at + 5..at + 5 + len) else {
            break;
        };
        at += 5 + len;
        match kind {
            22 => {
                flight.handshake.extend_from_slice(fragment);
                if let Some(answer) = flight.messages() {
                    return Some(answer);
                }
            }
            21 if fragment.len() >= 2 => {
                return Some(flight.end(|| Answer::Alert(fragment[0], fragment[1])));
            }
            // ChangeCipherSpec or encrypted data: nothing more comes in clear.
            _ => {
                let why = format!("record type {kind} before any ServerHello");
                return Some(flight.end(|| Answer::NotTls(why)));
            }
        }
    }
    ended.then(|| {
        flight.end(|| {
            if buf.is_empty() {
                Answer::Closed
            } else {
                not_tls(buf)
            }
        })
    })
}

/// The handshake messages read so far.
struct Flight {
    whole_flight: bool,
    handshake: Vec<u8>,
    /// Handshake bytes already read as messages.
    used: usize,
    hello: Option<ServerHello>,
}

impl Flight {
    /// The ServerHello if one came, else `otherwise`.
    fn end(self, otherwise: impl FnOnce() -> Answer) -> Answer {
        self.hello.map(Answer::Hello).unwrap_or_else(otherwise)
    }

    /// Reads the complete messages received; `Some` once the answer is known.
    fn messages(&mut self) -> Option<Answer> {
        while let Some((msg_type, body)) = message(&self.handshake[self.used..]) {
            self.used += 4 + body.len();
            match (&mut self.hello, msg_type) {
                (None, 2) => match server_hello(body) {
                    Ok(h) if !self.whole_flight || h.version >= TLS13 => {
                        return Some(Answer::Hello(h));
                    }
                    Ok(h) => self.hello = Some(h),
                    Err(why) => {
                        return Some(Answer::NotTls(format!("malformed ServerHello: {why}")));
                    }
                },
                (None, other) => {
                    return Some(Answer::NotTls(format!(
                        "handshake message {other} before any ServerHello"
                    )));
                }
                (Some(h), 11) => h.certificate = leaf(body),
                (Some(h), 22) => h.stapled = true,
                (Some(h), 14) => return Some(Answer::Hello(h.clone())),
                _ => {}
            }
        }
        None
    }
}

fn not_tls(buf: &[u8]) -> Answer {
    let head: Vec<String> = buf.iter().take(8).map(|b| format!("{b:02x}")).collect();
    Answer::NotTls(format!("{} bytes starting {}", buf.len(), head.join(" ")))
}

/// One complete handshake message at the start of `buf`: its type and body.
fn message(buf: &[u8]) -> Option<(u8, &[u8])> {
    let header = buf.get(..4)?;
    let len = u32::from_be_bytes([0, header[1], header[2], header[3]]) as usize;
    Some((header[0], buf.get(4..4 + len)?))
}

fn server_hello(body: &[u8]) -> Result<ServerHello, String> {
    let mut r = Reader(body);
    let version = r.u16()?;
    let random = r.take(32)?;
    let session = r.u8()? as usize;
    r.take(session)?;
    let suite = r.u16()?;
    r.u8()?;
    let mut hello = ServerHello {
        version,
        suite,
        retry: random == RETRY_RANDOM,
        ..Default::default()
    };
    if r.0.is_empty() {
        return Ok(hello);
    }
    let len = r.u16()? as usize;
    let mut exts = Reader(r.take(len)?);
    while !exts.0.is_empty() {
        let kind = exts.u16()?;
        let len = exts.u16()? as usize;
        let data = exts.take(len)?;
        if kind == 0x002B && data.len() == 2 {
            hello.version = u16::from_be_bytes([data[0], data[1]]);
        }
        hello.extensions.push(kind);
    }
    Ok(hello)
}

/// The first certificate of a Certificate message (TLS 1.2 and older layout).
fn leaf(body: &[u8]) -> Option<Vec<u8>> {
    let mut r = Reader(body);
    r.take(3).ok()?;
    let len = r.take(3).ok()?;
    let len = u32::from_be_bytes([0, len[0], len[1], len[2]]) as usize;
    r.take(len).ok().map(<[u8]>::to_vec)
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err(format!("{n} bytes wanted, {} left", self.0.len()));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
}

#[cfg(test)]
#[path = "flight_tests.rs"]
mod tests;
