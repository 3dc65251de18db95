//! String functions: tests (`contains`, `starts_with`...) and transforms (`to_lower`, `trim`, `replace`...), with
//! Go's `strings` semantics, which is what Nuclei templates were written against.

use super::{int_arg, len_arg, str_val, text};
use crate::templates::dsl::value::Val;
use crate::templates::dsl::{MAX_OUTPUT, output_limit};

type R = Result<Val, String>;

/// `repeat()` builds at most this much: it exists for short path prefixes like `../`.
const REPEAT_MAX: usize = 64 * 1024;

fn any_of(args: &[Val], test: impl Fn(&str, &str) -> bool) -> R {
    let s = text(&args[0]);
    Ok(Val::Bool(args[1..].iter().any(|a| test(&s, &text(a)))))
}

pub(super) fn contains(a: &[Val]) -> R {
    Ok(Val::Bool(text(&a[0]).contains(&*text(&a[1]))))
}

pub(super) fn contains_all(a: &[Val]) -> R {
    let s = text(&a[0]);
    Ok(Val::Bool(a[1..].iter().all(|sub| s.contains(&*text(sub)))))
}

pub(super) fn contains_any(a: &[Val]) -> R {
    any_of(a, |s, sub| s.contains(sub))
}

pub(super) fn equals_any(a: &[Val]) -> R {
    any_of(a, |s, other| s == other)
}

pub(super) fn starts_with(a: &[Val]) -> R {
    any_of(a, |s, p| s.starts_with(p))
}

pub(super) fn ends_with(a: &[Val]) -> R {
    any_of(a, |s, p| s.ends_with(p))
}

pub(super) fn line_starts_with(a: &[Val]) -> R {
    any_of(a, |s, p| s.split('\n').any(|line| line.starts_with(p)))
}

pub(super) fn line_ends_with(a: &[Val]) -> R {
    any_of(a, |s, p| s.split('\n').any(|line| line.ends_with(p)))
}

/// Length in bytes, as Go's `len` of a string.
pub(super) fn len(a: &[Val]) -> R {
    Ok(Val::Num(a[0].bytes().len() as f64))
}

/// Non-overlapping occurrences, as Go's `strings.Count` (an empty needle counts the gaps between characters).
pub(super) fn count(a: &[Val]) -> R {
    let (s, sub) = (text(&a[0]), text(&a[1]));
    let n = if sub.is_empty() {
        s.chars().count() + 1
    } else {
        s.matches(&*sub).count()
    };
    Ok(Val::Num(n as f64))
}

pub(super) fn to_lower(a: &[Val]) -> R {
    str_val(text(&a[0]).to_lowercase())
}

pub(super) fn to_upper(a: &[Val]) -> R {
    str_val(text(&a[0]).to_uppercase())
}

/// Upper-cases the first letter of each word and lower-cases the rest (the optional language is ignored).
pub(super) fn to_title(a: &[Val]) -> R {
    let mut out = String::new();
    let mut word_start = true;
    for c in text(&a[0]).chars() {
        if word_start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        word_start = !(c.is_alphanumeric() || c == '\'');
    }
    str_val(out)
}

pub(super) fn trim(a: &[Val]) -> R {
    let cut = text(&a[1]);
    str_val(text(&a[0]).trim_matches(|c| cut.contains(c)))
}

pub(super) fn trim_left(a: &[Val]) -> R {
    let cut = text(&a[1]);
    str_val(text(&a[0]).trim_start_matches(|c| cut.contains(c)))
}

pub(super) fn trim_right(a: &[Val]) -> R {
    let cut = text(&a[1]);
    str_val(text(&a[0]).trim_end_matches(|c| cut.contains(c)))
}

pub(super) fn trim_space(a: &[Val]) -> R {
    str_val(text(&a[0]).trim())
}

pub(super) fn trim_prefix(a: &[Val]) -> R {
    let (s, p) = (text(&a[0]), text(&a[1]));
    str_val(s.strip_prefix(&*p).unwrap_or(&s))
}

pub(super) fn trim_suffix(a: &[Val]) -> R {
    let (s, p) = (text(&a[0]), text(&a[1]));
    str_val(s.strip_suffix(&*p).unwrap_or(&s))
}

