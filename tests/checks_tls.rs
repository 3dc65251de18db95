//! The `tls` checks against real TLS servers on loopback, each with a certificate made for the case.

mod support;

use palisade::lab::certs::{self, CertKey, CertSpec, LabCa};
use palisade::model::{CoverageState, Profile, Severity};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::*;

const HOST: &str = "site.test";

/// Scans `https://site.test/` served with `cert`, trusting `ca` if given; plain HTTP on port 80 is closed.
async fn scan_cert(cert: &CertKey, ca: Option<&LabCa>) -> Outcome {
    let server = https(fixed(200, &[], "<html><body>hi</body></html>"), cert).await;
    let t = TestApp::new(|c| {
        c.network.pins = pin_site(HOST, closed_port(), server.addr);
        c.network.ca_certs.extend(ca.map(|ca| ca.cert_der()));
    })
    .await;
    t.scan(&[&format!("https://{HOST}/")], Profile::Quick).await
}

#[tokio::test]
async fn a_valid_certificate_from_a_trusted_ca_has_no_finding() {
    let ca = LabCa::new("Test CA");
    let out = scan_cert(&ca.issue(&CertSpec::valid(&[HOST], 200)), Some(&ca)).await;
    assert_eq!(out.ids_in("tls.cert"), Vec::<&str>::new());
    assert_eq!(out.state("tls.certificate"), CoverageState::Passed);
}

#[tokio::test]
async fn expired_certificate() {
    let ca = LabCa::new("Test CA");
    let out = scan_cert(&ca.issue(&CertSpec::window(&[HOST], -90, -2)), Some(&ca)).await;
    assert_eq!(
        out.ids_in("tls.cert"),
        vec!["tls.cert-expired"],
        "an expired but otherwise trusted certificate"
    );
    let f = out.finding("tls.cert-expired");
    assert_eq!(f.severity, Severity::High);
    assert!(
        f.title.starts_with("TLS certificate expired on "),
        "{}",
        f.title
    );
    assert_eq!(f.location, "site.test (TLS)");
}

#[tokio::test]
async fn not_yet_valid_certificate() {
    let ca = LabCa::new("Test CA");
    let out = scan_cert(&ca.issue(&CertSpec::window(&[HOST], 3, 100)), Some(&ca)).await;
    assert_eq!(out.ids_in("tls.cert"), vec!["tls.cert-not-yet-valid"]);
}

#[tokio::test]
async fn certificate_expiring_within_30_days_and_within_a_week() {
    let ca = LabCa::new("Test CA");
    let soon = scan_cert(&ca.issue(&CertSpec::valid(&[HOST], 20)), Some(&ca)).await;
    assert_eq!(soon.ids_in("tls.cert"), vec!["tls.cert-expiring-soon"]);
    assert_eq!(
        soon.finding("tls.cert-expiring-soon").severity,
        Severity::Medium
    );
    let very_soon = scan_cert(&ca.issue(&CertSpec::valid(&[HOST], 3)), Some(&ca)).await;
    assert_eq!(
        very_soon.finding("tls.cert-expiring-soon").severity,
        Severity::High
    );
    let later = scan_cert(&ca.issue(&CertSpec::valid(&[HOST], 45)), Some(&ca)).await;
    assert_eq!(later.ids_in("tls.cert"), Vec::<&str>::new());
}

#[tokio::test]
async fn self_signed_certificate() {
    let out = scan_cert(&certs::self_signed(&CertSpec::valid(&[HOST], 200)), None).await;
    assert_eq!(out.ids_in("tls.cert"), vec!["tls.cert-self-signed"]);
}

#[tokio::test]
async fn untrusted_chain_is_reported_and_ca_cert_trusts_it() {
    let private_ca = LabCa::new("Private CA");
    let cert = private_ca.issue(&CertSpec::valid(&[HOST], 200));
    let untrusted = scan_cert(&cert, None).await;
    assert_eq!(untrusted.ids_in("tls.cert"), vec!["tls.cert-untrusted"]);
    let evidence = untrusted
        .finding("tls.cert-untrusted")
        .evidence
        .clone()
        .unwrap_or_default();
    assert!(
        evidence.contains("does not lead to a trusted root"),
        "{evidence}"
    );
    let trusted = scan_cert(&cert, Some(&private_ca)).await;
    assert_eq!(trusted.ids_in("tls.cert"), Vec::<&str>::new());
}

