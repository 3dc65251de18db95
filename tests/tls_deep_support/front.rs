//! A front on one loopback port that sends the scan's HTTP connections to a rustls server and every other
//! connection (the probes, the certificate check's handshake) to the server under test.
//!
//! `openssl s_server` serves one connection at a time and never answers HEAD, OPTIONS or TRACE, so the scan's own
//! requests would hold it for their whole timeout while the probes wait behind them; and the hand-written server
//! completes no handshake at all. The scan's HTTP client is told apart by its ClientHello: it offers ALPN, which
//! neither the probes nor the certificate check do.

use super::fake::read_client_hello;
use super::*;
use palisade::lab::certs::{CertSpec, LabCa};
use palisade::lab::serve::Server;
use tokio::io::AsyncWriteExt;

/// application_layer_protocol_negotiation.
const ALPN: u16 = 0x0010;

pub struct Front {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
    _http: Server,
}

impl Drop for Front {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Front {
    /// A front for the TLS server at `tls`.
    pub async fn start(tls: SocketAddr) -> Front {
        let cert = LabCa::new("Front CA").issue(&CertSpec::valid(&[HOST], 200));
        let http = https(fixed(200, &[], "<html>ok</html>"), &cert).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let http_addr = http.addr;
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let Some(hello) = read_client_hello(&mut client).await else {
                        return;
                    };
                    let to = if hello.extensions.contains(&ALPN) {
                        http_addr
                    } else {
                        tls
                    };
                    let Ok(mut server) = tokio::net::TcpStream::connect(to).await else {
                        return;
                    };
                    if server.write_all(&hello.record).await.is_ok() {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        Front {
            addr,
            task,
            _http: http,
        }
    }
}
