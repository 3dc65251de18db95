//! The `api` checks of CORS (an arbitrary and a null origin) and TRACE against real HTTPS servers on loopback,
//! and what the `headers` and `api` checks cost in requests.

mod site;
mod support;

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use http::{HeaderMap, Method, Uri};
use palisade::model::{Profile, Severity};
use site::*;
use std::sync::{Arc, Mutex};
use support::*;

/// How a test server answers CORS requests.
#[derive(Clone, Copy)]
enum Cors {
    /// Copies the request's Origin into Access-Control-Allow-Origin.
    Reflect { credentials: bool },
    /// `Access-Control-Allow-Origin: *`.
    Public,
    /// Allows one named origin (and `null` if `null` is true), with credentials.
    AllowList { null: bool },
    /// Allows `null` without credentials.
    NullOnly,
}

fn cors_site(mode: Cors) -> Router {
    Router::new().fallback(move |headers: HeaderMap| async move {
        let origin = headers
            .get("origin")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut resp = http::Response::builder();
        for (k, v) in HARDENED {
            resp = resp.header(*k, *v);
        }
        let allowed = match (mode, origin.as_deref()) {
            (_, None) => None,
            (Cors::Reflect { credentials }, Some(o)) => Some((o.to_string(), credentials)),
            (Cors::Public, Some(_)) => Some(("*".to_string(), false)),
            (Cors::AllowList { null }, Some(o))
                if o == "https://app.site.test" || (null && o == "null") =>
            {
                Some((o.to_string(), true))
            }
            (Cors::NullOnly, Some("null")) => Some(("null".to_string(), false)),
            _ => None,
        };
        if let Some((acao, credentials)) = allowed {
            resp = resp.header("access-control-allow-origin", acao);
            if credentials {
                resp = resp.header("access-control-allow-credentials", "true");
            }
        }
        resp.body(axum::body::Body::from(HTML)).unwrap()
    })
}

async fn scan_cors(mode: Cors) -> Outcome {
    scan_https(cors_site(mode), Profile::Quick).await
}

#[tokio::test]
async fn cors_reflecting_any_origin_with_credentials() {
    let out = scan_cors(Cors::Reflect { credentials: true }).await;
    assert_eq!(
        out.ids_in("api."),
        vec!["api.cors-reflects-origin"],
        "the null finding would repeat it"
    );
    let f = out.finding("api.cors-reflects-origin");
    assert_eq!((f.severity, f.location.as_str()), (Severity::High, URL));
    assert!(
        f.evidence
            .as_deref()
            .unwrap()
            .contains("https://palisade-cors-probe.invalid")
    );
    assert_eq!(
        observed(&out, "cross-origin-resource-sharing"),
        (
            "cross-origin-resource-sharing-implemented-with-universal-access".into(),
            -50
        )
    );
}

#[tokio::test]
async fn reflection_without_credentials_and_public_cors_are_not_findings() {
    let reflect = scan_cors(Cors::Reflect { credentials: false }).await;
    assert_eq!(reflect.ids_in("api."), Vec::<&str>::new());
    assert_eq!(observed(&reflect, "cross-origin-resource-sharing").1, 0);
    let public = scan_cors(Cors::Public).await;
    assert_eq!(public.ids_in("api."), Vec::<&str>::new());
    assert_eq!(
        observed(&public, "cross-origin-resource-sharing").0,
        "cross-origin-resource-sharing-implemented-with-public-access"
    );
}

#[tokio::test]
async fn cors_trusting_null() {
    let with_credentials = scan_cors(Cors::AllowList { null: true }).await;
    assert_eq!(
        with_credentials.ids_in("api."),
        vec!["api.cors-allows-null"]
    );
    assert_eq!(
        with_credentials.finding("api.cors-allows-null").severity,
        Severity::High
    );
    assert_eq!(
        observed(&with_credentials, "cross-origin-resource-sharing").0,
        "cross-origin-resource-sharing-not-implemented",
        "the arbitrary origin was not allowed"
    );
    let without = scan_cors(Cors::NullOnly).await;
    assert_eq!(
        without.finding("api.cors-allows-null").severity,
        Severity::Info
    );
    let allow_list = scan_cors(Cors::AllowList { null: false }).await;
    assert_eq!(allow_list.ids_in("api."), Vec::<&str>::new());
}

