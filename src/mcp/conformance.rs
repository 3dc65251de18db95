//! Fixtures of the `@modelcontextprotocol/conformance` suite (its `test_*` tools, `test://` resources and prompts),
//! compiled in only with the `conformance` cargo feature that CI uses, never in the default build.

use super::McpServer;
use rmcp::handler::server::router::prompt::PromptRouter;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::*;
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, prompt, prompt_router, tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// A 1x1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";
/// A silent WAV.
const WAV: &str = "UklGRiQAAABXQVZFZm10IBAAAAABAAEARKwAAIhYAQACABAAZGF0YQAAAAA=";

#[derive(Debug, Deserialize, JsonSchema)]
pub struct PromptArg {
    /// The prompt to send.
    pub prompt: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MessageArg {
    /// The message to show.
    pub message: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct TwoArgs {
    /// First test argument.
    pub arg1: String,
    /// Second test argument.
    #[serde(default)]
    pub arg2: Option<String>,
}

fn schema_2020_12() -> Arc<JsonObject> {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": { "address": { "$anchor": "addressDef", "type": "object",
            "properties": { "street": { "type": "string" }, "city": { "type": "string" } } } },
        "properties": {
            "name": { "type": "string" },
            "address": { "$ref": "#/$defs/address" },
            "contactMethod": { "type": "string", "enum": ["phone", "email"] },
            "phone": { "type": "string" },
            "email": { "type": "string" }
        },
        "allOf": [{ "anyOf": [{ "required": ["phone"] }, { "required": ["email"] }] }],
        "if": { "properties": { "contactMethod": { "const": "phone" } }, "required": ["contactMethod"] },
        "then": { "required": ["phone"] },
        "else": { "required": ["email"] },
        "additionalProperties": false
    });
    Arc::new(schema.as_object().cloned().unwrap_or_default())
}

async fn elicit(
    ctx: &RequestContext<RoleServer>,
    message: &str,
    schema: serde_json::Value,
) -> CallToolResult {
    let requested_schema: ElicitationSchema = match serde_json::from_value(schema) {
        Ok(s) => s,
        Err(e) => return CallToolResult::error(vec![ContentBlock::text(e.to_string())]),
    };
    let params = ElicitRequestParams::FormElicitationParams {
        meta: None,
        message: message.into(),
        requested_schema,
    };
    match ctx.peer.create_elicitation(params).await {
        Ok(r) => CallToolResult::success(vec![ContentBlock::text(format!(
            "elicitation: {:?} {:?}",
            r.action, r.content
        ))]),
        Err(e) => {
            CallToolResult::error(vec![ContentBlock::text(format!("elicitation failed: {e}"))])
        }
    }
}

#[tool_router(router = conformance_tools, vis = "pub(super)")]
impl McpServer {
    #[tool(description = "Returns simple text content")]
    async fn test_simple_text(&self) -> String {
        "This is a simple text response for testing.".into()
    }

    #[tool(description = "Returns image content")]
    async fn test_image_content(&self) -> CallToolResult {
        CallToolResult::success(vec![ContentBlock::image(PNG, "image/png")])
    }

    #[tool(description = "Returns audio content")]
    async fn test_audio_content(&self) -> CallToolResult {
        CallToolResult::success(vec![ContentBlock::audio(WAV, "audio/wav")])
    }

    #[tool(description = "Returns embedded resource content")]
    async fn test_embedded_resource(&self) -> CallToolResult {
        let text = ResourceContents::text(
            "This is an embedded resource content.",
            "test://embedded-resource",
        )
        .with_mime_type("text/plain");
        CallToolResult::success(vec![ContentBlock::resource(text)])
    }

    #[tool(description = "Returns multiple content types")]
    async fn test_multiple_content_types(&self) -> CallToolResult {
        let data = ResourceContents::text(
            r#"{"test":"data","value":123}"#,
            "test://mixed-content-resource",
        )
        .with_mime_type("application/json");
        CallToolResult::success(vec![
            ContentBlock::text("Multiple content types test:"),
            ContentBlock::image(PNG, "image/png"),
            ContentBlock::resource(data),
        ])
    }

