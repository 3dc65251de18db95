//! The retire.js repository: libraries by name, each with `vulnerabilities` (`atOrAbove`, `below`, `severity`,
//! `identifiers{CVE[], githubID, summary}`) and `extractors` (`filename`, `uri`, `filecontent`,
//! `filecontentreplace` patterns with a `§§version§§` placeholder; `func`, `ast` and `hashes`, which palisade does
//! not use). JavaScript patterns the `regex` crate cannot compile are skipped and counted with the reason.

use super::{FeedKind, ImportError, ImportReport, Parsed, one_line};
use crate::advisories::extract::{Extractor, ExtractorSpec, On};
use crate::advisories::{Advisory, ImportedLibrary, Range, Record, Version};
use crate::model::Severity;
use serde_json::Value;

/// retire.js's version placeholder.
const PLACEHOLDER: &str = "§§version§§";

/// Entries of the repository that are not libraries.
const NOT_LIBRARIES: &[(&str, &str)] = &[
    ("retire-example", "retire.js's example entry"),
    ("dont check", "retire.js's list of URLs it does not check"),
];

pub(super) fn parse(value: &Value) -> Result<Parsed, ImportError> {
    let obj = value.as_object().ok_or_else(|| ImportError::Invalid {
        kind: FeedKind::Retirejs,
        reason: "its top level is not an object of libraries".into(),
    })?;
    let mut report = ImportReport::default();
    let mut records = Vec::new();
    for (name, lib) in obj {
        if let Some((_, why)) = NOT_LIBRARIES.iter().find(|(n, _)| n == name) {
            report.skip(*why, 1);
            continue;
        }
        if !lib.is_object() {
            report.skip("entries that are not library objects", 1);
            continue;
        }
        let library = read_library(name, lib, &mut report);
        report.load("libraries", 1);
        report.load("advisories", library.advisories.len());
        report.load("detection patterns", library.extractors.len());
        records.push((name.clone(), Record::Library(library)));
    }
    if records.is_empty() {
        return Err(ImportError::Invalid {
            kind: FeedKind::Retirejs,
            reason: "it lists no libraries".into(),
        });
    }
    Ok(Parsed {
        kind: FeedKind::Retirejs,
        version: None,
        records,
        report,
    })
}

fn read_library(name: &str, lib: &Value, report: &mut ImportReport) -> ImportedLibrary {
    let mut advisories = Vec::new();
    let vulns = lib.get("vulnerabilities").and_then(Value::as_array);
    for v in vulns.into_iter().flatten() {
        match read_vulnerability(v) {
            Ok(a) => advisories.push(a),
            Err(why) => report.skip(why, 1),
        }
    }
    let npm = lib
        .get("npmname")
        .and_then(Value::as_str)
        .map(str::to_string);
    ImportedLibrary {
        name: name.to_string(),
        npm,
        advisories,
        extractors: read_extractors(name, lib.get("extractors"), report),
    }
}

fn read_vulnerability(v: &Value) -> Result<Advisory, String> {
    let bound = |key: &str| -> Result<Option<Version>, String> {
        match v.get(key).and_then(Value::as_str).map(str::trim) {
            None | Some("") | Some("0") => Ok(None),
            Some(text) => Version::parse(text)
                .map(Some)
                .ok_or_else(|| "vulnerabilities with a version palisade cannot read".to_string()),
        }
    };
    let range = Range {
        introduced: bound("atOrAbove")?,
        fixed: bound("below")?,
        last_affected: None,
    };
    if range.fixed.is_none() && v.get("below").is_none() {
        return Err("vulnerabilities without an upper bound (below)".into());
    }
    let severity = v
        .get("severity")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Severity>().ok())
        .ok_or("vulnerabilities without a known severity")?;
    let ids_obj = v.get("identifiers");
    let mut ids: Vec<String> = ids_obj
        .and_then(|i| i.get("CVE"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(gh) = ids_obj
        .and_then(|i| i.get("githubID"))
        .and_then(Value::as_str)
    {
        ids.push(gh.trim().to_string());
    }
    let summary = ids_obj
        .and_then(|i| i.get("summary"))
        .and_then(Value::as_str)
        .map(one_line)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "a vulnerability listed by retire.js".to_string());
    Ok(Advisory {
        ids,
        severity,
        summary,
        ranges: vec![range],
        condition: None,
        source: "retire.js".into(),
    })
}

fn read_extractors(
    name: &str,
    ex: Option<&Value>,
    report: &mut ImportReport,
) -> Vec<ExtractorSpec> {
    let Some(ex) = ex.and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (kind, patterns) in ex {
        let list: Vec<&str> = patterns
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let on = match kind.as_str() {
            "filename" => On::Filename,
            "uri" => On::Url,
            "filecontent" | "filecontentreplace" => On::Content,
            "func" => {
                report.skip(
                    "func extractors (they need a JavaScript runtime)",
                    list.len(),
                );
                continue;
            }
            "ast" => {
                report.skip("ast extractors (they need a JavaScript parser)", list.len());
                continue;
            }
            "hashes" => {
                let n = patterns.as_object().map_or(0, |h| h.len());
                report.skip("file hashes (palisade does not hash scripts)", n);
                continue;
            }
            other => {
                report.skip(
                    format!("{other} extractors (unknown kind)"),
                    list.len().max(1),
                );
                continue;
            }
        };
        for pattern in list {
            let spec = if kind == "filecontentreplace" {
                match split_replace(pattern) {
                    Some((re, replace)) => {
                        ExtractorSpec::with_placeholder(on, &re, PLACEHOLDER, Some(replace))
                    }
                    None => {
                        report.skip(
                            "filecontentreplace patterns not written as /regex/replacement/",
                            1,
                        );
                        continue;
                    }
                }
            } else {
                ExtractorSpec::with_placeholder(on, pattern, PLACEHOLDER, None)
            };
            match Extractor::compile(name, &spec, "retire.js") {
                Ok(_) => out.push(spec),
                Err(why) => report.skip(format!("{kind} patterns with {why}"), 1),
            }
        }
    }
    out
}

/// `/regex/$1.$2/` into the regex and a replacement template (`${1}.${2}`).
fn split_replace(text: &str) -> Option<(String, String)> {
    let inner = text.strip_prefix('/')?.strip_suffix('/')?;
    let (re, replace) = inner.rsplit_once('/')?;
    let mut template = String::new();
    let mut chars = replace.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            let mut n = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                n.push(*d);
                chars.next();
            }
            template.push_str(&format!("${{{n}}}"));
        } else {
            template.push(c);
        }
    }
    Some((re.to_string(), template))
}
