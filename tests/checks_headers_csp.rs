//! `headers.csp` against real HTTPS servers on loopback: the hardened page with its Content-Security-Policy (header
//! or `<meta>`) changed, one weakness at a time, and the Observatory result each earns.

mod site;
mod support;

use palisade::model::Severity;
use site::*;

#[tokio::test]
async fn csp_missing_or_only_report_only() {
    let out = scan_with(&[("content-security-policy", None)]).await;
    assert_eq!(out.ids_in("headers.csp"), vec!["headers.csp-missing"]);
    assert_eq!(
        out.finding("headers.csp-missing").severity,
        Severity::Medium
    );
    assert_eq!(
        observed(&out, "content-security-policy"),
        ("csp-not-implemented".into(), -25)
    );
    let report_only = scan_with(&[
        ("content-security-policy", None),
        (
            "content-security-policy-report-only",
            Some("default-src 'self'"),
        ),
    ])
    .await;
    let f = report_only.finding("headers.csp-missing");
    assert!(f.title.contains("report-only"), "{}", f.title);
    assert_eq!(
        observed(&report_only, "content-security-policy"),
        ("csp-not-implemented-but-reporting-enabled".into(), -25)
    );
}

#[tokio::test]
async fn csp_unsafe_inline_unless_a_nonce_hash_or_strict_dynamic_neutralises_it() {
    let inline = "default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'";
    let out = scan_with(&[("content-security-policy", Some(inline))]).await;
    assert_eq!(out.ids_in("headers.csp"), vec!["headers.csp-unsafe-inline"]);
    assert_eq!(
        observed(&out, "content-security-policy"),
        ("csp-implemented-with-unsafe-inline".into(), -20)
    );
    for neutralised in [
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'nonce-r4nd0m'",
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'sha256-AbCd='",
        "default-src 'self'; script-src 'nonce-r4nd0m' 'strict-dynamic' 'unsafe-inline' https: http:",
    ] {
        let out = scan_with(&[("content-security-policy", Some(neutralised))]).await;
        assert_eq!(
            out.ids_in("headers.csp"),
            Vec::<&str>::new(),
            "{neutralised}"
        );
        assert_eq!(
            observed(&out, "content-security-policy").1,
            5,
            "{neutralised}"
        );
    }
}

#[tokio::test]
async fn csp_unsafe_eval() {
    let out = scan_with(&[(
        "content-security-policy",
        Some("default-src 'self'; script-src 'self' 'unsafe-eval'"),
    )])
    .await;
    assert_eq!(out.ids_in("headers.csp"), vec!["headers.csp-unsafe-eval"]);
    assert_eq!(
        out.finding("headers.csp-unsafe-eval").severity,
        Severity::Low
    );
    assert_eq!(
        observed(&out, "content-security-policy"),
        ("csp-implemented-with-unsafe-eval".into(), -10)
    );
    let wasm = scan_with(&[(
        "content-security-policy",
        Some("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"),
    )])
    .await;
    assert_eq!(wasm.ids_in("headers.csp"), Vec::<&str>::new());
}

#[tokio::test]
async fn csp_wildcard_script_sources_and_script_src_falling_back_to_default_src() {
    for (policy, source) in [
        ("default-src 'self'; script-src 'self' https:", "https:"),
        ("default-src 'self'; script-src 'self' data:", "data:"),
        ("default-src *; style-src 'self'", "*"),
    ] {
        let out = scan_with(&[("content-security-policy", Some(policy))]).await;
        assert_eq!(
            out.ids_in("headers.csp"),
            vec!["headers.csp-wildcard-source"],
            "{policy}"
        );
        let f = out.finding("headers.csp-wildcard-source");
        assert!(f.title.ends_with(&format!("({source})")), "{}", f.title);
        assert_eq!(f.severity, Severity::Medium);
    }
    let listed = scan_with(&[(
        "content-security-policy",
        Some("default-src *; script-src 'self' https://cdn.site.test; object-src 'none'"),
    )])
    .await;
    assert_eq!(
        listed.ids_in("headers.csp"),
        Vec::<&str>::new(),
        "script-src overrides default-src"
    );
}

