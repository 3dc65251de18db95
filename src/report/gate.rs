//! The CI gate: which open findings fail a build. `--fail-on` sets the lowest severity that fails, `--new-only`
//! keeps only findings new since the previous scan of their target, and a baseline file (`.palisade-ignore`, TOML)
//! suppresses fingerprints with a reason and an optional expiry date; an expired entry counts again.
//!
//! ```toml
//! [[ignore]]
//! fingerprint = "7c769d9088fba335"
//! reason = "staging-only file, removed in PR #412"
//! expires = 2027-01-31     # optional (quoted or not): from this day on the finding fails the build again
//! ```

use super::ReportData;
use crate::model::{Finding, FindingStatus, Severity};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use time::Date;

/// The file a baseline is read from when none is named.
pub const DEFAULT_BASELINE: &str = ".palisade-ignore";

/// A baseline file: fingerprints a team has decided to accept for now.
#[derive(Debug, Clone)]
pub struct Baseline {
    pub path: PathBuf,
    pub entries: Vec<Entry>,
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub fingerprint: String,
    pub reason: String,
    /// The first day the entry no longer applies.
    pub expires: Option<Date>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    ignore: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    fingerprint: String,
    reason: String,
    expires: Option<toml::Value>,
}

impl Baseline {
    /// Reads a baseline file; the error is one line naming the file, the line and what is wrong.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read it: {e}", path.display()))?;
        Baseline::parse(&text, path)
    }

    /// Parses the text of a baseline file.
    pub fn parse(text: &str, path: &Path) -> Result<Baseline, String> {
        let at = |offset: Option<usize>| {
            offset.map_or(String::new(), |o| {
                let before = text.get(..o).unwrap_or(text);
                format!(" line {}", before.matches('\n').count() + 1)
            })
        };
        let file: File = toml::from_str(text).map_err(|e| {
            format!(
                "{}{}: {}; each entry is [[ignore]] with fingerprint, reason and an optional expires = YYYY-MM-DD",
                path.display(),
                at(e.span().map(|s| s.start)),
                e.message()
                    .lines()
                    .map(one_line)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })?;
        let mut entries = Vec::new();
        for (i, raw) in file.ignore.into_iter().enumerate() {
            let n = i + 1;
            let bad = |what: String| format!("{}: entry {n}: {what}", path.display());
            let fp = raw.fingerprint.trim().to_ascii_lowercase();
            if fp.len() != 16 || !fp.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(bad(format!(
                    "fingerprint '{}' is not 16 hex digits (copy it from a report's fingerprint column)",
                    one_line(&raw.fingerprint)
                )));
            }
            if raw.reason.trim().is_empty() {
                return Err(bad(
                    "the reason is empty: say why the finding is accepted".into()
                ));
            }
            let expires = match raw.expires {
                None => None,
                Some(value) => Some(date(&value).ok_or_else(|| {
                    bad(format!(
                        "expires {} is not a date: write it as 2027-01-31",
                        one_line(&value.to_string())
                    ))
                })?),
            };
            entries.push(Entry {
                fingerprint: fp,
                reason: raw.reason.trim().to_string(),
                expires,
            });
        }
        Ok(Baseline {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// The entry for a fingerprint.
    fn find(&self, fingerprint: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.fingerprint == fingerprint)
    }
}

/// Text made fit for a one-line error: line breaks and other control characters escaped (`\n`).
fn one_line(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A plain date, as a TOML date (`2027-01-31`) or a string (`"2027-01-31"`).
fn date(value: &toml::Value) -> Option<Date> {
    let text = match value {
        toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
        toml::Value::String(s) => s.trim().to_string(),
        _ => return None,
    };
    Date::parse(
        &text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// What fails the build.
#[derive(Debug, Clone, Default)]
pub struct Gate {
    /// The lowest severity that fails; `None` fails nothing.
    pub fail_on: Option<Severity>,
    /// Only findings new since the previous scan of their target fail.
    pub new_only: bool,
    pub baseline: Option<Baseline>,
}

/// The gate's answer for one report.
#[derive(Debug, Default)]
pub struct Verdict<'a> {
    /// Findings that fail the build.
    pub failing: Vec<&'a Finding>,
    /// Findings at or above the level that a baseline entry accepts.
    pub suppressed: Vec<(&'a Finding, &'a Entry)>,
    /// Findings at or above the level whose baseline entry has expired: they count again.
    pub expired: Vec<(&'a Finding, &'a Entry)>,
    /// Findings at or above the level that are not new, when only new ones count.
    pub not_new: usize,
    /// Baseline entries that match no open finding of the report (fixed, or a typo).
    pub unused: Vec<&'a Entry>,
}

impl Gate {
    /// Applies the gate to a report's open findings on `today`.
    pub fn judge<'a>(&'a self, data: &'a ReportData, today: Date) -> Verdict<'a> {
        let mut v = Verdict::default();
        let Some(floor) = self.fail_on else {
            return v;
        };
        for f in data.findings.iter().filter(|f| f.severity >= floor) {
            if self.new_only && f.status != FindingStatus::New {
                v.not_new += 1;
                continue;
            }
            match self.baseline.as_ref().and_then(|b| b.find(&f.fingerprint)) {
                Some(e) if e.expires.is_none_or(|d| today < d) => v.suppressed.push((f, e)),
                Some(e) => {
                    v.expired.push((f, e));
                    v.failing.push(f);
                }
                None => v.failing.push(f),
            }
        }
        if let Some(b) = &self.baseline {
            v.unused = b
                .entries
                .iter()
                .filter(|e| !data.findings.iter().any(|f| f.fingerprint == e.fingerprint))
                .collect();
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Baseline, String> {
        Baseline::parse(text, Path::new(".palisade-ignore"))
    }

    #[test]
    fn entries_need_a_fingerprint_and_a_reason_and_take_a_plain_date() {
        let b = parse(
            "[[ignore]]\nfingerprint = \"7C769D9088FBA335\"\nreason = \"lab only\"\nexpires = 2027-01-31\n\n\
             [[ignore]]\nfingerprint = \"635dd4fc29435a2c\"\nreason = \"accepted\"\n",
        )
        .unwrap();
        assert_eq!(b.entries[0].fingerprint, "7c769d9088fba335");
        assert_eq!(
            b.entries[0].expires,
            Some(time::macros::date!(2027 - 01 - 31))
        );
        assert_eq!(b.entries[1].expires, None);

        let err = parse("[[ignore]]\nfingerprint = \"7c769d9088fba335\"\n").unwrap_err();
        assert!(
            err.starts_with(".palisade-ignore line 1: missing field `reason`"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1);
        let err = parse("[[ignore]]\nfingerprint = \"abc\"\nreason = \"x\"\n").unwrap_err();
        assert!(
            err.contains("entry 1: fingerprint 'abc' is not 16 hex digits"),
            "{err}"
        );
        let err =
            parse("[[ignore]]\nfingerprint = \"7c769d9088fba335\"\nreason = \" \"\n").unwrap_err();
        assert!(err.contains("the reason is empty"), "{err}");
        let quoted = parse(
            "[[ignore]]\nfingerprint = \"7c769d9088fba335\"\nreason = \"x\"\nexpires = \"2027-01-31\"\n",
        );
        assert_eq!(
            quoted.unwrap().entries[0].expires,
            Some(time::macros::date!(2027 - 01 - 31))
        );
        for bad in ["2027-01-31T10:00:00Z", "\"next year\"", "20270131"] {
            let err = parse(&format!(
                "[[ignore]]\nfingerprint = \"7c769d9088fba335\"\nreason = \"x\"\nexpires = {bad}\n"
            ))
            .unwrap_err();
            assert!(
                err.contains("is not a date: write it as 2027-01-31"),
                "{err}"
            );
        }
        let err = parse("[[ignore]\nfingerprint = 1").unwrap_err();
        assert!(err.starts_with(".palisade-ignore line 1:"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        let err = parse(
            "[[ignore]]\nfingerprint = \"7c769d9088fba335\"\nreason = \"x\"\nuntil = 2027-01-01\n",
        )
        .unwrap_err();
        assert!(
            err.contains("line 4") && err.contains("unknown field"),
            "{err}"
        );
    }
}
