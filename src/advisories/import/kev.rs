//! CISA's Known Exploited Vulnerabilities catalog: `{catalogVersion, dateReleased, count, vulnerabilities: [{cveID,
//! dateAdded, dueDate, vulnerabilityName, knownRansomwareCampaignUse, ...}]}`.

use super::{FeedKind, ImportError, ImportReport, Parsed};
use crate::advisories::{KevEntry, Record};
use serde_json::Value;

pub(super) fn parse(value: &Value) -> Result<Parsed, ImportError> {
    let invalid = |reason: &str| ImportError::Invalid {
        kind: FeedKind::Kev,
        reason: reason.to_string(),
    };
    let list = value
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("it has no \"vulnerabilities\" list"))?;
    let mut report = ImportReport::default();
    let mut records = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for item in list {
        let text = |key: &str| item.get(key).and_then(Value::as_str).map(str::trim);
        let Some(cve) = text("cveID").filter(|c| valid_cve(c)) else {
            report.skip("entries without a valid cveID", 1);
            continue;
        };
        let (Some(added), Some(due)) = (text("dateAdded"), text("dueDate")) else {
            report.skip("entries without dateAdded or dueDate", 1);
            continue;
        };
        if !seen.insert(cve.to_string()) {
            report.skip("duplicate cveID", 1);
            continue;
        }
        let entry = KevEntry {
            cve: cve.to_string(),
            date_added: added.to_string(),
            due_date: due.to_string(),
            name: text("vulnerabilityName").unwrap_or("").to_string(),
            ransomware: text("knownRansomwareCampaignUse") == Some("Known"),
        };
        records.push((cve.to_string(), Record::Kev(entry)));
    }
    if records.is_empty() && !list.is_empty() {
        return Err(invalid(
            "none of its entries has a valid cveID, dateAdded and dueDate",
        ));
    }
    report.load("KEV entries", records.len());
    if let Some(count) = value.get("count").and_then(Value::as_u64)
        && count as usize != list.len()
    {
        report.note(
            format!("the catalog says count {count} but lists {}", list.len()),
            1,
        );
    }
    Ok(Parsed {
        kind: FeedKind::Kev,
        version: value
            .get("catalogVersion")
            .and_then(Value::as_str)
            .map(str::to_string),
        records,
        report,
    })
}

/// `CVE-YYYY-NNNN...` as the catalog's schema requires.
pub(super) fn valid_cve(id: &str) -> bool {
    let mut parts = id.split('-');
    parts.next() == Some("CVE")
        && parts
            .next()
            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .next()
            .is_some_and(|n| (4..=19).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
        && parts.next().is_none()
}
