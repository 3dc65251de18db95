//! SARIF 2.1.0, as GitHub code scanning and other SARIF viewers take it: one rule per check id that found something
//! (help text, `security-severity`, tags), one result per open finding with a stable `partialFingerprints` entry.
//!
//! Code scanning accepts only repository-relative paths as locations (a URL fails the upload with "unrecognized
//! SARIF location URI scheme"), so a finding's location becomes `host/path` (a port as `_8443`, no query), and the
//! full location goes to the result's properties and message.

use super::ReportData;
use crate::engine::registry;
use crate::model::{Finding, Severity};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The `security-severity` GitHub reads to rank alerts (critical 9.0–10, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9).
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.4",
        Severity::High => "8.0",
        Severity::Medium => "5.0",
        Severity::Low => "2.0",
        Severity::Info => "1.0",
    }
}

/// The SARIF level of a severity.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The SARIF log of a report.
pub fn render(data: &ReportData) -> String {
    serde_json::to_string_pretty(&log(data)).expect("SARIF serialises") + "\n"
}

/// The SARIF log as JSON.
pub fn log(data: &ReportData) -> Value {
    // Rules in first-seen order (findings come worst first), each at the worst severity it was found at.
    let mut order: Vec<&str> = Vec::new();
    let mut worst: BTreeMap<&str, Severity> = BTreeMap::new();
    for f in &data.findings {
        let w = worst.entry(&f.check_id).or_insert(f.severity);
        if *w == f.severity && !order.contains(&f.check_id.as_str()) {
            order.push(&f.check_id);
        }
        *w = (*w).max(f.severity);
    }
    let rules: Vec<Value> = order.iter().map(|id| rule(id, worst[id], data)).collect();
    let results: Vec<Value> = data
        .findings
        .iter()
        .map(|f| result(f, order.iter().position(|id| *id == f.check_id), data))
        .collect();
    let scan = &data.scan;
    let hosts: Vec<&str> = scan.targets.iter().map(ReportData::target_name).collect();
    let mut invocation = json!({
        "executionSuccessful": scan.status == crate::model::ScanStatus::Completed,
        "startTimeUtc": scan.started_at.as_deref().unwrap_or(&scan.created_at),
    });
    if let Some(end) = &scan.finished_at {
        invocation["endTimeUtc"] = json!(end);
    }
    if let Some(reason) = data.partial() {
        invocation["toolExecutionNotifications"] = json!([{ "level": "warning", "message": { "text": format!("Partial report: {reason}.") } }]);
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "Palisade",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/palisade-scanner/palisade",
                "rules": rules,
            }},
            "automationDetails": { "id": format!("palisade/{}/{}", hosts.join("+"), scan.id) },
            "invocations": [invocation],
            "results": results,
            "properties": { "scan_id": scan.id, "profile": scan.profile.as_str() },
        }],
    })
}

fn rule(id: &str, worst: Severity, data: &ReportData) -> Value {
    let finding = data
        .findings
        .iter()
        .find(|f| f.check_id == id)
        .expect("a rule comes from a finding");
    let known = registry::rule(id);
    let title = known.map_or(finding.title.as_str(), |r| r.title);
    let description = known.map_or(finding.description.as_str(), |r| r.description);
    let remediation = known.map_or(finding.remediation.as_str(), |r| r.remediation);
    let references: Vec<String> = known.map_or_else(
        || finding.references.clone(),
        |r| r.references.iter().map(|s| s.to_string()).collect(),
    );
    let mut markdown = format!("{description}\n\n**How to fix:** {remediation}\n");
    for r in &references {
        markdown.push_str(&format!("\n- <{r}>"));
    }
    let mut tags = vec![
        "security".to_string(),
        finding.category.as_str().to_string(),
        finding.module.as_str().to_string(),
    ];
    if let Some(cwe) = finding.cwe {
        tags.push(format!("external/cwe/cwe-{cwe}"));
    }
    // The schema wants unique tags; the category and the module are often the same word.
    tags.dedup();
    let mut rule = json!({
        "id": id,
        "name": camel(id),
        "shortDescription": { "text": title },
        "fullDescription": { "text": description },
        "help": { "text": format!("{description}\n\nHow to fix: {remediation}"), "markdown": markdown },
        "defaultConfiguration": { "level": level(worst) },
        "properties": {
            "tags": tags,
            "precision": "high",
            "security-severity": security_severity(worst),
        },
    });
    if let Some(first) = references.first() {
        rule["helpUri"] = json!(first);
    }
    rule
}

fn result(f: &Finding, rule_index: Option<usize>, data: &ReportData) -> Value {
    let url = data.target_of(f).map(|t| t.url.as_str()).unwrap_or("");
    let mut properties = json!({
        "severity": f.severity.as_str(),
        "confidence": f.confidence.as_str(),
        "status": f.status.as_str(),
        "location": f.location,
        "target_url": url,
    });
    if let Some(e) = &f.evidence {
        properties["evidence"] = json!(e);
    }
    if !f.cve.is_empty() {
        properties["cve"] = json!(f.cve);
        properties["kev"] = json!(f.kev);
    }
    json!({
        "ruleId": f.check_id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": format!("{} ({})", super::one_line(&f.title), super::one_line(&f.location)) },
        "locations": [{
            // A web finding has no line; the whole-artifact region keeps viewers and validators (SARIF2017) content.
            "physicalLocation": {
                "artifactLocation": { "uri": artifact_uri(&f.location) },
                "region": { "startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1 },
            },
        }],
        "partialFingerprints": { "palisade/v1": f.fingerprint },
        "properties": properties,
    })
}

/// A repository-relative path naming where a finding is: `host/path` of its URL (a port as `_port`, no query or
/// fragment), or the host of a `host:port` location.
pub fn artifact_uri(location: &str) -> String {
    let first = location.split_whitespace().next().unwrap_or("");
    let (host, port, path) = match url::Url::parse(first) {
        Ok(u) if u.host_str().is_some() => (
            u.host_str()
                .unwrap_or("")
                .trim_matches(['[', ']'])
                .to_string(),
            u.port(),
            u.path().trim_end_matches('/').to_string(),
        ),
        _ => {
            let (host, port) = match first.rsplit_once(':') {
                Some((h, p)) if p.parse::<u16>().is_ok() => (h, p.parse().ok()),
                _ => (first, None),
            };
            (
                host.trim_matches(['[', ']']).to_string(),
                port,
                String::new(),
            )
        }
    };
    let port = port.map(|p| format!("_{p}")).unwrap_or_default();
    let uri = format!("{}{port}{path}", host.replace(':', "_"));
    if uri.is_empty() {
        "unknown".to_string()
    } else {
        uri
    }
}

/// `headers.csp-missing` -> `HeadersCspMissing`.
fn camel(id: &str) -> String {
    id.split(['.', '-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |first| {
                first.to_ascii_uppercase().to_string() + c.as_str()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_become_repository_relative_paths() {
        assert_eq!(artifact_uri("https://shop.test/.env"), "shop.test/.env");
        assert_eq!(
            artifact_uri("https://shop.test:8443/a/b?x=1"),
            "shop.test_8443/a/b"
        );
        assert_eq!(artifact_uri("https://shop.test/"), "shop.test");
        assert_eq!(artifact_uri("shop.test:443"), "shop.test_443");
        assert_eq!(
            artifact_uri("https://shop.test/ (not-found page)"),
            "shop.test"
        );
        assert_eq!(
            artifact_uri("https://[2001:db8::1]:8443/x"),
            "2001_db8__1_8443/x"
        );
        assert_eq!(camel("headers.csp-missing"), "HeadersCspMissing");
    }
}
