//! The lab's misconfigured site: every kind of problem the checks look for, served on purpose.

use super::{Fix, SiteState, request_host};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use http::{HeaderMap, Method, StatusCode, Uri, header};
use std::sync::Arc;

const INDEX: &str = r#"<!doctype html>
<html><head>
<title>Acme Shop</title>
<meta name="generator" content="WordPress 5.8.1">
<link rel="stylesheet" href="/static/site.css">
<script src="https://cdn.jsdelivr.net/npm/jquery@1.12.4/dist/jquery.min.js"></script>
<script src="http://{host}/static/legacy.js"></script>
<script src="/static/app.js"></script>
<script>window.ACME = { debug: true };</script>
</head><body>
<h1>Acme Shop</h1>
<nav><a href="/about">About</a> <a href="/products?id=1">Products</a> <a href="/static/">Files</a> <a href="/logout">Log out</a></nav>
<form action="http://{host}/login" method="post"><input name="user"><input type="password" name="password"><button>Sign in</button></form>
<img src="http://{host}/static/logo.png" alt="logo">
</body></html>
"#;

const ABOUT: &str = "<!doctype html><html><head><title>About Acme</title></head><body><h1>About</h1>\
    <p>Family business since 1999.</p><a href=\"/\">Home</a></body></html>";

const TRACEBACK: &str = "<html><body><h1>Internal Server Error</h1><pre>Traceback (most recent call last):\n  \
    File \"/srv/acme/app/views.py\", line 42, in product\n    row = db.execute(\"SELECT * FROM products WHERE id=\" + pid)\n\
    sqlite3.OperationalError: no such column: id\n</pre></body></html>";

const NOT_FOUND: &str = "<!DOCTYPE html><html><head><title>Page not found at {path}</title></head><body>\
    <h1>Page not found <span>(404)</span></h1><p>Request URL: {path}</p>\
    <p>Using the URLconf defined in <code>acme.urls</code>, Django tried these URL patterns, in this order:</p>\
    <ol><li>admin/</li><li>products/</li></ol>\
    <p>You're seeing this error because you have <code>DEBUG = True</code> in your Django settings file.</p></body></html>";

const GIT_CONFIG: &str = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\
    [remote \"origin\"]\n\turl = git@github.com:acme/shop.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n";

const DOTENV: &str = "APP_ENV=production\nAPP_DEBUG=true\nDB_HOST=10.0.3.12\nDB_USER=acme\nDB_PASSWORD=lab-not-a-real-password\n\
    SESSION_SECRET=lab-session-secret-0000000000\n";

const SQL_DUMP: &str = "-- MySQL dump 10.13  Distrib 5.7.33, for Linux (x86_64)\n--\n-- Host: localhost    Database: acme\n\
    CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `email` varchar(255),\n  `password_hash` varchar(255)\n);\n\
    INSERT INTO `users` VALUES (1,'admin@acme.test','$2y$10$labhashlabhashlabhashlabhashlabhashlab');\n";

const SERVER_STATUS: &str = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\"><html><head>\
    <title>Apache Status</title></head><body><h1>Apache Server Status for acme</h1>\
    <dl><dt>Server Version: Apache/2.4.49 (Unix)</dt><dt>Current Time: today</dt></dl>\
    <pre>_W___..........</pre></body></html>";

const PHPINFO: &str = "<!DOCTYPE html><html><head><title>PHP 7.4.3 - phpinfo()</title></head><body>\
    <table><tr class=\"h\"><td><h1 class=\"p\">PHP Version 7.4.3</h1></td></tr></table>\
    <table><tr><td class=\"e\">System </td><td class=\"v\">Linux acme 5.4.0 </td></tr></table></body></html>";

const LISTING: &str = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\"><html><head><title>Index of /static</title>\
    </head><body><h1>Index of /static</h1><ul><li><a href=\"/\"> Parent Directory</a></li>\
    <li><a href=\"app.js\"> app.js</a></li><li><a href=\"app.js.map\"> app.js.map</a></li>\
    <li><a href=\"site.css\"> site.css</a></li></ul></body></html>";

const APP_JS: &str = "(function(){var api='/api/v1';function load(){return fetch(api+'/products')}window.acme={load:load}})();\n\
    //# sourceMappingURL=app.js.map\n";

const APP_JS_MAP: &str = r#"{"version":3,"file":"app.js","sources":["../src/app.ts"],"sourcesContent":["const api = '/api/v1';\nexport function load() { return fetch(api + '/products'); }\n"],"names":["api","load"],"mappings":"AAAA,IAAM"}"#;

const CLAUDE_MD: &str = "# CLAUDE.md\n\n## Project\nAcme shop, Django 3.2 on /srv/acme.\n\n## Deploy\n- ssh deploy@10.0.3.12 and run `make deploy`\n- database backups go to /backup.sql\n";

/// The vulnerable site's files that a static web server can serve as they are (path, content): its pages,
/// scripts, source map, exposed repository, environment file, dump and agent file; `{host}` filled in. Tests serve
/// them from a real web server to show that a fix file's configuration removes what it claims to.
pub fn static_files(host: &str) -> Vec<(&'static str, String)> {
    vec![
        ("/index.html", INDEX.replace("{host}", host)),
        ("/.git/HEAD", "ref: refs/heads/main\n".into()),
        ("/.git/config", GIT_CONFIG.into()),
        ("/.env", DOTENV.into()),
        ("/backup.sql", SQL_DUMP.into()),
        ("/static/app.js", APP_JS.into()),
        ("/static/app.js.map", APP_JS_MAP.into()),
        ("/static/site.css", "body{font-family:sans-serif}".into()),
        ("/CLAUDE.md", CLAUDE_MD.into()),
    ]
}

/// The router of the vulnerable site (both HTTP and HTTPS).
pub(super) fn router(state: Arc<SiteState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

async fn handle(
    State(state): State<Arc<SiteState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path().to_string();
    state.hits.record(&path);
    let host = request_host(&headers, &uri, "vulnerable.lab.palisade.test");
    let mut resp = if method == Method::TRACE {
        trace_echo(&method, &uri, &headers)
    } else if path == "/.env" && state.fixes.has(Fix::Env) {
        page("/not-found", &host)
    } else {
        page(&path, &host)
    };
    if state.fixes.has(Fix::Hsts) {
        let hsts = "max-age=63072000; includeSubDomains"
            .parse()
            .expect("static");
        resp.headers_mut().insert("strict-transport-security", hsts);
    }
    let h = resp.headers_mut();
    h.insert(
        header::SERVER,
        "Apache/2.4.49 (Unix)".parse().expect("static"),
    );
    h.insert("x-powered-by", "PHP/7.4.3".parse().expect("static"));
    h.insert("referrer-policy", "unsafe-url".parse().expect("static"));
    h.insert(
        "content-security-policy",
        "default-src * 'unsafe-inline' 'unsafe-eval'; script-src * 'unsafe-inline' 'unsafe-eval' http:".parse().expect("static"),
    );
    if let Some(origin) = headers.get(header::ORIGIN) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        h.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            "true".parse().expect("static"),
        );
    }
    resp
}

