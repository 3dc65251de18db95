//! `palisade db`: import an advisory feed file, download the public feeds, and show what the `components` checks
//! match against (the bundled database plus what was imported).

use super::{CliError, Format, Global};
use crate::app::{DbStatus, FeedUrls, Imported, KEV_URL, MAX_FEED_BYTES, RETIRE_URL};
use crate::config::{Layer, ScopeLayer};
use clap::{Subcommand, ValueEnum};
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Import a feed file: the retire.js repository, CISA's KEV catalog (JSON) or OSV JSON records, told apart by
    /// content; it replaces what the same feed imported before
    Import {
        /// The file (jsrepository-v4.json, known_exploited_vulnerabilities.json, an OSV record or array)
        file: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Download the retire.js repository and CISA's KEV catalog (and OSV records from --osv-url) and import them
    Update {
        /// retire.js repository URL [env: PALISADE_RETIRE_URL] [default: the retire.js GitHub repository]
        #[arg(long, value_name = "URL")]
        retire_url: Option<String>,
        /// KEV catalog URL [env: PALISADE_KEV_URL] [default: cisa.gov's JSON feed]
        #[arg(long, value_name = "URL")]
        kev_url: Option<String>,
        /// OSV JSON URL (a record or an array; OSV publishes zip archives only, so none by default)
        /// [env: PALISADE_OSV_URL]
        #[arg(long, value_name = "URL")]
        osv_url: Option<String>,
        /// Update only these feeds (repeatable)
        #[arg(long, value_enum)]
        only: Vec<FeedArg>,
        /// Allow feed URLs on loopback and private addresses (a local mirror)
        #[arg(long)]
        allow_private: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// What the components checks match against: counts, and each imported feed with its source and date
    Status {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

/// `--only` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FeedArg {
    Retirejs,
    Kev,
    Osv,
}

pub async fn run(global: &Global, cmd: DbCommand) -> Result<u8, CliError> {
    let mut layer = Layer::default();
    if let DbCommand::Update {
        allow_private: true,
        ..
    } = &cmd
    {
        layer.scope = ScopeLayer {
            allow_private: Some(true),
            allow: None,
        };
    }
    let app = super::build(super::load_config(global, layer)?).await?;
    let result = match cmd {
        DbCommand::Import { file, format } => import(&app, &file, format).await,
        DbCommand::Update {
            retire_url,
            kev_url,
            osv_url,
            only,
            format,
            ..
        } => {
            let pick = |arg: FeedArg, flag: Option<String>, env: &str, default: Option<&str>| {
                let wanted = only.is_empty() || only.contains(&arg);
                let url = flag
                    .or_else(|| std::env::var(env).ok().filter(|v| !v.is_empty()))
                    .or(default.map(str::to_string));
                url.filter(|_| wanted)
            };
            let urls = FeedUrls {
                retirejs: pick(
                    FeedArg::Retirejs,
                    retire_url,
                    "PALISADE_RETIRE_URL",
                    Some(RETIRE_URL),
                ),
                kev: pick(FeedArg::Kev, kev_url, "PALISADE_KEV_URL", Some(KEV_URL)),
                osv: pick(FeedArg::Osv, osv_url, "PALISADE_OSV_URL", None),
            };
            update(&app, &urls, format, global.quiet).await
        }
        DbCommand::Status { format } => status(&app, format).await,
    };
    app.shutdown().await;
    result
}

async fn import(app: &crate::app::App, file: &PathBuf, format: Format) -> Result<u8, CliError> {
    let shown = file.display().to_string();
    let meta = std::fs::metadata(file).map_err(|e| {
        CliError::usage(format!(
            "cannot read {shown}: {e}; give the path of a downloaded feed file"
        ))
    })?;
    if meta.len() > MAX_FEED_BYTES as u64 {
        return Err(CliError::usage(format!(
            "{shown} is larger than {} MiB: that is not a feed palisade reads",
            MAX_FEED_BYTES >> 20
        )));
    }
    let bytes =
        std::fs::read(file).map_err(|e| CliError::usage(format!("cannot read {shown}: {e}")))?;
    let imported = app.import_advisories(bytes, &shown, None).await?;
    print!("{}", render_imports(&[imported], format));
    Ok(0)
}

async fn update(
    app: &crate::app::App,
    urls: &FeedUrls,
    format: Format,
    quiet: bool,
) -> Result<u8, CliError> {
    if urls.retirejs.is_none() && urls.kev.is_none() && urls.osv.is_none() {
        return Err(CliError::usage(
            "no feed to update: --only names a feed without a URL (give --osv-url)",
        ));
    }
    let (done, failed) = app.update_advisories(urls).await;
    print!("{}", render_imports(&done, format));
    if failed.is_empty() {
        return Ok(0);
    }
    let lines: Vec<String> = failed
        .iter()
        .map(|f| format!("{} feed: {}", f.feed, f.error))
        .collect();
    if !quiet && !done.is_empty() {
        eprintln!(
            "palisade: {} of {} feeds updated",
            done.len(),
            done.len() + failed.len()
        );
    }
    Err(CliError::scan(lines.join("\n")))
}

async fn status(app: &crate::app::App, format: Format) -> Result<u8, CliError> {
    let s = app.advisory_status().await?;
    let out = match format {
        Format::Json => serde_json::to_string_pretty(&s).expect("status serialises") + "\n",
        Format::Jsonl => serde_json::to_string(&s).expect("status serialises") + "\n",
        Format::Table => status_table(&s),
    };
    print!("{out}");
    Ok(0)
}

fn render_imports(done: &[Imported], format: Format) -> String {
    match format {
        Format::Json if done.len() == 1 => {
            serde_json::to_string_pretty(&done[0]).expect("imports serialise") + "\n"
        }
        Format::Json => serde_json::to_string_pretty(done).expect("imports serialise") + "\n",
        Format::Jsonl => done
            .iter()
            .map(|i| serde_json::to_string(i).expect("imports serialise") + "\n")
            .collect(),
        Format::Table => done.iter().map(import_text).collect(),
    }
}

fn import_text(i: &Imported) -> String {
    let mut out = String::new();
    let version = i
        .version
        .as_deref()
        .map(|v| format!(" (version {v})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "imported the {}{version} from {} in {:.2} s; the feed now holds {} records",
        i.title,
        super::render::clean(&i.source),
        i.millis as f64 / 1000.0,
        i.records
    );
    let loaded: Vec<String> = i
        .report
        .loaded
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    let _ = writeln!(out, "  loaded: {}", loaded.join(", "));
    if i.skipped_total > 0 {
        let _ = writeln!(out, "  skipped {}:", i.skipped_total);
        for (why, n) in &i.report.skipped {
            let _ = writeln!(out, "    {n:>6}  {why}");
        }
    }
    for (what, n) in &i.report.notes {
        let _ = writeln!(out, "  note: {n} {what}");
    }
    out
}

fn status_table(s: &DbStatus) -> String {
    let mut out = format!(
        "advisory database: {} components, {} advisories, {} KEV entries, {} detection patterns\n\
         bundled:           {} components, {} advisories, {} KEV entries, {} detection patterns\n",
        s.components,
        s.advisories,
        s.kev_entries,
        s.detection_patterns,
        s.bundled.components,
        s.bundled.advisories,
        s.bundled.kev_entries,
        s.bundled.detection_patterns
    );
    if s.feeds.is_empty() {
        out.push_str("no feeds imported: palisade db update, or palisade db import FILE\n");
        return out;
    }
    let _ = writeln!(
        out,
        "\n{:<9} {:>8} {:<17} {:<11} SOURCE",
        "FEED", "RECORDS", "IMPORTED", "VERSION"
    );
    for f in &s.feeds {
        let _ = writeln!(
            out,
            "{:<9} {:>8} {:<17} {:<11} {}",
            f.feed,
            f.records,
            f.imported_at
                .get(..16)
                .unwrap_or(&f.imported_at)
                .replace('T', " "),
            f.version.as_deref().unwrap_or("-"),
            super::render::clean(&f.source)
        );
    }
    out
}
