//! Verifiers for files written for AI coding agents: instruction files (CLAUDE.md, AGENTS.md, .cursorrules...),
//! MCP client configurations and Claude Code settings. An instruction file is low unless it reveals internals
//! (medium); credentials found in any of them raise the severity further.

use super::super::{looks_like_html, real_value, secret_name, url_with_credentials};
use super::Proof;
use super::internals::internals;
use crate::engine::context::Fetched;
use crate::engine::context::{redact, truncate};
use crate::engine::net::HttpResponse;
use crate::engine::redaction::{known_token, scrub};
use crate::engine::site::Page;
use crate::model::Severity;
use serde_json::{Map, Value};

/// Words that instruction files for agents use (a text block page or a stray placeholder would not).
const INSTRUCTION_WORDS: &[&str] = &[
    "claude", "agent", "codebase", "project", "always", "never", "must", "should", "prefer",
    "do not", "don't", "you are", "use ", "test", "build", "deploy", "code",
];

/// A Markdown or plain-text instruction file: text, several lines, worded like instructions.
pub(super) fn instructions(resp: &HttpResponse) -> Option<Proof> {
    regex!(
        SECRET,
        r#"(?i)\b(password|passwd|secret|api[_-]?key|token)\b\s*[:=]\s*["']?([^\s"'`]{8,})"#
    );
    let text = resp.text();
    if looks_like_html(&text) || text.contains('\0') {
        return None;
    }
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if text.trim().len() < 40 || !worded_like_instructions(&text, &lines) {
        return None;
    }
    // The first line is the site's own text: it may hold a token or a URL with credentials.
    let first = truncate(&scrub(lines[0]), 100);
    let mut proof = Proof::new(format!(
        "{} lines of instructions, starting \"{first}\"",
        lines.len()
    ))
    .severity(Severity::Low);
    let revealed = internals(&text);
    if !revealed.is_empty() {
        proof.evidence += &format!("; reveals {}", revealed.join("; "));
        proof.severity = Some(Severity::Medium);
    }
    let secret = SECRET
        .captures_iter(&text)
        .find(|c| real_value(&c[2]))
        .map(|c| format!("{} = {}", &c[1], redact(&c[2])))
        .or_else(|| url_with_credentials(&text))
        .or_else(|| known_token(&text));
    if let Some(shown) = secret {
        proof.evidence += &format!("; holds a credential: {shown}");
        proof.severity = Some(Severity::High);
    }
    Some(proof)
}

/// Prose or Markdown for an agent: instruction words, and headings, list items, several lines or a "you are" role,
/// but not a `key=value` page (a status or config answer).
fn worded_like_instructions(text: &str, lines: &[&str]) -> bool {
    regex!(STRUCTURE, r"(?m)^\s*(#{1,6}\s|[-*+]\s|\d+[.)]\s)");
    regex!(KEY_VALUE, r"^[A-Za-z_][\w.-]*\s*[=:]\s*\S*$");
    let lower = text.to_lowercase();
    let key_values = lines.iter().filter(|l| KEY_VALUE.is_match(l)).count();
    lines.len() >= 2
        && key_values * 2 < lines.len()
        && (STRUCTURE.is_match(text) || lines.len() >= 3 || lower.contains("you are "))
        && INSTRUCTION_WORDS.iter().any(|w| lower.contains(w))
}

/// `.cursor/rules/` answered with a directory listing of rule files.
pub(super) fn rules_listing(resp: &HttpResponse) -> Option<Proof> {
    let page = Page {
        html: resp
            .is_html()
            .then(|| crate::engine::html::parse(&resp.text(), &resp.url)),
        fetched: Fetched {
            resp: resp.clone(),
            hops: Vec::new(),
        },
    };
    let listed = super::super::listing::listing(&page)?;
    let rules = page.html.as_ref()?.links.iter().any(|l| {
        let path = l.path();
        path.ends_with(".mdc") || path.ends_with(".md")
    });
    rules.then(|| Proof::new(format!("a directory listing of rule files: {listed}")))
}

