//! Conversions between text, numbers and booleans (`to_number`, `hex_to_dec`...), and `compare_versions`.

use super::{int_arg, short, str_val, text};
use crate::templates::dsl::value::{Val, parse_num};
use crate::templates::dsl::version;

type R = Result<Val, String>;

pub(super) fn to_string(a: &[Val]) -> R {
    Ok(Val::from_bytes(a[0].bytes().into_owned()))
}

pub(super) fn to_number(a: &[Val]) -> R {
    match &a[0] {
        Val::Num(n) => Ok(Val::Num(*n)),
        v => parse_num(&v.text())
            .map(Val::Num)
            .ok_or_else(|| format!("{:?} is not a number", short(&v.text()))),
    }
}

/// Go's reading of a boolean: `true`, `1`, `t`... are true; numbers are true when not zero.
pub(super) fn to_bool(a: &[Val]) -> R {
    let b = match &a[0] {
        Val::Bool(b) => *b,
        Val::Num(n) => *n != 0.0,
        Val::Null => false,
        v => matches!(v.text().trim(), "1" | "t" | "T" | "true" | "TRUE" | "True"),
    };
    Ok(Val::Bool(b))
}

pub(super) fn dec_to_hex(a: &[Val]) -> R {
    let n = int_arg(&a[0], "number")?;
    let hex = if n < 0 {
        format!("-{:x}", n.unsigned_abs())
    } else {
        format!("{n:x}")
    };
    str_val(hex)
}

/// Reads text in `radix`, with or without its prefix (`0x`, `0o`, `0b`); a number argument is read by its digits,
/// so `bin_to_dec(1010)` is 10.
fn radix_to_dec(v: &Val, prefix: &str, radix: u32) -> R {
    let t = text(v);
    let s = t.trim();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let digits = digits.strip_prefix(prefix).unwrap_or(digits);
    let n = i64::from_str_radix(digits, radix)
        .map_err(|_| format!("{:?} is not a base-{radix} number", short(s)))?;
    Ok(Val::Num(if neg { -(n as f64) } else { n as f64 }))
}

pub(super) fn hex_to_dec(a: &[Val]) -> R {
    radix_to_dec(&a[0], "0x", 16)
}

pub(super) fn oct_to_dec(a: &[Val]) -> R {
    radix_to_dec(&a[0], "0o", 8)
}

pub(super) fn bin_to_dec(a: &[Val]) -> R {
    radix_to_dec(&a[0], "0b", 2)
}

pub(super) fn compare_versions(a: &[Val]) -> R {
    let constraints: Vec<String> = a[1..].iter().map(|c| text(c).into_owned()).collect();
    version::compare_versions(&text(&a[0]), &constraints).map(Val::Bool)
}
