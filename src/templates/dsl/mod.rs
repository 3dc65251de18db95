//! The template DSL: Nuclei's govaluate-style expressions (`dsl` matchers and extractors, `{{...}}` placeholders),
//! parsed once into an [`Expr`] and evaluated against the variables of a response.
//!
//! Templates come from the internet, so everything here is bounded: expression length and nesting, regex size
//! (compiled once and cached), and the length of every string a function builds. Functions with side effects or
//! network access (`resolve`, `wait_for`, gadget generators...) parse, so a template using them loads and can be
//! reported as skipped, but refuse to run.

mod eval;
mod funcs;
mod interp;
mod lex;
mod mmh3;
mod ops;
mod parse;
mod regex_cache;
mod value;
mod version;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

pub use funcs::FUNCTIONS;
pub use interp::{interpolate, placeholders};
pub use value::Value;

/// Longest expression accepted, in bytes.
pub const MAX_EXPR_LEN: usize = 16 * 1024;
/// Deepest nesting accepted (parentheses, calls, operators).
pub const MAX_DEPTH: usize = 64;
/// Longest string a function or operator may build (see `output_limit` for inputs that are already longer).
pub const MAX_OUTPUT: usize = 1 << 20;

/// How long a string built from inputs of at most `longest_input` bytes may be: a body longer than
/// [`MAX_OUTPUT`] may still be lowered, trimmed or given a short suffix, but never doubled.
pub(crate) fn output_limit(longest_input: usize) -> usize {
    MAX_OUTPUT.max(longest_input.saturating_add(MAX_EXPR_LEN))
}

/// What an expression reads its variables from. Names are case-sensitive; implementations should fall back to a
/// case-insensitive match, as the `HashMap` one does.
pub trait Vars {
    fn get(&self, name: &str) -> Option<Value>;

    /// The raw bytes of a variable whose text may not be UTF-8 (a favicon body), for `mmh3`, `md5`, `base64_py`
    /// and the other byte-reading functions. `None` means: use [`Vars::get`].
    fn get_bytes(&self, _name: &str) -> Option<Vec<u8>> {
        None
    }
}

impl Vars for HashMap<String, Value> {
    fn get(&self, name: &str) -> Option<Value> {
        if let Some(v) = HashMap::get(self, name) {
            return Some(v.clone());
        }
        self.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

/// An error parsing or evaluating an expression; the message says what and, for syntax, where.
#[derive(Debug, Clone, PartialEq)]
pub struct DslError(pub String);

impl std::fmt::Display for DslError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DslError {}

/// A parsed expression, ready to evaluate any number of times.
#[derive(Debug, Clone)]
pub struct Expr {
    root: parse::Node,
    variables: Vec<String>,
    functions: Vec<String>,
}

impl Expr {
    /// Parses `src`. Unknown functions and wrong argument counts are errors here, not at evaluation.
    pub fn parse(src: &str) -> Result<Expr, DslError> {
        if src.len() > MAX_EXPR_LEN {
            return Err(DslError(format!(
                "expression is {} bytes, longer than the {MAX_EXPR_LEN} allowed",
                src.len()
            )));
        }
        let tree = parse::parse(lex::lex(src)?)?;
        Ok(Expr {
            root: tree.root,
            variables: tree.variables,
            functions: tree.functions,
        })
    }

    /// Evaluates against `vars`. A variable `vars` does not have is an error naming it.
    pub fn eval(&self, vars: &dyn Vars) -> Result<Value, DslError> {
        eval::eval(&self.root, vars).map(value::Val::into_value)
    }

    /// Every variable name the expression reads, once each, in order of appearance.
    pub fn variables(&self) -> Vec<String> {
        self.variables.clone()
    }

    /// Every function name the expression calls, once each, in order of appearance.
    pub fn functions(&self) -> Vec<String> {
        self.functions.clone()
    }
}
