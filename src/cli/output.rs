//! Where a report goes: stdout, or a file that is checked before the scan starts and replaced atomically after it.

use super::render::{self, Report, Style};
use super::{CliError, ReportFormat};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// The directory a report file is written in (`.` for a bare file name).
fn dir_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("report")
}

/// Refuses an `--output` path the report could not be written to, so that a long scan is not run for nothing: the
/// path must not be a directory, and its directory must exist and take new files (tried by creating and removing a
/// file there, which answers for permissions, read-only file systems and ACLs alike).
pub fn check_writable(path: &Path) -> Result<(), CliError> {
    let refuse = |why: String| CliError::usage(format!("--output {}: {why}", path.display()));
    if path.is_dir() {
        return Err(refuse("is a directory; give a file name".into()));
    }
    let dir = dir_of(path);
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(refuse(format!("{} is not a directory", dir.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(refuse(format!(
                "the directory {} does not exist",
                dir.display()
            )));
        }
        Err(e) => return Err(refuse(format!("cannot use {}: {e}", dir.display()))),
    }
    let probe = dir.join(format!(".{}.{}.probe", file_name(path), std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| refuse(format!("cannot write in {}: {e}", dir.display())))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Where a report goes: `--output FILE`, or stdout (no flag, or `-`); checked before any work is done.
pub struct Dest<'a> {
    path: Option<&'a Path>,
    format: ReportFormat,
}

impl<'a> Dest<'a> {
    /// Refuses, before a scan or a read, an output that could not be written: an unwritable path, or a binary
    /// format for a terminal.
    pub fn check(output: Option<&'a Path>, format: ReportFormat) -> Result<Dest<'a>, CliError> {
        let path = output.filter(|p| p.as_os_str() != "-");
        match path {
            Some(p) => check_writable(p)?,
            None => check_terminal(format)?,
        }
        Ok(Dest { path, format })
    }

    /// Renders `report` (coloured only for a terminal) and writes it; says where on stderr unless `quiet`.
    pub fn write(&self, report: &Report, quiet: bool) -> Result<(), CliError> {
        let style = match self.path {
            Some(_) => Style::plain(),
            None => Style::stdout(),
        };
        let bytes = render::render(report, self.format, &style);
        match self.path {
            Some(path) => {
                emit(&bytes, Some(path))?;
                if !quiet {
                    eprintln!("palisade: report written to {}", path.display());
                }
            }
            None => emit_stdout(&bytes, self.format)?,
        }
        Ok(())
    }
}

/// Refuses to print a binary report (PDF) to a terminal, before any work is done.
fn check_terminal(format: ReportFormat) -> Result<(), CliError> {
    match format {
        ReportFormat::Report(f) if !f.is_text() && std::io::stdout().is_terminal() => {
            Err(CliError::usage(format!(
                "--format {f} is binary and stdout is a terminal: pipe it, or write it to a file \
                 (palisade report SCAN_ID --format {f} -o report.{f})"
            )))
        }
        _ => Ok(()),
    }
}

/// Writes a report to stdout (after [`check_terminal`]). A reader that stops early (`| head`) is not an error.
fn emit_stdout(bytes: &[u8], format: ReportFormat) -> Result<(), CliError> {
    check_terminal(format)?;
    match emit(bytes, None).and_then(|_| std::io::stdout().flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Writes `bytes` to `path` atomically (a temporary file renamed over it), or to stdout without a path.
pub fn emit(bytes: &[u8], path: Option<&Path>) -> std::io::Result<()> {
    match path {
        None => std::io::stdout().write_all(bytes),
        Some(path) => {
            let tmp = dir_of(path).join(format!(".{}.tmp", file_name(path)));
            std::fs::write(&tmp, bytes)
                .and_then(|_| std::fs::rename(&tmp, path))
                .map_err(|e| {
                    std::io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
                })
        }
    }
}

/// A list as JSON (one array), JSON Lines (one object per line) or the table `table` makes: the one place the
/// listing commands choose their format.
pub fn list_output<T: serde::Serialize>(
    list: &[T],
    format: super::Format,
    table: impl FnOnce(&[T]) -> String,
) -> String {
    match format {
        super::Format::Json => serde_json::to_string_pretty(list).expect("serialisable") + "\n",
        super::Format::Jsonl => list
            .iter()
            .map(|item| serde_json::to_string(item).expect("serialisable") + "\n")
            .collect(),
        super::Format::Table => table(list),
    }
}
