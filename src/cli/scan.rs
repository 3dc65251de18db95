//! `palisade scan`: start a scan, show progress, print the report, and exit by the gate (`--fail-on`, `--new-only`,
//! the baseline file).

use super::output;
use super::progress::{self, Progress};
use super::render::{self, Report};
use super::signals::{Stop, StopSignals};
use super::{
    CliError, EXIT_FINDINGS, EXIT_SCAN_ERROR, Global, ReportFormat, ScanFlags, SeverityArg,
};
use crate::app::{App, DEFAULT_ORG, ScanEvent, ScanRequest};
use crate::model::ScanStatus;
use crate::report::gate::{Baseline, DEFAULT_BASELINE, Gate};
use clap::Args;
use std::path::{Path, PathBuf};
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
    /// With --fail-on: fail only on findings new since the previous scan of their target
    #[arg(long, requires = "fail_on")]
    pub new_only: bool,
    /// Accepted findings (TOML: [[ignore]] fingerprint, reason, expires) [default: ./.palisade-ignore if present]
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    #[command(flatten)]
    pub templates: TemplateFlags,
}

/// Which detection templates a scan runs beyond its profile's.
#[derive(Debug, Args, Default, Clone)]
pub struct TemplateFlags {
    /// Also run the detection templates with any of these tags, community ones included (comma-separated or
    /// repeated), e.g. --tags panel,ai
    #[arg(long, value_delimiter = ',', value_name = "TAG")]
    pub tags: Vec<String>,
    /// Never run detection templates with any of these tags
    #[arg(long, value_delimiter = ',', value_name = "TAG")]
    pub exclude_tags: Vec<String>,
    /// Also run the detection templates with these ids ('*' matches any text), e.g. --template-id 'jupyter-*'
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    pub template_id: Vec<String>,
    /// Run only detection templates of these severities (comma-separated)
    #[arg(long, value_enum, value_delimiter = ',', value_name = "SEVERITY")]
    pub severity: Vec<SeverityArg>,
}

impl TemplateFlags {
    /// The selection these flags make.
    pub fn selection(&self) -> crate::templates::Selection {
        crate::templates::Selection {
            tags: self.tags.clone(),
            exclude_tags: self.exclude_tags.clone(),
            ids: self.template_id.clone(),
            severities: self.severity.iter().map(|s| (*s).into()).collect(),
        }
    }
}

/// The gate of a scan command: `--fail-on`, `--new-only` and the baseline file, read before the scan starts so a
/// malformed file costs no scan. The baseline only matters to the gate, so without `--fail-on` no file is read;
/// `--baseline FILE` replaces `./.palisade-ignore`.
pub fn gate(
    fail_on: Option<SeverityArg>,
    new_only: bool,
    baseline: Option<&Path>,
) -> Result<Gate, CliError> {
    let Some(fail_on) = fail_on else {
        return Ok(Gate::default());
    };
    let path = baseline.or(Some(Path::new(DEFAULT_BASELINE)).filter(|p| p.exists()));
    let baseline = match path {
        Some(path) => Some(Baseline::load(path).map_err(CliError::usage)?),
        None => None,
    };
    Ok(Gate {
        fail_on: Some(fail_on.into()),
        new_only,
        baseline,
    })
}

pub async fn run(global: &Global, args: ScanArgs) -> Result<u8, CliError> {
    let dest = output::Dest::check(args.output.as_deref(), args.format)?;
    let gate = gate(args.fail_on, args.new_only, args.baseline.as_deref())?;
    let config = super::load_config(global, args.flags.layer())?;
    let app = super::build(config).await?;
    let request = ScanRequest {
        targets: args.targets.clone(),
        templates: args.templates.selection(),
        ..Default::default()
    };
    let report = scan_and_report(&app, request, global.quiet).await?;
    dest.write(&report, global.quiet)?;
    app.shutdown().await;
    Ok(exit_code(&report, &gate, global.quiet))
}

