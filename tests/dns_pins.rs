//! A pinned name never reaches the system's resolver: with `--resolve shop.palisade-pinned.com:PORT:127.0.0.1` and
//! no name server of the user's choosing, standard and deep scans send no DNS query naming it, and the `dns`
//! checks say why they were skipped. The test runs in a user, network and mount namespace of its own, where
//! /etc/resolv.conf points at a DNS server in the test that writes down every name it is asked.

mod support;

use palisade::model::{CoverageState, Profile};
use std::sync::{Arc, Mutex};
use support::*;

const PINNED: &str = "shop.palisade-pinned.com";
const CONTROL: &str = "control.palisade-unpinned.com";

/// A DNS server on 127.0.0.1:53 answering NXDOMAIN to everything and keeping the names asked.
async fn logging_dns() -> Arc<Mutex<Vec<String>>> {
    use hickory_server::proto::op::{Message, MessageType, ResponseCode};
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:53").await.unwrap();
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = asked.clone();
    tokio::spawn(async move {
        let mut buf = [0u8; 1500];
        while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
            let Ok(query) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            for q in &query.queries {
                log.lock()
                    .unwrap()
                    .push(q.name().to_string().to_ascii_lowercase());
            }
            let mut reply = Message::new(
                query.metadata.id,
                MessageType::Response,
                query.metadata.op_code,
            );
            reply.metadata.response_code = ResponseCode::NXDomain;
            reply.add_queries(query.queries.clone());
            if let Ok(bytes) = reply.to_vec() {
                let _ = socket.send_to(&bytes, peer).await;
            }
        }
    });
    asked
}

#[test]
fn a_pinned_name_is_never_sent_to_the_systems_resolver() {
    if !support::netns::inside() {
        support::netns::rerun(
            "a_pinned_name_is_never_sent_to_the_systems_resolver",
            "-rnm",
        );
        return;
    }
    let run = support::netns::run;
    run(&["ip", "link", "set", "lo", "up"]);
    let conf = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(conf.path(), "nameserver 127.0.0.1\n").unwrap();
    run(&[
        "mount",
        "--bind",
        conf.path().to_str().unwrap(),
        "/etc/resolv.conf",
    ]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let asked = logging_dns().await;
        let site = http(fixed(
            200,
            &[("content-type", "text/html")],
            "<html>shop</html>",
        ))
        .await;
        let port = site.addr.port();
        for profile in [Profile::Standard, Profile::Deep] {
            let t = TestApp::new(|c| {
                // No name servers of the user's: the system's resolver, which /etc/resolv.conf points here.
                c.network.nameservers.clear();
                c.network.pins = vec![
                    palisade::config::parse_resolve(&format!("{PINNED}:{port}:127.0.0.1")).unwrap(),
                ];
                c.scan.timeout = std::time::Duration::from_secs(2);
            })
            .await;
            let out = t
                .scan(
                    &[
                        &format!("http://{PINNED}:{port}/"),
                        &format!("http://{CONTROL}:{port}/"),
                    ],
                    profile,
                )
                .await;
            let pinned_id = &out.scan.targets[0].target_id;
            assert!(
                out.scan.targets[0].error.is_none(),
                "the pinned site was scanned: {:?}",
                out.scan.targets[0].error
            );
            let dns: Vec<_> = out
                .coverage
                .iter()
                .filter(|c| &c.target_id == pinned_id && c.check_id.starts_with("dns."))
                .collect();
            assert!(!dns.is_empty(), "{profile:?} plans dns checks");
            for c in dns {
                assert_eq!(c.state, CoverageState::Skipped, "{}", c.check_id);
                assert!(
                    c.detail
                        .as_deref()
                        .unwrap_or("")
                        .contains("is pinned to an address"),
                    "{}: {:?}",
                    c.check_id,
                    c.detail
                );
            }
        }
        let asked = asked.lock().unwrap().clone();
        assert!(
            asked.iter().any(|n| n.contains("palisade-unpinned")),
            "the resolver is asked about names that are not pinned (the control): {asked:?}"
        );
        let leaked: Vec<_> = asked
            .iter()
            .filter(|n| n.contains("palisade-pinned"))
            .collect();
        assert!(leaked.is_empty(), "pinned names sent to DNS: {leaked:?}");
    });
}
