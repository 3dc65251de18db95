//! Verifying fixes and the fix file, against a site the test changes between scans.

mod support;

use palisade::app::{AppError, DEFAULT_ORG, Verdict};
use palisade::lab::certs::{CertSpec, LabCa};
use palisade::model::Profile;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use support::*;

/// A site whose HSTS header and `/.env` exposure the test can fix while it runs.
fn site(fixed: Arc<AtomicBool>) -> axum::Router {
    axum::Router::new().fallback(move |uri: http::Uri| {
        let fixed = fixed.load(Ordering::SeqCst);
        async move {
            let mut resp = http::Response::builder().header("content-type", "text/html");
            if fixed {
                resp = resp.header("strict-transport-security", "max-age=63072000");
            }
            let (status, body) = match (uri.path(), fixed) {
                ("/", _) => (200, "<html><body>shop</body></html>"),
                ("/.env", false) => (200, "APP_KEY=base64:c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\nDB_PASSWORD=s3cr3t-pa55w0rd\n"),
                _ => (404, "<html>not found</html>"),
            };
            let resp = if uri.path() == "/.env" && !fixed { resp.header("content-type", "text/plain") } else { resp };
            resp.status(status).body(axum::body::Body::from(body)).unwrap()
        }
    })
}

struct Shop {
    t: TestApp,
    fixed: Arc<AtomicBool>,
    _server: palisade::lab::serve::Server,
}

async fn shop() -> Shop {
    let ca = LabCa::new("Test CA");
    let fixed = Arc::new(AtomicBool::new(false));
    let server = https(
        site(fixed.clone()),
        &ca.issue(&CertSpec::valid(&["shop.test"], 200)),
    )
    .await;
    let t = TestApp::new(|c| {
        c.network.pins = pin_site("shop.test", closed_port(), server.addr);
        c.network.ca_certs.push(ca.cert_der());
    })
    .await;
    Shop {
        t,
        fixed,
        _server: server,
    }
}

#[tokio::test]
async fn verify_fixes_reports_still_open_then_fixed_as_new_scans_linked_to_the_original() {
    let shop = shop().await;
    let app = &shop.t.app;
    let original = shop
        .t
        .scan(&["https://shop.test/"], Profile::Standard)
        .await;
    let hsts = original.finding("tls.hsts-missing").fingerprint.clone();
    let env = original
        .finding("disclosure.env-exposed")
        .fingerprint
        .clone();
    let asked = vec![hsts.clone(), env.clone()];

    let mut before = app
        .verify_fixes(DEFAULT_ORG, &original.scan.id, Some(&asked))
        .await
        .unwrap();
    before.finished().await;
    let verdicts = app
        .verification(DEFAULT_ORG, &before.scan.id, Some(&asked))
        .await
        .unwrap();
    assert_eq!(verdicts.len(), 2);
    assert!(
        verdicts.iter().all(|v| v.verdict == Verdict::StillOpen),
        "{verdicts:?}"
    );
    let rerun = shop.t.outcome(&before.scan.id).await;
    assert_eq!(
        rerun.scan.verify_of.as_deref(),
        Some(original.scan.id.as_str())
    );
    let ran: Vec<&str> = rerun.coverage.iter().map(|c| c.check_id.as_str()).collect();
    assert_eq!(
        ran.len(),
        2,
        "only the checks behind the findings ran: {ran:?}"
    );

    shop.fixed.store(true, Ordering::SeqCst);
    let mut after = app
        .verify_fixes(DEFAULT_ORG, &original.scan.id, Some(&asked))
        .await
        .unwrap();
    after.finished().await;
    let verdicts = app
        .verification(DEFAULT_ORG, &after.scan.id, Some(&asked))
        .await
        .unwrap();
    assert!(
        verdicts.iter().all(|v| v.verdict == Verdict::Fixed),
        "{verdicts:?}"
    );
}

