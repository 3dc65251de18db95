//! `palisade report`: a stored scan's report in any format, to stdout or a file.

use super::render::{self, Report, Style};
use super::{CliError, Global, ReportFormat, output};
use crate::config::Layer;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The scan id (`palisade scans list` shows them)
    pub scan_id: String,
    /// table, json, jsonl, csv, sarif, markdown (md), html, pdf, or fix (the SECURITY-FIX.md fix file)
    #[arg(long, short = 'f', default_value = "table", value_parser = ReportFormat::parse)]
    pub format: ReportFormat,
    /// Write the report to FILE instead of stdout (`-` is stdout)
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only this target of the scan: its URL, host name or target id
    #[arg(long, value_name = "TARGET")]
    pub target: Option<String>,
}

pub async fn run(global: &Global, args: ReportArgs) -> Result<u8, CliError> {
    let out_path = output::path(args.output.as_deref());
    match out_path {
        Some(path) => output::check_writable(path)?,
        None => output::check_terminal(args.format)?,
    }
    let app = super::build(super::load_config(global, Layer::default())?).await?;
    let report = Report::load(&app, &args.scan_id, args.target.as_deref()).await?;
    if let (Some(reason), false) = (report.data.partial(), global.quiet) {
        eprintln!(
            "palisade: scan {}: this report is partial: {reason}",
            args.scan_id
        );
    }
    let style = if args.output.is_some() {
        Style::plain()
    } else {
        Style::stdout()
    };
    let bytes = render::render(&report, args.format, &style);
    match out_path {
        Some(path) => {
            output::emit(&bytes, Some(path))?;
            if !global.quiet {
                eprintln!("palisade: report written to {}", path.display());
            }
        }
        None => output::emit_stdout(&bytes, args.format)?,
    }
    Ok(0)
}
