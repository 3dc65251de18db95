//! `palisade scan`: start a scan, show progress, print the report, and exit by the `--fail-on` gate.

use super::output;
use super::progress::Progress;
use super::render::{self, Report, Style};
use super::signals::{Stop, StopSignals};
use super::{
    CliError, EXIT_FINDINGS, EXIT_SCAN_ERROR, Global, ReportFormat, ScanFlags, SeverityArg,
};
use crate::app::{App, DEFAULT_ORG, ScanEvent, ScanRequest};
use crate::model::{ScanStatus, Severity};
use clap::Args;
use std::path::PathBuf;
use tokio::sync::broadcast::error::RecvError;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// URLs or host names: https://myapp.com/app, myapp.com, http://203.0.113.7:8080, [2001:db8::1]
    #[arg(required = true, value_name = "TARGET")]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub flags: ScanFlags,
    /// Output format: table, json, jsonl, csv, sarif, markdown, html, pdf or fix (the SECURITY-FIX.md file)
    #[arg(long, default_value = "table", value_parser = ReportFormat::parse)]
    pub format: ReportFormat,
    /// Write the report to FILE instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with 1 if any finding is at or above this severity
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
}

pub async fn run(global: &Global, args: ScanArgs) -> Result<u8, CliError> {
    match &args.output {
        Some(path) => output::check_writable(path)?,
        None => output::check_terminal(args.format)?,
    }
    let config = super::load_config(global, args.flags.layer())?;
    let app = super::build(config).await?;
    let request = ScanRequest {
        targets: args.targets.clone(),
        ..Default::default()
    };
    let report = scan_and_report(&app, request, global.quiet).await?;
    let style = if args.output.is_some() {
        Style::plain()
    } else {
        Style::stdout()
    };
    let bytes = render::render(&report, args.format, &style);
    match &args.output {
        Some(path) => output::emit(&bytes, Some(path))?,
        None => output::emit_stdout(&bytes, args.format)?,
    }
    if let (Some(path), false) = (&args.output, global.quiet) {
        eprintln!("palisade: report written to {}", path.display());
    }
    app.shutdown().await;
    Ok(exit_code(&report, args.fail_on.map(Severity::from)))
}

/// Runs a scan to its end and loads its report. Ctrl-C or SIGTERM (a CI job cancelled) stops the scan, keeping what
/// it found, so the report is still printed and the scan ends `cancelled`; a second signal quits at once.
pub async fn scan_and_report(
    app: &App,
    request: ScanRequest,
    quiet: bool,
) -> Result<Report, CliError> {
    let mut signals = Some(StopSignals::new()?);
    let mut handle = app.start_scan(DEFAULT_ORG, request).await?;
    let scan = &handle.scan;
    if !quiet {
        let names: Vec<&str> = scan.targets.iter().map(|t| t.url.as_str()).collect();
        eprintln!(
            "palisade: scan {} ({} profile): {}",
            scan.id,
            scan.profile,
            names.join(", ")
        );
    }
    let scan_id = scan.id.clone();
    let mut progress = Progress::new(scan.checks_total, quiet);
    loop {
        tokio::select! {
            event = handle.events.recv() => match event {
                Ok(event) => {
                    progress.on(&event);
                    if matches!(event, ScanEvent::Finished { .. }) { break; }
                }
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            },
            Some(stop) = next_stop(&mut signals) => {
                progress.clear();
                eprintln!(
                    "palisade: {}: stopping the scan; findings so far are kept ({} again to quit at once)",
                    stop.name(),
                    stop.name()
                );
                let app = app.clone();
                let id = scan_id.clone();
                tokio::spawn(async move { let _ = app.cancel_scan(DEFAULT_ORG, &id).await; });
                if let Some(mut signals) = signals.take() {
                    tokio::spawn(async move { std::process::exit(signals.recv().await.exit_code()) });
                }
            }
        }
    }
    handle.finished().await;
    Ok(Report::load(app, &scan_id, None).await?)
}

/// The next stop signal, or never once the listener has been handed to the quit-at-once task.
async fn next_stop(signals: &mut Option<StopSignals>) -> Option<Stop> {
    match signals {
        Some(s) => Some(s.recv().await),
        None => std::future::pending().await,
    }
}

/// 3 if the scan did not complete or a target could not be scanned; 1 if a finding reaches `fail_on`; else 0.
pub fn exit_code(report: &Report, fail_on: Option<Severity>) -> u8 {
    let scan = &report.data.scan;
    let unscanned = scan
        .targets
        .iter()
        .any(|t| t.error.is_some() && t.risk_grade.is_none());
    if scan.status != ScanStatus::Completed || unscanned {
        return EXIT_SCAN_ERROR;
    }
    match fail_on {
        Some(floor) if scan.counts.at_or_above(floor) > 0 => EXIT_FINDINGS,
        _ => 0,
    }
}
