//! `html_escape` and `html_unescape`: Go's `html` package behaviour for the five special characters, numeric
//! references, and the named entities pages commonly use.

use super::{str_val, text};
use crate::templates::dsl::value::Val;

type R = Result<Val, String>;

/// Named entities decoded; Go knows all of HTML5's, but templates compare against pages, where these dominate.
const NAMED: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", "\u{a0}"),
    ("copy", "©"),
    ("reg", "®"),
    ("trade", "™"),
    ("hellip", "…"),
    ("mdash", "—"),
    ("ndash", "–"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("middot", "·"),
    ("euro", "€"),
    ("pound", "£"),
    ("yen", "¥"),
    ("sect", "§"),
    ("deg", "°"),
];

/// Escapes `<`, `>`, `&`, `'` and `"` as Go does; with a true second argument, every character as `&#N;`.
pub(super) fn html_escape(a: &[Val]) -> R {
    let s = text(&a[0]);
    let all = a.get(1).is_some_and(|v| v.truthy() && v.text() != "false");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            _ if all => out.push_str(&format!("&#{};", u32::from(c))),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            '"' => out.push_str("&#34;"),
            c => out.push(c),
        }
    }
    str_val(out)
}

pub(super) fn html_unescape(a: &[Val]) -> R {
    let s = text(&a[0]);
    let mut out = String::with_capacity(s.len());
    let mut rest: &str = &s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match entity(rest) {
            Some((decoded, used)) => {
                out.push_str(&decoded);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    str_val(out)
}

/// The entity at the start of `s` (which starts with `&`): its text and how many bytes it used.
fn entity(s: &str) -> Option<(String, usize)> {
    let end = s[1..].find(';').filter(|&e| e <= 32)? + 1;
    let body = &s[1..end];
    let decoded = if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        char::from_u32(code).unwrap_or('\u{fffd}').to_string()
    } else {
        NAMED.iter().find(|(name, _)| *name == body)?.1.to_string()
    };
    Some((decoded, end + 1))
}