fn object(resp: &HttpResponse) -> Option<Map<String, Value>> {
    let text = resp.text();
    let text = text.trim_start();
    if !text.starts_with('{') {
        return None;
    }
    match serde_json::from_str(text).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// Secret-looking values of a JSON object of strings (`env`, `headers`), redacted, prefixed with `owner.`.
fn secrets_in(owner: &str, map: Option<&Value>, out: &mut Vec<String>) {
    let Some(map) = map.and_then(Value::as_object) else {
        return;
    };
    for (k, v) in map {
        let Some(v) = v.as_str() else { continue };
        let named = secret_name(k) || k.eq_ignore_ascii_case("authorization");
        if named && real_value(v) {
            out.push(format!("{owner}{k}={}", redact(v)));
        } else if let Some(shown) = url_with_credentials(v) {
            out.push(format!("{owner}{k}={shown}"));
        }
    }
}

/// `.mcp.json` and friends: `mcpServers` (Claude, Cursor) or `servers` (VS Code) with commands or URLs.
pub(super) fn mcp_config(resp: &HttpResponse) -> Option<Proof> {
    let doc = object(resp)?;
    let servers = doc
        .get("mcpServers")
        .or_else(|| doc.get("servers"))?
        .as_object()?;
    let is_server = |v: &Value| {
        ["command", "url", "type"]
            .iter()
            .any(|k| v.get(k).is_some())
    };
    if servers.is_empty() || !servers.values().all(is_server) {
        return None;
    }
    let mut secrets = Vec::new();
    for (name, server) in servers {
        secrets_in(&format!("{name}."), server.get("env"), &mut secrets);
        secrets_in(&format!("{name}."), server.get("headers"), &mut secrets);
        let args = server.get("args").and_then(Value::as_array);
        for arg in args.into_iter().flatten().filter_map(Value::as_str) {
            secrets.extend(url_with_credentials(arg).map(|s| format!("{name} argument {s}")));
        }
    }
    let names: Vec<&str> = servers.keys().map(String::as_str).take(8).collect();
    with_secrets(format!("MCP servers: {}", names.join(", ")), secrets)
}

/// `.claude/settings.json`: permissions, hooks and environment for Claude Code.
pub(super) fn settings(resp: &HttpResponse) -> Option<Proof> {
    const KEYS: &[&str] = &[
        "permissions",
        "env",
        "hooks",
        "apiKeyHelper",
        "enabledMcpjsonServers",
        "model",
    ];
    let doc = object(resp)?;
    let present: Vec<&str> = KEYS
        .iter()
        .copied()
        .filter(|k| doc.contains_key(*k))
        .collect();
    if present.is_empty() {
        return None;
    }
    let mut secrets = Vec::new();
    secrets_in("env.", doc.get("env"), &mut secrets);
    with_secrets(
        format!("Claude Code settings with {}", present.join(", ")),
        secrets,
    )
}

fn with_secrets(evidence: String, secrets: Vec<String>) -> Option<Proof> {
    if secrets.is_empty() {
        return Some(Proof::new(evidence));
    }
    let shown = secrets.into_iter().take(4).collect::<Vec<_>>().join(", ");
    Some(Proof::new(format!("{evidence}; credentials: {shown}")).severity(Severity::Critical))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(body: &str) -> HttpResponse {
        HttpResponse::sample(200, body.to_string())
    }

    #[test]
    fn instruction_files() {
        let md =
            "# CLAUDE.md\n\n## Project\nAcme shop. Always run `make test` before you commit.\n";
        let proof = instructions(&resp(md)).unwrap();
        assert_eq!(proof.severity, Some(Severity::Low));
        assert!(
            proof.evidence.contains("\"# CLAUDE.md\""),
            "{}",
            proof.evidence
        );
        let leaky = format!("{md}Use API_KEY: sk_live_0123456789abcdef for tests\n");
        let proof = instructions(&resp(&leaky)).unwrap();
        assert_eq!(proof.severity, Some(Severity::High));
        assert!(!proof.evidence.contains("0123456789abcdef"));
        assert!(
            instructions(&resp(
                "<!doctype html><html><body>Always use the project code</body></html>"
            ))
            .is_none()
        );
        assert!(instructions(&resp("Forbidden")).is_none());
        let bare =
            format!("{md}Push with ghp_Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa when CI is down.\n");
        let proof = instructions(&resp(&bare)).unwrap();
        assert_eq!(proof.severity, Some(Severity::High));
        assert!(
            proof.evidence.ends_with("holds a credential: ghp_…DcBa"),
            "{}",
            proof.evidence
        );
    }

    /// Regression: a harmless AGENTS.md ("Run npm test") was medium, like one naming internal hosts.
    #[test]
    fn harmless_agents_md_was_medium() {
        let harmless =
            "# AGENTS.md\n\n- Run npm test before every commit.\n- Prefer small pull requests.\n";
        let proof = instructions(&resp(harmless)).unwrap();
        assert_eq!(proof.severity, Some(Severity::Low), "{}", proof.evidence);
        let lab = "# CLAUDE.md\n\n## Project\nAcme shop, Django 3.2 on /srv/acme.\n\n## Deploy\n- ssh deploy@10.0.3.12 and run `make deploy`\n- database backups go to /backup.sql\n";
        let proof = instructions(&resp(lab)).unwrap();
        assert_eq!(proof.severity, Some(Severity::Medium));
        assert!(
            proof
                .evidence
                .contains("reveals internal addresses 10.0.3.12; deploy commands"),
            "{}",
            proof.evidence
        );
    }

    #[test]
    fn the_first_line_shown_never_carries_a_secret() {
        let text = "API_KEY=sk_live_0123456789abcdefXYZ is for the staging shop.\n- Always run the tests.\n- Never commit.\n";
        let proof = instructions(&resp(text)).unwrap();
        assert!(
            !proof.evidence.contains("0123456789abcdef"),
            "{}",
            proof.evidence
        );
        assert_eq!(proof.severity, Some(Severity::High));
    }

    #[test]
    fn mcp_configs() {
        let plain = r#"{"mcpServers":{"docs":{"command":"npx","args":["docs-mcp"]}}}"#;
        assert_eq!(mcp_config(&resp(plain)).unwrap().severity, None);
        let leaky = r#"{"mcpServers":{"github":{"command":"npx","env":{"GITHUB_TOKEN":"ghp_abcdefghijklmnopqrstuvwxyz"}}}}"#;
        let proof = mcp_config(&resp(leaky)).unwrap();
        assert_eq!(proof.severity, Some(Severity::Critical));
        assert!(!proof.evidence.contains("abcdefghijklmnopqrstuvwxyz"));
        assert!(mcp_config(&resp(r#"{"servers":{"web":"x"}}"#)).is_none());
        assert!(settings(&resp(r#"{"permissions":{"allow":["Bash(npm test)"]}}"#)).is_some());
        assert!(settings(&resp(r#"{"name":"app"}"#)).is_none());
    }
}
