//! A template as the engine runs it: checked against the read-only rule, its regexes and expressions compiled.

use super::dsl::Expr;
use crate::model::{Category, Severity};
use std::path::PathBuf;

/// Where a template came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Shipped in the binary (`templates/` in the repository).
    Shipped,
    /// A folder given with `--templates` or `templates.dirs`.
    Private(PathBuf),
    /// The community archive fetched by `palisade templates update`.
    Community,
}

impl Source {
    /// `shipped`, `private` or `community`.
    pub fn label(&self) -> &'static str {
        match self {
            Source::Shipped => "shipped",
            Source::Private(_) => "private",
            Source::Community => "community",
        }
    }
}

/// A template that passed the read-only rule and compiled.
#[derive(Debug)]
pub struct Template {
    pub id: String,
    /// The file it came from, relative to its library.
    pub file: String,
    pub source: Source,
    pub name: String,
    pub authors: Vec<String>,
    pub severity: Severity,
    pub description: String,
    pub remediation: String,
    pub references: Vec<String>,
    pub tags: Vec<String>,
    pub category: Category,
    pub cve: Vec<String>,
    pub cwe: Option<u32>,
    pub cvss: Option<f32>,
    /// Marked `palisade-profile: standard`: it runs in the standard profile.
    pub standard: bool,
    /// Template variables, in order: name and the text (which may hold `{{...}}` expressions).
    pub variables: Vec<(String, String)>,
    pub blocks: Vec<Block>,
}

/// How a request block follows redirects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Follow {
    No,
    /// Within the target's own host, at most this many.
    SameHost(u32),
}

/// The HTTP methods a template may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Head,
    Options,
}

impl Method {
    pub fn parse(text: &str) -> Option<Method> {
        match text.trim().to_ascii_uppercase().as_str() {
            "GET" => Some(Method::Get),
            "HEAD" => Some(Method::Head),
            "OPTIONS" => Some(Method::Options),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }
}

/// One request of a block before its placeholders are filled.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    /// A URL (`{{BaseURL}}/x`) or, for raw requests, a path (`/x`) taken against the base URL.
    pub target: String,
    /// The block's headers, then the raw request's own.
    pub headers: Vec<(String, String)>,
    /// True when the path is built from a random value (`{{randstr}}`, `rand_*`): the request is itself a probe of
    /// the not-found page, so the not-found calibration does not apply to it.
    pub random: bool,
}

/// One `http` block.
#[derive(Debug)]
pub struct Block {
    pub requests: Vec<Request>,
    pub follow: Follow,
    pub stop_at_first_match: bool,
    /// `matchers-condition: and`.
    pub all_matchers: bool,
    pub matchers: Vec<Matcher>,
    pub extractors: Vec<Extractor>,
    /// `req-condition: true`: the matchers run once, after every request, over `body_1`, `status_code_2`...
    pub req_condition: bool,
}

/// What a matcher tests.
#[derive(Debug)]
pub enum MatchKind {
    Words(Vec<String>),
    Regex(Vec<super::lazy_regex::LazyRegex>),
    Status(Vec<u16>),
    Size(Vec<usize>),
    Binary(Vec<Vec<u8>>),
    Dsl(Vec<Expr>),
}

/// One matcher.
#[derive(Debug)]
pub struct Matcher {
    pub kind: MatchKind,
    pub name: Option<String>,
    pub part: String,
    /// `condition: and` (every word, regex or expression must match).
    pub all: bool,
    pub negative: bool,
    pub case_insensitive: bool,
    pub internal: bool,
}

/// What an extractor reads.
#[derive(Debug)]
pub enum ExtractKind {
    Regex {
        regexes: Vec<super::lazy_regex::LazyRegex>,
        group: usize,
    },
    Kval(Vec<String>),
    Json(Vec<super::jq::Query>),
    Dsl(Vec<Expr>),
}

/// One extractor.
#[derive(Debug)]
pub struct Extractor {
    pub kind: ExtractKind,
    pub name: Option<String>,
    pub part: String,
    /// Not shown: a value for later requests of the template.
    pub internal: bool,
}
