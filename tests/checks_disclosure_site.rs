//! The `disclosure` rules that read the site itself: banners, security.txt, source maps of its scripts, directory
//! listings and error pages. Each against a site with the problem and one without.

mod disclosure_support;
mod support;

use disclosure_support::*;
use palisade::model::{Profile, Severity};

fn with_headers(mut page: Served, headers: &[(&str, &str)]) -> Served {
    for (k, v) in headers {
        page = page.header(k, v);
    }
    page
}

#[tokio::test]
async fn version_banners_one_finding_per_header() {
    let index = with_headers(
        index_with(r#"<meta name="generator" content="Hugo 0.119.0">"#),
        &[
            ("server", "nginx/1.18.0 (Ubuntu)"),
            ("x-powered-by", "Express"),
            ("x-aspnet-version", "4.0.30319"),
            ("x-aspnetmvc-version", "5.2"),
        ],
    );
    let s = scan_site(vec![index], Missing::NotFound, Profile::Quick).await;
    assert_eq!(
        s.ids(),
        vec![
            "disclosure.aspnet-version",
            "disclosure.aspnet-version",
            "disclosure.generator-version",
            "disclosure.security-txt-missing",
            "disclosure.server-version",
            "disclosure.x-powered-by",
        ]
    );
    let server = s.at("disclosure.server-version", "http://site.test/ (Server)");
    assert_eq!(server.severity, Severity::Low);
    assert_eq!(
        server.evidence.as_deref(),
        Some("Server: nginx/1.18.0 (Ubuntu)")
    );
    s.at(
        "disclosure.aspnet-version",
        "http://site.test/ (X-AspNet-Version)",
    );
    s.at(
        "disclosure.aspnet-version",
        "http://site.test/ (X-AspNetMvc-Version)",
    );
    assert!(
        s.evidence(
            "disclosure.generator-version",
            "http://site.test/ (meta generator)"
        )
        .contains("Hugo 0.119.0")
    );
}

#[tokio::test]
async fn product_names_without_versions_are_not_banners() {
    let index = with_headers(
        index_with(r#"<meta name="generator" content="Hugo">"#),
        &[("server", "nginx")],
    );
    let s = scan_site(vec![index], Missing::NotFound, Profile::Quick).await;
    assert_eq!(s.ids(), vec!["disclosure.security-txt-missing"]);
}

const SECURITY_TXT: &str = "Contact: mailto:security@site.test\nExpires: 2031-01-01T00:00:00Z\n";

#[tokio::test]
async fn security_txt_missing_or_invalid() {
    let location = "http://site.test/.well-known/security.txt";
    let none = scan_site(vec![], Missing::NotFound, Profile::Quick).await;
    assert_eq!(
        none.at("disclosure.security-txt-missing", location)
            .severity,
        Severity::Info
    );
    let catch_all = scan_site(vec![], Missing::SamePage, Profile::Quick).await;
    catch_all.at("disclosure.security-txt-missing", location);
    let no_contact = scan_site(
        vec![ok(
            "/.well-known/security.txt",
            "text/plain",
            "Hello, researchers!\n",
        )],
        Missing::NotFound,
        Profile::Quick,
    )
    .await;
    no_contact.at("disclosure.security-txt-missing", location);
    let html = format!("<!doctype html><html><body><pre>{SECURITY_TXT}</pre></body></html>");
    let as_html = scan_site(
        vec![ok("/.well-known/security.txt", "text/html", html)],
        Missing::NotFound,
        Profile::Quick,
    )
    .await;
    as_html.at("disclosure.security-txt-missing", location);
}

#[tokio::test]
async fn security_txt_present_at_either_location_or_behind_a_redirect() {
    let sites = [
        vec![ok("/.well-known/security.txt", "text/plain", SECURITY_TXT)],
        vec![ok("/security.txt", "text/plain", SECURITY_TXT)],
        vec![
            ok("/.well-known/security.txt", "text/plain", "")
                .status(301)
                .header("location", "/policy/security.txt"),
            ok(
                "/policy/security.txt",
                "text/plain; charset=utf-8",
                SECURITY_TXT,
            ),
        ],
    ];
    for files in sites {
        let s = scan_site(files, Missing::NotFound, Profile::Quick).await;
        assert_eq!(s.ids(), Vec::<&str>::new());
    }
}

const MAP_WITH_SOURCE: &str = r#"{"version":3,"file":"app.js","sources":["webpack:///src/api.ts","webpack:///src/auth.ts"],"sourcesContent":["export const API = '/internal/v2';","export function login() {}"],"names":[],"mappings":"AAAA"}"#;
const MAP_WITHOUT_SOURCE: &str = r#"{"version":3,"file":"vendor.js","sources":["node_modules/lib/index.js"],"names":[],"mappings":"AAAA"}"#;

#[tokio::test]
async fn source_maps_from_comments_headers_and_the_map_suffix() {
    let s = scan_site(
        vec![
            index_with(r#"<script src="/assets/app.js"></script><script src="/assets/vendor.js"></script><script src="/assets/x.js"></script>"#),
            ok("/assets/app.js", "text/javascript", "console.log(1);\n//# sourceMappingURL=app.js.map\n"),
            ok("/assets/app.js.map", "application/json", MAP_WITH_SOURCE),
            ok("/assets/vendor.js", "text/javascript", "var v=1;\n"),
            ok("/assets/vendor.js.map", "application/json", MAP_WITHOUT_SOURCE),
            ok("/assets/x.js", "text/javascript", "var x=1;\n").header("sourcemap", "/maps/x.map"),
            ok("/maps/x.map", "application/json", MAP_WITHOUT_SOURCE),
        ],
        Missing::NotFound,
        Profile::Standard,
    )
    .await;
    let app = s.at("disclosure.source-map-exposed", &url("/assets/app.js.map"));
    assert_eq!(
        app.severity,
        Severity::Medium,
        "sourcesContent holds the original code"
    );
    let evidence = app.evidence.clone().unwrap_or_default();
    assert!(
        evidence.contains("2 sources: webpack:///src/api.ts")
            && evidence.contains("sourcesContent"),
        "{evidence}"
    );
    assert_eq!(
        s.at(
            "disclosure.source-map-exposed",
            &url("/assets/vendor.js.map")
        )
        .severity,
        Severity::Low
    );
    s.at("disclosure.source-map-exposed", &url("/maps/x.map"));
    assert_eq!(s.count("/assets/x.js.map"), 0, "the header names the map");
}

#[tokio::test]
async fn missing_inline_or_fake_source_maps_are_fine() {
    let s = scan_site(
        vec![
            index_with(r#"<script src="/assets/app.js"></script><script src="/assets/inline.js"></script><script src="/assets/spa.js"></script>"#),
            ok("/assets/app.js", "text/javascript", "console.log(1);\n//# sourceMappingURL=app.js.map\n"),
            ok("/assets/inline.js", "text/javascript", "x();\n//# sourceMappingURL=data:application/json;base64,eyJ2ZXJzaW9uIjozfQ==\n"),
            ok("/assets/spa.js", "text/javascript", "y();\n"),
            ok("/assets/spa.js.map", "text/html", "<!doctype html><html><body>app</body></html>"),
        ],
        Missing::NotFound,
        Profile::Standard,
    )
    .await;
    assert_eq!(s.ids(), vec!["disclosure.security-txt-missing"]);
    assert_eq!(
        s.count("/assets/inline.js.map"),
        0,
        "an inline map is not fetched"
    );
}

const NGINX_INDEX: &str = "<html>\r\n<head><title>Index of /files/</title></head>\r\n<body>\r\n<h1>Index of /files/</h1><hr><pre>\
    <a href=\"../\">../</a>\r\n<a href=\"export-2024.csv\">export-2024.csv</a>   01-Jan-2024 10:00   1234\r\n</pre><hr></body>\r\n</html>\r\n";
const PYTHON_INDEX: &str = "<!DOCTYPE HTML><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Directory listing for /uploads/2024/</title>\
    </head><body><h1>Directory listing for /uploads/2024/</h1><hr><ul><li><a href=\"logo.png\">logo.png</a></li>\
    <li><a href=\"passport-scan.jpg\">passport-scan.jpg</a></li></ul><hr></body></html>";

#[tokio::test]
async fn directory_listings_on_crawled_pages_and_asset_directories() {
    let s = scan_site(
        vec![
            index_with(r#"<img src="/uploads/2024/logo.png"><a href="/files/">Files</a>"#),
            ok("/files/", "text/html", NGINX_INDEX),
            ok("/uploads/2024/", "text/html", PYTHON_INDEX),
        ],
        Missing::NotFound,
        Profile::Standard,
    )
    .await;
    let files = s.at("disclosure.directory-listing", &url("/files/"));
    assert_eq!(files.severity, Severity::Medium);
    assert!(
        files
            .evidence
            .as_deref()
            .unwrap_or("")
            .contains("export-2024.csv")
    );
    let uploads = s.evidence("disclosure.directory-listing", &url("/uploads/2024/"));
    assert!(uploads.contains("passport-scan.jpg"), "{uploads}");
}

#[tokio::test]
async fn directories_without_listings_and_the_request_bound() {
    let images: String = (0..15)
        .map(|i| format!(r#"<img src="/img/set{i}/a.png">"#))
        .collect();
    let s = scan_site(
        vec![
            index_with(&format!(r#"{images}<a href="/files/">Files</a><a href="/posts">Index of posts</a>"#)),
            ok("/files/", "text/html", "<html><head><title>Files</title></head><body><a href=\"/files/a.pdf\">A</a></body></html>"),
            ok("/posts", "text/html", "<html><head><title>Index of posts</title></head><body><a href=\"/p/1\">1</a></body></html>"),
            ok("/img/", "text/plain", "Forbidden").status(403),
        ],
        Missing::NotFound,
        Profile::Standard,
    )
    .await;
    assert_eq!(s.ids(), vec!["disclosure.security-txt-missing"]);
    let dirs = s
        .hits
        .iter()
        .filter(|h| h.starts_with("/img/") && h.ends_with('/'))
        .count();
    assert!(dirs <= 10, "{dirs} asset directories requested");
}

const JAVA_500: &str = "<html><body><h1>HTTP Status 500 – Internal Server Error</h1><pre>java.lang.IllegalStateException: cart is null\n\
    \tat com.shop.web.CartController.view(CartController.java:88)\n\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\n\
    </pre></body></html>";
const EXPRESS_404: &str = "<!DOCTYPE html><html><head><title>Error</title></head><body><pre>NotFoundError: Not Found<br> &nbsp; &nbsp;at /app/server.js:41:9<br>\
    &nbsp; &nbsp;at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)</pre></body></html>";

#[tokio::test]
async fn stack_traces_on_crawled_pages_and_the_not_found_page() {
    let s = scan_site(
        vec![
            index_with(r#"<a href="/cart">Cart</a>"#),
            ok("/cart", "text/html", JAVA_500).status(500),
        ],
        Missing::Page(404, EXPRESS_404),
        Profile::Standard,
    )
    .await;
    let cart = s.at("disclosure.error-details", &url("/cart"));
    assert_eq!(
        (cart.severity, cart.title.as_str()),
        (Severity::Medium, "Java stack trace at /cart")
    );
    assert!(
        cart.evidence
            .as_deref()
            .unwrap_or("")
            .contains("CartController.java:88")
    );
    let nf = s.at(
        "disclosure.error-details",
        "http://site.test/ (not-found page)",
    );
    assert_eq!(nf.title, "Node.js stack trace on the not-found page");
}

#[tokio::test]
async fn generic_error_pages_and_articles_about_errors_are_fine() {
    let article = "<html><head><title>Debugging Python</title></head><body><p>A typical error:</p><pre>Traceback (most recent call last):\n  \
                   File \"demo.py\", line 3, in &lt;module&gt;\nZeroDivisionError: division by zero</pre></body></html>";
    let s = scan_site(
        vec![
            index_with(r#"<a href="/blog/python-errors">Blog</a><a href="/checkout">Checkout</a>"#),
            ok("/blog/python-errors", "text/html", article),
            ok(
                "/checkout",
                "text/html",
                "<html><body><h1>Something went wrong</h1><p>Reference 8f3a.</p></body></html>",
            )
            .status(500),
        ],
        Missing::Page(404, "<html><body><h1>Page not found</h1></body></html>"),
        Profile::Standard,
    )
    .await;
    assert_eq!(s.ids(), vec!["disclosure.security-txt-missing"]);
}
