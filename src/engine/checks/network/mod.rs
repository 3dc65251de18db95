//! `network` checks (deep profile): exposed databases and admin services on a curated list of ports, confirmed by a read-only greeting.
//!
//! A port that merely accepts a connection is not a finding: each service is reported only when it answers its own
//! protocol's harmless question (Redis `PING`, memcached `stats`, MongoDB `isMaster`, an HTTP service's version
//! endpoint, an SSH or FTP greeting). Nothing is written, no login is tried.

/// Declares a `network` rule: `rule!(NAME, "id", Severity, cwe, "title", "why", "fix", [refs])`.
macro_rules! rule {
    ($name:ident, $id:literal, $sev:ident, $cwe:expr, $title:literal, $desc:literal, $fix:literal, [$($r:expr),* $(,)?]) => {
        pub static $name: crate::engine::registry::Rule = crate::engine::registry::Rule {
            id: $id,
            category: crate::model::Category::Network,
            severity: crate::model::Severity::$sev,
            title: $title,
            description: $desc,
            remediation: $fix,
            references: &[$($r),*],
            cwe: $cwe,
        };
    };
}

mod admin;
mod banners;
mod mongo;
pub(crate) mod probe;
mod rules;
mod stores;

use crate::engine::context::CheckCtx;
use crate::engine::net::NetError;
use crate::engine::registry::{Check, CheckResult, Rule};
use crate::model::{Module, Profile, Severity};
use rules::*;

/// The checks of this module.
pub static CHECKS: &[Check] = &[
    Check {
        id: "network.services",
        module: Module::Network,
        profile: Profile::Deep,
        summary: "databases and admin APIs on their standard ports (Redis, Memcached, MongoDB, Elasticsearch, Docker, Kubernetes, kubelet, etcd, Prometheus), each confirmed by a read-only greeting",
        rules: &[
            &REDIS_OPEN,
            &REDIS_REACHABLE,
            &MEMCACHED_OPEN,
            &MONGODB_OPEN,
            &ELASTIC_OPEN,
            &DOCKER_OPEN,
            &KUBERNETES_API,
            &KUBELET_OPEN,
            &ETCD_OPEN,
            &PROMETHEUS_OPEN,
        ],
        run: |ctx| Box::pin(sweep(ctx, SERVICES)),
    },
    Check {
        id: "network.banners",
        module: Module::Network,
        profile: Profile::Deep,
        summary: "SSH and FTP reachable on ports 22 and 21, with the software their greetings name",
        rules: &[&SSH_OPEN, &FTP_OPEN],
        run: |ctx| Box::pin(sweep(ctx, BANNERS)),
    },
];

/// The protocol a port is probed with.
#[derive(Debug, Clone, Copy)]
enum Service {
    Redis,
    Memcached,
    MongoDb,
    Elasticsearch,
    Docker,
    DockerTls,
    Kubernetes,
    Kubelet,
    KubeletReadOnly,
    Etcd,
    Prometheus,
    Ssh,
    Ftp,
}

/// The ports of `network.services`, with the service each is probed for.
const SERVICES: &[(u16, Service)] = &[
    (6379, Service::Redis),
    (11211, Service::Memcached),
    (27017, Service::MongoDb),
    (9200, Service::Elasticsearch),
    (2375, Service::Docker),
    (2376, Service::DockerTls),
    (6443, Service::Kubernetes),
    (10250, Service::Kubelet),
    (10255, Service::KubeletReadOnly),
    (2379, Service::Etcd),
    (9090, Service::Prometheus),
];

/// The ports of `network.banners`.
const BANNERS: &[(u16, Service)] = &[(22, Service::Ssh), (21, Service::Ftp)];

/// A service a probe confirmed: the rule, and what this instance showed.
pub(crate) struct Exposure {
    pub rule: &'static Rule,
    pub title: String,
    pub evidence: String,
    pub severity: Option<Severity>,
}

impl Exposure {
    fn new(rule: &'static Rule, title: String, evidence: String) -> Exposure {
        Exposure {
            rule,
            title,
            evidence,
            severity: None,
        }
    }
}

async fn probe(
    ctx: &CheckCtx,
    host: &str,
    port: u16,
    service: Service,
) -> Result<Option<Exposure>, NetError> {
    match service {
        Service::Redis => stores::redis(ctx, host, port).await,
        Service::Memcached => stores::memcached(ctx, host, port).await,
        Service::MongoDb => mongo::mongodb(ctx, host, port).await,
        Service::Elasticsearch => admin::elasticsearch(ctx, port).await,
        Service::Docker => admin::docker(ctx, "http", port).await,
        Service::DockerTls => admin::docker(ctx, "https", port).await,
        Service::Kubernetes => admin::kubernetes(ctx, port).await,
        Service::Kubelet => admin::kubelet(ctx, "https", port).await,
        Service::KubeletReadOnly => admin::kubelet(ctx, "http", port).await,
        Service::Etcd => admin::etcd(ctx, port).await,
        Service::Prometheus => admin::prometheus(ctx, port).await,
        Service::Ssh => banners::ssh(ctx, host, port).await,
        Service::Ftp => banners::ftp(ctx, host, port).await,
    }
}

/// Probes every port of `ports` (a few at a time), reports what answered, and fails once, with the first reason,
/// if the host could not be probed at all (out of scope, unresolvable, scan stopped).
async fn sweep(ctx: &CheckCtx, ports: &[(u16, Service)]) -> CheckResult {
    let host = ctx.target.host();
    let gate = tokio::sync::Semaphore::new(probe::IN_FLIGHT);
    let results = futures::future::join_all(ports.iter().map(|&(port, service)| {
        let (gate, host) = (&gate, &host);
        async move {
            let _slot = gate.acquire().await.expect("the gate is never closed");
            probe(ctx, host, port, service).await
        }
    }))
    .await;
    let mut stop = None;
    for (&(port, _), result) in ports.iter().zip(results) {
        match result.map_err(probe::not_exposed) {
            Ok(Some(found)) => report(ctx, port, found).await,
            Ok(None) | Err(Ok(())) => {}
            Err(Err(e)) => {
                stop.get_or_insert(e);
            }
        }
    }
    match stop {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

async fn report(ctx: &CheckCtx, port: u16, found: Exposure) {
    let mut draft = ctx
        .finding(found.rule, probe::location(ctx, port))
        .title(found.title)
        .evidence(found.evidence);
    if let Some(severity) = found.severity {
        draft = draft.severity(severity);
    }
    ctx.report(draft).await;
}
