//! From a template file's text to a [`Template`] the engine can run, or the reason it will not run (the read-only
//! rule) or cannot be read (a parse error with its line).

use super::dsl::{self, Expr};
use super::format::{RawRequest, RawTemplate, scalar};
use super::matchers::{build_extractor, build_matcher, runnable};
use super::model::*;
use super::safety::{self, Refusal, SkipKind};
use crate::model::{Category, Severity};
use std::collections::BTreeSet;

/// What reading one template file gave.
#[derive(Debug)]
pub enum Outcome {
    Ready(Box<Template>),
    Skipped {
        id: String,
        refusal: Refusal,
    },
    Invalid {
        line: Option<usize>,
        message: String,
    },
}

/// Variables every request has (the target's parts) and the random values a template may use.
pub const STANDARD_VARIABLES: &[&str] = &[
    "BaseURL", "RootURL", "Hostname", "Host", "Port", "Path", "File", "Scheme", "FQDN", "RDN",
    "DN", "TLD", "SD", "randstr", "ip",
];

/// Bytes a template file may have.
pub const MAX_TEMPLATE_BYTES: usize = 256 * 1024;
/// Requests one template may send to one host (paths times blocks).
pub const MAX_REQUESTS: usize = 64;

/// Reads a template file.
pub fn compile(text: &str, file: &str, source: Source) -> Outcome {
    if text.len() > MAX_TEMPLATE_BYTES {
        return invalid(
            None,
            format!("the file is larger than {MAX_TEMPLATE_BYTES} bytes"),
        );
    }
    let raw: RawTemplate = match serde_yaml_ng::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let line = e.location().map(|l| l.line());
            let message = e.to_string();
            return invalid(line, message);
        }
    };
    let id = raw.id.trim().to_string();
    if id.is_empty()
        || id.len() > 128
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return invalid(
            None,
            format!("the id '{id}' is not a plain name (letters, digits, '-', '_', '.')"),
        );
    }
    let skip = |refusal: Refusal| Outcome::Skipped {
        id: id.clone(),
        refusal,
    };
    if safety::out_of_band(text) {
        return skip(Refusal::new(SkipKind::OutOfBand, "uses interactsh"));
    }
    if let Some(refusal) = raw.other.keys().find_map(|k| safety::top_level(k)) {
        return skip(refusal);
    }
    if raw.http.is_empty() {
        return skip(Refusal::new(
            SkipKind::Empty,
            "the template has no http requests",
        ));
    }
    match build(raw, file, source) {
        Ok(t) => Outcome::Ready(Box::new(t)),
        Err(Fail::Skip(refusal)) => skip(refusal),
        Err(Fail::Invalid(message)) => invalid(None, message),
    }
}

fn invalid(line: Option<usize>, message: String) -> Outcome {
    Outcome::Invalid { line, message }
}

pub(super) enum Fail {
    Skip(Refusal),
    Invalid(String),
}

impl From<Refusal> for Fail {
    fn from(r: Refusal) -> Fail {
        Fail::Skip(r)
    }
}

pub(super) fn unsupported(detail: impl Into<String>) -> Fail {
    Fail::Skip(Refusal::new(SkipKind::Unsupported, detail))
}

