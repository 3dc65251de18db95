//! The templates a scan can run: the shipped set embedded in the binary, private folders and the community archive,
//! loaded once with what was skipped and what could not be read; and which of them a scan selects.

use super::compile::{Outcome, compile};
use super::model::{Source, Template};
use super::safety::{Refusal, SkipKind};
use crate::model::{Profile, Severity};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

include!(concat!(env!("OUT_DIR"), "/shipped_templates.rs"));

/// Template files read from one folder at most.
pub const MAX_FILES: usize = 50_000;

/// A template that will not run, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub id: String,
    pub file: String,
    pub source: &'static str,
    pub refusal: Refusal,
}

/// A file that could not be read as a template.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Loaded templates.
#[derive(Debug, Default)]
pub struct Library {
    pub templates: Vec<Arc<Template>>,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<LoadError>,
    /// Index of each id in `templates`.
    ids: std::collections::HashMap<String, usize>,
}

static SHIPPED_LIBRARY: LazyLock<Arc<Library>> = LazyLock::new(|| {
    let mut library = Library::default();
    for (file, text) in SHIPPED {
        library.add(text, file, Source::Shipped);
    }
    Arc::new(library)
});

impl Library {
    /// The templates shipped in the binary (read once per process).
    pub fn shipped() -> Arc<Library> {
        SHIPPED_LIBRARY.clone()
    }

    /// The shipped templates, then those of each folder (private ones), then the community archive's folder.
    pub fn load(dirs: &[PathBuf], community: Option<&Path>) -> Library {
        let shipped = Library::shipped();
        let mut library = Library {
            templates: shipped.templates.clone(),
            skipped: shipped.skipped.clone(),
            errors: shipped.errors.clone(),
            ids: shipped.ids.clone(),
        };
        for dir in dirs {
            library.add_dir(dir, Source::Private(dir.clone()));
        }
        if let Some(dir) = community.filter(|d| d.is_dir()) {
            library.add_dir(dir, Source::Community);
        }
        library
    }

    /// The templates of one folder alone (for `templates check`).
    pub fn of_dir(dir: &Path) -> Library {
        let mut library = Library::default();
        library.add_dir(dir, Source::Private(dir.to_path_buf()));
        library
    }

