//! The guarded connector: pins, name resolution, the scope check on every address, and the TCP connect itself.

use super::NetError;
use crate::config::Pin;
use crate::scope::ScopeGuard;
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hyper::Uri;
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin as StdPin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// How long a failed lookup is remembered.
const FAILED_LOOKUP_TTL: Duration = Duration::from_secs(30);
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpStream;

/// Resolves, scope-checks and connects. Cheap to clone; every clone shares one resolver.
#[derive(Clone)]
pub struct GuardedConnector {
    inner: Arc<Inner>,
}

struct Inner {
    resolver: Result<TokioResolver, String>,
    /// True when the user named the DNS servers (`network.nameservers`) instead of the system's.
    nameservers_chosen: bool,
    scope: ScopeGuard,
    /// Exact `(host, port)` pins.
    pins: HashMap<(String, u16), Vec<SocketAddr>>,
    /// Hosts pinned on every port (`--resolve`), to their addresses.
    host_pins: HashMap<String, Vec<IpAddr>>,
    /// Lookup failures remembered for a while, so an unreachable name costs one lookup, not one per check.
    failed: Mutex<HashMap<String, (Instant, NetError)>>,
    connect_timeout: Duration,
    connects: AtomicU64,
}

impl GuardedConnector {
    /// Builds the connector; a resolver that cannot be built is reported on first use, not here, so commands that
    /// never scan still work on machines without DNS configuration.
    pub fn new(
        scope: ScopeGuard,
        pins: &[Pin],
        nameservers: &[SocketAddr],
        connect_timeout: Duration,
    ) -> Self {
        let host_pins = pins
            .iter()
            .filter(|p| p.any_port)
            .map(|p| (p.host.clone(), p.addrs.iter().map(SocketAddr::ip).collect()))
            .collect();
        let pins = pins
            .iter()
            .map(|p| ((p.host.clone(), p.port), p.addrs.clone()))
            .collect();
        GuardedConnector {
            inner: Arc::new(Inner {
                resolver: build_resolver(nameservers),
                nameservers_chosen: !nameservers.is_empty(),
                scope,
                pins,
                host_pins,
                failed: Mutex::new(HashMap::new()),
                connect_timeout,
                connects: AtomicU64::new(0),
            }),
        }
    }

    /// The scope guard this connector enforces.
    pub fn scope(&self) -> &ScopeGuard {
        &self.inner.scope
    }

    /// The DNS resolver, for checks that query records other than addresses (TXT, CAA, NS...). Those queries are
    /// not scope-checked: they go to the resolver, never to the scanned host.
    pub fn resolver(&self) -> Result<&TokioResolver, String> {
        self.inner.resolver.as_ref().map_err(Clone::clone)
    }

    /// True when the DNS servers were named in the configuration (`network.nameservers`, `--nameserver`), false
    /// when the system's resolver is used.
    pub fn nameservers_chosen(&self) -> bool {
        self.inner.nameservers_chosen
    }

    /// True when `host` is pinned (`--resolve`, `--connect-to`, `network.pins`) on any port: such a name is
    /// never sent to DNS, neither to connect nor by the `dns` checks, so the resolver never learns it.
    pub fn is_pinned(&self, host: &str) -> bool {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_end_matches('.')
            .to_ascii_lowercase();
        self.inner.host_pins.contains_key(&host) || self.inner.pins.keys().any(|(h, _)| *h == host)
    }

    /// How many TCP connections were opened (for statistics and tests of connection reuse).
    pub fn connects(&self) -> u64 {
        self.inner.connects.load(Ordering::Relaxed)
    }

    /// The addresses `host:port` connects to, each checked by the scope guard.
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, NetError> {
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let addrs = if let Some(pinned) = self.inner.pins.get(&(host.clone(), port)) {
            pinned.clone()
        } else if let Some(ips) = self.inner.host_pins.get(&host) {
            ips.iter().map(|ip| SocketAddr::new(*ip, port)).collect()
        } else if self.inner.pins.keys().any(|(h, _)| *h == host) {
            // A name pinned on some ports must never reach DNS on others: that would contact the real host.
            return Err(NetError::Dns {
                host: host.clone(),
                reason: format!(
                    "port {port} of this name is not pinned (only other ports are); add --connect-to \
                     {host}:{port}:ADDRESS:PORT, or pin every port with --resolve"
                ),
            });
        } else if let Ok(ip) = host.parse::<IpAddr>() {
            vec![SocketAddr::new(ip, port)]
        } else {
            self.lookup(&host)
                .await?
                .into_iter()
                .map(|ip| SocketAddr::new(ip, port))
                .collect()
        };
        let ips: Vec<IpAddr> = addrs.iter().map(SocketAddr::ip).collect();
        self.inner
            .scope
            .check_all(&host, &ips)
            .map_err(NetError::Scope)?;
        Ok(addrs)
    }

