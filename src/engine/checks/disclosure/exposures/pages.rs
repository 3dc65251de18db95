//! Verifiers for status and diagnostics pages and documents: Apache server-status/server-info, nginx stub_status,
//! phpinfo(), Spring Boot Actuator, OpenAPI/Swagger.

use super::super::looks_like_html;
use super::Proof;
use crate::engine::net::HttpResponse;
use crate::model::Severity;
use serde_json::Value;

pub(super) fn apache_status(resp: &HttpResponse) -> Option<Proof> {
    regex!(VERSION, r"Server Version:\s*([^<\n]{1,100})");
    let text = resp.text();
    let title =
        text.contains("Apache Server Status for") || text.contains("<title>Apache Status</title>");
    let content = [
        "Server Version:",
        "Server uptime:",
        "Total accesses:",
        "Scoreboard",
    ]
    .iter()
    .any(|m| text.contains(m));
    (title && content).then(|| {
        let version = VERSION
            .captures(&text)
            .map(|c| format!("; Server Version: {}", c[1].trim()))
            .unwrap_or_default();
        Proof::new(format!("Apache mod_status page{version}"))
    })
}

pub(super) fn apache_info(resp: &HttpResponse) -> Option<Proof> {
    let text = resp.text();
    (text.contains("Apache Server Information")
        && (text.contains("Server Settings") || text.contains("Module Name:")))
    .then(|| Proof::new("Apache mod_info page with the server's modules and configuration"))
}

/// nginx stub_status: only traffic counters, so less than Apache's page (low).
pub(super) fn nginx_status(resp: &HttpResponse) -> Option<Proof> {
    regex!(
        STUB,
        r"^Active connections:\s*\d+\s*\n\s*server accepts handled requests\s*\n\s*\d+\s+\d+\s+\d+"
    );
    let text = resp.text();
    let text = text.trim_start();
    STUB.is_match(text).then(|| {
        let first = text.lines().next().unwrap_or("").trim();
        Proof::new(format!("nginx stub_status counters (\"{first}\")")).severity(Severity::Low)
    })
}

