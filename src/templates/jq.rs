//! The part of jq that `json` extractors use: paths (`.a.b`, `.["k"]`, `.[0]`, `.[]`, `.a[]?`) joined by `|`.
//! A query outside this subset is refused when the template loads, never run as something else.

use serde_json::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(i64),
    Each,
}

/// A compiled query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    steps: Vec<Step>,
}

impl Query {
    /// Reads a query; the error says what is not supported.
    pub fn parse(text: &str) -> Result<Query, String> {
        let mut steps = Vec::new();
        for part in text.split('|') {
            parse_path(part.trim(), &mut steps).map_err(|e| format!("json query '{text}': {e}"))?;
        }
        Ok(Query { steps })
    }

    /// Every value the query selects in `doc`, as text (strings as they are, other values as JSON).
    pub fn run(&self, doc: &Value) -> Vec<String> {
        let mut current: Vec<&Value> = vec![doc];
        for step in &self.steps {
            let mut next = Vec::new();
            for v in current {
                match (step, v) {
                    (Step::Key(k), Value::Object(map)) => next.extend(map.get(k)),
                    (Step::Index(i), Value::Array(items)) => {
                        let at = if *i < 0 { items.len() as i64 + i } else { *i };
                        next.extend(usize::try_from(at).ok().and_then(|i| items.get(i)));
                    }
                    (Step::Each, Value::Array(items)) => next.extend(items.iter()),
                    (Step::Each, Value::Object(map)) => next.extend(map.values()),
                    _ => {}
                }
            }
            current = next;
        }
        current
            .into_iter()
            .filter(|v| !v.is_null())
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    }
}

fn parse_path(text: &str, steps: &mut Vec<Step>) -> Result<(), String> {
    let mut rest = text;
    if !rest.starts_with('.') {
        return Err(format!(
            "'{text}' is not a path (only paths like .a.b[0] are supported)"
        ));
    }
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('?') {
            rest = r;
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').ok_or("an unclosed [")?;
            let inner = r[..end].trim();
            steps.push(if inner.is_empty() {
                Step::Each
            } else if let Some(key) = quoted(inner) {
                Step::Key(key)
            } else {
                Step::Index(
                    inner
                        .parse()
                        .map_err(|_| format!("'[{inner}]' is not an index"))?,
                )
            });
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix('.') {
            if r.is_empty() || r.starts_with('[') {
                rest = r;
                continue;
            }
            if let Some(q) = r.strip_prefix('"') {
                let end = q.find('"').ok_or("an unclosed quote")?;
                steps.push(Step::Key(q[..end].to_string()));
                rest = &q[end + 1..];
                continue;
            }
            let end = r
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '$'))
                .unwrap_or(r.len());
            if end == 0 {
                return Err(format!("unexpected '{r}'"));
            }
            steps.push(Step::Key(r[..end].to_string()));
            rest = &r[end..];
        } else {
            return Err(format!(
                "'{rest}' is not supported (only paths like .a.b[0] are)"
            ));
        }
    }
    Ok(())
}

fn quoted(s: &str) -> Option<String> {
    let s = s.strip_prefix('"').and_then(|s| s.strip_suffix('"'))?;
    Some(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(q: &str, doc: Value) -> Vec<String> {
        Query::parse(q).unwrap().run(&doc)
    }

    #[test]
    fn paths_select_what_jq_selects() {
        let doc = json!({"version": "1.2.3", "items": [{"name": "a"}, {"name": "b"}], "n": 4, "a-b": {"c": true}});
        assert_eq!(run(".version", doc.clone()), ["1.2.3"]);
        assert_eq!(run(".items[].name", doc.clone()), ["a", "b"]);
        assert_eq!(run(".items[1].name", doc.clone()), ["b"]);
        assert_eq!(run(".items[-1] | .name", doc.clone()), ["b"]);
        assert_eq!(run(".n", doc.clone()), ["4"]);
        assert_eq!(run(".[\"a-b\"].c", doc.clone()), ["true"]);
        assert_eq!(run(".\"a-b\".c", doc.clone()), ["true"]);
        assert!(run(".missing.deeper", doc).is_empty());
    }

    #[test]
    fn queries_outside_the_subset_are_refused_with_the_reason() {
        for q in ["select(.a)", ".a | length", "map(.x)", ".a[", "..x"] {
            assert!(Query::parse(q).is_err(), "{q}");
        }
    }
}
