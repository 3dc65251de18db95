//! The REST API under `/v1`: the same `App` as the CLI and MCP, for ChatGPT Actions, CI jobs and dashboards. Each
//! operation is declared once in [`operations`], with the scope its key needs and the types it reads and returns;
//! the router and the OpenAPI 3.1 document (`/v1/openapi.json`) are both built from that table.

mod caller;
mod error;
mod events;
mod extract;
mod files;
mod findings;
mod keys;
mod limits;
mod monitors;
mod op;
mod openapi;
mod reports;
mod scans;
mod schedule_views;
mod schedules;
mod targets;
mod views;
mod webhook_views;
mod webhooks;

pub use caller::Caller;
pub use error::ApiError;
pub use limits::RateLimiter;

use crate::app::{App, MAX_TREND, OrgStats};
use crate::model::Scope;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::handler::Handler;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use axum::{Extension, Json, Router};
use error::{ApiResult, ranged};
use extract::Query;
use http::{StatusCode, header};
use op::Op;
use serde_json::json;
use std::sync::Arc;
use views::*;

/// What every handler shares.
#[derive(Clone)]
pub struct Rest {
    app: App,
    /// The public base URL (no trailing slash), for links and the document's `servers`.
    base: Arc<str>,
}

impl Rest {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// Every operation with its handler.
fn operations() -> Vec<(Op, MethodRouter<Rest>)> {
    use Scope::*;
    let scan_id = "The scan id (from startScan or listScans).";
    vec![
        mount(
            Op::get("/healthz", "health", "Say whether the server is up")
                .tag("server")
                .describe("Needs no key.")
                .reply::<Health>(200, "The server answers."),
            health,
        ),
        mount(
            Op::get("/v1/openapi.json", "openapi", "This OpenAPI document")
                .tag("server")
                .describe("Needs no key. profile=actions gives the ChatGPT Actions profile.")
                .query::<DocQuery>()
                .reply_media(200, "The OpenAPI 3.1 document.", vec![("application/json", json!({ "type": "object" }))]),
            document,
        ),
        mount(
            Op::get("/v1/targets", "listTargets", "List the registered targets")
                .tag("targets")
                .for_actions()
                .scope(TargetsRead)
                .describe("Every target (site) registered in the key's org.")
                .reply::<TargetList>(200, "The org's targets."),
            targets::list,
        ),
        mount(
            Op::post("/v1/targets", "addTarget", "Register a target to scan")
                .tag("targets")
                .for_actions()
                .scope(TargetsWrite)
                .describe(
                    "Normalises the URL and checks it against the scope guard (no private networks unless the \
                     server allows them). Registering a URL twice returns the target already registered.",
                )
                .body::<AddTarget>()
                .reply::<TargetOne>(201, "The target.")
                .links("id", "$response.body#/target/id", &["removeTarget"]),
            targets::add,
        ),
        mount(
            Op::delete("/v1/targets/{id}", "removeTarget", "Remove a target")
                .tag("targets")
                .for_actions()
                .scope(TargetsWrite)
                .describe("Stops listing the target; the scans that covered it are kept.")
                .path_param("id", "The target's id or URL.")
                .reply::<TargetOne>(200, "The removed target.")
                .consequential(),
            targets::remove,
        ),
        mount(
            Op::post("/v1/scans", "startScan", "Start a security scan of one or more sites")
                .tag("scans")
                .for_actions()
                .scope(ScansWrite)
                .describe(
                    "Starts a read-only scan and answers at once (202) with links to follow it: poll status_url, \
                     page findings_url, stream events_url, then fetch fix_url. Refused with 409 while a scan of the \
                     same targets runs, unless force is true.",
                )
                .body::<StartScan>()
                .reply::<ScanStarted>(202, "The scan started.")
                .links(
                    "id",
                    "$response.body#/scan_id",
                    &["getScan", "getFindings", "getFixFile", "getReportMarkdown", "getReportJson", "getReportSarif",
                      "getReportPdf", "streamScanEvents", "cancelScan"],
                )
                .conflict("A scan of the same targets is running; its id is in scan_id. Send force: true to start another.")
                .consequential(),
            scans::start,
        ),
        mount(
            Op::get("/v1/scans", "listScans", "List recent scans, newest first")
                .tag("scans")
                .for_actions()
                .scope(ScansRead)
                .query::<ListScansQuery>()
                .reply::<ScanList>(200, "Recent scans of the org."),
            scans::list,
        ),
        mount(
            Op::get("/v1/scans/{id}", "getScan", "Get a scan's status, progress and worst findings so far")
                .tag("scans")
                .for_actions()
                .scope(ScansRead)
                .describe("Status, phase, progress, grades per target, counts, and the ten worst findings so far.")
                .path_param("id", scan_id)
                .reply::<ScanDetail>(200, "The scan."),
            scans::get,
        ),
        mount(
            Op::post("/v1/scans/{id}/cancel", "cancelScan", "Stop a running scan, keeping its findings")
                .tag("scans")
                .for_actions()
                .scope(ScansWrite)
                .path_param("id", scan_id)
                .reply::<ScanOne>(200, "The scan, now cancelled.")
                .conflict("The scan already ended, or runs in another palisade process.")
                .consequential(),
            scans::cancel,
        ),
        mount(
            Op::get("/v1/scans/{id}/findings", "getFindings", "Page through a scan's findings, worst first")
                .tag("findings")
                .for_actions()
                .scope(ScansRead)
                .describe(
                    "Filtered by severity, category, module, status or target. Pass next_cursor as cursor for the \
                     next page; a page stops early to stay under 90,000 characters.",
                )
                .path_param("id", scan_id)
                .query::<FindingsQuery>()
                .reply::<FindingsPage>(200, "One page of findings."),
            findings::page,
        ),
        mount(
            Op::get("/v1/scans/{id}/fix", "getFixFile", "Get SECURITY-FIX.md: the fixes for a scan's findings")
                .tag("findings")
                .for_actions()
                .scope(ScansRead)
                .describe(
                    "A Markdown file a coding agent can apply: one fix per root cause, with config snippets for \
                     the site's stack and commands to verify. Partial while the scan runs (Palisade-Partial header).",
                )
                .path_param("id", scan_id)
                .query::<TargetQuery>()
                .reply_media(200, "The fix file.", vec![("text/markdown", json!({ "type": "string" }))]),
            files::fix,
        ),
        mount(
            Op::get("/v1/scans/{id}/events", "streamScanEvents", "Stream a scan's findings and progress as server-sent events")
                .tag("scans")
                .scope(ScansRead)
                .describe(
                    "Events: scan (first), finding (each, stored ones first), progress, target_done, finished (last).",
                )
                .path_param("id", scan_id)
                .reply_media(200, "The event stream.", vec![("text/event-stream", json!({
                    "type": "string",
                    "description": "Server-sent events, each an `event:` line (scan, finding, progress, target_done, \
                                    finished) and a `data:` line holding a JSON object.",
                }))])
                .streaming(),
            events::stream,
        ),
        mount(
            Op::get("/v1/stats", "getStats", "Get the org's security posture and its trend")
                .tag("stats")
                .for_actions()
                .scope(ScansRead)
                .describe("Open findings over every target's latest scan, by severity and category; worst targets; trend.")
                .query::<StatsQuery>()
                .reply::<OrgStats>(200, "The org's numbers."),
            stats,
        ),
        mount(
            Op::get("/v1/keys", "listKeys", "List the org's API keys by prefix")
                .tag("keys")
                .scope(Admin)
                .reply::<KeyList>(200, "The org's keys, never the secrets."),
            keys::list,
        ),
        mount(
            Op::post("/v1/keys", "createKey", "Create an API key (shown once)")
                .tag("keys")
                .scope(Admin)
                .describe("The secret is in this response only; the server keeps its SHA-256.")
                .body::<CreateKey>()
                .reply::<KeyCreated>(201, "The new key and its secret.")
                .links("id", "$response.body#/key/id", &["revokeKey"])
                .consequential(),
            keys::create,
        ),
        mount(
            Op::delete("/v1/keys/{id}", "revokeKey", "Revoke an API key at once")
                .tag("keys")
                .scope(Admin)
                .path_param("id", "The key's id or prefix (pal_ + 8 hex digits).")
                .reply::<KeyOne>(200, "The revoked key.")
                .consequential(),
            keys::revoke,
        ),
    ]
    .into_iter()
    .chain(reports::operations())
    .chain(schedules::operations())
    .chain(webhooks::operations())
    .chain(monitors::operations())
    .collect()
}

fn mount<H, T>(op: Op, handler: H) -> (Op, MethodRouter<Rest>)
where
    H: Handler<T, Rest>,
    T: 'static,
{
    let filter = MethodFilter::try_from(op.method.clone()).expect("a routable method");
    let mut route = on(filter, handler);
    if let Some(scope) = op.scope {
        route = route.route_layer(from_fn_with_state(scope, require_scope));
    }
    (op, route)
}

/// Refuses a caller without the operation's scope (403), before the handler reads anything.
async fn require_scope(
    State(scope): State<Scope>,
    Extension(caller): Extension<Caller>,
    request: Request,
    next: Next,
) -> Response {
    match caller.require(scope) {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

/// The documents (every operation, and the Actions profile), built once per server.
#[derive(Clone)]
struct Documents {
    full: Arc<Vec<u8>>,
    actions: Arc<Vec<u8>>,
}

async fn document(Extension(docs): Extension<Documents>, Query(q): Query<DocQuery>) -> Response {
    let doc = match q.profile.unwrap_or_default() {
        DocProfile::Full => &docs.full,
        DocProfile::Actions => &docs.actions,
    };
    (
        [(header::CONTENT_TYPE, "application/json")],
        doc.as_ref().clone(),
    )
        .into_response()
}

async fn stats(
    State(rest): State<Rest>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<StatsQuery>,
) -> ApiResult<Json<OrgStats>> {
    let last = ranged("last", q.last, 30, 1, MAX_TREND)?;
    Ok(Json(rest.app.org_stats(&caller.org, last).await?))
}

/// The API's routes over `app`, answering at `base` (the configured public URL, else the bound address).
pub fn router(app: App, base: &str) -> Router {
    let settings = &app.config().server;
    let timeout = settings.request_timeout;
    let body_limit = settings.max_request_body;
    let base = base.trim_end_matches('/');
    let (ops, routes): (Vec<Op>, Vec<MethodRouter<Rest>>) = operations().into_iter().unzip();
    let doc = |profile| {
        Arc::new(serde_json::to_vec(&openapi::document(&ops, base, profile)).expect("serialisable"))
    };
    let docs = Documents {
        full: doc(DocProfile::Full),
        actions: doc(DocProfile::Actions),
    };
    let rest = Rest {
        app: app.clone(),
        base: base.into(),
    };
    let mut router = Router::new();
    for (op, route) in ops.iter().zip(routes) {
        let route = if op.streams {
            route
        } else {
            route.layer(from_fn_with_state(timeout, limits::deadline))
        };
        router = router.route(op.path, route);
    }
    // Old and mistyped report names (`report.xml`): 404 naming the formats, not the router's "no endpoint".
    let unknown = axum::routing::get(reports::unknown)
        .route_layer(from_fn_with_state(Scope::ScansRead, require_scope));
    router
        .route("/v1/scans/{id}/{file}", unknown)
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(Extension(docs))
        .with_state(rest)
}

async fn no_route(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!(
            "no endpoint {}: the API is described at /v1/openapi.json",
            request.uri().path()
        ),
    )
}

async fn wrong_method(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!(
            "{} is not allowed on {}: see /v1/openapi.json",
            request.method(),
            request.uri().path()
        ),
    )
}
