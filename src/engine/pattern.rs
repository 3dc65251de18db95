//! The regular expressions of the checks: each is compiled once, on first use inside a scan, under a size limit
//! that keeps it cheap to build.
//!
//! A Unicode class under a counted repetition (`\w{20,}`, `.{0,4000}`) compiles to an automaton of megabytes and
//! costs tens of milliseconds the first time a scan needs it. The limit makes such a pattern fail on its first use
//! in the tests instead; write ASCII classes (`(?-u:\w)`) or an unbounded `.*?` instead.

use regex::{Regex, RegexBuilder};

/// Compiled size allowed for one pattern (the regex crate's default is 10 MiB).
const SIZE_LIMIT: usize = 512 * 1024;

/// Compiles a pattern written in the source.
///
/// # Panics
/// When the pattern is invalid or over the size limit: a bug in the source, found by the first test that uses it.
pub fn compile(re: &str) -> Regex {
    RegexBuilder::new(re)
        .size_limit(SIZE_LIMIT)
        .build()
        .unwrap_or_else(|e| panic!("static regex {re:?}: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    #[should_panic(expected = "size limit")]
    fn a_costly_pattern_is_refused() {
        super::compile(r"\w{20,}\w{20,}\w{20,}");
    }

    #[test]
    fn an_ascii_pattern_of_the_same_shape_is_accepted() {
        assert!(super::compile(r"(?-u)\w{20,}\w{20,}\w{20,}").is_match("a".repeat(60).as_str()));
    }
}
