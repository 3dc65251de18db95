//! Detection templates in the Nuclei format: loading, the read-only safety rule, the DSL, matchers and extractors,
//! and the shipped, community and private libraries.

pub mod compile;
pub mod dsl;
pub mod eval;
pub mod format;
pub mod jq;
pub mod lazy_regex;
pub mod library;
mod matchers;
pub mod model;
pub mod safety;
pub mod update;

pub use library::{Library, Selection};
pub use model::Template;

/// The class a template's findings are grouped by in the fix file: `panel`, `exposure`, `debug`, `unauth`,
/// `listing`, or `other`. A shipped template's is its folder; another's is read from its id.
pub fn class_of(template_id: &str) -> &'static str {
    const CLASSES: &[&str] = &["panel", "exposure", "debug", "unauth", "listing"];
    if let Some(t) = Library::shipped()
        .templates
        .iter()
        .find(|t| t.id == template_id)
        && let Some(class) = CLASSES
            .iter()
            .find(|c| t.file.starts_with(&format!("{c}/")))
    {
        return class;
    }
    let id = template_id.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| id.contains(w));
    if has(&["listing", "directory-index", "dir-index"]) {
        "listing"
    } else if has(&["panel", "login", "dashboard-detect", "admin-console"]) {
        "panel"
    } else if has(&[
        "debug",
        "pprof",
        "profiler",
        "stacktrace",
        "trace",
        "dev-server",
    ]) {
        "debug"
    } else if has(&["unauth", "no-auth", "anonymous", "open-"]) {
        "unauth"
    } else if has(&[
        "exposure",
        "exposed",
        "config",
        "backup",
        "dump",
        "log",
        "file",
        "disclosure",
        "env",
    ]) {
        "exposure"
    } else {
        "other"
    }
}
