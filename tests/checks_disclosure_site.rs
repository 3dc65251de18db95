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

/// A listing of the site's root, served for every path the site does not have.
const ROOT_LISTING: &str = "<html><head><title>Index of /</title></head><body><h1>Index of /</h1><pre>\
    <a href=\"index.html\">index.html</a>\n<a href=\"robots.txt\">robots.txt</a>\n</pre></body></html>";
const BACKUPS_LISTING: &str = "<html><head><title>Index of /backups/</title></head><body><h1>Index of /backups/</h1><pre>\
    <a href=\"../\">../</a>\n<a href=\"shop-2024-06.sql.gz\">shop-2024-06.sql.gz</a>   01-Jun-2024 03:00   81234\n</pre></body></html>";

/// Folders no page links to are listed in deep scans only, and never where every path answers with one listing.
#[tokio::test]
async fn unlinked_common_folders_are_probed_for_listings_in_deep_scans() {
    let files = vec![
        ok("/backups/", "text/html", BACKUPS_LISTING),
        ok("/tmp/", "text/plain", "Forbidden").status(403),
    ];
    let deep = scan_site(files.clone(), Missing::NotFound, Profile::Deep).await;
    let backups = deep.evidence("disclosure.directory-listing", &url("/backups/"));
    assert!(backups.contains("shop-2024-06.sql.gz"), "{backups}");
    let standard = scan_site(files, Missing::NotFound, Profile::Standard).await;
    assert_eq!(standard.ids(), vec!["disclosure.security-txt-missing"]);
    let catch_all = scan_site(vec![], Missing::Page(200, ROOT_LISTING), Profile::Deep).await;
    assert!(
        catch_all.count("/uploads/") >= 1,
        "the folders were asked for"
    );
    assert!(
        !catch_all.ids().contains(&"disclosure.directory-listing"),
        "{:?}",
        catch_all.ids()
    );
}

/// A server process started for a test on a free loopback port, stopped on drop.
struct Peer {
    child: std::process::Child,
    addr: std::net::SocketAddr,
    _dir: tempfile::TempDir,
}

impl Drop for Peer {
    fn drop(&mut self) {
        // SIGTERM: gunicorn's master stops its workers before it exits.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

/// Starts `python` with `args` (`{port}` replaced by a free port) in `dir` and waits until it listens.
fn peer(python: &std::path::Path, args: &[&str], dir: tempfile::TempDir) -> Peer {
    let addr = support::closed_port();
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{port}", &addr.port().to_string()))
        .collect();
    let child = std::process::Command::new(python)
        .args(&args)
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {} {args:?}: {e}", python.display()));
    let peer = Peer {
        child,
        addr,
        _dir: dir,
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "{args:?} did not listen on {addr}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    peer
}

/// The Python of the virtual environment scripts/test makes with Flask and gunicorn.
fn flask_python() -> std::path::PathBuf {
    let python = std::env::var_os("PALISADE_TEST_DEVSERVER_PYTHON")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/devserver-venv/bin/python")
        });
    assert!(
        python.exists(),
        "{} is missing: run scripts/test, which installs Flask and gunicorn",
        python.display()
    );
    python
}

/// Scans `http://site.test/` served by `peer` (HTTPS closed).
async fn scan_peer(peer: &Peer, profile: Profile) -> Scanned {
    let t = support::TestApp::new(|c| {
        c.network.pins = support::pin_site(HOST, peer.addr, support::closed_port())
    })
    .await;
    let out = t.scan(&[&url("/")], profile).await;
    Scanned { out, hits: vec![] }
}

const FLASK_APP: &str = "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get(\"/\")\ndef index():\n    \
    return \"<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1></body></html>\"\n";

fn flask_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), FLASK_APP).unwrap();
    dir
}

#[tokio::test]
async fn flask_on_the_werkzeug_dev_server_is_a_dev_server_and_under_gunicorn_is_not() {
    let python = flask_python();
    let args = [
        "-m",
        "flask",
        "--app",
        "app",
        "run",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
    ];
    let dev = peer(&python, &args, flask_dir());
    let s = scan_peer(&dev, Profile::Quick).await;
    let f = s.at("disclosure.dev-server", "http://site.test/ (Werkzeug)");
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(
        f.title,
        "Werkzeug development server (Flask) serves the site"
    );
    let evidence = f.evidence.clone().unwrap_or_default();
    assert!(evidence.starts_with("server: Werkzeug/"), "{evidence}");
    assert!(f.description.contains("gunicorn"), "{}", f.description);
    s.at("disclosure.server-version", "http://site.test/ (Server)");
    drop(dev);
    let args = [
        "-m",
        "gunicorn",
        "--bind",
        "127.0.0.1:{port}",
        "--workers",
        "1",
        "app:app",
    ];
    let production = peer(&python, &args, flask_dir());
    let s = scan_peer(&production, Profile::Quick).await;
    assert_eq!(s.ids(), vec!["disclosure.security-txt-missing"]);
}

