//! The official Python MCP SDK (`mcp` 2.x from PyPI, installed by scripts/test in target/mcp-venv) runs the agent
//! loop against Palisade over stdio and over Streamable HTTP, on protocol 2025-11-25 (initialize) and 2026-07-28
//! (server/discover, stateless), and on 2026-07-28 with the tasks extension: a second client, written by others.

#[path = "support/mcp.rs"]
#[allow(dead_code)]
mod mcp;
#[path = "support/sdk_loop.rs"]
mod sdk_loop;
#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;
mod support;

use std::process::Command;

/// tests/python/mcp_loop.py under the Python that has the SDK.
fn script() -> Command {
    let mut command = Command::new(support::peers::python());
    command.arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/mcp_loop.py"));
    command
}

#[tokio::test(flavor = "multi_thread")]
async fn the_python_sdk_runs_the_loop_over_stdio_on_protocol_2025_11_25() {
    sdk_loop::over_stdio(script, "stdio-2025").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_python_sdk_runs_the_loop_over_stdio_on_protocol_2026_07_28() {
    sdk_loop::over_stdio(script, "stdio-2026").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_python_sdk_runs_the_loop_with_tasks_over_stdio() {
    sdk_loop::over_stdio(script, "stdio-2026-tasks").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_python_sdk_runs_the_loop_over_streamable_http_on_protocol_2025_11_25() {
    sdk_loop::over_http(script, "http-2025").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_python_sdk_runs_the_loop_statelessly_on_protocol_2026_07_28() {
    sdk_loop::over_http(script, "http-2026").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_python_sdk_runs_the_loop_with_tasks_over_streamable_http() {
    sdk_loop::over_http(script, "http-2026-tasks").await;
}
