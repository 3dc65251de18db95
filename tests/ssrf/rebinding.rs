//! DNS rebinding with TTL 0: a name that answers an allowed address to the scope check and a blocked one when the
//! connection is made, or turns blocked in the middle of a scan, is refused on the address it would really use.

use crate::fixture::{app, assert_refusal, cli, dns, try_scan};
use crate::traps::{ALLOWED, Site, traps};
use palisade::model::Profile;

ns_test! {
    async fn a_name_that_rebinds_between_the_check_and_the_connection_is_refused() {
        let traps = traps().await;
        let dns = dns().await;
        let t = app(&dns).await;
        let site = Site::start(ALLOWED, 80, crate::support::fixed(200, &[], "<html>ok</html>")).await;
        let out = try_scan(&t, &["http://rebind.evil.test/"], Profile::Quick)
            .await
            .expect("the scope check saw the allowed address");
        assert!(dns.queries("rebind.evil.test") >= 2, "looked up again to connect");
        let error = out.scan.targets[0].error.clone().unwrap_or_default();
        assert_refusal(&error, "rebind.evil.test resolves to 10.0.0.1");
        assert_eq!(site.total(), 0, "the allowed answer was only the first one");
        traps.assert_untouched("a name rebinding to 10.0.0.1 before the connection");
    }
}

ns_test! {
    async fn a_name_that_rebinds_in_the_middle_of_a_scan_reaches_nothing_blocked() {
        let traps = traps().await;
        let dns = dns().await;
        let t = app(&dns).await;
        let page = "<html><a href=\"/a\">a</a><a href=\"/b\">b</a><script src=\"/app.js\"></script></html>";
        let site = Site::start(ALLOWED, 80, crate::support::fixed(200, &[("content-type", "text/html")], page)).await;
        let out = try_scan(&t, &["http://later.evil.test/"], Profile::Standard)
            .await
            .expect("starts");
        assert!(dns.queries("later.evil.test") >= 4, "looked up again during the scan");
        assert!(site.total() >= 1, "the start page came from the allowed address: {out:?}");
        traps.assert_untouched("a name rebinding to 10.0.0.1 mid-scan");
    }
}

ns_test! {
    async fn the_command_line_refuses_a_rebinding_name_naming_the_address() {
        let traps = traps().await;
        let dns = dns().await;
        let dir = tempfile::tempdir().unwrap();
        let out = cli(&dir, &dns)
            .args(["scan", "http://rebind6.evil.test/", "--profile", "quick", "--timeout", "2"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert_refusal(&format!("{stdout}{stderr}"), "rebind6.evil.test resolves to 169.254.169.254");
        assert!(dns.queries("rebind6.evil.test") >= 2);
        traps.assert_untouched("a name rebinding to 169.254.169.254");
    }
}