fn build(raw: RawTemplate, file: &str, source: Source) -> Result<Template, Fail> {
    let info = raw.info;
    let severity = info
        .severity
        .as_deref()
        .map(|s| s.parse::<Severity>().unwrap_or(Severity::Info))
        .unwrap_or(Severity::Info);
    let tags = info
        .tags
        .split_commas()
        .into_iter()
        .map(|t| t.to_ascii_lowercase())
        .collect::<Vec<_>>();
    let class = info.classification.unwrap_or_default();
    let cwe = class.cwe_id.split_commas().iter().find_map(|c| {
        c.to_ascii_uppercase()
            .trim_start_matches("CWE-")
            .parse()
            .ok()
    });
    let cvss = class
        .cvss_score
        .as_ref()
        .and_then(scalar)
        .and_then(|s| s.parse::<f32>().ok());
    let cve = class
        .cve_id
        .split_commas()
        .into_iter()
        .map(|c| c.to_ascii_uppercase())
        .filter(|c| c.starts_with("CVE-"))
        .collect();
    let standard = info
        .metadata
        .get("palisade-profile")
        .and_then(scalar)
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("standard"));

    let mut variables = Vec::new();
    for (name, value) in raw.constants.iter().chain(raw.variables.iter()) {
        let text = scalar(value)
            .ok_or_else(|| unsupported(format!("variable `{name}` is not a plain value")))?;
        variables.push((name.clone(), text));
    }
    let mut known: BTreeSet<String> = STANDARD_VARIABLES.iter().map(|s| s.to_string()).collect();
    for (name, text) in &variables {
        check_placeholders(text, &known, &format!("variable `{name}`"))?;
        known.insert(name.clone());
    }

    let mut blocks = Vec::new();
    for request in raw.http {
        let block = build_block(request, &mut known)?;
        blocks.push(block);
    }
    let total: usize = blocks.iter().map(|b| b.requests.len()).sum();
    if total == 0 {
        return Err(Refusal::new(SkipKind::Empty, "no request has a path").into());
    }
    if total > MAX_REQUESTS {
        return Err(unsupported(format!(
            "{total} requests (at most {MAX_REQUESTS})"
        )));
    }
    Ok(Template {
        category: category_for(&tags),
        id: raw.id.trim().to_string(),
        file: file.to_string(),
        source,
        name: info
            .name
            .unwrap_or_else(|| raw.id.clone())
            .trim()
            .to_string(),
        authors: info.author.split_commas(),
        severity,
        description: info.description.unwrap_or_default().trim().to_string(),
        remediation: info.remediation.unwrap_or_default().trim().to_string(),
        references: info
            .reference
            .0
            .iter()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect(),
        tags,
        cve,
        cwe,
        cvss,
        standard,
        variables,
        blocks,
    })
}

fn build_block(raw: RawRequest, known: &mut BTreeSet<String>) -> Result<Block, Fail> {
    if let Some(refusal) = raw
        .other
        .iter()
        .find_map(|(k, v)| safety::request_key(k, v))
    {
        return Err(refusal.into());
    }
    if raw
        .body
        .as_ref()
        .and_then(scalar)
        .is_some_and(|b| !b.is_empty())
    {
        return Err(Refusal::new(SkipKind::Body, "the request has a body").into());
    }
    let method_text = raw.method.as_deref().unwrap_or("GET");
    let method = Method::parse(method_text).ok_or_else(|| {
        Refusal::new(
            SkipKind::Method,
            format!("{} request", method_text.to_ascii_uppercase()),
        )
    })?;
    let mut headers = Vec::new();
    for (name, value) in &raw.headers {
        let value = scalar(value).unwrap_or_default();
        check_placeholders(&value, known, &format!("header `{name}`"))?;
        headers.push((name.clone(), value));
    }
    let mut requests = Vec::new();
    for path in &raw.path.0 {
        check_placeholders(path, known, "path")?;
        requests.push(Request {
            method,
            target: path.trim().to_string(),
            headers: headers.clone(),
            random: random(path),
        });
    }
    for text in &raw.raw.0 {
        let mut request = parse_raw(text)?;
        check_placeholders(&request.target, known, "raw request")?;
        for (name, value) in &request.headers {
            check_placeholders(value, known, &format!("header `{name}`"))?;
        }
        let mut all = headers.clone();
        all.append(&mut request.headers);
        request.headers = all;
        requests.push(request);
    }
    let follow = match (raw.redirects || raw.host_redirects, raw.max_redirects) {
        (false, _) => Follow::No,
        (true, max) => Follow::SameHost(max.unwrap_or(10).min(10)),
    };
    let all_matchers = match raw.matchers_condition.as_deref().map(str::trim) {
        None | Some("or") | Some("") => false,
        Some("and") => true,
        Some(other) => {
            return Err(Fail::Invalid(format!(
                "matchers-condition '{other}' is not 'and' or 'or'"
            )));
        }
    };
    let matchers = raw
        .matchers
        .into_iter()
        .map(build_matcher)
        .collect::<Result<Vec<_>, _>>()?;
    let extractors = raw
        .extractors
        .into_iter()
        .map(build_extractor)
        .collect::<Result<Vec<_>, _>>()?;
    for e in &extractors {
        if let Some(name) = &e.name {
            known.insert(name.clone());
        }
    }
    Ok(Block {
        requests,
        follow,
        stop_at_first_match: raw.stop_at_first_match,
        all_matchers,
        matchers,
        extractors,
        req_condition: raw.req_condition,
    })
}

