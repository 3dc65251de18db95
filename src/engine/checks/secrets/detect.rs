//! The detector: one pass of keyword pre-filtering over the lower-cased text, then only the formats whose keywords
//! occur run their patterns; candidates go through the noise filters, and overlapping hits keep the most specific.

use super::catalog::{self, Format, Shape, Token};
use super::noise;
use crate::engine::redaction::{known_prefix, redact_known};
use crate::model::{Confidence, Severity};
use regex::Regex;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

/// Bytes of one resource that are scanned, at most.
pub const MAX_SCAN: usize = 8 * 1024 * 1024;

/// Where a text came from: decides what counts as exposed (a key in a `.env` file is not a key in a browser).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An HTML page: markup, inline scripts, comments.
    Page,
    /// A script the pages load.
    Script,
    /// An original source file embedded in a source map.
    SourceMap,
    /// A JSON or JavaScript configuration document the site serves to browsers.
    Config,
    /// An exposed environment file: server-side configuration.
    Env,
}

/// A text being scanned, with its lower-cased copy for keyword and case-insensitive checks.
pub struct Text<'a> {
    pub raw: &'a str,
    pub lower: String,
    pub source: Source,
}

impl<'a> Text<'a> {
    pub fn new(raw: &'a str, source: Source) -> Text<'a> {
        let mut end = raw.len().min(MAX_SCAN);
        while !raw.is_char_boundary(end) {
            end -= 1;
        }
        let raw = &raw[..end];
        Text {
            raw,
            lower: raw.to_ascii_lowercase(),
            source,
        }
    }

    /// `start..end` widened by `before` and `after` bytes, on character boundaries.
    pub fn window(&self, start: usize, end: usize, before: usize, after: usize) -> Range<usize> {
        let mut a = start.saturating_sub(before);
        let mut b = (end + after).min(self.raw.len());
        while !self.raw.is_char_boundary(a) {
            a -= 1;
        }
        while !self.raw.is_char_boundary(b) {
            b += 1;
        }
        a..b
    }
}

/// A credential found in a text.
#[derive(Debug, Clone)]
pub struct Hit {
    pub format: &'static Format,
    /// The rule reported (the format's, or another one the format's detector chose, e.g. a Firebase config).
    pub rule: &'static crate::engine::registry::Rule,
    /// Where the credential is in the text.
    pub span: Range<usize>,
    /// The other half of a pair (an AWS secret key next to its key id), if any.
    pub paired: Option<Range<usize>>,
    /// What identifies the credential: the same value found twice is one credential (hashed for the root cause).
    pub secret: String,
    /// How it is shown: redacted to a vendor prefix and the last characters at most.
    pub shown: String,
    pub severity: Severity,
    pub confidence: Confidence,
    /// What this instance is beyond the format's name ("live mode", "role service_role").
    pub note: Option<String>,
}

impl Hit {
    /// A hit of `format` at `span` with the format's rule and severity.
    pub fn new(format: &'static Format, span: Range<usize>, secret: &str) -> Hit {
        Hit {
            format,
            rule: format.rule,
            span,
            paired: None,
            secret: secret.to_string(),
            shown: redact_known(secret),
            severity: format.rule.severity,
            confidence: Confidence::High,
            note: None,
        }
    }

