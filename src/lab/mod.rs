//! The built-in lab: a deliberately misconfigured site and a hardened one, over HTTP and HTTPS on loopback, with
//! certificates made at start. `palisade demo` scans it; tests and the benchmark scan it too.

pub mod certs;
mod hardened;
pub mod serve;
mod vulnerable;

pub use vulnerable::static_files as vulnerable_files;

use crate::config::{Config, Pin};
use axum::Router;
use certs::{CertSpec, LabCa};
use rustls::pki_types::CertificateDer;
use serve::Server;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The domain every lab host lives under (`.test` is reserved and never resolves on the internet).
pub const LAB_DOMAIN: &str = "lab.palisade.test";

/// Which kind of site a lab host is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Vulnerable,
    Hardened,
}

/// One lab host name and where it is served.
#[derive(Debug, Clone)]
pub struct LabHost {
    pub name: String,
    pub kind: Kind,
    pub http: SocketAddr,
    pub https: SocketAddr,
}

impl LabHost {
    /// The URL to scan.
    pub fn url(&self) -> String {
        format!("https://{}/", self.name)
    }
}

/// Requests the lab received, by path, so tests can see what the scanner asked for.
#[derive(Default)]
pub struct Hits(Mutex<HashMap<String, u64>>);

impl Hits {
    fn record(&self, path: &str) {
        *self
            .0
            .lock()
            .expect("hits lock")
            .entry(path.to_string())
            .or_default() += 1;
    }

    /// How many requests asked for `path`.
    pub fn count(&self, path: &str) -> u64 {
        self.0
            .lock()
            .expect("hits lock")
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// All requests received.
    pub fn total(&self) -> u64 {
        self.0.lock().expect("hits lock").values().sum()
    }
}

/// A problem of the vulnerable site that can be fixed while the lab runs, to see a fix verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fix {
    /// `/.env` stops being served.
    Env,
    /// HTTPS responses carry Strict-Transport-Security.
    Hsts,
}

/// The fixes applied to the vulnerable site.
#[derive(Default)]
pub struct Fixes(Mutex<std::collections::HashSet<Fix>>);

impl Fixes {
    /// Whether `fix` was applied.
    pub fn has(&self, fix: Fix) -> bool {
        self.0.lock().expect("fixes lock").contains(&fix)
    }
}

/// A running lab.
pub struct Lab {
    pub hosts: Vec<LabHost>,
    pub hits: Arc<Hits>,
    fixes: Arc<Fixes>,
    ca: LabCa,
    _servers: Vec<Server>,
}

/// Shared by every request handler of one site.
pub(crate) struct SiteState {
    pub hits: Arc<Hits>,
    pub fixes: Arc<Fixes>,
}

