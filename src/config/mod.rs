//! Layered configuration (defaults < `palisade.toml` < `PALISADE_*` environment < flags), validated once into `Config`.

mod layer;
mod server;
mod smtp;
mod values;

pub use layer::{Layer, NetworkLayer, ScanLayer, ScopeLayer, TemplatesLayer};
pub use server::{DEFAULT_BIND, ServerLayer, ServerSettings, key_digest};
pub use smtp::{SmtpLayer, SmtpSettings, SmtpTls, parse_smtp_url};
pub use values::{load_ca_file, parse_connect_to, parse_resolve};

use crate::model::Profile;
use ipnet::IpNet;
use rustls_pki_types::CertificateDer;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use values::{parse_cidr, parse_nameserver, seconds};

/// The validated configuration every part of the program runs on.
#[derive(Debug, Clone)]
pub struct Config {
    /// SQLite database file.
    pub db: PathBuf,
    /// Which file the settings came from, if any (for messages).
    pub config_file: Option<PathBuf>,
    pub scan: ScanSettings,
    pub scope: ScopeSettings,
    pub network: NetworkSettings,
    pub server: ServerSettings,
    /// The mail server email alerts go through, if any.
    pub smtp: Option<SmtpSettings>,
    pub templates: TemplateSettings,
}

/// Where detection templates come from besides the shipped ones.
#[derive(Debug, Clone)]
pub struct TemplateSettings {
    /// Folders of private templates, run in the standard and deep profiles.
    pub dirs: Vec<std::path::PathBuf>,
    /// The community archive `palisade templates update` downloads (a zip).
    pub update_url: String,
}

/// The community template archive downloaded by default: the Nuclei community repository's main branch as a zip.
pub const COMMUNITY_TEMPLATES_URL: &str =
    "https://github.com/projectdiscovery/nuclei-templates/archive/refs/heads/main.zip";

/// Limits and defaults of the engine.
#[derive(Debug, Clone)]
pub struct ScanSettings {
    pub profile: Profile,
    /// Requests per second per host.
    pub rate: f64,
    /// Requests in flight per host.
    pub concurrency: usize,
    /// Hosts scanned at the same time within one scan.
    pub parallel_hosts: usize,
    /// Timeout of every request (connect, headers and body).
    pub timeout: Duration,
    /// Whole-scan time budget.
    pub budget: Duration,
    /// Failed requests after which a host's remaining checks are skipped.
    pub error_budget: u32,
    /// Largest response body read, in bytes; the rest is cut off.
    pub max_body: usize,
    pub user_agent: String,
}

/// What the scope guard opens beyond public addresses.
#[derive(Debug, Clone, Default)]
pub struct ScopeSettings {
    pub allow_private: bool,
    pub allow: Vec<IpNet>,
}

/// A `(host, port)` that connects somewhere other than DNS says (curl's `--resolve` and `--connect-to`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub host: String,
    pub port: u16,
    pub addrs: Vec<SocketAddr>,
    /// `--resolve` pins the host's address on every port (so no request for the host ever goes to DNS);
    /// `--connect-to` maps one port only.
    pub any_port: bool,
}

/// Name resolution, pins and extra trust anchors.
#[derive(Debug, Clone, Default)]
pub struct NetworkSettings {
    pub pins: Vec<Pin>,
    /// DNS servers to ask instead of the system's.
    pub nameservers: Vec<SocketAddr>,
    /// Extra trusted CA certificates (DER), from `--ca-cert` files.
    pub ca_certs: Vec<CertificateDer<'static>>,
}

/// A setting that could not be used; the message names where it came from and what is accepted.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct ConfigError {
    pub source_name: String,
    pub message: String,
}

fn err(source_name: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError {
        source_name: source_name.into(),
        message: message.into(),
    }
}

/// The names settings are known by in each layer, for error messages: a file's path as the user gave it, an
/// environment variable, or a flag.
#[derive(Clone, Copy)]
enum Origin<'a> {
    File(&'a Path),
    Env,
    Flag,
}

