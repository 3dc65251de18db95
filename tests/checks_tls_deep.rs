//! The deep `tls` checks (`tls.protocols`, `tls.cipher-suites`, `tls.ocsp-stapling`) against `openssl s_server`
//! configured with legacy options, the project's own rustls server, and, for what this machine's OpenSSL cannot serve
//! any more (SSL 3.0, RC4, 3DES and export suites are compiled out of Debian's OpenSSL 3), a small server in this file
//! that answers a ClientHello with a ServerHello written by hand.

mod support;
#[path = "tls_deep_support/mod.rs"]
mod tls_deep;

use palisade::lab::certs::{CertSpec, LabCa};
use palisade::model::{CoverageState, Profile, Severity};
use support::*;
use tls_deep::*;

/// The rule ids the deep checks report.
const DEEP: &[&str] = &[
    "tls.ssl3-accepted",
    "tls.tls10-accepted",
    "tls.tls11-accepted",
    "tls.tls13-missing",
    "tls.null-cipher",
    "tls.anonymous-cipher",
    "tls.export-cipher",
    "tls.rc4-cipher",
    "tls.3des-cipher",
    "tls.no-forward-secrecy",
    "tls.ocsp-stapling-missing",
];
const CHECKS: [&str; 3] = ["tls.protocols", "tls.cipher-suites", "tls.ocsp-stapling"];

fn deep_ids(out: &Outcome) -> Vec<&str> {
    out.ids()
        .into_iter()
        .filter(|id| DEEP.contains(id))
        .collect()
}

fn evidence(out: &Outcome, id: &str) -> String {
    out.finding(id).evidence.clone().unwrap_or_default()
}

#[tokio::test]
async fn legacy_openssl_server_accepts_tls10_tls11_null_and_anonymous_suites() {
    let cert = Cert::rsa(None);
    let server = OpenSsl::start(
        &cert,
        &[
            "-min_protocol",
            "TLSv1",
            "-no_tls1_3",
            "-cipher",
            "ALL:eNULL:aNULL:@SECLEVEL=0",
        ],
    )
    .await;
    let out = scan(server.addr(), Profile::Standard, |_| {}).await;
    assert_eq!(
        deep_ids(&out),
        vec![
            "tls.anonymous-cipher",
            "tls.null-cipher",
            "tls.tls10-accepted",
            "tls.tls11-accepted",
            "tls.tls13-missing",
        ]
    );
    let tls10 = out.finding("tls.tls10-accepted");
    assert_eq!(tls10.severity, Severity::Medium);
    assert_eq!(tls10.location, "site.test (TLS)");
    assert_eq!(
        tls10.title,
        "Server accepts TLS 1.0, with CBC cipher suites"
    );
    assert_eq!(tls10.cve, vec!["CVE-2011-3389"]);
    assert_eq!(
        evidence(&out, "tls.tls10-accepted"),
        "ClientHello offering TLS 1.0 only (23 cipher suites) answered with ServerHello TLS 1.0, \
         TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"
    );
    assert!(
        evidence(&out, "tls.tls11-accepted")
            .ends_with("ServerHello TLS 1.1, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA")
    );
    assert_eq!(out.finding("tls.tls13-missing").severity, Severity::Low);
    assert!(
        evidence(&out, "tls.tls13-missing")
            .starts_with("ClientHello offering TLS 1.3 and 1.2 (34 cipher suites) answered with ServerHello TLS 1.2, TLS_ECDHE_RSA_WITH_AES_"),
        "{}",
        evidence(&out, "tls.tls13-missing")
    );
    let null = out.finding("tls.null-cipher");
    assert_eq!(null.severity, Severity::High);
    assert_eq!(
        evidence(&out, "tls.null-cipher"),
        "ClientHello (up to TLS 1.2) offering only NULL (unencrypted) suites (8) answered with ServerHello \
         TLS 1.2, TLS_RSA_WITH_NULL_MD5"
    );
    assert_eq!(out.finding("tls.anonymous-cipher").severity, Severity::High);
    assert!(
        evidence(&out, "tls.anonymous-cipher")
            .ends_with("ServerHello TLS 1.2, TLS_DH_anon_WITH_AES_128_GCM_SHA256"),
        "{}",
        evidence(&out, "tls.anonymous-cipher")
    );
    assert_eq!(out.state("tls.protocols"), CoverageState::Found);
    assert_eq!(out.state("tls.cipher-suites"), CoverageState::Found);
    assert_eq!(out.state("tls.ocsp-stapling"), CoverageState::Skipped);
    assert!(
        out.detail("tls.ocsp-stapling")
            .contains("names no OCSP responder")
    );
}

