//! Template fixtures (`tests/fixtures/templates/<id>/{match,clean}.http`) read and served on loopback: each
//! exchange answers its method and path, every other path a plain 404; the server counts what it was asked.

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use palisade::lab::serve::Server;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One canned answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: String,
    /// The path and query, or `*` for any path not listed.
    pub path: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Reads a fixture file (see docs/templates.md); panics naming the file when it is malformed.
pub fn parse(bytes: &[u8], name: &str) -> Vec<Exchange> {
    let mut exchanges = Vec::new();
    let mut blocks: Vec<&[u8]> = Vec::new();
    let mut start = None;
    let mut i = 0;
    while i < bytes.len() {
        let at_line = i == 0 || bytes[i - 1] == b'\n';
        if at_line && bytes[i..].starts_with(b"=== ") {
            if let Some(s) = start {
                blocks.push(&bytes[s..i]);
            }
            start = Some(i);
        }
        i += 1;
    }
    if let Some(s) = start {
        blocks.push(&bytes[s..]);
    }
    assert!(!blocks.is_empty(), "{name}: no `=== METHOD /path` line");
    for block in blocks {
        let (head, body) = split_head(block);
        let head = String::from_utf8_lossy(head);
        let mut lines = head.lines();
        let first = lines.next().unwrap_or_default();
        let mut words = first.trim_start_matches("=== ").split_whitespace();
        let method = words.next().unwrap_or("GET").to_ascii_uppercase();
        let path = words
            .next()
            .unwrap_or_else(|| panic!("{name}: '{first}' names no path"))
            .to_string();
        let status_line = lines
            .next()
            .unwrap_or_else(|| panic!("{name}: {first} has no status line"));
        let status = status_line
            .split_whitespace()
            .find_map(|w| w.parse::<u16>().ok())
            .unwrap_or_else(|| panic!("{name}: '{status_line}' is not a status line"));
        let headers = lines
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (k, v) = l
                    .split_once(':')
                    .unwrap_or_else(|| panic!("{name}: header line '{l}'"));
                (k.trim().to_string(), v.trim().to_string())
            })
            .collect();
        let mut body = body.to_vec();
        if body.ends_with(b"\n") {
            body.pop();
            if body.ends_with(b"\r") {
                body.pop();
            }
        }
        exchanges.push(Exchange {
            method,
            path,
            status,
            headers,
            body,
        });
    }
    exchanges
}

/// The head (request line, status line, headers) and the body of a block.
fn split_head(block: &[u8]) -> (&[u8], &[u8]) {
    for sep in [&b"\r\n\r\n"[..], &b"\n\n"[..]] {
        if let Some(at) = block.windows(sep.len()).position(|w| w == sep) {
            return (&block[..at], &block[at + sep.len()..]);
        }
    }
    (block, &[])
}

/// A fixture served on loopback, counting the requests it got by `METHOD path`.
pub struct FixtureServer {
    pub server: Server,
    pub hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl FixtureServer {
    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// Requests received for `METHOD path` (`GET /x`).
    pub fn count(&self, key: &str) -> usize {
        self.hits.lock().unwrap().get(key).copied().unwrap_or(0)
    }
}

/// Serves `exchanges`.
pub async fn serve(exchanges: Vec<Exchange>) -> FixtureServer {
    let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let (exchanges, counter) = (Arc::new(exchanges), hits.clone());
    let app = Router::new().fallback(move |req: Request| {
        let (exchanges, counter) = (exchanges.clone(), counter.clone());
        async move {
            let path = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
            let method = req.method().as_str().to_string();
            *counter.lock().unwrap().entry(format!("{method} {path}")).or_default() += 1;
            let same_method = |e: &&Exchange| e.method == method || (method == "HEAD" && e.method == "GET");
            let found = exchanges
                .iter()
                .filter(same_method)
                .find(|e| e.path == path)
                .or_else(|| exchanges.iter().filter(same_method).find(|e| e.path == "*"));
            match found {
                Some(e) => {
                    let mut resp = http::Response::builder().status(e.status);
                    for (k, v) in &e.headers {
                        // The server frames the body itself.
                        if !k.eq_ignore_ascii_case("content-length") && !k.eq_ignore_ascii_case("transfer-encoding") {
                            resp = resp.header(k.as_str(), v.as_str());
                        }
                    }
                    resp.body(Body::from(e.body.clone())).unwrap()
                }
                None => http::Response::builder()
                    .status(404)
                    .header("content-type", "text/html")
                    .body(Body::from("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"))
                    .unwrap(),
            }
        }
    });
    FixtureServer {
        server: crate::support::http(app).await,
        hits,
    }
}
