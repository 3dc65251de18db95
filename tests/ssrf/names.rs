//! Names that resolve to blocked addresses (A and AAAA, IPv4-mapped and NAT64 answers, one blocked address among
//! allowed ones, CNAMEs, IDN names, upper case and trailing dots) and pins (`--resolve`, `--connect-to`) to blocked
//! addresses: each is refused naming the name, the address and the setting, and none is connected to.

use crate::fixture::{app, assert_refusal, cli, dns, refusal_problem, scan_error, try_scan};
use crate::support::TestApp;
use crate::traps::{ALLOWED, Site, allow, traps};
use palisade::app::{AppError, DEFAULT_ORG, ScanRequest};
use palisade::model::Profile;
use std::time::Duration;

const CASES: &[(&str, &str)] = &[
    (
        "http://ten.evil.test/",
        "ten.evil.test resolves to 10.0.0.1",
    ),
    (
        "https://ten.evil.test:8443/",
        "ten.evil.test resolves to 10.0.0.1",
    ),
    (
        "http://TEN.EVIL.TEST./",
        "ten.evil.test resolves to 10.0.0.1",
    ),
    ("ten.evil.test", "ten.evil.test resolves to 10.0.0.1"),
    (
        "http://meta.evil.test/latest/meta-data/",
        "meta.evil.test resolves to 169.254.169.254",
    ),
    (
        "http://cgnat.evil.test/",
        "cgnat.evil.test resolves to 100.64.0.1",
    ),
    (
        "http://loop.evil.test:8080/",
        "loop.evil.test resolves to 127.0.0.1",
    ),
    ("http://ula.evil.test/", "ula.evil.test resolves to fd00::1"),
    ("http://six.evil.test/", "six.evil.test resolves to ::1"),
    (
        "http://mapped.evil.test/",
        "mapped.evil.test resolves to 10.0.0.1",
    ),
    (
        "http://nat64.evil.test/",
        "nat64.evil.test resolves to 64:ff9b::a9fe:a9fe",
    ),
    (
        "http://mixed.evil.test/",
        "mixed.evil.test resolves to 10.0.0.1",
    ),
    (
        "http://mixed46.evil.test/",
        "mixed46.evil.test resolves to fd00::1",
    ),
    (
        "http://mixed6.evil.test/",
        "mixed6.evil.test resolves to fd00::1",
    ),
    (
        "http://alias.evil.test/",
        "alias.evil.test resolves to 169.254.169.254",
    ),
    (
        "http://b\u{fc}cher.evil.test/",
        "xn--bcher-kva.evil.test resolves to 10.0.0.1",
    ),
    (
        "http://%74en.evil.test/",
        "ten.evil.test resolves to 10.0.0.1",
    ),
    (
        "http://\u{24e3}\u{24d4}\u{24dd}.evil.test/",
        "ten.evil.test resolves to 10.0.0.1",
    ),
];

ns_test! {
    async fn names_resolving_to_blocked_addresses_are_refused() {
        let traps = traps().await;
        let dns = dns().await;
        let t = app(&dns).await;
        let site = Site::start(ALLOWED, 80, crate::support::fixed(200, &[], "<html>ok</html>")).await;
        let mut wrong = Vec::new();
        for (input, expect) in CASES {
            let added = t.app.add_target(DEFAULT_ORG, input, None).await.map(|_| ());
            let request = ScanRequest {
                targets: vec![input.to_string(), "http://ok.site.test/".into()],
                profile: Some(Profile::Quick),
                ..Default::default()
            };
            let started = t.app.start_scan(DEFAULT_ORG, request).await.map(|_| ());
            for (what, result) in [("add_target", added), ("start_scan", started)] {
                match result {
                    Err(AppError::OutOfScope { reason, .. }) => {
                        if let Some(problem) = refusal_problem(&reason, expect) {
                            wrong.push(format!("{what} {input}: {problem}"));
                        }
                    }
                    other => wrong.push(format!("{what} {input}: not refused: {other:?}")),
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        // localhost in any spelling: refused, or unknown to this DNS; never connected to.
        for input in ["http://localhost/", "http://LOCALHOST./", "http://\u{24db}\u{24de}\u{24d2}\u{24d0}\u{24db}\u{24d7}\u{24de}\u{24e2}\u{24e3}/", "http://localhost.:8080/"] {
            let _ = t.app.add_target(DEFAULT_ORG, input, None).await;
            let _ = try_scan(&t, &[input], Profile::Quick).await;
        }
        let out = t.scan(&["http://ok.site.test/"], Profile::Quick).await;
        assert_eq!(out.scan.targets[0].error, None);
        assert!(site.total() > 0, "the allowed name was scanned");
        traps.assert_untouched("names resolving to blocked addresses");
    }
}

ns_test! {
    async fn pins_to_blocked_addresses_are_refused() {
        let traps = traps().await;
        let dns = dns().await;
        let ns = dns.addr;
        let pins = [
            "ok.site.test:80:10.0.0.1",
            "ok.site.test:80:[fd00::1]",
            "ok.site.test:80:169.254.169.254",
        ];
        for pin in pins {
            let t = TestApp::new(move |c| {
                c.scope.allow = allow();
                c.network.nameservers = vec![ns];
                c.network.pins = vec![palisade::config::parse_resolve(pin).unwrap()];
            })
            .await;
            let error = scan_error(&t, "http://ok.site.test/", Profile::Quick).await;
            let addr = pin.splitn(3, ':').nth(2).unwrap().trim_matches(['[', ']']);
            assert_refusal(&error, &format!("ok.site.test resolves to {addr}"));
        }
        let t = TestApp::new(move |c| {
            c.scope.allow = allow();
            c.network.nameservers = vec![ns];
            c.network.pins = vec![palisade::config::parse_connect_to("ok.site.test:80:127.0.0.1:8080").unwrap()];
        })
        .await;
        let error = scan_error(&t, "http://ok.site.test/", Profile::Quick).await;
        assert_refusal(&error, "127.0.0.1");

        // The same on the command line; a pin to the allowed address is the positive control.
        let dir = tempfile::tempdir().unwrap();
        for flag in [
            ["--resolve", "ok.site.test:80:10.0.0.1"],
            ["--connect-to", "ok.site.test:80:169.254.169.254:80"],
            ["--resolve", "ok.site.test:80:[::ffff:100.64.0.1]"],
        ] {
            let out = cli(&dir, &dns)
                .args(["scan", "http://ok.site.test/", "--profile", "quick", "--timeout", "2"])
                .args(flag)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_ne!(out.status.code(), Some(0), "{flag:?}: {stderr}");
            assert!(stderr.contains("out of scope"), "{flag:?}: {stderr}");
        }
        let site = Site::start(ALLOWED, 8080, crate::support::fixed(200, &[], "<html>ok</html>")).await;
        let out = cli(&dir, &dns)
            .args(["scan", "http://pinned.test/", "--profile", "quick", "--timeout", "2"])
            .args(["--connect-to", &format!("pinned.test:80:{ALLOWED}:8080")])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(site.total() > 0, "the pinned allowed address was scanned");
        tokio::time::sleep(Duration::from_millis(100)).await;
        traps.assert_untouched("pins to blocked addresses");
    }
}
