//! The lab's hardened site: what a well-configured site sends. A scan of it must report nothing.

use super::{SiteState, request_host};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use base64::Engine;
use http::{HeaderMap, Method, StatusCode, Uri, header};
use sha2::{Digest, Sha384};
use std::sync::{Arc, LazyLock};

const APP_JS: &str =
    "document.addEventListener('DOMContentLoaded',function(){document.body.dataset.ready='1'});\n";
const SITE_CSS: &str = "body{font-family:system-ui,sans-serif;margin:2rem}\n";

fn sri(content: &str) -> String {
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha384::digest(content.as_bytes()))
    )
}

static INDEX: LazyLock<String> = LazyLock::new(|| {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Hardened Co</title>\
         <link rel=\"stylesheet\" href=\"/static/site.css\" integrity=\"{}\">\
         <script src=\"/static/app.js\" integrity=\"{}\"></script></head>\
         <body><h1>Hardened Co</h1><p><a href=\"/about\">About us</a></p>\
         <form action=\"/search\" method=\"get\"><input name=\"q\"><button>Search</button></form></body></html>\n",
        sri(SITE_CSS),
        sri(APP_JS)
    )
});

const ABOUT: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>About</title></head>\
    <body><h1>About</h1><p><a href=\"/\">Home</a></p></body></html>\n";

const SECURITY_TXT: &str = "Contact: mailto:security@hardened.lab.palisade.test\nExpires: 2031-01-01T00:00:00.000Z\n\
    Preferred-Languages: en\n";

/// The hardened site over HTTPS.
pub(super) fn router(state: Arc<SiteState>) -> Router {
    Router::new().fallback(handle).with_state(state)
}

/// The hardened site's plain-HTTP side: a permanent redirect to HTTPS for every request.
pub(super) fn redirect_router(state: Arc<SiteState>) -> Router {
    Router::new().fallback(redirect).with_state(state)
}

async fn redirect(State(state): State<Arc<SiteState>>, uri: Uri, headers: HeaderMap) -> Response {
    state.hits.record(uri.path());
    let host = request_host(&headers, &uri, "hardened.lab.palisade.test");
    let target = format!(
        "https://{host}{}",
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    Response::builder()
        .status(StatusCode::MOVED_PERMANENTLY)
        .header(header::LOCATION, target)
        .body(Body::empty())
        .expect("valid response")
}

async fn handle(State(state): State<Arc<SiteState>>, method: Method, uri: Uri) -> Response {
    state.hits.record(uri.path());
    let (status, ctype, body): (StatusCode, &str, String) = match (method.clone(), uri.path()) {
        (Method::GET | Method::HEAD, "/") => {
            (StatusCode::OK, "text/html; charset=utf-8", INDEX.clone())
        }
        (Method::GET | Method::HEAD, "/about") => {
            (StatusCode::OK, "text/html; charset=utf-8", ABOUT.into())
        }
        (Method::GET | Method::HEAD, "/static/app.js") => {
            (StatusCode::OK, "text/javascript", APP_JS.into())
        }
        (Method::GET | Method::HEAD, "/static/site.css") => {
            (StatusCode::OK, "text/css", SITE_CSS.into())
        }
        (Method::GET | Method::HEAD, "/.well-known/security.txt") => (
            StatusCode::OK,
            "text/plain; charset=utf-8",
            SECURITY_TXT.into(),
        ),
        (Method::GET | Method::HEAD | Method::OPTIONS, _) => {
            (StatusCode::NOT_FOUND, "text/plain", "Not found\n".into())
        }
        _ => (
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain",
            "Method not allowed\n".into(),
        ),
    };
    let mut builder = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, ctype)
        .header("strict-transport-security", "max-age=63072000; includeSubDomains; preload")
        .header(
            "content-security-policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        )
        .header("x-content-type-options", "nosniff")
        .header("x-frame-options", "DENY")
        .header("referrer-policy", "no-referrer")
        .header("permissions-policy", "camera=(), microphone=(), geolocation=()")
        .header("cross-origin-opener-policy", "same-origin")
        .header("cross-origin-embedder-policy", "require-corp")
        .header("cross-origin-resource-policy", "same-origin");
    if uri.path() == "/" {
        builder = builder.header(
            header::SET_COOKIE,
            "__Host-session=c2Vzc2lvbg; Path=/; Secure; HttpOnly; SameSite=Strict",
        );
    }
    builder.body(Body::from(body)).expect("valid response")
}
