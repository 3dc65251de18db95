//! The command-line front end: parses what the user typed, calls `App`, prints, and maps outcomes to exit codes
//! (0 clean, 1 findings at or above `--fail-on`, 2 usage error, 3 scan error).

mod db;
mod demo;
mod keys;
mod manage;
mod mcp;
mod monitors;
mod output;
mod progress;
mod render;
mod report;
mod scan;
mod schedules;
mod serve;
mod signals;
mod stats;
mod templates;
mod webhooks;

use crate::app::{App, AppError, BuildError};
use crate::config::{Config, ConfigError, Layer, NetworkLayer, ScanLayer, ScopeLayer};
use crate::model::{FindingStatus, Profile, Severity};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Exit code: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: the command line or configuration is wrong.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the scan could not be completed.
pub const EXIT_SCAN_ERROR: u8 = 3;

/// Palisade: a self-hosted web security scanner for developers, CI and AI agents.
#[derive(Debug, Parser)]
#[command(name = "palisade", version, about, long_about = None, max_term_width = 110)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// SQLite database file [env: PALISADE_DB] [default: ~/.local/share/palisade/palisade.db]
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Configuration file [env: PALISADE_CONFIG] [default: ./palisade.toml if present]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// More log output on stderr (-v debug, -vv trace)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Print only results: no progress, no hints
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan one or more targets and print findings and grades
    Scan(scan::ScanArgs),
    /// Start the built-in lab on loopback and scan it: see palisade work without a site of your own
    Demo(demo::DemoArgs),
    /// Serve the built-in lab until interrupted, to scan it from another terminal or an agent
    Lab(demo::LabArgs),
    /// Manage registered targets
    #[command(subcommand)]
    Targets(manage::TargetsCommand),
    /// Read stored scans
    #[command(subcommand)]
    Scans(manage::ScansCommand),
    /// Read the findings of a stored scan
    Findings(manage::FindingsArgs),
    /// Write a stored scan's report: json, jsonl, csv, sarif, markdown, html, pdf or the SECURITY-FIX.md fix file
    Report(report::ReportArgs),
    /// List the checks each profile runs
    Checks(manage::ChecksArgs),
    /// Serve the MCP tools on stdin/stdout (for Claude Desktop, Claude Code, Cursor, Cline, VS Code)
    Mcp(mcp::McpArgs),
    /// API keys of `palisade serve`: create (shown once), list, revoke
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Serve MCP over HTTP (/mcp, legacy SSE at /sse) and the REST API (/v1) on 127.0.0.1:8477
    Serve(serve::ServeArgs),
    /// Recurring scans run by `palisade serve`: create, list, show, update, pause, resume, delete
    #[command(subcommand)]
    Schedules(schedules::SchedulesCommand),
    /// Signed webhooks for an org's events (scan.completed, finding.new...): create, list, deliveries, delete
    #[command(subcommand)]
    Webhooks(webhooks::WebhooksCommand),
    /// Alert rules deciding which events a finished scan raises: create, list, delete
    #[command(subcommand)]
    Monitors(monitors::MonitorsCommand),
    /// Organisation-wide numbers: findings by severity and category, mean score, worst targets, trend
    Stats(stats::StatsArgs),
    /// The advisory database of the components checks: import a feed, update from the public feeds, status
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Detection templates (Nuclei format, read-only): list what is loaded, check a folder, update the community set
    #[command(subcommand)]
    Templates(templates::TemplatesCommand),
}

/// Output formats of listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Jsonl,
}

/// Output formats of a scan's report: the terminal table, or any report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Table,
    Report(crate::report::Format),
}

impl ReportFormat {
    /// Parses `--format`: `table` or a report format name.
    pub fn parse(s: &str) -> Result<ReportFormat, String> {
        if s.trim().eq_ignore_ascii_case("table") {
            return Ok(ReportFormat::Table);
        }
        s.parse().map(ReportFormat::Report).map_err(|_| {
            let names: Vec<&str> = crate::report::Format::ALL
                .iter()
                .map(|f| f.name())
                .collect();
            format!("expected table, {}", names.join(", "))
        })
    }
}

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }

    pub fn scan(message: impl Into<String>) -> CliError {
        CliError {
            code: EXIT_SCAN_ERROR,
            message: message.into(),
        }
    }
}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> CliError {
        CliError::usage(e.to_string())
    }
}

impl From<BuildError> for CliError {
    fn from(e: BuildError) -> CliError {
        CliError::usage(e.to_string())
    }
}

