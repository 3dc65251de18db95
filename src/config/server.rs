//! `[server]` settings of `palisade serve`: where it listens, which Host and Origin headers it accepts, and the API
//! keys that authorise it (kept only as SHA-256 digests, so no setting can leak a key into a log).

use super::{ConfigError, Origin, err};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

/// The default address of `palisade serve`: loopback only.
pub const DEFAULT_BIND: &str = "127.0.0.1:8477";

/// Active API keys an org may have unless configured otherwise.
pub const DEFAULT_MAX_KEYS: u32 = 5;
/// Requests a key may make per minute unless configured otherwise (bursts of a tenth of it).
pub const DEFAULT_RATE_LIMIT: u32 = 600;
/// Scans an org may run at once unless configured otherwise.
pub const DEFAULT_MAX_CONCURRENT_SCANS: u32 = 5;
/// Scans an org may start per UTC day unless configured otherwise.
pub const DEFAULT_MAX_DAILY_SCANS: u32 = 500;
/// Largest request body the REST API reads.
pub const DEFAULT_MAX_REQUEST_BODY: usize = 64 * 1024;
/// Longest a REST request may take (event streams excepted).
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 30;

/// Validated server settings.
#[derive(Clone)]
pub struct ServerSettings {
    pub bind: SocketAddr,
    /// Host names accepted in `Host` besides loopback names (for a server behind a real name).
    pub allowed_hosts: Vec<String>,
    /// Origins (`https://app.example`) accepted besides loopback ones.
    pub allowed_origins: Vec<String>,
    /// SHA-256 digests of the accepted bearer keys.
    pub api_key_digests: Vec<[u8; 32]>,
    /// Most active API keys an org may have (stored keys, `palisade keys create`).
    pub max_keys_per_org: u32,
    /// The URL clients reach this server at (`https://palisade.example.com`), for the OpenAPI `servers` entry.
    pub public_url: Option<String>,
    /// Requests per minute per key; 0 turns the limit off.
    pub rate_limit: u32,
    /// Scans an org may have running at once.
    pub max_concurrent_scans: u32,
    /// Scans an org may start per UTC day.
    pub max_daily_scans: u32,
    /// Largest request body, in bytes.
    pub max_request_body: usize,
    /// Longest a request may take.
    pub request_timeout: std::time::Duration,
}

impl ServerSettings {
    /// Why clients beyond this machine can reach the server, if they can: it listens beyond loopback, or it is told
    /// it answers to a name that is not loopback's (`allowed_hosts`, `public_url`), which means a reverse proxy
    /// brings it requests from anywhere. Only a server with no such reason may serve its local user without a key.
    pub fn exposure(&self) -> Option<String> {
        if !self.bind.ip().is_loopback() {
            return Some(format!("{} is not a loopback address", self.bind));
        }
        let host_of = |authority: &str| {
            url::Url::parse(&format!("http://{}/", authority.trim()))
                .ok()
                .and_then(|u| {
                    u.host_str()
                        .map(|h| h.trim_end_matches('.').to_ascii_lowercase())
                })
        };
        let loopback = |host: &str| {
            host == "localhost"
                || host
                    .trim_matches(['[', ']'])
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        };
        if let Some(host) = self
            .allowed_hosts
            .iter()
            .filter_map(|h| host_of(h))
            .find(|h| !loopback(h))
        {
            return Some(format!(
                "it answers to {host} (server.allowed_hosts), a name other machines reach it by"
            ));
        }
        let public = self
            .public_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
        if let Some(host) = public.filter(|h| !loopback(h)) {
            return Some(format!(
                "its public URL names {host} (server.public_url), a name other machines reach it by"
            ));
        }
        None
    }
}

