//! `palisade mcp`: the MCP server on stdin/stdout, for agents that start their tools as child processes.

use super::{CliError, Global, ScanFlags};
use clap::Args;

#[derive(Debug, Args)]
pub struct McpArgs {
    #[command(flatten)]
    pub flags: ScanFlags,
}

pub async fn run(global: &Global, args: McpArgs) -> Result<u8, CliError> {
    let config = super::load_config(global, args.flags.layer())?;
    let app = super::build(config).await?;
    app.warm_up();
    app.resume_interrupted().await;
    app.watch_interrupted();
    tracing::info!(database = %app.store().path().display(), "MCP server on stdio");
    crate::mcp::serve_stdio(app)
        .await
        .map_err(|e| CliError::scan(format!("the MCP session failed: {e:#}")))?;
    Ok(0)
}