impl From<AppError> for CliError {
    fn from(e: AppError) -> CliError {
        match e {
            AppError::Store(_) => CliError::scan(e.to_string()),
            other => CliError::usage(other.to_string()),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        CliError::scan(e.to_string())
    }
}

/// Settings flags shared by the commands that scan, as a configuration layer.
#[derive(Debug, Args, Default, Clone)]
pub struct ScanFlags {
    /// How deep to scan: quick (seconds, no crawl), standard, or deep
    #[arg(long, value_enum)]
    pub profile: Option<ProfileArg>,
    /// Allow loopback, private-network and CGNAT addresses (labs and internal sites)
    #[arg(long)]
    pub allow_private: bool,
    /// Allow an address range the scope guard blocks, e.g. 10.1.0.0/16 (repeatable)
    #[arg(long, value_name = "CIDR")]
    pub allow: Vec<String>,
    /// Connect HOST:PORT to ADDRESS instead of resolving it, like curl (repeatable)
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,
    /// Connect HOST:PORT to ADDRESS:PORT2 instead, like curl (repeatable)
    #[arg(long, value_name = "HOST:PORT:ADDR:PORT2")]
    pub connect_to: Vec<String>,
    /// Trust the CA certificates in this PEM file for TLS checks (repeatable)
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Vec<PathBuf>,
    /// Ask this DNS server instead of the system's, IP or IP:PORT (repeatable)
    #[arg(long, visible_alias = "resolver", value_name = "ADDR")]
    pub nameserver: Vec<String>,
    /// Requests per second per host [default: 150]
    #[arg(long, value_name = "N")]
    pub rate: Option<f64>,
    /// Requests in flight per host [default: 10]
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// Timeout of each request, in seconds [default: 10]
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Time budget of the whole scan, in seconds [default: 300]
    #[arg(long, value_name = "SECS")]
    pub budget: Option<f64>,
    /// A folder of private detection templates (Nuclei format), run with the shipped ones (repeatable)
    #[arg(long, value_name = "DIR")]
    pub templates: Vec<PathBuf>,
}

/// `--profile` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    Quick,
    Standard,
    Deep,
}

impl From<ProfileArg> for Profile {
    fn from(p: ProfileArg) -> Profile {
        match p {
            ProfileArg::Quick => Profile::Quick,
            ProfileArg::Standard => Profile::Standard,
            ProfileArg::Deep => Profile::Deep,
        }
    }
}

/// `--severity` / `--fail-on` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

/// `--status` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    New,
    Unchanged,
    Fixed,
}

impl From<StatusArg> for FindingStatus {
    fn from(s: StatusArg) -> FindingStatus {
        match s {
            StatusArg::New => FindingStatus::New,
            StatusArg::Unchanged => FindingStatus::Unchanged,
            StatusArg::Fixed => FindingStatus::Fixed,
        }
    }
}

impl ScanFlags {
    fn layer(&self) -> Layer {
        let some = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
        Layer {
            db: None,
            scan: ScanLayer {
                profile: self.profile.map(|p| Profile::from(p).to_string()),
                rate: self.rate,
                concurrency: self.concurrency,
                timeout: self.timeout,
                budget: self.budget,
                ..ScanLayer::default()
            },
            scope: ScopeLayer {
                allow_private: self.allow_private.then_some(true),
                allow: some(&self.allow),
            },
            network: NetworkLayer {
                resolve: some(&self.resolve),
                connect_to: some(&self.connect_to),
                nameservers: some(&self.nameserver),
                ca_certs: (!self.ca_cert.is_empty()).then(|| self.ca_cert.clone()),
            },
            server: Default::default(),
            smtp: Default::default(),
            templates: crate::config::TemplatesLayer {
                dirs: (!self.templates.is_empty()).then(|| self.templates.clone()),
                update_url: None,
            },
        }
    }
}

/// Loads the configuration: file, environment, then these flags.
pub fn load_config(global: &Global, mut flags: Layer) -> Result<Config, CliError> {
    flags.db = global.db.clone();
    Ok(Config::load(global.config.as_deref(), flags)?)
}

async fn build(config: Config) -> Result<App, CliError> {
    Ok(App::build(config).await?)
}

/// Runs a parsed command line; returns the exit code.
pub async fn run(cli: Cli) -> Result<u8, CliError> {
    match cli.command {
        Command::Scan(args) => scan::run(&cli.global, args).await,
        Command::Demo(args) => demo::demo(&cli.global, args).await,
        Command::Lab(args) => demo::lab(&cli.global, args).await,
        Command::Targets(cmd) => manage::targets(&cli.global, cmd).await,
        Command::Scans(cmd) => manage::scans(&cli.global, cmd).await,
        Command::Findings(args) => manage::findings(&cli.global, args).await,
        Command::Report(args) => report::run(&cli.global, args).await,
        Command::Checks(args) => manage::checks(args),
        Command::Mcp(args) => mcp::run(&cli.global, args).await,
        Command::Serve(args) => serve::run(&cli.global, args).await,
        Command::Keys(cmd) => keys::run(&cli.global, cmd).await,
        Command::Schedules(cmd) => schedules::run(&cli.global, cmd).await,
        Command::Webhooks(cmd) => webhooks::run(&cli.global, cmd).await,
        Command::Monitors(cmd) => monitors::run(&cli.global, cmd).await,
        Command::Stats(args) => stats::run(&cli.global, args).await,
        Command::Db(cmd) => db::run(&cli.global, cmd).await,
        Command::Templates(cmd) => templates::run(&cli.global, cmd).await,
    }
}
