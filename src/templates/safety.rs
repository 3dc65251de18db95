//! The read-only rule: why a template is not run. A template that would write, fuzz, call out of band or run code is
//! skipped whole, with the reason, and never run in part.

use std::fmt;

/// The kinds of reason a template is skipped for; `templates check` groups skips by them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipKind {
    /// A method other than GET, HEAD or OPTIONS.
    Method,
    /// A request with a body.
    Body,
    /// `payloads`, `attack`: many requests built from word lists (brute force, injection).
    Payloads,
    /// `fuzzing` rules.
    Fuzzing,
    /// `{{interactsh-url}}` or an interactsh part: a callback to a server on the internet.
    OutOfBand,
    /// `code`, `javascript` or `flow`: code the template runs.
    Code,
    /// `headless`: a browser the template drives.
    Headless,
    /// A protocol other than HTTP (dns, tcp, ssl, file, websocket, whois...).
    Protocol,
    /// `self-contained`: requests to fixed hosts rather than to the target.
    SelfContained,
    /// A feature this engine does not run (an xpath matcher, a variable only payloads set, race requests...).
    Unsupported,
    /// No request at all.
    Empty,
    /// An id another loaded template already has (the first one loaded runs).
    Duplicate,
}

impl SkipKind {
    /// The words `templates check` groups by.
    pub fn label(self) -> &'static str {
        match self {
            SkipKind::Method => "a method other than GET, HEAD or OPTIONS",
            SkipKind::Body => "a request body",
            SkipKind::Payloads => "payloads or attack modes",
            SkipKind::Fuzzing => "fuzzing",
            SkipKind::OutOfBand => "an out-of-band callback (interactsh)",
            SkipKind::Code => "code, javascript or flow steps",
            SkipKind::Headless => "a headless browser",
            SkipKind::Protocol => "a protocol other than HTTP",
            SkipKind::SelfContained => "self-contained requests to fixed hosts",
            SkipKind::Unsupported => "a feature Palisade does not run",
            SkipKind::Empty => "no HTTP request",
            SkipKind::Duplicate => "an id another template already has",
        }
    }
}

/// Why one template is skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub kind: SkipKind,
    pub detail: String,
}

impl Refusal {
    pub fn new(kind: SkipKind, detail: impl Into<String>) -> Refusal {
        Refusal {
            kind,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "skipped: {} ({})", self.kind.label(), self.detail)
    }
}

/// What a top-level key other than `id`, `info`, `http`, `variables` and `constants` means for running the template:
/// `None` when it is harmless to ignore.
pub fn top_level(key: &str) -> Option<Refusal> {
    let kind = match key {
        "stop-at-first-match" | "signature" | "matcher-status" => return None,
        "self-contained" => SkipKind::SelfContained,
        "code" | "javascript" | "flow" => SkipKind::Code,
        "headless" => SkipKind::Headless,
        "dns" | "file" | "network" | "tcp" | "ssl" | "websocket" | "whois" | "workflows"
        | "workflow" => SkipKind::Protocol,
        _ => SkipKind::Unsupported,
    };
    Some(Refusal::new(kind, format!("uses `{key}`")))
}

/// What an unknown key of a request block means: `None` when it is harmless to ignore.
pub fn request_key(key: &str, value: &serde_yaml_ng::Value) -> Option<Refusal> {
    let off = matches!(
        value,
        serde_yaml_ng::Value::Bool(false) | serde_yaml_ng::Value::Null
    );
    let kind = match key {
        "id"
        | "name"
        | "cookie-reuse"
        | "disable-cookie"
        | "read-all"
        | "max-size"
        | "description"
        | "skip-variables-check"
        | "iterate-all"
        | "threads"
        | "pipeline"
        | "pipeline-concurrent-connections"
        | "pipeline-requests-per-connection"
        | "disable-path-automerge"
        | "digest" => return None,
        "unsafe" | "race" | "race_count" | "race-count" if off => return None,
        "payloads" | "attack" => SkipKind::Payloads,
        "fuzzing" => SkipKind::Fuzzing,
        "unsafe" | "race" | "race_count" | "race-count" => SkipKind::Unsupported,
        "digest-username" | "digest-password" => SkipKind::Unsupported,
        "self-contained" if off => return None,
        "self-contained" => SkipKind::SelfContained,
        _ => SkipKind::Unsupported,
    };
    Some(Refusal::new(kind, format!("the request uses `{key}`")))
}

/// True if the template's text asks for an out-of-band callback.
pub fn out_of_band(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("interactsh")
}
