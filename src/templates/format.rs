//! The Nuclei template file format as it is written: what YAML keys a template may hold, read as they are (every
//! key this engine does not know is kept, so that the safety rule can refuse a template that uses it).

use serde::Deserialize;
use serde_yaml_ng::Value;
use std::collections::BTreeMap;

/// A string or a list of strings (Nuclei accepts both for authors, references, tags, CVE ids...).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Strings(pub Vec<String>);

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Strings, D::Error> {
        let value = Value::deserialize(d)?;
        Ok(Strings(match value {
            Value::Null => Vec::new(),
            Value::Sequence(items) => items.iter().filter_map(scalar).collect(),
            other => scalar(&other).into_iter().collect(),
        }))
    }
}

/// A scalar's text (numbers and booleans as written).
pub fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl Strings {
    /// Comma-separated entries split and trimmed (how tags and authors are often written).
    pub fn split_commas(&self) -> Vec<String> {
        self.0
            .iter()
            .flat_map(|s| s.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// A whole template file.
#[derive(Debug, Deserialize)]
pub struct RawTemplate {
    pub id: String,
    pub info: RawInfo,
    /// `requests` is the older name of `http`.
    #[serde(default, alias = "requests")]
    pub http: Vec<RawRequest>,
    #[serde(default)]
    pub variables: BTreeMap<String, Value>,
    #[serde(default)]
    pub constants: BTreeMap<String, Value>,
    /// Every other top-level key (other protocols, `flow`, `self-contained`...), judged by the safety rule.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// The `info` block.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawInfo {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub author: Strings,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub reference: Strings,
    #[serde(default)]
    pub classification: Option<RawClassification>,
    #[serde(default)]
    pub remediation: Option<String>,
    #[serde(default)]
    pub tags: Strings,
    #[serde(default)]
    pub metadata: BTreeMap<String, Value>,
}

/// `info.classification`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawClassification {
    #[serde(default)]
    pub cve_id: Strings,
    #[serde(default)]
    pub cwe_id: Strings,
    #[serde(default)]
    pub cvss_score: Option<Value>,
    #[serde(default)]
    pub cvss_metrics: Option<String>,
}

/// One `http` request block.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawRequest {
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub path: Strings,
    #[serde(default)]
    pub raw: Strings,
    #[serde(default)]
    pub headers: BTreeMap<String, Value>,
    #[serde(default)]
    pub body: Option<Value>,
    #[serde(default)]
    pub redirects: bool,
    #[serde(default)]
    pub host_redirects: bool,
    #[serde(default)]
    pub max_redirects: Option<u32>,
    #[serde(default)]
    pub stop_at_first_match: bool,
    #[serde(default)]
    pub matchers_condition: Option<String>,
    #[serde(default)]
    pub matchers: Vec<RawMatcher>,
    #[serde(default)]
    pub extractors: Vec<RawExtractor>,
    #[serde(default)]
    pub req_condition: bool,
    /// Every other key (`payloads`, `attack`, `fuzzing`, `race`, `unsafe`...), judged by the safety rule.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// One matcher.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawMatcher {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub part: Option<String>,
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub negative: bool,
    #[serde(default)]
    pub case_insensitive: bool,
    #[serde(default)]
    pub internal: bool,
    #[serde(default)]
    pub encoding: Option<String>,
    #[serde(default)]
    pub words: Strings,
    #[serde(default)]
    pub regex: Strings,
    #[serde(default)]
    pub status: Vec<Value>,
    #[serde(default)]
    pub size: Vec<Value>,
    #[serde(default)]
    pub binary: Strings,
    #[serde(default)]
    pub dsl: Strings,
    #[serde(default)]
    pub xpath: Strings,
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// One extractor.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawExtractor {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub part: Option<String>,
    #[serde(default)]
    pub group: Option<usize>,
    #[serde(default)]
    pub internal: bool,
    #[serde(default)]
    pub case_insensitive: bool,
    #[serde(default)]
    pub regex: Strings,
    #[serde(default)]
    pub kval: Strings,
    #[serde(default)]
    pub json: Strings,
    #[serde(default)]
    pub xpath: Strings,
    #[serde(default)]
    pub attribute: Option<String>,
    #[serde(default)]
    pub dsl: Strings,
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}
