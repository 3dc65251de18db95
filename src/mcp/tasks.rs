//! Scans as tasks (the `io.modelcontextprotocol/tasks` extension): `start_scan` and `verify_fixes` answer a client
//! that declares the extension with a task whose id is the scan's, and `tasks/get`, `tasks/update` and `tasks/cancel`
//! read and cancel the stored scan, so a task outlives the request, the session and the process (a server restarted
//! in the middle runs the scan again under the same id: `App::resume_interrupted`).

use super::McpServer;
use super::answers::scan_request;
use super::confirm::Gate;
use super::params::{StartScanParams, VerifyFixesParams};
use super::tools::say;
use crate::app::{AppError, DEFAULT_ORG};
use crate::model::{Scan, ScanStatus};
use rmcp::handler::server::tool::IntoCallToolResult;
use rmcp::handler::server::wrapper::Json;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CancelTaskParams, ContentBlock,
    CreateTaskResult, DetailedTask, GetTaskParams, GetTaskResult, JsonObject, Task, TaskPayload,
    TaskStatus, UpdateTaskParams,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer};
use std::time::Duration;

/// How often a client should poll a running scan task.
const POLL_MS: u64 = 2000;

/// The tools whose calls become tasks for a client that declares the extension.
const TASK_TOOLS: [&str; 2] = ["start_scan", "verify_fixes"];

impl McpServer {
    /// Whether `tools/call` of `name` should answer with a task: a tool that starts a scan, called by a client that
    /// declared the tasks extension (for its session or in this request's `_meta`).
    pub(super) fn wants_task(name: &str, ctx: &RequestContext<RoleServer>) -> bool {
        TASK_TOOLS.contains(&name)
            && ctx
                .client_capabilities()
                .is_some_and(|c| c.supports_tasks())
    }

    /// Starts the scan `start_scan` or `verify_fixes` asks for and answers with its task, once the scan is stored
    /// (so a `tasks/get` right after resolves). Findings still stream, as progress notifications of this request,
    /// to a client that gave a progress token and keeps its session (stdio, or a 2025-11-25 HTTP session).
    pub(super) async fn call_as_task(
        &self,
        request: CallToolRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let args = serde_json::Value::Object(request.arguments.unwrap_or_default());
        let mut notice = None;
        let started = match request.name.as_ref() {
            "verify_fixes" => match serde_json::from_value::<VerifyFixesParams>(args) {
                Ok(p) => self
                    .app
                    .verify_fixes(DEFAULT_ORG, &p.scan_id, p.fingerprints.as_deref())
                    .await
                    .map_err(say),
                Err(e) => Err(format!("invalid arguments for verify_fixes: {e}")),
            },
            _ => match serde_json::from_value::<StartScanParams>(args) {
                Ok(p) => match scan_request(p) {
                    Ok(req) => {
                        let (responses, state) = (request.input_responses, request.request_state);
                        // The user's answers are gathered before the task exists (input-required rounds).
                        let gate = self.scan_gate(
                            "start_scan",
                            req.profile,
                            &req.targets,
                            &ctx,
                            responses,
                            state,
                        );
                        match gate.await? {
                            Gate::Reply(reply) => return Ok(reply),
                            Gate::Go((), said) => notice = said,
                        }
                        self.app.start_scan(DEFAULT_ORG, req).await.map_err(say)
                    }
                    Err(e) => Err(e),
                },
                Err(e) => Err(format!("invalid arguments for start_scan: {e}")),
            },
        };
        let handle = match started {
            Ok(handle) => handle,
            Err(sentence) => {
                return Ok(CallToolResult::error(vec![ContentBlock::text(sentence)]).into());
            }
        };
        let mut task = task_of(&handle.scan);
        if let Some(notice) = notice {
            // What the user was not asked (a deep scan's permission) reaches the model with the task.
            let status = task.status_message.take().unwrap_or_default();
            task.status_message = Some(format!("{notice}. {status}"));
        }
        if ctx.meta.get_progress_token().is_some() {
            let server = self.clone();
            let scan_id = handle.scan.id.clone();
            let watch = handle.into_watch();
            // The request ends with this answer; its follower must not end with it.
            let mut follow = ctx.clone();
            follow.ct = tokio_util::sync::CancellationToken::new();
            tokio::spawn(async move {
                let all_day = Duration::from_secs(24 * 3600);
                server
                    .wait_streaming(&scan_id, Some(watch), all_day, &follow)
                    .await;
            });
        }
        Ok(CallToolResponse::Task(CreateTaskResult::new(task)))
    }

