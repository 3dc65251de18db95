//! Regex functions: `regex(pattern, s)`, `regex_all`/`regex_any(pattern, s...)` and `replace_regex(s, pattern,
//! replacement)`, on the shared size-limited regex cache.

use super::text;
use crate::templates::dsl::output_limit;
use crate::templates::dsl::regex_cache::compile;
use crate::templates::dsl::value::Val;

type R = Result<Val, String>;

pub(super) fn regex(a: &[Val]) -> R {
    let re = compile(&text(&a[0])).map_err(|e| e.0)?;
    Ok(Val::Bool(re.is_match(&text(&a[1]))))
}

pub(super) fn regex_all(a: &[Val]) -> R {
    let re = compile(&text(&a[0])).map_err(|e| e.0)?;
    Ok(Val::Bool(a[1..].iter().all(|s| re.is_match(&text(s)))))
}

pub(super) fn regex_any(a: &[Val]) -> R {
    let re = compile(&text(&a[0])).map_err(|e| e.0)?;
    Ok(Val::Bool(a[1..].iter().any(|s| re.is_match(&text(s)))))
}

/// Replaces every match, expanding `$1` and `${name}` in the replacement, and stops as soon as the result passes
/// the output limit instead of building it first.
pub(super) fn replace_regex(a: &[Val]) -> R {
    let (s, replacement) = (text(&a[0]), text(&a[2]));
    let re = compile(&text(&a[1])).map_err(|e| e.0)?;
    let limit = output_limit(s.len());
    let mut out = String::new();
    let mut last = 0;
    for caps in re.captures_iter(&s) {
        let Some(whole) = caps.get(0) else { continue };
        out.push_str(&s[last..whole.start()]);
        caps.expand(&replacement, &mut out);
        last = whole.end();
        if out.len() > limit {
            return Err(format!("the result would be longer than {limit} bytes"));
        }
    }
    out.push_str(&s[last..]);
    Ok(Val::Str(out))
}
