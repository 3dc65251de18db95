//! The `headers` checks that read page content (subresource integrity, mixed content, forms posting over HTTP)
//! against real servers on loopback, on the start page and on crawled pages.

mod site;
mod support;

use palisade::model::{Profile, Severity};
use site::*;
use support::*;

const CDN_JQUERY: &str = "https://cdn.other.test/npm/jquery@3.7.1/dist/jquery.min.js";

#[tokio::test]
async fn external_scripts_without_integrity() {
    let body = format!(
        "<html><head><script src=\"{CDN_JQUERY}\"></script><script src=\"/app.js\"></script></head></html>"
    );
    let out = scan_page(HARDENED, &body).await;
    assert_eq!(out.ids_in("headers.sri"), vec!["headers.sri-missing"]);
    let f = out.finding("headers.sri-missing");
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(
        f.location,
        format!("https://site.test/ (script: {CDN_JQUERY})")
    );
    assert_eq!(
        observed(&out, "subresource-integrity"),
        (
            "sri-not-implemented-but-external-scripts-loaded-securely".into(),
            -5
        )
    );
    let pinned = format!(
        "<html><head><script src=\"{CDN_JQUERY}\" integrity=\"sha384-abc\" crossorigin=\"anonymous\"></script></head></html>"
    );
    let good = scan_page(HARDENED, &pinned).await;
    assert_eq!(good.ids_in("headers.sri"), Vec::<&str>::new());
    assert_eq!(
        observed(&good, "subresource-integrity"),
        (
            "sri-implemented-and-external-scripts-loaded-securely".into(),
            5
        )
    );
    let own = scan_page(
        HARDENED,
        "<script src=\"https://static.site.test/app.js\"></script>",
    )
    .await;
    assert_eq!(
        own.ids_in("headers.sri"),
        Vec::<&str>::new(),
        "the site's own subdomain is not a third party"
    );
}

#[tokio::test]
async fn unversioned_external_scripts_are_low_and_http_ones_cost_50() {
    let out = scan_page(HARDENED, "<script src=\"https://js.pay.test/v3\"></script>").await;
    assert_eq!(out.finding("headers.sri-missing").severity, Severity::Low);
    let plain = scan_page(
        HARDENED,
        "<script src=\"http://cdn.other.test/lib.js\"></script>",
    )
    .await;
    assert_eq!(
        observed(&plain, "subresource-integrity"),
        (
            "sri-not-implemented-and-external-scripts-not-loaded-securely".into(),
            -50
        )
    );
    assert_eq!(
        plain.ids_in("headers.mixed"),
        vec!["headers.mixed-content-active"]
    );
}

#[tokio::test]
async fn mixed_content_active_and_passive() {
    let body = "<html><head><script src=\"http://site.test/legacy.js\"></script>\
        <link rel=\"stylesheet\" href=\"http://cdn.other.test/x.css\"></head>\
        <body><img src=\"http://site.test/logo.png\"><iframe src=\"https://site.test/frame\"></iframe></body></html>";
    let out = scan_page(HARDENED, body).await;
    assert_eq!(
        out.ids_in("headers.mixed"),
        vec![
            "headers.mixed-content-active",
            "headers.mixed-content-active",
            "headers.mixed-content-passive"
        ]
    );
    let passive = out.finding("headers.mixed-content-passive");
    assert_eq!(
        (passive.severity, passive.location.as_str()),
        (
            Severity::Low,
            "https://site.test/ (img: http://site.test/logo.png)"
        )
    );
    assert_eq!(
        out.finding("headers.mixed-content-active").severity,
        Severity::Medium
    );
    let upgraded = scan_page(
        &hardened_with(&[(
            "content-security-policy",
            Some("default-src 'self'; upgrade-insecure-requests"),
        )]),
        body,
    )
    .await;
    assert_eq!(
        upgraded.ids_in("headers.mixed"),
        Vec::<&str>::new(),
        "upgrade-insecure-requests fetches them over HTTPS"
    );
    let clean = scan_page(
        HARDENED,
        "<img src=\"/logo.png\"><script src=\"https://site.test/a.js\"></script>",
    )
    .await;
    assert_eq!(clean.ids_in("headers.mixed"), Vec::<&str>::new());
}

#[tokio::test]
async fn forms_posting_over_http() {
    let login = "<form action=\"http://site.test/login\" method=\"post\"><input name=\"u\"><input type=\"password\" name=\"p\"></form>";
    let out = scan_page(HARDENED, login).await;
    assert_eq!(out.ids_in("headers.form"), vec!["headers.form-insecure"]);
    let f = out.finding("headers.form-insecure");
    assert_eq!(
        (f.severity, f.title.as_str()),
        (Severity::High, "Password form submits over plain HTTP")
    );
    assert_eq!(
        f.location,
        "https://site.test/ (form action: http://site.test/login)"
    );
    let search = scan_page(
        HARDENED,
        "<form action=\"http://search.test/q\"><input name=\"q\"></form>",
    )
    .await;
    assert_eq!(
        search.finding("headers.form-insecure").severity,
        Severity::Medium
    );
    let good = scan_page(
        HARDENED,
        "<form action=\"/login\" method=\"post\"><input type=\"password\" name=\"p\"></form>",
    )
    .await;
    assert_eq!(good.ids_in("headers.form"), Vec::<&str>::new());
}

#[tokio::test]
async fn a_password_form_on_a_plain_http_page() {
    let html = [("content-type", "text/html")];
    let form = "<form method=\"post\"><input type=\"password\" name=\"p\"></form>";
    let out = scan_http(fixed(200, &html, form), Profile::Quick).await;
    let f = out.finding("headers.form-insecure");
    assert_eq!(
        (f.severity, f.location.as_str()),
        (
            Severity::High,
            "http://site.test/ (form action: http://site.test/)"
        )
    );
    let elsewhere = "<form action=\"https://site.test/login\" method=\"post\"><input type=\"password\" name=\"p\"></form>";
    let out = scan_http(fixed(200, &html, elsewhere), Profile::Quick).await;
    assert_eq!(
        out.finding("headers.form-insecure").severity,
        Severity::Medium
    );
    let search = scan_http(
        fixed(200, &html, "<form><input name=\"q\"></form>"),
        Profile::Quick,
    )
    .await;
    assert_eq!(
        search.ids_in("headers.form"),
        Vec::<&str>::new(),
        "the page's own HTTP is tls.no-https's finding"
    );
}

#[tokio::test]
async fn sri_and_mixed_content_of_crawled_pages_in_the_standard_profile() {
    let body = "<html><head><script src=\"https://cdn.other.test/lib@1.0.0/lib.js\"></script></head><body><img src=\"http://img.other.test/a.png\"></body></html>";
    let quick = scan_https(two_pages(&[], body), Profile::Quick).await;
    assert_eq!(
        quick.ids_in("headers.sri").len() + quick.ids_in("headers.mixed").len(),
        0
    );
    let standard = scan_https(two_pages(&[], body), Profile::Standard).await;
    assert_eq!(standard.ids_in("headers.sri"), vec!["headers.sri-missing"]);
    assert_eq!(
        standard.ids_in("headers.mixed"),
        vec!["headers.mixed-content-passive"]
    );
    assert!(
        standard
            .finding("headers.sri-missing")
            .location
            .starts_with("https://site.test/account ")
    );
}
