//! Literals, variables, every operator, precedence, and syntax errors.

use super::{err, ev, response, s, yes};
use crate::templates::dsl::{Expr, Value};

#[test]
fn literals_of_each_kind() {
    assert_eq!(ev("200"), Value::Num(200.0));
    assert_eq!(ev("1.5"), Value::Num(1.5));
    assert_eq!(ev(".5"), Value::Num(0.5));
    assert_eq!(ev("0x1F"), Value::Num(31.0));
    assert_eq!(ev("2e3"), Value::Num(2000.0));
    assert_eq!(ev("true"), Value::Bool(true));
    assert_eq!(ev("false"), Value::Bool(false));
    assert_eq!(ev(r#""double""#), Value::from("double"));
    assert_eq!(ev("'single'"), Value::from("single"));
}

#[test]
fn string_escapes_decode_quotes_and_controls_and_keep_regex_backslashes() {
    assert_eq!(s(r#""a\"b""#), "a\"b");
    assert_eq!(s(r"'it\'s'"), "it's");
    assert_eq!(s(r#""l1\nl2\tx\r""#), "l1\nl2\tx\r");
    assert_eq!(s(r#""back\\slash""#), "back\\slash");
    // A regex written with one backslash or two reaches the engine the same.
    assert_eq!(s(r#""\d+\.""#), r"\d+\.");
    assert_eq!(s(r#""\\d+""#), r"\d+");
}

#[test]
fn numbers_print_like_go() {
    assert_eq!(Value::Num(200.0).as_string(), "200");
    assert_eq!(Value::Num(0.1).as_string(), "0.1");
    assert_eq!(Value::Num(-3.0).as_string(), "-3");
    assert_eq!(Value::Num(1e21).as_string(), "1000000000000000000000");
    assert_eq!(Value::Num(f64::INFINITY).as_string(), "+Inf");
    assert_eq!(Value::Bool(true).as_string(), "true");
    assert_eq!(Value::Null.as_string(), "");
}

#[test]
fn truthiness() {
    for falsy in [
        Value::Null,
        Value::Bool(false),
        Value::Num(0.0),
        Value::Num(f64::NAN),
        Value::from(""),
    ] {
        assert!(!falsy.truthy(), "{falsy:?}");
    }
    for truthy in [
        Value::Bool(true),
        Value::Num(-1.0),
        Value::from("0"),
        Value::from("false"),
    ] {
        assert!(truthy.truthy(), "{truthy:?}");
    }
}

#[test]
fn from_conversions() {
    assert_eq!(Value::from(3usize), Value::Num(3.0));
    assert_eq!(Value::from(-3i64), Value::Num(-3.0));
    assert_eq!(Value::from(String::from("x")), Value::Str("x".into()));
    assert_eq!(Value::from(true), Value::Bool(true));
    assert_eq!(Value::from(2.5f64), Value::Num(2.5));
}

#[test]
fn variables_are_case_sensitive_with_a_case_insensitive_fallback() {
    assert_eq!(ev("status_code"), Value::Num(200.0));
    assert_eq!(ev("STATUS_CODE"), Value::Num(200.0));
    assert_eq!(s("baseurl"), "http://127.0.0.1:8080");
    let mut vars = response();
    vars.insert("Body".to_string(), Value::from("exact"));
    assert_eq!(super::ev_with("Body", &vars).as_string(), "exact");
}

#[test]
fn hyphenated_names_are_variables_and_spaced_minus_subtracts() {
    assert_eq!(s("interactsh-url"), "x.oast.test");
    assert_eq!(ev("a - b"), Value::Num(5.0));
    assert_eq!(ev("a -b"), Value::Num(5.0));
    assert_eq!(ev("status_code-1"), Value::Num(199.0));
    // `a-b` is read as one name; with no such variable but both parts defined it subtracts.
    assert_eq!(ev("a-b"), Value::Num(5.0));
    assert_eq!(err("no-such-thing"), "unknown variable 'no-such-thing'");
}

#[test]
fn bracketed_names() {
    let mut vars = response();
    vars.insert("odd name".to_string(), Value::from(1i64));
    assert_eq!(super::ev_with("[odd name] + 1", &vars), Value::Num(2.0));
}

#[test]
fn arithmetic() {
    assert_eq!(ev("a + b"), Value::Num(9.0));
    assert_eq!(ev("a * b"), Value::Num(14.0));
    assert_eq!(ev("a / b"), Value::Num(3.5));
    assert_eq!(ev("a % b"), Value::Num(1.0));
    assert_eq!(ev("2 ** 10"), Value::Num(1024.0));
    assert_eq!(ev("-a"), Value::Num(-7.0));
    assert_eq!(ev("num_text * 2"), Value::Num(20.0));
    assert_eq!(ev("1 / 0").as_string(), "+Inf");
}

#[test]
fn plus_joins_text() {
    assert_eq!(s(r#""a" + "b""#), "ab");
    assert_eq!(s(r#""v" + 2"#), "v2");
    assert_eq!(s(r#""1" + "2""#), "12");
    assert_eq!(s("BaseURL + '/admin'"), "http://127.0.0.1:8080/admin");
}

#[test]
fn bitwise() {
    assert_eq!(ev("6 & 3"), Value::Num(2.0));
    assert_eq!(ev("6 | 3"), Value::Num(7.0));
    assert_eq!(ev("6 ^ 3"), Value::Num(5.0));
    assert_eq!(ev("1 << 4"), Value::Num(16.0));
    assert_eq!(ev("256 >> 4"), Value::Num(16.0));
    assert_eq!(ev("~0"), Value::Num(-1.0));
    assert_eq!(
        ev("1 << 999"),
        Value::Num((1i64 << 63) as f64),
        "shift is clamped, not a panic"
    );
}

#[test]
fn comparisons_numeric_when_both_read_as_numbers() {
    assert!(yes("status_code == 200"));
    assert!(yes(r#"status_code == "200""#));
    assert!(yes("status_code != 404"));
    assert!(yes("content_length > 1000"));
    assert!(yes("content_length >= 1234 && content_length <= 1234"));
    assert!(yes("a < b == false"));
    assert!(yes(r#""10" > "9""#), "numeric strings compare as numbers");
    assert!(yes(r#""abc" < "abd""#));
    assert!(yes(r#"content_type == "application/json""#));
    assert!(!yes(r#""abc" == 0"#));
    assert!(!yes("true == 1"));
}

#[test]
fn comparing_kinds_that_have_no_order_is_an_error() {
    assert_eq!(
        err("true < 1"),
        "operator '<' cannot compare bool with number 1"
    );
}

#[test]
fn regex_operators() {
    assert!(yes(r#"body =~ "Version [0-9.]+""#));
    assert!(yes(r#"body !~ "nginx""#));
    assert!(!yes(r#"body =~ "^Version""#));
}

#[test]
fn logic_short_circuits() {
    assert!(yes("true || missing_variable"));
    assert!(!yes("false && missing_variable"));
    assert!(yes("!false"));
    assert!(yes("!empty"));
    assert!(yes(
        "status_code == 200 && contains(body, 'Jenkins') && !contains(body, 'nginx')"
    ));
    assert!(err("true && missing_variable").contains("missing_variable"));
}

#[test]
fn ternary_and_coalesce() {
    assert_eq!(s("status_code == 200 ? 'up' : 'down'"), "up");
    assert_eq!(s("status_code == 500 ? 'up' : 'down'"), "down");
    assert_eq!(s("false ? 1 : true ? 2 : 3"), "2");
    assert_eq!(s("'set' ?? 'default'"), "set");
}

#[test]
fn precedence_follows_govaluate() {
    assert_eq!(ev("1 + 2 * 3"), Value::Num(7.0));
    assert_eq!(ev("(1 + 2) * 3"), Value::Num(9.0));
    assert_eq!(ev("10 - 4 - 3"), Value::Num(3.0), "left associative");
    assert_eq!(ev("2 * 3 ** 2"), Value::Num(18.0));
    assert_eq!(ev("1 + 1 << 2"), Value::Num(8.0), "shift is looser than +");
    assert_eq!(
        ev("1 | 2 == 3"),
        Value::Bool(true),
        "bitwise binds tighter than =="
    );
    assert!(yes("1 < 2 && 2 < 3 || false"));
    assert!(yes("true || false && false"), "&& binds tighter than ||");
    assert_eq!(s("1 + 1 == 2 ? 'ok' : 'no'"), "ok");
}

#[test]
fn variables_and_functions_are_listed_once() {
    let e = Expr::parse("contains(body, 'x') && contains(to_lower(body), 'y') || status_code == a")
        .unwrap();
    assert_eq!(e.variables(), vec!["body", "status_code", "a"]);
    assert_eq!(e.functions(), vec!["contains", "to_lower"]);
}

#[test]
fn syntax_errors_say_where() {
    assert_eq!(
        err("1 +"),
        "expected a value, found the end of the expression"
    );
    assert_eq!(
        err("(1 + 2"),
        "expected ')', found the end of the expression"
    );
    assert_eq!(err("1 + )"), "expected a value, found ')' at column 5");
    assert_eq!(err("a b"), "unexpected name 'b' at column 3");
    assert_eq!(err("'open"), "unterminated string at column 1");
    assert_eq!(
        err("a = 1"),
        "unexpected '=' (comparison is '==') at column 3"
    );
    assert_eq!(err("a # b"), "unexpected character '#' at column 3");
    assert_eq!(
        err("true ? 1"),
        "expected ':' of the '?' operator, found the end of the expression"
    );
    assert_eq!(err(""), "empty expression");
    assert_eq!(
        err("contains(body 'x')"),
        "expected ',' or ')' in the call of 'contains', found string \"x\" at column 15"
    );
}

#[test]
fn unknown_and_misused_functions_fail_at_parse() {
    assert_eq!(
        Expr::parse("nosuch(body)").unwrap_err().to_string(),
        "unknown function 'nosuch' at column 1"
    );
    assert_eq!(
        Expr::parse("contains(body)").unwrap_err().to_string(),
        "contains() takes 2 argument(s), got 1"
    );
    assert_eq!(
        Expr::parse("contains_any(body)").unwrap_err().to_string(),
        "contains_any() takes at least 2 argument(s), got 1"
    );
    assert_eq!(
        Expr::parse("substr()").unwrap_err().to_string(),
        "substr() takes 2 to 3 argument(s), got 0"
    );
}

#[test]
fn refused_functions_parse_but_do_not_run() {
    let e = Expr::parse(r#"generate_java_gadget("dns", "{{interactsh-url}}", "base64")"#).unwrap();
    assert_eq!(e.functions(), vec!["generate_java_gadget"]);
    let msg = e.eval(&response()).unwrap_err().to_string();
    assert!(
        msg.contains("generate_java_gadget() is not supported"),
        "{msg}"
    );
    for name in [
        "resolve",
        "wait_for",
        "llm_prompt",
        "public_ip",
        "jarm",
        "print_debug",
        "rand_ip",
    ] {
        assert!(!crate::templates::dsl::FUNCTIONS.contains(&name), "{name}");
        assert!(
            err(&format!("{name}('x')")).contains("not supported"),
            "{name}"
        );
    }
}

#[test]
fn operand_errors_name_the_operand() {
    assert_eq!(
        err("'abc' - 1"),
        "operator '-' needs a number, got string \"abc\""
    );
    assert_eq!(err("-true"), "operator '-' needs a number, got bool");
}
