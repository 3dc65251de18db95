//! The official TypeScript MCP SDK (`@modelcontextprotocol/client` 2.x from npm, installed by scripts/test in
//! target/ts-client) runs the agent loop against Palisade over Streamable HTTP and over stdio, on protocol
//! 2025-11-25 (its default, legacy negotiation) and 2026-07-28 (its 'auto' negotiation), and with the tasks extension
//! (on 2026-07-28 over both transports, on 2025-11-25 over HTTP): a third client, written by others.

#[path = "support/mcp.rs"]
#[allow(dead_code)]
mod mcp;
#[path = "support/sdk_loop.rs"]
mod sdk_loop;
#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;
mod support;

use std::path::PathBuf;
use std::process::Command;

/// The folder scripts/test installs the TypeScript SDK into (its node_modules holds `@modelcontextprotocol/client`).
fn ts_client() -> PathBuf {
    let folder = std::env::var_os("PALISADE_TEST_TS_CLIENT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/ts-client"));
    assert!(
        folder
            .join("node_modules/@modelcontextprotocol/client/package.json")
            .exists(),
        "{} has no @modelcontextprotocol/client: run scripts/test, which installs the TypeScript MCP SDK",
        folder.display()
    );
    folder
}

/// tests/node/mcp_loop.mjs under Node, with the SDK's folder.
fn script() -> Command {
    let mut command = Command::new("node");
    command
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node/mcp_loop.mjs"))
        .env("PALISADE_TEST_TS_CLIENT", ts_client());
    command
}

#[tokio::test(flavor = "multi_thread")]
async fn the_typescript_sdk_runs_the_loop_over_stdio_on_protocol_2025_11_25() {
    sdk_loop::over_stdio(script, "stdio-2025").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_typescript_sdk_runs_the_loop_over_stdio_on_protocol_2026_07_28() {
    sdk_loop::over_stdio(script, "stdio-2026").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_typescript_sdk_runs_the_loop_with_tasks_over_stdio() {
    sdk_loop::over_stdio(script, "stdio-2026-tasks").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_typescript_sdk_runs_the_loop_over_streamable_http_on_protocol_2025_11_25() {
    sdk_loop::over_http(script, "http-2025").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_typescript_sdk_runs_the_loop_over_streamable_http_on_protocol_2026_07_28() {
    sdk_loop::over_http(script, "http-2026").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_typescript_sdk_runs_the_loop_with_tasks_over_streamable_http() {
    sdk_loop::over_http(script, "http-2026-tasks").await;
}

/// Tasks on a 2025-11-25 session: the extension declared in initialize. (The Python SDK cannot: it declares an
/// extension with result claims on 2026-07-28 only.)
#[tokio::test(flavor = "multi_thread")]
async fn the_typescript_sdk_runs_the_loop_with_tasks_over_streamable_http_on_protocol_2025_11_25() {
    sdk_loop::over_http(script, "http-2025-tasks").await;
}