#[derive(Clone, Copy, PartialEq)]
enum Trace {
    Echo,
    Refuse,
    IgnoreMethod,
}

/// A site answering TRACE as `mode` says, recording every request as `METHOD path?query origin`.
fn trace_site(mode: Trace, log: Arc<Mutex<Vec<String>>>) -> Router {
    let handler = move |State(log): State<Arc<Mutex<Vec<String>>>>,
                        method: Method,
                        uri: Uri,
                        headers: HeaderMap| async move {
        let origin = headers
            .get("origin")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        let target = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        log.lock()
            .unwrap()
            .push(format!("{method} {target} {origin}"));
        let mut resp = http::Response::builder();
        for (k, v) in HARDENED {
            resp = resp.header(*k, *v);
        }
        let body = match (method == Method::TRACE, mode) {
            (true, Trace::Echo) => {
                let mut echo = format!("TRACE {uri} HTTP/1.1\r\n");
                for (k, v) in &headers {
                    echo.push_str(&format!("{k}: {}\r\n", v.to_str().unwrap_or("")));
                }
                echo
            }
            (true, Trace::Refuse) => {
                return resp.status(405).body(axum::body::Body::empty()).unwrap();
            }
            _ => HTML.to_string(),
        };
        let resp: Response = resp.body(axum::body::Body::from(body)).unwrap();
        resp
    };
    Router::new().fallback(handler).with_state(log)
}

#[tokio::test]
async fn trace_is_reported_only_when_the_echo_proves_it_in_the_standard_profile() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let echo = scan_https(trace_site(Trace::Echo, log.clone()), Profile::Standard).await;
    assert_eq!(echo.ids_in("api.trace"), vec!["api.trace-enabled"]);
    assert_eq!(echo.finding("api.trace-enabled").severity, Severity::Low);
    let quick = scan_https(trace_site(Trace::Echo, log.clone()), Profile::Quick).await;
    assert_eq!(quick.ids_in("api.trace"), Vec::<&str>::new());
    assert!(
        quick.coverage.iter().all(|c| c.check_id != "api.trace"),
        "TRACE is not planned in quick"
    );
    for mode in [Trace::Refuse, Trace::IgnoreMethod] {
        let out = scan_https(trace_site(mode, log.clone()), Profile::Standard).await;
        assert_eq!(out.ids_in("api.trace"), Vec::<&str>::new());
    }
}

/// The start page is fetched once and shared; the api checks add their own requests to `/`: the two CORS GETs
/// (quick), then TRACE, one OPTIONS and one open-redirect probe with every common parameter (standard).
#[tokio::test]
async fn header_checks_reuse_the_start_page_and_api_checks_send_few_requests_to_it() {
    for (profile, standard) in [(Profile::Quick, 0), (Profile::Standard, 1)] {
        let log = Arc::new(Mutex::new(Vec::new()));
        scan_https(trace_site(Trace::Refuse, log.clone()), profile).await;
        let log = log.lock().unwrap().clone();
        let count = |line: &str| log.iter().filter(|l| *l == line).count();
        assert_eq!(
            count("GET / -"),
            1,
            "{profile}: the start page is fetched once: {log:?}"
        );
        assert_eq!(
            count("GET / https://palisade-cors-probe.invalid"),
            1,
            "{log:?}"
        );
        assert_eq!(count("GET / null"), 1, "{log:?}");
        assert_eq!(count("TRACE / -"), standard, "{log:?}");
        assert_eq!(count("OPTIONS / -"), standard, "{log:?}");
        let redirect_probes = log
            .iter()
            .filter(|l| l.starts_with("GET /?next=https%3A%2F%2Fpalisade-redirect-"))
            .count();
        assert_eq!(redirect_probes, standard, "{log:?}");
        let start_page: Vec<&String> = log
            .iter()
            .filter(|l| {
                let path = l.split(' ').nth(1).unwrap_or("");
                path == "/" || path.starts_with("/?")
            })
            .collect();
        assert_eq!(
            start_page.len(),
            3 + 3 * standard,
            "{profile}: nothing else asks for /: {log:?}"
        );
    }
}

