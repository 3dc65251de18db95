//! Turning hits into findings: a stable location (the resource's URL, the rule and the redacted credential, never
//! a line number), a root cause shared by every copy of one credential, and evidence that says where and what
//! without the secret: the line is quoted with every credential on it redacted.

use super::detect::{Hit, Source, Text, detect, line_of};
use crate::engine::context::CheckCtx;
use crate::engine::redaction::redact_known;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use url::Url;

/// A hit with where it is in its text and the redacted line around it.
#[derive(Debug, Clone)]
pub struct Found {
    pub hit: Hit,
    pub line: usize,
    pub snippet: String,
}

/// Every credential in `text` (cut to [`super::detect::MAX_SCAN`] bytes), each with its line and a redacted
/// quote of it.
pub fn scan(text: &str, source: Source) -> Vec<Found> {
    // JSON written by some encoders escapes every `/`, which would hide URLs and base64 keys.
    let unescaped;
    let text = if text.contains("\\/") {
        unescaped = text.replace("\\/", "/");
        unescaped.as_str()
    } else {
        text
    };
    let text = Text::new(text, source);
    let hits = detect(&text);
    hits.iter()
        .map(|h| Found {
            line: line_of(text.raw, h.span.start),
            snippet: snippet(&text, h, &hits),
            hit: h.clone(),
        })
        .collect()
}

fn token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'_' | b'-')
}

/// True for a run of characters that may be a secret no format named: long, mixed letters and digits, random.
fn secret_like(run: &str) -> bool {
    let (lower, upper, digits) = super::noise::classes(run);
    run.len() >= 16 && digits > 0 && lower + upper > 0 && super::noise::entropy(run) >= 3.0
}

/// `part` with every run that may be a secret redacted: whatever else on the line might be a credential.
fn mask(part: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if secret_like(run) {
            out.push_str(&redact_known(run));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in part.chars() {
        if c.is_ascii() && token_char(c as u8) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// How a credential is quoted in place: a PEM block by its first line, a URL with its login redacted, any other
/// value by its known prefix and last characters.
fn inline(value: &str) -> String {
    if value.starts_with("-----BEGIN") {
        let head = value.split("-----").nth(1).unwrap_or("PRIVATE KEY");
        return format!("-----{head}-----…");
    }
    let login = value
        .split_once("://")
        .is_some_and(|(_, rest)| rest.split('/').next().is_some_and(|a| a.contains('@')));
    if login {
        return crate::engine::redaction::redact_urls(value);
    }
    redact_known(value)
}

/// The text around a hit on its line, with the hit and any other hit in it redacted.
fn snippet(text: &Text, hit: &Hit, all: &[Hit]) -> String {
    let raw = text.raw;
    let w = text.window(hit.span.start, hit.span.end, 60, 30);
    let start = raw[w.start..hit.span.start]
        .rfind('\n')
        .map_or(w.start, |i| w.start + i + 1);
    let end = raw[hit.span.end..w.end]
        .find('\n')
        .map_or(w.end, |i| hit.span.end + i);
    let mut spans: Vec<(std::ops::Range<usize>, String)> = all
        .iter()
        .flat_map(|h| {
            let main = (h.span.clone(), inline(&raw[h.span.clone()]));
            let pair = h.paired.clone().map(|p| (p.clone(), inline(&raw[p])));
            std::iter::once(main).chain(pair)
        })
        .filter(|(r, _)| r.start < end && r.end > start)
        .collect();
    spans.sort_by_key(|(r, _)| r.start);
    let mut out = String::new();
    let mut at = start;
    for (r, shown) in spans {
        let (a, b) = (r.start.max(at), r.end.min(end));
        if a < at || b <= a {
            continue;
        }
        out.push_str(&mask(&raw[at..a]));
        out.push_str(&shown);
        at = b;
    }
    out.push_str(&mask(&raw[at..end]));
    let cut = if start > 0 && raw.as_bytes()[start - 1] != b'\n' {
        "…"
    } else {
        ""
    };
    let tail = if end < raw.len() && raw.as_bytes()[end] != b'\n' {
        "…"
    } else {
        ""
    };
    format!(
        "{cut}{}{tail}",
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    )
}

/// Where a text was read.
pub struct Origin<'a> {
    pub url: &'a Url,
    pub source: Source,
    /// The original file inside a source map.
    pub file: Option<&'a str>,
}

impl Origin<'_> {
    /// The original file's name as the map gives it (the site's text: cut short).
    fn file(&self) -> Option<String> {
        self.file.map(|f| crate::engine::draft::truncate(f, 120))
    }

    fn place(&self, line: usize) -> String {
        match self.file() {
            Some(file) => format!("line {line} of {file} in the source map {}", self.url),
            None => format!("line {line} of {}", self.url),
        }
    }

    fn title_place(&self) -> String {
        let path = self.url.path();
        match (self.source, self.file()) {
            (Source::SourceMap, Some(file)) => format!("{file} (source map {path})"),
            (Source::SourceMap, None) => format!("the source map {path}"),
            (Source::Env, _) => format!("the exposed {path}"),
            _ => path.to_string(),
        }
    }

    fn sentence(&self) -> &'static str {
        match self.source {
            Source::Env => "It was read from an environment file the server lets anyone download.",
            Source::Config => {
                "It was read from a configuration document the site serves to every visitor."
            }
            Source::SourceMap => {
                "It was read from an original source file embedded in a public source map."
            }
            _ => "It is sent to every visitor's browser.",
        }
    }
}

/// The root cause shared by every copy of one credential: its format and a hash of its value.
pub fn root_cause(hit: &Hit) -> String {
    let digest = Sha256::digest(hit.secret.as_bytes());
    format!("secret:{}:{}", hit.format.id, hex::encode(&digest[..8]))
}

/// The finding location: the resource, the rule and the redacted credential; stable across scans.
pub fn location(url: &Url, hit: &Hit) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    let rule = hit.rule.id.trim_start_matches("secrets.");
    format!("{url} ({rule}: {})", redact_known(&hit.secret))
}

/// Reports every credential found in one text, once per location over the whole check.
pub async fn report(
    ctx: &CheckCtx,
    found: Vec<Found>,
    origin: &Origin<'_>,
    seen: &mut HashSet<String>,
) {
    for f in found {
        let hit = &f.hit;
        let location = location(origin.url, hit);
        if !seen.insert(location.clone()) {
            continue;
        }
        let name = match &hit.note {
            Some(note) => format!("{} ({note})", hit.format.name),
            None => hit.format.name.to_string(),
        };
        let title = if std::ptr::eq(hit.rule, hit.format.rule) {
            format!("{} in {}", hit.format.name, origin.title_place())
        } else {
            format!("{} in {}", hit.rule.title, origin.title_place())
        };
        let evidence = format!(
            "{name}: {} at {}: {}",
            hit.shown,
            origin.place(f.line),
            f.snippet
        );
        let draft = ctx
            .finding(hit.rule, location)
            .title(title)
            .description(format!("{} {}", hit.rule.description, origin.sentence()))
            .evidence(evidence)
            .severity(hit.severity)
            .confidence(hit.confidence)
            .root_cause(root_cause(hit));
        ctx.report(draft).await;
    }
}
