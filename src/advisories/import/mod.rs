//! Reading advisory feeds: the retire.js repository (`jsrepository*.json`), CISA's Known Exploited Vulnerabilities
//! catalog (JSON) and OSV records (one, an array, or `{"vulns": [...]}`), told apart by their content. Each becomes
//! stored records plus a report of what was loaded and what was skipped and why; nothing here touches the store.

mod kev;
mod osv;
mod retire;

use super::{Advisories, Record};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The feeds palisade reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedKind {
    /// The retire.js repository of JavaScript libraries.
    Retirejs,
    /// CISA's Known Exploited Vulnerabilities catalog.
    Kev,
    /// OSV records.
    Osv,
}

impl FeedKind {
    /// The name stored and shown in `db status`.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::Retirejs => "retirejs",
            FeedKind::Kev => "kev",
            FeedKind::Osv => "osv",
        }
    }

    /// The name people know it by.
    pub fn title(self) -> &'static str {
        match self {
            FeedKind::Retirejs => "retire.js repository",
            FeedKind::Kev => "CISA KEV catalog",
            FeedKind::Osv => "OSV records",
        }
    }

    /// True when an import replaces every record of the feed (a whole catalog); OSV imports add to and replace
    /// records by id instead, since OSV files usually hold a few records each.
    pub fn replaces_all(self) -> bool {
        self != FeedKind::Osv
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<FeedKind> {
        [FeedKind::Retirejs, FeedKind::Kev, FeedKind::Osv]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// What an import loaded and skipped.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ImportReport {
    /// Counts of what was loaded, by kind (`libraries`, `advisories`, `detection patterns`...).
    pub loaded: BTreeMap<String, usize>,
    /// Counts of what was skipped, by reason.
    pub skipped: BTreeMap<String, usize>,
    /// Other things worth knowing, counted.
    pub notes: BTreeMap<String, usize>,
}

impl ImportReport {
    fn load(&mut self, what: &str, n: usize) {
        *self.loaded.entry(what.to_string()).or_default() += n;
    }

    fn skip(&mut self, why: impl Into<String>, n: usize) {
        if n > 0 {
            *self.skipped.entry(why.into()).or_default() += n;
        }
    }

    fn note(&mut self, what: impl Into<String>, n: usize) {
        if n > 0 {
            *self.notes.entry(what.into()).or_default() += n;
        }
    }

    /// Everything skipped.
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }
}

/// A feed read from a file or download, ready to store.
#[derive(Debug)]
pub struct Parsed {
    pub kind: FeedKind,
    /// The feed's own version or date, when it states one.
    pub version: Option<String>,
    /// Records by key (unique within the feed).
    pub records: Vec<(String, Record)>,
    pub report: ImportReport,
}

/// Why a file cannot be imported; the message says what was wrong and what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    #[error(
        "it is not valid JSON ({reason} at line {line}, column {column}); download the feed again (a cut-off or \
         HTML error page is the usual cause)"
    )]
    NotJson {
        reason: String,
        line: usize,
        column: usize,
    },
    #[error(
        "it is not a feed palisade reads ({found}); give the retire.js repository (jsrepository-v4.json), CISA's \
         KEV catalog (known_exploited_vulnerabilities.json) or OSV JSON records"
    )]
    Unknown { found: String },
    #[error("it looks like the {} but {reason}; download it again from its source", kind.title())]
    Invalid { kind: FeedKind, reason: String },
}

/// Reads a feed, telling the format from the content; `known` is the database the import adds to (to count which
/// OSV packages palisade can detect).
pub fn parse(bytes: &[u8], known: &Advisories) -> Result<Parsed, ImportError> {
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(text).map_err(|e| ImportError::NotJson {
        reason: json_reason(&e),
        line: e.line(),
        column: e.column(),
    })?;
    match detect(&value) {
        Some(FeedKind::Kev) => kev::parse(&value),
        Some(FeedKind::Osv) => osv::parse(&value, known),
        Some(FeedKind::Retirejs) => retire::parse(&value),
        None => Err(ImportError::Unknown {
            found: describe(&value),
        }),
    }
}

/// Which feed a JSON document is.
fn detect(value: &Value) -> Option<FeedKind> {
    if osv::is_record(value)
        || value
            .as_array()
            .is_some_and(|a| a.iter().any(osv::is_record))
    {
        return Some(FeedKind::Osv);
    }
    let obj = value.as_object()?;
    if obj.get("vulns").and_then(Value::as_array).is_some() {
        return Some(FeedKind::Osv);
    }
    if obj.contains_key("catalogVersion")
        || obj
            .get("vulnerabilities")
            .and_then(Value::as_array)
            .is_some_and(|v| v.iter().any(|x| x.get("cveID").is_some()))
    {
        return Some(FeedKind::Kev);
    }
    let libraries = obj.values().filter(|v| {
        v.get("vulnerabilities").is_some_and(Value::is_array)
            || v.get("extractors").is_some_and(Value::is_object)
    });
    (libraries.count() > 0).then_some(FeedKind::Retirejs)
}

/// A few words on what a JSON document holds, for the "unknown format" message.
fn describe(value: &Value) -> String {
    match value {
        Value::Object(o) if o.is_empty() => "an empty object".into(),
        Value::Object(o) => {
            let keys: Vec<&str> = o.keys().take(5).map(String::as_str).collect();
            format!("an object with keys {}", keys.join(", "))
        }
        Value::Array(a) => format!("an array of {} items that are not OSV records", a.len()),
        Value::String(_) => "a string".into(),
        Value::Number(_) => "a number".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Null => "null".into(),
    }
}

fn json_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// One line of at most 200 characters.
fn one_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    crate::engine::context::truncate(line, 200)
}

#[cfg(test)]
mod tests;
