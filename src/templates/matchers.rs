//! The response side of a template: its matchers and extractors (word, regex, status, size, binary, DSL; regex,
//! kval, json, DSL), checked and built for the engine; an unreadable one is a parse error, an xpath one a refusal.

use super::compile::{Fail, unsupported};
use super::dsl::{self, Expr};
use super::format::{RawExtractor, RawMatcher, scalar};
use super::jq::Query;
use super::model::*;
use super::safety::{Refusal, SkipKind};
use serde_yaml_ng::Value;

/// A part name as the engine keys it (`Content-Type` → `content_type`).
fn part_name(part: Option<String>) -> String {
    let part = part
        .unwrap_or_else(|| "body".into())
        .trim()
        .to_ascii_lowercase()
        .replace('-', "_");
    if part.is_empty() { "body".into() } else { part }
}

fn compile_regex(
    pattern: &str,
    case_insensitive: bool,
) -> Result<super::lazy_regex::LazyRegex, Fail> {
    super::lazy_regex::LazyRegex::new(pattern, case_insensitive).map_err(|e| {
        unsupported(format!(
            "regex `{}`: {}",
            crate::engine::context::truncate(pattern, 80),
            first_line(&e)
        ))
    })
}

fn first_line(s: &str) -> String {
    s.lines().last().unwrap_or(s).trim().to_string()
}

fn numbers<T: std::str::FromStr>(values: &[Value], what: &str) -> Result<Vec<T>, Fail> {
    values
        .iter()
        .map(|v| {
            scalar(v)
                .and_then(|s| s.trim().parse().ok())
                .ok_or_else(|| Fail::Invalid(format!("{what} {v:?} is not a number")))
        })
        .collect()
}

fn parse_exprs(texts: &[String]) -> Result<Vec<Expr>, Fail> {
    texts
        .iter()
        .map(|t| {
            let expr = Expr::parse(t).map_err(|e| {
                unsupported(format!(
                    "dsl `{}`: {e}",
                    crate::engine::context::truncate(t, 80)
                ))
            })?;
            runnable(&expr)?;
            Ok(expr)
        })
        .collect()
}

/// Refuses an expression calling a function that parses but does not run here (network, side effects, payload
/// builders).
pub(super) fn runnable(expr: &Expr) -> Result<(), Fail> {
    match expr
        .functions()
        .into_iter()
        .find(|f| !dsl::FUNCTIONS.contains(&f.as_str()))
    {
        Some(f) => Err(unsupported(format!("the DSL function `{f}`"))),
        None => Ok(()),
    }
}

pub(super) fn build_matcher(raw: RawMatcher) -> Result<Matcher, Fail> {
    let part = part_name(raw.part);
    if part.starts_with("interactsh") {
        return Err(Refusal::new(SkipKind::OutOfBand, "a matcher reads an interactsh part").into());
    }
    if let Some(key) = raw
        .other
        .keys()
        .find(|k| !matches!(k.as_str(), "match-all" | "description"))
    {
        return Err(unsupported(format!("matcher field `{key}`")));
    }
    let ci = raw.case_insensitive;
    let hex = raw
        .encoding
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case("hex"));
    let kind = match raw.kind.trim() {
        "word" => {
            let mut words = raw.words.0;
            if hex {
                words = words
                    .iter()
                    .map(|w| hex::decode(w).map(|b| String::from_utf8_lossy(&b).into_owned()))
                    .collect::<Result<_, _>>()
                    .map_err(|_| Fail::Invalid("a hex-encoded word is not hex".into()))?;
            }
            if ci {
                words = words.iter().map(|w| w.to_lowercase()).collect();
            }
            MatchKind::Words(words)
        }
        "regex" => MatchKind::Regex(
            raw.regex
                .0
                .iter()
                .map(|r| compile_regex(r, ci))
                .collect::<Result<_, _>>()?,
        ),
        "status" => MatchKind::Status(numbers(&raw.status, "status")?),
        "size" => MatchKind::Size(numbers(&raw.size, "size")?),
        "binary" => MatchKind::Binary(
            raw.binary
                .0
                .iter()
                .map(|b| {
                    hex::decode(b.trim())
                        .map_err(|_| Fail::Invalid(format!("binary '{b}' is not hex")))
                })
                .collect::<Result<_, _>>()?,
        ),
        "dsl" => MatchKind::Dsl(parse_exprs(&raw.dsl.0)?),
        "xpath" => return Err(unsupported("xpath matchers")),
        other => return Err(Fail::Invalid(format!("unknown matcher type '{other}'"))),
    };
    let all = match raw.condition.as_deref().map(str::trim) {
        None | Some("or") | Some("") => false,
        Some("and") => true,
        Some(other) => {
            return Err(Fail::Invalid(format!(
                "matcher condition '{other}' is not 'and' or 'or'"
            )));
        }
    };
    Ok(Matcher {
        kind,
        name: raw.name,
        part,
        all,
        negative: raw.negative,
        case_insensitive: ci,
        internal: raw.internal,
    })
}

pub(super) fn build_extractor(raw: RawExtractor) -> Result<Extractor, Fail> {
    let part = part_name(raw.part);
    if part.starts_with("interactsh") {
        return Err(
            Refusal::new(SkipKind::OutOfBand, "an extractor reads an interactsh part").into(),
        );
    }
    let kind = match raw.kind.trim() {
        "regex" => ExtractKind::Regex {
            regexes: raw
                .regex
                .0
                .iter()
                .map(|r| compile_regex(r, raw.case_insensitive))
                .collect::<Result<_, _>>()?,
            group: raw.group.unwrap_or(0),
        },
        "kval" => ExtractKind::Kval(
            raw.kval
                .0
                .iter()
                .map(|k| k.trim().to_ascii_lowercase().replace('-', "_"))
                .collect(),
        ),
        "json" => ExtractKind::Json(
            raw.json
                .0
                .iter()
                .map(|q| Query::parse(q).map_err(unsupported))
                .collect::<Result<_, _>>()?,
        ),
        "dsl" => ExtractKind::Dsl(parse_exprs(&raw.dsl.0)?),
        "xpath" => return Err(unsupported("xpath extractors")),
        other => return Err(Fail::Invalid(format!("unknown extractor type '{other}'"))),
    };
    Ok(Extractor {
        kind,
        name: raw.name,
        part,
        internal: raw.internal,
    })
}
