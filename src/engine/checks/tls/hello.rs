//! The ClientHello the deep TLS probes send: one protocol version, a chosen list of cipher suites, and the
//! extensions a real client of that version sends. No handshake is ever finished: only the server's answer is read.

use rand::RngCore;

pub const SSL3: u16 = 0x0300;
pub const TLS10: u16 = 0x0301;
pub const TLS11: u16 = 0x0302;
pub const TLS12: u16 = 0x0303;
pub const TLS13: u16 = 0x0304;

/// A protocol version as people write it.
pub fn version_name(version: u16) -> String {
    match version {
        SSL3 => "SSL 3.0".into(),
        TLS10 => "TLS 1.0".into(),
        TLS11 => "TLS 1.1".into(),
        TLS12 => "TLS 1.2".into(),
        TLS13 => "TLS 1.3".into(),
        other => format!("version 0x{other:04X}"),
    }
}

/// x25519, P-256, P-384, P-521, ffdhe2048, ffdhe3072.
const GROUPS: &[u16] = &[0x001D, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101];
/// ECDSA and RSA-PSS and PKCS#1 with SHA-2, Ed25519, then the SHA-1 schemes old servers still sign with.
const SIGNATURE_SCHEMES: &[u16] = &[
    0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0807, 0x0201, 0x0203,
    0x0402, 0x0202,
];

/// What one probe offers.
#[derive(Debug, Clone)]
pub struct ClientHello<'a> {
    /// The highest version offered. TLS 1.3 is offered the TLS 1.3 way: legacy version 1.2, with TLS 1.3 and 1.2 in
    /// `supported_versions` and an x25519 key share.
    pub version: u16,
    pub suites: &'a [u16],
    /// The host name for SNI (not sent for IP addresses).
    pub server_name: Option<&'a str>,
    /// Ask for a stapled OCSP response (`status_request`).
    pub status_request: bool,
}

impl ClientHello<'_> {
    /// The hello as one TLS record, ready to write.
    pub fn encode(&self) -> Vec<u8> {
        let mut rng = rand::rng();
        let mut body = Vec::with_capacity(512);
        put_u16(&mut body, self.version.min(TLS12));
        let mut random = [0u8; 32];
        rng.fill_bytes(&mut random);
        body.extend_from_slice(&random);
        if self.version == TLS13 {
            // A session id makes the hello look like a resumption attempt, which middleboxes expect of TLS 1.3.
            let mut session = [0u8; 32];
            rng.fill_bytes(&mut session);
            body.push(32);
            body.extend_from_slice(&session);
        } else {
            body.push(0);
        }
        let mut suites: Vec<u16> = self.suites.to_vec();
        if self.version == SSL3 {
            // SSL 3.0 has no extensions; the SCSV stands in for renegotiation_info (RFC 5746).
            suites.push(0x00FF);
        }
        put_u16(&mut body, (suites.len() * 2) as u16);
        for suite in suites {
            put_u16(&mut body, suite);
        }
        body.extend_from_slice(&[1, 0]);
        if self.version != SSL3 {
            let extensions = self.extensions(&mut rng);
            put_u16(&mut body, extensions.len() as u16);
            body.extend_from_slice(&extensions);
        }
        let mut handshake = vec![1];
        put_u24(&mut handshake, body.len());
        handshake.extend_from_slice(&body);
        let mut record = vec![22];
        // Servers are most tolerant of TLS 1.0 in the record layer of a hello (RFC 8446, appendix D).
        put_u16(&mut record, if self.version == SSL3 { SSL3 } else { TLS10 });
        put_u16(&mut record, handshake.len() as u16);
        record.extend_from_slice(&handshake);
        record
    }

    fn extensions(&self, rng: &mut impl RngCore) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(name) = self
            .server_name
            .filter(|n| n.parse::<std::net::IpAddr>().is_err())
        {
            let name = name.trim_end_matches('.').as_bytes();
            let mut data = Vec::new();
            put_u16(&mut data, (name.len() + 3) as u16);
            data.push(0);
            put_u16(&mut data, name.len() as u16);
            data.extend_from_slice(name);
            extension(&mut out, 0x0000, &data);
        }
        extension(&mut out, 0x000A, &u16_list(GROUPS));
        extension(&mut out, 0x000B, &[1, 0]);
        if self.version >= TLS12 {
            extension(&mut out, 0x000D, &u16_list(SIGNATURE_SCHEMES));
        }
        if self.status_request {
            // OCSP, no responder ids, no request extensions (RFC 6066, section 8).
            extension(&mut out, 0x0005, &[1, 0, 0, 0, 0]);
        }
        extension(&mut out, 0xFF01, &[0]);
        if self.version == TLS13 {
            extension(&mut out, 0x002B, &[4, 0x03, 0x04, 0x03, 0x03]);
            // One x25519 share of random bytes: enough for the server to answer, and the handshake is never finished.
            let mut share = vec![0, 36, 0x00, 0x1D, 0, 32];
            let mut key = [0u8; 32];
            rng.fill_bytes(&mut key);
            share.extend_from_slice(&key);
            extension(&mut out, 0x0033, &share);
        }
        out
    }
}

fn extension(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    put_u16(out, kind);
    put_u16(out, data.len() as u16);
    out.extend_from_slice(data);
}

