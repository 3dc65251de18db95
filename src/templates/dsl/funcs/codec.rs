//! Encodings: base64 (and Python's line-wrapped form used for favicon hashes), hex and URL encoding, on the exact
//! bytes of their input.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

use super::{short, str_val, text};
use crate::templates::dsl::value::Val;

type R = Result<Val, String>;

pub(super) fn base64(a: &[Val]) -> R {
    str_val(STANDARD.encode(a[0].bytes()))
}

/// Decodes standard or URL-safe base64, padded or not, ignoring line breaks.
pub(super) fn base64_decode(a: &[Val]) -> R {
    let input: Vec<u8> = a[0]
        .bytes()
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(&input).ok())
        .map(Val::from_bytes)
        .ok_or_else(|| format!("{:?} is not base64", short(&a[0].text())))
}

/// Python's `base64.encodebytes`: lines of 76 characters, each ended by `\n`. Shodan's favicon hash is
/// `mmh3(base64_py(favicon))`.
pub(super) fn base64_py(a: &[Val]) -> R {
    let encoded = STANDARD.encode(a[0].bytes());
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 76 + 1);
    for line in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    if encoded.is_empty() {
        out.push('\n');
    }
    str_val(out)
}

pub(super) fn hex_encode(a: &[Val]) -> R {
    str_val(hex::encode(a[0].bytes()))
}

pub(super) fn hex_decode(a: &[Val]) -> R {
    let t = text(&a[0]);
    hex::decode(t.trim())
        .map(Val::from_bytes)
        .map_err(|e| format!("{:?} is not hex: {e}", short(&t)))
}

/// Percent-encodes every byte but letters, digits and `-_.!~*'()` (with a true second argument, every byte but
/// letters and digits), as Nuclei does.
pub(super) fn url_encode(a: &[Val]) -> R {
    let all = a.get(1).is_some_and(|v| match v {
        Val::Num(n) => *n == 1.0,
        other => other.truthy() && other.text() != "false",
    });
    let mut out = String::new();
    for &b in a[0].bytes().iter() {
        let keep = b.is_ascii_alphanumeric() || (!all && b"-_.!~*'()".contains(&b));
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    str_val(out)
}

/// Decodes `%XX` escapes; anything else, `+` included, stays as it is.
pub(super) fn url_decode(a: &[Val]) -> R {
    let s = a[0].bytes();
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let escaped = (s[i] == b'%')
            .then(|| s.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(s[i]);
                i += 1;
            }
        }
    }
    Ok(Val::from_bytes(out))
}
