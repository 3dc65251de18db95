//! `palisade demo` (start the lab and scan it) and `palisade lab` (serve the lab until interrupted).

use super::scan::{exit_code, scan_and_report};
use super::signals::StopSignals;
use super::{CliError, Global, ProfileArg};
use crate::app::ScanRequest;
use crate::config::Layer;
use crate::lab::{Kind, Lab};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How deep to scan the lab
    #[arg(long, value_enum, default_value = "standard")]
    pub profile: ProfileArg,
    /// Output format: table, json, jsonl, csv, sarif, markdown, html, pdf or fix
    #[arg(long, default_value = "table", value_parser = super::ReportFormat::parse)]
    pub format: super::ReportFormat,
}

#[derive(Debug, Args)]
pub struct LabArgs {
    /// Serve this many more host names (site-001.lab.palisade.test, ...) for scans of many hosts
    #[arg(long, default_value_t = 0)]
    pub hosts: usize,
    /// Where to write the palisade.toml that reaches the lab [default: a temporary directory]
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
}

pub async fn demo(global: &Global, args: DemoArgs) -> Result<u8, CliError> {
    let dest = super::output::Dest::check(None, args.format)?;
    let lab = Lab::start(0)
        .await
        .map_err(|e| CliError::scan(format!("cannot start the lab on 127.0.0.1: {e}")))?;
    let mut config = super::load_config(global, Layer::default())?;
    lab.apply(&mut config);
    let app = super::build(config).await?;
    if !global.quiet {
        eprintln!("palisade: lab running on 127.0.0.1 (certificates made just now):");
        for h in &lab.hosts {
            let what = if h.kind == Kind::Vulnerable {
                "misconfigured on purpose"
            } else {
                "hardened"
            };
            eprintln!(
                "  {:<32} http {}  https {}  ({what})",
                h.name, h.http, h.https
            );
        }
    }
    let request = ScanRequest {
        targets: lab.hosts.iter().map(|h| h.url()).collect(),
        profile: Some(args.profile.into()),
        ..Default::default()
    };
    let report = scan_and_report(&app, request, global.quiet).await?;
    dest.write(&report, global.quiet)?;
    if !global.quiet && args.format == super::ReportFormat::Table {
        let id = &report.data.scan.id;
        // The hints name the database when it is not the default one, so they work as printed.
        let db = global
            .db
            .as_ref()
            .map(|p| format!(" --db {}", p.display()))
            .unwrap_or_default();
        eprintln!("\nnext: palisade{db} findings {id} --severity high          (details)");
        eprintln!(
            "      palisade{db} report {id} --format fix -o SECURITY-FIX.md   (the fixes, for you or your agent)"
        );
        eprintln!(
            "      palisade{db} report {id} --format html -o report.html      (a report to share)"
        );
        eprintln!("      palisade scan https://your-site.example    (your own site)");
    }
    app.shutdown().await;
    Ok(exit_code(
        &report,
        &crate::report::gate::Gate::default(),
        global.quiet,
    ))
}

/// Serves the lab until Ctrl-C or SIGTERM. A configuration directory it made itself (no `--config-dir`) is removed
/// on the way out; one the user named is left alone.
pub async fn lab(global: &Global, args: LabArgs) -> Result<u8, CliError> {
    let mut signals = StopSignals::new()?;
    let lab = Lab::start(args.hosts)
        .await
        .map_err(|e| CliError::scan(format!("cannot start the lab: {e}")))?;
    let (dir, made_here) = match args.config_dir {
        // Absolute, because the file names the CA certificate by this path and a relative path in a configuration
        // file is read from the file's own directory.
        Some(d) => (std::path::absolute(&d)?, false),
        None => (
            std::env::temp_dir().join(format!("palisade-lab-{}", std::process::id())),
            true,
        ),
    };
    let config = lab
        .write_config(&dir)
        .map_err(|e| CliError::scan(format!("cannot write {}: {e}", dir.display())))?;
    if !global.quiet {
        print_lab_usage(&lab, args.hosts, &config);
    }
    println!("config: {}", config.display());
    use std::io::Write;
    let _ = std::io::stdout().flush();
    signals.recv().await;
    if made_here {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(0)
}

fn print_lab_usage(lab: &Lab, hosts: usize, config: &Path) {
    println!("palisade lab running on 127.0.0.1; press Ctrl-C to stop.");
    println!("  vulnerable: {}", lab.host(Kind::Vulnerable).url());
    println!("  hardened:   {}", lab.host(Kind::Hardened).url());
    if hosts > 0 {
        println!("  and {hosts} more: site-001.lab.palisade.test ...");
    }
    println!("scan it from another terminal:");
    println!(
        "  palisade --config {} scan {} {}",
        config.display(),
        lab.host(Kind::Vulnerable).name,
        lab.host(Kind::Hardened).name
    );
}
