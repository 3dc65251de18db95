//! The `headers` checks of response headers other than CSP (framing, nosniff, referrer, permissions and
//! cross-origin policies) against real HTTPS servers on loopback, each case a hardened page with one header changed.

mod site;
mod support;

use palisade::model::{CoverageState, Profile, Severity};
use site::*;
use support::*;

#[tokio::test]
async fn a_hardened_page_has_no_header_findings_and_an_a_plus() {
    let out = scan_page(HARDENED, HTML).await;
    assert_eq!(out.ids_in("headers."), Vec::<&str>::new());
    assert_eq!(out.ids_in("api."), Vec::<&str>::new());
    let expected = [
        (
            "content-security-policy",
            "csp-implemented-with-no-unsafe-default-src-none",
            10,
        ),
        ("x-frame-options", "x-frame-options-implemented-via-csp", 5),
        (
            "x-content-type-options",
            "x-content-type-options-nosniff",
            0,
        ),
        ("referrer-policy", "referrer-policy-private", 5),
        (
            "cross-origin-opener-policy",
            "coop-implemented-with-same-origin",
            10,
        ),
        ("cross-origin-embedder-policy", "coep-not-implemented", 0),
        ("cross-origin-resource-policy", "corp-not-implemented", 0),
        ("cookies", "cookies-not-found", 0),
        (
            "subresource-integrity",
            "sri-not-implemented-but-no-scripts-loaded",
            0,
        ),
        (
            "cross-origin-resource-sharing",
            "cross-origin-resource-sharing-not-implemented",
            0,
        ),
    ];
    for (test, result, modifier) in expected {
        assert_eq!(
            observed(&out, test),
            (result.to_string(), modifier),
            "{test}"
        );
    }
    let obs = out.scan.targets[0].observatory.as_ref().unwrap();
    assert!(
        obs.missing.is_empty(),
        "all 12 tests in quick: {:?}",
        obs.missing
    );
    assert_eq!((obs.score, obs.grade.as_str()), (130, "A+"));
}

#[tokio::test]
async fn a_non_html_start_page_is_graded_but_not_reported_for_page_only_headers() {
    let json = [("content-type", "application/json")];
    let out = scan_page(&json, "{\"ok\":true}").await;
    assert_eq!(out.ids_in("headers."), vec!["headers.xcto-missing"]);
    assert_eq!(observed(&out, "content-security-policy").1, -25);
    assert_eq!(observed(&out, "x-frame-options").1, -20);
    assert_eq!(
        observed(&out, "subresource-integrity").0,
        "sri-not-implemented-response-not-html"
    );
}

#[tokio::test]
async fn clickjacking_protection() {
    let ids = ["headers.clickjacking", "headers.xfo-invalid"];
    let neither = scan_with(&[
        ("x-frame-options", None),
        ("content-security-policy", Some("default-src 'self'")),
    ])
    .await;
    assert_eq!(found(&neither, &ids), vec!["headers.clickjacking"]);
    assert_eq!(
        neither.finding("headers.clickjacking").severity,
        Severity::Medium
    );
    assert_eq!(
        observed(&neither, "x-frame-options"),
        ("x-frame-options-not-implemented".into(), -20)
    );
    let xfo_only = scan_with(&[
        ("x-frame-options", Some("SAMEORIGIN")),
        ("content-security-policy", Some("default-src 'self'")),
    ])
    .await;
    assert_eq!(found(&xfo_only, &ids), Vec::<&str>::new());
    assert_eq!(
        observed(&xfo_only, "x-frame-options"),
        ("x-frame-options-sameorigin-or-deny".into(), 5)
    );
    let allow_from = scan_with(&[
        ("x-frame-options", Some("ALLOW-FROM https://partner.test")),
        ("content-security-policy", Some("default-src 'self'")),
    ])
    .await;
    assert_eq!(found(&allow_from, &ids), vec!["headers.xfo-invalid"]);
    assert!(
        allow_from
            .finding("headers.xfo-invalid")
            .title
            .contains("ALLOW-FROM")
    );
    assert_eq!(observed(&allow_from, "x-frame-options").1, 0);
    let bogus = scan_with(&[
        ("x-frame-options", Some("yes please")),
        ("content-security-policy", Some("default-src 'self'")),
    ])
    .await;
    assert_eq!(found(&bogus, &ids), vec!["headers.xfo-invalid"]);
    assert_eq!(
        observed(&bogus, "x-frame-options"),
        ("x-frame-options-header-invalid".into(), -20)
    );
    let overridden = scan_with(&[("x-frame-options", Some("yes please"))]).await;
    assert_eq!(
        found(&overridden, &ids),
        Vec::<&str>::new(),
        "frame-ancestors wins over X-Frame-Options"
    );
}

