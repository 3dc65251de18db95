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
}

impl std::fmt::Debug for ServerSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSettings")
            .field("bind", &self.bind)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("allowed_origins", &self.allowed_origins)
            .field("api_keys", &self.api_key_digests.len())
            .field("max_keys_per_org", &self.max_keys_per_org)
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
                if !(o.starts_with("http://") || o.starts_with("https://")) {
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
        Ok(())
    }
}
