//! The `components` checks against real HTTPS sites on loopback: a vulnerable site (old jQuery, lodash in a bundle,
//! AngularJS from a CDN that is never fetched, Bootstrap 3, nginx/PHP banners, a WordPress generator) and a hardened
//! one (current versions, no banners), plus WordPress asset versions, Tomcat error pages and distribution builds.

mod site;
mod support;

use axum::Router;
use axum::routing::get;
use palisade::model::{Confidence, CoverageState, Finding, Profile, Severity};
use site::*;
use support::*;

/// A small stand-in for jQuery 1.12.4: its real banner and the minified version signature, not the library.
const JQUERY_1_12_4: &str = "/*! jQuery v1.12.4 | (c) jQuery Foundation | jquery.org/license */\n\
    !function(a,b){\"object\"==typeof module&&module.exports}(\"undefined\"!=typeof window?window:this,function(a,b){\
    var m=\"1.12.4\",n=function(a,b){return new n.fn.init(a,b)};return n});";
/// A bundle holding lodash 4.17.15 as its minified build starts.
const VENDOR_BUNDLE: &str = "/*! app vendor bundle */\n;(function(){var u,i=\"4.17.15\",o=200,\
    f=\"Unsupported core-js use. Try https://npms.io/search?q=ponyfill.\",c=\"Expected a function\",\
    a=\"__lodash_hash_undefined__\";}).call(this);";
const BOOTSTRAP_3_3_7: &str = "/*!\n * Bootstrap v3.3.7 (http://getbootstrap.com)\n * Copyright 2011-2016 Twitter, Inc.\n */\n\
    if(\"undefined\"==typeof jQuery)throw new Error(\"Bootstrap's JavaScript requires jQuery\");";
const ANGULAR_CDN: &str = "https://cdnjs.cloudflare.com/ajax/libs/angular.js/1.5.8/angular.min.js";

const VULNERABLE_PAGE: &str = r#"<!doctype html><html><head><title>Shop</title>
<meta name="generator" content="WordPress 5.8">
<script src="/js/jquery-1.12.4.min.js"></script>
<script src="/static/vendor.js"></script>
<script src="https://cdnjs.cloudflare.com/ajax/libs/angular.js/1.5.8/angular.min.js"></script>
<script src="/js/bootstrap.min.js"></script>
</head><body><p>Shop</p></body></html>"#;

const HARDENED_PAGE: &str = r#"<!doctype html><html><head><title>Shop</title>
<script src="/js/jquery-3.7.1.min.js"></script>
<script src="/static/vendor.js"></script>
<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js"></script>
</head><body><p>Shop</p></body></html>"#;

fn js(body: &'static str) -> axum::response::Response {
    http::Response::builder()
        .header("content-type", "application/javascript")
        .body(axum::body::Body::from(body))
        .unwrap()
}

/// An HTML page with the hardened headers and `extra`.
fn html(extra: &[(&'static str, &'static str)], body: &'static str) -> axum::response::Response {
    let mut resp = http::Response::builder();
    for (k, v) in HARDENED.iter().chain(extra) {
        resp = resp.header(*k, *v);
    }
    resp.body(axum::body::Body::from(body)).unwrap()
}

fn vulnerable_site() -> Router {
    Router::new()
        .route(
            "/",
            get(|| async {
                html(
                    &[("server", "nginx/1.18.0"), ("x-powered-by", "PHP/7.4.3")],
                    VULNERABLE_PAGE,
                )
            }),
        )
        .route(
            "/js/jquery-1.12.4.min.js",
            get(|| async { js(JQUERY_1_12_4) }),
        )
        .route("/static/vendor.js", get(|| async { js(VENDOR_BUNDLE) }))
        .route(
            "/js/bootstrap.min.js",
            get(|| async { js(BOOTSTRAP_3_3_7) }),
        )
}

fn hardened_site() -> Router {
    Router::new()
        .route("/", get(|| async { html(&[("server", "nginx")], HARDENED_PAGE) }))
        .route(
            "/js/jquery-3.7.1.min.js",
            get(|| async { js("/*! jQuery v3.7.1 | (c) OpenJS Foundation and other contributors */\n!function(){}();") }),
        )
        .route(
            "/static/vendor.js",
            get(|| async { js(";(function(){var u,i=\"4.18.0\",o=200,a=\"__lodash_hash_undefined__\";})();") }),
        )
}