#[tokio::test]
async fn static_rsa_only_server_has_no_forward_secrecy() {
    let cert = Cert::rsa(None);
    let server = OpenSsl::start(
        &cert,
        &["-no_tls1_3", "-cipher", "AES128-GCM-SHA256:AES256-SHA"],
    )
    .await;
    let out = scan(server.addr(), Profile::Standard, |_| {}).await;
    assert_eq!(
        deep_ids(&out),
        vec!["tls.no-forward-secrecy", "tls.tls13-missing"]
    );
    let f = out.finding("tls.no-forward-secrecy");
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(
        evidence(&out, "tls.no-forward-secrecy"),
        "ClientHello (up to TLS 1.2) offering only ECDHE and DHE suites (47) answered with alert \
         handshake_failure (40); ClientHello (up to TLS 1.2) offering only static RSA suites (16) answered with \
         ServerHello TLS 1.2, TLS_RSA_WITH_AES_128_GCM_SHA256"
    );
}

#[tokio::test]
async fn modern_openssl_server_that_staples_yields_nothing() {
    let cert = Cert::rsa(Some("http://ocsp.site.test/"));
    let response = cert.ocsp_response();
    let server = OpenSsl::start(&cert, &["-status_file", &response]).await;
    let out = scan(server.addr(), Profile::Standard, |_| {}).await;
    assert_eq!(deep_ids(&out), Vec::<&str>::new());
    for check in CHECKS {
        assert_eq!(out.state(check), CoverageState::Passed, "{check}");
    }
}

#[tokio::test]
async fn a_certificate_naming_an_ocsp_responder_without_stapling_is_reported() {
    let cert = Cert::rsa(Some("http://ocsp.site.test/"));
    let server = OpenSsl::start(&cert, &[]).await;
    let out = scan(server.addr(), Profile::Standard, |_| {}).await;
    assert_eq!(deep_ids(&out), vec!["tls.ocsp-stapling-missing"]);
    let f = out.finding("tls.ocsp-stapling-missing");
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(f.location, "site.test (TLS)");
    let text = evidence(&out, "tls.ocsp-stapling-missing");
    assert!(
        text.contains("without status_request and no CertificateStatus message")
            && text.ends_with("the certificate's OCSP responder: http://ocsp.site.test/"),
        "{text}"
    );
}

#[tokio::test]
async fn a_tls13_only_server_leaves_nothing_to_judge_below_it() {
    let server = tls13_only_server().await;
    let out = scan(server.addr, Profile::Standard, |_| {}).await;
    assert_eq!(deep_ids(&out), Vec::<&str>::new());
    assert_eq!(out.state("tls.protocols"), CoverageState::Passed);
    assert_eq!(out.state("tls.cipher-suites"), CoverageState::Skipped);
    assert!(
        out.detail("tls.cipher-suites")
            .contains("speaks only TLS 1.3")
    );
    assert_eq!(out.state("tls.ocsp-stapling"), CoverageState::Skipped);
    assert!(
        out.detail("tls.ocsp-stapling")
            .contains("speaks only TLS 1.3")
    );
}

