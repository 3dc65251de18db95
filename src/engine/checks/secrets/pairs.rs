//! Credentials in two parts, an id that is not secret and a secret written next to it (named as a secret, or the
//! next argument): AWS access keys, Alibaba Cloud AccessKeys, Twilio account SIDs with auth tokens and API keys
//! with their secrets. The id alone is reported (low) only where it gives something away by itself (an AWS or
//! Alibaba key id names the account).

use super::catalog::Format;
use super::detect::{Hit, Text};
use super::noise::{classes, entropy, isolated, placeholder};
use crate::engine::redaction::redact_known;
use crate::model::{Confidence, Severity};
use regex::Regex;
use std::ops::Range;

regex!(AWS_ID, r"\b((?:AKIA|ASIA)[A-Z2-7]{16})\b");
regex!(
    B64_40,
    r"(?:^|[^A-Za-z0-9+/])([A-Za-z0-9+/]{40})(?:[^A-Za-z0-9+/=]|$)"
);
regex!(
    AWS_NAMED,
    r#"(?i:secret_?access_?key|aws_?secret(?:_?key)?)["'`]?\s*(?:=|:|=>)\s*["'`]?([A-Za-z0-9+/]{40})(?:[^A-Za-z0-9+/=]|$)"#
);
regex!(ALIBABA_ID, r"\b(LTAI[A-Za-z0-9]{12,20})\b");
regex!(
    ALNUM_30,
    r"(?:^|[^A-Za-z0-9])([A-Za-z0-9]{30})(?:[^A-Za-z0-9]|$)"
);
regex!(TWILIO_SID, r"\b(AC[a-f0-9]{32})\b");
regex!(TWILIO_KEY, r"\b(SK[a-f0-9]{32})\b");
regex!(
    HEX_32,
    r"(?:^|[^A-Za-z0-9])([a-f0-9]{32})(?:[^A-Za-z0-9]|$)"
);
regex!(
    ALNUM_32,
    r"(?:^|[^A-Za-z0-9])([A-Za-z0-9]{32})(?:[^A-Za-z0-9]|$)"
);

/// How far around an id its secret is looked for (bytes before, after).
const BEFORE: usize = 400;
const AFTER: usize = 600;

/// A random-looking value with lower case, upper case and digits: what generated secrets are.
fn mixed(value: &str, min_entropy: f64) -> bool {
    let (lower, upper, digits) = classes(value);
    lower > 0 && upper > 0 && digits > 0 && entropy(value) >= min_entropy && !placeholder(value)
}

/// True when a candidate is tied to its id: named as a secret or token just before it (`secretAccessKey: "..."`,
/// `TWILIO_AUTH_TOKEN=...`), or written right after the id as the next argument (`twilio("AC...", "...")`). A value
/// of the right shape that merely sits nearby (a hash, another vendor's key) is not the id's secret.
fn tied(text: &Text, id: &Range<usize>, secret: &Range<usize>) -> bool {
    let mut from = secret.start.saturating_sub(40);
    while !text.lower.is_char_boundary(from) {
        from -= 1;
    }
    let named = &text.lower[from..secret.start];
    if ["secret", "token", "auth"]
        .iter()
        .any(|w| named.contains(w))
    {
        return true;
    }
    let gap = &text.raw[id.end.min(secret.start)..secret.start.max(id.end)];
    secret.start >= id.end && gap.len() <= 12 && !gap.bytes().any(|b| b.is_ascii_alphanumeric())
}

/// The candidate secret (group 1 of `re`) nearest to `id` that `accept` takes.
fn nearest(
    text: &Text,
    id: &Range<usize>,
    re: &Regex,
    accept: impl Fn(&str) -> bool,
) -> Option<Range<usize>> {
    let window = text.window(id.start, id.end, BEFORE, AFTER);
    let offset = window.start;
    re.captures_iter(&text.raw[window])
        .filter_map(|c| c.get(1))
        .map(|m| (m.start() + offset)..(m.end() + offset))
        .filter(|r| r.end <= id.start || r.start >= id.end)
        .filter(|r| accept(&text.raw[r.clone()]) && tied(text, id, r))
        .min_by_key(|r| r.start.abs_diff(id.start))
}

/// An id that could be real: not a placeholder, not a slice of a blob.
fn real_id(text: &Text, m: &regex::Match, body_from: usize) -> bool {
    let id = m.as_str();
    !placeholder(id) && !placeholder(&id[body_from..]) && isolated(text.raw, m.start(), m.end())
}