    fn spans(&self) -> impl Iterator<Item = &Range<usize>> {
        std::iter::once(&self.span).chain(self.paired.as_ref())
    }
}

/// What a format's check says about one candidate it accepts.
#[derive(Debug, Clone, Default)]
pub struct Tweak {
    pub severity: Option<Severity>,
    pub note: Option<&'static str>,
}

/// The part of a secret after its vendor prefix (`sk_live_`, `ghp_`), where randomness is measured.
pub fn body(secret: &str) -> &str {
    let chars: Vec<char> = secret.chars().collect();
    let n = known_prefix(&chars);
    let bytes: usize = chars[..n].iter().map(|c| c.len_utf8()).sum();
    &secret[bytes..]
}

/// Every keyword, and the formats it gates (grouped by first byte).
struct Keywords {
    re: Regex,
    by_first: Vec<Vec<(&'static str, Vec<usize>)>>,
}

static KEYWORDS: LazyLock<Keywords> = LazyLock::new(|| {
    let mut formats: HashMap<&'static str, Vec<usize>> = HashMap::new();
    for (i, f) in catalog::all().iter().enumerate() {
        for k in f.keywords {
            formats.entry(k).or_default().push(i);
        }
    }
    let mut words: Vec<&str> = formats.keys().copied().collect();
    // Longest first, so a keyword that starts another one does not hide it at the same position.
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let alternation: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    let mut by_first: Vec<Vec<(&'static str, Vec<usize>)>> = vec![Vec::new(); 256];
    for (word, gates) in formats {
        by_first[usize::from(word.as_bytes()[0])].push((word, gates));
    }
    Keywords {
        re: crate::engine::pattern::compile(&alternation.join("|")),
        by_first,
    }
});

/// The formats whose keywords occur in `lower`.
fn gated(lower: &str) -> Vec<bool> {
    let kw = &*KEYWORDS;
    let mut on = vec![false; catalog::all().len()];
    let mut at = 0;
    while let Some(m) = kw.re.find_at(lower, at) {
        let rest = &lower[m.start()..];
        for (word, formats) in &kw.by_first[usize::from(rest.as_bytes()[0])] {
            if rest.starts_with(word) {
                formats.iter().for_each(|i| on[*i] = true);
            }
        }
        at = m.start() + 1;
        while at < lower.len() && !lower.is_char_boundary(at) {
            at += 1;
        }
    }
    on
}

/// Compiled patterns of token shapes, by format and shape index, built on first use.
static COMPILED: LazyLock<Vec<Vec<OnceLock<Regex>>>> = LazyLock::new(|| {
    catalog::all()
        .iter()
        .map(|f| f.shapes.iter().map(|_| OnceLock::new()).collect())
        .collect()
});

/// Writes `\b`, `\w` and `\d` as their ASCII forms: Unicode word boundaries stop the fast engines on the first
/// non-ASCII byte of a bundle, and Unicode classes under counted repetitions compile to megabytes.
pub fn ascii(re: &str) -> String {
    re.replace(r"\b", r"(?-u:\b)")
        .replace(r"\w", "[0-9A-Za-z_]")
        .replace(r"\d", "[0-9]")
}

fn token_hits(text: &Text, format: &'static Format, token: &Token, re: &Regex, out: &mut Vec<Hit>) {
    for caps in re.captures_iter(text.raw) {
        let m = caps.get(1).or_else(|| caps.get(0)).expect("a match");
        let secret = m.as_str();
        let body = body(secret);
        if !noise::isolated(text.raw, m.start(), m.end())
            || noise::documented(secret)
            || noise::placeholder(body)
            || noise::entropy(body) < token.entropy
        {
            continue;
        }
        let tweak = match token.check {
            Some(check) => match check(secret) {
                Some(t) => t,
                None => continue,
            },
            None => Tweak::default(),
        };
        let mut hit = Hit::new(format, m.range(), secret);
        hit.confidence = token.confidence;
        hit.severity = tweak.severity.unwrap_or(hit.severity);
        hit.note = tweak.note.map(str::to_string);
        out.push(hit);
    }
}

/// Every credential in `text`, most specific first where two overlap, one hit per credential and format.
pub fn detect(text: &Text) -> Vec<Hit> {
    let on = gated(&text.lower);
    let mut hits = Vec::new();
    for (i, format) in catalog::all().iter().enumerate() {
        if !on[i] {
            continue;
        }
        for (j, shape) in format.shapes.iter().enumerate() {
            match shape {
                Shape::Token(token) => {
                    let re = COMPILED[i][j]
                        .get_or_init(|| crate::engine::pattern::compile(&ascii(token.re)));
                    token_hits(text, format, token, re, &mut hits);
                }
                Shape::Custom(detect) => detect(text, format, &mut hits),
            }
        }
    }
    settle(hits)
}

/// Drops hits that overlap a surer one (a prefixed or checksummed token over a value recognised by the name it is
/// assigned to), or at equal confidence one of a format listed earlier (more specific), and repeats of the same
/// credential.
fn settle(hits: Vec<Hit>) -> Vec<Hit> {
    let rank = |h: &Hit| {
        catalog::all()
            .iter()
            .position(|f| std::ptr::eq(*f, h.format))
            .unwrap_or(usize::MAX)
    };
    let mut ranked: Vec<(usize, Hit)> = hits.into_iter().map(|h| (rank(&h), h)).collect();
    ranked.sort_by_key(|(r, h)| (std::cmp::Reverse(h.confidence), *r, h.span.start));
    let mut kept: Vec<Hit> = Vec::new();
    for (_, hit) in ranked {
        let overlaps = kept.iter().any(|k| {
            k.spans()
                .any(|a| hit.spans().any(|b| a.start < b.end && b.start < a.end))
        });
        let repeat = kept
            .iter()
            .any(|k| std::ptr::eq(k.format, hit.format) && k.secret == hit.secret);
        if !overlaps && !repeat {
            kept.push(hit);
        }
    }
    kept.sort_by_key(|h| h.span.start);
    kept
}

/// The 1-based line of byte `at`.
pub fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}