impl Origin<'_> {
    fn name(self, file_key: &str, env: &str, flag: &str) -> String {
        match self {
            Origin::File(path) => format!("{} {file_key}", path.display()),
            Origin::Env => env.to_string(),
            Origin::Flag => flag.to_string(),
        }
    }
}

/// Where the database lives when nothing says otherwise: `$XDG_DATA_HOME/palisade/palisade.db`.
pub fn default_db_path(get: &impl Fn(&str) -> Option<String>) -> PathBuf {
    if let Some(dir) = get("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("palisade/palisade.db");
    }
    match get("HOME").filter(|d| !d.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/share/palisade/palisade.db"),
        None => PathBuf::from("palisade.db"),
    }
}

impl Config {
    /// Builds the configuration from the usual sources: `config_path` (or `./palisade.toml` if it exists), the
    /// process environment, and `flags`.
    pub fn load(config_path: Option<&Path>, flags: Layer) -> Result<Config, ConfigError> {
        Config::load_with(config_path, flags, |k| std::env::var(k).ok())
    }

    /// Like [`Config::load`] with an explicit environment, for callers that must not read the process's.
    pub fn load_with(
        config_path: Option<&Path>,
        flags: Layer,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let file_path = match config_path {
            Some(p) => Some(p.to_path_buf()),
            None => get("PALISADE_CONFIG").map(PathBuf::from).or_else(|| {
                let local = PathBuf::from("palisade.toml");
                local.exists().then_some(local)
            }),
        };
        let file = file_path.as_deref().map(Layer::from_file).transpose()?;
        let env = Layer::from_env(&get)?;
        let mut config = Config::defaults(default_db_path(&get));
        let mut layers = vec![(env, Origin::Env), (flags, Origin::Flag)];
        if let (Some(file), Some(path)) = (file, file_path.as_deref()) {
            layers.insert(0, (file, Origin::File(path)));
        }
        let mut smtp = smtp::Pending::default();
        for (mut layer, origin) in layers {
            smtp::apply(&mut smtp, std::mem::take(&mut layer.smtp), origin)?;
            config.apply(layer, origin)?;
        }
        config.smtp = smtp::finish(smtp)?;
        config.config_file = file_path;
        Ok(config)
    }

    /// The built-in defaults.
    pub fn defaults(db: PathBuf) -> Config {
        Config {
            db,
            config_file: None,
            scan: ScanSettings {
                profile: Profile::Standard,
                rate: 150.0,
                concurrency: 10,
                parallel_hosts: 16,
                timeout: Duration::from_secs(10),
                budget: Duration::from_secs(300),
                error_budget: 20,
                max_body: 2 * 1024 * 1024,
                user_agent: format!(
                    "palisade/{} (+https://github.com/palisade-scanner/palisade; security scanner)",
                    env!("CARGO_PKG_VERSION")
                ),
            },
            scope: ScopeSettings::default(),
            network: NetworkSettings::default(),
            server: ServerSettings::default(),
            smtp: None,
            templates: TemplateSettings {
                dirs: Vec::new(),
                update_url: COMMUNITY_TEMPLATES_URL.to_string(),
            },
        }
    }

