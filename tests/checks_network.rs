//! The `network` checks (deep profile) against services on loopback: a real `redis-server` (with and without a
//! password), and listeners speaking enough of each other protocol (memcached, MongoDB's wire protocol, the HTTP
//! APIs of Elasticsearch, Docker, Kubernetes, the kubelet, etcd and Prometheus, SSH and FTP greetings). The standard
//! ports of `db.test` are pinned to them, as `--connect-to` would.

mod support;

use axum::Router;
use axum::routing::get;
use palisade::app::{DEFAULT_ORG, ScanRequest};
use palisade::config::Pin;
use palisade::lab::certs::{CertKey, CertSpec, LabCa};
use palisade::model::{CoverageState, Profile, Severity};
use std::net::SocketAddr;
use support::peers::Redis;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const HOST: &str = "db.test";
const TARGET: &str = "http://db.test/";
const CHECKS: &[&str] = &["network.services", "network.banners"];

/// A deep scan of `db.test` running only the `network` checks, with each `(port, addr)` pinned as `--connect-to`
/// would; port 80 serves a plain page.
async fn scan(
    ports: &[(u16, SocketAddr)],
    adjust: impl FnOnce(&mut palisade::config::Config),
) -> Outcome {
    let web = http(fixed(
        200,
        &[("content-type", "text/html")],
        "<html></html>",
    ))
    .await;
    let pins = std::iter::once((80, web.addr))
        .chain(ports.iter().copied())
        .map(|(port, addr)| Pin {
            host: HOST.into(),
            port,
            addrs: vec![addr],
            any_port: false,
        })
        .collect();
    let t = TestApp::new(|c| {
        c.network.pins = pins;
        adjust(c);
    })
    .await;
    let request = ScanRequest {
        targets: vec![TARGET.into()],
        profile: Some(Profile::Deep),
        checks: Some(CHECKS.iter().map(|c| c.to_string()).collect()),
        ..Default::default()
    };
    let mut handle = t.app.start_scan(DEFAULT_ORG, request).await.unwrap();
    handle.finished().await;
    t.outcome(&handle.scan.id).await
}

/// The listeners behind `db.test`'s ports, kept running while the value lives.
#[derive(Default)]
struct Ports {
    pins: Vec<(u16, SocketAddr)>,
    servers: Vec<palisade::lab::serve::Server>,
}

impl Ports {
    async fn http(mut self, port: u16, app: Router) -> Ports {
        let server = http(app).await;
        self.pins.push((port, server.addr));
        self.servers.push(server);
        self
    }

    async fn https(mut self, port: u16, app: Router, cert: &CertKey) -> Ports {
        let server = https(app, cert).await;
        self.pins.push((port, server.addr));
        self.servers.push(server);
        self
    }

    /// A port answered by a raw listener, or where nothing listens.
    fn at(mut self, port: u16, addr: SocketAddr) -> Ports {
        self.pins.push((port, addr));
        self
    }
}

/// Accepts connections on 127.0.0.1 and lets `talk` answer each.
async fn tcp<F, Fut>(talk: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(talk(stream));
        }
    });
    addr
}

/// Reads one line (up to `\n`), or `None` when the peer closed.
async fn read_line(s: &mut TcpStream) -> Option<String> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\n") {
        if s.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        line.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&line).into_owned())
}

#[tokio::test]
async fn redis_without_a_password_is_critical() {
    let redis = Redis::start(None);
    let out = scan(&[(6379, redis.addr)], |_| {}).await;
    assert_eq!(
        out.ids_in("network."),
        vec!["network.redis-unauthenticated"]
    );
    let f = out.finding("network.redis-unauthenticated");
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.location, "db.test:6379");
    let evidence = f.evidence.as_deref().unwrap();
    assert!(evidence.starts_with("PING -> +PONG"), "{evidence}");
    assert!(evidence.contains("redis_version:7."), "{evidence}");
    assert!(f.title.starts_with("Redis 7."), "{}", f.title);
    assert_eq!(out.state("network.services"), CoverageState::Found);
    assert_eq!(out.state("network.banners"), CoverageState::Passed);
}

