//! IP literals in every spelling a URL parser accepts (decimal, octal, hex, short forms, IPv4 hidden in IPv6,
//! percent-encoded and full-width digits, trailing dots, credentials and backslashes): each is refused with the
//! address it really is, and none reaches a blocked address; the same spellings of an allowed address do reach it.

use crate::fixture::{app, assert_refusal, cli, dns, refusal_problem};
use crate::traps::{ALLOWED, ALLOWED_V6, Site, traps};
use palisade::app::{AppError, DEFAULT_ORG, ScanRequest};
use palisade::model::Profile;

/// What a spelling must give: a scope refusal naming the address, or a refusal of the URL itself.
#[derive(Clone, Copy, Debug)]
enum Expect {
    Scope(&'static str),
    Refused,
}
use Expect::*;

const CASES: &[(&str, Expect)] = &[
    ("http://10.0.0.1/", Scope("10.0.0.1")),
    ("10.0.0.1", Scope("10.0.0.1")),
    ("http://167772161/", Scope("10.0.0.1")),
    ("http://0xa000001/", Scope("10.0.0.1")),
    ("http://012.0.0.1/", Scope("10.0.0.1")),
    ("http://0x0a.0x00.0x00.0x01/", Scope("10.0.0.1")),
    ("http://10.1/", Scope("10.0.0.1")),
    ("http://10.0.1/", Scope("10.0.0.1")),
    ("http://10.0.0.1./", Scope("10.0.0.1")),
    ("http://%31%30.0.0.1/", Scope("10.0.0.1")),
    ("http://10.0.0.1%2e/", Scope("10.0.0.1")),
    (
        "http://\u{ff11}\u{ff10}.\u{ff10}.\u{ff10}.\u{ff11}/",
        Scope("10.0.0.1"),
    ),
    ("http://10.0.0.1:8080/", Scope("10.0.0.1")),
    ("https://10.0.0.1:8443/", Scope("10.0.0.1")),
    ("http://10.0.0.1#@198.51.100.7/", Scope("10.0.0.1")),
    ("http://10.0.0.1?@198.51.100.7/", Scope("10.0.0.1")),
    ("http://0x7f000001/", Scope("127.0.0.1")),
    ("http://2130706433/", Scope("127.0.0.1")),
    ("http://0177.0.0.1/", Scope("127.0.0.1")),
    ("http://127.1/", Scope("127.0.0.1")),
    ("http://0x7f.1/", Scope("127.0.0.1")),
    ("HTTP://127.0.0.1:80/", Scope("127.0.0.1")),
    ("http://2852039166/", Scope("169.254.169.254")),
    ("http://0xa9fea9fe/", Scope("169.254.169.254")),
    ("http://0251.0376.0251.0376/", Scope("169.254.169.254")),
    ("http://169.254.43518/", Scope("169.254.169.254")),
    ("http://1681915905/", Scope("100.64.0.1")),
    ("http://100.64.1/", Scope("100.64.0.1")),
    ("http://[::ffff:10.0.0.1]/", Scope("10.0.0.1")),
    ("http://[::ffff:a00:1]/", Scope("10.0.0.1")),
    ("http://[0:0:0:0:0:ffff:7f00:1]/", Scope("127.0.0.1")),
    ("http://[::ffff:169.254.169.254]/", Scope("169.254.169.254")),
    ("http://[64:ff9b::a00:1]/", Scope("64:ff9b::a00:1")),
    ("http://[64:ff9b::a9fe:a9fe]/", Scope("64:ff9b::a9fe:a9fe")),
    ("http://[64:ff9b:1::a00:1]/", Scope("64:ff9b:1::a00:1")),
    ("http://[2002:a00:1::]/", Scope("2002:a00:1::")),
    ("http://[2002:a9fe:a9fe::1]/", Scope("2002:a9fe:a9fe::1")),
    ("http://[fd00::1]/", Scope("fd00::1")),
    ("http://[fd00:0:0::1]:8080/", Scope("fd00::1")),
    ("http://[::1]/", Scope("::1")),
    ("http://[0:0:0:0:0:0:0:1]/", Scope("::1")),
    ("http://[::a00:1]/", Scope("out of scope")),
    ("http://0/", Scope("0.0.0.0")),
    ("http://0.0.0.0:8080/", Scope("0.0.0.0")),
    ("http://[::]/", Scope("::")),
    ("http://allowed@10.0.0.1/", Refused),
    ("http://198.51.100.7@10.0.0.1/", Refused),
    ("http://198.51.100.7:80@10.0.0.1/", Refused),
    ("http:\\\\10.0.0.1\\", Refused),
    ("http:/10.0.0.1/", Refused),
    ("ftp://10.0.0.1/", Refused),
    ("gopher://127.0.0.1:80/", Refused),
    ("file:///etc/passwd", Refused),
    ("::1", Refused),
];

/// Spellings of the allowed addresses: each must reach the allowed site.
const ALLOWED_SPELLINGS: &[&str] = &[
    "http://198.51.100.7/",
    "http://0xc6336407/",
    "http://3325256711/",
    "http://198.51.25607/",
    "http://0306.063.0144.07/",
    "http://[::ffff:c633:6407]/",
    "http://[2001:db8::7]/",
];

ns_test! {
    async fn every_spelling_of_a_blocked_literal_is_refused_by_the_app() {
        let traps = traps().await;
        let dns = dns().await;
        let t = app(&dns).await;
        let v4 = Site::start(ALLOWED, 80, crate::support::fixed(200, &[], "<html>ok</html>")).await;
        let v6 = Site::start(ALLOWED_V6, 80, crate::support::fixed(200, &[], "<html>ok</html>")).await;
        let mut wrong = Vec::new();
        for (input, expect) in CASES {
            let added = t.app.add_target(DEFAULT_ORG, input, None).await;
            let request = ScanRequest {
                targets: vec![input.to_string()],
                profile: Some(Profile::Quick),
                ..Default::default()
            };
            let started = t.app.start_scan(DEFAULT_ORG, request).await;
            for (what, result) in [
                ("add_target", added.map(|_| ())),
                ("start_scan", started.map(|_| ())),
            ] {
                match (result, expect) {
                    (Err(AppError::OutOfScope { reason, .. }), Scope(addr)) => {
                        if let Some(problem) = refusal_problem(&reason, addr) {
                            wrong.push(format!("{what} {input}: {problem}"));
                        }
                    }
                    (Err(AppError::OutOfScope { .. }), Refused) => {}
                    (Err(AppError::InvalidTarget(_)), Refused) => {}
                    (other, _) => wrong.push(format!("{what} {input}: expected {expect:?}, got {other:?}")),
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        traps.assert_untouched("blocked literals through the App");

        // The positive control: the same spellings of an allowed address are decoded and scanned.
        for input in ALLOWED_SPELLINGS {
            let out = t.scan(&[input], Profile::Quick).await;
            assert_eq!(out.scan.targets[0].error, None, "{input} reaches the allowed site");
        }
        assert!(v4.total() >= ALLOWED_SPELLINGS.len() - 1, "the IPv4 site was scanned: {:?}", v4.paths());
        assert!(v6.total() >= 1, "the IPv6 site was scanned");
        traps.assert_untouched("allowed literals");
    }
}

ns_test! {
    async fn the_command_line_refuses_blocked_literals_with_the_address_and_the_flag() {
        let traps = traps().await;
        let dns = dns().await;
        let dir = tempfile::tempdir().unwrap();
        let cases = CASES.iter().filter(|(_, e)| matches!(e, Scope(_))).step_by(3);
        for (input, expect) in cases {
            let Scope(addr) = expect else { unreachable!() };
            for args in [
                vec!["scan", input, "--profile", "quick", "--timeout", "2"],
                vec!["targets", "add", input],
            ] {
                let out = cli(&dir, &dns).args(&args).output().unwrap();
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
                assert_refusal(&stderr, addr);
                if addr.contains('.') && !addr.starts_with('0') && !addr.contains(':') {
                    assert!(stderr.contains("--allow"), "names the flag: {stderr}");
                }
            }
        }
        // The positive control: the binary does scan an allowed address.
        let site = Site::start(ALLOWED, 80, crate::support::fixed(200, &[], "<html>ok</html>")).await;
        let out = cli(&dir, &dns)
            .args(["scan", "http://0xc6336407/", "--profile", "quick", "--timeout", "2"])
            .output()
            .unwrap();
        assert!(
            out.status.code() == Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(site.total() > 0, "the allowed site was scanned");
        traps.assert_untouched("blocked literals on the command line");
    }
}
