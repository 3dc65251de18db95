//! A small DNS server for the bypass cases: names with fixed addresses, CNAMEs, NS records, and scripted names
//! whose n-th A answer is the n-th address of a script, as in DNS rebinding. Every answer has TTL 0, so
//! nothing is cached between the scope check and the connection.

use hickory_server::proto::op::{Message, MessageType, ResponseCode};
use hickory_server::proto::rr::rdata::{A, AAAA, CNAME, NS};
use hickory_server::proto::rr::{Name, RData, Record, RecordType};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::{Arc, Mutex};

/// What a name holds.
#[derive(Clone)]
enum Entry {
    Addr(IpAddr),
    Cname(String),
    Ns(String),
    /// The n-th A query gets the n-th address (the last one after that).
    Script(Vec<IpAddr>),
}

/// The zone the server answers from; names are written without the trailing dot.
#[derive(Default, Clone)]
pub struct Zone {
    entries: Vec<(String, Entry)>,
}

impl Zone {
    pub fn addr(mut self, name: &str, ip: &str) -> Zone {
        self.entries
            .push((key(name), Entry::Addr(ip.parse().unwrap())));
        self
    }

    pub fn cname(mut self, name: &str, target: &str) -> Zone {
        self.entries.push((key(name), Entry::Cname(key(target))));
        self
    }

    pub fn ns(mut self, name: &str, server: &str) -> Zone {
        self.entries.push((key(name), Entry::Ns(key(server))));
        self
    }

    /// A name answering its n-th A query with `script[n]`, and the last address after that.
    pub fn script(mut self, name: &str, script: &[&str]) -> Zone {
        let ips = script.iter().map(|s| s.parse().unwrap()).collect();
        self.entries.push((key(name), Entry::Script(ips)));
        self
    }
}

fn key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// A running server; dropping it stops it.
pub struct Dns {
    pub addr: SocketAddr,
    queries: Arc<Mutex<HashMap<String, usize>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Dns {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Dns {
    /// How many A queries named `name`.
    pub fn queries(&self, name: &str) -> usize {
        self.queries
            .lock()
            .unwrap()
            .get(&key(name))
            .copied()
            .unwrap_or(0)
    }
}

/// Serves `zone` over UDP on 127.0.0.1.
pub async fn serve(zone: Zone) -> Dns {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let queries: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let counts = queries.clone();
    let task = tokio::spawn(async move {
        let mut buf = [0u8; 1500];
        while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
            let Ok(query) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            let reply = answer(&zone, &query, &counts);
            if let Ok(bytes) = reply.to_vec() {
                let _ = socket.send_to(&bytes, peer).await;
            }
        }
    });
    Dns {
        addr,
        queries,
        task,
    }
}

fn answer(zone: &Zone, query: &Message, counts: &Mutex<HashMap<String, usize>>) -> Message {
    let mut reply = Message::new(
        query.metadata.id,
        MessageType::Response,
        query.metadata.op_code,
    );
    reply.metadata.recursion_desired = query.metadata.recursion_desired;
    reply.metadata.recursion_available = true;
    reply.add_queries(query.queries.clone());
    for q in &query.queries {
        let asked = key(&q.name().to_ascii());
        let kind = q.query_type();
        let mut name = asked.clone();
        let mut owner = q.name().clone();
        let mut entries = lookup(zone, &name);
        if entries.is_empty() {
            reply.metadata.response_code = ResponseCode::NXDomain;
            continue;
        }
        if kind != RecordType::CNAME
            && let Some(Entry::Cname(target)) = entries.first()
        {
            let target_name = Name::from_str(&format!("{target}.")).unwrap();
            reply.add_answer(Record::from_rdata(
                owner.clone(),
                0,
                RData::CNAME(CNAME(target_name.clone())),
            ));
            name = target.clone();
            owner = target_name;
            entries = lookup(zone, &name);
        }
        let n = if kind == RecordType::A {
            let mut counts = counts.lock().unwrap();
            let n = counts.entry(asked).or_default();
            *n += 1;
            *n - 1
        } else {
            0
        };
        for entry in entries {
            let ip = match entry {
                Entry::Addr(ip) => Some(ip),
                Entry::Script(ips) => Some(ips[n.min(ips.len() - 1)]),
                Entry::Ns(server) if kind == RecordType::NS => {
                    let server = Name::from_str(&format!("{server}.")).unwrap();
                    reply.add_answer(Record::from_rdata(owner.clone(), 0, RData::NS(NS(server))));
                    None
                }
                _ => None,
            };
            let rdata = match (ip, kind) {
                (Some(IpAddr::V4(v4)), RecordType::A) => RData::A(A(v4)),
                (Some(IpAddr::V6(v6)), RecordType::AAAA) => RData::AAAA(AAAA(v6)),
                _ => continue,
            };
            reply.add_answer(Record::from_rdata(owner.clone(), 0, rdata));
        }
    }
    reply
}

fn lookup(zone: &Zone, name: &str) -> Vec<Entry> {
    zone.entries
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, e)| e.clone())
        .collect()
}
