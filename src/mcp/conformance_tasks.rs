//! The tasks-extension fixtures the conformance suite calls (`greet`, `slow_compute`, `failing_job`,
//! `protocol_error_job`, `confirm_delete`, `multi_input`, `test_tool_with_task`), on rmcp's in-memory task manager;
//! built only with the `conformance` feature. Their task ids are uuids, so they never collide with scan ids.
//! `slow_compute` and `protocol_error_job` answer a client without the extension synchronously; the tools that park
//! for input or must end as a task (`failing_job`, `confirm_delete`, `multi_input`, `test_tool_with_task`) refuse it
//! with `-32021`.

use super::McpServer;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::InputResponses as Responses;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::*;
use rmcp::service::RequestContext;
use rmcp::task_manager::{TaskContext, TaskExit, TaskFuture, TaskManager, TaskOptions};
use rmcp::{ErrorData as McpError, RoleServer, tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
use std::sync::LazyLock;
use std::time::Duration;

/// Every fixture task, across sessions and stateless requests alike.
static TASKS: LazyLock<TaskManager> = LazyLock::new(TaskManager::new);

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Name {
    /// Who to greet.
    pub name: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct Compute {
    /// How long the computation takes, in seconds (0 answers at once, without a task).
    #[serde(default)]
    pub seconds: u64,
    /// A label echoed in the result.
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct File {
    /// The file to delete.
    #[serde(default)]
    pub filename: Option<String>,
}

/// Whether the request's client declared the tasks extension (at `initialize`, or in the request's own `_meta`).
fn declared(ctx: &RequestContext<RoleServer>) -> bool {
    ctx.client_capabilities()
        .is_some_and(|c| c.supports_tasks())
}

/// `-32021` for a client without the tasks extension: a tool that can only answer with a task needs it.
fn require_tasks(ctx: &RequestContext<RoleServer>) -> Result<(), McpError> {
    match declared(ctx) {
        true => Ok(()),
        false => Err(McpError::missing_required_client_capability(
            ClientCapabilities::builder().enable_tasks().build(),
        )),
    }
}

/// Starts `work` as a task; it can be read with `tasks/get` by the time the answer goes out.
fn task(work: impl FnOnce(TaskContext) -> TaskFuture) -> Result<CallToolResponse, McpError> {
    let task = TASKS.spawn(TaskOptions::default(), work);
    Ok(CallToolResponse::Task(CreateTaskResult::new(task)))
}

fn text(text: impl Into<String>) -> Vec<ContentBlock> {
    vec![ContentBlock::text(text.into())]
}

/// Sleeps `seconds`, or ends early with [`TaskExit::Cancelled`] on `tasks/cancel`.
async fn sleep(ctx: &TaskContext, seconds: u64) -> Result<(), TaskExit> {
    tokio::select! {
        _ = ctx.cancelled() => Err(TaskExit::Cancelled),
        _ = tokio::time::sleep(Duration::from_secs(seconds)) => Ok(()),
    }
}

/// A form elicitation: `message` and the form's `schema`.
fn elicit(message: &str, schema: ElicitationSchemaBuilder) -> InputRequest {
    InputRequest::Elicitation(ElicitRequest::new(
        ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: message.into(),
            requested_schema: schema.build_unchecked(),
        },
    ))
}

fn form() -> ElicitationSchemaBuilder {
    ElicitationSchema::builder()
}

/// `field` of an accepted elicitation result, or `None` when the user declined, cancelled or left it out.
fn accepted(response: &Value, field: &str) -> Option<Value> {
    let result: ElicitResult = serde_json::from_value(response.clone()).ok()?;
    if result.action != ElicitationAction::Accept {
        return None;
    }
    result.content?.get(field).cloned()
}

#[tool_router(router = task_tools, vis = "pub(super)")]
impl McpServer {
    #[tool(description = "Greets someone at once (never a task)")]
    async fn greet(&self, Parameters(who): Parameters<Name>) -> CallToolResult {
        CallToolResult::success(text(format!("Hello, {}!", who.name)))
    }

    #[tool(
        description = "Computes for `seconds`: a task for a client with the tasks extension, at once otherwise"
    )]
    async fn slow_compute(
        &self,
        Parameters(job): Parameters<Compute>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let label = job.label.unwrap_or_else(|| "job".into());
        let answer = format!("computed {label} in {}s", job.seconds);
        if job.seconds == 0 || !declared(&ctx) {
            tokio::time::sleep(Duration::from_secs(job.seconds)).await;
            return Ok(CallToolResult::success(text(answer)).into());
        }
        task(move |ctx| {
            Box::pin(async move {
                sleep(&ctx, job.seconds).await?;
                Ok(CallToolResult::success(text(answer)))
            })
        })
    }

    #[tool(
        description = "A task (the tasks extension is required) whose tool fails after a second: completed, isError"
    )]
    async fn failing_job(
        &self,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        require_tasks(&ctx)?;
        task(|ctx| {
            Box::pin(async move {
                sleep(&ctx, 1).await?;
                Ok(CallToolResult::error(text(
                    "the job failed, as it always does",
                )))
            })
        })
    }

    #[tool(description = "A task that ends in a JSON-RPC error: failed, with the error")]
    async fn protocol_error_job(
        &self,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let error = McpError::internal_error("the job broke down (on purpose)", None);
        if !declared(&ctx) {
            return Err(error);
        }
        task(|_| Box::pin(async move { Err(TaskExit::Error(error)) }))
    }

    #[tool(
        description = "A task (the tasks extension is required) that asks the user to confirm before deleting a file"
    )]
    async fn confirm_delete(
        &self,
        Parameters(file): Parameters<File>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        require_tasks(&ctx)?;
        let filename = file.filename.unwrap_or_else(|| "the file".into());
        let question = elicit(
            &format!("Delete {filename}?"),
            form().required_bool("confirm"),
        );
        task(move |ctx| {
            Box::pin(async move {
                let answer = ctx.request_input("confirm", question).await?;
                let yes = accepted(&answer, "confirm").is_some_and(|v| v == Value::Bool(true));
                let done = match yes {
                    true => format!("deleted {filename}"),
                    false => format!("kept {filename}"),
                };
                Ok(CallToolResult::success(text(done)))
            })
        })
    }

    #[tool(
        description = "A task (the tasks extension is required) that asks two questions at once and needs both answers"
    )]
    async fn multi_input(
        &self,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        require_tasks(&ctx)?;
        task(|ctx| {
            Box::pin(async move {
                let (first, second) = tokio::join!(
                    ctx.request_input(
                        "first",
                        elicit("First answer?", form().required_string("name"))
                    ),
                    ctx.request_input(
                        "second",
                        elicit("Second answer?", form().required_string("name"))
                    ),
                );
                let names: Vec<String> = [first?, second?]
                    .iter()
                    .map(|a| accepted(a, "name").map_or("-".into(), |v| v.to_string()))
                    .collect();
                Ok(CallToolResult::success(text(format!(
                    "answers: {}",
                    names.join(", ")
                ))))
            })
        })
    }

    #[tool(
        description = "Asks the user's name (an input-required result), then greets them from a task (the tasks extension is required)"
    )]
    async fn test_tool_with_task(
        &self,
        Responses(responses): Responses,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        require_tasks(&ctx)?;
        let Some(answer) = responses.and_then(|r| r.get("user_name").cloned()) else {
            let mut requests = InputRequests::new();
            requests.insert(
                "user_name".into(),
                elicit("What is your name?", form().required_string("name")),
            );
            return Ok(InputRequiredResult::from_input_requests(requests).into());
        };
        let name = accepted(&answer, "name").and_then(|v| v.as_str().map(String::from));
        task(move |_| {
            Box::pin(async move {
                Ok(match name {
                    Some(name) => CallToolResult::success(text(format!("Hello, {name}!"))),
                    None => CallToolResult::error(text("The user declined to give a name.")),
                })
            })
        })
    }
}

