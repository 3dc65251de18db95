//! Private keys: PEM blocks (RSA, EC, DSA, OpenSSH, PGP, PKCS#8, encrypted or not) and Google Cloud service
//! account key files, whose private key is one finding with the file.

use super::catalog::Format;
use super::detect::{Hit, Text};
use super::noise::entropy;
use crate::engine::redaction::redact_known;
use crate::model::Severity;
use base64::Engine;

regex!(
    PEM,
    r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----((?:[A-Za-z0-9+/=:,. \t\r\n-]|\\[rn])+?)-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----"
);
regex!(SA_TYPE, r#"["']?type["']?\s*:\s*["']service_account["']"#);
regex!(
    SA_KEY,
    r#"["']?private_key["']?\s*:\s*["'](-----BEGIN (?:RSA )?PRIVATE KEY-----(?:[A-Za-z0-9+/=\s]|\\[rn])+?-----END (?:RSA )?PRIVATE KEY-----(?:\\n|\n)?)["']"#
);
regex!(
    SA_EMAIL,
    r#"["']?client_email["']?\s*:\s*["']([^"'\s@]+@[a-z0-9-]+\.iam\.gserviceaccount\.com)["']"#
);
regex!(
    SA_KEY_ID,
    r#"["']?private_key_id["']?\s*:\s*["']([a-f0-9]{40})["']"#
);

/// The base64 body of a PEM block: header lines (`Proc-Type: ...`) and line breaks, real or escaped, removed.
fn base64_body(block: &str) -> String {
    block
        .replace("\\n", "\n")
        .replace("\\r", "\n")
        .lines()
        .filter(|l| !l.contains(':'))
        .flat_map(|l| l.chars())
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect()
}

/// True for a body that is a key, not `MIIE...` or a run of x's in documentation.
fn real_key(raw_body: &str, body: &str) -> bool {
    body.len() >= 64 && entropy(body) >= 4.5 && !placeholder_text(raw_body)
}

fn placeholder_text(raw: &str) -> bool {
    let lower = raw.to_ascii_lowercase();
    ["xxxx", "...", "…", "example", "redacted", "<", "your"]
        .iter()
        .any(|w| lower.contains(w))
}

/// True for an OpenSSH key whose cipher is not `none`.
fn openssh_encrypted(body: &str) -> bool {
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(body) else {
        return false;
    };
    let magic = b"openssh-key-v1\0";
    if !bytes.starts_with(magic) || bytes.len() < magic.len() + 4 {
        return false;
    }
    let at = magic.len();
    let len = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
    bytes
        .get(at + 4..at + 4 + len)
        .is_some_and(|name| name != b"none")
}

/// PEM private key blocks.
pub fn pem(text: &Text, format: &'static Format, out: &mut Vec<Hit>) {
    for c in PEM.captures_iter(text.raw) {
        let (label, raw_body) = (&c[1], &c[2]);
        let body = base64_body(raw_body);
        if !real_key(raw_body, &body) {
            continue;
        }
        let whole = c.get(0).expect("match");
        let mut hit = Hit::new(format, whole.range(), &body);
        hit.shown = format!("-----BEGIN {label}----- {}", redact_known(&body));
        let encrypted = label.starts_with("ENCRYPTED")
            || raw_body.contains("ENCRYPTED")
            || (label.starts_with("OPENSSH") && openssh_encrypted(&body));
        hit.note = Some(if encrypted {
            hit.severity = Severity::Medium;
            format!("{label}, encrypted with a passphrase")
        } else {
            format!("{label}, not encrypted")
        });
        out.push(hit);
    }
}

/// Google Cloud service account key files (`"type": "service_account"` with a `private_key`), as JSON or as a
/// JavaScript object literal.
pub fn service_account(text: &Text, format: &'static Format, out: &mut Vec<Hit>) {
    for t in SA_TYPE.find_iter(text.raw) {
        let window = text.window(t.start(), t.end(), 6000, 6000);
        let doc = &text.raw[window.clone()];
        let Some(key) = SA_KEY.captures(doc).and_then(|c| c.get(1)) else {
            continue;
        };
        let body = base64_body(key.as_str());
        if !real_key(key.as_str(), &body) {
            continue;
        }
        let email = SA_EMAIL.captures(doc).map(|c| c[1].to_string());
        let key_id = SA_KEY_ID.captures(doc).map(|c| c[1].to_string());
        let span = (key.start() + window.start)..(key.end() + window.start);
        let mut hit = Hit::new(format, span, key_id.as_deref().unwrap_or(&body));
        hit.paired = Some(t.range());
        hit.shown = format!(
            "{}, private key id {}",
            email.as_deref().unwrap_or("unnamed service account"),
            key_id
                .as_deref()
                .map(redact_known)
                .unwrap_or_else(|| redact_known(&body))
        );
        hit.note = email.map(|e| format!("service account {e}"));
        out.push(hit);
    }
}
