//! `palisade demo` (start the lab and scan it) and `palisade lab` (serve the lab until interrupted).

use super::render::{self, Style};
use super::scan::{exit_code, scan_and_report};
use super::{CliError, Global, ProfileArg};
use crate::app::ScanRequest;
use crate::config::Layer;
use crate::lab::{Kind, Lab};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How deep to scan the lab
    #[arg(long, value_enum, default_value = "standard")]
    pub profile: ProfileArg,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: super::Format,
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
    render::emit(
        &render::render(&report, args.format, &Style::stdout()),
        None,
    )?;
    if !global.quiet && args.format == super::Format::Table {
        let id = &report.scan.id;
        eprintln!("\nnext: palisade findings {id} --severity high   (details and fixes)");
        eprintln!("      palisade scans show {id} --format json     (everything, for programs)");
        eprintln!("      palisade scan https://your-site.example    (your own site)");
    }
    app.shutdown().await;
    Ok(exit_code(&report, None))
}

pub async fn lab(global: &Global, args: LabArgs) -> Result<u8, CliError> {
    let lab = Lab::start(args.hosts)
        .await
        .map_err(|e| CliError::scan(format!("cannot start the lab: {e}")))?;
    let dir = match args.config_dir {
        Some(d) => d,
        None => std::env::temp_dir().join(format!("palisade-lab-{}", std::process::id())),
    };
    let config = lab
        .write_config(&dir)
        .map_err(|e| CliError::scan(format!("cannot write {}: {e}", dir.display())))?;
    if !global.quiet {
        println!("palisade lab running on 127.0.0.1; press Ctrl-C to stop.");
        println!("  vulnerable: {}", lab.host(Kind::Vulnerable).url());
        println!("  hardened:   {}", lab.host(Kind::Hardened).url());
        if args.hosts > 0 {
            println!("  and {} more: site-001.lab.palisade.test ...", args.hosts);
        }
        println!("scan it from another terminal:");
        println!(
            "  palisade --config {} scan {} {}",
            config.display(),
            lab.host(Kind::Vulnerable).name,
            lab.host(Kind::Hardened).name
        );
    }
    println!("config: {}", config.display());
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    Ok(0)
}
