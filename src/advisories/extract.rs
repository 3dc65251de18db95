//! Recognising a library and its version from a script's URL, file name or content: patterns whose first group
//! (or a replacement template such as `$1.$2.$3`) is the version.

use regex::bytes::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

/// The pattern a version placeholder stands for: a digit, then digits, letters, dots, dashes and underscores
/// (trimmed afterwards of `.min` and similar file-name words).
pub const VERSION_PATTERN: &str = r"[0-9][0-9a-zA-Z._\-]*";

/// The placeholder bundled patterns write for the version.
pub const PLACEHOLDER: &str = "{version}";

/// Compiled size a pattern may take; larger ones (long bounded repetitions) are refused rather than slowing scans.
const SIZE_LIMIT: usize = 2 * 1024 * 1024;

// Patterns run over bytes with Unicode classes off: `.`, `\w` and `[\s\S]` are byte classes, so a pattern such as
// `[\s\S]{0,5000}` compiles in microseconds instead of building a Unicode automaton of megabytes. Versions and the
// words around them are ASCII, and JavaScript's own `\w` and `\d` are ASCII too.

/// What a pattern is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum On {
    /// The whole script URL.
    Url,
    /// The last segment of the URL's path.
    Filename,
    /// The script's text.
    Content,
}

/// A pattern as written or stored, before compiling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractorSpec {
    pub on: On,
    /// A regular expression in the `regex` crate's syntax whose group 1 is the version.
    pub pattern: String,
    /// A template (`$1.$2.$3`) building the version from several groups, instead of group 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replace: Option<String>,
}

impl ExtractorSpec {
    /// A spec from a pattern that writes `placeholder` where the version goes.
    pub fn with_placeholder(
        on: On,
        pattern: &str,
        placeholder: &str,
        replace: Option<String>,
    ) -> ExtractorSpec {
        ExtractorSpec {
            on,
            pattern: pattern.replace(placeholder, VERSION_PATTERN),
            replace,
        }
    }
}

/// An extractor for one component. Its pattern is compiled on first use: building the automata of every pattern
/// took half the instructions of a quick scan, which never uses them.
#[derive(Debug, Clone)]
pub struct Extractor {
    pub component: String,
    pub on: On,
    /// `bundled` or the feed it was imported from.
    pub source: &'static str,
    pattern: String,
    regex: std::sync::OnceLock<Option<Regex>>,
    replace: Option<String>,
}

/// A version found, and the text it was found in (for evidence).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub version: String,
    pub matched: String,
}

fn build(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(SIZE_LIMIT)
        .build()
}

impl Extractor {
    /// Compiles `spec` now; the error says why the `regex` crate refused it (importers use this to report what
    /// they skip).
    pub fn compile(
        component: &str,
        spec: &ExtractorSpec,
        source: &'static str,
    ) -> Result<Extractor, String> {
        let regex = build(&spec.pattern).map_err(|e| refusal(&e))?;
        if spec.replace.is_none() && regex.captures_len() < 2 {
            return Err("no group for the version".into());
        }
        Ok(Extractor {
            component: component.to_string(),
            on: spec.on,
            source,
            pattern: spec.pattern.clone(),
            regex: std::sync::OnceLock::from(Some(regex)),
            replace: spec.replace.clone(),
        })
    }

    /// Checks `spec`'s syntax and groups now (microseconds) and compiles it on first use. For patterns that
    /// [`Extractor::compile`] accepted before (bundled ones are tested, imported ones were compiled at import); one
    /// that still fails to compile then matches nothing and is logged.
    pub fn deferred(
        component: &str,
        spec: &ExtractorSpec,
        source: &'static str,
    ) -> Result<Extractor, String> {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(&spec.pattern)
            .map_err(|e| format!("syntax the regex crate rejects ({e})"))?;
        if spec.replace.is_none() && hir.properties().explicit_captures_len() < 1 {
            return Err("no group for the version".into());
        }
        Ok(Extractor {
            component: component.to_string(),
            on: spec.on,
            source,
            pattern: spec.pattern.clone(),
            regex: std::sync::OnceLock::new(),
            replace: spec.replace.clone(),
        })
    }

    fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| match build(&self.pattern) {
                Ok(regex) => Some(regex),
                Err(e) => {
                    tracing::warn!(component = %self.component, reason = %refusal(&e), "version pattern skipped");
                    None
                }
            })
            .as_ref()
    }

    /// The version in `text`, if the pattern matches and yields one.
    pub fn find(&self, text: &str) -> Option<Found> {
        let caps = self.regex()?.captures(text.as_bytes())?;
        let raw = match &self.replace {
            Some(template) => {
                let mut out = Vec::new();
                caps.expand(template.as_bytes(), &mut out);
                out
            }
            None => caps.get(1)?.as_bytes().to_vec(),
        };
        let version = clean_version(&String::from_utf8_lossy(&raw))?;
        let whole = String::from_utf8_lossy(caps.get(0).map_or(&[][..], |m| m.as_bytes()));
        Some(Found {
            version,
            matched: crate::engine::context::truncate(whole.trim(), 100),
        })
    }
}

/// Why a pattern cannot be used here, as a noun phrase a report can count (`look-around (...)`).
pub fn refusal(e: &regex::Error) -> String {
    let text = e.to_string();
    if text.contains("look-around") {
        "look-around (the regex crate does not support it)".into()
    } else if text.contains("backreference") {
        "back-references (the regex crate does not support them)".into()
    } else if matches!(e, regex::Error::CompiledTooBig(_)) {
        "a compiled size over the limit (long bounded repetitions)".into()
    } else {
        let first = text
            .lines()
            .rev()
            .find(|l| l.starts_with("error:"))
            .unwrap_or("invalid syntax");
        format!(
            "syntax the regex crate rejects ({})",
            first.trim_start_matches("error: ")
        )
    }
}

/// Words that follow a version in file names without being part of it.
const FILE_WORDS: &[&str] = &[
    "min",
    "slim",
    "js",
    "pack",
    "prod",
    "production",
    "dev",
    "debug",
    "umd",
    "esm",
    "bundle",
    "full",
    "custom",
    "core",
    "all",
];

/// A captured version without file-name words (`3.4.1.min` gives `3.4.1`); `None` if nothing version-like
/// remains.
pub fn clean_version(raw: &str) -> Option<String> {
    let mut v = raw.trim().trim_matches(|c| c == '"' || c == '\'');
    loop {
        let before = v;
        v = v.trim_end_matches(['.', '-', '_']);
        for word in FILE_WORDS {
            for sep in ['.', '-'] {
                if let Some(rest) = v.strip_suffix(word).and_then(|r| r.strip_suffix(sep)) {
                    v = rest;
                }
            }
        }
        if v == before {
            break;
        }
    }
    let ok = v.starts_with(|c: char| c.is_ascii_digit()) && v.len() <= 32;
    ok.then(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(on: On, p: &str) -> ExtractorSpec {
        ExtractorSpec::with_placeholder(on, p, PLACEHOLDER, None)
    }

    #[test]
    fn file_words_are_not_part_of_the_version() {
        assert_eq!(clean_version("3.4.1.min").as_deref(), Some("3.4.1"));
        assert_eq!(clean_version("3.4.1.slim.min").as_deref(), Some("3.4.1"));
        assert_eq!(clean_version("1.9.0b1").as_deref(), Some("1.9.0b1"));
        assert_eq!(clean_version("3.0.0-rc.1").as_deref(), Some("3.0.0-rc.1"));
        assert_eq!(clean_version("min"), None);
    }

    #[test]
    fn a_pattern_finds_the_version_and_keeps_the_match() {
        let x = Extractor::compile(
            "jquery",
            &spec(On::Filename, r"^jquery-({version})\.js$"),
            "bundled",
        )
        .unwrap();
        let found = x.find("jquery-1.12.4.min.js").unwrap();
        assert_eq!(found.version, "1.12.4");
        assert!(x.find("jquery-ui-1.12.1.js").is_none());
        let dojo = ExtractorSpec {
            on: On::Content,
            pattern: r"major:\s*(\d+),\s*minor:\s*(\d+),\s*patch:\s*(\d+)".into(),
            replace: Some("$1.$2.$3".into()),
        };
        let x = Extractor::compile("dojo", &dojo, "bundled").unwrap();
        assert_eq!(
            x.find("version={major: 1, minor: 10, patch: 4}")
                .unwrap()
                .version,
            "1.10.4"
        );
    }

    #[test]
    fn patterns_the_regex_crate_refuses_say_why() {
        let look = Extractor::compile("x", &spec(On::Content, r"(?<=a)({version})"), "t");
        assert!(look.unwrap_err().contains("look-around"));
        let back = Extractor::compile("x", &spec(On::Content, r"(a)\1({version})"), "t");
        assert!(back.unwrap_err().contains("back-reference"));
        let none = Extractor::compile("x", &spec(On::Content, r"jquery"), "t");
        assert!(none.unwrap_err().contains("no group"));
    }
}