#[tokio::test]
async fn the_projects_rustls_server_yields_nothing() {
    let ca = LabCa::new("Test CA");
    let server = https(
        fixed(200, &[], "<html>ok</html>"),
        &ca.issue(&CertSpec::valid(&[HOST], 200)),
    )
    .await;
    let out = scan(server.addr, Profile::Standard, |c| {
        c.network.ca_certs.push(ca.cert_der())
    })
    .await;
    assert_eq!(deep_ids(&out), Vec::<&str>::new());
    assert_eq!(out.state("tls.protocols"), CoverageState::Passed);
    assert_eq!(out.state("tls.cipher-suites"), CoverageState::Passed);
    assert_eq!(out.state("tls.ocsp-stapling"), CoverageState::Skipped);
    let quick = scan(server.addr, Profile::Quick, |_| {}).await;
    assert!(
        quick
            .coverage
            .iter()
            .all(|c| !CHECKS.contains(&c.check_id.as_str())),
        "the quick profile sends no probe"
    );
}

#[tokio::test]
async fn old_server_with_ssl3_rc4_3des_and_export_suites() {
    // SSL 3.0 to TLS 1.2, RSA only: RSA_EXPORT_WITH_RC4_40_MD5, RC4_128_SHA, 3DES_EDE_CBC_SHA, AES_128_CBC_SHA.
    let server = FakeServer::start(Fake {
        versions: (0x0300, 0x0303),
        suites: vec![0x0003, 0x0005, 0x000A, 0x002F],
        force_version: None,
    })
    .await;
    let out = scan(server.addr, Profile::Standard, |_| {}).await;
    assert_eq!(
        deep_ids(&out),
        vec![
            "tls.3des-cipher",
            "tls.export-cipher",
            "tls.no-forward-secrecy",
            "tls.rc4-cipher",
            "tls.ssl3-accepted",
            "tls.tls10-accepted",
            "tls.tls11-accepted",
            "tls.tls13-missing",
        ]
    );
    let ssl3 = out.finding("tls.ssl3-accepted");
    assert_eq!(ssl3.severity, Severity::High);
    assert_eq!(ssl3.cve, vec!["CVE-2014-3566"]);
    assert_eq!(
        evidence(&out, "tls.ssl3-accepted"),
        "ClientHello offering SSL 3.0 only (20 cipher suites) answered with ServerHello SSL 3.0, \
         TLS_RSA_WITH_AES_128_CBC_SHA"
    );
    let export = out.finding("tls.export-cipher");
    assert_eq!(
        (export.severity, export.cve.clone()),
        (Severity::High, vec!["CVE-2015-0204".to_string()])
    );
    assert!(
        evidence(&out, "tls.export-cipher")
            .ends_with("ServerHello TLS 1.2, TLS_RSA_EXPORT_WITH_RC4_40_MD5")
    );
    let rc4 = out.finding("tls.rc4-cipher");
    assert_eq!(rc4.severity, Severity::High);
    assert!(
        evidence(&out, "tls.rc4-cipher").ends_with("ServerHello TLS 1.2, TLS_RSA_WITH_RC4_128_SHA")
    );
    let des = out.finding("tls.3des-cipher");
    assert_eq!(
        (des.severity, des.cve.clone()),
        (Severity::Medium, vec!["CVE-2016-2183".to_string()])
    );
    assert!(
        evidence(&out, "tls.3des-cipher")
            .ends_with("ServerHello TLS 1.2, TLS_RSA_WITH_3DES_EDE_CBC_SHA")
    );
    // The stapling probe read the certificate from the flight: it names no responder.
    assert_eq!(out.state("tls.ocsp-stapling"), CoverageState::Skipped);
}

