//! Severity and same-site calibration, each against a local server that has the problem and one that does not:
//! secrets in a Git remote, agent instruction files, HSTS of 180 days, a self-signed certificate the user trusts,
//! and scripts from the site's own subdomains.

mod disclosure_support;
mod support;

use disclosure_support::{Missing, ok, scan_site, url};
use palisade::lab::certs::{self, CertSpec, LabCa};
use palisade::model::{Profile, Severity};
use support::*;

/// Regression: a remote with the token as its user name (`https://ghp_TOKEN@github.com/...`) was printed and
/// stored in full, and the finding stayed high.
#[tokio::test]
async fn git_remote_with_a_token_as_user_name_was_stored_in_full() {
    const TOKEN: &str = "ghp_Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa";
    let config = |remote: &str| {
        format!("[core]\n\trepositoryformatversion = 0\n[remote \"origin\"]\n\turl = {remote}\n")
    };
    let scan = |remote: String| async move {
        let files = vec![
            ok("/.git/HEAD", "text/plain", "ref: refs/heads/main\n"),
            ok("/.git/config", "text/plain", config(&remote)),
        ];
        scan_site(files, Missing::NotFound, Profile::Standard).await
    };
    let leaky = scan(format!("https://{TOKEN}@github.com/acme/shop.git")).await;
    let f = leaky.at("disclosure.repository-exposed", &url("/.git/"));
    assert_eq!(f.severity, Severity::Critical);
    let evidence = f.evidence.clone().unwrap_or_default();
    assert!(!evidence.contains("Zy9Xw8Vu7Ts6Rq5Po4Nm3"), "{evidence}");
    assert!(
        evidence
            .contains("remote URL with credentials: https://ghp_…DcBa@github.com/acme/shop.git"),
        "{evidence}"
    );

    let named = scan("https://alice@github.com/acme/shop.git".into()).await;
    let f = named.at("disclosure.repository-exposed", &url("/.git/"));
    assert_eq!(f.severity, Severity::High, "a user name is no credential");
    let evidence = f.evidence.clone().unwrap_or_default();
    assert!(
        evidence.contains("remote https://…@github.com/acme/shop.git")
            && !evidence.contains("alice"),
        "the user name is redacted too: {evidence}"
    );
}

/// Regression: a harmless AGENTS.md ("Run npm test") was medium, like one that names internal hosts.
#[tokio::test]
async fn harmless_agents_md_was_medium() {
    let harmless = "# AGENTS.md\n\n## Setup\n- Run npm test before every commit.\n- Keep pull requests small.\n";
    let revealing = "# AGENTS.md\n\n## Setup\n- Run npm test before every commit.\n\
                     - Deploy: `ssh ops@build.acme.internal` then `make deploy` from /srv/shop.\n";
    let leaky = "# AGENTS.md\n\n- Run npm test before every commit.\n- The Stripe key is api_key: sk_live_51HxYzAbCdEfGh12\n";
    let mut severities = Vec::new();
    for body in [harmless, revealing, leaky] {
        let files = vec![ok("/AGENTS.md", "text/markdown", body)];
        let s = scan_site(files, Missing::NotFound, Profile::Standard).await;
        let f = s.at("disclosure.agent-files-exposed", &url("/AGENTS.md"));
        assert!(
            !f.evidence
                .as_deref()
                .unwrap_or("")
                .contains("51HxYzAbCdEfGh12")
        );
        severities.push(f.severity);
    }
    assert_eq!(
        severities,
        vec![Severity::Low, Severity::Medium, Severity::High]
    );
}

/// Scans `https://site.test/` answering with `hsts` as its Strict-Transport-Security header.
async fn scan_hsts(hsts: &str) -> Outcome {
    let ca = LabCa::new("Test CA");
    let cert = ca.issue(&CertSpec::valid(&["site.test"], 200));
    let server = https(
        fixed(200, &[("strict-transport-security", hsts)], "ok"),
        &cert,
    )
    .await;
    let t = TestApp::new(|c| {
        c.network.pins = pin_site("site.test", closed_port(), server.addr);
        c.network.ca_certs.push(ca.cert_der());
    })
    .await;
    t.scan(&["https://site.test/"], Profile::Quick).await
}