#[tokio::test]
async fn redis_with_a_password_is_only_reachable() {
    let redis = Redis::start(Some("a-long-random-password"));
    let out = scan(&[(6379, redis.addr)], |_| {}).await;
    assert_eq!(out.ids_in("network."), vec!["network.redis-reachable"]);
    let f = out.finding("network.redis-reachable");
    assert_eq!(f.severity, Severity::Low);
    assert!(
        f.evidence
            .as_deref()
            .unwrap()
            .starts_with("PING -> -NOAUTH")
    );
}

// ---------- protocol listeners ----------

async fn memcached(mut s: TcpStream, open: bool) {
    if read_line(&mut s).await.as_deref() != Some("stats\r\n") {
        return;
    }
    let answer: &[u8] = if open {
        b"STAT pid 4242\r\nSTAT uptime 86400\r\nSTAT version 1.6.21\r\nSTAT curr_connections 3\r\nSTAT curr_items 17\r\nEND\r\n"
    } else {
        b"CLIENT_ERROR unauthenticated\r\n"
    };
    let _ = s.write_all(answer).await;
}

/// A BSON value for the MongoDB listener.
enum B<'a> {
    Bool(bool),
    Double(f64),
    Int(i32),
    Str(&'a str),
    Doc(Vec<u8>),
}

fn bson(fields: &[(&str, B)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        let (kind, bytes) = match value {
            B::Bool(b) => (0x08, vec![*b as u8]),
            B::Double(d) => (0x01, d.to_le_bytes().to_vec()),
            B::Int(i) => (0x10, i.to_le_bytes().to_vec()),
            B::Str(s) => {
                let mut v = ((s.len() + 1) as i32).to_le_bytes().to_vec();
                v.extend_from_slice(s.as_bytes());
                v.push(0);
                (0x02, v)
            }
            B::Doc(d) => (0x03, d.clone()),
        };
        body.push(kind);
        body.extend_from_slice(name.as_bytes());
        body.push(0);
        body.extend(bytes);
    }
    body.push(0);
    let mut doc = ((body.len() + 4) as i32).to_le_bytes().to_vec();
    doc.extend(body);
    doc
}

fn wire(response_to: i32, op: i32, body: &[u8]) -> Vec<u8> {
    let mut msg = ((16 + body.len()) as i32).to_le_bytes().to_vec();
    msg.extend_from_slice(&7i32.to_le_bytes());
    msg.extend_from_slice(&response_to.to_le_bytes());
    msg.extend_from_slice(&op.to_le_bytes());
    msg.extend_from_slice(body);
    msg
}

/// Answers `isMaster` (OP_QUERY, with OP_REPLY) and `buildInfo` (OP_MSG) like MongoDB 7.0.
async fn mongodb(mut s: TcpStream) {
    loop {
        let mut header = [0u8; 16];
        if s.read_exact(&mut header).await.is_err() {
            return;
        }
        let len = i32::from_le_bytes(header[0..4].try_into().unwrap()) as usize;
        let id = i32::from_le_bytes(header[4..8].try_into().unwrap());
        let op = i32::from_le_bytes(header[12..16].try_into().unwrap());
        let mut body = vec![0u8; len - 16];
        if s.read_exact(&mut body).await.is_err() {
            return;
        }
        let asks = |cmd: &[u8]| body.windows(cmd.len()).any(|w| w == cmd);
        let reply = if op == 2004 && asks(b"isMaster\0") {
            let topology = bson(&[("counter", B::Int(0))]);
            let doc = bson(&[
                ("ismaster", B::Bool(true)),
                ("topologyVersion", B::Doc(topology)),
                ("maxWireVersion", B::Int(21)),
                ("minWireVersion", B::Int(0)),
                ("ok", B::Double(1.0)),
            ]);
            let mut reply = 0i32.to_le_bytes().to_vec();
            reply.extend_from_slice(&0i64.to_le_bytes());
            reply.extend_from_slice(&0i32.to_le_bytes());
            reply.extend_from_slice(&1i32.to_le_bytes());
            reply.extend(doc);
            wire(id, 1, &reply)
        } else if op == 2013 && asks(b"buildInfo\0") {
            let doc = bson(&[("version", B::Str("7.0.5")), ("ok", B::Double(1.0))]);
            let mut reply = 0u32.to_le_bytes().to_vec();
            reply.push(0);
            reply.extend(doc);
            wire(id, 2013, &reply)
        } else {
            return;
        };
        if s.write_all(&reply).await.is_err() {
            return;
        }
    }
}