impl std::fmt::Debug for ServerSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSettings")
            .field("bind", &self.bind)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("allowed_origins", &self.allowed_origins)
            .field("api_keys", &self.api_key_digests.len())
            .field("max_keys_per_org", &self.max_keys_per_org)
            .field("public_url", &self.public_url)
            .field("rate_limit", &self.rate_limit)
            .field("max_concurrent_scans", &self.max_concurrent_scans)
            .field("max_daily_scans", &self.max_daily_scans)
            .field("max_request_body", &self.max_request_body)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

impl Default for ServerSettings {
    fn default() -> ServerSettings {
        ServerSettings {
            bind: DEFAULT_BIND.parse().expect("valid address"),
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            api_key_digests: Vec::new(),
            max_keys_per_org: DEFAULT_MAX_KEYS,
            public_url: None,
            rate_limit: DEFAULT_RATE_LIMIT,
            max_concurrent_scans: DEFAULT_MAX_CONCURRENT_SCANS,
            max_daily_scans: DEFAULT_MAX_DAILY_SCANS,
            max_request_body: DEFAULT_MAX_REQUEST_BODY,
            request_timeout: std::time::Duration::from_secs(DEFAULT_REQUEST_TIMEOUT_SECS),
        }
    }
}

/// `[server]` settings of a layer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerLayer {
    pub bind: Option<String>,
    pub allowed_hosts: Option<Vec<String>>,
    pub allowed_origins: Option<Vec<String>>,
    pub api_keys: Option<Vec<String>>,
    pub max_keys_per_org: Option<u32>,
    pub public_url: Option<String>,
    pub rate_limit: Option<u64>,
    pub max_concurrent_scans: Option<u64>,
    pub max_daily_scans: Option<u64>,
    pub max_request_body: Option<usize>,
    pub request_timeout: Option<f64>,
}

/// The digest a key is compared by.
pub fn key_digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.trim().as_bytes()).into()
}