/// The finding of `check` whose title starts with `name`.
fn about<'a>(out: &'a Outcome, check: &str, name: &str) -> &'a Finding {
    out.findings
        .iter()
        .find(|f| f.check_id == check && f.title.starts_with(name))
        .unwrap_or_else(|| {
            let titles: Vec<&str> = out.findings.iter().map(|f| f.title.as_str()).collect();
            panic!("no {check} about {name} among {titles:?}")
        })
}

fn has_cves(f: &Finding, ids: &[&str]) {
    for id in ids {
        assert!(
            f.cve.iter().any(|c| c == id),
            "{id} not in {:?} ({})",
            f.cve,
            f.title
        );
    }
}

#[tokio::test]
async fn a_vulnerable_site_gets_its_libraries_servers_and_end_of_life_reported() {
    let out = scan_https(vulnerable_site(), Profile::Standard).await;
    assert_eq!(out.state("components.libraries"), CoverageState::Found);
    assert_eq!(out.state("components.servers"), CoverageState::Found);

    let jquery = about(&out, "components.vulnerable-library", "jQuery 1.12.4");
    assert_eq!(
        jquery.location,
        "https://site.test/js/jquery-1.12.4.min.js (jQuery)"
    );
    has_cves(
        jquery,
        &[
            "CVE-2015-9251",
            "CVE-2019-11358",
            "CVE-2020-11022",
            "CVE-2020-11023",
        ],
    );
    assert!(jquery.kev, "CVE-2020-11023 is in KEV");
    assert_eq!(
        jquery.severity,
        Severity::High,
        "medium advisories raised by KEV"
    );
    assert!(
        jquery.title.contains("CISA KEV") && jquery.title.contains("upgrade to 3.5.0"),
        "{}",
        jquery.title
    );
    let evidence = jquery.evidence.as_deref().unwrap();
    assert!(evidence.contains("/*! jQuery v1.12.4"), "{evidence}");
    assert!(
        evidence.contains("CISA KEV: CVE-2020-11023 added 2025-01-23, due 2025-02-13"),
        "{evidence}"
    );
    assert!(jquery.description.contains("CVE-2020-11022"));

    let lodash = about(&out, "components.vulnerable-library", "lodash 4.17.15");
    assert_eq!(
        lodash.location,
        "https://site.test/static/vendor.js (lodash)"
    );
    has_cves(
        lodash,
        &["CVE-2020-8203", "CVE-2020-28500", "CVE-2021-23337"],
    );
    assert_eq!(lodash.severity, Severity::High);
    assert!(!lodash.kev);

    let angular = about(&out, "components.vulnerable-library", "AngularJS 1.5.8");
    assert_eq!(
        angular.location,
        format!("{ANGULAR_CDN} (AngularJS)"),
        "named by its CDN URL, never fetched"
    );
    assert!(angular.evidence.as_deref().unwrap().contains("not fetched"));
    has_cves(angular, &["CVE-2019-10768"]);

    let bootstrap = about(&out, "components.vulnerable-library", "Bootstrap 3.3.7");
    has_cves(bootstrap, &["CVE-2018-14040", "CVE-2019-8331"]);
    assert_eq!(bootstrap.severity, Severity::Medium);

    let eol: Vec<&str> = out
        .findings
        .iter()
        .filter(|f| f.check_id == "components.eol-library")
        .map(|f| f.title.as_str())
        .collect();
    assert_eq!(eol.len(), 3, "{eol:?}");
    let angular_eol = about(&out, "components.eol-library", "AngularJS 1.5.8");
    assert!(
        angular_eol.title.contains("2021-12-31"),
        "{}",
        angular_eol.title
    );
    assert_eq!(angular_eol.location, format!("{ANGULAR_CDN} (AngularJS)"));
    about(&out, "components.eol-library", "jQuery 1.12.4");
    about(&out, "components.eol-library", "Bootstrap 3.3.7");

    let nginx = about(&out, "components.vulnerable-server", "nginx 1.18.0");
    has_cves(nginx, &["CVE-2021-23017"]);
    assert_eq!(nginx.location, "https://site.test/ (nginx)");
    assert_eq!(
        (nginx.severity, nginx.confidence),
        (Severity::Medium, Confidence::Low),
        "every nginx advisory needs a setup a banner cannot show"
    );
    assert!(
        nginx
            .evidence
            .as_deref()
            .unwrap()
            .contains("Server: nginx/1.18.0")
    );

    let php = about(&out, "components.vulnerable-server", "PHP 7.4.3");
    has_cves(php, &["CVE-2021-21708", "CVE-2022-31625"]);
    assert_eq!(php.severity, Severity::Critical);
    assert!(php.title.contains("supported release"), "{}", php.title);
    let php_eol = about(&out, "components.eol-server", "PHP 7.4.3");
    assert!(php_eol.title.contains("2022-11-28"));

    let wordpress = about(&out, "components.vulnerable-server", "WordPress 5.8");
    has_cves(wordpress, &["CVE-2022-21661", "CVE-2022-21664"]);
    assert_eq!(
        (wordpress.severity, wordpress.confidence),
        (Severity::High, Confidence::High)
    );
    assert!(
        wordpress.title.contains("upgrade to 5.8.7"),
        "{}",
        wordpress.title
    );
}

