//! Template regexes: their syntax is checked when a template loads, and they are compiled the first time a response
//! needs them. Compiling every regex of a library up front was four fifths of loading it (100 ms and 30 MB for the
//! shipped set in a release build), mostly for templates the scan never runs.

use regex::{Regex, RegexBuilder};
use std::sync::OnceLock;

/// Compiled program and lazy DFA size limits of one template regex.
const SIZE_LIMIT: usize = 1 << 20;

/// A regex checked for syntax, compiled on first use.
#[derive(Debug)]
pub struct LazyRegex {
    pattern: String,
    case_insensitive: bool,
    compiled: OnceLock<Option<Regex>>,
}

impl LazyRegex {
    /// Checks `pattern`'s syntax (as the regex crate reads it); the error names what is wrong.
    pub fn new(pattern: &str, case_insensitive: bool) -> Result<LazyRegex, String> {
        regex_syntax::ParserBuilder::new()
            .case_insensitive(case_insensitive)
            .build()
            .parse(pattern)
            .map_err(|e| e.to_string())?;
        Ok(LazyRegex {
            pattern: pattern.to_string(),
            case_insensitive,
            compiled: OnceLock::new(),
        })
    }

    /// The compiled regex; `None` when it is larger than [`SIZE_LIMIT`] compiled (it then never matches, and one
    /// warning says so).
    pub fn get(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| {
                RegexBuilder::new(&self.pattern)
                    .case_insensitive(self.case_insensitive)
                    .size_limit(SIZE_LIMIT)
                    .dfa_size_limit(SIZE_LIMIT)
                    .build()
                    .inspect_err(|e| {
                        tracing::warn!(pattern = %crate::engine::context::truncate(&self.pattern, 80), error = %e,
                            "a template regex is too large to compile: it never matches")
                    })
                    .ok()
            })
            .as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_is_checked_at_once_and_size_on_first_use() {
        assert!(LazyRegex::new("(unclosed", false).is_err());
        let r = LazyRegex::new("(?i)notebook_version\":\\s*\"([0-9.]+)", false).unwrap();
        assert_eq!(
            r.get()
                .unwrap()
                .captures("\"NOTEBOOK_VERSION\": \"6.4.1\"")
                .unwrap()[1]
                .to_string(),
            "6.4.1"
        );
        let ci = LazyRegex::new("grafana", true).unwrap();
        assert!(ci.get().unwrap().is_match("Grafana"));
        // Valid syntax, but far over the compiled size limit: never matches instead of taking the memory.
        let huge = LazyRegex::new(r"\w{1000}\w{1000}\w{1000}", false).unwrap();
        assert!(huge.get().is_none());
    }
}
