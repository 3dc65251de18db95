//! Unit tests of the DSL, by area: operators and syntax, functions, encodings and hashes, placeholders, and hostile
//! input. Expected values are the ones Nuclei's documentation gives where it gives one.

mod funcs;
mod fuzz;
mod hashes;
mod interp;
mod syntax;

use std::collections::HashMap;

use super::{Expr, Value, Vars};

/// The variables of a typical response, as the template engine supplies them.
fn response() -> HashMap<String, Value> {
    let mut v = HashMap::new();
    v.insert("status_code".to_string(), Value::from(200u64));
    v.insert(
        "body".to_string(),
        Value::from("<html><title>Jenkins</title>Version 2.4.49</html>"),
    );
    v.insert("content_type".to_string(), Value::from("application/json"));
    v.insert("content_length".to_string(), Value::from(1234u64));
    v.insert("BaseURL".to_string(), Value::from("http://127.0.0.1:8080"));
    v.insert("interactsh-url".to_string(), Value::from("x.oast.test"));
    v.insert("a".to_string(), Value::from(7i64));
    v.insert("b".to_string(), Value::from(2i64));
    v.insert("num_text".to_string(), Value::from("10"));
    v.insert("empty".to_string(), Value::from(""));
    v
}

/// Evaluates against [`response`], panicking with the error so a failing test shows it.
fn ev(src: &str) -> Value {
    ev_with(src, &response())
}

fn ev_with(src: &str, vars: &dyn Vars) -> Value {
    let expr = Expr::parse(src).unwrap_or_else(|e| panic!("parse {src:?}: {e}"));
    expr.eval(vars)
        .unwrap_or_else(|e| panic!("eval {src:?}: {e}"))
}

fn s(src: &str) -> String {
    ev(src).as_string()
}

fn yes(src: &str) -> bool {
    match ev(src) {
        Value::Bool(b) => b,
        other => panic!("{src:?} gave {other:?}, not a bool"),
    }
}

/// The error of parsing or evaluating `src` (the test fails if there is none).
fn err(src: &str) -> String {
    match Expr::parse(src) {
        Err(e) => e.to_string(),
        Ok(expr) => match expr.eval(&response()) {
            Err(e) => e.to_string(),
            Ok(v) => panic!("{src:?} should fail, gave {v:?}"),
        },
    }
}