async fn ssh(mut s: TcpStream) {
    let _ = s
        .write_all(b"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n")
        .await;
    let _ = read_line(&mut s).await;
}

async fn ftp(mut s: TcpStream) {
    let _ = s.write_all(b"220-Welcome\r\n220 (vsFTPd 3.0.5)\r\n").await;
    while let Some(line) = read_line(&mut s).await {
        let answer: &[u8] = match line.trim() {
            "FEAT" => b"211-Features:\r\n EPRT\r\n EPSV\r\n PASV\r\n211 End\r\n",
            "QUIT" => b"221 Goodbye.\r\n",
            _ => b"530 Please login with USER and PASS.\r\n",
        };
        let _ = s.write_all(answer).await;
    }
}

async fn not_ftp(mut s: TcpStream) {
    let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
}

fn json(body: &'static str) -> Router {
    fixed(200, &[("content-type", "application/json")], body)
}

const ELASTIC: &str = r#"{"name":"node-1","cluster_name":"prod-logs","cluster_uuid":"x","version":{"number":"8.11.1","build_flavor":"default","lucene_version":"9.8.0"},"tagline":"You Know, for Search"}"#;
const DOCKER: &str = r#"{"Platform":{"Name":"Docker Engine - Community"},"Version":"24.0.7","ApiVersion":"1.43","MinAPIVersion":"1.12","Os":"linux","Arch":"amd64","KernelVersion":"6.1.0-13-amd64"}"#;
const PROMETHEUS: &str =
    r#"{"status":"success","data":{"version":"2.45.0","revision":"x","goVersion":"go1.20"}}"#;
const PODS: &str = r#"{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"etcd-node1","namespace":"kube-system"}},{"metadata":{"name":"api-7d9f","namespace":"shop"}}]}"#;

