//! Compiled regexes for `regex()`, `=~` and friends: size-limited, because patterns come from templates, and cached,
//! because one matcher runs against every response of a scan.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use regex::{Regex, RegexBuilder};

use super::{DslError, MAX_EXPR_LEN};

/// Entries kept before the cache starts over; a scan's templates use far fewer distinct patterns.
const CAPACITY: usize = 512;
/// Compiled program and lazy DFA budget per pattern.
const SIZE_LIMIT: usize = 1 << 20;

static CACHE: LazyLock<Mutex<HashMap<String, Arc<Regex>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

pub(crate) fn compile(pattern: &str) -> Result<Arc<Regex>, DslError> {
    if pattern.len() > MAX_EXPR_LEN {
        return Err(DslError(format!(
            "regex is {} bytes, longer than the {MAX_EXPR_LEN} allowed",
            pattern.len()
        )));
    }
    if let Some(re) = lock().get(pattern) {
        return Ok(Arc::clone(re));
    }
    let re = RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| {
            DslError(format!(
                "invalid regex {pattern:?}: {}",
                problem(&e.to_string())
            ))
        })?;
    let re = Arc::new(re);
    let mut cache = lock();
    if cache.len() >= CAPACITY {
        cache.clear();
    }
    cache.insert(pattern.to_string(), Arc::clone(&re));
    Ok(re)
}

fn lock() -> std::sync::MutexGuard<'static, HashMap<String, Arc<Regex>>> {
    // A panic elsewhere while holding the lock leaves a map that is still valid.
    CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The regex crate's errors draw the pattern over several lines; the last line names the problem.
fn problem(msg: &str) -> String {
    msg.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(msg)
        .trim()
        .to_string()
}

#[cfg(test)]
pub(crate) fn cached(pattern: &str) -> bool {
    lock().contains_key(pattern)
}
