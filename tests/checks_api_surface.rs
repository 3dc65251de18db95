//! The `api` surface checks (GraphQL introspection, open redirects, API documentation and GraphQL IDEs, dangerous
//! methods) against a vulnerable and a hardened HTTPS site on loopback, with what they send and how much.

mod site;
mod support;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use http::{Method, Uri};
use palisade::model::{Confidence, CoverageState, Profile, Severity};
use serde_json::json;
use site::*;
use std::sync::{Arc, Mutex};
use support::*;

const API_CHECKS: &[&str] = &["api.graphql", "api.docs", "api.redirect", "api.methods"];

/// Every request a test site saw: `METHOD path?query body`.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    fn count(&self, pred: impl Fn(&str) -> bool) -> usize {
        self.lines().iter().filter(|l| pred(l)).count()
    }
}

/// How a test site behaves.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Vulnerable,
    Hardened,
}

/// The public API's schema (small and fake).
const SHOP: &[&str] = &[
    "Query", "Mutation", "User", "Order", "Payment", "String", "Boolean", "__Schema", "__Type",
];
/// An internal API's schema.
const ADMIN: &[&str] = &["AdminQuery", "AuditLog", "String", "__Schema"];

/// What an introspection query of `types` answers.
fn introspection(types: &[&str]) -> serde_json::Value {
    json!({"data": {"__schema": {
        "queryType": {"name": types[0]},
        "types": types.iter().map(|t| json!({"name": t})).collect::<Vec<_>>(),
    }}})
}

/// A GraphQL server's answer to `query`; introspection shows `schema`, or is refused when it is `None`.
fn graphql(query: &str, schema: Option<&[&str]>) -> Response {
    let (status, body) = if query.contains("__schema") {
        if let Some(types) = schema {
            (200, introspection(types))
        } else {
            let refusal = "GraphQL introspection is not allowed, but the query contained __schema";
            (400, json!({"errors": [{"message": refusal}]}))
        }
    } else if query.trim() == "{__typename}" {
        (200, json!({"data": {"__typename": "Query"}}))
    } else {
        (400, json!({"errors": [{"message": "Cannot query this"}]}))
    };
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .unwrap()
}

/// The query of a GET (`?query=`) or of a JSON POST body.
fn query_of(method: &Method, uri: &Uri, body: &[u8]) -> Option<String> {
    if method == Method::POST {
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        return v["query"].as_str().map(str::to_string);
    }
    url::form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(k, _)| k == "query")
        .map(|(_, v)| v.into_owned())
}

fn param(uri: &Uri, name: &str) -> Option<String> {
    url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn html(status: u16, body: &str) -> Response {
    let mut resp = http::Response::builder().status(status);
    for (k, v) in HARDENED {
        resp = resp.header(*k, *v);
    }
    resp.body(axum::body::Body::from(body.to_string())).unwrap()
}

fn redirect(to: &str) -> Response {
    http::Response::builder()
        .status(302)
        .header("location", to)
        .body(axum::body::Body::empty())
        .unwrap()
}

const START: &str = r#"<!doctype html><html><head><title>Shop</title><script src="/static/app.js"></script></head>
<body><a href="/login?next=/account">Sign in</a> <a href="/out?link=https://partner.example/">Partner</a></body></html>"#;
const APP_JS: &str = r#"const api = "/api/v2/graphql"; fetch(api, {method: "POST"});"#;
const SWAGGER_UI: &str = r#"<!DOCTYPE html><html><head><title>Swagger UI</title>
<link rel="stylesheet" href="./swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="./swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: "/v3/api-docs", dom_id: '#swagger-ui' });</script></body></html>"#;
const GRAPHIQL: &str = r#"<!DOCTYPE html><html><head><title>GraphiQL</title>
<link rel="stylesheet" href="https://unpkg.com/graphiql/graphiql.min.css"></head><body><div id="graphiql">Loading...</div>
<script src="https://unpkg.com/graphiql/graphiql.min.js"></script>
<script>ReactDOM.render(React.createElement(GraphiQL, { fetcher: GraphiQL.createFetcher({ url: "/graphql" }) }),
document.getElementById("graphiql"));</script></body></html>"#;
/// A real documentation page of the hardened site: it names the tools and links to them, but is none of them.
const DOCS: &str = r#"<!doctype html><html><head><title>Developer docs</title></head><body><h1>API</h1>
<p>The REST API is described in OpenAPI: try it in <a href="/swagger-ui/">Swagger UI</a> once signed in.
GraphQL users can explore the schema with GraphiQL or Redoc from the staff network.</p></body></html>"#;
/// The hardened site's single-page-app shell, answered for every path it does not route.
const SHELL: &str = r#"<!doctype html><html><head><title>Shop</title><script src="/static/app.js"></script></head>
<body><div id="root"></div><a href="/login?next=/account">Sign in</a></body></html>"#;