    /// Reads every template file under `dir` (hidden folders and files that are not templates are passed over).
    pub fn add_dir(&mut self, dir: &Path, source: Source) {
        let mut files = Vec::new();
        walk(dir, &mut files);
        if files.len() > MAX_FILES {
            self.errors.push(LoadError {
                file: dir.display().to_string(),
                line: None,
                message: format!(
                    "more than {MAX_FILES} YAML files: only the first {MAX_FILES} were read"
                ),
            });
            files.truncate(MAX_FILES);
        }
        files.sort();
        for path in files {
            let name = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .display()
                .to_string();
            match std::fs::read(&path) {
                Ok(bytes) if bytes.len() > super::compile::MAX_TEMPLATE_BYTES => {
                    self.errors.push(LoadError {
                        file: name,
                        line: None,
                        message: format!(
                            "larger than {} bytes",
                            super::compile::MAX_TEMPLATE_BYTES
                        ),
                    })
                }
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) if looks_like_template(&text) => {
                        self.add(&text, &name, source.clone())
                    }
                    Ok(_) => {}
                    Err(_) => self.errors.push(LoadError {
                        file: name,
                        line: None,
                        message: "not UTF-8 text".into(),
                    }),
                },
                Err(e) => self.errors.push(LoadError {
                    file: name,
                    line: None,
                    message: e.to_string(),
                }),
            }
        }
    }

    /// Reads one template's text.
    pub fn add(&mut self, text: &str, file: &str, source: Source) {
        match compile(text, file, source.clone()) {
            Outcome::Ready(t) => {
                if let Some(first) = self.ids.get(&t.id).map(|&i| &self.templates[i]) {
                    self.skipped.push(Skipped {
                        id: t.id.clone(),
                        file: file.to_string(),
                        source: source.label(),
                        refusal: Refusal::new(
                            SkipKind::Duplicate,
                            format!("{} ({}) has the same id", first.file, first.source.label()),
                        ),
                    });
                } else {
                    self.ids.insert(t.id.clone(), self.templates.len());
                    self.templates.push(Arc::new(*t));
                }
            }
            Outcome::Skipped { id, refusal } => self.skipped.push(Skipped {
                id,
                file: file.to_string(),
                source: source.label(),
                refusal,
            }),
            Outcome::Invalid { line, message } => self.errors.push(LoadError {
                file: file.to_string(),
                line,
                message,
            }),
        }
    }

    /// The templates a scan of `profile` runs with `selection`.
    pub fn select(&self, selection: &Selection, profile: Profile) -> Vec<Arc<Template>> {
        let chosen = !selection.tags.is_empty() || !selection.ids.is_empty();
        self.templates
            .iter()
            .filter(|t| {
                if chosen {
                    (selection.ids.is_empty() || selection.ids.iter().any(|id| glob(id, &t.id)))
                        && (selection.tags.is_empty()
                            || t.tags.iter().any(|tag| selection.has_tag(tag)))
                } else {
                    match profile {
                        Profile::Quick => false,
                        Profile::Standard => t.standard || matches!(t.source, Source::Private(_)),
                        Profile::Deep => true,
                    }
                }
            })
            .filter(|t| {
                !t.tags.iter().any(|tag| {
                    selection
                        .exclude_tags
                        .iter()
                        .any(|x| x.eq_ignore_ascii_case(tag))
                })
            })
            .filter(|t| {
                selection.severities.is_empty() || selection.severities.contains(&t.severity)
            })
            .cloned()
            .collect()
    }
}

/// Which templates a scan runs beyond its profile's: by tag, id (with `*` wildcards) and severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Selection {
    /// Run the templates with any of these tags (from every loaded library, community included).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Never run templates with any of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_tags: Vec<String>,
    /// Run the templates with these ids (`*` matches any text).
    #[serde(
        default,
        rename = "template_ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ids: Vec<String>,
    /// Run only templates of these severities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severities: Vec<Severity>,
}

impl Selection {
    /// True when nothing is selected or filtered.
    pub fn is_empty(&self) -> bool {
        *self == Selection::default()
    }

    /// True when tags or ids name templates to run (community ones included), whatever the profile.
    pub fn names_templates(&self) -> bool {
        !self.tags.is_empty() || !self.ids.is_empty()
    }

    fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t.eq_ignore_ascii_case(tag))
    }
}

/// True when `pattern` (with `*` for any text) matches `text`.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern.eq_ignore_ascii_case(text);
    }
    let (text, lower) = (text.to_ascii_lowercase(), pattern.to_ascii_lowercase());
    let parts: Vec<&str> = lower.split('*').collect();
    let mut rest = text.as_str();
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else {
                return false;
            };
            rest = &rest[at + part.len()..];
        }
    }
    true
}

/// True for YAML that has a top-level `id:` and `info:` (a template, not a workflow file of CI or a profile).
fn looks_like_template(text: &str) -> bool {
    let top = |key: &str| text.lines().any(|l| l.starts_with(key));
    top("id:") && top("info:")
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() && !hidden {
                stack.push(path);
            } else if kind.is_file() && path.extension().is_some_and(|e| e == "yaml" || e == "yml")
            {
                files.push(path);
            }
            if files.len() > MAX_FILES {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_ids() {
        assert!(glob("jupyter-*", "jupyter-notebook-unauth"));
        assert!(glob("*-panel", "jenkins-panel"));
        assert!(glob("a*c*e", "abcde"));
        assert!(!glob("jupyter-*", "jenkins-panel"));
        assert!(glob("Exact-Id", "exact-id"));
    }
}
