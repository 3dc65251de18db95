//! `palisade serve`: the HTTP server (MCP over Streamable HTTP and legacy SSE, and the REST API).

use super::{CliError, Global, ScanFlags};
use clap::Args;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8477; env: PALISADE_BIND]. Anything but loopback needs an API key.
    #[arg(long, value_name = "IP:PORT")]
    pub bind: Option<String>,
    #[command(flatten)]
    pub flags: ScanFlags,
}

pub async fn run(global: &Global, args: ServeArgs) -> Result<u8, CliError> {
    let mut layer = args.flags.layer();
    layer.server.bind = args.bind;
    let config = super::load_config(global, layer)?;
    let app = super::build(config).await?;
    app.warm_up();
    // Listening before the handlers are in place would let a SIGTERM that follows the first connection (a service
    // manager's, a test's) kill the server without its orderly stop.
    let mut signals = super::signals::StopSignals::new()?;
    let listener = crate::server::bind(&app)
        .await
        .map_err(|e| CliError::usage(e.to_string()))?;
    // Only a server that will stay up takes the interrupted scans: one that cannot listen (the port is taken,
    // no key for a public bind) exits at once and would cut them short again.
    let resumed = app.resume_interrupted().await;
    app.watch_interrupted();
    let addr = listener.local_addr()?;
    if !global.quiet {
        eprintln!(
            "palisade: serving on http://{addr} (MCP: http://{addr}/mcp, legacy SSE: http://{addr}/sse, REST: http://{addr}/v1, OpenAPI: http://{addr}/v1/openapi.json)"
        );
        eprintln!("palisade: database {}", app.store().path().display());
        if !resumed.is_empty() {
            eprintln!(
                "palisade: running again {} scan(s) a stopped server left unfinished: {}",
                resumed.len(),
                resumed.join(", ")
            );
        }
        let emails = app.store().count_email_webhooks().await.unwrap_or_default();
        if emails > 0 && app.config().smtp.is_none() {
            eprintln!(
                "palisade: warning: {emails} email alert(s) are set up but no mail server is: set [smtp] url and from \
                 (or PALISADE_SMTP_URL and PALISADE_SMTP_FROM) and restart; until then their emails wait (24 hours at most)"
            );
        }
    }
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    tokio::spawn(async move {
        let signal = signals.recv().await;
        eprintln!(
            "palisade: {} received: stopping; running scans finish first",
            signal.name()
        );
        stop.cancel();
        let again = signals.recv().await;
        std::process::exit(again.exit_code());
    });
    crate::server::serve(app, listener, shutdown).await?;
    Ok(0)
}
