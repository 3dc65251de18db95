//! One layer of settings as read from a file or the environment, before validation.

use super::{ConfigError, err};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One layer of settings as written in a file, the environment or flags; `None` means "not set here".
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub db: Option<PathBuf>,
    #[serde(default)]
    pub scan: ScanLayer,
    #[serde(default)]
    pub scope: ScopeLayer,
    #[serde(default)]
    pub network: NetworkLayer,
    #[serde(default)]
    pub server: super::ServerLayer,
    #[serde(default)]
    pub smtp: super::SmtpLayer,
    #[serde(default)]
    pub templates: TemplatesLayer,
}

/// `[templates]` settings of a layer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplatesLayer {
    /// Folders of private templates (relative to the configuration file's folder).
    pub dirs: Option<Vec<PathBuf>>,
    /// Where `palisade templates update` downloads the community archive from.
    pub update_url: Option<String>,
}

/// `[scan]` settings of a layer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanLayer {
    pub profile: Option<String>,
    pub rate: Option<f64>,
    pub concurrency: Option<usize>,
    pub parallel_hosts: Option<usize>,
    pub timeout: Option<f64>,
    pub budget: Option<f64>,
    pub error_budget: Option<u32>,
    pub max_body: Option<usize>,
    pub user_agent: Option<String>,
}

/// `[scope]` settings of a layer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeLayer {
    pub allow_private: Option<bool>,
    pub allow: Option<Vec<String>>,
}

/// `[network]` settings of a layer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkLayer {
    pub resolve: Option<Vec<String>>,
    pub connect_to: Option<Vec<String>>,
    pub nameservers: Option<Vec<String>>,
    pub ca_certs: Option<Vec<PathBuf>>,
}

impl Layer {
    /// Reads a TOML file. Relative paths in it (`db`, `network.ca_certs`) are taken from the file's directory, so
    /// a file means the same whatever directory palisade is started in.
    pub fn from_file(path: &Path) -> Result<Layer, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            err(
                path.display().to_string(),
                format!("cannot read the configuration file: {e}"),
            )
        })?;
        let mut layer: Layer = toml::from_str(&text)
            .map_err(|e| err(path.display().to_string(), e.message().to_string()))?;
        let base = path.parent().unwrap_or(Path::new(""));
        let resolve = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        if let Some(db) = layer.db.as_mut() {
            resolve(db);
        }
        layer
            .network
            .ca_certs
            .iter_mut()
            .flatten()
            .for_each(resolve);
        layer.templates.dirs.iter_mut().flatten().for_each(resolve);
        Ok(layer)
    }

    /// Reads `PALISADE_*` variables through `get` (the process environment in production).
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<Layer, ConfigError> {
        let num = |key: &str| -> Result<Option<f64>, ConfigError> {
            get(key)
                .map(|v| {
                    v.trim()
                        .parse::<f64>()
                        .map_err(|_| err(key, format!("'{v}' is not a number")))
                })
                .transpose()
        };
        let int = |key: &str| -> Result<Option<usize>, ConfigError> {
            get(key)
                .map(|v| {
                    v.trim()
                        .parse::<usize>()
                        .map_err(|_| err(key, format!("'{v}' is not a whole number")))
                })
                .transpose()
        };
        let list = |key: &str| get(key).map(|v| split_list(&v));
        let allow_private = get("PALISADE_ALLOW_PRIVATE")
            .map(|v| {
                parse_bool(&v).ok_or_else(|| {
                    err(
                        "PALISADE_ALLOW_PRIVATE",
                        format!("'{v}' is not true or false"),
                    )
                })
            })
            .transpose()?;
        Ok(Layer {
            db: get("PALISADE_DB").map(PathBuf::from),
            scan: ScanLayer {
                profile: get("PALISADE_PROFILE"),
                rate: num("PALISADE_RATE")?,
                concurrency: int("PALISADE_CONCURRENCY")?,
                parallel_hosts: int("PALISADE_PARALLEL_HOSTS")?,
                timeout: num("PALISADE_TIMEOUT")?,
                budget: num("PALISADE_BUDGET")?,
                error_budget: int("PALISADE_ERROR_BUDGET")?.map(|v| v as u32),
                max_body: int("PALISADE_MAX_BODY")?,
                user_agent: get("PALISADE_USER_AGENT"),
            },
            scope: ScopeLayer {
                allow_private,
                allow: list("PALISADE_SCOPE_ALLOW"),
            },
            network: NetworkLayer {
                resolve: list("PALISADE_RESOLVE"),
                connect_to: list("PALISADE_CONNECT_TO"),
                nameservers: list("PALISADE_NAMESERVERS"),
                ca_certs: list("PALISADE_CA_CERT")
                    .map(|v| v.into_iter().map(PathBuf::from).collect()),
            },
            server: super::ServerLayer {
                bind: get("PALISADE_BIND"),
                allowed_hosts: list("PALISADE_ALLOWED_HOSTS"),
                allowed_origins: list("PALISADE_ALLOWED_ORIGINS"),
                api_keys: list("PALISADE_API_KEY"),
                max_keys_per_org: num("PALISADE_MAX_KEYS_PER_ORG")?.map(|n| n as u32),
                public_url: get("PALISADE_PUBLIC_URL"),
                rate_limit: int("PALISADE_RATE_LIMIT")?.map(|n| n as u64),
                max_concurrent_scans: int("PALISADE_MAX_CONCURRENT_SCANS")?.map(|n| n as u64),
                max_daily_scans: int("PALISADE_MAX_DAILY_SCANS")?.map(|n| n as u64),
                max_request_body: int("PALISADE_MAX_REQUEST_BODY")?,
                request_timeout: num("PALISADE_REQUEST_TIMEOUT")?,
            },
            smtp: super::SmtpLayer {
                url: get("PALISADE_SMTP_URL"),
                from: get("PALISADE_SMTP_FROM"),
                allowed_domains: list("PALISADE_SMTP_ALLOWED_DOMAINS"),
            },
            templates: TemplatesLayer {
                dirs: list("PALISADE_TEMPLATES_DIRS")
                    .map(|v| v.into_iter().map(PathBuf::from).collect()),
                update_url: get("PALISADE_TEMPLATES_URL"),
            },
        })
    }
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" | "" => Some(false),
        _ => None,
    }
}
