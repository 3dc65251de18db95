//! Hostile input: random bytes and nasty shapes never panic and stay within the limits.

use super::{err, response};
use crate::templates::dsl::{Expr, MAX_DEPTH, interpolate};

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Pieces of the grammar, so random strings often get deep into the parser instead of failing at the first byte.
const PIECES: &[&str] = &[
    "(",
    ")",
    ",",
    "'",
    "\"",
    "\\",
    "{{",
    "}}",
    "[",
    "]",
    "?",
    ":",
    "??",
    "!",
    "-",
    "+",
    "*",
    "/",
    "%",
    "**",
    "==",
    "=~",
    "<",
    ">=",
    "&&",
    "||",
    "&",
    "|",
    "^",
    "<<",
    ">>",
    "~",
    "0x",
    "1",
    "2.5",
    "1e999",
    "body",
    "a-b",
    "status_code",
    "contains(",
    "regex(",
    "repeat(",
    "replace(",
    "mmh3(",
    "base64_py(",
    "compare_versions(",
    "substr(",
    "index(",
    "date_time(",
    "hex_decode(",
    "url_decode(",
    "html_unescape(",
    "'%Q'",
    "'('",
    "'ff'",
    "-1",
    "99999999999",
    " ",
    "é",
    "\u{0}",
    "\n",
    "true",
    "false",
];

#[test]
fn random_input_never_panics() {
    let vars = response();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..4000 {
        let mut src = String::new();
        let pieces = rng.next() % 24;
        for _ in 0..pieces {
            if rng.next().is_multiple_of(5) {
                let bytes: Vec<u8> = (0..rng.next() % 4).map(|_| rng.next() as u8).collect();
                src.push_str(&String::from_utf8_lossy(&bytes));
            } else {
                src.push_str(PIECES[(rng.next() % PIECES.len() as u64) as usize]);
            }
        }
        if let Ok(expr) = Expr::parse(&src) {
            let _ = expr.eval(&vars);
        }
        let _ = interpolate(&src, &vars);
        let _ = interpolate(&format!("{{{{{src}}}}}"), &vars);
    }
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(
        Expr::parse(&deep)
            .unwrap_err()
            .to_string()
            .contains("longer than")
    );
    let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    assert!(err(&deep).contains(&format!("deeper than {MAX_DEPTH}")));
    assert!(err(&"!".repeat(8000)).contains("deeper than"));
    assert!(err(&"-".repeat(8000)).contains("deeper than"));
    assert!(err(&format!("{}1", "to_lower(".repeat(100))).contains("deeper than"));
    let chain = vec!["1"; 200].join(" + ");
    assert!(
        err(&chain).contains("deeper than"),
        "a left-deep chain is as deep as it is long"
    );
    // Within the limit all is well.
    let ok = format!(
        "{}1{}",
        "(".repeat(MAX_DEPTH - 2),
        ")".repeat(MAX_DEPTH - 2)
    );
    assert!(Expr::parse(&ok).is_ok());
}

#[test]
fn long_chains_of_and_or_stay_flat() {
    let many = vec!["contains(body, 'x')"; 300].join(" || ");
    let expr = Expr::parse(&many).expect("300 alternatives are one level");
    assert!(!expr.eval(&response()).unwrap().truthy());
}

#[test]
fn over_long_expression_is_refused() {
    let long = format!("'{}'", "a".repeat(20_000));
    assert!(
        Expr::parse(&long)
            .unwrap_err()
            .to_string()
            .contains("longer than the 16384 allowed")
    );
}