    fn apply(&mut self, layer: Layer, origin: Origin<'_>) -> Result<(), ConfigError> {
        if let Some(db) = layer.db {
            self.db = db;
        }
        self.apply_scan(layer.scan, origin)?;
        if let Some(v) = layer.scope.allow_private {
            self.scope.allow_private = v;
        }
        if let Some(cidrs) = layer.scope.allow {
            let name = origin.name("scope.allow", "PALISADE_SCOPE_ALLOW", "--allow");
            for cidr in cidrs {
                self.scope
                    .allow
                    .push(parse_cidr(&cidr).map_err(|m| err(&name, m))?);
            }
        }
        self.server.apply(layer.server, origin)?;
        if let Some(dirs) = layer.templates.dirs {
            self.templates.dirs.extend(dirs);
        }
        if let Some(url) = layer.templates.update_url {
            let name = origin.name("templates.update_url", "PALISADE_TEMPLATES_URL", "--url");
            let parsed = url::Url::parse(url.trim())
                .map_err(|e| err(&name, format!("'{url}' is not a URL: {e}")))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(err(&name, format!("'{url}' is not an http or https URL")));
            }
            self.templates.update_url = url.trim().to_string();
        }
        self.apply_network(layer.network, origin)
    }

    fn apply_scan(&mut self, scan: ScanLayer, origin: Origin<'_>) -> Result<(), ConfigError> {
        let s = &mut self.scan;
        if let Some(p) = scan.profile {
            s.profile = p.parse().map_err(|m: String| {
                err(
                    origin.name("scan.profile", "PALISADE_PROFILE", "--profile"),
                    m,
                )
            })?;
        }
        if let Some(rate) = scan.rate {
            if !(0.1..=10_000.0).contains(&rate) {
                let name = origin.name("scan.rate", "PALISADE_RATE", "--rate");
                return Err(err(
                    name,
                    format!("{rate} is out of range: give 0.1 to 10000 requests per second"),
                ));
            }
            s.rate = rate;
        }
        let range = |v: usize, lo: usize, hi: usize, names: (&str, &str, &str)| {
            if (lo..=hi).contains(&v) {
                Ok(v)
            } else {
                Err(err(
                    origin.name(names.0, names.1, names.2),
                    format!("{v} is out of range: give {lo} to {hi}"),
                ))
            }
        };
        if let Some(v) = scan.concurrency {
            s.concurrency = range(
                v,
                1,
                256,
                ("scan.concurrency", "PALISADE_CONCURRENCY", "--concurrency"),
            )?;
        }
        if let Some(v) = scan.parallel_hosts {
            s.parallel_hosts = range(
                v,
                1,
                1024,
                (
                    "scan.parallel_hosts",
                    "PALISADE_PARALLEL_HOSTS",
                    "--parallel-hosts",
                ),
            )?;
        }
        if let Some(v) = scan.max_body {
            s.max_body = range(
                v,
                1024,
                64 << 20,
                ("scan.max_body", "PALISADE_MAX_BODY", "--max-body"),
            )?;
        }
        if let Some(v) = scan.error_budget {
            s.error_budget = range(
                v as usize,
                1,
                10_000,
                (
                    "scan.error_budget",
                    "PALISADE_ERROR_BUDGET",
                    "--error-budget",
                ),
            )? as u32;
        }
        if let Some(t) = scan.timeout {
            s.timeout = seconds(t, 0.1, 300.0).map_err(|m| {
                err(
                    origin.name("scan.timeout", "PALISADE_TIMEOUT", "--timeout"),
                    m,
                )
            })?;
        }
        if let Some(t) = scan.budget {
            s.budget = seconds(t, 1.0, 86_400.0)
                .map_err(|m| err(origin.name("scan.budget", "PALISADE_BUDGET", "--budget"), m))?;
        }
        if let Some(ua) = scan.user_agent {
            s.user_agent = ua;
        }
        Ok(())
    }

    fn apply_network(&mut self, net: NetworkLayer, origin: Origin<'_>) -> Result<(), ConfigError> {
        if let Some(list) = net.resolve {
            let name = origin.name("network.resolve", "PALISADE_RESOLVE", "--resolve");
            for item in list {
                self.network
                    .pins
                    .push(parse_resolve(&item).map_err(|m| err(&name, m))?);
            }
        }
        if let Some(list) = net.connect_to {
            let name = origin.name("network.connect_to", "PALISADE_CONNECT_TO", "--connect-to");
            for item in list {
                self.network
                    .pins
                    .push(parse_connect_to(&item).map_err(|m| err(&name, m))?);
            }
        }
        if let Some(list) = net.nameservers {
            let name = origin.name(
                "network.nameservers",
                "PALISADE_NAMESERVERS",
                "--nameserver",
            );
            self.network.nameservers = list
                .iter()
                .map(|s| parse_nameserver(s).map_err(|m| err(&name, m)))
                .collect::<Result<_, _>>()?;
        }
        if let Some(files) = net.ca_certs {
            let name = origin.name("network.ca_certs", "PALISADE_CA_CERT", "--ca-cert");
            for file in files {
                self.network
                    .ca_certs
                    .extend(load_ca_file(&file).map_err(|m| err(&name, m))?);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
