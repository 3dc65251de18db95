//! Listeners on every blocked address that count the connections they accept, and counting sites on the allowed
//! address for the positive controls (a guard that blocked everything would also leave the traps untouched).

use axum::Router;
use palisade::lab::serve::{self, Server};
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The blocked addresses, each on the namespace's loopback.
pub const BLOCKED: [&str; 6] = [
    "10.0.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "127.0.0.1",
    "fd00::1",
    "::1",
];

/// The ports trapped on each blocked address: the schemes' defaults, common alternatives, DNS (zone transfers).
pub const PORTS: [u16; 5] = [80, 443, 8080, 8443, 53];

/// An allowed address (TEST-NET-2, opened by `scope.allow` in these tests) on the namespace's loopback.
pub const ALLOWED: &str = "198.51.100.7";
/// An allowed IPv6 address (documentation range, opened the same way).
pub const ALLOWED_V6: &str = "2001:db8::7";

/// The scope setting every test uses: the allowed addresses only.
pub fn allow() -> Vec<ipnet::IpNet> {
    vec![
        format!("{ALLOWED}/32").parse().unwrap(),
        format!("{ALLOWED_V6}/128").parse().unwrap(),
    ]
}

/// The same as a `PALISADE_SCOPE_ALLOW` value.
pub fn allow_env() -> String {
    format!("{ALLOWED}/32,{ALLOWED_V6}/128")
}

/// The traps: every `BLOCKED` address on every one of `PORTS`.
pub struct Traps {
    hits: Arc<Mutex<Vec<SocketAddr>>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Traps {
    fn drop(&mut self) {
        self.tasks.iter().for_each(|t| t.abort());
    }
}

/// Starts the traps. Each accepted connection is counted and answered with a page, as a real internal service
/// would, so a bypass that got this far would also go on (redirects, crawled links) rather than stop at an error.
pub async fn traps() -> Traps {
    let hits: Arc<Mutex<Vec<SocketAddr>>> = Arc::default();
    let mut tasks = Vec::new();
    for ip in BLOCKED {
        let ip: IpAddr = ip.parse().unwrap();
        for port in PORTS {
            let listener = TcpListener::bind(SocketAddr::new(ip, port))
                .await
                .unwrap_or_else(|e| panic!("trap on {ip} port {port}: {e}"));
            let hits = hits.clone();
            tasks.push(tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    hits.lock().unwrap().push(SocketAddr::new(ip, port));
                    tokio::spawn(answer(stream));
                }
            }));
        }
    }
    Traps { hits, tasks }
}

/// Reads the request head (so closing does not reset the connection under the client) and answers with a page.
async fn answer(mut stream: tokio::net::TcpStream) {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    let read = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), read).await;
    let _ = stream
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 27\r\n\
              connection: close\r\n\r\n<html>internal admin</html>",
        )
        .await;
    let _ = stream.shutdown().await;
}

impl Traps {
    /// Every connection accepted so far, by address.
    pub fn hits(&self) -> Vec<SocketAddr> {
        self.hits.lock().unwrap().clone()
    }

    /// Fails unless no trap accepted a connection; `what` says what was tried.
    #[track_caller]
    pub fn assert_untouched(&self, what: &str) {
        let hits = self.hits();
        assert!(
            hits.is_empty(),
            "{what}: {} connection(s) reached blocked addresses: {hits:?}",
            hits.len()
        );
    }
}

/// A site on an allowed address that counts requests by path.
pub struct Site {
    _server: Server,
    hits: Arc<Mutex<BTreeMap<String, usize>>>,
}

impl Site {
    /// Serves `app` on `ip:port` (port 0 for any), counting requests by path.
    pub async fn start(ip: &str, port: u16, app: Router) -> Site {
        let hits: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
        let counter = hits.clone();
        let app = app.layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                let counter = counter.clone();
                async move {
                    *counter
                        .lock()
                        .unwrap()
                        .entry(req.uri().path().to_string())
                        .or_default() += 1;
                    next.run(req).await
                }
            },
        ));
        let addr = SocketAddr::new(ip.parse().unwrap(), port);
        let server = serve::serve(addr, app, None)
            .await
            .unwrap_or_else(|e| panic!("site on {addr}: {e}"));
        Site {
            _server: server,
            hits,
        }
    }

    /// Requests received, in all.
    pub fn total(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }

    /// Requests received for `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    /// The paths requested, for failure messages.
    pub fn paths(&self) -> Vec<String> {
        self.hits.lock().unwrap().keys().cloned().collect()
    }
}