impl ServerSettings {
    pub(super) fn apply(
        &mut self,
        layer: ServerLayer,
        origin: Origin<'_>,
    ) -> Result<(), ConfigError> {
        if let Some(bind) = layer.bind {
            let name = origin.name("server.bind", "PALISADE_BIND", "--bind");
            self.bind = bind.trim().parse().map_err(|_| {
                err(
                    name,
                    format!("'{bind}' is not an IP:PORT to listen on, e.g. 127.0.0.1:8477"),
                )
            })?;
        }
        if let Some(hosts) = layer.allowed_hosts {
            let name = origin.name(
                "server.allowed_hosts",
                "PALISADE_ALLOWED_HOSTS",
                "--allowed-host",
            );
            // Checked here as the guard reads them (a host and an optional port, nothing else), so an entry the
            // guard could never match is refused now instead of being silently ignored.
            for h in &hosts {
                let h = h.trim();
                let plain = url::Url::parse(&format!("http://{h}/")).is_ok_and(|u| {
                    u.username().is_empty()
                        && u.password().is_none()
                        && u.path() == "/"
                        && u.query().is_none()
                        && u.fragment().is_none()
                });
                if !plain || h.is_empty() || h.contains(['/', '@', '?', '#', ' ']) {
                    return Err(err(
                        &name,
                        format!("'{h}' is not a host name such as palisade.example.com"),
                    ));
                }
            }
            self.allowed_hosts = hosts
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .collect();
        }
        if let Some(origins) = layer.allowed_origins {
            let name = origin.name(
                "server.allowed_origins",
                "PALISADE_ALLOWED_ORIGINS",
                "--allowed-origin",
            );
            for o in &origins {
                // An origin is a scheme, a host and a port, as browsers send it: anything more could never match.
                let bare = o.trim().trim_end_matches('/');
                let is_origin = url::Url::parse(bare).is_ok_and(|u| {
                    matches!(u.scheme(), "http" | "https")
                        && u.host().is_some()
                        && u.username().is_empty()
                        && u.password().is_none()
                        && u.path() == "/"
                        && u.query().is_none()
                        && u.fragment().is_none()
                }) && !bare[bare.find("://").map_or(0, |i| i + 3)..].contains('/');
                if !is_origin {
                    return Err(err(
                        &name,
                        format!("'{o}' is not an origin such as https://app.example"),
                    ));
                }
            }
            self.allowed_origins = origins
                .iter()
                .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
                .collect();
        }
        if let Some(keys) = layer.api_keys {
            let name = origin.name("server.api_keys", "PALISADE_API_KEY", "--api-key");
            if let Some(short) = keys.iter().find(|k| k.trim().len() < 16) {
                let shown = crate::engine::context::redact(short);
                return Err(err(
                    name,
                    format!(
                        "the key '{shown}' is shorter than 16 characters; use a long random key"
                    ),
                ));
            }
            self.api_key_digests = keys.iter().map(|k| key_digest(k)).collect();
        }
        if let Some(max) = layer.max_keys_per_org {
            if !(1..=1000).contains(&max) {
                return Err(err(
                    origin.name(
                        "server.max_keys_per_org",
                        "PALISADE_MAX_KEYS_PER_ORG",
                        "--max-keys-per-org",
                    ),
                    format!("{max} is out of range: give 1 to 1000"),
                ));
            }
            self.max_keys_per_org = max;
        }
        if let Some(url) = layer.public_url {
            let name = origin.name("server.public_url", "PALISADE_PUBLIC_URL", "--public-url");
            let url = url.trim().trim_end_matches('/').to_string();
            let parsed = url::Url::parse(&url).ok().filter(|u| {
                matches!(u.scheme(), "http" | "https") && u.host().is_some() && u.query().is_none()
            });
            if parsed.is_none() {
                return Err(err(
                    name,
                    format!("'{url}' is not a base URL such as https://palisade.example.com"),
                ));
            }
            self.public_url = Some(url);
        }
        let ranged = |value: Option<u64>, (file, env, flag): (&str, &str, &str), max: u64| {
            value
                .map(|v| {
                    if v <= max {
                        Ok(v)
                    } else {
                        Err(err(
                            origin.name(file, env, flag),
                            format!("{v} is out of range: give 0 to {max}"),
                        ))
                    }
                })
                .transpose()
        };
        if let Some(v) = ranged(
            layer.rate_limit,
            ("server.rate_limit", "PALISADE_RATE_LIMIT", "--rate-limit"),
            1_000_000,
        )? {
            self.rate_limit = v as u32;
        }
        if let Some(v) = ranged(
            layer.max_concurrent_scans,
            (
                "server.max_concurrent_scans",
                "PALISADE_MAX_CONCURRENT_SCANS",
                "--max-concurrent-scans",
            ),
            10_000,
        )? {
            self.max_concurrent_scans = v as u32;
        }
        if let Some(v) = ranged(
            layer.max_daily_scans,
            (
                "server.max_daily_scans",
                "PALISADE_MAX_DAILY_SCANS",
                "--max-daily-scans",
            ),
            1_000_000,
        )? {
            self.max_daily_scans = v as u32;
        }
        if let Some(v) = layer.max_request_body {
            if !(1024..=64 * 1024 * 1024).contains(&v) {
                return Err(err(
                    origin.name(
                        "server.max_request_body",
                        "PALISADE_MAX_REQUEST_BODY",
                        "--max-request-body",
                    ),
                    format!("{v} bytes is out of range: give 1024 to 67108864"),
                ));
            }
            self.max_request_body = v;
        }
        if let Some(v) = layer.request_timeout {
            if !(v.is_finite() && (1.0..=3600.0).contains(&v)) {
                return Err(err(
                    origin.name(
                        "server.request_timeout",
                        "PALISADE_REQUEST_TIMEOUT",
                        "--request-timeout",
                    ),
                    format!("{v} is out of range: give 1 to 3600 seconds"),
                ));
            }
            self.request_timeout = std::time::Duration::from_secs_f64(v);
        }
        Ok(())
    }
}