#[tokio::test]
async fn x_content_type_options() {
    let missing = scan_with(&[("x-content-type-options", None)]).await;
    assert_eq!(missing.ids_in("headers.xcto"), vec!["headers.xcto-missing"]);
    assert_eq!(
        missing.finding("headers.xcto-missing").severity,
        Severity::Low
    );
    assert_eq!(observed(&missing, "x-content-type-options").1, -5);
    let invalid = scan_with(&[("x-content-type-options", Some("sniff-away"))]).await;
    assert_eq!(invalid.ids_in("headers.xcto"), vec!["headers.xcto-invalid"]);
    assert_eq!(
        observed(&invalid, "x-content-type-options"),
        ("x-content-type-options-header-invalid".into(), -5)
    );
    let upper = scan_with(&[("x-content-type-options", Some("NoSniff"))]).await;
    assert_eq!(upper.ids_in("headers.xcto"), Vec::<&str>::new());
}

#[tokio::test]
async fn referrer_policy_reads_the_last_valid_token() {
    let missing = scan_with(&[("referrer-policy", None)]).await;
    assert_eq!(
        missing.ids_in("headers.referrer"),
        Vec::<&str>::new(),
        "browsers default to a safe policy"
    );
    assert_eq!(
        observed(&missing, "referrer-policy"),
        ("referrer-policy-not-implemented".into(), 0)
    );
    let unsafe_url = scan_with(&[("referrer-policy", Some("unsafe-url"))]).await;
    assert_eq!(
        unsafe_url.ids_in("headers.referrer"),
        vec!["headers.referrer-policy-unsafe"]
    );
    assert_eq!(
        unsafe_url
            .finding("headers.referrer-policy-unsafe")
            .severity,
        Severity::Low
    );
    assert_eq!(
        observed(&unsafe_url, "referrer-policy"),
        ("referrer-policy-unsafe".into(), -5)
    );
    let origin = scan_with(&[("referrer-policy", Some("origin-when-cross-origin"))]).await;
    assert_eq!(
        origin.finding("headers.referrer-policy-unsafe").severity,
        Severity::Info
    );
    let fallback = scan_with(&[(
        "referrer-policy",
        Some("unsafe-url, strict-origin-when-cross-origin, future-policy"),
    )])
    .await;
    assert_eq!(fallback.ids_in("headers.referrer"), Vec::<&str>::new());
    assert_eq!(observed(&fallback, "referrer-policy").1, 5);
    let invalid = scan_with(&[("referrer-policy", Some("never-ever"))]).await;
    assert_eq!(
        invalid.ids_in("headers.referrer"),
        vec!["headers.referrer-policy-invalid"]
    );
    assert_eq!(
        invalid.finding("headers.referrer-policy-invalid").severity,
        Severity::Info
    );
    assert_eq!(
        observed(&invalid, "referrer-policy"),
        ("referrer-policy-header-invalid".into(), -5)
    );
    let meta =
        "<html><head><meta name=\"referrer\" content=\"no-referrer\"></head><body>x</body></html>";
    let overridden = scan_page(
        &hardened_with(&[("referrer-policy", Some("unsafe-url"))]),
        meta,
    )
    .await;
    assert_eq!(
        overridden.ids_in("headers.referrer"),
        Vec::<&str>::new(),
        "the meta element comes last"
    );
}

#[tokio::test]
async fn permissions_policy() {
    let missing = scan_with(&[("permissions-policy", None)]).await;
    assert_eq!(
        missing.ids_in("headers.permissions"),
        vec!["headers.permissions-policy-missing"]
    );
    assert_eq!(
        missing
            .finding("headers.permissions-policy-missing")
            .severity,
        Severity::Info
    );
    let old = scan_with(&[
        ("permissions-policy", None),
        ("feature-policy", Some("camera 'none'")),
    ])
    .await;
    assert!(
        old.finding("headers.permissions-policy-missing")
            .title
            .contains("Feature-Policy")
    );
    let invalid = scan_with(&[(
        "permissions-policy",
        Some("camera 'none'; microphone 'none'"),
    )])
    .await;
    assert_eq!(
        invalid.ids_in("headers.permissions"),
        vec!["headers.permissions-policy-invalid"]
    );
    assert_eq!(
        invalid
            .finding("headers.permissions-policy-invalid")
            .severity,
        Severity::Low
    );
    let allowlist = scan_with(&[(
        "permissions-policy",
        Some("geolocation=(self \"https://maps.test\"), fullscreen=*"),
    )])
    .await;
    assert_eq!(allowlist.ids_in("headers.permissions"), Vec::<&str>::new());
}

