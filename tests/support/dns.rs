//! An authoritative DNS server in the test process, on 127.0.0.1, answering from a zone the test writes.

use hickory_server::Server;
use hickory_server::net::runtime::TokioRuntimeProvider;
use hickory_server::proto::rr::rdata::{A, AAAA, CAA, CNAME, MX, NS, NULL, SOA, TXT};
use hickory_server::proto::rr::{LowerName, Name, RData, Record, RecordType};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

/// A running DNS server; dropping it stops answering.
pub struct DnsServer {
    pub addr: SocketAddr,
    _server: Server<Catalog>,
}

/// Serves `zone` (e.g. `test.`) with an A or AAAA record for each `(name, address)`.
pub async fn serve(zone: &str, records: &[(&str, IpAddr)]) -> DnsServer {
    let origin = Name::from_str(zone).unwrap();
    let mut handler = InMemoryZoneHandler::<TokioRuntimeProvider>::empty(
        origin.clone(),
        ZoneType::Primary,
        AxfrPolicy::Deny,
    );
    let soa = SOA::new(
        Name::from_str(&format!("ns.{zone}")).unwrap(),
        Name::from_str(&format!("admin.{zone}")).unwrap(),
        1,
        3600,
        600,
        86400,
        60,
    );
    handler.upsert_mut(Record::from_rdata(origin.clone(), 3600, RData::SOA(soa)), 1);
    for (name, ip) in records {
        let rdata = match ip {
            IpAddr::V4(v4) => RData::A(A(*v4)),
            IpAddr::V6(v6) => RData::AAAA(AAAA(*v6)),
        };
        handler.upsert_mut(
            Record::from_rdata(Name::from_str(name).unwrap(), 60, rdata),
            1,
        );
    }
    let mut catalog = Catalog::new();
    catalog.upsert(LowerName::new(&origin), vec![Arc::new(handler)]);
    let mut server = Server::new(catalog);
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    server.register_socket(socket);
    DnsServer {
        addr,
        _server: server,
    }
}

/// A zone for [`serve_zones`]: its origin, its records, and whether it allows zone transfers (AXFR) to anyone.
pub struct Zone {
    origin: Name,
    records: Vec<Record>,
    axfr: AxfrPolicy,
}

fn name(n: &str) -> Name {
    Name::from_str(&format!("{}.", n.trim_end_matches('.'))).unwrap()
}

impl Zone {
    /// An empty zone (an SOA at `origin` is added when served).
    pub fn new(origin: &str) -> Zone {
        Zone {
            origin: name(origin),
            records: Vec::new(),
            axfr: AxfrPolicy::Deny,
        }
    }

    /// Adds a record of `rdata` at `owner` (an absolute name, no trailing dot needed).
    pub fn record(mut self, owner: &str, rdata: RData) -> Zone {
        self.records
            .push(Record::from_rdata(name(owner), 300, rdata));
        self
    }

    pub fn a(self, owner: &str, ip: &str) -> Zone {
        let rdata = match ip.parse::<IpAddr>().unwrap() {
            IpAddr::V4(v4) => RData::A(A(v4)),
            IpAddr::V6(v6) => RData::AAAA(AAAA(v6)),
        };
        self.record(owner, rdata)
    }

    /// A TXT record; text over 255 bytes is split into several strings, as DNS requires.
    pub fn txt(self, owner: &str, text: &str) -> Zone {
        let parts = text
            .as_bytes()
            .chunks(255)
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect();
        self.record(owner, RData::TXT(TXT::new(parts)))
    }

    pub fn cname(self, owner: &str, target: &str) -> Zone {
        self.record(owner, RData::CNAME(CNAME(name(target))))
    }

    pub fn ns(self, owner: &str, server: &str) -> Zone {
        self.record(owner, RData::NS(NS(name(server))))
    }

    pub fn mx(self, owner: &str, exchange: &str) -> Zone {
        self.record(owner, RData::MX(MX::new(10, name(exchange))))
    }

    /// `CAA 0 issue "<ca>"`.
    pub fn caa(self, owner: &str, ca: &str) -> Zone {
        self.record(
            owner,
            RData::CAA(CAA::new_issue(false, Some(name(ca)), vec![])),
        )
    }

    /// A DNSKEY record (opaque bytes: the zone is not really signed, but it publishes a key, which is what a
    /// resolver without validation sees).
    pub fn dnskey(self, owner: &str) -> Zone {
        let key = NULL::with(vec![1, 0, 3, 13, 0xAB, 0xCD, 0xEF, 0x01]);
        self.record(
            owner,
            RData::Unknown {
                code: RecordType::DNSKEY,
                rdata: key,
            },
        )
    }