    async fn lookup(&self, host: &str) -> Result<Vec<IpAddr>, NetError> {
        if let Some((at, err)) = self.inner.failed.lock().expect("dns cache lock").get(host)
            && at.elapsed() < FAILED_LOOKUP_TTL
        {
            return Err(err.clone());
        }
        let result = self.lookup_uncached(host).await;
        if let Err(e) = &result {
            let mut failed = self.inner.failed.lock().expect("dns cache lock");
            failed.insert(host.to_string(), (Instant::now(), e.clone()));
        }
        result
    }

    async fn lookup_uncached(&self, host: &str) -> Result<Vec<IpAddr>, NetError> {
        let resolver = self.inner.resolver.as_ref().map_err(|e| NetError::Dns {
            host: host.to_string(),
            reason: e.clone(),
        })?;
        let fqdn = if host.contains('.') {
            format!("{host}.")
        } else {
            host.to_string()
        };
        let lookup = resolver
            .lookup_ip(fqdn.as_str())
            .await
            .map_err(|e| NetError::Dns {
                host: host.to_string(),
                reason: dns_reason(&e.to_string()),
            })?;
        let ips: Vec<IpAddr> = lookup.iter().collect();
        if ips.is_empty() {
            return Err(NetError::Dns {
                host: host.to_string(),
                reason: "the name has no addresses".into(),
            });
        }
        Ok(ips)
    }

    /// Opens a TCP connection to `host:port` after the scope check, trying each address in turn.
    pub async fn connect(&self, host: &str, port: u16) -> Result<TcpStream, NetError> {
        let addrs = self.resolve(host, port).await?;
        let mut last = None;
        for addr in addrs {
            match tokio::time::timeout(self.inner.connect_timeout, TcpStream::connect(addr)).await {
                Ok(Ok(stream)) => {
                    let _ = stream.set_nodelay(true);
                    self.inner.connects.fetch_add(1, Ordering::Relaxed);
                    return Ok(stream);
                }
                Ok(Err(e)) => {
                    last = Some(NetError::Connect {
                        addr,
                        reason: e.to_string(),
                    })
                }
                Err(_) => {
                    last = Some(NetError::Connect {
                        addr,
                        reason: "connect timed out".into(),
                    })
                }
            }
        }
        Err(last.unwrap_or_else(|| NetError::Dns {
            host: host.to_string(),
            reason: "no addresses".into(),
        }))
    }
}

fn dns_reason(raw: &str) -> String {
    let lower = raw.to_ascii_lowercase();
    if lower.contains("no record") || lower.contains("nxdomain") {
        "no such name (the DNS has no A or AAAA record for it)".into()
    } else {
        raw.to_string()
    }
}

fn build_resolver(nameservers: &[SocketAddr]) -> Result<TokioResolver, String> {
    let mut builder = if nameservers.is_empty() {
        TokioResolver::builder_tokio().map_err(|e| {
            format!("cannot read the system DNS configuration ({e}); set network.nameservers")
        })?
    } else {
        let servers = nameservers
            .iter()
            .map(|sa| {
                let mut udp = ConnectionConfig::udp();
                udp.port = sa.port();
                let mut tcp = ConnectionConfig::tcp();
                tcp.port = sa.port();
                NameServerConfig::new(sa.ip(), true, vec![udp, tcp])
            })
            .collect();
        TokioResolver::builder_with_config(
            ResolverConfig::from_name_servers(servers),
            TokioRuntimeProvider::default(),
        )
    };
    let opts = builder.options_mut();
    opts.timeout = Duration::from_secs(3);
    opts.attempts = 2;
    builder
        .build()
        .map_err(|e| format!("cannot build the DNS resolver: {e}"))
}

impl tower_service::Service<Uri> for GuardedConnector {
    type Response = TokioIo<TcpStream>;
    type Error = NetError;
    type Future = StdPin<Box<dyn Future<Output = Result<Self::Response, NetError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), NetError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let host = uri
                .host()
                .ok_or_else(|| NetError::Protocol("URL without a host".into()))?
                .to_string();
            let port = uri
                .port_u16()
                .unwrap_or(if uri.scheme_str() == Some("https") {
                    443
                } else {
                    80
                });
            this.connect(&host, port).await.map(TokioIo::new)
        })
    }
}