#[tokio::test]
async fn hostname_mismatch() {
    let ca = LabCa::new("Test CA");
    let out = scan_cert(
        &ca.issue(&CertSpec::valid(&["other.test", "*.site.test"], 200)),
        Some(&ca),
    )
    .await;
    assert_eq!(out.ids_in("tls.cert"), vec!["tls.cert-hostname-mismatch"]);
    assert_eq!(
        out.finding("tls.cert-hostname-mismatch").title,
        "TLS certificate does not cover site.test"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ca_cert_flag_trusts_a_private_ca_from_a_pem_file() {
    let ca = LabCa::new("Private CA");
    let server = https(
        fixed(200, &[], "ok"),
        &ca.issue(&CertSpec::valid(&[HOST], 200)),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("ca.pem");
    std::fs::write(&pem, ca.cert_pem()).unwrap();
    let connect_to = format!("{HOST}:443:127.0.0.1:{}", server.addr.port());
    let run = |extra: &[&str]| {
        let mut cmd = palisade(&dir);
        cmd.args([
            "scan",
            "https://site.test/",
            "--profile",
            "quick",
            "--format",
            "jsonl",
            "--allow-private",
        ])
        .args([
            "--connect-to",
            &connect_to,
            "--connect-to",
            &format!("{HOST}:80:{}", closed_port()),
        ])
        .args(extra);
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    assert!(run(&[]).contains("\"check_id\":\"tls.cert-untrusted\""));
    assert!(!run(&["--ca-cert", pem.to_str().unwrap()]).contains("tls.cert-untrusted"));
}

/// `openssl s_server` with a certificate `openssl req` made: the honest peer for keys and hashes rustls refuses.
struct OpenSsl {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for OpenSsl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn openssl_server(key: &str, digest: &str) -> OpenSsl {
    let dir = tempfile::tempdir().unwrap();
    let (k, c) = (dir.path().join("k.pem"), dir.path().join("c.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            key,
            &format!("-{digest}"),
            "-nodes",
            "-days",
            "200",
        ])
        .args([
            "-subj",
            "/CN=site.test",
            "-addext",
            "subjectAltName=DNS:site.test",
        ])
        .arg("-keyout")
        .arg(&k)
        .arg("-out")
        .arg(&c)
        .stderr(Stdio::null())
        .status()
        .expect("openssl is installed (.ci/run installs it)");
    assert!(made.success(), "openssl req failed");
    let port = closed_port().port();
    let child = Command::new("openssl")
        .args([
            "s_server",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-www",
            "-cipher",
            "DEFAULT:@SECLEVEL=0",
        ])
        .args(["-ciphersuites", "TLS_AES_128_GCM_SHA256", "-no_tls1_3"])
        .arg("-cert")
        .arg(&c)
        .arg("-key")
        .arg(&k)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    OpenSsl {
        child,
        port,
        _dir: dir,
    }
}

async fn scan_openssl(server: &OpenSsl) -> Outcome {
    let addr = format!("127.0.0.1:{}", server.port).parse().unwrap();
    let t = TestApp::new(|c| c.network.pins = pin_site(HOST, closed_port(), addr)).await;
    t.scan(&[&format!("https://{HOST}/")], Profile::Quick).await
}

#[tokio::test]
async fn weak_rsa_key_and_sha1_signature() {
    let weak = scan_openssl(&openssl_server("rsa:1024", "sha1")).await;
    let ids = weak.ids_in("tls.cert");
    assert!(
        ids.contains(&"tls.cert-weak-key") && ids.contains(&"tls.cert-sha1-signature"),
        "{ids:?}"
    );
    assert_eq!(
        weak.finding("tls.cert-weak-key").title,
        "TLS certificate uses a 1024-bit RSA key"
    );
    let strong = scan_openssl(&openssl_server("rsa:2048", "sha256")).await;
    let ids = strong.ids_in("tls.cert");
    assert!(
        !ids.contains(&"tls.cert-weak-key") && !ids.contains(&"tls.cert-sha1-signature"),
        "{ids:?}"
    );
    assert_eq!(
        ids,
        vec!["tls.cert-self-signed"],
        "only the self-signing remains"
    );
}

#[tokio::test]
async fn http_that_serves_content_instead_of_redirecting() {
    let ca = LabCa::new("Test CA");
    let cert = ca.issue(&CertSpec::valid(&[HOST], 200));
    let secure = https(
        fixed(
            200,
            &[("strict-transport-security", "max-age=63072000")],
            "ok",
        ),
        &cert,
    )
    .await;
    let plain = http(fixed(200, &[], "<html>plain</html>")).await;
    let redirecting = http(fixed(301, &[("location", "https://site.test/")], "")).await;
    let scan = |http_addr| {
        let ca_der = ca.cert_der();
        let https_addr = secure.addr;
        async move {
            let t = TestApp::new(|c| {
                c.network.pins = pin_site(HOST, http_addr, https_addr);
                c.network.ca_certs.push(ca_der);
            })
            .await;
            t.scan(&["https://site.test/"], Profile::Quick).await
        }
    };
    let bad = scan(plain.addr).await;
    assert_eq!(bad.ids_in("tls."), vec!["tls.http-no-redirect"]);
    assert_eq!(
        bad.finding("tls.http-no-redirect").location,
        "http://site.test"
    );
    let good = scan(redirecting.addr).await;
    assert_eq!(good.ids_in("tls."), Vec::<&str>::new());
    assert_eq!(good.state("tls.https-redirect"), CoverageState::Passed);
}

#[tokio::test]
async fn a_plain_http_site_without_https_is_reported_once() {
    let plain = http(fixed(200, &[], "<html>plain</html>")).await;
    let t = TestApp::new(|c| c.network.pins = pin_site(HOST, plain.addr, closed_port())).await;
    let out = t.scan(&["http://site.test/"], Profile::Quick).await;
    assert_eq!(out.ids_in("tls."), vec!["tls.no-https"]);
    assert_eq!(out.state("tls.certificate"), CoverageState::Skipped);
    assert_eq!(out.state("tls.hsts"), CoverageState::Skipped);
}

/// A plain-HTTP site on port `port` of site.test, with port 443 served by `https` (or closed).
async fn scan_plain_on(port: u16, https: Option<std::net::SocketAddr>, ca: &LabCa) -> Outcome {
    let plain = http(fixed(200, &[], "<html>plain</html>")).await;
    let t = TestApp::new(|c| {
        let mut pins = pin_site(HOST, plain.addr, https.unwrap_or_else(closed_port));
        pins[0].port = port;
        c.network.pins = pins;
        c.network.ca_certs.push(ca.cert_der());
    })
    .await;
    let url = match port {
        80 => format!("http://{HOST}/"),
        _ => format!("http://{HOST}:{port}/"),
    };
    t.scan(&[&url], Profile::Quick).await
}

/// "No HTTPS at all" and "HTTP not redirected to HTTPS" exclude each other whatever port the plain site runs on:
/// a site on port 8080 with nothing on 443 was told to redirect to an HTTPS that does not exist.
#[tokio::test]
async fn no_https_and_no_redirect_are_never_reported_together() {
    let ca = LabCa::new("Test CA");
    let secure = https(
        fixed(
            200,
            &[("strict-transport-security", "max-age=63072000")],
            "ok",
        ),
        &ca.issue(&CertSpec::valid(&[HOST], 200)),
    )
    .await;
    for port in [80, 8080] {
        let without = scan_plain_on(port, None, &ca).await;
        assert_eq!(without.ids_in("tls."), vec!["tls.no-https"], "port {port}");
        let authority = match port {
            80 => HOST.to_string(),
            _ => format!("{HOST}:{port}"),
        };
        assert_eq!(without.finding("tls.no-https").location, authority);
        let with = scan_plain_on(port, Some(secure.addr), &ca).await;
        assert_eq!(
            with.ids_in("tls."),
            vec!["tls.http-no-redirect"],
            "port {port}"
        );
    }
}

#[tokio::test]
async fn hsts_missing_short_invalid_and_good() {
    let ca = LabCa::new("Test CA");
    let cert = ca.issue(&CertSpec::valid(&[HOST], 200));
    for (header, expected) in [
        (None, Some("tls.hsts-missing")),
        (Some("max-age=86400"), Some("tls.hsts-short")),
        (Some("includeSubDomains"), Some("tls.hsts-invalid")),
        (Some("max-age=31536000; includeSubDomains"), None),
    ] {
        let headers: Vec<(&str, &str)> = header
            .map(|h| ("strict-transport-security", h))
            .into_iter()
            .collect();
        let server = https(fixed(200, &headers, "ok"), &cert).await;
        let t = TestApp::new(|c| {
            c.network.pins = pin_site(HOST, closed_port(), server.addr);
            c.network.ca_certs.push(ca.cert_der());
        })
        .await;
        let out = t.scan(&["https://site.test/"], Profile::Quick).await;
        assert_eq!(
            out.ids_in("tls.hsts"),
            expected.into_iter().collect::<Vec<_>>(),
            "header {header:?}"
        );
    }
}