pub(super) fn phpinfo(resp: &HttpResponse) -> Option<Proof> {
    regex!(
        VERSION,
        r"PHP Version\s*(?:</[^>]+>\s*<[^>]+>\s*)?([0-9][\w.+-]*)"
    );
    regex!(SYSTEM, r#"System\s*</td>\s*<td class="v">([^<]{1,120})"#);
    let text = resp.text();
    let title = text.contains("phpinfo()</title>");
    let table = text.contains("PHP Version")
        && ["PHP License", "Zend Engine", "<td class=\"e\">"]
            .iter()
            .any(|m| text.contains(m));
    if !title && !table {
        return None;
    }
    let mut evidence = String::from("phpinfo() output");
    if let Some(v) = VERSION.captures(&text) {
        evidence += &format!("; PHP Version {}", &v[1]);
    }
    if let Some(s) = SYSTEM.captures(&text) {
        evidence += &format!("; System: {}", s[1].trim());
    }
    Some(Proof::new(evidence))
}

/// Actuator endpoints by what they leak: heap dumps and others' requests are critical, config high, maps medium.
fn actuator_severity(endpoint: &str) -> Option<Severity> {
    match endpoint {
        "heapdump" | "httptrace" | "httpexchanges" | "jolokia" | "gateway" => {
            Some(Severity::Critical)
        }
        "env" | "logfile" | "sessions" | "threaddump" | "shutdown" => Some(Severity::High),
        "configprops" | "mappings" | "beans" | "conditions" | "auditevents" | "loggers"
        | "scheduledtasks" | "flyway" | "liquibase" | "quartz" => Some(Severity::Medium),
        _ => None,
    }
}

fn json(resp: &HttpResponse) -> Option<Value> {
    let text = resp.text();
    let text = text.trim_start().trim_start_matches(")]}'").trim_start();
    if !text.starts_with('{') {
        return None;
    }
    serde_json::from_str(text).ok()
}

/// The actuator index: reported only when it links sensitive endpoints (health and info alone are fine).
pub(super) fn actuator_index(resp: &HttpResponse) -> Option<Proof> {
    let doc = json(resp)?;
    let links = doc.get("_links")?.as_object()?;
    links.get("self")?;
    let mut sensitive: Vec<(&str, Severity)> = links
        .keys()
        .filter_map(|k| actuator_severity(k).map(|s| (k.as_str(), s)))
        .collect();
    sensitive.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let worst = sensitive.first()?.1;
    let names: Vec<&str> = sensitive.iter().map(|(k, _)| *k).collect();
    Some(Proof::new(format!("the index links {}", names.join(", "))).severity(worst))
}

/// `/actuator/env` answering with the application's property sources.
pub(super) fn actuator_env(resp: &HttpResponse) -> Option<Proof> {
    let doc = json(resp)?;
    let sources = doc.get("propertySources")?.as_array()?;
    doc.get("activeProfiles")?;
    let names: Vec<&str> = sources
        .iter()
        .filter_map(|s| s.get("name")?.as_str())
        .take(4)
        .collect();
    Some(Proof::new(format!(
        "{} property sources ({})",
        sources.len(),
        names.join(", ")
    )))
}

/// Spring Boot 1's `/env`.
pub(super) fn boot1_env(resp: &HttpResponse) -> Option<Proof> {
    let doc = json(resp)?;
    doc.get("profiles")?.as_array()?;
    let env = doc
        .get("systemEnvironment")
        .or_else(|| doc.get("systemProperties"))?;
    let count = env.as_object()?.len();
    Some(
        Proof::new(format!(
            "Spring Boot 1 environment with {count} system entries"
        ))
        .severity(Severity::High),
    )
}

pub(super) fn openapi(resp: &HttpResponse) -> Option<Proof> {
    let text = resp.text();
    if looks_like_html(&text) {
        return None;
    }
    let doc = match json(resp) {
        Some(doc) => doc,
        None if resp.truncated => return openapi_text(&text),
        None => return None,
    };
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .map(|v| format!("OpenAPI {v}"))
        .or_else(|| {
            doc.get("swagger")
                .and_then(Value::as_str)
                .map(|v| format!("Swagger {v}"))
        })?;
    let paths = doc.get("paths")?.as_object()?.len();
    let title = doc
        .pointer("/info/title")
        .and_then(Value::as_str)
        .map(|t| format!(" \"{}\"", crate::engine::context::truncate(t, 60)))
        .unwrap_or_default();
    Some(Proof::new(format!(
        "{version} document{title} with {paths} paths"
    )))
}

/// A document too large to parse within the cap: its opening still says what it is.
fn openapi_text(text: &str) -> Option<Proof> {
    regex!(VERSION, r#""(openapi|swagger)"\s*:\s*"(\d[\d.]*)""#);
    let v = VERSION.captures(text)?;
    text.contains("\"paths\"")
        .then(|| Proof::new(format!("{} {} document (large)", &v[1], &v[2])))
}

pub(super) fn openapi_yaml(resp: &HttpResponse) -> Option<Proof> {
    regex!(VERSION, r#"(?m)^(openapi|swagger):\s*["']?(\d[\d.]*)"#);
    regex!(PATHS, r"(?m)^paths:\s*$");
    let text = resp.text();
    let v = VERSION.captures(&text)?;
    (PATHS.is_match(&text) && !looks_like_html(&text))
        .then(|| Proof::new(format!("{} {} document (YAML)", &v[1], &v[2])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(body: &str) -> HttpResponse {
        HttpResponse::sample(200, body.to_string())
    }

    #[test]
    fn actuator_needs_sensitive_endpoints() {
        let healthy = r#"{"_links":{"self":{"href":"/actuator"},"health":{"href":"/actuator/health"},"info":{"href":"/actuator/info"}}}"#;
        assert!(actuator_index(&resp(healthy)).is_none());
        let open = r#"{"_links":{"self":{"href":"/actuator"},"env":{"href":"/actuator/env"},"heapdump":{"href":"/actuator/heapdump"},"health":{"href":"/h"}}}"#;
        let proof = actuator_index(&resp(open)).unwrap();
        assert_eq!(proof.severity, Some(Severity::Critical));
        assert_eq!(proof.evidence, "the index links heapdump, env");
        let env = r#"{"activeProfiles":["prod"],"propertySources":[{"name":"server.ports","properties":{}}]}"#;
        assert!(actuator_env(&resp(env)).is_some());
        assert!(actuator_env(&resp(r#"{"status":"UP"}"#)).is_none());
    }

    #[test]
    fn status_pages() {
        assert!(nginx_status(&resp("Active connections: 2 \nserver accepts handled requests\n 10 10 20 \nReading: 0 Writing: 1 Waiting: 1 \n")).is_some());
        assert!(nginx_status(&resp("<html>Active connections: 2</html>")).is_none());
        assert!(
            phpinfo(&resp(
                "<title>PHP 8.2.1 - phpinfo()</title><h1 class=\"p\">PHP Version 8.2.1</h1>"
            ))
            .unwrap()
            .evidence
            .contains("8.2.1")
        );
        assert!(phpinfo(&resp("<p>Our servers run PHP Version 8</p>")).is_none());
    }

    #[test]
    fn openapi_documents() {
        let doc = r#"{"openapi":"3.0.1","info":{"title":"Shop","version":"1"},"paths":{"/a":{},"/b":{}}}"#;
        assert_eq!(
            openapi(&resp(doc)).unwrap().evidence,
            "OpenAPI 3.0.1 document \"Shop\" with 2 paths"
        );
        assert!(openapi(&resp(r#"{"openapi":"3.0.1"}"#)).is_none());
        assert!(
            openapi_yaml(&resp(
                "openapi: 3.1.0\ninfo:\n  title: x\npaths:\n  /a: {}\n"
            ))
            .is_some()
        );
    }
}
