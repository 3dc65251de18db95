//! Matchers and extractors over responses: the parts a template reads (`body`, `header`, `status_code`, each header
//! by name...), the variables its expressions see, and what matched (for the finding's evidence).

use super::dsl::{self, Value, Vars};
use super::model::{Block, ExtractKind, Extractor, MatchKind, Matcher};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A response as templates read it. Built once per response and shared by every template that reads it.
#[derive(Debug)]
pub struct ResponseView {
    pub url: String,
    pub status: u16,
    /// The body as it came (shared with the scan's caches, not copied).
    pub body_bytes: bytes::Bytes,
    /// The body's text when it is not valid UTF-8 (invalid bytes replaced).
    lossy: Option<String>,
    /// The status line and headers, as `Name: value` lines.
    pub header: String,
    /// Header values by part name (`content_type`), several values joined by `, `.
    pub headers: HashMap<String, String>,
    lower_body: OnceLock<String>,
    lower_header: OnceLock<String>,
    all: OnceLock<String>,
}

impl ResponseView {
    /// The view of `resp`.
    pub fn new(resp: &crate::engine::net::HttpResponse) -> ResponseView {
        let mut header = format!("{:?} {}\r\n", resp.version, resp.status);
        let mut headers: HashMap<String, String> = HashMap::new();
        for (name, value) in &resp.headers {
            let value = String::from_utf8_lossy(value.as_bytes());
            header.push_str(&format!("{}: {}\r\n", name.as_str(), value));
            let key = name.as_str().to_ascii_lowercase().replace('-', "_");
            headers
                .entry(key)
                .and_modify(|v| {
                    v.push_str(", ");
                    v.push_str(&value)
                })
                .or_insert_with(|| value.into_owned());
        }
        ResponseView {
            url: resp.url.to_string(),
            status: resp.status,
            lossy: std::str::from_utf8(&resp.body)
                .is_err()
                .then(|| String::from_utf8_lossy(&resp.body).into_owned()),
            body_bytes: resp.body.clone(),
            header,
            headers,
            lower_body: OnceLock::new(),
            lower_header: OnceLock::new(),
            all: OnceLock::new(),
        }
    }

    /// The body as text.
    pub fn body(&self) -> &str {
        match &self.lossy {
            Some(text) => text,
            None => std::str::from_utf8(&self.body_bytes).unwrap_or_default(),
        }
    }

    fn all(&self) -> &str {
        self.all
            .get_or_init(|| format!("{}\r\n{}", self.header, self.body()))
    }

    /// The text of a part (`body`, `header`, `all`, a header's name...), `None` for a part this response has not.
    pub fn part(&self, name: &str) -> Option<&str> {
        match name {
            "body" => Some(self.body()),
            "header" | "all_headers" | "headers" => Some(&self.header),
            "all" | "response" | "raw" => Some(self.all()),
            _ => self.headers.get(name).map(String::as_str),
        }
    }

    /// A part in lower case (for case-insensitive matchers), computed once for the body and the headers.
    fn lower_part(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        match name {
            "body" => Some(
                self.lower_body
                    .get_or_init(|| self.body().to_lowercase())
                    .as_str()
                    .into(),
            ),
            "header" | "all_headers" | "headers" => Some(
                self.lower_header
                    .get_or_init(|| self.header.to_lowercase())
                    .as_str()
                    .into(),
            ),
            other => self.part(other).map(|p| p.to_lowercase().into()),
        }
    }

    /// A response variable (`status_code`, `content_length`, `body`, a header...).
    fn var(&self, name: &str) -> Option<Value> {
        match name {
            "status_code" | "status" => Some(Value::from(self.status as u64)),
            "content_length" => Some(Value::from(
                self.headers
                    .get("content_length")
                    .and_then(|l| l.trim().parse::<u64>().ok())
                    .unwrap_or(self.body_bytes.len() as u64),
            )),
            "matched" | "url" => Some(Value::from(self.url.as_str())),
            "duration" => Some(Value::from(0u64)),
            other => self.part(other).map(Value::from),
        }
    }
}