/// Runs a scan to its end and loads its report. Ctrl-C or SIGTERM (a CI job cancelled) stops the scan, keeping what
/// it found, so the report is still printed and the scan ends `cancelled`; a second signal quits at once.
pub async fn scan_and_report(
    app: &App,
    request: ScanRequest,
    quiet: bool,
) -> Result<Report, CliError> {
    let every = progress::lines_every(std::env::var("PALISADE_PROGRESS_EVERY").ok().as_deref())?;
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
    let mut progress = Progress::new(scan.checks_total, quiet, handle.live.clone(), every);
    let mut ticks = progress.every().map(|every| {
        let mut t = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    });
    loop {
        tokio::select! {
            Some(()) = next_tick(&mut ticks) => progress.tick(),
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

/// The next progress tick, or never when progress does not tick.
async fn next_tick(ticks: &mut Option<tokio::time::Interval>) -> Option<()> {
    match ticks {
        Some(t) => {
            t.tick().await;
            Some(())
        }
        None => std::future::pending().await,
    }
}

/// The next stop signal, or never once the listener has been handed to the quit-at-once task.
async fn next_stop(signals: &mut Option<StopSignals>) -> Option<Stop> {
    match signals {
        Some(s) => Some(s.recv().await),
        None => std::future::pending().await,
    }
}

/// 3 if the scan did not complete or a target could not be scanned; 1 if a finding fails the gate; else 0. Says on
/// stderr what failed the gate, which baseline entries expired, and (unless quiet) what the baseline suppressed.
pub fn exit_code(report: &Report, gate: &Gate, quiet: bool) -> u8 {
    let scan = &report.data.scan;
    let unscanned = scan
        .targets
        .iter()
        .any(|t| t.error.is_some() && t.risk_grade.is_none());
    if scan.status != ScanStatus::Completed || unscanned {
        return EXIT_SCAN_ERROR;
    }
    let Some(floor) = gate.fail_on else {
        return 0;
    };
    let today = time::OffsetDateTime::now_utc().date();
    let verdict = gate.judge(&report.data, today);
    let file = gate
        .baseline
        .as_ref()
        .map(|b| b.path.display().to_string())
        .unwrap_or_default();
    for (f, e) in &verdict.expired {
        eprintln!(
            "palisade: {file}: the entry for {} ({}) expired on {}: it counts again ({})",
            f.fingerprint,
            f.check_id,
            e.expires.map(|d| d.to_string()).unwrap_or_default(),
            render::clean(&e.reason)
        );
    }
    if !quiet && !verdict.unused.is_empty() {
        let fps: Vec<&str> = verdict
            .unused
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        eprintln!(
            "palisade: {file}: {} entr{} match no open finding (fixed, or a typo?): {}",
            fps.len(),
            if fps.len() == 1 { "y" } else { "ies" },
            fps.join(", ")
        );
    }
    if !quiet && !verdict.suppressed.is_empty() {
        eprintln!(
            "palisade: {file}: {} finding{} at or above {floor} accepted",
            verdict.suppressed.len(),
            if verdict.suppressed.len() == 1 {
                ""
            } else {
                "s"
            }
        );
    }
    let scope = if gate.new_only { " new" } else { "" };
    if verdict.failing.is_empty() {
        if !quiet {
            eprintln!("palisade: gate passed: no{scope} findings at or above {floor}");
        }
        return 0;
    }
    eprintln!(
        "palisade: gate failed: {} {}finding{} at or above {floor}:",
        verdict.failing.len(),
        if gate.new_only { "new " } else { "" },
        if verdict.failing.len() == 1 { "" } else { "s" }
    );
    for f in verdict.failing.iter().take(20) {
        eprintln!(
            "  [{}] {} {} ({})",
            f.severity.label(),
            f.check_id,
            render::clean(&f.location),
            f.fingerprint
        );
    }
    if verdict.failing.len() > 20 {
        eprintln!("  ...and {} more", verdict.failing.len() - 20);
    }
    EXIT_FINDINGS
}
