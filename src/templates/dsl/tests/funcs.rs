//! The string, regex, conversion, version, random and time functions, with Nuclei's documented examples.

use super::{err, ev, s, yes};
use crate::templates::dsl::Value;
use crate::templates::dsl::funcs::evaluable;
use crate::templates::dsl::{FUNCTIONS, regex_cache};

#[test]
fn functions_list_is_exactly_the_evaluable_table() {
    assert_eq!(FUNCTIONS, evaluable().as_slice());
    for name in [
        "contains",
        "regex",
        "mmh3",
        "base64_py",
        "compare_versions",
        "md5",
        "trim",
    ] {
        assert!(FUNCTIONS.contains(&name), "{name}");
    }
}

#[test]
fn containment() {
    assert!(yes(r#"contains("Hello", "lo")"#));
    assert!(!yes(r#"contains("Hello", "LO")"#));
    assert!(yes(r#"contains_all("Hello everyone", "lo", "every")"#));
    assert!(!yes(r#"contains_all("Hello everyone", "lo", "nobody")"#));
    assert!(yes(r#"contains_any("Hello everyone", "abc", "llo")"#));
    assert!(!yes(r#"contains_any("Hello everyone", "abc", "xyz")"#));
    assert!(yes(r#"equals_any(status_code, 301, 302, 200)"#));
    assert!(!yes(r#"equals_any("a", "b", "c")"#));
    assert!(yes("contains(body, 'Jenkins')"));
}

#[test]
fn prefixes_and_suffixes() {
    assert!(yes(r#"starts_with("Hello", "x", "He")"#));
    assert!(!yes(r#"starts_with("Hello", "lo")"#));
    assert!(yes(r#"ends_with("Hello", "lo")"#));
    assert!(yes(r#"line_starts_with("Hi\nHello", "He")"#));
    assert!(!yes(r#"line_starts_with("Hi\nHello", "ello")"#));
    assert!(yes(r#"line_ends_with("Hello\nHi", "lo")"#));
}

#[test]
fn regex_functions() {
    assert!(yes(r#"regex("H([a-z]+)o", "Hello")"#));
    assert!(!yes(r#"regex("^ello", "Hello")"#));
    assert!(yes(r#"regex_all("[a-z]", "abc", "def")"#));
    assert!(!yes(r#"regex_all("^[a-z]+$", "abc", "DEF")"#));
    assert!(yes(r#"regex_any("^[0-9]+$", "abc", "123")"#));
    assert_eq!(s(r#"replace_regex("He123llo", "(\\d+)", "")"#), "Hello");
    assert_eq!(
        s(r#"replace_regex("2.4.49", "(\d+)\.(\d+)\.(\d+)", "$3-$1")"#),
        "49-2"
    );
    assert!(yes(r#"regex("(?i)jenkins", body)"#));
}

#[test]
fn regexes_are_compiled_once_and_bad_ones_named() {
    let pattern = "cache-me-[0-9]{3}";
    assert!(yes(&format!("regex('{pattern}', 'cache-me-123')")));
    assert!(regex_cache::cached(pattern));
    let msg = err(r#"regex("(unclosed", body)"#);
    assert!(
        msg.starts_with("regex(): invalid regex \"(unclosed\""),
        "{msg}"
    );
    // Over the compiled-size limit: refused, not a slow scan.
    let msg = err(r#"regex("(\\w{100}){100}", body)"#);
    assert!(msg.contains("invalid regex"), "{msg}");
}

#[test]
fn length_and_case() {
    assert_eq!(ev(r#"len("Hello")"#), Value::Num(5.0));
    assert_eq!(
        ev(r#"len("héllo")"#),
        Value::Num(6.0),
        "bytes, as Go counts"
    );
    assert_eq!(ev("len(status_code)"), Value::Num(3.0));
    assert_eq!(ev(r#"count("cheese", "e")"#), Value::Num(3.0));
    assert_eq!(s(r#"to_lower("HELLO")"#), "hello");
    assert_eq!(s(r#"to_upper("hello")"#), "HELLO");
    assert_eq!(s(r#"to_title("hello wORLD")"#), "Hello World");
}

#[test]
fn trimming() {
    assert_eq!(s(r#"trim("aaaHelloddd", "ad")"#), "Hello");
    assert_eq!(s(r#"trim_left("aaaHelloddd", "ad")"#), "Helloddd");
    assert_eq!(s(r#"trim_right("aaaHelloddd", "ad")"#), "aaaHello");
    assert_eq!(s(r#"trim_space("  Hello  ")"#), "Hello");
    assert_eq!(s(r#"trim_prefix("aaHelloaa", "aa")"#), "Helloaa");
    assert_eq!(s(r#"trim_suffix("aaHelloaa", "aa")"#), "aaHello");
    assert_eq!(s(r#"remove_bad_chars("abcd", "bc")"#), "ad");
}

#[test]
fn building_strings() {
    assert_eq!(s(r#"replace("Hello", "He", "Ha")"#), "Hallo");
    assert_eq!(s(r#"replace("ab", "", "-")"#), "-a-b-");
    assert_eq!(s(r#"concat("Hello", 123, "world")"#), "Hello123world");
    assert_eq!(s("concat()"), "");
    assert_eq!(s(r#"join("_", 123, "hello", "world")"#), "123_hello_world");
    assert_eq!(s(r#"repeat("../", 5)"#), "../../../../../");
    assert_eq!(s(r#"reverse("abc")"#), "cba");
    assert_eq!(s(r#"sort("cba")"#), "abc");
    assert_eq!(s(r#"uniq("aabbca")"#), "abc");
    assert_eq!(s(r#"substr("Hello", 1, 3)"#), "el");
    assert_eq!(s(r#"substr("Hello", 1)"#), "ello");
    assert_eq!(s(r#"substr("Hello", 0, -1)"#), "Hell");
    assert_eq!(s(r#"index("Hello", 1)"#), "e");
    assert!(err(r#"substr("Hello", 9)"#).contains("outside"));
}

#[test]
fn growth_is_bounded() {
    assert!(err(r#"repeat("x", 65537)"#).contains("65536"));
    assert!(err(r#"repeat("abc", 30000)"#).contains("longer than 65536"));
    // 64 KiB, doubled by replace 20 times over, would be 64 GiB: refused before it is built.
    let bomb = format!("replace({}, 'x', repeat('x', 65536))", "repeat('x', 65536)");
    assert!(err(&bomb).contains("more than"), "{}", err(&bomb));
    let doubling = "concat(repeat('ab', 32768), repeat('ab', 32768))";
    assert_eq!(ev(&format!("len({doubling})")), Value::Num(131072.0));
    let mut e = "repeat('x', 65536)".to_string();
    for _ in 0..6 {
        e = format!("({e} + {e})");
    }
    assert!(err(&e).contains("longer than"), "{}", err(&e));
    assert!(err("rand_base(5000)").contains("between 0 and 1024"));
    // Each hex_encode doubles: the fifth would pass 1 MiB and is refused by the general output limit.
    let mut e = "repeat('x', 65536)".to_string();
    for _ in 0..5 {
        e = format!("hex_encode({e})");
    }
    assert_eq!(
        err(&e),
        "hex_encode() built a string longer than 1048576 bytes"
    );
}

#[test]
fn conversions() {
    assert_eq!(s("to_string(200)"), "200");
    assert_eq!(ev(r#"to_number("42")"#), Value::Num(42.0));
    assert_eq!(ev(r#"to_number("4.5") + 1"#), Value::Num(5.5));
    assert!(err(r#"to_number("abc")"#).contains("not a number"));
    assert_eq!(ev(r#"to_bool("true")"#), Value::Bool(true));
    assert_eq!(ev(r#"to_bool("no")"#), Value::Bool(false));
    assert_eq!(s("dec_to_hex(7001)"), "1b59");
    assert_eq!(ev(r#"hex_to_dec("ff")"#), Value::Num(255.0));
    assert_eq!(ev(r#"hex_to_dec("0xff")"#), Value::Num(255.0));
    assert_eq!(ev(r#"oct_to_dec("0o1234567")"#), Value::Num(342391.0));
    assert_eq!(ev("bin_to_dec(1010)"), Value::Num(10.0));
    assert_eq!(ev(r#"bin_to_dec("0b1010")"#), Value::Num(10.0));
}

#[test]
fn compare_versions_constraints() {
    assert!(yes("compare_versions('v1.0.0', '>v0.0.1', '<v1.0.1')"));
    assert!(yes("compare_versions('2.4.49', '>= 2.4.0', '< 2.4.51')"));
    assert!(!yes("compare_versions('2.4.51', '>= 2.4.0', '< 2.4.51')"));
    assert!(
        yes("compare_versions('2.4.49', '>= 2.4.0, < 2.4.51')"),
        "comma-separated in one argument"
    );
    assert!(
        yes("compare_versions('1.2', '= 1.2.0')"),
        "missing parts are zero"
    );
    assert!(
        yes("compare_versions('1.10', '> 1.9')"),
        "numeric, not text"
    );
    assert!(yes("compare_versions('1.2.5', '~> 1.2.3')"));
    assert!(!yes("compare_versions('1.3.0', '~> 1.2.3')"));
    assert!(yes("compare_versions('1.9', '~> 1.2')"));
    assert!(!yes("compare_versions('2.0', '~> 1.2')"));
    assert!(yes("compare_versions('1.0.0-beta', '< 1.0.0-rc1')"));
    assert!(
        !yes("compare_versions('1.0.0-beta', '< 2.0')"),
        "a pre-release is outside a release range (go-version)"
    );
    assert!(yes("compare_versions('1.0.0', '> 1.0.0-rc1')"));
    assert!(yes("compare_versions('1.0', '!= 1.1')"));
    assert!(yes("compare_versions('1.0.0+build5', '= 1.0.0')"));
    assert!(err("compare_versions('banana', '> 1')").contains("'banana' is not a version"));
    assert!(err("compare_versions('1.0', '>> 1')").contains("not a version constraint"));
}

#[test]
fn random_values_have_the_asked_shape() {
    let t = s("rand_text_alpha(12)");
    assert!(
        t.len() == 12 && t.chars().all(|c| c.is_ascii_alphabetic()),
        "{t}"
    );
    let t = s("rand_text_alphanumeric(10, 'ab12')");
    assert!(
        t.len() == 10
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() && !"ab12".contains(c)),
        "{t}"
    );
    let t = s("rand_text_numeric(8, '0')");
    assert!(
        t.len() == 8 && t.chars().all(|c| c.is_ascii_digit() && c != '0'),
        "{t}"
    );
    let t = s("rand_base(5, 'abc')");
    assert!(t.len() == 5 && t.chars().all(|c| "abc".contains(c)), "{t}");
    assert!("xy".contains(&s("rand_char('xy')")));
    assert_eq!(s("rand_char()").len(), 1);
    let n = ev("rand_int(1, 10)").as_string().parse::<i64>().unwrap();
    assert!((1..10).contains(&n), "{n}");
    assert!(err("rand_int(5, 5)").contains("greater than min"));
    assert!(err("rand_text_numeric(3, '0123456789')").contains("no characters"));
}

#[test]
fn time_functions() {
    let now = chrono::Utc::now().timestamp() as f64;
    let Value::Num(t) = ev("unix_time()") else {
        panic!()
    };
    assert!((t - now).abs() < 5.0);
    let Value::Num(t) = ev("unix_time(100)") else {
        panic!()
    };
    assert!((t - now - 100.0).abs() < 5.0);
    assert_eq!(
        s(r#"date_time("%Y-%M-%D %H:%m:%S", 1654870680)"#),
        "2022-06-10 14:18:00"
    );
    assert_eq!(
        s(r#"date_time("2006-01-02 15:04", 1654870680)"#),
        "2022-06-10 14:18"
    );
    assert_eq!(s(r#"date_time("Mon, 02 Jan 2006", 0)"#), "Thu, 01 Jan 1970");
    assert!(err(r#"date_time("%Q")"#).contains("%Q"));
    assert_eq!(
        ev(r#"to_unix_time("2022-01-13T16:30:10+00:00")"#),
        Value::Num(1642091410.0)
    );
    assert_eq!(
        ev(r#"to_unix_time("2022-01-13 16:30:10")"#),
        Value::Num(1642091410.0)
    );
    assert_eq!(
        ev(r#"to_unix_time("2022-01-13")"#),
        Value::Num(1642032000.0)
    );
    assert_eq!(
        ev(r#"to_unix_time("13-01-2022 16:30:10", "02-01-2006 15:04:05")"#),
        Value::Num(1642091410.0)
    );
    assert!(err(r#"to_unix_time("yesterday")"#).contains("cannot read"));
}