#[tokio::test]
async fn a_hardened_site_gets_no_components_findings() {
    let out = scan_https(hardened_site(), Profile::Standard).await;
    let above_info: Vec<&str> = out
        .findings
        .iter()
        .filter(|f| f.module.as_str() == "components" && f.severity > Severity::Info)
        .map(|f| f.title.as_str())
        .collect();
    assert_eq!(above_info, Vec::<&str>::new());
    assert_eq!(out.state("components.libraries"), CoverageState::Passed);
    assert_eq!(out.state("components.servers"), CoverageState::Passed);
}

#[tokio::test]
async fn wordpress_core_asset_versions_name_the_version_without_a_generator_tag() {
    let page = r#"<html><head>
        <link rel="stylesheet" href="/wp-includes/css/dist/block-library/style.min.css?ver=5.8">
        <script src="/wp-includes/js/jquery/jquery.min.js?ver=3.6.0"></script>
        <script src="/wp-includes/js/wp-emoji-release.min.js?ver=5.8"></script>
        </head><body>blog</body></html>"#;
    let out = scan_https(
        Router::new().route("/", get(move || async move { html(&[], page) })),
        Profile::Standard,
    )
    .await;
    let wp = about(&out, "components.vulnerable-server", "WordPress 5.8");
    assert_eq!(wp.confidence, Confidence::Medium);
    assert!(
        wp.evidence
            .as_deref()
            .unwrap()
            .contains("2 core asset(s) versioned 5.8")
    );
    assert_eq!(out.ids_in("components.").len(), 1, "{:?}", out.ids());

    let plugin_only = r#"<html><head><script src="/wp-content/plugins/x/app.js?ver=5.8"></script>
        <script src="/wp-includes/js/jquery/jquery.min.js?ver=3.6.0"></script></head></html>"#;
    let out = scan_https(
        Router::new().route("/", get(move || async move { html(&[], plugin_only) })),
        Profile::Standard,
    )
    .await;
    assert_eq!(
        out.ids_in("components."),
        Vec::<&str>::new(),
        "plugin and library versions are not WordPress's"
    );
}

#[tokio::test]
async fn tomcat_error_pages_and_distribution_builds() {
    let site = Router::new()
        .route(
            "/",
            get(|| async {
                html(
                    &[("server", "Apache/2.4.41 (Ubuntu)"), ("x-generator", "Drupal 9 (https://www.drupal.org)")],
                    "<html><body>home</body></html>",
                )
            }),
        )
        .fallback(|| async {
            http::Response::builder()
                .status(404)
                .header("content-type", "text/html")
                .body(axum::body::Body::from(
                    "<html><head><title>HTTP Status 404 – Not Found</title></head><body><h1>HTTP Status 404 – Not Found</h1>\
                     <hr/><h3>Apache Tomcat/9.0.30</h3></body></html>",
                ))
                .unwrap()
        });
    let out = scan_https(site, Profile::Quick).await;
    let tomcat = about(&out, "components.vulnerable-server", "Apache Tomcat 9.0.30");
    has_cves(tomcat, &["CVE-2020-1938", "CVE-2023-46589"]);
    assert_eq!(
        tomcat.severity,
        Severity::High,
        "Ghostcat needs the AJP port; smuggling does not"
    );
    assert!(
        !tomcat.kev,
        "the KEV entries here all need a setup the page cannot show"
    );
    assert!(tomcat.description.contains("In CISA KEV since 2022-03-03"));

    let apache = about(&out, "components.vulnerable-server", "Apache httpd 2.4.41");
    assert_eq!(apache.confidence, Confidence::Low);
    assert!(
        apache.description.contains("backport"),
        "{}",
        apache.description
    );

    let drupal = about(&out, "components.eol-server", "Drupal 9");
    assert!(drupal.title.contains("2023-11-01"));
    assert!(
        !out.findings
            .iter()
            .any(|f| f.check_id == "components.vulnerable-server" && f.title.starts_with("Drupal")),
        "a major alone matches no advisory"
    );
}