/// Replaces every occurrence, refusing before building a result that would pass the output limit.
pub(super) fn replace(a: &[Val]) -> R {
    let (s, old, new) = (text(&a[0]), text(&a[1]), text(&a[2]));
    let hits = if old.is_empty() {
        s.chars().count() + 1
    } else {
        s.matches(&*old).count()
    };
    let size =
        (s.len() - hits.min(s.len()) * old.len()).saturating_add(hits.saturating_mul(new.len()));
    if size > output_limit(s.len()) {
        return Err(format!(
            "the result would be {size} bytes, more than {MAX_OUTPUT}"
        ));
    }
    if old.is_empty() {
        // Go inserts `new` before every character and at the end.
        let mut out = String::with_capacity(size);
        for c in s.chars() {
            out.push_str(&new);
            out.push(c);
        }
        out.push_str(&new);
        return str_val(out);
    }
    str_val(s.replace(&*old, &new))
}

pub(super) fn remove_bad_chars(a: &[Val]) -> R {
    let bad = text(&a[1]);
    str_val(
        text(&a[0])
            .chars()
            .filter(|c| !bad.contains(*c))
            .collect::<String>(),
    )
}

pub(super) fn concat(a: &[Val]) -> R {
    join_with("", a)
}

/// `join(separator, items...)`.
pub(super) fn join(a: &[Val]) -> R {
    join_with(&text(&a[0]), &a[1..])
}

fn join_with(sep: &str, items: &[Val]) -> R {
    let lens = items.iter().map(|v| v.bytes().len());
    let size = lens
        .clone()
        .sum::<usize>()
        .saturating_add(sep.len().saturating_mul(items.len()));
    if size > output_limit(lens.max().unwrap_or(0)) {
        return Err(format!(
            "the result would be {size} bytes, more than {MAX_OUTPUT}"
        ));
    }
    let mut out = Vec::with_capacity(size);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(sep.as_bytes());
        }
        out.extend_from_slice(&item.bytes());
    }
    Ok(Val::from_bytes(out))
}

pub(super) fn repeat(a: &[Val]) -> R {
    let s = text(&a[0]);
    let n = len_arg(&a[1], "count", REPEAT_MAX)?;
    if s.len().saturating_mul(n) > REPEAT_MAX {
        return Err(format!(
            "the result would be longer than {REPEAT_MAX} bytes"
        ));
    }
    str_val(s.repeat(n))
}

pub(super) fn reverse(a: &[Val]) -> R {
    str_val(text(&a[0]).chars().rev().collect::<String>())
}

/// The characters of the text in order (Nuclei's one-argument form).
pub(super) fn sort(a: &[Val]) -> R {
    let mut chars: Vec<char> = text(&a[0]).chars().collect();
    chars.sort_unstable();
    str_val(chars.into_iter().collect::<String>())
}

/// The text without repeated characters, first occurrences kept (Nuclei's one-argument form).
pub(super) fn uniq(a: &[Val]) -> R {
    let mut seen = std::collections::HashSet::new();
    str_val(
        text(&a[0])
            .chars()
            .filter(|c| seen.insert(*c))
            .collect::<String>(),
    )
}

/// `substr(s, start, end?)` by byte offsets, as Go slices strings; a negative end counts from the end.
pub(super) fn substr(a: &[Val]) -> R {
    let s = a[0].bytes();
    let len = s.len() as i64;
    let start = int_arg(&a[1], "start")?;
    let mut end = match a.get(2) {
        Some(e) => int_arg(e, "end")?,
        None => len,
    };
    if end < 0 {
        end += len;
    }
    if start < 0 || start > len || end < start || end > len {
        return Err(format!(
            "range {start}..{end} is outside a string of {len} bytes"
        ));
    }
    Ok(Val::from_bytes(s[start as usize..end as usize].to_vec()))
}

/// The byte at a zero-based offset, as a one-character string.
pub(super) fn index(a: &[Val]) -> R {
    let s = a[0].bytes();
    let i = int_arg(&a[1], "index")?;
    match usize::try_from(i).ok().and_then(|i| s.get(i)) {
        Some(b) => str_val(char::from(*b).to_string()),
        None => Err(format!(
            "index {i} is outside a string of {} bytes",
            s.len()
        )),
    }
}
