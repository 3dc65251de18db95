//! References a crawled site makes to blocked addresses: links, scripts, styles, frames, forms, a `<base>`, source
//! maps (comment and header), CSP report-uri and Report-To, Link headers, robots.txt and sitemaps, the web app
//! manifest, security.txt, OpenID and AI-plugin documents, OpenAPI servers, and name servers (zone transfers):
//! the standard and deep profiles crawl the site and contact no blocked address.

use crate::fixture::{app, dns};
use crate::traps::{ALLOWED, Site, traps};
use axum::Router;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use palisade::model::Profile;

const HOME: &str = r#"<!doctype html><html><head><title>allowed</title>
<link rel="stylesheet" href="http://10.0.0.1/s.css">
<link rel="manifest" href="/manifest.json">
<link rel="preload" as="script" href="//169.254.169.254/latest/meta-data/">
<link rel="dns-prefetch" href="//ten.evil.test">
<script src="/app.js"></script>
<script src="http://ok.site.test/lib.js"></script>
<script src="http://0x7f000001/x.js"></script>
<script src="//[fd00::1]/y.js"></script>
<script src="http://meta.evil.test/z.js"></script>
</head><body>
<a href="/page2">same site</a>
<a href="http://ok.site.test/page3">same site, absolute</a>
<a href="http://10.0.0.1/admin">private</a>
<a href="http://ten.evil.test/">a name</a>
<a href="http://[::ffff:a00:1]/">mapped</a>
<a href="http://ok.site.test@10.0.0.1/">userinfo</a>
<a href="http:\\10.0.0.1\x">backslashes</a>
<a href="//100.64.0.1/">scheme-relative</a>
<a href="/away">a redirect away</a>
<img src="http://100.64.0.1/pixel.gif" srcset="http://10.0.0.1/a.png 1x, http://169.254.169.254/b.png 2x">
<iframe src="http://meta.evil.test/"></iframe>
<form action="http://10.0.0.1/login" method="get"><input name="q"></form>
</body></html>"#;

const PAGE2: &str = r#"<html><head><base href="http://10.0.0.1/"></head><body>
<a href="deeper">relative to a blocked base</a><script src="app2.js"></script>
<link rel="stylesheet" href="style.css"></body></html>"#;

const PAGE3: &str = r#"<html><body><a href="http://2852039166/">decimal</a>
<script>fetch("http://10.0.0.1/api"); var u = "http://169.254.169.254/latest/";</script></body></html>"#;