    /// `tasks/get`: the scan's state; once it has ended, the answer its tool would have given, inlined.
    pub(super) async fn task_get(
        &self,
        request: GetTaskParams,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, McpError> {
        Ok(GetTaskResult::new(
            self.detailed_task(&request.task_id).await?,
        ))
    }

    /// The task `task_id` now, as `tasks/get` and task status notifications give it.
    pub(super) async fn detailed_task(&self, task_id: &str) -> Result<DetailedTask, McpError> {
        let scan = self.task_scan(task_id).await?;
        let task = task_of(&scan);
        let payload = match scan.status {
            ScanStatus::Queued | ScanStatus::Running => TaskPayload::Working,
            ScanStatus::Cancelled => TaskPayload::Cancelled,
            ScanStatus::Failed if !ran_to_an_end(&scan) => TaskPayload::Failed {
                error: object(serde_json::json!({
                    "code": rmcp::model::ErrorCode::INTERNAL_ERROR.0,
                    "message": scan.error.clone().unwrap_or_else(|| "the scan failed".into()),
                    "data": {"scan_id": scan.id},
                })),
            },
            ScanStatus::Completed | ScanStatus::Failed => TaskPayload::Completed {
                result: self.task_result(&scan).await?,
            },
        };
        Ok(DetailedTask::new(task, payload))
    }

    /// `tasks/update`: a scan task never waits for input (a scan's confirmations are asked before it starts).
    pub(super) async fn task_update(
        &self,
        request: UpdateTaskParams,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        let scan = self.task_scan(&request.task_id).await?;
        tracing::debug!(scan = %scan.id, "tasks/update for a scan task, which asks for no input: ignored");
        Ok(())
    }

    /// `tasks/cancel`: cancels the scan, keeping what it found; the same empty answer for an ended one.
    pub(super) async fn task_cancel(
        &self,
        request: CancelTaskParams,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        let scan = self.task_scan(&request.task_id).await?;
        if scan.status.is_terminal() {
            return Ok(());
        }
        match self.app.cancel_scan(DEFAULT_ORG, &scan.id).await {
            Ok(_) | Err(AppError::Conflict(_)) => Ok(()),
            Err(e) => Err(McpError::internal_error(say(e), None)),
        }
    }

    /// The scan behind a task id; -32602 for an id that names none.
    async fn task_scan(&self, task_id: &str) -> Result<Scan, McpError> {
        match self.app.get_scan(DEFAULT_ORG, task_id).await {
            Ok(scan) => Ok(scan),
            Err(AppError::NotFound { .. }) => Err(McpError::invalid_params(
                format!(
                    "no task '{task_id}' here: task ids are the scan ids start_scan and verify_fixes return"
                ),
                None,
            )),
            Err(e) => Err(McpError::internal_error(say(e), None)),
        }
    }

    /// The result `start_scan` or `verify_fixes` gives for an ended scan, as a `CallToolResult` object.
    async fn task_result(&self, scan: &Scan) -> Result<JsonObject, McpError> {
        let answer = match &scan.verify_of {
            Some(original) => {
                let asked = self
                    .app
                    .stored_request(DEFAULT_ORG, &scan.id)
                    .await
                    .map_err(|e| McpError::internal_error(say(e), None))?
                    .asked;
                self.verify_out(&scan.id, original.clone(), asked.as_deref())
                    .await
                    .map(Json)
                    .into_call_tool_result()
            }
            None => self
                .start_scan_out(&scan.id)
                .await
                .map(Json)
                .into_call_tool_result(),
        }?;
        let CallToolResponse::Complete(result) = answer else {
            return Err(McpError::internal_error(
                "a scan's answer is a plain tool result",
                None,
            ));
        };
        Ok(object(serde_json::to_value(result).map_err(|e| {
            McpError::internal_error(format!("the scan's answer does not serialise: {e}"), None)
        })?))
    }
}

/// The task a scan is: its id, status, times and a one-line status message.
fn task_of(scan: &Scan) -> Task {
    let status = match scan.status {
        ScanStatus::Queued | ScanStatus::Running => TaskStatus::Working,
        ScanStatus::Completed => TaskStatus::Completed,
        ScanStatus::Cancelled => TaskStatus::Cancelled,
        ScanStatus::Failed if ran_to_an_end(scan) => TaskStatus::Completed,
        ScanStatus::Failed => TaskStatus::Failed,
    };
    // When its status last changed: it ended, or it started (or was created, while queued).
    let updated = scan
        .finished_at
        .clone()
        .or_else(|| scan.started_at.clone())
        .unwrap_or_else(|| scan.created_at.clone());
    let mut task = Task::new(scan.id.clone(), status, scan.created_at.clone(), updated)
        .with_status_message(status_message(scan));
    if !scan.status.is_terminal() {
        task = task.with_poll_interval_ms(POLL_MS);
    }
    // Scans are kept until deleted: no time-to-live (`ttlMs: null`).
    task
}

/// What a person reads about the scan now: its phase, checks done and what it found so far.
fn status_message(scan: &Scan) -> String {
    let c = &scan.counts;
    let found = c.critical + c.high + c.medium + c.low + c.info;
    let mut line = format!(
        "{} ({}): {}/{} checks, {found} findings ({} critical, {} high)",
        scan.status, scan.phase, scan.checks_done, scan.checks_total, c.critical, c.high
    );
    if let Some(error) = &scan.error {
        line.push_str(": ");
        line.push_str(error);
    }
    line
}

/// Whether a failed scan still ran to an end the tool reports on (its time budget ran out: the findings made are
/// the answer), rather than being stopped by the server (interrupted and not resumable, a store failure, a bug),
/// which the tasks extension calls a failed task.
fn ran_to_an_end(scan: &Scan) -> bool {
    scan.error
        .as_deref()
        .is_some_and(|e| e.starts_with("time budget"))
}

fn object(value: serde_json::Value) -> JsonObject {
    match value {
        serde_json::Value::Object(map) => map,
        _ => JsonObject::new(),
    }
}
