//! Values the DSL computes with: the public [`Value`] callers pass in and get back, and the internal [`Val`] that can
//! also carry bytes that are not UTF-8 (a favicon body, a decoded blob) so hashes and encodings see the real bytes.

use std::borrow::Cow;

/// A DSL value. Numbers are `f64` like govaluate's; text is a `String`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
}

impl Value {
    /// Whether a matcher holds: `Null`, `false`, `0`, `NaN` and `""` are false, everything else true.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
        }
    }

    /// The text form, as Nuclei prints it: `200` not `200.0`, `true`, and `""` for `Null`.
    pub fn as_string(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Num(n) => format_num(*n),
            Value::Str(s) => s.clone(),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Num(n)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Num(n as f64)
    }
}

impl From<u64> for Value {
    fn from(n: u64) -> Self {
        Value::Num(n as f64)
    }
}

impl From<usize> for Value {
    fn from(n: usize) -> Self {
        Value::Num(n as f64)
    }
}

/// Formats a number the way Go's `strconv.FormatFloat(n, 'f', -1, 64)` does, which is what Nuclei prints.
pub(crate) fn format_num(n: f64) -> String {
    if n.is_nan() {
        "NaN".to_string()
    } else if n.is_infinite() {
        if n > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else {
        // Rust's Display for f64 is the shortest exact form without an exponent, like Go's 'f' with precision -1.
        format!("{n}")
    }
}

/// Parses decimal text (`200`, `-1.5`, `2e3`, surrounding spaces allowed) as a number; `None` for anything else,
/// including `inf` and `NaN`, which Rust would accept but a template never means.
pub(crate) fn parse_num(s: &str) -> Option<f64> {
    let t = s.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    let first = digits.chars().next()?;
    if !(first.is_ascii_digit() || first == '.') {
        return None;
    }
    if !digits
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    t.parse::<f64>().ok()
}

/// The value the evaluator works with: [`Value`] plus `Bytes` for text that is not UTF-8. `Bytes` never holds
/// valid UTF-8 ([`Val::from_bytes`] makes it a `Str` then), so two texts compare equal whatever their variant.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Bytes(Vec<u8>),
}

impl Val {
    pub(crate) fn from_bytes(bytes: Vec<u8>) -> Val {
        match String::from_utf8(bytes) {
            Ok(s) => Val::Str(s),
            Err(e) => Val::Bytes(e.into_bytes()),
        }
    }

    pub(crate) fn is_text(&self) -> bool {
        matches!(self, Val::Str(_) | Val::Bytes(_))
    }

    /// The text form; bytes that are not UTF-8 become U+FFFD.
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match self {
            Val::Str(s) => Cow::Borrowed(s),
            Val::Bytes(b) => String::from_utf8_lossy(b),
            Val::Null => Cow::Borrowed(""),
            Val::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Val::Num(n) => Cow::Owned(format_num(*n)),
        }
    }

    /// The exact bytes: what hashes and encoders read.
    pub(crate) fn bytes(&self) -> Cow<'_, [u8]> {
        match self {
            Val::Str(s) => Cow::Borrowed(s.as_bytes()),
            Val::Bytes(b) => Cow::Borrowed(b),
            other => match other.text() {
                Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
                Cow::Owned(s) => Cow::Owned(s.into_bytes()),
            },
        }
    }

    /// Length in bytes of the text form, without building it for numbers.
    pub(crate) fn text_len(&self) -> usize {
        match self {
            Val::Str(s) => s.len(),
            Val::Bytes(b) => b.len(),
            _ => 0,
        }
    }

    /// A number, or text that reads as one.
    pub(crate) fn number(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => parse_num(s),
            _ => None,
        }
    }

    pub(crate) fn truthy(&self) -> bool {
        match self {
            Val::Bytes(b) => !b.is_empty(),
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Num(n) => *n != 0.0 && !n.is_nan(),
            Val::Str(s) => !s.is_empty(),
        }
    }

    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "bool",
            Val::Num(_) => "number",
            Val::Str(_) | Val::Bytes(_) => "string",
        }
    }

    pub(crate) fn into_value(self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(b),
            Val::Num(n) => Value::Num(n),
            Val::Str(s) => Value::Str(s),
            Val::Bytes(b) => Value::Str(String::from_utf8_lossy(&b).into_owned()),
        }
    }
}

impl From<Value> for Val {
    fn from(v: Value) -> Self {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(b),
            Value::Num(n) => Val::Num(n),
            Value::Str(s) => Val::Str(s),
        }
    }
}

impl From<String> for Val {
    fn from(s: String) -> Self {
        Val::Str(s)
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Self {
        Val::Str(s.to_string())
    }
}