/// The vulnerable site: GraphQL with introspection at /graphql and /api/graphql (one schema, GET and POST) and
/// at /api/v2/graphql (another schema, POST only, named in app.js); open redirects at /login?next=, /out?link= (both linked) and
/// /redirect?to= (not linked); Swagger UI; GraphiQL; OPTIONS advertising PUT, DELETE and PROPFIND.
async fn vulnerable(method: Method, uri: Uri, body: Bytes) -> Response {
    let path = uri.path();
    if method == Method::OPTIONS {
        let mut resp = html(200, "");
        resp.headers_mut()
            .insert("allow", "GET, HEAD, PUT, DELETE, PROPFIND".parse().unwrap());
        return resp;
    }
    match (path, query_of(&method, &uri, &body)) {
        ("/graphql" | "/api/graphql", Some(q)) => return graphql(&q, Some(SHOP)),
        ("/api/v2/graphql", Some(q)) if method == Method::POST => {
            return graphql(&q, Some(ADMIN));
        }
        ("/api/v2/graphql", _) => {
            return http::Response::builder()
                .status(405)
                .header("allow", "POST")
                .body(axum::body::Body::empty())
                .unwrap();
        }
        _ => {}
    }
    if method != Method::GET && method != Method::HEAD {
        return html(405, "");
    }
    let target = |name| param(&uri, name);
    match path {
        "/" => html(200, START),
        "/static/app.js" => http::Response::builder()
            .header("content-type", "text/javascript")
            .body(axum::body::Body::from(APP_JS))
            .unwrap(),
        "/login" => match target("next") {
            Some(next) => redirect(&next),
            None => html(
                200,
                "<html><form method=post><input type=password></form></html>",
            ),
        },
        "/out" => redirect(&target("link").unwrap_or_else(|| "/".into())),
        "/redirect" => redirect(&target("to").unwrap_or_else(|| "/".into())),
        "/swagger-ui/" => html(200, SWAGGER_UI),
        "/graphiql" => html(200, GRAPHIQL),
        _ => html(404, "<html><h1>Not found</h1></html>"),
    }
}

/// The hardened site: GraphQL with introspection off (named in app.js too), a login that redirects only to
/// same-site paths, OPTIONS advertising only GET, HEAD and OPTIONS (its CORS methods list PUT and DELETE), a
/// documentation page that only names the tools, and a single-page-app shell for every other path.
async fn hardened(method: Method, uri: Uri, body: Bytes) -> Response {
    if method == Method::OPTIONS {
        let mut resp = html(204, "");
        let headers = resp.headers_mut();
        headers.insert("allow", "GET, HEAD, OPTIONS".parse().unwrap());
        // A CORS preflight answer lists what API routes take: not what this page accepts.
        headers.insert(
            "access-control-allow-methods",
            "GET, POST, PUT, DELETE".parse().unwrap(),
        );
        return resp;
    }
    if uri.path() == "/graphql"
        && let Some(q) = query_of(&method, &uri, &body)
    {
        return graphql(&q, None);
    }
    if method != Method::GET && method != Method::HEAD {
        return html(405, "");
    }
    if uri.path() == "/login"
        && let Some(next) = param(&uri, "next")
    {
        let local = next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\");
        return redirect(if local { &next } else { "/" });
    }
    match uri.path() {
        "/static/app.js" => http::Response::builder()
            .header("content-type", "text/javascript")
            .body(axum::body::Body::from(
                r#"fetch("/graphql", {method: "POST"});"#,
            ))
            .unwrap(),
        "/docs" => html(200, DOCS),
        _ => html(200, SHELL),
    }
}