#[tokio::test]
async fn a_csp_without_script_directives_is_one_finding() {
    let out = scan_with(&[(
        "content-security-policy",
        Some("frame-ancestors 'none'; upgrade-insecure-requests"),
    )])
    .await;
    assert_eq!(
        out.ids_in("headers.csp"),
        vec!["headers.csp-wildcard-source"]
    );
    assert!(
        out.finding("headers.csp-wildcard-source")
            .title
            .contains("does not restrict scripts")
    );
    assert_eq!(
        observed(&out, "x-frame-options").0,
        "x-frame-options-implemented-via-csp"
    );
}

#[tokio::test]
async fn csp_http_sources_on_an_https_site() {
    let active = scan_with(&[(
        "content-security-policy",
        Some("default-src 'self'; script-src 'self' http://cdn.test"),
    )])
    .await;
    assert_eq!(
        active.ids_in("headers.csp"),
        vec!["headers.csp-insecure-scheme"]
    );
    let f = active.finding("headers.csp-insecure-scheme");
    assert_eq!(f.severity, Severity::Low);
    assert!(
        f.evidence
            .as_deref()
            .unwrap_or("")
            .starts_with("script-src http://cdn.test")
    );
    assert_eq!(
        observed(&active, "content-security-policy"),
        ("csp-implemented-with-insecure-scheme".into(), -20)
    );
    let passive = scan_with(&[(
        "content-security-policy",
        Some("default-src 'self'; img-src 'self' http://img.test"),
    )])
    .await;
    assert_eq!(
        passive.ids_in("headers.csp"),
        vec!["headers.csp-insecure-scheme"]
    );
    assert_eq!(
        passive.finding("headers.csp-insecure-scheme").severity,
        Severity::Info
    );
    assert_eq!(observed(&passive, "content-security-policy").1, -10);
}

#[tokio::test]
async fn malformed_csp() {
    let colon = scan_with(&[(
        "content-security-policy",
        Some("default-src: 'self'; script-src: 'self'"),
    )])
    .await;
    assert_eq!(colon.ids_in("headers.csp"), vec!["headers.csp-invalid"]);
    assert_eq!(
        colon.finding("headers.csp-invalid").severity,
        Severity::Medium
    );
    let duplicate = scan_with(&[(
        "content-security-policy",
        Some("default-src 'self'; default-src *"),
    )])
    .await;
    assert_eq!(duplicate.ids_in("headers.csp"), vec!["headers.csp-invalid"]);
    let f = duplicate.finding("headers.csp-invalid");
    assert_eq!(
        f.severity,
        Severity::Low,
        "the first default-src still applies"
    );
    assert!(
        f.description.contains("default-src appears twice"),
        "{}",
        f.description
    );
    assert_eq!(
        observed(&duplicate, "content-security-policy"),
        ("csp-header-invalid".into(), -25)
    );
}

#[tokio::test]
async fn csp_in_a_meta_element_counts_but_not_for_frame_ancestors() {
    let body = |policy: &str| {
        format!(
            "<!doctype html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\"></head><body>x</body></html>"
        )
    };
    let headers = hardened_with(&[("content-security-policy", None), ("x-frame-options", None)]);
    let good = scan_page(
        &headers,
        &body("default-src 'self'; frame-ancestors 'none'"),
    )
    .await;
    assert_eq!(good.ids_in("headers.csp"), Vec::<&str>::new());
    assert_eq!(
        good.ids_in("headers.clickjacking"),
        vec!["headers.clickjacking"],
        "frame-ancestors is ignored in <meta>"
    );
    assert_eq!(observed(&good, "content-security-policy").1, 5);
    let weak = scan_page(
        &headers,
        &body("script-src 'self' 'unsafe-inline'; object-src 'none'"),
    )
    .await;
    assert_eq!(
        weak.ids_in("headers.csp"),
        vec!["headers.csp-unsafe-inline"]
    );
}
