//! A pinned name never reaches the system's resolver: with `--resolve shop.palisade-pinned.com:PORT:127.0.0.1` and
//! no name server of the user's choosing, standard and deep scans send no DNS query naming it, and the `dns`
//! checks say why they were skipped. The test runs in a user, network and mount namespace of its own, where
//! /etc/resolv.conf points at a DNS server in the test that writes down every name it is asked.

mod support;

use palisade::model::{CoverageState, Profile};
use std::sync::{Arc, Mutex};
use support::*;

const IN_NAMESPACE: &str = "PALISADE_TEST_IN_NETNS";
const PINNED: &str = "shop.palisade-pinned.com";
const CONTROL: &str = "control.palisade-unpinned.com";

/// Runs `name` again inside `unshare -rnm`; false (saying so on stderr) where user namespaces are unavailable.
fn rerun_in_namespace(name: &str) -> bool {
    match std::process::Command::new("unshare")
        .args(["-rnm", "true"])
        .output()
    {
        Ok(o) if o.status.success() => {}
        other => {
            eprintln!("skipped: user namespaces unavailable: {other:?}");
            return false;
        }
    }
    let out = std::process::Command::new("unshare")
        .arg("-rnm")
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads", "1"])
        .env(IN_NAMESPACE, "1")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "inside the namespace:\n{text}");
    assert!(text.contains("1 passed"), "ran inside:\n{text}");
    true
}

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
    if std::env::var_os(IN_NAMESPACE).is_none() {
        rerun_in_namespace("a_pinned_name_is_never_sent_to_the_systems_resolver");
        return;
    }
    let run = |args: &[&str]| {
        let s = std::process::Command::new(args[0])
            .args(&args[1..])
            .status()
            .unwrap();
        assert!(s.success(), "{args:?}");
    };
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