pub(super) fn routers() -> ToolRouter<McpServer> {
    McpServer::task_tools()
}

/// Whether `id` is a fixture task's: rmcp's task ids are uuids, scan ids 8 characters of `[a-z2-9]`.
fn ours(id: &str) -> bool {
    id.len() == 36
        && id.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `tasks/get` for a fixture task; `None` when the id is not one (then it is a scan's).
pub(super) fn get_task(request: &GetTaskParams) -> Option<Result<GetTaskResult, McpError>> {
    let id = &request.task_id;
    ours(id).then(|| TASKS.get_task(id).map(GetTaskResult::new))
}

/// `tasks/update` for a fixture task; `None` when the id is not one.
pub(super) fn update_task(request: &UpdateTaskParams) -> Option<Result<(), McpError>> {
    let id = &request.task_id;
    ours(id).then(|| TASKS.update_task(id, request.input_responses.clone()))
}

/// `tasks/cancel` for a fixture task; `None` when the id is not one.
pub(super) fn cancel_task(request: &CancelTaskParams) -> Option<Result<(), McpError>> {
    let id = &request.task_id;
    ours(id).then(|| TASKS.cancel_task(id))
}

#[cfg(test)]
mod tests {
    use super::ours;

    #[test]
    fn fixture_task_ids_are_uuids_and_scan_ids_never_are() {
        assert!(ours("0b7e3c1a-5f2d-4c8e-9a61-2d4f8b9e0c17"));
        assert!(!ours("abcd2345"));
        assert!(!ours("tasks-conformance-nonexistent-12345"));
        assert!(!ours("0b7e3c1a-5f2d-4c8e-9a61-2d4f8b9e0c1z"));
    }
}
