//! The version ranges advisories are written in: `>=1.2.0 <3.5.0`, `<=2.4.49`, `=3.7.0`, alternatives joined by
//! `||`, and the same ranges as OSV's `introduced` / `fixed` / `last_affected` events.

use super::version::{Scheme, Version};
use serde::{Deserialize, Serialize};

/// Versions from `introduced` (inclusive) up to `fixed` (exclusive) or `last_affected` (inclusive); an open end is
/// unbounded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Range {
    pub introduced: Option<Version>,
    pub fixed: Option<Version>,
    pub last_affected: Option<Version>,
}

impl Range {
    /// True if `v` is in the range.
    pub fn contains(&self, v: &Version) -> bool {
        self.introduced.as_ref().is_none_or(|lo| v >= lo)
            && self.fixed.as_ref().is_none_or(|hi| v < hi)
            && self.last_affected.as_ref().is_none_or(|hi| v <= hi)
    }

    /// True if every version starting with `prefix`'s numbers is in the range (`9` is covered by `< 10`).
    pub fn covers_prefix(&self, prefix: &Version) -> bool {
        let next = prefix.next_prefix();
        self.introduced.as_ref().is_none_or(|lo| prefix >= lo)
            && self.fixed.as_ref().is_none_or(|hi| &next <= hi)
            && self.last_affected.is_none()
    }

    /// Reads one range written as comparators: `>=1.2.0 <3.5.0`, `<=2.4.49`, `=3.7.0`, `*`.
    pub fn parse(text: &str, scheme: Scheme) -> Result<Range, String> {
        let mut range = Range::default();
        for part in text
            .split([' ', ','])
            .filter(|p| !p.is_empty() && *p != "*")
        {
            let (op, rest) = match part.find(|c: char| c.is_ascii_alphanumeric()) {
                Some(i) => part.split_at(i),
                None => return Err(format!("'{part}' has no version")),
            };
            let v = Version::parse_as(rest, scheme)
                .ok_or_else(|| format!("'{rest}' is not a version"))?;
            match op {
                ">=" => range.introduced = Some(v),
                "<" => range.fixed = Some(v),
                "<=" => range.last_affected = Some(v),
                "=" | "==" => {
                    range.introduced = Some(v.clone());
                    range.last_affected = Some(v);
                }
                other => return Err(format!("unknown comparator '{other}' in '{text}'")),
            }
        }
        Ok(range)
    }
}

/// Reads ranges joined by `||`.
pub fn parse_ranges(text: &str, scheme: Scheme) -> Result<Vec<Range>, String> {
    text.split("||").map(|r| Range::parse(r, scheme)).collect()
}

impl std::fmt::Display for Range {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if let Some(v) = &self.introduced {
            parts.push(format!(">={v}"));
        }
        if let Some(v) = &self.fixed {
            parts.push(format!("<{v}"));
        }
        if let Some(v) = &self.last_affected {
            parts.push(format!("<={v}"));
        }
        if parts.is_empty() {
            parts.push("*".into());
        }
        f.write_str(&parts.join(" "))
    }
}

/// Ranges travel in storage as their comparator text.
impl Serialize for Range {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Range {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Range, D::Error> {
        let text = String::deserialize(d)?;
        Range::parse(&text, Scheme::Semver).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn ranges_read_and_match() {
        let r = Range::parse(">=1.2.0 <3.5.0", Scheme::Semver).unwrap();
        assert!(r.contains(&v("1.12.4")) && !r.contains(&v("3.5.0")) && !r.contains(&v("1.1")));
        let exact = Range::parse("=2.4.49", Scheme::Semver).unwrap();
        assert!(exact.contains(&v("2.4.49")) && !exact.contains(&v("2.4.50")));
        let all = parse_ranges(">=7.1 <7.1.33 || >=7.2 <7.2.24", Scheme::Semver).unwrap();
        assert!(all.iter().any(|r| r.contains(&v("7.2.3"))));
        assert!(!all.iter().any(|r| r.contains(&v("7.1.33"))));
        assert!(Range::parse("~1.2", Scheme::Semver).is_err());
        assert_eq!(r.to_string(), ">=1.2.0 <3.5.0");
    }

    #[test]
    fn a_major_alone_is_covered_only_by_a_range_holding_all_of_it() {
        let below_10 = Range::parse("<10", Scheme::Semver).unwrap();
        assert!(below_10.covers_prefix(&v("9")));
        assert!(!below_10.covers_prefix(&v("10")));
        let part = Range::parse("<9.5.0", Scheme::Semver).unwrap();
        assert!(!part.covers_prefix(&v("9")));
    }
}
