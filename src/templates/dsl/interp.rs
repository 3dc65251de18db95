//! `{{...}}` placeholders in template text (paths, headers, variables): finding them and replacing each with the
//! value of its expression.

use super::{DslError, Expr, Vars};

/// Replaces each `{{expr}}` in `text` with its evaluated value. A `{{name}}` whose variable is unknown is an error
/// naming it. Text without `{{` comes back unchanged. `{{` without a closing `}}` is left as text.
pub fn interpolate(text: &str, vars: &dyn Vars) -> Result<String, DslError> {
    if !text.contains("{{") {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((before, inner, after)) = next_placeholder(rest) {
        out.push_str(before);
        let value = Expr::parse(inner.trim())?.eval(vars)?;
        out.push_str(&value.as_string());
        rest = after;
    }
    out.push_str(rest);
    Ok(out)
}

/// Every `{{...}}` expression in `text` (the text between the braces, trimmed).
pub fn placeholders(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some((_, inner, after)) = next_placeholder(rest) {
        found.push(inner.trim().to_string());
        rest = after;
    }
    found
}

/// Splits off the first complete placeholder: the text before it, its inside, and the text after it. The closing
/// `}}` is looked for outside quoted strings first, so `{{concat("}}", x)}}` is one placeholder.
fn next_placeholder(text: &str) -> Option<(&str, &str, &str)> {
    let open = text.find("{{")?;
    let body = &text[open + 2..];
    let close = close_outside_quotes(body).or_else(|| body.find("}}"))?;
    Some((&text[..open], &body[..close], &body[close + 2..]))
}

fn close_outside_quotes(body: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'}' && bytes.get(i + 1) == Some(&b'}') => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}
