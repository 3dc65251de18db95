//! What each operator does to its operands, following govaluate where templates depend on it: `+` joins text when
//! either side is text, comparisons are numeric when both sides read as numbers, `=~` matches a regex.

use std::cmp::Ordering;

use super::value::{Val, format_num};
use super::{DslError, MAX_OUTPUT, output_limit, regex_cache};

pub(crate) fn unary(op: &str, v: Val) -> Result<Val, DslError> {
    match op {
        "!" => Ok(Val::Bool(!v.truthy())),
        "-" => Ok(Val::Num(-num(op, &v)?)),
        "+" => Ok(Val::Num(num(op, &v)?)),
        "~" => Ok(Val::Num(!int(op, &v)? as f64)),
        _ => Err(DslError(format!("unknown operator '{op}'"))),
    }
}

pub(crate) fn binary(op: &str, l: Val, r: Val) -> Result<Val, DslError> {
    match op {
        "+" => add(l, r),
        "-" | "*" | "/" | "%" | "**" => arith(op, &l, &r),
        "&" | "|" | "^" | "<<" | ">>" => bitwise(op, &l, &r),
        "==" => Ok(Val::Bool(equal(&l, &r))),
        "!=" => Ok(Val::Bool(!equal(&l, &r))),
        "<" | "<=" | ">" | ">=" => compare(op, &l, &r),
        "=~" => Ok(Val::Bool(
            regex_cache::compile(&r.text())?.is_match(&l.text()),
        )),
        "!~" => Ok(Val::Bool(
            !regex_cache::compile(&r.text())?.is_match(&l.text()),
        )),
        _ => Err(DslError(format!("unknown operator '{op}'"))),
    }
}

fn describe(v: &Val) -> String {
    match v {
        Val::Str(_) | Val::Bytes(_) => {
            let text = v.text();
            let short: String = text.chars().take(40).collect();
            let more = if short.len() < text.len() { "..." } else { "" };
            format!("string {short:?}{more}")
        }
        Val::Num(n) => format!("number {}", format_num(*n)),
        other => other.type_name().to_string(),
    }
}

fn num(op: &str, v: &Val) -> Result<f64, DslError> {
    v.number().ok_or_else(|| {
        DslError(format!(
            "operator '{op}' needs a number, got {}",
            describe(v)
        ))
    })
}

/// Bitwise operators work on 64-bit integers, as govaluate's do.
fn int(op: &str, v: &Val) -> Result<i64, DslError> {
    Ok(num(op, v)? as i64)
}

fn add(l: Val, r: Val) -> Result<Val, DslError> {
    if l.is_text() || r.is_text() {
        let (a, b) = (l.bytes(), r.bytes());
        if a.len() + b.len() > output_limit(a.len().max(b.len())) {
            return Err(DslError(format!(
                "'+' would build a string longer than {MAX_OUTPUT} bytes"
            )));
        }
        let mut out = a.into_owned();
        out.extend_from_slice(&b);
        return Ok(Val::from_bytes(out));
    }
    Ok(Val::Num(num("+", &l)? + num("+", &r)?))
}

fn arith(op: &str, l: &Val, r: &Val) -> Result<Val, DslError> {
    let (a, b) = (num(op, l)?, num(op, r)?);
    Ok(Val::Num(match op {
        "-" => a - b,
        "*" => a * b,
        "/" => a / b,
        "%" => a % b,
        _ => a.powf(b),
    }))
}

fn bitwise(op: &str, l: &Val, r: &Val) -> Result<Val, DslError> {
    let (a, b) = (int(op, l)?, int(op, r)?);
    let shift = b.clamp(0, 63) as u32;
    Ok(Val::Num(match op {
        "&" => a & b,
        "|" => a | b,
        "^" => a ^ b,
        "<<" => a.wrapping_shl(shift),
        _ => a.wrapping_shr(shift),
    } as f64))
}

/// Equality: text to text by bytes, number to number, and a number to text that reads as that number (a status code
/// against `"200"`). Different kinds are otherwise unequal.
pub(crate) fn equal(l: &Val, r: &Val) -> bool {
    match (l, r) {
        (Val::Num(_), t) | (t, Val::Num(_)) if t.is_text() => {
            l.number().zip(r.number()).is_some_and(|(a, b)| a == b)
        }
        (a, b) if a.is_text() && b.is_text() => a.bytes() == b.bytes(),
        (Val::Num(a), Val::Num(b)) => a == b,
        (Val::Bool(a), Val::Bool(b)) => a == b,
        (Val::Null, Val::Null) => true,
        _ => false,
    }
}

/// Ordering: numeric when both sides read as numbers (`"10" > "9"`), otherwise text by bytes.
fn compare(op: &str, l: &Val, r: &Val) -> Result<Val, DslError> {
    let orderable = |v: &Val| matches!(v, Val::Num(_) | Val::Str(_) | Val::Bytes(_));
    if !orderable(l) || !orderable(r) {
        return Err(DslError(format!(
            "operator '{op}' cannot compare {} with {}",
            describe(l),
            describe(r)
        )));
    }
    let ord = match (l.number(), r.number()) {
        (Some(a), Some(b)) => a.partial_cmp(&b),
        _ => Some(l.bytes().as_ref().cmp(r.bytes().as_ref())),
    };
    let Some(ord) = ord else {
        return Ok(Val::Bool(false));
    };
    Ok(Val::Bool(match op {
        "<" => ord == Ordering::Less,
        "<=" => ord != Ordering::Greater,
        ">" => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    }))
}