fn pair(
    format: &'static Format,
    id: Range<usize>,
    secret: Option<Range<usize>>,
    text: &Text,
    what: &str,
) -> Hit {
    let key = &text.raw[id.clone()];
    let mut hit = Hit::new(format, id, key);
    if let Some(s) = secret {
        hit.shown = format!(
            "{} with {what} {}",
            redact_known(key),
            redact_known(&text.raw[s.clone()])
        );
        hit.paired = Some(s);
    }
    hit
}

/// AWS access key ids with the secret key next to them; ids alone; secret keys alone under their usual names.
pub fn aws(text: &Text, format: &'static Format, out: &mut Vec<Hit>) {
    let mut secrets: Vec<Range<usize>> = Vec::new();
    for m in AWS_ID.captures_iter(text.raw).filter_map(|c| c.get(1)) {
        if !real_id(text, &m, 4) || entropy(&m.as_str()[4..]) < 2.5 {
            continue;
        }
        let secret = nearest(text, &m.range(), &B64_40, |s| mixed(s, 4.0));
        let temporary = m.as_str().starts_with("ASIA");
        let mut hit = pair(format, m.range(), secret.clone(), text, "secret key");
        match secret {
            Some(s) => {
                secrets.push(s);
                if temporary {
                    hit.severity = Severity::High;
                    hit.note = Some(
                        "temporary credentials: they also need their session token and expire"
                            .into(),
                    );
                }
            }
            None => {
                hit.severity = Severity::Low;
                hit.confidence = Confidence::Medium;
                hit.note = Some("key id without its secret key nearby: it names the AWS account; the secret may be elsewhere".into());
            }
        }
        out.push(hit);
    }
    for m in AWS_NAMED.captures_iter(text.raw).filter_map(|c| c.get(1)) {
        if secrets.contains(&m.range()) || !mixed(m.as_str(), 4.0) {
            continue;
        }
        let mut hit = Hit::new(format, m.range(), m.as_str());
        hit.severity = Severity::High;
        hit.note = Some("secret access key whose key id is not next to it".into());
        out.push(hit);
    }
}

/// Alibaba Cloud AccessKey ids (`LTAI...`) with the 30-character secret next to them, or alone.
pub fn alibaba(text: &Text, format: &'static Format, out: &mut Vec<Hit>) {
    for m in ALIBABA_ID.captures_iter(text.raw).filter_map(|c| c.get(1)) {
        if !real_id(text, &m, 4) || entropy(&m.as_str()[4..]) < 3.0 {
            continue;
        }
        let secret = nearest(text, &m.range(), &ALNUM_30, |s| mixed(s, 4.0));
        let paired = secret.is_some();
        let mut hit = pair(format, m.range(), secret, text, "secret");
        if !paired {
            hit.severity = Severity::Low;
            hit.confidence = Confidence::Medium;
            hit.note = Some("AccessKey id without its secret nearby".into());
        }
        out.push(hit);
    }
}

/// Twilio account SIDs with a 32-character hex auth token next to them (the SID alone is not secret).
pub fn twilio(text: &Text, format: &'static Format, out: &mut Vec<Hit>) {
    for m in TWILIO_SID.captures_iter(text.raw).filter_map(|c| c.get(1)) {
        if !real_id(text, &m, 2) {
            continue;
        }
        let sid = &m.as_str()[2..];
        let token = nearest(text, &m.range(), &HEX_32, |t| {
            t != sid && entropy(t) >= 3.0 && !placeholder(t)
        });
        if let Some(t) = token {
            let mut hit = pair(format, m.range(), Some(t.clone()), text, "auth token");
            hit.secret = text.raw[t].to_string();
            out.push(hit);
        }
    }
}

/// Twilio API key SIDs (`SK...`) with their 32-character secret next to them.
pub fn twilio_key(text: &Text, format: &'static Format, out: &mut Vec<Hit>) {
    for m in TWILIO_KEY.captures_iter(text.raw).filter_map(|c| c.get(1)) {
        if !real_id(text, &m, 2) {
            continue;
        }
        if let Some(s) = nearest(text, &m.range(), &ALNUM_32, |s| mixed(s, 4.0)) {
            let mut hit = pair(format, m.range(), Some(s.clone()), text, "secret");
            hit.secret = text.raw[s].to_string();
            out.push(hit);
        }
    }
}
