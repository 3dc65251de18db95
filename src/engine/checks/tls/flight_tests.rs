//! The first-flight parser on bytes captured from `openssl s_server` (OpenSSL 3.0) and on flights built by hand.

use super::*;
use crate::engine::checks::tls::hello::{TLS10, TLS12};

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// A TLS 1.0 ServerHello from `openssl s_server -min_protocol TLSv1` (it supports 1.2, hence the `DOWNGRD` marker
/// at the end of its random): ECDHE-RSA-AES256-SHA, renegotiation_info, ec_point_formats, session_ticket,
/// encrypt_then_mac, extended_master_secret.
const TLS10_SERVER_HELLO: &str = "16 03 01 00 45
    02 00 00 41 03 01 d6 70 64 8f 97 0c 7b 20 0d d4 84 a8 f8 ba 41 e0 8a 44 01 f7 81 ce 2f b4 44 4f
    57 4e 47 52 44 00 00 c0 14 00 00 19 ff 01 00 01 00 00 0b 00 04 03 00 01 02 00 23 00 00 00 16 00
    00 00 17 00 00";

/// A TLS 1.3 ServerHello (TLS_AES_256_GCM_SHA384, x25519), then ChangeCipherSpec and the start of encrypted data.
const TLS13_SERVER_HELLO: &str = "16 03 03 00 7a
    02 00 00 76 03 03 0c a4 bf 43 f2 5c 9e 17 81 ef 1d 58 b5 67 26 f7 fd 6f 0c 60 f4 aa 04 7e 0e 0b
    7c 48 d4 0c f2 3b 20 17 71 53 06 57 01 8e 88 a3 98 0a af 67 fa b3 40 54 06 e5 8e b3 12 be d3 c5
    5f 2d 92 92 9d a5 32 13 02 00 00 2e 00 2b 00 02 03 04 00 33 00 24 00 1d 00 20 3d 48 ee 41 1c 8d
    10 c9 67 fa 34 63 af 02 cd 42 6d 88 0a 7c 80 bd 4e 7e 2e 79 8b 40 81 6b 3b 05
    14 03 03 00 01 01 17 03 03 00 17";

#[test]
fn captured_tls10_server_hello() {
    let bytes = hex(TLS10_SERVER_HELLO);
    let Some(Answer::Hello(h)) = parse(&bytes, false, false) else {
        panic!("{:?}", parse(&bytes, false, false));
    };
    assert_eq!(h.version, TLS10);
    assert_eq!(h.suite, 0xC014);
    assert_eq!(h.extensions, vec![0xFF01, 0x000B, 0x0023, 0x0016, 0x0017]);
    assert!(!h.retry);
    assert_eq!(
        Answer::Hello(h).to_string(),
        "ServerHello TLS 1.0, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"
    );
}

#[test]
fn captured_tls13_server_hello_reads_supported_versions() {
    let bytes = hex(TLS13_SERVER_HELLO);
    let Some(Answer::Hello(h)) = parse(&bytes, true, false) else {
        panic!("{:?}", parse(&bytes, true, false));
    };
    assert_eq!(
        h.version, TLS13,
        "the version comes from supported_versions"
    );
    assert_eq!(h.suite, 0x1302);
    assert_eq!(h.extensions, vec![0x002B, 0x0033]);
    assert_eq!(
        h.certificate, None,
        "TLS 1.3 sends its certificate encrypted"
    );
}

#[test]
fn a_hello_cut_anywhere_needs_more_bytes_until_the_connection_ends() {
    let bytes = hex(TLS10_SERVER_HELLO);
    for cut in 0..bytes.len() {
        assert_eq!(parse(&bytes[..cut], false, false), None, "cut at {cut}");
    }
    assert_eq!(parse(&[], false, true), Some(Answer::Closed));
    assert!(matches!(
        parse(&bytes[..20], false, true),
        Some(Answer::NotTls(_))
    ));
}

#[test]
fn alerts_are_read_as_refusals() {
    // `openssl s_server` without TLS 1.0, to a TLS 1.0 hello: fatal internal_error.
    let internal = hex("15 03 01 00 02 02 50");
    assert_eq!(parse(&internal, false, false), Some(Answer::Alert(2, 80)));
    let version = hex("15 03 03 00 02 02 46");
    let answer = parse(&version, false, false).unwrap();
    assert_eq!(answer, Answer::Alert(2, PROTOCOL_VERSION));
    assert_eq!(answer.to_string(), "alert protocol_version (70)");
    assert_eq!(
        parse(&hex("15 03 03 00 02 02 28"), false, false)
            .unwrap()
            .to_string(),
        "alert handshake_failure (40)"
    );
}