fn kubernetes(anonymous: bool) -> Router {
    let version = r#"{"major":"1","minor":"29","gitVersion":"v1.29.2","platform":"linux/amd64"}"#;
    let api = if anonymous {
        json(r#"{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]}"#)
    } else {
        fixed(
            403,
            &[("content-type", "application/json")],
            r#"{"kind":"Status","status":"Failure","reason":"Forbidden","code":403}"#,
        )
    };
    Router::new()
        .route("/version", get(move || async move { version }))
        .nest_service("/api", api)
}

fn unauthorized(www: &str) -> Router {
    fixed(
        401,
        &[
            ("www-authenticate", www),
            ("content-type", "application/json"),
        ],
        r#"{"error":"unauthorized"}"#,
    )
}

#[tokio::test]
async fn exposed_services_are_confirmed_by_their_greetings() {
    let ca = LabCa::new("Test CA");
    let cert = ca.issue(&CertSpec::valid(&[HOST], 200));
    let ports = Ports::default()
        .at(11211, tcp(|s| memcached(s, true)).await)
        .at(27017, tcp(mongodb).await)
        // Elasticsearch 8 serves HTTPS by default: the probe falls back to it.
        .https(9200, json(ELASTIC), &cert)
        .await
        .http(2375, json(DOCKER))
        .await
        .https(2376, json(DOCKER), &cert)
        .await
        .https(6443, kubernetes(true), &cert)
        .await
        .https(10250, json(PODS), &cert)
        .await
        .http(10255, json(PODS))
        .await
        .http(
            2379,
            json(r#"{"etcdserver":"3.5.9","etcdcluster":"3.5.0"}"#),
        )
        .await
        .http(9090, json(PROMETHEUS))
        .await
        .at(22, tcp(ssh).await)
        .at(21, tcp(ftp).await);
    let out = scan(&ports.pins, |_| {}).await;
    let found: Vec<(&str, &str, Severity)> = out
        .findings
        .iter()
        .map(|f| (f.check_id.as_str(), f.location.as_str(), f.severity))
        .collect();
    let expected = [
        ("network.memcached-exposed", "db.test:11211", Severity::High),
        ("network.mongodb-exposed", "db.test:27017", Severity::High),
        (
            "network.elasticsearch-unauthenticated",
            "db.test:9200",
            Severity::High,
        ),
        (
            "network.docker-api-exposed",
            "db.test:2375",
            Severity::Critical,
        ),
        (
            "network.docker-api-exposed",
            "db.test:2376",
            Severity::Critical,
        ),
        (
            "network.kubernetes-api-exposed",
            "db.test:6443",
            Severity::High,
        ),
        (
            "network.kubelet-unauthenticated",
            "db.test:10250",
            Severity::Critical,
        ),
        (
            "network.kubelet-unauthenticated",
            "db.test:10255",
            Severity::High,
        ),
        ("network.etcd-exposed", "db.test:2379", Severity::High),
        (
            "network.prometheus-exposed",
            "db.test:9090",
            Severity::Medium,
        ),
        ("network.ssh-exposed", "db.test:22", Severity::Info),
        ("network.ftp-exposed", "db.test:21", Severity::Low),
    ];
    for e in expected {
        assert!(found.contains(&e), "{e:?} not among {found:?}");
    }
    assert_eq!(found.len(), expected.len(), "{found:?}");

    let evidence = |id: &str, port: &str| {
        let f = out
            .findings
            .iter()
            .find(|f| f.check_id == id && f.location.ends_with(port))
            .unwrap();
        (f.title.clone(), f.evidence.clone().unwrap())
    };
    let (title, ev) = evidence("network.memcached-exposed", ":11211");
    assert_eq!(title, "Memcached 1.6.21 answers anyone from the internet");
    assert!(
        ev.contains("STAT version 1.6.21") && ev.contains("STAT curr_items 17"),
        "{ev}"
    );
    let (title, ev) = evidence("network.mongodb-exposed", ":27017");
    assert_eq!(title, "MongoDB 7.0.5 is reachable from the internet");
    assert_eq!(
        ev,
        "isMaster -> ok 1, ismaster true, maxWireVersion 21; buildInfo -> version 7.0.5"
    );
    let (title, ev) = evidence("network.elasticsearch-unauthenticated", ":9200");
    assert_eq!(title, "Elasticsearch 8.11.1 answers without authentication");
    assert!(
        ev.contains("GET https://db.test:9200/ -> 200")
            && ev.contains("cluster_name \"prod-logs\""),
        "{ev}"
    );
    let (_, ev) = evidence("network.docker-api-exposed", ":2376");
    assert!(
        ev.starts_with("GET https://db.test:2376/version -> 200"),
        "{ev}"
    );
    assert!(
        ev.contains("Version 24.0.7, ApiVersion 1.43, Os linux"),
        "{ev}"
    );
    let (title, ev) = evidence("network.kubernetes-api-exposed", ":6443");
    assert!(
        title.contains("v1.29.2") && title.contains("anonymous"),
        "{title}"
    );
    assert!(
        ev.contains("GET https://db.test:6443/api -> 200 APIVersions"),
        "{ev}"
    );
    let (_, ev) = evidence("network.kubelet-unauthenticated", ":10250");
    assert!(
        ev.contains("PodList of 2 pods: kube-system/etcd-node1, shop/api-7d9f"),
        "{ev}"
    );
    let (title, _) = evidence("network.etcd-exposed", ":2379");
    assert_eq!(
        title,
        "etcd 3.5.9 answers from the internet without a client certificate"
    );
    let (title, _) = evidence("network.prometheus-exposed", ":9090");
    assert_eq!(title, "Prometheus 2.45.0 is open to the internet");
    let (title, ev) = evidence("network.ssh-exposed", ":22");
    assert_eq!(
        title,
        "SSH is reachable from the internet (OpenSSH_8.9p1 Ubuntu-3ubuntu0.6)"
    );
    assert!(
        ev.contains("\"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\""),
        "{ev}"
    );
    let (_, ev) = evidence("network.ftp-exposed", ":21");
    assert!(
        ev.contains("greeting \"220 (vsFTPd 3.0.5)\"") && ev.contains("does not list AUTH TLS"),
        "{ev}"
    );
}

#[tokio::test]
async fn guarded_services_and_other_protocols_are_not_findings() {
    let ca = LabCa::new("Test CA");
    let cert = ca.issue(&CertSpec::valid(&[HOST], 200));
    let spa = "<!doctype html><html><head><title>App</title></head><body><div id=root></div></body></html>";
    let html = || fixed(200, &[("content-type", "text/html")], spa);
    let ports = Ports::default()
        // An HTTP server on Redis's port is not Redis.
        .http(6379, html())
        .await
        .at(11211, tcp(|s| memcached(s, false)).await)
        // Nor is an HTTP server answering JSON on MongoDB's.
        .http(27017, json(r#"{"ok":1}"#))
        .await
        .http(
            9200,
            unauthorized("Basic realm=\"security\" charset=\"UTF-8\""),
        )
        .await
        // A single-page app answering every path with its shell.
        .http(2375, html())
        .await
        .at(2376, closed_port())
        .https(6443, unauthorized("Bearer"), &cert)
        .await
        .https(10250, fixed(401, &[], "Unauthorized"), &cert)
        .await
        .at(10255, closed_port())
        .http(2379, fixed(404, &[], "404 page not found"))
        .await
        .http(9090, unauthorized("Basic realm=\"prometheus\""))
        .await
        .at(22, closed_port())
        .at(21, tcp(not_ftp).await);
    let out = scan(&ports.pins, |_| {}).await;
    assert_eq!(out.ids_in("network."), Vec::<&str>::new());
    assert_eq!(out.state("network.services"), CoverageState::Passed);
    assert_eq!(out.state("network.banners"), CoverageState::Passed);

    // A Kubernetes API server that names its version but refuses anonymous discovery is only reachable.
    let ports = Ports::default().https(6443, kubernetes(false), &cert).await;
    let out = scan(&ports.pins, |_| {}).await;
    let f = out.finding("network.kubernetes-api-exposed");
    assert_eq!(f.severity, Severity::Medium);
    assert!(!f.evidence.as_deref().unwrap().contains("/api ->"));
}

#[tokio::test]
async fn a_host_out_of_scope_fails_the_check_once_and_unpinned_ports_are_silent() {
    // Redis's port of db.test leads to 127.0.0.2, outside the scope this scan allows; nothing is sent there.
    let refused: SocketAddr = "127.0.0.2:6379".parse().unwrap();
    let out = scan(&[(6379, refused)], |c| {
        c.scope.allow = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    assert_eq!(out.ids_in("network."), Vec::<&str>::new());
    assert_eq!(out.state("network.services"), CoverageState::Errored);
    let detail = out.detail("network.services");
    assert!(detail.contains("127.0.0.2"), "{detail}");
    assert_eq!(
        detail.matches("out of scope").count(),
        1,
        "reported once: {detail}"
    );
    // Ports 22 and 21 are not pinned: unreachable in this configuration, so simply not exposed.
    assert_eq!(out.state("network.banners"), CoverageState::Passed);
}
