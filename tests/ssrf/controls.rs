//! The harness proves itself: every trap counts a connection made to it, and a scan the settings do allow into a
//! blocked range reaches its trap, so zero connections elsewhere means the guard refused, not that nothing listened.

use crate::fixture::dns;
use crate::support::TestApp;
use crate::traps::{BLOCKED, PORTS, traps};
use palisade::model::Profile;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

ns_test! {
    async fn every_trap_counts_the_connections_it_accepts() {
        let traps = traps().await;
        for ip in BLOCKED {
            for port in PORTS {
                let addr = SocketAddr::new(ip.parse::<IpAddr>().unwrap(), port);
                tokio::net::TcpStream::connect(addr).await.unwrap_or_else(|e| panic!("{addr}: {e}"));
            }
        }
        for _ in 0..100 {
            if traps.hits().len() == BLOCKED.len() * PORTS.len() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(traps.hits().len(), BLOCKED.len() * PORTS.len(), "{:?}", traps.hits());
    }
}

ns_test! {
    async fn a_scan_allowed_into_the_blocked_ranges_reaches_the_traps() {
        let traps = traps().await;
        let dns = dns().await;
        let ns = dns.addr;
        let t = TestApp::new(move |c| {
            c.scope.allow = vec!["169.254.169.254/32".parse().unwrap()];
            c.scope.allow_private = true;
            c.network.nameservers = vec![ns];
            c.scan.timeout = Duration::from_secs(3);
        })
        .await;
        let out = t
            .scan(&["http://ten.evil.test/", "http://169.254.169.254/", "http://[fd00::1]/"], Profile::Quick)
            .await;
        for target in &out.scan.targets {
            assert_eq!(target.error, None, "{}", target.url);
        }
        let hits = traps.hits();
        for ip in ["10.0.0.1", "169.254.169.254", "fd00::1"] {
            assert!(
                hits.iter().any(|h| h.ip() == ip.parse::<IpAddr>().unwrap()),
                "{ip} was reached when allowed: {hits:?}"
            );
        }
    }
}