impl Lab {
    /// Starts the two sites on 127.0.0.1, plus `extra_hosts` more names (alternately vulnerable and hardened)
    /// served by the same servers, for scans of many hosts.
    pub async fn start(extra_hosts: usize) -> std::io::Result<Lab> {
        let ca = LabCa::new("Palisade Lab CA");
        let hits = Arc::new(Hits::default());
        let fixes = Arc::new(Fixes::default());
        let bind = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);
        let vulnerable_cert =
            certs::self_signed(&CertSpec::window(&[&host("vulnerable")], -400, -35));
        let hardened_cert = ca.issue(&CertSpec::valid(
            &[&format!("*.{LAB_DOMAIN}"), LAB_DOMAIN],
            365,
        ));
        let site = |app: fn(Arc<SiteState>) -> Router| {
            app(Arc::new(SiteState {
                hits: hits.clone(),
                fixes: fixes.clone(),
            }))
        };
        let servers = vec![
            serve::serve(bind, site(vulnerable::router), None).await?,
            serve::serve(
                bind,
                site(vulnerable::router),
                Some(vulnerable_cert.server_config()),
            )
            .await?,
            serve::serve(bind, site(hardened::redirect_router), None).await?,
            serve::serve(
                bind,
                site(hardened::router),
                Some(hardened_cert.server_config()),
            )
            .await?,
        ];
        let (v_http, v_https, h_http, h_https) = (
            servers[0].addr,
            servers[1].addr,
            servers[2].addr,
            servers[3].addr,
        );
        let mut hosts = vec![
            LabHost {
                name: host("vulnerable"),
                kind: Kind::Vulnerable,
                http: v_http,
                https: v_https,
            },
            LabHost {
                name: host("hardened"),
                kind: Kind::Hardened,
                http: h_http,
                https: h_https,
            },
        ];
        for i in 1..=extra_hosts {
            let (kind, http, https) = if i % 2 == 1 {
                (Kind::Vulnerable, v_http, v_https)
            } else {
                (Kind::Hardened, h_http, h_https)
            };
            hosts.push(LabHost {
                name: host(&format!("site-{i:03}")),
                kind,
                http,
                https,
            });
        }
        Ok(Lab {
            hosts,
            hits,
            fixes,
            ca,
            _servers: servers,
        })
    }

    /// Fixes a problem of the vulnerable site, as its owner would.
    pub fn fix(&self, fix: Fix) {
        self.fixes.0.lock().expect("fixes lock").insert(fix);
    }

    /// The host of a kind (the first one).
    pub fn host(&self, kind: Kind) -> &LabHost {
        self.hosts
            .iter()
            .find(|h| h.kind == kind)
            .expect("the lab has both kinds")
    }

    /// Pins that send each lab name's ports 80 and 443 to the lab's servers.
    pub fn pins(&self) -> Vec<Pin> {
        self.hosts
            .iter()
            .flat_map(|h| {
                [
                    Pin {
                        host: h.name.clone(),
                        port: 80,
                        addrs: vec![h.http],
                        any_port: false,
                    },
                    Pin {
                        host: h.name.clone(),
                        port: 443,
                        addrs: vec![h.https],
                        any_port: false,
                    },
                ]
            })
            .collect()
    }

    /// The lab CA certificate (trusted by scans of the lab, like `--ca-cert`).
    pub fn ca_der(&self) -> CertificateDer<'static> {
        self.ca.cert_der()
    }

    /// Changes `config` so it reaches the lab: pins, the lab CA, and 127.0.0.1 allowed by the scope guard.
    pub fn apply(&self, config: &mut Config) {
        config.network.pins.extend(self.pins());
        config.network.ca_certs.push(self.ca_der());
        config
            .scope
            .allow
            .push("127.0.0.1/32".parse().expect("valid CIDR"));
    }

    /// Writes `palisade.toml` and `lab-ca.pem` into `dir` so another palisade process can scan the lab.
    pub fn write_config(&self, dir: &Path) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let ca = dir.join("lab-ca.pem");
        std::fs::write(&ca, self.ca.cert_pem())?;
        let connect_to: Vec<String> = self
            .pins()
            .iter()
            .map(|p| {
                format!(
                    "\"{}:{}:{}:{}\"",
                    p.host,
                    p.port,
                    p.addrs[0].ip(),
                    p.addrs[0].port()
                )
            })
            .collect();
        let toml = format!(
            "# Written by `palisade lab`: reach the lab's names on loopback and trust its CA.\n\
             [scope]\nallow = [\"127.0.0.1/32\"]\n\n[network]\nca_certs = [{:?}]\nconnect_to = [\n  {}\n]\n",
            ca.display().to_string(),
            connect_to.join(",\n  ")
        );
        let path = dir.join("palisade.toml");
        std::fs::write(&path, toml)?;
        Ok(path)
    }
}

fn host(label: &str) -> String {
    format!("{label}.{LAB_DOMAIN}")
}

/// The host a request was made for (`Host`, or the HTTP/2 authority), without port, as long as it is a lab name;
/// anything else gets the default.
pub(crate) fn request_host(headers: &http::HeaderMap, uri: &http::Uri, default: &str) -> String {
    let raw = headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
        .unwrap_or(default);
    let name = raw
        .rsplit_once(':')
        .map(|(h, _)| h)
        .unwrap_or(raw)
        .to_ascii_lowercase();
    let ok = name.ends_with(LAB_DOMAIN)
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if ok { name } else { default.to_string() }
}
