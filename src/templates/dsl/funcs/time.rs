//! Time functions: `unix_time(offset?)`, `date_time(format, unix?)` with Nuclei's `%Y-%M-%D` form or a Go layout
//! (`2006-01-02`), and `to_unix_time(text, layout?)`. Times are UTC, so a template gives the same path wherever the
//! scanner runs.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};

use super::{int_arg, short, str_val, text};
use crate::templates::dsl::value::{Val, parse_num};

type R = Result<Val, String>;

pub(super) fn unix_time(a: &[Val]) -> R {
    let offset = a
        .first()
        .map(|v| int_arg(v, "seconds"))
        .transpose()?
        .unwrap_or(0);
    Ok(Val::Num(
        Utc::now().timestamp().saturating_add(offset) as f64
    ))
}

pub(super) fn date_time(a: &[Val]) -> R {
    let format = text(&a[0]);
    let when = match a.get(1) {
        Some(v) => {
            let secs = int_arg(v, "unix time")?;
            DateTime::from_timestamp(secs, 0).ok_or_else(|| format!("{secs} is out of range"))?
        }
        None => Utc::now(),
    };
    if format.contains('%') {
        return simple_format(&format, &when);
    }
    let mut out = String::new();
    use std::fmt::Write;
    write!(out, "{}", when.format(&go_layout(&format))).map_err(|_| "bad layout".to_string())?;
    str_val(out)
}

/// Nuclei's short form: `%Y` year, `%M` month, `%D` day, `%H` hour, `%m` minute, `%S` second, two digits each.
fn simple_format(format: &str, t: &DateTime<Utc>) -> R {
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let spec = chars.next().unwrap_or(' ');
        let n = match spec {
            'Y' | 'y' => {
                out.push_str(&t.year().to_string());
                continue;
            }
            'M' => t.month(),
            'D' | 'd' => t.day(),
            'H' | 'h' => t.hour(),
            'm' => t.minute(),
            'S' | 's' => t.second(),
            other => return Err(format!("unknown date format '%{other}'")),
        };
        out.push_str(&format!("{n:02}"));
    }
    str_val(out)
}

/// Translates a Go layout (`2006-01-02 15:04:05`) into chrono's format; any other text is kept literally.
fn go_layout(layout: &str) -> String {
    const TOKENS: &[(&str, &str)] = &[
        ("January", "%B"),
        ("Monday", "%A"),
        ("Z07:00", "%:z"),
        ("-07:00", "%:z"),
        ("-0700", "%z"),
        ("2006", "%Y"),
        (".000", "%.3f"),
        ("Jan", "%b"),
        ("Mon", "%a"),
        ("MST", "%Z"),
        ("01", "%m"),
        ("02", "%d"),
        ("_2", "%e"),
        ("15", "%H"),
        ("03", "%I"),
        ("04", "%M"),
        ("05", "%S"),
        ("06", "%y"),
        ("PM", "%p"),
    ];
    let mut out = String::new();
    let mut rest = layout;
    'outer: while let Some(c) = rest.chars().next() {
        for (go, chrono) in TOKENS {
            if let Some(after) = rest.strip_prefix(go) {
                out.push_str(chrono);
                rest = after;
                continue 'outer;
            }
        }
        if c == '%' {
            out.push_str("%%");
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Seconds since 1970 for a number, an RFC 3339 time, `YYYY-MM-DD[ HH:MM[:SS]]`, or text in the given Go layout.
pub(super) fn to_unix_time(a: &[Val]) -> R {
    let t = text(&a[0]);
    let input = t.trim();
    if let Some(n) = parse_num(input) {
        return Ok(Val::Num(n.trunc()));
    }
    let parsed = match a.get(1) {
        Some(layout) => parse_with(input, &go_layout(&text(layout))),
        None => parse_default(input),
    };
    parsed
        .map(|secs| Val::Num(secs as f64))
        .ok_or_else(|| format!("cannot read {:?} as a time", short(input)))
}

fn parse_default(input: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(input) {
        return Some(t.timestamp());
    }
    ["%Y-%m-%d %H:%M:%S %:z", "%Y-%m-%d %H:%M %:z"]
        .iter()
        .find_map(|f| {
            DateTime::parse_from_str(input, f)
                .ok()
                .map(|t| t.timestamp())
        })
        .or_else(|| parse_with(input, "%Y-%m-%d %H:%M:%S"))
        .or_else(|| parse_with(input, "%Y-%m-%d %H:%M"))
        .or_else(|| {
            NaiveDate::parse_from_str(input, "%Y-%m-%d")
                .ok()?
                .and_hms_opt(0, 0, 0)
                .map(|d| d.and_utc().timestamp())
        })
}

/// Parses with a zone if the format has one, else as UTC.
fn parse_with(input: &str, format: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_str(input, format) {
        return Some(t.timestamp());
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(input, format) {
        return Some(t.and_utc().timestamp());
    }
    NaiveDate::parse_from_str(input, format)
        .ok()?
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc().timestamp())
}
