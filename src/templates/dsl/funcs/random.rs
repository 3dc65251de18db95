//! Random text and numbers for templates that vary a request (`rand_text_alpha(8)` in a path): lengths bounded.

use rand::Rng;

use super::{int_arg, len_arg, str_val, text};
use crate::templates::dsl::value::Val;

type R = Result<Val, String>;

/// Longest random string a template may ask for.
const MAX_LEN: usize = 1024;
const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &str = "0123456789";

fn pick(charset: &str, n: usize) -> R {
    let chars: Vec<char> = charset.chars().collect();
    if chars.is_empty() {
        return Err("no characters left to choose from".to_string());
    }
    let mut rng = rand::rng();
    str_val(
        (0..n)
            .map(|_| chars[rng.random_range(0..chars.len())])
            .collect::<String>(),
    )
}

fn without(charset: &str, bad: Option<&Val>) -> String {
    let bad = bad.map(|b| text(b).into_owned()).unwrap_or_default();
    charset.chars().filter(|c| !bad.contains(*c)).collect()
}

/// `rand_char(charset?)`: one character, from letters and digits by default.
pub(super) fn rand_char(a: &[Val]) -> R {
    let charset = a
        .first()
        .map(|c| text(c).into_owned())
        .filter(|c| !c.trim().is_empty());
    pick(
        charset.as_deref().unwrap_or(&format!("{LETTERS}{DIGITS}")),
        1,
    )
}

/// `rand_base(length, charset?)`.
pub(super) fn rand_base(a: &[Val]) -> R {
    let n = len_arg(&a[0], "length", MAX_LEN)?;
    let charset = a
        .get(1)
        .map(|c| text(c).into_owned())
        .filter(|c| !c.trim().is_empty());
    pick(
        charset.as_deref().unwrap_or(&format!("{LETTERS}{DIGITS}")),
        n,
    )
}

/// `rand_text_alpha(length, bad_chars?)`.
pub(super) fn rand_text_alpha(a: &[Val]) -> R {
    pick(
        &without(LETTERS, a.get(1)),
        len_arg(&a[0], "length", MAX_LEN)?,
    )
}

pub(super) fn rand_text_alphanumeric(a: &[Val]) -> R {
    pick(
        &without(&format!("{LETTERS}{DIGITS}"), a.get(1)),
        len_arg(&a[0], "length", MAX_LEN)?,
    )
}

pub(super) fn rand_text_numeric(a: &[Val]) -> R {
    pick(
        &without(DIGITS, a.get(1)),
        len_arg(&a[0], "length", MAX_LEN)?,
    )
}

/// `rand_int(min?, max?)`: from `min` (default 0) up to but not including `max` (default 2^31 - 1).
pub(super) fn rand_int(a: &[Val]) -> R {
    let min = a
        .first()
        .map(|v| int_arg(v, "min"))
        .transpose()?
        .unwrap_or(0);
    let max = a
        .get(1)
        .map(|v| int_arg(v, "max"))
        .transpose()?
        .unwrap_or(i64::from(i32::MAX));
    if max <= min {
        return Err(format!("max ({max}) must be greater than min ({min})"));
    }
    Ok(Val::Num(rand::rng().random_range(min..max) as f64))
}
