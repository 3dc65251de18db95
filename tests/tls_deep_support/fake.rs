//! A server that answers a ClientHello with a ServerHello written by hand (for the versions and suites this
//! machine's OpenSSL no longer has), and the ClientHello reader it shares with the front in `front.rs`.

use super::{Front, HOST};
use rcgen::{CertificateParams, KeyPair};
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the hand-written server accepts.
#[derive(Clone)]
pub struct Fake {
    /// Lowest and highest version it negotiates (it ignores `supported_versions`, like a pre-TLS 1.3 server).
    pub versions: (u16, u16),
    /// The suites it accepts; it picks the client's first one among them.
    pub suites: Vec<u16>,
    /// Answer every hello with this version whatever the client offered (a broken server).
    pub force_version: Option<u16>,
}

/// A server that reads one ClientHello and answers with a ServerHello, Certificate and ServerHelloDone written by
/// hand, or the alert a real server would send; it never finishes a handshake.
pub struct FakeServer {
    /// Where the scan connects: a [`Front`] that sends the scan's HTTP connections elsewhere.
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
    _front: Front,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeServer {
    pub async fn start(fake: Fake) -> FakeServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let leaf = {
            let key = KeyPair::generate().unwrap();
            let params = CertificateParams::new(vec![HOST.to_string()]).unwrap();
            params.self_signed(&key).unwrap().der().to_vec()
        };
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (fake, leaf) = (fake.clone(), leaf.clone());
                tokio::spawn(async move {
                    if let Some(hello) = read_client_hello(&mut stream).await {
                        let _ = stream.write_all(&answer(&fake, &hello, &leaf)).await;
                        let _ = stream.shutdown().await;
                    }
                });
            }
        });
        let front = Front::start(addr).await;
        FakeServer {
            addr: front.addr,
            task,
            _front: front,
        }
    }
}

/// What a ClientHello offers, and its record as received.
pub struct ClientHello {
    pub version: u16,
    pub suites: Vec<u16>,
    pub extensions: Vec<u16>,
    pub record: Vec<u8>,
}

/// Reads the first record of a connection as a ClientHello.
pub async fn read_client_hello(stream: &mut tokio::net::TcpStream) -> Option<ClientHello> {
    let mut record = vec![0u8; 5];
    stream.read_exact(&mut record).await.ok()?;
    if record[0] != 22 {
        return None;
    }
    let len = u16::from_be_bytes([record[3], record[4]]) as usize;
    record.resize(5 + len, 0);
    stream.read_exact(&mut record[5..]).await.ok()?;
    let hello = record.get(9..)?;
    let field = |at: usize| Some(u16::from_be_bytes([*hello.get(at)?, *hello.get(at + 1)?]));
    let version = field(0)?;
    let mut at = 2 + 32;
    at += 1 + *hello.get(at)? as usize;
    let len = field(at)? as usize;
    let suites = hello
        .get(at + 2..at + 2 + len)?
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    at += 2 + len;
    at += 1 + *hello.get(at)? as usize;
    let mut extensions = Vec::new();
    if let Some(total) = field(at) {
        let end = at + 2 + total as usize;
        at += 2;
        while at + 4 <= end {
            extensions.push(field(at)?);
            at += 4 + field(at + 2)? as usize;
        }
    }
    Some(ClientHello {
        version,
        suites,
        extensions,
        record,
    })
}

fn record(kind: u8, version: u16, data: &[u8]) -> Vec<u8> {
    let mut out = vec![kind];
    out.extend_from_slice(&version.to_be_bytes());
    out.extend_from_slice(&(data.len() as u16).to_be_bytes());
    out.extend_from_slice(data);
    out
}

fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![kind];
    out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    out.extend_from_slice(body);
    out
}

fn answer(fake: &Fake, hello: &ClientHello, leaf: &[u8]) -> Vec<u8> {
    let version = fake
        .force_version
        .unwrap_or_else(|| hello.version.min(fake.versions.1));
    if version < fake.versions.0 {
        return record(21, 0x0301, &[2, 70]);
    }
    let Some(suite) = hello.suites.iter().find(|s| fake.suites.contains(s)) else {
        return record(21, version, &[2, 40]);
    };
    let mut server_hello = version.to_be_bytes().to_vec();
    server_hello.extend_from_slice(&[0x5A; 32]);
    server_hello.push(0);
    server_hello.extend_from_slice(&suite.to_be_bytes());
    server_hello.push(0);
    let mut certificate = Vec::new();
    certificate.extend_from_slice(&((leaf.len() + 3) as u32).to_be_bytes()[1..]);
    certificate.extend_from_slice(&(leaf.len() as u32).to_be_bytes()[1..]);
    certificate.extend_from_slice(leaf);
    let mut flight = handshake(2, &server_hello);
    flight.extend(handshake(11, &certificate));
    flight.extend(handshake(14, &[]));
    record(22, version, &flight)
}