fn site(mode: Mode, log: Log) -> Router {
    let handler = move |State(log): State<Log>, method: Method, uri: Uri, body: Bytes| async move {
        let line = format!(
            "{method} {} {}",
            uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"),
            String::from_utf8_lossy(&body)
        );
        log.0.lock().unwrap().push(line.trim_end().to_string());
        match mode {
            Mode::Vulnerable => vulnerable(method, uri, body).await,
            Mode::Hardened => hardened(method, uri, body).await,
        }
    };
    Router::new().fallback(handler).with_state(log)
}

async fn scan(mode: Mode, profile: Profile) -> (Outcome, Log) {
    let log = Log::default();
    let out = scan_https(site(mode, log.clone()), profile).await;
    (out, log)
}

fn evidence(out: &Outcome, id: &str) -> String {
    out.finding(id).evidence.clone().unwrap_or_default()
}

#[tokio::test]
async fn vulnerable_site_shows_each_api_problem_with_evidence() {
    let (out, log) = scan(Mode::Vulnerable, Profile::Standard).await;
    let mut expected = vec![
        "api.dangerous-methods",
        "api.docs-exposed",
        "api.graphql-ide-exposed",
        "api.graphql-introspection",
        "api.graphql-introspection",
        "api.open-redirect",
        "api.open-redirect",
        "api.open-redirect",
    ];
    expected.sort();
    assert_eq!(out.ids_in("api."), expected, "{:#?}", out.findings);

    let at = |id: &str, location: &str| {
        out.findings
            .iter()
            .find(|f| f.check_id == id && f.location == location)
            .unwrap_or_else(|| panic!("no {id} at {location}: {:#?}", out.findings))
    };
    let gql = at("api.graphql-introspection", "https://site.test/graphql");
    assert_eq!(gql.severity, Severity::Medium);
    let shown = gql.evidence.as_deref().unwrap();
    assert!(
        shown.starts_with(
            "GET https://site.test/graphql?query={__schema{queryType{name} types{name}}} -> 200: 9 types"
        ) && shown.contains("the site's own: Query, Mutation, User, Order, Payment")
            && shown.contains("the same schema answers at /api/graphql"),
        "{shown}"
    );
    let post_only = at(
        "api.graphql-introspection",
        "https://site.test/api/v2/graphql",
    );
    assert!(
        post_only
            .evidence
            .as_deref()
            .unwrap()
            .starts_with(
                "POST https://site.test/api/v2/graphql {\"query\":\"{__schema{queryType{name} types{name}}}\"} \
                 -> 200: 4 types, query type AdminQuery; the site's own: AdminQuery, AuditLog"
            ),
        "{:?}",
        post_only.evidence
    );

    for (location, param) in [
        ("https://site.test/login?next=", "next"),
        ("https://site.test/out?link=", "link"),
        ("https://site.test/redirect?to=", "to"),
    ] {
        let f = at("api.open-redirect", location);
        assert_eq!(
            (f.severity, f.confidence),
            (Severity::Medium, Confidence::Confirmed)
        );
        assert_eq!(f.cwe, Some(601));
        let shown = f.evidence.as_deref().unwrap();
        let marker = regex::Regex::new(&format!(
            r"^GET https://site\.test/\w+\?{param}=https%3A%2F%2F(palisade-redirect-[a-z0-9]+)\.invalid%2F -> 302, Location: https://(palisade-redirect-[a-z0-9]+)\.invalid/$"
        ))
        .unwrap();
        let caps = marker
            .captures(shown)
            .unwrap_or_else(|| panic!("{location}: {shown}"));
        assert_eq!(
            &caps[1], &caps[2],
            "the Location is the marker that was sent"
        );
    }

    let docs = at("api.docs-exposed", "https://site.test/swagger-ui/");
    assert_eq!(docs.severity, Severity::Info);
    assert_eq!(
        docs.evidence.as_deref(),
        Some(
            "GET https://site.test/swagger-ui/ -> 200 text/html: Swagger UI, loading /v3/api-docs"
        )
    );
    let ide = at("api.graphql-ide-exposed", "https://site.test/graphiql");
    assert_eq!(ide.severity, Severity::Low);
    assert!(evidence(&out, "api.graphql-ide-exposed").contains("GraphiQL"));

    let methods = out.finding("api.dangerous-methods");
    assert_eq!(
        (
            methods.severity,
            methods.location.as_str(),
            methods.confidence
        ),
        (Severity::Low, URL, Confidence::Medium)
    );
    assert_eq!(
        methods.title,
        "The server advertises PUT, DELETE, PROPFIND on the start page"
    );
    assert_eq!(
        methods.evidence.as_deref(),
        Some("OPTIONS https://site.test/ -> 200, Allow: GET, HEAD, PUT, DELETE, PROPFIND")
    );
    for check in API_CHECKS {
        assert_eq!(
            out.state(check),
            CoverageState::Found,
            "{check}: {}",
            out.detail(check)
        );
    }
    only_safe_requests(&log);
}

