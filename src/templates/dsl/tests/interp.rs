//! `{{...}}` placeholders: replacement, listing, and what is left alone.

use super::response;
use crate::templates::dsl::{interpolate, placeholders};

#[test]
fn replaces_names_and_expressions() {
    let v = response();
    assert_eq!(
        interpolate("{{BaseURL}}/admin", &v).unwrap(),
        "http://127.0.0.1:8080/admin"
    );
    assert_eq!(
        interpolate("{{ BaseURL }}/x?code={{status_code}}", &v).unwrap(),
        "http://127.0.0.1:8080/x?code=200"
    );
    assert_eq!(
        interpolate("/{{to_upper('ab')}}/{{base64('Hello')}}", &v).unwrap(),
        "/AB/SGVsbG8="
    );
    assert_eq!(interpolate("{{a * b}}", &v).unwrap(), "14");
}

#[test]
fn hyphenated_name_in_braces() {
    let v = response();
    assert_eq!(
        interpolate("http://{{interactsh-url}}/cb", &v).unwrap(),
        "http://x.oast.test/cb"
    );
    assert_eq!(
        placeholders("http://{{interactsh-url}}/cb"),
        vec!["interactsh-url"]
    );
}

#[test]
fn unknown_variable_is_an_error_naming_it() {
    let e = interpolate("{{BaseURL}}/{{Nonexistent}}", &response()).unwrap_err();
    assert_eq!(e.to_string(), "unknown variable 'Nonexistent'");
}

#[test]
fn text_without_placeholders_is_unchanged() {
    let v = response();
    for text in ["/plain/path", "", "a { b } c", "{ {x} }", "100% {not}"] {
        assert_eq!(interpolate(text, &v).unwrap(), text);
    }
}

#[test]
fn unclosed_braces_stay_text() {
    let v = response();
    assert_eq!(interpolate("/x/{{BaseURL", &v).unwrap(), "/x/{{BaseURL");
    assert_eq!(
        interpolate("{{status_code}}/{{tail", &v).unwrap(),
        "200/{{tail"
    );
}

#[test]
fn closing_braces_inside_a_string_do_not_end_the_placeholder() {
    let v = response();
    assert_eq!(
        interpolate(r#"{{concat("}}", "x")}}!"#, &v).unwrap(),
        "}}x!"
    );
    assert_eq!(
        placeholders(r#"a{{concat("}}", 'y')}}b{{ c }}"#),
        vec![r#"concat("}}", 'y')"#, "c"]
    );
}

#[test]
fn placeholders_lists_each_trimmed() {
    assert_eq!(
        placeholders("{{BaseURL}}/{{ path }}?q={{rand_text_alpha(5)}}"),
        vec!["BaseURL", "path", "rand_text_alpha(5)"]
    );
    assert!(placeholders("no braces").is_empty());
    assert!(placeholders("{{unclosed").is_empty());
}

#[test]
fn syntax_error_in_a_placeholder_is_reported() {
    let e = interpolate("/{{contains(}}", &response()).unwrap_err();
    assert!(e.to_string().contains("expected a value"), "{e}");
}