    #[tool(description = "Sends logging notifications during execution")]
    async fn test_tool_with_logging(&self, ctx: RequestContext<RoleServer>) -> String {
        for step in [
            "Tool execution started",
            "Tool processing data",
            "Tool execution completed",
        ] {
            self.log(&ctx, LoggingLevel::Info, step.to_string()).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        "Logging test completed".into()
    }

    #[tool(description = "Always returns an error")]
    async fn test_error_handling(&self) -> CallToolResult {
        CallToolResult::error(vec![ContentBlock::text(
            "This tool intentionally returns an error for testing",
        )])
    }

    #[tool(description = "Reports progress notifications")]
    async fn test_tool_with_progress(&self, ctx: RequestContext<RoleServer>) -> String {
        let token = ctx.meta.get_progress_token();
        for (value, message) in [(0.0, "Starting"), (50.0, "Halfway"), (100.0, "Complete")] {
            if let Some(t) = &token {
                let param = ProgressNotificationParam::new(t.clone(), value)
                    .with_total(100.0)
                    .with_message(message);
                let _ = ctx.peer.notify_progress(param).await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        "Progress test completed".into()
    }

    #[tool(description = "Requests LLM sampling from client")]
    async fn test_sampling(
        &self,
        Parameters(p): Parameters<PromptArg>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let params =
            CreateMessageRequestParams::new(vec![SamplingMessage::user_text(p.prompt)], 100);
        match ctx.peer.create_message(params).await {
            Ok(r) => {
                let text = r
                    .message
                    .content
                    .first()
                    .and_then(|c| c.as_text())
                    .map(|t| t.text.clone());
                CallToolResult::success(vec![ContentBlock::text(format!(
                    "LLM response: {}",
                    text.unwrap_or_default()
                ))])
            }
            Err(e) => {
                CallToolResult::error(vec![ContentBlock::text(format!("sampling failed: {e}"))])
            }
        }
    }

    #[tool(description = "Requests user input from client")]
    async fn test_elicitation(
        &self,
        Parameters(p): Parameters<MessageArg>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let schema = json!({"type": "object", "required": ["username", "email"], "properties": {
            "username": {"type": "string", "description": "User's response"},
            "email": {"type": "string", "description": "User's email address"}}});
        elicit(&ctx, &p.message, schema).await
    }

    #[tool(description = "Tests elicitation with default values (SEP-1034)")]
    async fn test_elicitation_sep1034_defaults(
        &self,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let schema = json!({"type": "object", "properties": {
            "name": {"type": "string", "description": "User's name", "default": "John Doe"},
            "age": {"type": "integer", "description": "User's age", "default": 30},
            "score": {"type": "number", "description": "User's score", "default": 95.5},
            "status": {"type": "string", "description": "User's status", "enum": ["active", "inactive", "pending"], "default": "active"},
            "verified": {"type": "boolean", "description": "Whether user is verified", "default": true}}});
        elicit(&ctx, "Please provide values (all have defaults)", schema).await
    }

    #[tool(description = "Tests enum schema improvements (SEP-1330)")]
    async fn test_elicitation_sep1330_enums(
        &self,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let schema = json!({"type": "object", "properties": {
            "untitledSingle": {"type": "string", "enum": ["option1", "option2", "option3"]},
            "titledSingle": {"type": "string", "oneOf": [
                {"const": "value1", "title": "First Option"}, {"const": "value2", "title": "Second Option"},
                {"const": "value3", "title": "Third Option"}]},
            "legacyEnum": {"type": "string", "enum": ["opt1", "opt2", "opt3"], "enumNames": ["Option One", "Option Two", "Option Three"]},
            "untitledMulti": {"type": "array", "items": {"type": "string", "enum": ["option1", "option2", "option3"]}},
            "titledMulti": {"type": "array", "items": {"anyOf": [
                {"const": "value1", "title": "First Choice"}, {"const": "value2", "title": "Second Choice"},
                {"const": "value3", "title": "Third Choice"}]}}}});
        elicit(&ctx, "Test enum schema improvements", schema).await
    }

    #[tool(description = "Tool with JSON Schema 2020-12 features", input_schema = schema_2020_12())]
    async fn json_schema_2020_12_tool(&self, args: JsonObject) -> String {
        format!(
            "Hello, {}!",
            args.get("name").and_then(|v| v.as_str()).unwrap_or("world")
        )
    }

    #[tool(description = "Tests SSE reconnection behavior")]
    async fn test_reconnection(&self) -> String {
        tokio::time::sleep(Duration::from_millis(100)).await;
        "Reconnection test completed".into()
    }
}

#[prompt_router(router = "conformance_prompts", vis = "pub(super)")]
impl McpServer {
    /// A simple test prompt with no arguments
    #[prompt(name = "test_simple_prompt")]
    async fn test_simple_prompt(&self) -> Vec<PromptMessage> {
        vec![PromptMessage::new_text(
            Role::User,
            "This is a simple test prompt.",
        )]
    }

    /// A test prompt that accepts arguments
    #[prompt(name = "test_prompt_with_arguments")]
    async fn test_prompt_with_arguments(
        &self,
        Parameters(a): Parameters<TwoArgs>,
    ) -> Vec<PromptMessage> {
        let text = format!(
            "Prompt with arguments: arg1='{}', arg2='{}'",
            a.arg1,
            a.arg2.unwrap_or_default()
        );
        vec![PromptMessage::new_text(Role::User, text)]
    }

    /// A test prompt that includes an embedded resource
    #[prompt(name = "test_prompt_with_embedded_resource")]
    async fn test_prompt_with_embedded_resource(&self) -> Vec<PromptMessage> {
        let uri = "test://static-text".to_string();
        let text = Some("Resource content for prompt".to_string());
        vec![
            PromptMessage::new_text(Role::User, "Here is a resource:"),
            PromptMessage::new_resource(
                Role::User,
                uri,
                Some("text/plain".into()),
                text,
                None,
                None,
                None,
            ),
        ]
    }

    /// A test prompt that includes an image
    #[prompt(name = "test_prompt_with_image")]
    async fn test_prompt_with_image(&self) -> Vec<PromptMessage> {
        vec![
            PromptMessage::new_text(Role::User, "Here is an image:"),
            PromptMessage::new(Role::User, ContentBlock::image(PNG, "image/png")),
        ]
    }
}

/// The fixture tools and prompts added to the real ones (the input-required prompt is answered outside the router:
/// see [`super::conformance_mrtr`]).
pub(super) fn routers() -> (ToolRouter<McpServer>, PromptRouter<McpServer>) {
    (
        McpServer::conformance_tools() + McpServer::input_required_tools(),
        McpServer::conformance_prompts(),
    )
}

/// The fixture resources, listed before the scans.
pub(super) fn resources() -> Vec<Resource> {
    vec![
        Resource::new("test://static-text", "Static Text Resource")
            .with_description("A static text resource for testing")
            .with_mime_type("text/plain"),
        Resource::new("test://static-binary", "Static Binary Resource")
            .with_description("A static binary resource for testing")
            .with_mime_type("image/png"),
    ]
}

/// The fixture resource template.
pub(super) fn template() -> ResourceTemplate {
    ResourceTemplate::new("test://template/{id}/data", "Dynamic Resource")
        .with_description("A dynamic resource with parameter substitution")
        .with_mime_type("application/json")
}

/// Reads a fixture resource, if `uri` names one.
pub(super) fn read(uri: &str) -> Option<ReadResourceResult> {
    let contents = match uri {
        "test://static-text" => {
            ResourceContents::text("This is the content of the static text resource.", uri)
                .with_mime_type("text/plain")
        }
        "test://static-binary" => ResourceContents::blob(PNG, uri).with_mime_type("image/png"),
        _ => {
            let id = uri
                .strip_prefix("test://template/")?
                .strip_suffix("/data")?;
            let body =
                json!({ "id": id, "templateTest": true, "data": format!("Data for ID: {id}") });
            ResourceContents::text(body.to_string(), uri).with_mime_type("application/json")
        }
    };
    Some(ReadResourceResult::new(vec![contents]))
}

/// Completions for the fixture prompts.
pub(super) fn complete(request: &CompleteRequestParams) -> Result<CompleteResult, McpError> {
    let values = match (&request.r#ref, request.argument.name.as_str()) {
        (Reference::Resource(_), "id") => vec!["1".into(), "2".into(), "3".into()],
        (Reference::Prompt(p), _) => vec![p.name.clone()],
        _ => vec![],
    };
    Ok(CompleteResult::new(
        CompletionInfo::new(values).map_err(|e| McpError::internal_error(e, None))?,
    ))
}