/// What the scan sent: reads, read-only GraphQL queries and an MCP handshake; never a write, a mutation or the
/// marker's host.
fn only_safe_requests(log: &Log) {
    for line in log.lines() {
        let method = line.split(' ').next().unwrap();
        assert!(
            ["GET", "HEAD", "OPTIONS", "TRACE", "POST"].contains(&method),
            "{line}"
        );
        // Besides read-only GraphQL queries, the ai-surface module's one MCP handshake (`initialize`, then one
        // `tools/list` when tools are offered) is the only POST a scan sends.
        if method == "POST" {
            let mcp = line.starts_with("POST /mcp ")
                && [
                    "\"initialize\"",
                    "\"notifications/initialized\"",
                    "\"tools/list\"",
                ]
                .iter()
                .any(|m| line.contains(m));
            assert!(mcp || line.contains("graphql {\"query\":\"{__"), "{line}");
        }
        assert!(!line.to_ascii_lowercase().contains("mutation"), "{line}");
    }
}

#[tokio::test]
async fn hardened_site_has_no_api_finding_and_every_check_ran() {
    let (out, log) = scan(Mode::Hardened, Profile::Standard).await;
    assert_eq!(
        out.ids_in("api."),
        Vec::<&str>::new(),
        "{:#?}",
        out.findings
    );
    for check in API_CHECKS {
        assert_eq!(
            out.state(check),
            CoverageState::Passed,
            "{check}: {}",
            out.detail(check)
        );
    }
    assert!(
        log.count(|l| l.starts_with("GET /graphql?query=%7B__schema")) == 1,
        "introspection was asked once, and refused: {:?}",
        log.lines()
    );
    assert!(
        log.count(|l| l.starts_with("GET /login?next=https%3A%2F%2Fpalisade-redirect-")) >= 1,
        "the linked login was probed: {:?}",
        log.lines()
    );
    only_safe_requests(&log);
}

#[tokio::test]
async fn api_surface_checks_are_standard_and_cost_few_requests() {
    let (quick, log) = scan(Mode::Vulnerable, Profile::Quick).await;
    assert_eq!(quick.ids_in("api."), Vec::<&str>::new());
    assert_eq!(
        log.count(|l| l.starts_with("OPTIONS") || l.contains("graphql")),
        0
    );

    let (out, log) = scan(Mode::Hardened, Profile::Standard).await;
    let lines = log.lines();
    let redirects = log.count(|l| l.contains("palisade-redirect-"));
    let graphql = log.count(|l| l.contains("query=") || l.starts_with("POST /graphql"));
    let options = log.count(|l| l.starts_with("OPTIONS"));
    let docs = log.count(|l| {
        [
            "/swagger-ui/",
            "/swagger-ui.html",
            "/swagger/index.html",
            "/api/docs",
            "/docs",
            "/api-docs",
            "/apidocs",
            "/redoc",
            "/graphiql",
            "/playground",
            "/graphql",
        ]
        .iter()
        .any(|p| l == format!("GET {p}"))
    });
    assert_eq!(options, 1, "{lines:?}");
    assert!(redirects <= 20, "{redirects} redirect probes: {lines:?}");
    assert_eq!(
        graphql,
        5 + 1,
        "five paths and one introspection query: {lines:?}"
    );
    assert_eq!(docs, 11, "{lines:?}");
    let added = redirects + graphql + options + docs;
    assert!(
        added < 40,
        "{added} requests added by the api surface checks"
    );
    eprintln!(
        "standard scan: {} requests in all, {added} by the api surface checks \
         ({redirects} redirect, {graphql} GraphQL, {docs} documentation, {options} OPTIONS)",
        out.scan.requests
    );
}

