//! `palisade report`: a stored scan's report in any format, to stdout or a file.

use super::render::Report;
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
    let dest = output::Dest::check(args.output.as_deref(), args.format)?;
    let app = super::build(super::load_config(global, Layer::default())?).await?;
    let report = Report::load(&app, &args.scan_id, args.target.as_deref()).await?;
    if let (Some(reason), false) = (report.data.partial(), global.quiet) {
        eprintln!(
            "palisade: scan {}: this report is partial: {reason}",
            args.scan_id
        );
    }
    dest.write(&report, global.quiet)?;
    Ok(0)
}
