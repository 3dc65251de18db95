//! Versions as libraries and servers write them (`3.4.1`, `1.9.0b1`, `3.0.0-rc.1`, `9.0.0.M1`, OpenSSL's
//! `1.0.2k`), compared the way their projects order them.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// How a project spells versions past the numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Letters after the numbers mark a pre-release (`1.9.0b1 < 1.9.0`).
    #[default]
    Semver,
    /// Letters after the numbers are later patch releases (OpenSSL: `1.0.2 < 1.0.2a < 1.0.2za`).
    Letters,
}

/// One piece of a pre-release tag: numbers compare as numbers, words as lowercase text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Piece {
    Num(u64),
    Word(String),
}

/// A parsed version. `Display` gives back the text it was read from.
#[derive(Debug, Clone)]
pub struct Version {
    text: String,
    numbers: Vec<u64>,
    pre: Vec<Piece>,
}

impl Version {
    /// Reads a version; `None` when it does not start with a number.
    pub fn parse(text: &str) -> Option<Version> {
        Version::parse_as(text, Scheme::Semver)
    }

    /// Reads a version under a project's `scheme`.
    pub fn parse_as(text: &str, scheme: Scheme) -> Option<Version> {
        let text = text.trim().trim_start_matches(['v', 'V']);
        let text = text.split('+').next().unwrap_or(text);
        let mut numbers = Vec::new();
        let mut rest = text;
        loop {
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if end == 0 {
                break;
            }
            numbers.push(rest[..end].parse::<u64>().ok()?);
            rest = &rest[end..];
            match rest.strip_prefix('.') {
                Some(next) if next.starts_with(|c: char| c.is_ascii_digit()) => rest = next,
                _ => break,
            }
        }
        if numbers.is_empty() {
            return None;
        }
        let mut pre = Vec::new();
        if scheme == Scheme::Letters && rest.starts_with(|c: char| c.is_ascii_lowercase()) {
            let letters: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase())
                .collect();
            numbers.push(letter_patch(&letters));
            rest = &rest[letters.len()..];
        }
        if scheme == Scheme::Semver {
            pre = pieces(rest);
        }
        Some(Version {
            text: text.to_string(),
            numbers,
            pre,
        })
    }

    /// The numeric parts (`[3, 4, 1]` for `3.4.1`).
    pub fn numbers(&self) -> &[u64] {
        &self.numbers
    }

    /// True for the stand-ins feeds write for "no fixed release yet" (`999.999.999`, `1.999`).
    pub fn is_placeholder(&self) -> bool {
        self.numbers.iter().any(|n| *n >= 999)
    }

    /// True for pre-releases (`3.0.0-rc.1`).
    pub fn is_pre_release(&self) -> bool {
        !self.pre.is_empty()
    }

    /// The first version after every version that starts with this one's numbers (`9` gives `10`, `5.8` gives
    /// `5.9`): the upper end of a version known only by its first numbers.
    pub fn next_prefix(&self) -> Version {
        let mut numbers = self.numbers.clone();
        if let Some(last) = numbers.last_mut() {
            *last += 1;
        }
        let text = numbers
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(".");
        Version {
            text,
            numbers,
            pre: Vec::new(),
        }
    }
}

/// OpenSSL's patch letters as a number: `a` = 1 … `y` = 25, `za` = 26, `zb` = 27.
fn letter_patch(letters: &str) -> u64 {
    letters.chars().fold(0, |n, c| match c {
        'z' => n + 25,
        c => n + u64::from(c as u8 - b'a' + 1),
    })
}

/// Splits a pre-release tag into numbers and words (`-beta.2` gives `beta`, `2`; `b1` gives `b`, `1`).
fn pieces(tag: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, out: &mut Vec<Piece>| {
        if current.is_empty() {
            return;
        }
        let piece = match current.parse::<u64>() {
            Ok(n) => Piece::Num(n),
            Err(_) => Piece::Word(current.to_ascii_lowercase()),
        };
        out.push(piece);
        current.clear();
    };
    for c in tag.chars() {
        let switch = current
            .chars()
            .last()
            .is_some_and(|p| p.is_ascii_digit() != c.is_ascii_digit());
        if !c.is_ascii_alphanumeric() || switch {
            flush(&mut current, &mut out);
        }
        if c.is_ascii_alphanumeric() {
            current.push(c);
        }
    }
    flush(&mut current, &mut out);
    out
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        let len = self.numbers.len().max(other.numbers.len());
        for i in 0..len {
            let (a, b) = (
                self.numbers.get(i).copied().unwrap_or(0),
                other.numbers.get(i).copied().unwrap_or(0),
            );
            match a.cmp(&b) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => self.pre.cmp(&other.pre),
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Version, D::Error> {
        let text = String::deserialize(d)?;
        Version::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("'{text}' is not a version")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn versions_order_like_their_projects() {
        let ordered = [
            "1.0.0.beta.3",
            "1.0.0",
            "1.2",
            "1.2.1",
            "1.9.0b1",
            "1.9.0",
            "1.12.4",
            "3.0.0-beta1",
            "3.0.0-rc.1",
            "3.0.0",
            "9.0.0.M1",
            "9.0.0",
            "999.999.999",
        ];
        for pair in ordered.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(v("5.8"), v("5.8.0"));
        assert_eq!(v("v2.6.14").to_string(), "2.6.14");
        assert!(Version::parse("latest").is_none());
    }

    #[test]
    fn openssl_letters_are_later_patches() {
        let o = |s| Version::parse_as(s, Scheme::Letters).unwrap();
        assert!(o("1.0.1f") < o("1.0.1g"));
        assert!(o("1.0.2") < o("1.0.2a"));
        assert!(o("1.0.2y") < o("1.0.2za"));
        assert!(o("1.0.2zd") < o("1.0.2zg"));
        assert!(o("1.0.2k") < o("1.1.0"));
    }
}