fn site() -> Router {
    let csp = "default-src 'self'; report-uri http://10.0.0.1/csp; report-to g";
    let report_to =
        r#"{"group":"g","max_age":60,"endpoints":[{"url":"http://169.254.169.254/r"}]}"#;
    let nel = r#"{"report_to":"g","max_age":60}"#;
    Router::new()
        .route(
            "/",
            get(move || async move {
                (
                    [
                        ("content-security-policy", csp),
                        ("report-to", report_to),
                        ("nel", nel),
                        ("link", "<http://10.0.0.1/>; rel=preconnect"),
                        ("content-location", "http://10.0.0.1/"),
                        ("x-frame-options", "ALLOW-FROM http://10.0.0.1/"),
                    ],
                    Html(HOME),
                )
            }),
        )
        .route("/page2", get(|| async { Html(PAGE2) }))
        .route("/page3", get(|| async { Html(PAGE3) }))
        .route(
            "/app.js",
            get(|| async {
                (
                    [("content-type", "application/javascript"), ("sourcemap", "http://169.254.169.254/h.map")],
                    "console.log(1);\n//# sourceMappingURL=http://10.0.0.1/x.map\n",
                )
            }),
        )
        .route(
            "/lib.js",
            get(|| async {
                (
                    [("content-type", "application/javascript"), ("x-sourcemap", "//127.0.0.1/l.map")],
                    "var a=1;\n//# sourceMappingURL=//[fd00::1]/l.map\n/*# sourceMappingURL=http://ten.evil.test/c.map */",
                )
            }),
        )
        .route("/away", get(|| async { axum::response::Redirect::temporary("http://10.0.0.1/") }))
        .route(
            "/robots.txt",
            get(|| async {
                "User-agent: *\nAllow: /\nSitemap: http://10.0.0.1/sitemap.xml\nSitemap: http://ok.site.test/sitemap.xml\n"
            }),
        )
        .route(
            "/sitemap.xml",
            get(|| async {
                (
                    [("content-type", "application/xml")],
                    "<urlset><url><loc>http://10.0.0.1/</loc></url><url><loc>http://ten.evil.test/s</loc></url>\
                     <url><loc>http://ok.site.test/page3</loc></url></urlset>",
                )
            }),
        )
        .route(
            "/manifest.json",
            get(|| async {
                axum::Json(serde_json::json!({
                    "name": "x", "start_url": "http://10.0.0.1/", "scope": "http://10.0.0.1/",
                    "icons": [{"src": "http://169.254.169.254/i.png", "sizes": "192x192"}]
                }))
            }),
        )
        .route(
            "/.well-known/security.txt",
            get(|| async {
                "Contact: http://10.0.0.1/report\nPolicy: http://169.254.169.254/policy\n\
                 Canonical: http://10.0.0.1/.well-known/security.txt\nExpires: 2099-01-01T00:00:00Z\n"
            }),
        )
        .route(
            "/.well-known/openid-configuration",
            get(|| async {
                axum::Json(serde_json::json!({
                    "issuer": "http://10.0.0.1", "jwks_uri": "http://169.254.169.254/jwks",
                    "authorization_endpoint": "http://10.0.0.1/auth", "token_endpoint": "http://100.64.0.1/token"
                }))
            }),
        )
        .route(
            "/.well-known/ai-plugin.json",
            get(|| async {
                axum::Json(serde_json::json!({
                    "schema_version": "v1", "name_for_model": "x",
                    "api": {"type": "openapi", "url": "http://10.0.0.1/openapi.yaml"},
                    "logo_url": "http://169.254.169.254/logo.png"
                }))
            }),
        )
        .route(
            "/openapi.json",
            get(|| async {
                axum::Json(serde_json::json!({
                    "openapi": "3.0.0", "info": {"title": "x", "version": "1"},
                    "servers": [{"url": "http://10.0.0.1/api"}, {"url": "http://meta.evil.test/"}],
                    "paths": {"/users": {"get": {}}}
                }))
            }),
        )
        .route(
            "/llms.txt",
            get(|| async { "# x\n- [api](http://10.0.0.1/api)\n- [meta](http://169.254.169.254/)\n" }),
        )
        .fallback(|| async { (http::StatusCode::NOT_FOUND, "not here").into_response() })
}

ns_test! {
    async fn crawled_references_to_blocked_addresses_are_not_fetched() {
        let traps = traps().await;
        let dns = dns().await;
        let t = app(&dns).await;
        let site = Site::start(ALLOWED, 80, site()).await;
        let out = crate::fixture::try_scan(&t, &["http://ok.site.test/"], Profile::Standard).await.expect("starts");
        assert_eq!(out.scan.targets[0].error, None);
        for path in ["/", "/page2", "/page3", "/app.js", "/lib.js", "/.well-known/security.txt", "/openapi.json"] {
            assert!(site.hits(path) >= 1, "the crawl fetched {path}: {:?}", site.paths());
        }
        traps.assert_untouched("crawled references (standard profile)");
    }
}

ns_test! {
    async fn the_deep_profile_and_zone_transfers_contact_no_blocked_address() {
        let traps = traps().await;
        let zone = crate::fixture::zone()
            .ns("site.test", "ns1.evil.test")
            .ns("site.test", "ns2.evil.test")
            .ns("site.test", "ns3.evil.test")
            .addr("ns1.evil.test", "10.0.0.1")
            .addr("ns2.evil.test", "169.254.169.254")
            .addr("ns3.evil.test", "fd00::1");
        let dns = crate::dns::serve(zone).await;
        let t = app(&dns).await;
        let site = Site::start(ALLOWED, 80, site()).await;
        let out = crate::fixture::try_scan(&t, &["http://ok.site.test/"], Profile::Deep).await.expect("starts");
        assert_eq!(out.scan.targets[0].error, None);
        assert!(site.hits("/page2") >= 1, "the deep crawl ran: {:?}", site.paths());
        let axfr = out.coverage.iter().find(|c| c.check_id == "dns.axfr").expect("dns.axfr ran");
        assert!(
            axfr.detail.as_deref().unwrap_or_default().contains("out of scope"),
            "the zone transfer was refused at its name servers: {axfr:?}"
        );
        traps.assert_untouched("crawled references and name servers (deep profile)");
    }
}
