//! `palisade serve`: one HTTP server for every remote client, on one port. It mounts the MCP server as Streamable
//! HTTP at `/mcp` (stateful sessions, and stateless requests from 2026-07-28 clients), the older HTTP+SSE transport
//! at `/sse` + `/message`, the REST API at `/v1` and `/healthz`; every route is behind the Host, Origin, key and
//! rate guard. The scheduler runs beside it, starting scheduled scans, and the
//! delivery worker, sending webhook deliveries.

pub mod authority;
mod guard;
mod legacy_sse;

use crate::app::App;
use crate::mcp::McpServer;
use axum::Router;
use axum::routing::{get, post};
use guard::Guard;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// Why the server would not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "{0}, so anyone who can reach it could drive this scanner: set an API key first \
         (palisade keys create, PALISADE_API_KEY or server.api_keys), or bind 127.0.0.1 without a public name"
    )]
    OpenWithoutKey(String),
    #[error("cannot listen on {addr}: {reason}")]
    Bind {
        addr: std::net::SocketAddr,
        reason: String,
    },
}

/// The HTTP application over `app`, reached at `base` (links and the OpenAPI `servers` use it).
pub fn router(app: App, shutdown: CancellationToken, base: &str) -> Router {
    let guard = Arc::new(Guard::for_app(&app));
    let mcp_app = app.clone();
    let mcp_sessions = Arc::new(LocalSessionManager::default());
    let mcp = StreamableHttpService::new(
        move || Ok(McpServer::new(mcp_app.clone())),
        mcp_sessions.clone(),
        // The guard checks Host and Origin on every route, this one included.
        StreamableHttpServerConfig::default()
            .disable_allowed_hosts()
            .with_cancellation_token(shutdown),
    );
    let sessions = legacy_sse::Sessions::new(app.clone());
    let legacy = Router::new()
        .route("/sse", get(legacy_sse::open))
        .route("/message", post(legacy_sse::post))
        .with_state(sessions);
    let mcp = Router::new()
        .nest_service("/mcp", mcp)
        // Bodies that are not JSON-RPC messages get JSON-RPC errors, not rmcp's plain-text 415.
        .layer(axum::middleware::from_fn(crate::mcp::http::check_body))
        .layer(axum::middleware::from_fn_with_state(
            mcp_sessions,
            crate::mcp::http::end_session,
        ))
        .merge(legacy)
        .layer(axum::middleware::from_fn(guard::mcp_only));
    mcp.merge(crate::rest::router(app, base))
        .layer(axum::middleware::from_fn_with_state(guard, guard::check))
}

/// Binds the configured address, refusing to serve beyond this machine (see `ServerSettings::exposure`) without an
/// API key.
pub async fn bind(app: &App) -> Result<TcpListener, ServeError> {
    let settings = &app.config().server;
    let addr = settings.bind;
    let stored = app.has_active_keys().await.unwrap_or(false);
    if let Some(exposed) = settings.exposure()
        && settings.api_key_digests.is_empty()
        && !stored
    {
        return Err(ServeError::OpenWithoutKey(exposed));
    }
    TcpListener::bind(addr).await.map_err(|e| ServeError::Bind {
        addr,
        reason: e.to_string(),
    })
}

/// Serves until `shutdown` (running the scheduler alongside), then lets running scans finish.
pub async fn serve(
    app: App,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let base = match &app.config().server.public_url {
        Some(url) => url.clone(),
        None => format!("http://{}", listener.local_addr()?),
    };
    let router = router(app.clone(), shutdown.child_token(), &base);
    let scheduler = crate::scheduler::spawn(app.clone(), shutdown.child_token());
    let deliveries = crate::scheduler::deliveries::spawn(app.clone(), shutdown.child_token());
    // Small answers go out at once: an SSE event (a finding, a progress step) must not wait for the client's
    // delayed ACK of what was sent before it (Nagle's algorithm held a session's first finding 40 ms).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY could not be set on a connection");
        }
    });
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown.clone().cancelled_owned())
        .await?;
    shutdown.cancel();
    let _ = scheduler.task.await;
    let _ = deliveries.task.await;
    app.finish_running().await;
    Ok(())
}