fn hsts_result(out: &Outcome) -> (String, i32) {
    let obs = out.scan.targets[0].observatory.as_ref().expect("graded");
    let t = obs
        .tests
        .iter()
        .find(|t| t.test == "strict-transport-security")
        .expect("HSTS graded");
    (t.result.clone(), t.score_modifier)
}

/// Regression: `max-age=15552000` (180 days, a very common value) was reported as shorter than six months.
#[tokio::test]
async fn hsts_of_180_days_was_reported_short() {
    let common = scan_hsts("max-age=15552000; includeSubDomains").await;
    assert_eq!(common.ids_in("tls.hsts"), Vec::<&str>::new());
    assert_eq!(
        hsts_result(&common),
        ("hsts-implemented-max-age-less-than-six-months".into(), -10),
        "the Observatory's modifier is unchanged"
    );
    let shorter = scan_hsts("max-age=15551999").await;
    assert_eq!(shorter.ids_in("tls.hsts"), vec!["tls.hsts-short"]);
    assert_eq!(
        shorter.finding("tls.hsts-short").title,
        "HSTS max-age is 15551999 seconds (179 days), shorter than 180 days"
    );
    let six_months = scan_hsts("max-age=15768000").await;
    assert_eq!(hsts_result(&six_months).1, 0);
}

/// Regression: a self-signed certificate trusted with `--ca-cert` (the very certificate in the trust store) was
/// still reported as self-signed.
#[tokio::test]
async fn trusted_self_signed_certificate_was_reported() {
    let cert = certs::self_signed(&CertSpec::valid(&["site.test"], 200));
    let scan = |trust: bool| {
        let der = cert.chain[0].clone();
        let cert = &cert;
        async move {
            let server = https(fixed(200, &[], "ok"), cert).await;
            let t = TestApp::new(|c| {
                c.network.pins = pin_site("site.test", closed_port(), server.addr);
                if trust {
                    c.network.ca_certs.push(der);
                }
            })
            .await;
            t.scan(&["https://site.test/"], Profile::Quick).await
        }
    };
    let trusted = scan(true).await;
    assert_eq!(trusted.ids_in("tls.cert"), Vec::<&str>::new());
    let untrusted = scan(false).await;
    assert_eq!(untrusted.ids_in("tls.cert"), vec!["tls.cert-self-signed"]);
}

/// Scans `http://{host}/` serving `body`; the page's own host is pinned, no other host is contacted.
async fn scan_page_at(host: &str, body: &str) -> Outcome {
    let server = http(fixed(200, &[("content-type", "text/html")], body)).await;
    let t = TestApp::new(|c| c.network.pins = pin_site(host, server.addr, closed_port())).await;
    t.scan(&[&format!("http://{host}/")], Profile::Quick).await
}

/// Regression: "same site" was guessed from the number of labels: `static.abc.io` counted as another site than
/// `www.abc.io` (a false sri-missing on the site's own CDN), `b.github.io` as the same site as `a.github.io`.
#[tokio::test]
async fn same_site_was_guessed_without_the_public_suffix_list() {
    let script = |src: &str| format!("<html><head><script src=\"{src}\"></script></head></html>");
    let own = scan_page_at("www.abc.io", &script("https://static.abc.io/lib-1.2.3.js")).await;
    assert_eq!(own.ids_in("headers.sri"), Vec::<&str>::new());
    let obs = own.scan.targets[0].observatory.as_ref().expect("graded");
    let sri = obs.tests.iter().find(|t| t.test == "subresource-integrity");
    assert_eq!(
        sri.map(|t| t.result.as_str()),
        Some("sri-not-implemented-but-all-scripts-loaded-from-secure-origin")
    );
    let other = scan_page_at("a.github.io", &script("https://b.github.io/lib-1.2.3.js")).await;
    assert_eq!(other.ids_in("headers.sri"), vec!["headers.sri-missing"]);
}
