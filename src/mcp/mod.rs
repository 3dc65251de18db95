//! The MCP server: tools, resources and prompts over the one `App`, for agents in Claude Desktop, Claude Code,
//! Cursor, Cline and VS Code. Served on stdio (`palisade mcp`) and over HTTP (`palisade serve`: Streamable HTTP at
//! `/mcp`, the 2024-11-05 HTTP+SSE transport at `/sse`).

// rmcp marks logging, `resources/subscribe` and their types deprecated (SEP-2577, protocol 2026-07-28), but the
// 2025-11-25 clients agents use today need them.
#![allow(deprecated)]

mod answers;
mod confirm;
#[cfg(feature = "conformance")]
mod conformance;
#[cfg(feature = "conformance")]
mod conformance_mrtr;
#[cfg(feature = "conformance")]
mod conformance_stateless;
#[cfg(feature = "conformance")]
mod conformance_tasks;
mod fix_pages;
pub mod framing;
pub mod http;
mod known_methods;
mod params;
mod prompts;
mod resources;
mod rounds;
mod schemas;
pub mod stdio;
mod task_notify;
mod tasks;
mod tools;
mod views;
mod watch;

use crate::app::App;
use rmcp::handler::server::router::prompt::PromptRouter;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{
    CancelledNotificationParam, Implementation, ListResourceTemplatesResult, ListResourcesResult,
    LoggingLevel, PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse,
    ServerCapabilities, ServerConfig, SetLevelRequestParams, SubscribeRequestParams,
    UnsubscribeRequestParams,
};
use rmcp::service::{NotificationContext, RequestContext};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler, ServiceExt, tool_handler};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The instructions the server gives the model: the scan → findings → fix → verify loop.
const INSTRUCTIONS: &str = include_str!("../../tools/_server.md");

/// One MCP session's server (a new one per HTTP session; one for stdio), over the shared `App`.
#[derive(Clone)]
pub struct McpServer {
    app: App,
    tool_router: ToolRouter<McpServer>,
    prompt_router: PromptRouter<McpServer>,
    /// The client's minimum log level (`logging/setLevel`); `None` until set (then `info`).
    log_level: Arc<Mutex<Option<LoggingLevel>>>,
    /// Scans started by requests still waiting on them: a `notifications/cancelled` for the request cancels the scan.
    waiting: Arc<Mutex<HashMap<String, String>>>,
}

impl McpServer {
    /// A server for one session.
    pub fn new(app: App) -> McpServer {
        #[cfg(feature = "conformance")]
        let (mut tool_router, prompt_router) = {
            let (tools, prompts) = conformance::routers();
            let stateless = conformance_stateless::routers();
            let tasks = conformance_tasks::routers();
            (
                Self::tool_router() + tools + stateless + tasks,
                Self::prompt_router() + prompts,
            )
        };
        #[cfg(not(feature = "conformance"))]
        let (mut tool_router, prompt_router) = (Self::tool_router(), Self::prompt_router());
        schemas::standardise(&mut tool_router);
        McpServer {
            app,
            tool_router,
            prompt_router,
            log_level: Arc::new(Mutex::new(None)),
            waiting: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Whether a message at `level` about the request `ctx` reaches the client. A stateless request (protocol
    /// 2026-07-28) gets logs only at or above the level its own metadata asks for, and none when it asks for none; a
    /// session gets them from its `logging/setLevel` level (`info` until set).
    fn logs(&self, ctx: &RequestContext<RoleServer>, level: LoggingLevel) -> bool {
        let rank = |l: LoggingLevel| l as u8;
        let floor = match stateless(ctx) {
            true => match ctx.meta.log_level() {
                Some(floor) => floor,
                None => return false,
            },
            false => self
                .log_level
                .lock()
                .expect("log level lock")
                .unwrap_or(LoggingLevel::Info),
        };
        rank(level) >= rank(floor)
    }
}

/// The server's icon (a palisade fence), as an SVG data URI: clients show it beside the server's name.
fn icon() -> rmcp::model::Icon {
    static URI: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        use base64::Engine as _;
        let svg = base64::engine::general_purpose::STANDARD.encode(include_str!("icon.svg"));
        format!("data:image/svg+xml;base64,{svg}")
    });
    rmcp::model::Icon::new(URI.as_str())
        .with_mime_type("image/svg+xml")
        .with_sizes(vec!["any".into()])
}

/// How long a 2026-07-28 client may keep what does not change while this binary runs (the tool list, the resource
/// templates): an hour, for anyone (the same for every caller).
const STATIC_TTL_MS: u64 = 3_600_000;

/// `result` with the cache hints of a list that does not change while this binary runs, for a 2026-07-28 request.
macro_rules! static_list {
    ($result:expr, $ctx:expr) => {
        match stateless($ctx) {
            true => $result
                .with_ttl_ms(STATIC_TTL_MS)
                .with_cache_scope(rmcp::model::CacheScope::Public),
            false => $result,
        }
    };
}

/// Whether `ctx` is a stateless request: protocol 2026-07-28 or later, whose metadata carries what a session held.
fn stateless(ctx: &RequestContext<RoleServer>) -> bool {
    ctx.meta
        .protocol_version()
        .is_some_and(|v| v.as_str() >= rmcp::model::ProtocolVersion::NO_INITIALIZE.as_str())
}

/// Serves one client on stdin/stdout until it disconnects, then lets the scans it started finish. Lines that are not
/// JSON-RPC messages get JSON-RPC errors ([`framing`]), and no line may be longer than 1 MiB.
pub async fn serve_stdio(app: App) -> anyhow::Result<()> {
    let transport = stdio::Framed::new(tokio::io::stdin(), tokio::io::stdout());
    let running = McpServer::new(app.clone()).serve(transport).await?;
    let _ = running.waiting().await;
    app.finish_running().await;
    Ok(())
}

#[tool_handler(router = self.tool_router)]
// The conformance build answers prompts itself (`get_prompt` and `list_prompts` below): `#[prompt_handler]` would drop
// the inputResponses and requestState that its input-required prompt needs.
#[cfg_attr(not(feature = "conformance"), rmcp::prompt_handler(router = self.prompt_router))]
impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        let builder = ServerCapabilities::builder()
            .enable_logging()
            .enable_prompts()
            .enable_resources()
            .enable_resources_subscribe()
            .enable_tools()
            .enable_tasks();
        #[cfg(feature = "conformance")]
        let capabilities = builder.enable_completions().build();
        #[cfg(not(feature = "conformance"))]
        let capabilities = builder.build();
        ServerConfig::new(capabilities)
            .with_server_info(
                Implementation::new("palisade", env!("CARGO_PKG_VERSION"))
                    .with_title("Palisade security scanner")
                    .with_icons(vec![icon()]),
            )
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListToolsResult, McpError> {
        let tools = rmcp::model::ListToolsResult::with_all_items(self.tool_router.list_all());
        Ok(static_list!(tools, &ctx))
    }