/// A site whose every path honours `?next=` (a middleware): one flaw, so one finding naming the other paths, and
/// the parameter learned on the first path is tried first on the others.
#[tokio::test]
async fn a_site_wide_redirect_parameter_is_one_finding() {
    let log = Log::default();
    let handler = |State(log): State<Log>, uri: Uri| async move {
        let target = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        log.0.lock().unwrap().push(format!("GET {target}"));
        match param(&uri, "next") {
            Some(next) => redirect(&next),
            None => html(200, HTML),
        }
    };
    let app = Router::new().fallback(handler).with_state(log.clone());
    let out = scan_https(app, Profile::Standard).await;
    assert_eq!(out.ids_in("api."), vec!["api.open-redirect"]);
    let f = out.finding("api.open-redirect");
    assert_eq!(f.location, "https://site.test/?next=");
    assert_eq!(f.title, "Open redirect through the next parameter of /");
    let shown = f.evidence.as_deref().unwrap();
    assert!(
        shown.ends_with(
            "; the same parameter redirects at /login, /redirect, /out, /go, /r, /exit too"
        ),
        "{shown}"
    );
    let probes = log.count(|l| l.contains("palisade-redirect-"));
    assert!(
        probes <= 7 + 10 + 6,
        "{probes} redirect probes: {:?}",
        log.lines()
    );
}

/// A sign-in page no page links to that sends the visitor anywhere after signing in (`?redirect_to=`, as Devise
/// and WordPress name it): found by the deep profile's extra redirect paths, not by the standard profile.
#[tokio::test]
async fn an_unlinked_sign_in_redirect_in_deep_scans() {
    let log = Log::default();
    let handler = |State(log): State<Log>, uri: Uri| async move {
        let target = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        log.0.lock().unwrap().push(format!("GET {target}"));
        match (uri.path(), param(&uri, "redirect_to")) {
            ("/", _) => html(200, HTML),
            ("/users/sign_in", Some(to)) => redirect(&to),
            ("/users/sign_in", None) => html(
                200,
                "<html><form method=post><input name=password type=password></form></html>",
            ),
            _ => html(404, "<html><h1>Not found</h1></html>"),
        }
    };
    let app = Router::new().fallback(handler).with_state(log.clone());
    let deep = scan_https(app.clone(), Profile::Deep).await;
    assert_eq!(deep.ids_in("api.open-redirect"), vec!["api.open-redirect"]);
    assert_eq!(
        deep.finding("api.open-redirect").location,
        "https://site.test/users/sign_in?redirect_to="
    );
    let probed =
        |prefix: &str| log.count(|l| l.starts_with(prefix) && l.contains("palisade-redirect-"));
    assert_eq!(
        probed("GET /away?"),
        0,
        "a path that answers 404 is not probed"
    );
    assert_eq!(
        log.count(|l| l.contains("logout") || l.contains("sign_out")),
        0
    );
    let standard_log = Log::default();
    let standard_app = Router::new()
        .fallback(handler)
        .with_state(standard_log.clone());
    let standard = scan_https(standard_app, Profile::Standard).await;
    assert_eq!(standard.ids_in("api.open-redirect"), Vec::<&str>::new());
    let standard_probes = standard_log
        .count(|l| l.starts_with("GET /users/sign_in?") && l.contains("palisade-redirect-"));
    assert_eq!(standard_probes, 0);
}

/// On a site answering every path with its app shell, the deep redirect paths are that shell: none is probed.
#[tokio::test]
async fn deep_redirect_paths_that_are_the_catch_all_are_not_probed() {
    let (out, log) = scan(Mode::Hardened, Profile::Deep).await;
    assert_eq!(out.ids_in("api.open-redirect"), Vec::<&str>::new());
    assert!(log.count(|l| l == "GET /users/sign_in") >= 1, "looked at");
    assert_eq!(
        log.count(|l| l.starts_with("GET /users/sign_in?")),
        0,
        "{:?}",
        log.lines()
    );
}