/// A list of u16 values behind its two-byte length.
fn u16_list(values: &[u16]) -> Vec<u8> {
    let mut out = Vec::new();
    put_u16(&mut out, (values.len() * 2) as u16);
    for v in values {
        put_u16(&mut out, *v);
    }
    out
}

fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn put_u24(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&(v as u32).to_be_bytes()[1..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    type Extensions = Vec<(u16, Vec<u8>)>;

    fn u16_at(b: &[u8], i: usize) -> usize {
        u16::from_be_bytes([b[i], b[i + 1]]) as usize
    }

    /// Walks the record: record length, handshake length, then each length-prefixed field, returning the
    /// extensions as (type, data).
    fn walk(record: &[u8]) -> (u16, Vec<u16>, Extensions) {
        assert_eq!(record[0], 22, "a handshake record");
        assert_eq!(u16_at(record, 3), record.len() - 5, "record length");
        let hs = &record[5..];
        assert_eq!(hs[0], 1, "ClientHello");
        let hs_len = u32::from_be_bytes([0, hs[1], hs[2], hs[3]]) as usize;
        assert_eq!(hs_len, hs.len() - 4, "handshake length");
        let body = &hs[4..];
        let version = u16_at(body, 0) as u16;
        let mut i = 2 + 32;
        i += 1 + body[i] as usize;
        let suites_len = u16_at(body, i);
        let suites = (0..suites_len / 2)
            .map(|k| u16_at(body, i + 2 + 2 * k) as u16)
            .collect();
        i += 2 + suites_len;
        assert_eq!(&body[i..i + 2], &[1, 0], "null compression only");
        i += 2;
        let mut exts = Vec::new();
        if i < body.len() {
            let total = u16_at(body, i);
            i += 2;
            assert_eq!(total, body.len() - i, "extensions length");
            while i < body.len() {
                let (kind, len) = (u16_at(body, i) as u16, u16_at(body, i + 2));
                exts.push((kind, body[i + 4..i + 4 + len].to_vec()));
                i += 4 + len;
            }
            assert_eq!(i, body.len(), "extensions end where the hello ends");
        }
        (version, suites, exts)
    }

    #[test]
    fn tls13_hello_has_consistent_lengths_and_the_tls13_extensions() {
        let hello = ClientHello {
            version: TLS13,
            suites: &[0x1301, 0xC02F],
            server_name: Some("site.test"),
            status_request: false,
        };
        let record = hello.encode();
        assert_eq!(&record[1..3], &[3, 1], "record layer says TLS 1.0");
        let (version, suites, exts) = walk(&record);
        assert_eq!(version, TLS12, "legacy_version stays 1.2");
        assert_eq!(suites, vec![0x1301, 0xC02F]);
        let kinds: Vec<u16> = exts.iter().map(|e| e.0).collect();
        assert_eq!(
            kinds,
            vec![0x0000, 0x000A, 0x000B, 0x000D, 0xFF01, 0x002B, 0x0033]
        );
        let sni = &exts[0].1;
        assert_eq!(u16_at(sni, 0), sni.len() - 2);
        assert_eq!(&sni[5..], b"site.test");
        assert_eq!(
            exts[5].1,
            vec![4, 3, 4, 3, 3],
            "supported_versions: 1.3, 1.2"
        );
        let share = &exts[6].1;
        assert_eq!(u16_at(share, 0), share.len() - 2);
        assert_eq!(&share[2..6], &[0x00, 0x1D, 0, 32], "x25519, 32 bytes");
        assert_eq!(share.len(), 2 + 4 + 32);
        let groups = &exts[1].1;
        assert_eq!(u16_at(groups, 0), groups.len() - 2);
    }

    #[test]
    fn ssl3_hello_has_no_extensions_and_the_renegotiation_scsv() {
        let hello = ClientHello {
            version: SSL3,
            suites: &[0x000A, 0x0005],
            server_name: Some("site.test"),
            status_request: true,
        };
        let record = hello.encode();
        assert_eq!(&record[1..3], &[3, 0], "record layer says SSL 3.0");
        let (version, suites, exts) = walk(&record);
        assert_eq!(version, SSL3);
        assert_eq!(suites, vec![0x000A, 0x0005, 0x00FF]);
        assert!(exts.is_empty());
    }

    #[test]
    fn tls12_hello_asks_for_ocsp_and_skips_sni_for_addresses() {
        let hello = ClientHello {
            version: TLS12,
            suites: &[0xC02F],
            server_name: Some("127.0.0.1"),
            status_request: true,
        };
        let (version, _, exts) = walk(&hello.encode());
        assert_eq!(version, TLS12);
        let kinds: Vec<u16> = exts.iter().map(|e| e.0).collect();
        assert_eq!(kinds, vec![0x000A, 0x000B, 0x000D, 0x0005, 0xFF01]);
        assert_eq!(exts[3].1, vec![1, 0, 0, 0, 0]);
        let old = ClientHello {
            version: TLS10,
            ..hello
        };
        let (version, _, exts) = walk(&old.encode());
        assert_eq!(version, TLS10);
        assert!(
            exts.iter().all(|e| e.0 != 0x000D),
            "no signature_algorithms before TLS 1.2"
        );
    }
}