/// What a template's expressions see: the responses of the block (the last one unsuffixed, each one as `name_N`),
/// then the template's own and extracted variables.
pub struct Scope<'a> {
    pub responses: &'a [&'a ResponseView],
    pub vars: &'a HashMap<String, Value>,
}

impl Vars for Scope<'_> {
    fn get_bytes(&self, name: &str) -> Option<Vec<u8>> {
        let (view, part) = match name.rsplit_once('_') {
            Some((base, n)) if n.parse::<usize>().is_ok_and(|n| n >= 1) => {
                (self.responses.get(n.parse::<usize>().ok()? - 1)?, base)
            }
            _ => (self.responses.last()?, name),
        };
        (part == "body").then(|| view.body_bytes.to_vec())
    }

    fn get(&self, name: &str) -> Option<Value> {
        if let Some(last) = self.responses.last()
            && let Some(v) = last.var(name)
        {
            return Some(v);
        }
        if let Some((base, n)) = name.rsplit_once('_')
            && let Ok(n) = n.parse::<usize>()
            && n >= 1
            && let Some(view) = self.responses.get(n - 1)
            && let Some(v) = view.var(base)
        {
            return Some(v);
        }
        if let Some(v) = self.vars.get(name) {
            return Some(v.clone());
        }
        self.vars
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

impl Scope<'_> {
    /// A part of the responses by name, with `_N` suffixes for the N-th response.
    fn part(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        self.part_with(name, false)
    }

    fn part_with(&self, name: &str, lower: bool) -> Option<std::borrow::Cow<'_, str>> {
        let read = |view: &'_ ResponseView, part: &str| -> Option<String> {
            if lower {
                view.lower_part(part).map(|c| c.into_owned())
            } else {
                view.part(part).map(str::to_string)
            }
        };
        if let Some(last) = self.responses.last() {
            // The common case (one response, a plain part) borrows rather than copies.
            if !lower && let Some(p) = last.part(name) {
                return Some(p.into());
            }
            if lower && let Some(p) = last.lower_part(name) {
                return Some(p);
            }
        }
        if let Some((base, n)) = name.rsplit_once('_')
            && let Ok(n) = n.parse::<usize>()
            && n >= 1
            && let Some(view) = self.responses.get(n - 1)
        {
            return read(view, base).map(Into::into);
        }
        self.get(name).map(|v| v.as_string().into())
    }
}

/// What one matcher saw when it matched: a short piece of the response, for the evidence.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    pub names: Vec<String>,
    pub snippets: Vec<String>,
}

/// Runs one matcher; `Some` with what it saw when it matches (after `negative`).
pub fn run_matcher(m: &Matcher, scope: &Scope<'_>) -> Option<Option<String>> {
    let (hit, snippet) = raw_match(m, scope);
    match (hit, m.negative) {
        (true, false) => Some(snippet),
        (false, true) => Some(None),
        _ => None,
    }
}