#[tokio::test]
async fn a_server_answering_old_hellos_with_tls12_did_not_accept_the_old_versions() {
    let server = FakeServer::start(Fake {
        versions: (0x0300, 0x0303),
        suites: vec![0xC013, 0xC02F],
        force_version: Some(0x0303),
    })
    .await;
    let out = scan(server.addr, Profile::Standard, |_| {}).await;
    assert_eq!(deep_ids(&out), vec!["tls.tls13-missing"]);
    assert_eq!(out.state("tls.protocols"), CoverageState::Found);
    assert_eq!(out.state("tls.cipher-suites"), CoverageState::Passed);
}

#[tokio::test]
async fn a_plain_http_site_skips_the_probes() {
    let plain = http(fixed(200, &[], "<html>plain</html>")).await;
    let t = TestApp::new(|c| c.network.pins = pin_site(HOST, plain.addr, closed_port())).await;
    let out = t.scan(&["http://site.test/"], Profile::Standard).await;
    for check in CHECKS {
        assert_eq!(out.state(check), CoverageState::Skipped, "{check}");
        assert_eq!(out.detail(check), "nothing answers HTTPS on site.test");
    }
}

#[tokio::test]
async fn a_port_that_does_not_speak_tls_is_an_error_not_a_pass() {
    let plain = http(fixed(200, &[], "<html>plain</html>")).await;
    let out = scan(plain.addr, Profile::Standard, |_| {}).await;
    assert_eq!(deep_ids(&out), Vec::<&str>::new());
    for check in CHECKS {
        assert_eq!(out.state(check), CoverageState::Errored, "{check}");
    }
    let detail = out.detail("tls.protocols");
    assert!(
        detail.starts_with("no ClientHello was accepted, so protocol support could not be judged (TLS 1.3: not a TLS answer: ")
            && detail.contains("48 54 54 50"),
        "{detail}"
    );
    assert!(
        out.detail("tls.cipher-suites")
            .starts_with("no ClientHello up to TLS 1.2 was accepted"),
        "{}",
        out.detail("tls.cipher-suites")
    );
    assert!(
        out.detail("tls.ocsp-stapling")
            .starts_with("a TLS 1.2 ClientHello was not accepted: not a TLS answer"),
        "{}",
        out.detail("tls.ocsp-stapling")
    );
}

#[tokio::test]
async fn openssl_builds_with_ssl3_rc4_or_3des_are_probed_too() {
    let legacy = ["-provider", "legacy", "-provider", "default"];
    let cases: [(&str, bool, Vec<&str>, &str); 3] = [
        (
            "3DES",
            openssl_has_cipher(&[], "DES-CBC3-SHA"),
            vec!["-no_tls1_3", "-cipher", "DEFAULT:DES-CBC3-SHA:@SECLEVEL=0"],
            "tls.3des-cipher",
        ),
        (
            "RC4",
            openssl_has_cipher(&legacy, "RC4-SHA"),
            [
                &legacy[..],
                &["-no_tls1_3", "-cipher", "DEFAULT:RC4-SHA:@SECLEVEL=0"],
            ]
            .concat(),
            "tls.rc4-cipher",
        ),
        (
            "SSL 3.0",
            openssl_has_ssl3(),
            vec!["-ssl3", "-cipher", "DEFAULT:@SECLEVEL=0"],
            "tls.ssl3-accepted",
        ),
    ];
    for (what, available, args, id) in cases {
        if !available {
            eprintln!(
                "skipped the openssl {what} case: this OpenSSL build has no {what} (compiled out); \
                 old_server_with_ssl3_rc4_3des_and_export_suites covers it with a hand-written ServerHello"
            );
            continue;
        }
        let server = OpenSsl::start(&Cert::rsa(None), &args).await;
        let out = scan(server.addr(), Profile::Standard, |_| {}).await;
        assert!(deep_ids(&out).contains(&id), "{what}: {:?}", deep_ids(&out));
    }
    eprintln!(
        "skipped the openssl export case: export suites are gone from every OpenSSL since 1.1.0; the \
         hand-written server covers them"
    );
}
