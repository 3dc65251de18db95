//! A REST client for `palisade serve` (reqwest, a key per client) and the CLI's `keys create`.

use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::path::Path;

/// A response: status, headers and body (JSON when it parses).
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    /// The error code of a JSON error body (`""` when there is none).
    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts the status and that an error body has the documented shape.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Reply {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        if status >= 400 {
            assert!(
                self.json["error"].as_str().is_some_and(|e| !e.is_empty())
                    && !self.code().is_empty(),
                "an error body is {{error, code}}: {}",
                self.text
            );
        }
        self
    }
}

/// A client of one server with one key (or none).
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub key: Option<String>,
    http: reqwest::Client,
}

impl Api {
    pub fn new(base: &str, key: Option<&str>) -> Api {
        Api {
            base: base.to_string(),
            key: key.map(str::to_string),
            http: reqwest::Client::new(),
        }
    }

    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(key) = &self.key {
            req = req.bearer_auth(key);
        }
        req
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        let resp = req.send().await.expect("the server answers");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            json,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(self.request(Method::POST, path).json(&body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(self.request(Method::DELETE, path)).await
    }

    /// Reads `/v1/scans/{id}/events` until `finished`; returns `(event, data)` pairs.
    pub async fn events(&self, scan_id: &str) -> Vec<(String, Value)> {
        let resp = self
            .request(Method::GET, &format!("/v1/scans/{scan_id}/events"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        let text = tokio::time::timeout(std::time::Duration::from_secs(60), resp.text())
            .await
            .expect("the stream ends after `finished`")
            .unwrap();
        text.split("\n\n")
            .filter_map(|block| {
                let mut event = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event = Some(v.trim().to_string());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                Some((event?, serde_json::from_str(&data).unwrap()))
            })
            .collect()
    }
}

/// `palisade keys create --org ORG --name NAME --scopes SCOPES` on the database in `dir`: the secret.
pub fn cli_key(dir: &Path, org: &str, name: &str, scopes: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args([
            "keys", "create", "--org", org, "--name", name, "--scopes", scopes,
        ])
        .env("PALISADE_DB", dir.join("palisade.db"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}