fn raw_match(m: &Matcher, scope: &Scope<'_>) -> (bool, Option<String>) {
    let combine = |results: &mut dyn Iterator<Item = Option<String>>| -> (bool, Option<String>) {
        let mut first = None;
        let mut any = false;
        for r in results {
            match r {
                Some(s) => {
                    any = true;
                    first.get_or_insert(s);
                    if !m.all {
                        return (true, first);
                    }
                }
                None if m.all => return (false, None),
                None => {}
            }
        }
        (any, first)
    };
    match &m.kind {
        MatchKind::Status(codes) => {
            let status = scope
                .get(&suffixed("status_code", &m.part))
                .and_then(|v| v.as_string().parse::<u16>().ok());
            (status.is_some_and(|s| codes.contains(&s)), None)
        }
        MatchKind::Size(sizes) => {
            let len = scope.part(&m.part).map(|p| p.len()).unwrap_or(0);
            (sizes.contains(&len), None)
        }
        MatchKind::Words(words) => {
            let Some(text) = scope.part_with(&m.part, m.case_insensitive) else {
                return (false, None);
            };
            combine(&mut words.iter().map(|w| {
                let word = if w.contains("{{") {
                    dsl::interpolate(w, scope).ok().map(|s| {
                        if m.case_insensitive {
                            s.to_lowercase()
                        } else {
                            s
                        }
                    })
                } else {
                    Some(w.clone())
                };
                word.filter(|w| text.contains(w.as_str()))
                    .map(|w| format!("\"{}\"", snippet(&w)))
            }))
        }
        MatchKind::Regex(regexes) => {
            let Some(text) = scope.part(&m.part) else {
                return (false, None);
            };
            combine(&mut regexes.iter().map(|r| {
                r.get()?
                    .find(&text)
                    .map(|f| format!("\"{}\"", snippet(f.as_str())))
            }))
        }
        MatchKind::Binary(needles) => {
            let Some(view) = scope.responses.last() else {
                return (false, None);
            };
            let hay: &[u8] = if m.part == "body" {
                &view.body_bytes
            } else {
                view.part(&m.part).unwrap_or("").as_bytes()
            };
            combine(&mut needles.iter().map(|n| {
                (!n.is_empty() && hay.windows(n.len()).any(|w| w == n.as_slice()))
                    .then(|| format!("bytes {}", hex::encode(n)))
            }))
        }
        MatchKind::Dsl(exprs) => combine(&mut exprs.iter().map(|e| {
            e.eval(scope)
                .ok()
                .filter(Value::truthy)
                .map(|_| "an expression".to_string())
        })),
    }
}

/// `status_code` for a matcher on `body_2` reads `status_code_2`.
fn suffixed(name: &str, part: &str) -> String {
    match part.rsplit_once('_') {
        Some((_, n)) if n.parse::<usize>().is_ok() => format!("{name}_{n}"),
        _ => name.to_string(),
    }
}

fn snippet(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    crate::engine::context::truncate(one_line.trim(), 120)
}

/// Runs a block's matchers over `scope`: what they saw when the block matches (an empty block matches when its
/// extractors found something, as in Nuclei).
pub fn matches(block: &Block, scope: &Scope<'_>) -> Option<Seen> {
    if block.matchers.is_empty() {
        return None;
    }
    let mut seen = Seen::default();
    let mut any = false;
    for m in &block.matchers {
        match run_matcher(m, scope) {
            Some(snippet) => {
                any = true;
                if let Some(name) = m.name.as_ref().filter(|_| !m.internal) {
                    seen.names.push(name.clone());
                }
                seen.snippets.extend(snippet);
            }
            None if block.all_matchers => return None,
            None => {}
        }
    }
    any.then_some(seen)
}

/// Runs the extractors over `scope`: `(name, values)` for each that found something, internal ones included.
pub fn extract(
    extractors: &[Extractor],
    scope: &Scope<'_>,
) -> Vec<(Option<String>, bool, Vec<String>)> {
    let mut out = Vec::new();
    for e in extractors {
        let mut values: Vec<String> = Vec::new();
        match &e.kind {
            ExtractKind::Regex { regexes, group } => {
                if let Some(text) = scope.part(&e.part) {
                    for r in regexes.iter().filter_map(|r| r.get()) {
                        for caps in r.captures_iter(&text).take(32) {
                            if let Some(m) = caps.get(*group) {
                                values.push(m.as_str().to_string());
                            }
                        }
                    }
                }
            }
            ExtractKind::Kval(keys) => {
                for k in keys {
                    if let Some(v) = scope.responses.last().and_then(|r| r.headers.get(k)) {
                        values.push(v.clone());
                    }
                }
            }
            ExtractKind::Json(queries) => {
                if let Some(text) = scope.part(&e.part)
                    && let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text)
                {
                    for q in queries {
                        values.extend(q.run(&doc).into_iter().take(32));
                    }
                }
            }
            ExtractKind::Dsl(exprs) => {
                for expr in exprs {
                    if let Ok(v) = expr.eval(scope)
                        && !matches!(v, Value::Null)
                    {
                        values.push(v.as_string());
                    }
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        values.retain(|v| !v.is_empty() && seen.insert(v.clone()));
        if !values.is_empty() {
            out.push((e.name.clone(), e.internal, values));
        }
    }
    out
}
