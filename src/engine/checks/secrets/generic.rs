//! The generic rule: a random-looking value assigned to a secret-named variable, for services no format names.
//! In what browsers receive, only names that cannot mean anything public count (`secret`, `password`,
//! `private_key`) and the value must look generated; in an exposed `.env` file every secret-named variable with a
//! real value counts, since the whole file is server-side configuration.

use super::catalog::Format;
use super::detect::{Hit, Source, Text};
use super::noise::{classes, entropy, placeholder};
use crate::model::{Confidence, Severity};

regex!(CLIENT_NAME, r"secret|passw(?:or)?d|private_?key|privatekey");
regex!(
    ASSIGN,
    r#"^[\w$-]{0,30}["']?\s*(?:=|:|=>)\s*["'`]([^"'`\s]+)["'`]"#
);
regex!(
    ENV_LINE,
    r#"(?m)^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s#]*))"#
);
regex!(
    ENV_NAME,
    r"(?i)secret|passw(?:or)?d|pwd|token|api_?key|apikey|access_?key|private_?key|credential|auth"
);

/// Words of a name that say the value is not a secret (a public key, a field label, a length, an id).
const NOT_SECRET: &[&str] = &[
    "public",
    "publishable",
    "pub",
    "anon",
    "csrf",
    "xsrf",
    "nonce",
    "hash",
    "digest",
    "length",
    "len",
    "min",
    "max",
    "regex",
    "pattern",
    "policy",
    "placeholder",
    "label",
    "field",
    "input",
    "reset",
    "forgot",
    "confirm",
    "confirmation",
    "strength",
    "hint",
    "error",
    "message",
    "msg",
    "invalid",
    "required",
    "type",
    "name",
    "url",
    "uri",
    "endpoint",
    "path",
    "header",
    "param",
    "visible",
    "show",
    "toggle",
    "icon",
    "class",
    "mode",
    "expires",
    "expiry",
    "expiration",
    "ttl",
    "count",
    "enabled",
    "rule",
    "format",
    "id",
    "file",
    "manager",
    "store",
    "provider",
];

/// Values of public-by-design formats that a secret-sounding name may still hold.
const PUBLIC_VALUES: &[&str] = &[
    "pk_live_",
    "pk_test_",
    "sb_publishable_",
    "NRJS-",
    "pub",
    "eyJ",
    "AIza",
];

/// The words of an identifier: split at `_`, `-`, `.`, `$` and lower-to-upper case changes, lower-cased.
fn words(name: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            out.push(String::new());
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            out.push(String::new());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.last_mut().expect("a word").push(c.to_ascii_lowercase());
    }
    out.retain(|w| !w.is_empty());
    out
}

fn secret_name(name: &str) -> bool {
    !words(name).iter().any(|w| NOT_SECRET.contains(&w.as_str()))
}

fn allowed_chars(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_-+/=.!@#$%^&*~:".contains(&b))
}

fn uuid(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && value.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// A value that looks generated: long enough, random enough, letters and digits mixed, not a placeholder.
fn generated(value: &str, min_entropy: f64) -> bool {
    let (lower, upper, digits) = classes(value);
    allowed_chars(value)
        && !placeholder(value)
        && !value.contains("://")
        && !PUBLIC_VALUES.iter().any(|p| value.starts_with(p))
        && entropy(value) >= min_entropy
        && digits >= 2
        && lower + upper >= 2
}

fn hit(format: &'static Format, span: std::ops::Range<usize>, value: &str, name: &str) -> Hit {
    let mut hit = Hit::new(format, span, value);
    hit.note = Some(format!("assigned to {name}"));
    hit
}

/// The name around `at..end`: identifier characters before and after the matched word.
fn name_around(raw: &str, at: usize, end: usize) -> (usize, usize) {
    let ident = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'.' | b'-');
    let bytes = raw.as_bytes();
    let start = at
        - bytes[..at]
            .iter()
            .rev()
            .take(40)
            .take_while(|b| ident(b))
            .count();
    let stop = end
        + bytes[end..]
            .iter()
            .take(30)
            .take_while(|b| ident(b) && **b != b'.')
            .count();
    (start, stop)
}

fn client(text: &Text, format: &'static Format, out: &mut Vec<Hit>) {
    for word in CLIENT_NAME.find_iter(&text.lower) {
        let (start, stop) = name_around(text.raw, word.start(), word.end());
        let name = text.raw[start..stop].trim_matches(['.', '-']);
        if !secret_name(name) {
            continue;
        }
        let Some(value) = ASSIGN.captures(&text.raw[stop..]).and_then(|c| c.get(1)) else {
            continue;
        };
        let v = value.as_str();
        if !(12..=200).contains(&v.len()) || uuid(v) || !generated(v, 3.5) {
            continue;
        }
        let span = (value.start() + stop)..(value.end() + stop);
        let mut h = hit(format, span, value.as_str(), name);
        h.confidence = Confidence::Medium;
        out.push(h);
    }
}

fn env(text: &Text, format: &'static Format, out: &mut Vec<Hit>) {
    for c in ENV_LINE.captures_iter(text.raw) {
        let name = &c[1];
        let Some(value) = c.get(2).or_else(|| c.get(3)).or_else(|| c.get(4)) else {
            continue;
        };
        let v = value.as_str();
        let real = v.len() >= 8
            && allowed_chars(v)
            && !placeholder(v)
            && !v.contains("://")
            && !PUBLIC_VALUES.iter().any(|p| v.starts_with(p))
            && entropy(v) >= 2.5;
        if !ENV_NAME.is_match(name) || !secret_name(name) || !real {
            continue;
        }
        let mut h = hit(format, value.range(), v, name);
        h.severity = Severity::High;
        h.confidence = Confidence::Medium;
        out.push(h);
    }
}

/// Secret-named assignments: strict in what browsers receive, every secret-named variable in a `.env` file.
pub fn assignments(text: &Text, format: &'static Format, out: &mut Vec<Hit>) {
    match text.source {
        Source::Env => env(text, format, out),
        _ => client(text, format, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_split_into_words() {
        assert_eq!(words("clientSecret"), ["client", "secret"]);
        assert_eq!(words("SECRET_KEY_ID"), ["secret", "key", "id"]);
        assert_eq!(words("config.apiKey$"), ["config", "api", "key"]);
        assert!(secret_name("ADMIN_PASSWORD"), "admin is not min");
        assert!(secret_name("clientSecret") && secret_name("DB_PASSWORD"));
        for name in [
            "passwordHash",
            "csrfSecret",
            "secretName",
            "PASSWORD_MIN_LENGTH",
            "TOKEN_EXPIRY",
            "publicKey",
        ] {
            assert!(!secret_name(name), "{name}");
        }
    }

    #[test]
    fn generated_values_only() {
        assert!(generated("Zq8vN2rT5wXk9LmP4sYb7HcJ", 3.5));
        for v in [
            "Password1234",
            "your-secret-here",
            "https://a.test/x1y2z3",
            "pk_live_Zq8vN2rT5wXk9LmP4sYb",
            "correct horse",
        ] {
            assert!(!generated(v, 3.5), "{v}");
        }
        assert!(uuid("550e8400-e29b-41d4-a716-446655440000"));
    }
}
