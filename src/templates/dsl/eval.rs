//! Walks a parsed expression: variable lookup (with the hyphenated-name fallback), short-circuit logic, and calls,
//! whose output length is bounded.

use super::parse::Node;
use super::value::Val;
use super::{DslError, MAX_OUTPUT, Vars, ops, output_limit};

pub(crate) fn eval(node: &Node, vars: &dyn Vars) -> Result<Val, DslError> {
    match node {
        Node::Lit(v) => Ok(v.clone()),
        Node::Var(name) => lookup(name, vars),
        Node::Call(spec, args) => {
            let values = args
                .iter()
                .map(|a| eval(a, vars))
                .collect::<Result<Vec<_>, _>>()?;
            let out = spec.call(&values)?;
            let longest_input = values.iter().map(Val::text_len).max().unwrap_or(0);
            if out.text_len() > output_limit(longest_input) {
                return Err(DslError(format!(
                    "{}() built a string longer than {MAX_OUTPUT} bytes",
                    spec.name
                )));
            }
            Ok(out)
        }
        Node::Unary(op, inner) => ops::unary(op, eval(inner, vars)?),
        Node::Binary(op, l, r) => ops::binary(op, eval(l, vars)?, eval(r, vars)?),
        Node::And(items) => {
            for item in items {
                if !eval(item, vars)?.truthy() {
                    return Ok(Val::Bool(false));
                }
            }
            Ok(Val::Bool(true))
        }
        Node::Or(items) => {
            for item in items {
                if eval(item, vars)?.truthy() {
                    return Ok(Val::Bool(true));
                }
            }
            Ok(Val::Bool(false))
        }
        Node::Ternary(cond, yes, no) => {
            if eval(cond, vars)?.truthy() {
                eval(yes, vars)
            } else {
                eval(no, vars)
            }
        }
        Node::Coalesce(first, alt) => match eval(first, vars)? {
            Val::Null => eval(alt, vars),
            v => Ok(v),
        },
    }
}

fn lookup(name: &str, vars: &dyn Vars) -> Result<Val, DslError> {
    if let Some(bytes) = vars.get_bytes(name) {
        return Ok(Val::from_bytes(bytes));
    }
    if let Some(v) = vars.get(name) {
        return Ok(v.into());
    }
    // `a-b` lexes as one hyphenated name (Nuclei's `interactsh-url`); when no such variable exists but its parts
    // do, the author meant a subtraction.
    if name.contains('-') {
        let parts: Option<Vec<Val>> = name
            .split('-')
            .map(|p| vars.get(p).map(Val::from))
            .collect();
        if let Some(mut parts) = parts {
            let first = parts.remove(0);
            return parts
                .into_iter()
                .try_fold(first, |acc, next| ops::binary("-", acc, next));
        }
    }
    Err(DslError(format!("unknown variable '{name}'")))
}
