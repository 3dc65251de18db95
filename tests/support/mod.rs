//! Shared by the integration tests: real servers on loopback, a real App on a temporary SQLite file, and the
//! binary with an environment that cannot reach anything but loopback.
#![allow(dead_code)]

pub mod dns;
pub mod frozen;
pub mod hostile;
pub mod lab_process;
pub mod netns;
pub mod peers;
pub mod sse;
pub mod templates_scan;

use axum::Router;
use palisade::app::{App, DEFAULT_ORG, ScanRequest};
use palisade::config::{Config, Pin};
use palisade::lab::certs::CertKey;
use palisade::lab::serve::{self, Server};
use palisade::model::{Coverage, CoverageState, Finding, Profile, Scan};
use palisade::store::FindingFilter;
use std::net::SocketAddr;
use tempfile::TempDir;

/// A DNS server address where nothing listens: a test that resolves a name by accident fails fast instead of
/// asking the machine's resolver.
pub const DEAD_DNS: &str = "127.0.0.1:9";

/// Serves `app` over HTTP on 127.0.0.1.
pub async fn http(app: Router) -> Server {
    serve::serve("127.0.0.1:0".parse().unwrap(), app, None)
        .await
        .expect("bind")
}

/// Serves `app` over HTTPS on 127.0.0.1 with `cert`.
pub async fn https(app: Router, cert: &CertKey) -> Server {
    serve::serve(
        "127.0.0.1:0".parse().unwrap(),
        app,
        Some(cert.server_config()),
    )
    .await
    .expect("bind")
}

/// A router answering every request with `status`, `headers` and `body`.
pub fn fixed(status: u16, headers: &[(&str, &str)], body: &str) -> Router {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let body = body.to_string();
    Router::new().fallback(move || {
        let (headers, body) = (headers.clone(), body.clone());
        async move {
            let mut resp = http::Response::builder().status(status);
            for (k, v) in &headers {
                resp = resp.header(k.as_str(), v.as_str());
            }
            resp.body(axum::body::Body::from(body)).unwrap()
        }
    })
}

/// A port on 127.0.0.1 where nothing listens.
pub fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

/// Pins `host`'s ports 80 and 443 to the given addresses (like `--connect-to`).
pub fn pin_site(host: &str, http: SocketAddr, https: SocketAddr) -> Vec<Pin> {
    vec![
        Pin {
            host: host.into(),
            port: 80,
            addrs: vec![http],
            any_port: false,
        },
        Pin {
            host: host.into(),
            port: 443,
            addrs: vec![https],
            any_port: false,
        },
    ]
}

/// A configuration for tests: a database in `dir`, loopback allowed, DNS pointed at nothing.
pub fn config(dir: &TempDir) -> Config {
    let mut config = Config::defaults(dir.path().join("palisade.db"));
    config.scope.allow.push("127.0.0.0/8".parse().unwrap());
    config.network.nameservers = vec![DEAD_DNS.parse().unwrap()];
    config.scan.timeout = std::time::Duration::from_secs(5);
    config
}

/// A real App on a temporary database, resolving names with a DNS server of its own that is authoritative for
/// `test.` and knows no names there, so a lookup that is not pinned fails at once (NXDOMAIN) instead of reaching the
/// machine's resolver.
pub struct TestApp {
    pub app: App,
    pub dir: TempDir,
    _dns: dns::DnsServer,
}

impl TestApp {
    /// Builds an App after letting `adjust` change the test configuration.
    pub async fn new(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let dns = dns::serve("test.", &[]).await;
        let mut config = config(&dir);
        config.network.nameservers = vec![dns.addr];
        adjust(&mut config);
        TestApp {
            app: App::build(config).await.expect("app builds"),
            dir,
            _dns: dns,
        }
    }

    /// Scans to the end and returns the scan, its findings (fixed ones included) and coverage.
    pub async fn scan(&self, targets: &[&str], profile: Profile) -> Outcome {
        let request = ScanRequest {
            targets: targets.iter().map(|t| t.to_string()).collect(),
            profile: Some(profile),
            ..Default::default()
        };
        let mut handle = self
            .app
            .start_scan(DEFAULT_ORG, request)
            .await
            .expect("scan starts");
        handle.finished().await;
        self.outcome(&handle.scan.id).await
    }

    /// Reads a stored scan.
    pub async fn outcome(&self, id: &str) -> Outcome {
        let scan = self.app.get_scan(DEFAULT_ORG, id).await.unwrap();
        let (mut findings, _) = self
            .app
            .findings(DEFAULT_ORG, id, &FindingFilter::default(), 10_000, 0)
            .await
            .unwrap();
        let fixed = FindingFilter {
            status: Some(palisade::model::FindingStatus::Fixed),
            ..Default::default()
        };
        findings.extend(
            self.app
                .findings(DEFAULT_ORG, id, &fixed, 10_000, 0)
                .await
                .unwrap()
                .0,
        );
        let coverage = self.app.coverage(DEFAULT_ORG, id).await.unwrap();
        Outcome {
            scan,
            findings,
            coverage,
        }
    }
}

/// What a finished scan shows.
#[derive(Debug)]
pub struct Outcome {
    pub scan: Scan,
    pub findings: Vec<Finding>,
    pub coverage: Vec<Coverage>,
}

impl Outcome {
    /// The check ids found (not fixed), sorted.
    pub fn ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .findings
            .iter()
            .filter(|f| f.status != palisade::model::FindingStatus::Fixed)
            .map(|f| f.check_id.as_str())
            .collect();
        ids.sort();
        ids
    }

    /// The ids found within one module (`tls.`, `headers.`...).
    pub fn ids_in(&self, prefix: &str) -> Vec<&str> {
        self.ids()
            .into_iter()
            .filter(|id| id.starts_with(prefix))
            .collect()
    }

    /// The finding with this check id; panics with the whole list if absent.
    pub fn finding(&self, check_id: &str) -> &Finding {
        self.findings
            .iter()
            .find(|f| f.check_id == check_id)
            .unwrap_or_else(|| panic!("no {check_id} among {:?}", self.ids()))
    }

    /// The coverage state of a check (on the first target reporting it).
    pub fn state(&self, check_id: &str) -> CoverageState {
        self.coverage
            .iter()
            .find(|c| c.check_id == check_id)
            .unwrap_or_else(|| panic!("{check_id} has no coverage: {:?}", self.coverage))
            .state
    }

    /// The detail (error or skip reason) of a check.
    pub fn detail(&self, check_id: &str) -> String {
        self.coverage
            .iter()
            .find(|c| c.check_id == check_id)
            .and_then(|c| c.detail.clone())
            .unwrap_or_default()
    }
}

/// The binary, with a fresh database in `dir`, no configuration file, DNS pointed at nothing, and `dir` as the
/// working directory.
pub fn palisade(dir: &TempDir) -> assert_cmd::Command {
    assert_cmd::Command::from_std(palisade_std(dir))
}

/// Like [`palisade`], as a `std::process::Command` (to spawn several at once).
pub fn palisade_std(dir: &TempDir) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_palisade"));
    cmd.current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("PALISADE_DB", dir.path().join("palisade.db"))
        .env("PALISADE_NAMESERVERS", DEAD_DNS)
        .env("NO_COLOR", "1");
    cmd
}