#[tokio::test]
async fn verifying_on_a_site_that_is_down_says_unknown_not_fixed() {
    let shop = shop().await;
    let original = shop.t.scan(&["https://shop.test/"], Profile::Quick).await;
    let hsts = vec![original.finding("tls.hsts-missing").fingerprint.clone()];
    drop(shop._server);
    let mut run = shop
        .t
        .app
        .verify_fixes(DEFAULT_ORG, &original.scan.id, Some(&hsts))
        .await
        .unwrap();
    run.finished().await;
    let verdicts = shop
        .t
        .app
        .verification(DEFAULT_ORG, &run.scan.id, Some(&hsts))
        .await
        .unwrap();
    assert_eq!(verdicts.len(), 1);
    assert_eq!(verdicts[0].verdict, Verdict::Unknown);
    assert!(
        verdicts[0]
            .detail
            .as_deref()
            .unwrap_or("")
            .starts_with("cannot connect"),
        "{verdicts:?}"
    );
}

#[tokio::test]
async fn verify_fixes_refuses_unknown_fingerprints_and_unknown_scans_with_a_reason() {
    let shop = shop().await;
    let original = shop.t.scan(&["https://shop.test/"], Profile::Quick).await;
    let err = shop
        .t
        .app
        .verify_fixes(
            DEFAULT_ORG,
            &original.scan.id,
            Some(&["0123456789abcdef".to_string()]),
        )
        .await
        .expect_err("unknown fingerprint");
    assert!(matches!(err, AppError::Invalid(_)), "{err}");
    assert!(
        err.to_string()
            .contains("no open finding with fingerprint 0123456789abcdef"),
        "{err}"
    );
    let err = shop
        .t
        .app
        .verify_fixes(DEFAULT_ORG, "nosuchid", None)
        .await
        .expect_err("unknown scan");
    assert!(
        err.to_string().starts_with("no scan 'nosuchid' here"),
        "{err}"
    );
}

#[tokio::test]
async fn the_fix_file_has_one_fix_per_root_cause_and_fenced_evidence() {
    let shop = shop().await;
    let out = shop
        .t
        .scan(&["https://shop.test/"], Profile::Standard)
        .await;
    let md = shop
        .t
        .app
        .fix_file(DEFAULT_ORG, &out.scan.id, None)
        .await
        .unwrap();
    assert!(md.starts_with("---\nformat: security-fix/v1\n"), "{md}");
    assert!(md.contains(&format!("scan_id: {}\n", out.scan.id)));
    assert!(md.contains("  - host: shop.test\n"), "{md}");
    let first_fix = md.lines().find(|l| l.starts_with("## FIX-1:")).unwrap();
    assert!(
        first_fix.ends_with("[CRITICAL]"),
        "the .env exposure comes first: {first_fix}"
    );
    let env = out.finding("disclosure.env-exposed");
    assert!(md.contains(&format!("`{}`", env.fingerprint)));
    assert!(
        !md.contains("s3cr3t-pa55w0rd"),
        "secrets stay redacted in the fix file"
    );
    assert!(md.contains("```text\n"), "evidence is fenced");
    let resolves: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("- **Resolves:**"))
        .collect();
    for f in out
        .findings
        .iter()
        .filter(|f| f.severity > palisade::model::Severity::Info)
    {
        let claiming = resolves
            .iter()
            .filter(|l| l.contains(&f.fingerprint))
            .count();
        assert_eq!(claiming, 1, "{} is resolved by exactly one fix", f.check_id);
    }
    let headers: Vec<&&str> = resolves
        .iter()
        .filter(|l| l.contains("`tls.hsts-missing`"))
        .collect();
    assert_eq!(headers.len(), 1);
    assert!(
        headers[0].contains("`headers.csp-missing`"),
        "missing headers are one fix: {}",
        headers[0]
    );
    let err = shop
        .t
        .app
        .fix_file(DEFAULT_ORG, &out.scan.id, Some("https://other.test/"))
        .await
        .expect_err("no such target");
    assert!(
        err.to_string().contains("no target 'https://other.test/'"),
        "{err}"
    );
}