    async fn call_tool(
        &self,
        request: rmcp::model::CallToolRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::CallToolResponse, McpError> {
        if McpServer::wants_task(&request.name, &ctx) {
            return self.call_as_task(request, ctx).await;
        }
        let call = rmcp::handler::server::tool::ToolCallContext::new(self, request, ctx);
        self.tool_router.call(call).await
    }

    async fn set_level(
        &self,
        request: SetLevelRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        // Protocol 2026-07-28 removed it: each request names its own log level.
        if stateless(&ctx) {
            return Err(McpError::method_not_found::<
                rmcp::model::SetLevelRequestMethod,
            >());
        }
        *self.log_level.lock().expect("log level lock") = Some(request.level);
        Ok(())
    }

    #[cfg(feature = "conformance")]
    async fn complete(
        &self,
        request: rmcp::model::CompleteRequestParams,
        _: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::CompleteResult, McpError> {
        conformance::complete(&request)
    }

    #[cfg(feature = "conformance")]
    async fn get_prompt(
        &self,
        request: rmcp::model::GetPromptRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::GetPromptResponse, McpError> {
        conformance_mrtr::get_prompt(self, request, ctx).await
    }

    #[cfg(feature = "conformance")]
    async fn list_prompts(
        &self,
        _: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListPromptsResult, McpError> {
        Ok(conformance_mrtr::list_prompts(self, &ctx))
    }

    async fn on_cancelled(
        &self,
        notification: CancelledNotificationParam,
        _: NotificationContext<RoleServer>,
    ) {
        let Some(request) = notification.request_id else {
            return;
        };
        let scan = self
            .waiting
            .lock()
            .expect("waiting lock")
            .remove(&request.to_string());
        if let Some(scan_id) = scan {
            tracing::info!(scan = %scan_id, "the client cancelled the request that started this scan");
            let _ = self
                .app
                .cancel_scan(crate::app::DEFAULT_ORG, &scan_id)
                .await;
        }
    }

    async fn list_resources(
        &self,
        _: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let list = self.resource_list().await?;
        // The org's scans change with every scan: fresh each time, for this caller only.
        Ok(match stateless(&ctx) {
            true => list
                .with_ttl_ms(0)
                .with_cache_scope(rmcp::model::CacheScope::Private),
            false => list,
        })
    }

    async fn list_resource_templates(
        &self,
        _: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        Ok(static_list!(resources::templates(), &ctx))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        self.resource_read(&request.uri).await.map(Into::into)
    }

    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.resource_subscribe(request.uri, ctx.peer);
        Ok(())
    }

    async fn unsubscribe(
        &self,
        _: UnsubscribeRequestParams,
        _: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        Ok(())
    }

    /// `subscriptions/listen` (protocol 2026-07-28) accepts scan resources: the tool, prompt and resource-template
    /// lists never change, so no list-changed category is accepted.
    fn accepted_subscription_filter(
        &self,
        requested: &rmcp::model::SubscriptionFilter,
    ) -> Option<rmcp::model::SubscriptionFilter> {
        let uris = requested.resource_subscriptions.as_deref().unwrap_or(&[]);
        Some(
            rmcp::model::SubscriptionFilter::builder()
                .resource_subscriptions(McpServer::subscribable(uris))
                .build(),
        )
    }

    async fn listen(&self, context: rmcp::service::SubscriptionContext) -> Result<(), McpError> {
        let updates =
            futures::future::join(self.resource_listen(&context), self.task_listen(&context));
        tokio::select! {
            _ = updates => context.cancelled().await,
            _ = context.cancelled() => {}
        }
        Ok(())
    }

    async fn get_task(
        &self,
        request: rmcp::model::GetTaskParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::GetTaskResult, McpError> {
        #[cfg(feature = "conformance")]
        if let Some(answer) = conformance_tasks::get_task(&request) {
            return answer;
        }
        self.task_get(request, ctx).await
    }

    async fn update_task(
        &self,
        request: rmcp::model::UpdateTaskParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        #[cfg(feature = "conformance")]
        if let Some(answer) = conformance_tasks::update_task(&request) {
            return answer;
        }
        self.task_update(request, ctx).await
    }

    async fn cancel_task(
        &self,
        request: rmcp::model::CancelTaskParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        #[cfg(feature = "conformance")]
        if let Some(answer) = conformance_tasks::cancel_task(&request) {
            return answer;
        }
        self.task_cancel(request, ctx).await
    }
}