fn page(path: &str, host: &str) -> Response {
    let (status, ctype, body): (StatusCode, &str, String) = match path {
        "/" => (
            StatusCode::OK,
            "text/html; charset=utf-8",
            INDEX.replace("{host}", host),
        ),
        "/about" => (StatusCode::OK, "text/html; charset=utf-8", ABOUT.into()),
        "/products" => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/html; charset=utf-8",
            TRACEBACK.into(),
        ),
        "/logout" => (
            StatusCode::OK,
            "text/html",
            "<p>You have been logged out.</p>".into(),
        ),
        "/.git/HEAD" => (
            StatusCode::OK,
            "text/plain",
            "ref: refs/heads/main\n".into(),
        ),
        "/.git/config" => (StatusCode::OK, "text/plain", GIT_CONFIG.into()),
        "/.env" => (StatusCode::OK, "text/plain", DOTENV.into()),
        "/backup.sql" => (StatusCode::OK, "application/sql", SQL_DUMP.into()),
        "/server-status" => (StatusCode::OK, "text/html", SERVER_STATUS.into()),
        "/phpinfo.php" => (StatusCode::OK, "text/html", PHPINFO.into()),
        "/static/" | "/static" => (StatusCode::OK, "text/html", LISTING.into()),
        "/static/app.js" => (StatusCode::OK, "application/javascript", APP_JS.into()),
        "/static/app.js.map" => (StatusCode::OK, "application/json", APP_JS_MAP.into()),
        "/static/site.css" => (
            StatusCode::OK,
            "text/css",
            "body{font-family:sans-serif}".into(),
        ),
        "/CLAUDE.md" => (StatusCode::OK, "text/markdown", CLAUDE_MD.into()),
        _ => (
            StatusCode::NOT_FOUND,
            "text/html; charset=utf-8",
            NOT_FOUND.replace("{path}", &escape(path)),
        ),
    };
    let mut builder = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, ctype);
    if path == "/" {
        builder = builder
            .header(header::SET_COOKIE, "PHPSESSID=3f2a9c1e7b4d5a6f; path=/")
            .header(header::SET_COOKIE, "__Secure-theme=dark; Path=/");
    }
    builder.body(Body::from(body)).expect("valid response")
}

fn trace_echo(method: &Method, uri: &Uri, headers: &HeaderMap) -> Response {
    let mut echo = format!("{method} {uri} HTTP/1.1\r\n");
    for (name, value) in headers {
        echo.push_str(&format!(
            "{name}: {}\r\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    Response::builder()
        .header(header::CONTENT_TYPE, "message/http")
        .body(Body::from(echo))
        .expect("valid response")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
