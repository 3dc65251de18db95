//! `palisade targets`, `scans`, `findings` and `checks`: read and manage what is stored.

use super::render::{Report, Style, clean};
use super::{CliError, Format, Global, ProfileArg, SeverityArg, StatusArg};
use crate::app::DEFAULT_ORG;
use crate::config::Layer;
use crate::engine::registry;
use crate::model::{Category, Finding, Module, Profile, Scan, Target};
use crate::store::FindingFilter;
use clap::{Args, Subcommand};
use std::fmt::Write;

#[derive(Debug, Subcommand)]
pub enum TargetsCommand {
    /// Register a target (normalised and checked against the scope guard)
    Add {
        /// URL or host name
        target: String,
        /// A name to show for it
        #[arg(long)]
        label: Option<String>,
        /// Allow loopback and private addresses for this check
        #[arg(long)]
        allow_private: bool,
    },
    /// List registered targets
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Remove a target by id or URL (its scans are kept)
    Rm { target: String },
}

#[derive(Debug, Subcommand)]
pub enum ScansCommand {
    /// Recent scans, newest first
    List {
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// One scan: grades, findings, what was fixed, coverage (`palisade report` writes it in every format)
    Show {
        id: String,
        /// Output format: table, json, jsonl, csv, sarif, markdown, html, pdf or fix
        #[arg(long, default_value = "table", value_parser = super::ReportFormat::parse)]
        format: super::ReportFormat,
    },
}

#[derive(Debug, Args)]
pub struct FindingsArgs {
    /// The scan id
    pub scan_id: String,
    /// Only findings at or above this severity
    #[arg(long, value_enum)]
    pub severity: Option<SeverityArg>,
    /// Only new, unchanged or fixed findings
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
    /// Only this category (tls, headers, disclosure, api, ...)
    #[arg(long)]
    pub category: Option<String>,
    /// Only this module
    #[arg(long)]
    pub module: Option<String>,
    #[arg(long, default_value_t = 1000)]
    pub limit: u32,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ChecksArgs {
    /// Only the checks this profile runs
    #[arg(long, value_enum)]
    pub profile: Option<ProfileArg>,
}

async fn app(global: &Global, flags: Layer) -> Result<crate::app::App, CliError> {
    super::build(super::load_config(global, flags)?).await
}

pub async fn targets(global: &Global, cmd: TargetsCommand) -> Result<u8, CliError> {
    let mut flags = Layer::default();
    if let TargetsCommand::Add {
        allow_private: true,
        ..
    } = &cmd
    {
        flags.scope.allow_private = Some(true);
    }
    let app = app(global, flags).await?;
    match cmd {
        TargetsCommand::Add { target, label, .. } => {
            let t = app
                .add_target(DEFAULT_ORG, &target, label.as_deref())
                .await?;
            println!(
                "{}  {}{}",
                t.id,
                t.url,
                t.label.map(|l| format!("  ({l})")).unwrap_or_default()
            );
        }
        TargetsCommand::List { format } => {
            let list = app.list_targets(DEFAULT_ORG).await?;
            print!(
                "{}",
                super::output::list_output(&list, format, targets_table)
            );
        }
        TargetsCommand::Rm { target } => {
            let t = app.remove_target(DEFAULT_ORG, &target).await?;
            println!("removed {}  {}", t.id, t.url);
        }
    }
    Ok(0)
}

pub async fn scans(global: &Global, cmd: ScansCommand) -> Result<u8, CliError> {
    let app = app(global, Layer::default()).await?;
    match cmd {
        ScansCommand::List { limit, format } => {
            let list = app.list_scans(DEFAULT_ORG, limit).await?;
            print!("{}", super::output::list_output(&list, format, scans_table));
        }
        ScansCommand::Show { id, format } => {
            let dest = super::output::Dest::check(None, format)?;
            dest.write(&Report::load(&app, &id, None).await?, true)?;
        }
    }
    Ok(0)
}

pub async fn findings(global: &Global, args: FindingsArgs) -> Result<u8, CliError> {
    let app = app(global, Layer::default()).await?;
    let filter = FindingFilter {
        min_severity: args.severity.map(Into::into),
        status: args.status.map(Into::into),
        category: parse_opt::<Category>(args.category.as_ref(), "category")?,
        module: parse_opt::<Module>(args.module.as_ref(), "module")?,
        ..Default::default()
    };
    let (list, total) = app
        .findings(DEFAULT_ORG, &args.scan_id, &filter, args.limit, 0)
        .await?;
    print!(
        "{}",
        super::output::list_output(&list, args.format, |list| findings_table(list, total))
    );
    Ok(0)
}

fn targets_table(list: &[Target]) -> String {
    if list.is_empty() {
        return "no targets yet: palisade targets add https://example.com\n".into();
    }
    let mut out = format!("{:<10} {:<45} {:<20} CREATED\n", "ID", "URL", "LABEL");
    for t in list {
        let _ = writeln!(
            out,
            "{:<10} {:<45} {:<20} {}",
            t.id,
            t.url,
            t.label.as_deref().unwrap_or_default(),
            crate::time::date(&t.created_at)
        );
    }
    out
}

fn scans_table(list: &[Scan]) -> String {
    if list.is_empty() {
        return "no scans yet: palisade scan https://example.com\n".into();
    }
    let mut out = format!(
        "{:<9} {:<10} {:<9} {:<24} {:<16} {:<6} TARGETS\n",
        "ID", "STATUS", "PROFILE", "STARTED", "C/H/M/L/I", "GRADE"
    );
    for s in list {
        let c = &s.counts;
        let counts = format!(
            "{}/{}/{}/{}/{}",
            c.critical, c.high, c.medium, c.low, c.info
        );
        let grades: Vec<&str> = s
            .targets
            .iter()
            .map(|t| t.risk_grade.as_deref().unwrap_or("-"))
            .collect();
        let urls: Vec<&str> = s.targets.iter().map(|t| t.url.as_str()).collect();
        let _ = writeln!(
            out,
            "{:<9} {:<10} {:<9} {:<24} {:<16} {:<6} {}",
            s.id,
            s.status.as_str(),
            s.profile.as_str(),
            s.started_at.as_deref().unwrap_or_default(),
            counts,
            grades.join(","),
            urls.join(" ")
        );
    }
    out
}

fn findings_table(list: &[Finding], total: u64) -> String {
    let style = Style::stdout();
    let mut out = String::new();
    for f in list {
        let _ = writeln!(
            out,
            "{}  {:<32} {}  [{}]",
            style.severity(f.severity),
            f.check_id,
            clean(&f.title),
            f.status
        );
        let _ = writeln!(out, "{:<10}{}", "", style.dim(&clean(&f.location)));
        if let Some(e) = &f.evidence {
            let _ = writeln!(out, "{:<10}evidence: {}", "", clean(e));
        }
        let _ = writeln!(out, "{:<10}fix: {}", "", f.remediation);
    }
    let _ = writeln!(out, "{} of {} findings", list.len(), total);
    out
}

fn parse_opt<T: std::str::FromStr<Err = String>>(
    value: Option<&String>,
    flag: &str,
) -> Result<Option<T>, CliError> {
    value
        .map(|s| {
            s.parse()
                .map_err(|e: String| CliError::usage(format!("--{flag}: {e}")))
        })
        .transpose()
}

pub fn checks(args: ChecksArgs) -> Result<u8, CliError> {
    let checks = match args.profile {
        Some(p) => registry::plan(Profile::from(p)),
        None => registry::all().to_vec(),
    };
    let width = checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for c in checks {
        let rules: Vec<&str> = c.rules.iter().map(|r| r.id).collect();
        println!("{:<width$}  {:<9} {}", c.id, c.profile.as_str(), c.summary);
        println!("{:<width$}  {:<9} reports: {}", "", "", rules.join(", "));
    }
    Ok(0)
}
