//! `palisade templates`: what detection templates are loaded (list), whether a folder of templates loads and runs
//! (check), and fetching the community archive (update).

use super::{CliError, Format, Global};
use crate::config::{Layer, ScopeLayer, TemplatesLayer};
use crate::templates::Library;
use crate::templates::library::{LoadError, Skipped};
use clap::Subcommand;
use serde_json::json;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// The templates loaded (shipped, --templates folders and templates.dirs, the community archive): how many run,
    /// how many are skipped and why, and each runnable template with --format json
    List {
        /// Also load this folder of private templates (repeatable)
        #[arg(long, value_name = "DIR")]
        templates: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Load the templates under DIR and say how many load, how many can run, how many are skipped and why, and every
    /// file that could not be read (file:line); exits 1 when a file could not be read
    Check {
        dir: PathBuf,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Download the community template archive (a zip), check it and install it beside the database; what was
    /// installed before is kept if anything fails
    Update {
        /// Archive URL [env: PALISADE_TEMPLATES_URL] [default: the Nuclei community repository's zip]
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// Refuse the archive unless its SHA-256 is this (hex)
        #[arg(long, value_name = "HEX")]
        sha256: Option<String>,
        /// Allow an archive URL on loopback or a private address (a local mirror)
        #[arg(long)]
        allow_private: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

pub async fn run(global: &Global, cmd: TemplatesCommand) -> Result<u8, CliError> {
    match cmd {
        TemplatesCommand::Check { dir, format } => check(&dir, format),
        TemplatesCommand::List { templates, format } => {
            let layer = Layer {
                templates: TemplatesLayer {
                    dirs: (!templates.is_empty()).then_some(templates),
                    update_url: None,
                },
                ..Layer::default()
            };
            let app = super::build(super::load_config(global, layer)?).await?;
            let library = app.template_library().await;
            app.shutdown().await;
            list(&library, format)
        }
        TemplatesCommand::Update {
            url,
            sha256,
            allow_private,
            format,
        } => {
            let mut layer = Layer::default();
            layer.templates.update_url = url;
            if allow_private {
                layer.scope = ScopeLayer {
                    allow_private: Some(true),
                    allow: None,
                };
            }
            let config = super::load_config(global, layer)?;
            let url = config.templates.update_url.clone();
            let app = super::build(config).await?;
            if !global.quiet {
                eprintln!("palisade: downloading the community templates from {url}");
            }
            let result = app.update_templates(&url, sha256.as_deref()).await;
            app.shutdown().await;
            let updated = result.map_err(CliError::scan)?;
            match format {
                Format::Table => {
                    println!(
                        "installed {} template files in {} (sha256 {}): {} run, {} skipped, {} could not be read",
                        updated.files,
                        updated.dir.display(),
                        updated.sha256,
                        updated.runnable,
                        updated.skipped.values().sum::<usize>(),
                        updated.errors
                    );
                    for (reason, n) in &updated.skipped {
                        println!("  skipped {n:>5}: {reason}");
                    }
                }
                Format::Json | Format::Jsonl => println!(
                    "{}",
                    json!({
                        "dir": updated.dir, "sha256": updated.sha256, "files": updated.files,
                        "runnable": updated.runnable, "skipped": updated.skipped, "errors": updated.errors,
                    })
                ),
            }
            Ok(0)
        }
    }
}

fn check(dir: &std::path::Path, format: Format) -> Result<u8, CliError> {
    if !dir.is_dir() {
        return Err(CliError::usage(format!(
            "{} is not a folder: give the folder that holds your templates",
            dir.display()
        )));
    }
    let library = Library::of_dir(dir);
    print_summary(&library, format, false);
    Ok(if library.errors.is_empty() { 0 } else { 1 })
}

fn list(library: &Library, format: Format) -> Result<u8, CliError> {
    print_summary(library, format, true);
    Ok(0)
}

fn by_reason(skipped: &[Skipped]) -> BTreeMap<&'static str, Vec<&Skipped>> {
    let mut groups: BTreeMap<&'static str, Vec<&Skipped>> = BTreeMap::new();
    for s in skipped {
        groups.entry(s.refusal.kind.label()).or_default().push(s);
    }
    groups
}

fn print_summary(library: &Library, format: Format, each: bool) {
    let groups = by_reason(&library.skipped);
    match format {
        Format::Table => {
            let mut out = String::new();
            let mut sources: BTreeMap<&str, usize> = BTreeMap::new();
            for t in &library.templates {
                *sources.entry(t.source.label()).or_default() += 1;
            }
            let from: Vec<String> = sources.iter().map(|(s, n)| format!("{n} {s}")).collect();
            let _ = writeln!(
                out,
                "{} template files read: {} run{}, {} skipped, {} could not be read",
                library.templates.len() + library.skipped.len() + library.errors.len(),
                library.templates.len(),
                if from.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", from.join(", "))
                },
                library.skipped.len(),
                library.errors.len()
            );
            for (reason, items) in &groups {
                let examples: Vec<String> = items
                    .iter()
                    .take(3)
                    .map(|s| format!("{} ({})", s.id, s.refusal.detail))
                    .collect();
                let _ = writeln!(
                    out,
                    "  skipped {:>5}: {reason}; e.g. {}",
                    items.len(),
                    examples.join(", ")
                );
            }
            for e in library.errors.iter().take(50) {
                let _ = writeln!(out, "  error: {e}");
            }
            if library.errors.len() > 50 {
                let _ = writeln!(out, "  ... and {} more errors", library.errors.len() - 50);
            }
            if each {
                for t in &library.templates {
                    let _ = writeln!(
                        out,
                        "{:<44} {:<8} {:<9} {}{}",
                        t.id,
                        t.severity,
                        t.source.label(),
                        t.tags.join(","),
                        if t.standard { " [standard]" } else { "" }
                    );
                }
            }
            print!("{out}");
        }
        Format::Json | Format::Jsonl => {
            let error =
                |e: &LoadError| json!({"file": e.file, "line": e.line, "message": e.message});
            let templates: Vec<_> = library
                .templates
                .iter()
                .map(|t| {
                    json!({
                        "id": t.id, "name": t.name, "severity": t.severity, "tags": t.tags, "source": t.source.label(),
                        "file": t.file, "standard": t.standard, "cve": t.cve,
                    })
                })
                .collect();
            let skipped: Vec<_> = library
                .skipped
                .iter()
                .map(|s| json!({"id": s.id, "file": s.file, "reason": s.refusal.kind.label(), "detail": s.refusal.detail}))
                .collect();
            let counts: BTreeMap<&str, usize> = groups.iter().map(|(k, v)| (*k, v.len())).collect();
            println!(
                "{}",
                json!({
                    "runnable": library.templates.len(), "skipped_count": library.skipped.len(),
                    "skipped_by_reason": counts, "errors": library.errors.iter().map(error).collect::<Vec<_>>(),
                    "templates": if each { templates } else { Vec::new() }, "skipped": skipped,
                })
            );
        }
    }
}
