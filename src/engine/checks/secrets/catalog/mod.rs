//! The credential formats the check knows, one rule each, grouped by kind of provider. A format is its keywords
//! (cheap substrings that must occur before any pattern runs) and its shapes: precise token patterns (prefix,
//! charset, length, checksum where public) or code for what a pattern cannot say (pairs, decoded JWT claims,
//! documents such as a service account file).

use super::detect::{Hit, Text, Tweak};
use crate::engine::registry::Rule;
use crate::model::Confidence;
use std::sync::LazyLock;

/// A credential format.
#[derive(Debug)]
pub struct Format {
    /// Stable id, also the rule's id after `secrets.`: `stripe-secret-key`.
    pub id: &'static str,
    /// What a person calls it: "Stripe secret key".
    pub name: &'static str,
    pub rule: &'static Rule,
    /// Lower-case substrings, one of which must occur for the format to be looked for.
    pub keywords: &'static [&'static str],
    pub shapes: &'static [Shape],
    /// A key of an AI model provider (the `ai-surface` module reads these findings).
    pub ai: bool,
}

/// How a format is recognised.
pub enum Shape {
    Token(Token),
    /// Code that finds its own hits in the text.
    Custom(fn(&Text, &'static Format, &mut Vec<Hit>)),
}

impl std::fmt::Debug for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shape::Token(t) => write!(f, "Token({})", t.re),
            Shape::Custom(_) => f.write_str("Custom"),
        }
    }
}

/// A pattern whose first group (or whole match) is the secret.
pub struct Token {
    pub re: &'static str,
    /// Least Shannon entropy of the part after the vendor prefix.
    pub entropy: f64,
    pub confidence: Confidence,
    /// Accepts (with a severity or note of its own) or rejects a candidate: a checksum, a mode in the prefix.
    pub check: Option<fn(&str) -> Option<Tweak>>,
}

/// A token with a distinctive vendor prefix.
pub const fn token(re: &'static str, entropy: f64) -> Shape {
    Shape::Token(Token {
        re,
        entropy,
        confidence: Confidence::High,
        check: None,
    })
}

/// A token with a distinctive prefix and a check of its own.
pub const fn checked(re: &'static str, entropy: f64, check: fn(&str) -> Option<Tweak>) -> Shape {
    Shape::Token(Token {
        re,
        entropy,
        confidence: Confidence::High,
        check: Some(check),
    })
}

/// A value without a prefix of its own, recognised by the vendor's name in what it is assigned to.
pub const fn named(re: &'static str, entropy: f64) -> Shape {
    Shape::Token(Token {
        re,
        entropy,
        confidence: Confidence::Medium,
        check: None,
    })
}

/// The assignment around a value without a prefix: the vendor's name (`$name`, a regex), then within the same
/// statement a `key`, `token` or `secret` name, `=` or `:`, and the quoted or bare value (`$value`, the group).
macro_rules! assigned {
    ($name:literal, $value:literal) => {
        concat!(
            r#"(?i:"#,
            $name,
            r#")(?:[\w.-]{0,30}?|[\x20-\x3a\x3c-\x7e]{0,40}?(?i:key|token|secret))["'`]?\s*(?:=|:|=>)\s*["'`]?("#,
            $value,
            r#")(?:[^0-9A-Za-z_-]|$)"#
        )
    };
}

/// Remediation of keys that must stay on a server.
pub const ROTATE: &str = "Rotate it first: create a new key at the provider (see the references), switch the application to it and revoke this one; deleting it from the site does not undo the leak, since anyone may have copied it. Then keep it on the server: call the provider from your backend (an API route or serverless function that reads the key from an environment variable), never from code sent to browsers; build-time variables named NEXT_PUBLIC_*, VITE_* or REACT_APP_* are bundled into the client. Rebuild and redeploy, purge CDN caches, and stop serving source maps that embed it (webpack `devtool: 'hidden-source-map'`, Vite `build.sourcemap: 'hidden'`). If it was ever committed, it stays in Git history: rotation is the fix, not a rewrite.";