/// True for text built from a random value.
fn random(text: &str) -> bool {
    dsl::placeholders(text)
        .iter()
        .any(|p| p.contains("randstr") || p.contains("rand_"))
}

/// Refuses a placeholder that reads a variable no one sets (payload variables, an input list's fields).
fn check_placeholders(text: &str, known: &BTreeSet<String>, place: &str) -> Result<(), Fail> {
    for p in dsl::placeholders(text) {
        let expr =
            Expr::parse(&p).map_err(|e| unsupported(format!("{place}: `{{{{{p}}}}}`: {e}")))?;
        runnable(&expr)?;
        if let Some(name) = expr
            .variables()
            .into_iter()
            .find(|v| !known.iter().any(|k| k.eq_ignore_ascii_case(v)))
        {
            return Err(unsupported(format!(
                "{place} needs `{name}`, which only payloads or an input list set"
            )));
        }
    }
    Ok(())
}

/// Reads a raw request: its method, path and headers; it must have no body.
fn parse_raw(text: &str) -> Result<Request, Fail> {
    let text = text.replace("\r\n", "\n");
    let mut lines = text.lines().skip_while(|l| l.trim().is_empty()).peekable();
    while let Some(line) = lines.peek() {
        match line.trim_start().strip_prefix('@') {
            Some(a) if a.to_ascii_lowercase().starts_with("timeout") => {
                lines.next();
            }
            Some(a) => {
                return Err(unsupported(format!(
                    "raw annotation `@{}`",
                    a.split(':').next().unwrap_or(a)
                )));
            }
            None => break,
        }
    }
    let first = lines
        .next()
        .ok_or_else(|| Fail::Invalid("an empty raw request".into()))?;
    let mut parts = first.split_whitespace();
    let (method_text, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let method = Method::parse(method_text).ok_or_else(|| {
        Refusal::new(
            SkipKind::Method,
            format!("{} request", method_text.to_ascii_uppercase()),
        )
    })?;
    let mut headers = Vec::new();
    for line in lines.by_ref() {
        if line.trim().is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| Fail::Invalid(format!("raw header line '{line}'")))?;
        let name = name.trim();
        if name.eq_ignore_ascii_case("host") || name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    let body: String = lines.collect::<Vec<_>>().join("\n");
    if !body.trim().is_empty() {
        return Err(Refusal::new(SkipKind::Body, "the raw request has a body").into());
    }
    let target = if target.starts_with('/') {
        format!("{{{{BaseURL}}}}{target}")
    } else {
        target.to_string()
    };
    Ok(Request {
        method,
        random: random(&target),
        target,
        headers,
    })
}

/// The finding category a template's tags put it in.
pub fn category_for(tags: &[String]) -> Category {
    let has = |names: &[&str]| tags.iter().any(|t| names.contains(&t.as_str()));
    if has(&["ai", "llm", "ml", "mlops", "model", "vectordb", "mcp"]) {
        Category::AiSafety
    } else if has(&["secret", "secrets", "token", "keys", "credentials"]) {
        Category::Secrets
    } else if has(&["panel", "login", "auth", "default-login", "unauth"]) {
        Category::Auth
    } else if has(&["cve", "vuln", "outdated"]) {
        Category::Components
    } else if has(&["api", "swagger", "graphql", "openapi"]) {
        Category::Api
    } else if has(&[
        "cloud",
        "aws",
        "gcp",
        "azure",
        "s3",
        "kubernetes",
        "k8s",
        "docker",
    ]) {
        Category::Cloud
    } else if has(&["ssl", "tls"]) {
        Category::Tls
    } else if has(&["dns"]) {
        Category::Dns
    } else if has(&["headers", "cors"]) {
        Category::Headers
    } else {
        Category::Disclosure
    }
}