    /// Answers AXFR requests from anyone.
    pub fn allow_axfr(mut self) -> Zone {
        self.axfr = AxfrPolicy::AllowAll;
        self
    }
}

/// An authoritative DNS server for several zones, answering over UDP and TCP on the same port of 127.0.0.1
/// (`addr`; TCP carries truncated answers and zone transfers).
pub async fn serve_zones(zones: Vec<Zone>) -> DnsServer {
    let mut catalog = Catalog::new();
    for zone in zones {
        let mut handler = InMemoryZoneHandler::<TokioRuntimeProvider>::empty(
            zone.origin.clone(),
            ZoneType::Primary,
            zone.axfr,
        );
        let soa = SOA::new(
            Name::from_str("ns.")
                .unwrap()
                .append_domain(&zone.origin)
                .unwrap(),
            Name::from_str("admin.")
                .unwrap()
                .append_domain(&zone.origin)
                .unwrap(),
            1,
            3600,
            600,
            86400,
            60,
        );
        handler.upsert_mut(
            Record::from_rdata(zone.origin.clone(), 3600, RData::SOA(soa)),
            1,
        );
        for record in zone.records {
            handler.upsert_mut(record, 1);
        }
        catalog.upsert(LowerName::new(&zone.origin), vec![Arc::new(handler)]);
    }
    let mut server = Server::new(catalog);
    let (socket, listener) = udp_and_tcp().await;
    let addr = socket.local_addr().unwrap();
    server.register_socket(socket);
    server.register_listener(listener, std::time::Duration::from_secs(5), 65_535);
    DnsServer {
        addr,
        _server: server,
    }
}

/// A UDP socket and a TCP listener on the same port of 127.0.0.1.
async fn udp_and_tcp() -> (tokio::net::UdpSocket, tokio::net::TcpListener) {
    for _ in 0..20 {
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        if let Ok(listener) = tokio::net::TcpListener::bind(addr).await {
            return (socket, listener);
        }
    }
    panic!("no port of 127.0.0.1 was free for both UDP and TCP");
}

/// A DNS server that answers the n-th A query with the n-th address of a script (the last one after that), with a
/// TTL of 0: a name that changes its address between lookups, as in DNS rebinding.
pub struct ScriptedDns {
    pub addr: SocketAddr,
    pub queries: Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ScriptedDns {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a scripted DNS server on 127.0.0.1.
pub async fn scripted(answers: Vec<std::net::Ipv4Addr>) -> ScriptedDns {
    scripted_with(move |i| answers[i.min(answers.len() - 1)]).await
}

/// Starts a DNS server on 127.0.0.1 answering the n-th A query (from 0) with `answer(n)`, with a TTL of 0.
pub async fn scripted_with(
    answer: impl Fn(usize) -> std::net::Ipv4Addr + Send + 'static,
) -> ScriptedDns {
    use hickory_server::proto::op::{Message, MessageType};
    use hickory_server::proto::rr::RecordType;
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let queries = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = queries.clone();
    let task = tokio::spawn(async move {
        let mut buf = [0u8; 1500];
        while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
            let Ok(query) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            let mut reply = Message::new(
                query.metadata.id,
                MessageType::Response,
                query.metadata.op_code,
            );
            reply.metadata.recursion_desired = query.metadata.recursion_desired;
            reply.metadata.recursion_available = true;
            reply.add_queries(query.queries.clone());
            for q in &query.queries {
                if q.query_type() == RecordType::A {
                    let i = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let ip = answer(i);
                    reply.add_answer(Record::from_rdata(q.name().clone(), 0, RData::A(A(ip))));
                }
            }
            if let Ok(bytes) = reply.to_vec() {
                let _ = socket.send_to(&bytes, peer).await;
            }
        }
    });
    ScriptedDns {
        addr,
        queries,
        task,
    }
}

/// A DNS server on 127.0.0.1 that answers every query with SERVFAIL, as a broken or overloaded resolver does.
pub async fn failing() -> ScriptedDns {
    use hickory_server::proto::op::{Message, MessageType, ResponseCode};
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let queries = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = queries.clone();
    let task = tokio::spawn(async move {
        let mut buf = [0u8; 1500];
        while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
            let Ok(query) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut reply = Message::new(
                query.metadata.id,
                MessageType::Response,
                query.metadata.op_code,
            );
            reply.metadata.response_code = ResponseCode::ServFail;
            reply.add_queries(query.queries.clone());
            if let Ok(bytes) = reply.to_vec() {
                let _ = socket.send_to(&bytes, peer).await;
            }
        }
    });
    ScriptedDns {
        addr,
        queries,
        task,
    }
}