/// OWASP's guidance on keeping secrets out of code.
pub const OWASP: &str =
    "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html";

/// Declares formats and their rules: `NAME "id", Category Severity, "Name", "what it lets anyone do",
/// fix REMEDIATION, refs [urls], keys ["keyword"], shapes...;`. `ai: true` marks AI model providers.
macro_rules! formats {
    (ai: $ai:literal; $($rule:ident $id:literal, $cat:ident $sev:ident, $name:literal, $can:literal,
        fix $fix:expr, refs [$($r:expr),* $(,)?], keys [$($k:literal),* $(,)?], $($shape:expr),+ ;)+) => {
        $(
            pub static $rule: crate::engine::registry::Rule = crate::engine::registry::Rule {
                id: concat!("secrets.", $id),
                category: crate::model::Category::$cat,
                severity: crate::model::Severity::$sev,
                title: concat!($name, " exposed"),
                description: $can,
                remediation: $fix,
                references: &[$($r),*],
                cwe: Some(798),
            };
        )+
        pub(super) static FORMATS: &[super::Format] = &[$(super::Format {
            id: $id, name: $name, rule: &$rule, keywords: &[$($k),*], shapes: &[$($shape),+], ai: $ai,
        }),+];
        pub(super) const RULES: &[&crate::engine::registry::Rule] = &[$(&$rule),+];
    };
}

mod ai;
mod apps;
mod cloud;
mod code;
mod commerce;
mod comms;
mod documents;
mod structural;

pub use code::{base62, checksum_ok};
pub use structural::{FIREBASE_CONFIG, GENERIC};

/// The families in priority order: where two hits overlap, the earlier family's wins. Documents (a service
/// account file holding a private key) come before the tokens inside them, and the generic rule comes last.
const FAMILIES: &[&[Format]] = &[
    documents::FORMATS,
    cloud::FORMATS,
    ai::FORMATS,
    code::FORMATS,
    comms::FORMATS,
    commerce::FORMATS,
    apps::FORMATS,
    structural::FORMATS,
];

const PARTS: &[&[&Rule]] = &[
    documents::RULES,
    cloud::RULES,
    ai::RULES,
    code::RULES,
    comms::RULES,
    commerce::RULES,
    apps::RULES,
    structural::RULES,
    &[&FIREBASE_CONFIG],
];

const fn count(parts: &[&[&Rule]]) -> usize {
    let (mut n, mut i) = (0, 0);
    while i < parts.len() {
        n += parts[i].len();
        i += 1;
    }
    n
}

const fn join<const N: usize>(parts: &[&[&'static Rule]]) -> [&'static Rule; N] {
    let mut out: [&'static Rule; N] = [parts[0][0]; N];
    let (mut i, mut k) = (0, 0);
    while i < parts.len() {
        let mut j = 0;
        while j < parts[i].len() {
            out[k] = parts[i][j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// Every rule of the check, one per format (the Firebase configuration has its own), in family order.
pub static RULES: [&Rule; count(PARTS)] = join::<{ count(PARTS) }>(PARTS);

static ALL: LazyLock<Vec<&'static Format>> =
    LazyLock::new(|| FAMILIES.iter().flat_map(|f| f.iter()).collect());

/// Every format, in priority order.
pub fn all() -> &'static [&'static Format] {
    &ALL
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_unique_lower_case_keyed_and_have_their_rule() {
        let mut ids = std::collections::HashSet::new();
        for f in all() {
            assert!(ids.insert(f.id), "{} twice", f.id);
            assert_eq!(f.rule.id, format!("secrets.{}", f.id));
            assert!(!f.keywords.is_empty(), "{} has no keyword", f.id);
            for k in f.keywords {
                assert_eq!(
                    *k,
                    k.to_ascii_lowercase(),
                    "{}: keywords match the lower-cased text",
                    f.id
                );
            }
        }
        assert_eq!(
            RULES.len(),
            all().len() + 1,
            "one rule per format, and the Firebase configuration"
        );
    }
}