#[tokio::test]
async fn cross_origin_policies_report_invalid_values_and_only_a_missing_coop() {
    let ids = [
        "headers.coop-missing",
        "headers.coop-invalid",
        "headers.coep-invalid",
        "headers.corp-invalid",
    ];
    let missing = scan_with(&[("cross-origin-opener-policy", None)]).await;
    assert_eq!(
        found(&missing, &ids),
        vec!["headers.coop-missing"],
        "missing COEP and CORP are not reported"
    );
    assert_eq!(
        missing.finding("headers.coop-missing").severity,
        Severity::Info
    );
    let invalid = scan_with(&[
        ("cross-origin-opener-policy", Some("\"same-origin\"")),
        ("cross-origin-embedder-policy", Some("require_corp")),
        (
            "cross-origin-resource-policy",
            Some("same-origin, cross-origin"),
        ),
    ])
    .await;
    assert_eq!(
        found(&invalid, &ids),
        vec![
            "headers.coep-invalid",
            "headers.coop-invalid",
            "headers.corp-invalid"
        ]
    );
    assert_eq!(
        observed(&invalid, "cross-origin-opener-policy"),
        ("coop-header-invalid".into(), -5)
    );
    assert_eq!(
        observed(&invalid, "cross-origin-embedder-policy"),
        ("coep-header-invalid".into(), -5)
    );
    assert_eq!(
        observed(&invalid, "cross-origin-resource-policy"),
        ("corp-header-invalid".into(), -5)
    );
    let isolated = scan_with(&[
        (
            "cross-origin-opener-policy",
            Some("same-origin-allow-popups"),
        ),
        (
            "cross-origin-embedder-policy",
            Some("credentialless; report-to=\"r\""),
        ),
        ("cross-origin-resource-policy", Some("same-site")),
    ])
    .await;
    assert_eq!(found(&isolated, &ids), Vec::<&str>::new());
    assert_eq!(observed(&isolated, "cross-origin-embedder-policy").1, 10);
    assert_eq!(
        observed(&isolated, "cross-origin-resource-policy"),
        ("corp-implemented-with-same-site".into(), 10)
    );
}

#[tokio::test]
async fn header_checks_error_when_the_start_page_fails_and_skip_error_pages() {
    let t = TestApp::new(|c| c.network.pins = pin_site(HOST, closed_port(), closed_port())).await;
    let down = t.scan(&[URL], Profile::Quick).await;
    for check in [
        "headers.csp",
        "headers.framing",
        "headers.cookies",
        "headers.subresource-integrity",
        "api.cors",
    ] {
        assert_eq!(down.state(check), CoverageState::Errored, "{check}");
    }
    let broken = scan_https(
        fixed(500, &[("content-type", "text/html")], HTML),
        Profile::Quick,
    )
    .await;
    assert_eq!(broken.ids_in("headers."), Vec::<&str>::new());
    assert_eq!(broken.state("headers.csp"), CoverageState::Skipped);
    assert!(
        broken.detail("headers.csp").contains("HTTP 500"),
        "{}",
        broken.detail("headers.csp")
    );
}

/// Headers that only matter for HTML documents, each missing or weak in the same way on three targets of one site.
const LOOSE: &[(&str, &str)] = &[
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "unsafe-url"),
    ("permissions-policy", "camera=(self"),
    ("cross-origin-opener-policy", "\"same-origin\""),
    (
        "strict-transport-security",
        "max-age=63072000; includeSubDomains",
    ),
];

const PAGE_ONLY: &[&str] = &[
    "headers.csp-missing",
    "headers.clickjacking",
    "headers.referrer-policy-unsafe",
    "headers.permissions-policy-invalid",
    "headers.coop-invalid",
];

/// An API root answering JSON, a Prometheus `/metrics` answering text, and an HTML home page, all with [`LOOSE`].
fn api_site() -> axum::Router {
    axum::Router::new().fallback(|uri: http::Uri| async move {
        let (content_type, body) = match uri.path() {
            "/api/" => (
                "application/json",
                r#"{"name":"shop-api","version":"2.3.0"}"#,
            ),
            "/metrics" => (
                "text/plain; version=0.0.4; charset=utf-8",
                "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{code=\"200\"} 1027\n",
            ),
            _ => ("text/html; charset=utf-8", HTML),
        };
        let mut resp = http::Response::builder().header("content-type", content_type);
        for (k, v) in LOOSE {
            resp = resp.header(*k, *v);
        }
        resp.body(axum::body::Body::from(body)).unwrap()
    })
}

/// A JSON API or a metrics endpoint scanned as the target is not told to add CSP or framing protection, which
/// browsers only apply to documents; the HTML page of the same site with the same headers is.
#[tokio::test]
async fn page_only_header_findings_are_not_raised_on_json_or_metrics_targets() {
    let ca = palisade::lab::certs::LabCa::new("Test CA");
    let cert = ca.issue(&palisade::lab::certs::CertSpec::valid(&[HOST], 200));
    let server = https(api_site(), &cert).await;
    let t = TestApp::new(|c| {
        c.network.pins = pin_site(HOST, closed_port(), server.addr);
        c.network.ca_certs.push(ca.cert_der());
    })
    .await;
    for path in ["api/", "metrics"] {
        let out = t.scan(&[&format!("{URL}{path}")], Profile::Quick).await;
        assert_eq!(out.ids_in("headers."), Vec::<&str>::new(), "/{path}");
        assert_eq!(out.state("headers.csp"), CoverageState::Passed, "/{path}");
        assert_eq!(observed(&out, "content-security-policy").1, -25, "graded");
    }
    let page = t.scan(&[URL], Profile::Quick).await;
    let mut expected = PAGE_ONLY.to_vec();
    expected.sort();
    assert_eq!(found(&page, PAGE_ONLY), expected);
}
