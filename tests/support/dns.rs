//! An authoritative DNS server in the test process, on 127.0.0.1, answering from a zone the test writes.

use hickory_server::Server;
use hickory_server::net::runtime::TokioRuntimeProvider;
use hickory_server::proto::rr::rdata::{A, AAAA, SOA};
use hickory_server::proto::rr::{LowerName, Name, RData, Record};
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
                    let ip = answers[i.min(answers.len() - 1)];
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
