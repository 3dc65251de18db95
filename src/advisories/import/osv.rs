//! OSV records (<https://ossf.github.io/osv-schema/>): `id`, `aliases`, `summary`/`details`, `affected[]` with
//! `package{ecosystem, name}`, `ranges[]` of `events` (`introduced`, `fixed`, `last_affected`) and `versions[]`,
//! and a severity from `database_specific.severity` (GitHub's advisories) when the record gives one.

use super::{FeedKind, ImportError, ImportReport, Parsed, one_line};
use crate::advisories::{Advisories, OsvPackage, OsvRecord, Range, Record, Version};
use crate::model::Severity;
use serde_json::Value;

/// True for a JSON object that looks like one OSV record.
pub(super) fn is_record(v: &Value) -> bool {
    v.get("id").is_some_and(Value::is_string)
        && (v.get("affected").is_some_and(Value::is_array)
            || v.get("schema_version").is_some()
            || v.get("modified").is_some())
}

pub(super) fn parse(value: &Value, detectable: &Advisories) -> Result<Parsed, ImportError> {
    let items: Vec<&Value> = match value {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) if o.contains_key("vulns") => o["vulns"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        other => vec![other],
    };
    let mut report = ImportReport::default();
    let mut records = Vec::new();
    for item in items {
        if !is_record(item) {
            report.skip("items that are not OSV records", 1);
            continue;
        }
        if item.get("withdrawn").and_then(Value::as_str).is_some() {
            report.skip("withdrawn records", 1);
            continue;
        }
        let id = item["id"].as_str().unwrap_or_default().to_string();
        let packages = read_packages(item, &mut report);
        if packages.is_empty() {
            report.skip("records without a version range palisade can use", 1);
            continue;
        }
        let known = packages
            .iter()
            .filter(|p| detectable.resolves(&p.ecosystem, &p.name))
            .count();
        report.load("affected packages", packages.len());
        report.note("affected packages of components palisade detects", known);
        let severity = severity(item).unwrap_or_else(|| {
            report.note("records without a severity (taken as medium)", 1);
            Severity::Medium
        });
        let record = OsvRecord {
            ids: ids(&id, item),
            severity,
            summary: summary(&id, item),
            packages,
        };
        records.push((id, Record::Osv(record)));
    }
    if records.is_empty() {
        return Err(ImportError::Invalid {
            kind: FeedKind::Osv,
            reason: "none of its records has a package with a version range palisade can read"
                .into(),
        });
    }
    report.load("OSV records", records.len());
    Ok(Parsed {
        kind: FeedKind::Osv,
        version: None,
        records,
        report,
    })
}

/// CVE aliases first, then GHSA ids, then the record's own id.
fn ids(id: &str, item: &Value) -> Vec<String> {
    let mut all: Vec<String> = item
        .get("aliases")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    all.push(id.to_string());
    let rank = |s: &String| match s {
        s if s.starts_with("CVE-") => 0,
        s if s.starts_with("GHSA-") => 1,
        _ => 2,
    };
    all.sort_by_key(rank);
    all.dedup();
    all
}

fn summary(id: &str, item: &Value) -> String {
    ["summary", "details"]
        .iter()
        .filter_map(|k| item.get(*k).and_then(Value::as_str))
        .map(one_line)
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| format!("OSV record {id}"))
}

/// GitHub's rating (`LOW`, `MODERATE`, `HIGH`, `CRITICAL`) where the record carries it.
fn severity(item: &Value) -> Option<Severity> {
    let rating = item
        .pointer("/database_specific/severity")
        .or_else(|| item.pointer("/affected/0/database_specific/severity"))
        .or_else(|| item.pointer("/affected/0/ecosystem_specific/severity"))
        .and_then(Value::as_str)?;
    match rating.to_ascii_lowercase().as_str() {
        "moderate" => Some(Severity::Medium),
        other => other.parse().ok(),
    }
}

fn read_packages(item: &Value, report: &mut ImportReport) -> Vec<OsvPackage> {
    let mut out = Vec::new();
    let affected = item.get("affected").and_then(Value::as_array);
    for a in affected.into_iter().flatten() {
        let text = |p: &str| a.pointer(p).and_then(Value::as_str).map(str::to_string);
        let (Some(ecosystem), Some(name)) = (text("/package/ecosystem"), text("/package/name"))
        else {
            report.skip("affected entries without a package", 1);
            continue;
        };
        let mut ranges = Vec::new();
        for r in a
            .get("ranges")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match r.get("type").and_then(Value::as_str) {
                Some("SEMVER") | Some("ECOSYSTEM") => match events(r) {
                    Some(mut rs) => ranges.append(&mut rs),
                    None => report.skip("ranges with versions palisade cannot read", 1),
                },
                _ => report.skip("GIT ranges (commits, not versions)", 1),
            }
        }
        if ranges.is_empty() {
            for v in a
                .get("versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(v) = v.as_str().and_then(Version::parse) {
                    ranges.push(Range {
                        introduced: Some(v.clone()),
                        fixed: None,
                        last_affected: Some(v),
                    });
                }
            }
        }
        if !ranges.is_empty() {
            out.push(OsvPackage {
                ecosystem,
                name,
                ranges,
            });
        }
    }
    out
}

/// The ranges an OSV event list describes, in order: each `introduced` opens one, `fixed` or `last_affected` closes
/// it, an unclosed one stays open.
fn events(range: &Value) -> Option<Vec<Range>> {
    let mut out = Vec::new();
    let mut open: Option<Range> = None;
    for e in range.get("events")?.as_array()? {
        let version = |key: &str| e.get(key).and_then(Value::as_str);
        if let Some(v) = version("introduced") {
            if let Some(r) = open.take() {
                out.push(r);
            }
            let introduced = if v == "0" {
                None
            } else {
                Some(Version::parse(v)?)
            };
            open = Some(Range {
                introduced,
                ..Range::default()
            });
        } else if let Some(v) = version("fixed") {
            let mut r = open.take().unwrap_or_default();
            r.fixed = Some(Version::parse(v)?);
            out.push(r);
        } else if let Some(v) = version("last_affected") {
            let mut r = open.take().unwrap_or_default();
            r.last_affected = Some(Version::parse(v)?);
            out.push(r);
        }
    }
    out.extend(open);
    Some(out)
}