#[test]
fn plain_http_is_not_tls() {
    let answer = parse(b"HTTP/1.1 400 Bad Request\r\n\r\n", false, false).unwrap();
    assert_eq!(
        answer,
        Answer::NotTls("28 bytes starting 48 54 54 50 2f 31 2e 31".into())
    );
}

#[test]
fn hello_retry_request_is_recognised() {
    let mut body = vec![0x03, 0x03];
    body.extend_from_slice(&RETRY_RANDOM);
    body.extend_from_slice(&[0, 0x13, 0x01, 0, 0, 6, 0x00, 0x2B, 0, 2, 3, 4]);
    let bytes = records(&[(22, handshake(2, &body))]);
    let Some(Answer::Hello(h)) = parse(&bytes, false, false) else {
        panic!()
    };
    assert!(h.retry);
    assert_eq!(h.version, TLS13);
}

fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![kind];
    out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    out.extend_from_slice(body);
    out
}

fn records(parts: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (kind, data) in parts {
        out.extend_from_slice(&[*kind, 3, 3]);
        out.extend_from_slice(&(data.len() as u16).to_be_bytes());
        out.extend_from_slice(data);
    }
    out
}

/// ServerHello (TLS 1.2, status_request echoed), Certificate, CertificateStatus, ServerHelloDone, with the
/// Certificate message split over two records as servers do with long chains.
fn tls12_flight(stapled: bool) -> Vec<u8> {
    let mut hello = vec![0x03, 0x03];
    hello.extend_from_slice(&[7; 32]);
    hello.extend_from_slice(&[0, 0xC0, 0x2F, 0]);
    if stapled {
        hello.extend_from_slice(&[0, 4, 0x00, 0x05, 0, 0]);
    }
    let leaf = vec![0x30, 0x03, 1, 2, 3];
    let mut cert = Vec::new();
    cert.extend_from_slice(&((leaf.len() + 3) as u32).to_be_bytes()[1..]);
    cert.extend_from_slice(&(leaf.len() as u32).to_be_bytes()[1..]);
    cert.extend_from_slice(&leaf);
    let mut stream = handshake(2, &hello);
    stream.extend(handshake(11, &cert));
    if stapled {
        stream.extend(handshake(22, &[1, 0, 0, 5, 0x30, 3, 0x0A, 1, 0]));
    }
    stream.extend(handshake(14, &[]));
    let (a, b) = stream.split_at(60);
    records(&[(22, a.to_vec()), (22, b.to_vec())])
}

#[test]
fn whole_tls12_flight_gives_the_leaf_and_the_stapled_status() {
    let bytes = tls12_flight(true);
    assert_eq!(
        parse(&bytes[..bytes.len() - 1], true, false),
        None,
        "waits for ServerHelloDone"
    );
    let Some(Answer::Hello(h)) = parse(&bytes, true, false) else {
        panic!()
    };
    assert_eq!((h.version, h.suite), (TLS12, 0xC02F));
    assert!(h.extensions.contains(&0x0005));
    assert_eq!(h.certificate, Some(vec![0x30, 0x03, 1, 2, 3]));
    assert!(h.stapled);
    let Some(Answer::Hello(plain)) = parse(&tls12_flight(false), true, false) else {
        panic!()
    };
    assert!(!plain.stapled && plain.certificate.is_some());
    let Some(Answer::Hello(first)) = parse(&tls12_flight(true), false, false) else {
        panic!()
    };
    assert_eq!(
        first.certificate, None,
        "without whole_flight, the hello alone"
    );
}

#[test]
fn a_flight_cut_short_still_reports_its_hello() {
    let bytes = tls12_flight(true);
    let Some(Answer::Hello(h)) = parse(&bytes[..70], true, true) else {
        panic!()
    };
    assert_eq!(h.suite, 0xC02F);
    assert!(!h.stapled);
}

#[test]
fn malformed_server_hello_is_not_tls() {
    let bytes = records(&[(22, handshake(2, &[3, 3, 1, 2]))]);
    let Some(Answer::NotTls(why)) = parse(&bytes, false, false) else {
        panic!()
    };
    assert!(why.starts_with("malformed ServerHello"), "{why}");
    let other = records(&[(22, handshake(11, &[0, 0, 0]))]);
    assert_eq!(
        parse(&other, false, false),
        Some(Answer::NotTls(
            "handshake message 11 before any ServerHello".into()
        ))
    );
}