/// A site whose API under `/api/` (and `/api/v1/`) echoes any Origin with credentials while its pages send no CORS
/// headers; `/v1/` and the rest answer 404. Every request is logged as `METHOD path origin`.
fn api_cors_site(log: Arc<Mutex<Vec<String>>>) -> Router {
    let handler = move |State(log): State<Arc<Mutex<Vec<String>>>>,
                        uri: Uri,
                        headers: HeaderMap| async move {
        let origin = headers.get("origin").and_then(|v| v.to_str().ok());
        let path = uri.path().to_string();
        log.lock()
            .unwrap()
            .push(format!("GET {path} {}", origin.unwrap_or("-")));
        let mut resp = http::Response::builder();
        for (k, v) in HARDENED.iter().filter(|(k, _)| *k != "content-type") {
            resp = resp.header(*k, *v);
        }
        let (status, content_type, body) = match path.as_str() {
            "/" => (200, "text/html; charset=utf-8", HTML.to_string()),
            "/api/" | "/api/v1/" => {
                if let Some(origin) = origin {
                    resp = resp
                        .header("access-control-allow-origin", origin)
                        .header("access-control-allow-credentials", "true");
                }
                (
                    200,
                    "application/json",
                    r#"{"service":"shop-api"}"#.to_string(),
                )
            }
            _ => (
                404,
                "text/html",
                "<html><body>Not Found</body></html>".to_string(),
            ),
        };
        let resp: Response = resp
            .status(status)
            .header("content-type", content_type)
            .body(axum::body::Body::from(body))
            .unwrap();
        resp
    };
    Router::new().fallback(handler).with_state(log)
}

/// Origin requests the log shows for paths under `prefix`.
fn origin_requests(log: &Arc<Mutex<Vec<String>>>, prefix: &str) -> usize {
    log.lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with(&format!("GET {prefix}")) && !l.ends_with(" -"))
        .count()
}

/// CORS set on the API alone shows on an API root no page links to, in the deep profile only; one finding for the
/// two roots that share the policy.
#[tokio::test]
async fn cors_on_unlinked_api_roots_in_deep_scans() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let deep = scan_https(api_cors_site(log.clone()), Profile::Deep).await;
    assert_eq!(deep.ids_in("api.cors"), vec!["api.cors-reflects-origin"]);
    let f = deep.finding("api.cors-reflects-origin");
    assert_eq!(f.location, format!("{URL}api/"));
    let evidence = f.evidence.clone().unwrap_or_default();
    assert!(evidence.contains("the same at /api/v1/"), "{evidence}");
    assert_eq!(origin_requests(&log, "/v1/"), 0, "a 404 root is not asked");
    let log = Arc::new(Mutex::new(Vec::new()));
    let standard = scan_https(api_cors_site(log.clone()), Profile::Standard).await;
    assert_eq!(standard.ids_in("api.cors"), Vec::<&str>::new());
    assert_eq!(origin_requests(&log, "/api/"), 0);
}

/// A site answering every path with its one page (an SPA): the API roots are that page, so they are not asked.
#[tokio::test]
async fn api_roots_that_are_the_catch_all_page_are_not_asked() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let out = scan_https(trace_site(Trace::IgnoreMethod, log.clone()), Profile::Deep).await;
    assert_eq!(out.ids_in("api.cors"), Vec::<&str>::new());
    assert_eq!(
        origin_requests(&log, "/api/"),
        0,
        "{:?}",
        log.lock().unwrap()
    );
    assert!(
        log.lock().unwrap().iter().any(|l| l == "GET /api/ -"),
        "the root was looked at"
    );
}
