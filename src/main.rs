//! The `palisade` binary: parse the command line, start tracing, run, map errors to exit codes.

use clap::Parser;
use palisade::cli::{self, Cli};
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("palisade: error: cannot start the async runtime: {e}");
            return ExitCode::from(cli::EXIT_SCAN_ERROR);
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("palisade: error: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}

/// Logs go to stderr: warnings by default, more with -v, or as `PALISADE_LOG` says (tracing's filter syntax).
/// sqlx's slow-statement warnings are left to -v: on a loaded machine opening the database can take over a second,
/// and a one-line error must stay one line.
/// Colour only on a terminal and without `NO_COLOR`, so CI logs and redirected files stay plain text.
fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn,sqlx::query=error",
        1 => "palisade=debug,info",
        _ => "palisade=trace,debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("PALISADE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        // A closed stderr (`palisade -v ... 2>&1 | head`) must not turn a failed log write into a panic.
        .log_internal_errors(false)
        .init();
}
