//! Fixtures of the conformance suite's `server-stateless` scenario (protocol 2026-07-28): a tool that needs a client
//! capability, one that needs the user's input without sending the client a request, one that logs, and one that
//! would change the tool list. Compiled only with the `conformance` cargo feature.

use super::McpServer;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::InputResponses;
use rmcp::model::*;
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, tool, tool_router};

#[tool_router(router = stateless_tools, vis = "pub(super)")]
impl McpServer {
    #[tool(description = "Needs the client's sampling capability")]
    async fn test_missing_capability(
        &self,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, McpError> {
        let declared = ctx
            .client_capabilities()
            .is_some_and(|c| c.sampling.is_some());
        if !declared {
            let sampling = ClientCapabilities::builder().enable_sampling().build();
            return Err(McpError::missing_required_client_capability(sampling));
        }
        Ok(CallToolResult::success(vec![ContentBlock::text(
            "the client can sample",
        )]))
    }

    #[tool(
        description = "Asks the user for a confirmation as an input-required result, never as a request"
    )]
    async fn test_streaming_elicitation(
        &self,
        InputResponses(responses): InputResponses,
    ) -> Result<CallToolResponse, McpError> {
        if let Some(answer) = responses.and_then(|r| r.get("confirm").cloned()) {
            return Ok(CallToolResponse::Complete(CallToolResult::success(vec![
                ContentBlock::text(format!("confirmed: {answer}")),
            ])));
        }
        let schema: ElicitationSchema = serde_json::from_value(serde_json::json!({
            "type": "object",
            "properties": {"ok": {"type": "boolean"}},
            "required": ["ok"]
        }))
        .map_err(|e| McpError::internal_error(e.to_string(), None))?;
        let params = ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: "Continue?".into(),
            requested_schema: schema,
        };
        let mut requests = InputRequests::new();
        requests.insert(
            "confirm".into(),
            InputRequest::Elicitation(ElicitRequest::new(params)),
        );
        Ok(CallToolResponse::InputRequired(
            InputRequiredResult::from_input_requests(requests),
        ))
    }

    #[tool(
        description = "Logs three messages at info level (only to a client that asked for logs)"
    )]
    async fn test_logging_tool(&self, ctx: RequestContext<RoleServer>) -> String {
        for step in ["started", "working", "done"] {
            self.log(&ctx, LoggingLevel::Info, format!("logging tool {step}"))
                .await;
        }
        "logged".into()
    }

    #[tool(
        description = "Would change the tool list: Palisade's tools are fixed, so no list-changed notification is sent"
    )]
    async fn test_trigger_tool_change(&self) -> String {
        "the tool list does not change".into()
    }
}

pub(super) fn routers() -> ToolRouter<McpServer> {
    McpServer::stateless_tools()
}