#[tokio::test]
async fn python_http_server_and_wsgiref_are_dev_servers() {
    let python = std::path::PathBuf::from("python3");
    let files = tempfile::tempdir().unwrap();
    std::fs::write(files.path().join("index.html"), INDEX).unwrap();
    let simple = peer(
        &python,
        &["-m", "http.server", "{port}", "--bind", "127.0.0.1"],
        files,
    );
    let s = scan_peer(&simple, Profile::Quick).await;
    let evidence = s.evidence("disclosure.dev-server", "http://site.test/ (http.server)");
    assert!(evidence.starts_with("server: SimpleHTTP/"), "{evidence}");
    let wsgi_app = "from wsgiref.simple_server import make_server\nimport sys\n\n\
        def app(environ, start_response):\n    start_response('200 OK', [('Content-Type', 'text/html')])\n    \
        return [b'<!doctype html><html><head><title>Shop</title></head><body>Shop</body></html>']\n\n\
        make_server('127.0.0.1', int(sys.argv[1]), app).serve_forever()\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("serve.py"), wsgi_app).unwrap();
    let wsgiref = peer(&python, &["serve.py", "{port}"], dir);
    let s = scan_peer(&wsgiref, Profile::Quick).await;
    let f = s.at("disclosure.dev-server", "http://site.test/ (runserver)");
    assert!(f.description.contains("runserver"), "{}", f.description);
}

/// Python's http.server in a deep scan: a folder no page links to is listed.
#[tokio::test]
async fn python_http_server_lists_an_unlinked_backups_folder_in_a_deep_scan() {
    let files = tempfile::tempdir().unwrap();
    std::fs::write(files.path().join("index.html"), INDEX).unwrap();
    std::fs::create_dir(files.path().join("backups")).unwrap();
    std::fs::write(
        files.path().join("backups/shop-2024-06.sql.gz"),
        b"\x1f\x8b",
    )
    .unwrap();
    let python = std::path::PathBuf::from("python3");
    let server = peer(
        &python,
        &["-m", "http.server", "{port}", "--bind", "127.0.0.1"],
        files,
    );
    let s = scan_peer(&server, Profile::Deep).await;
    let listing = s.evidence("disclosure.directory-listing", &url("/backups/"));
    assert!(
        listing.contains("Directory listing for /backups/")
            && listing.contains("shop-2024-06.sql.gz"),
        "{listing}"
    );
}

const NEXT_DEV: &str = r#"<script src="/_next/static/chunks/webpack.js?v=1718000000000" defer=""></script><script src="/_next/static/development/_buildManifest.js" defer=""></script><script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{}},"page":"/","query":{},"buildId":"development","nextExport":true}</script>"#;
const NEXT_PRODUCTION: &str = r#"<script src="/_next/static/chunks/main-4f1c2a.js" defer=""></script><script src="/_next/static/Xk2J9aQ/_buildManifest.js" defer=""></script><script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{}},"page":"/","query":{},"buildId":"Xk2J9aQ","nextExport":true}</script>"#;

/// Dev builds and debug toolbars shown by the page, a bundle the crawl fetched, or a header.
#[tokio::test]
async fn dev_builds_and_debug_toolbars_marked_in_pages_scripts_and_headers() {
    let index = with_headers(
        index_with(&format!(
            r#"<script type="module" src="/@vite/client"></script><script src="/static/js/bundle.js"></script>{NEXT_DEV}<div id="djDebug" class="djdt-hidden" dir="ltr"></div>"#
        )),
        &[
            ("x-debug-token", "4f2a1c"),
            ("x-debug-token-link", "http://site.test/_profiler/4f2a1c"),
            ("phpdebugbar-id", "X1c2d3e4f5a6b7c8d9e0f"),
            (
                "x-web-console-session-id",
                "7217160b99f7e88fe282af2453c1f098",
            ),
        ],
    );
    let bundle = "/******/ (() => { // webpackBootstrap\n/***/ \"./node_modules/webpack-dev-server/client/index.js?protocol=ws%3A&hostname=0.0.0.0&port=3000\":\n/***/ (() => {})\n";
    let s = scan_site(
        vec![
            index,
            ok("/static/js/bundle.js", "application/javascript", bundle),
        ],
        Missing::NotFound,
        Profile::Standard,
    )
    .await;
    let mut keys: Vec<&str> = s
        .out
        .findings
        .iter()
        .filter(|f| f.check_id == "disclosure.dev-server")
        .map(|f| f.location.trim_start_matches("http://site.test/ "))
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "(Django Debug Toolbar)",
            "(Next.js dev)",
            "(PHP DebugBar)",
            "(Symfony profiler)",
            "(Vite)",
            "(web-console)",
            "(webpack-dev-server)",
        ]
    );
    let webpack = s.evidence(
        "disclosure.dev-server",
        "http://site.test/ (webpack-dev-server)",
    );
    assert!(webpack.contains("/static/js/bundle.js"), "{webpack}");
}

/// Production builds of the same frameworks carry none of those marks, whatever else they say about themselves.
#[tokio::test]
async fn production_builds_are_not_dev_servers() {
    let index = with_headers(
        index_with(&format!(
            r#"<script type="module" crossorigin src="/assets/index-4f2a9c1e.js"></script><link rel="stylesheet" href="/assets/application-4c9deb2d55c130518e97561a9d44d7ca3a5a5fd22682e25ca394d3dcd1ca7fce.css">{NEXT_PRODUCTION}"#
        )),
        &[
            ("x-powered-by", "Next.js"),
            ("x-request-id", "afb05ef3-20ee-40e7-b695-72d4d04b012d"),
            ("x-runtime", "0.067830"),
            ("server", "gunicorn"),
        ],
    );
    let s = scan_site(
        vec![
            index,
            ok(
                "/assets/index-4f2a9c1e.js",
                "application/javascript",
                "(()=>{console.log(1)})();",
            ),
        ],
        Missing::NotFound,
        Profile::Standard,
    )
    .await;
    assert!(!s.ids().contains(&"disclosure.dev-server"), "{:?}", s.ids());
}
