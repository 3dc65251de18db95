//! `compare_versions(version, constraint...)`: version constraints as Nuclei evaluates them (HashiCorp go-version
//! rules): `=`, `!=`, `>`, `>=`, `<`, `<=`, `~>`, comma-separated or one per argument, all of which must hold.

use std::cmp::Ordering;

/// A parsed version: numeric segments (missing ones count as 0), then an optional pre-release.
#[derive(Debug, Clone)]
struct Version {
    segments: Vec<u64>,
    /// How many segments were written (`1.2` → 2), which `~>` reads.
    written: usize,
    pre: Option<String>,
}

pub(crate) fn compare_versions(version: &str, constraints: &[String]) -> Result<bool, String> {
    let v = parse(version).ok_or_else(|| format!("'{version}' is not a version"))?;
    let mut any = false;
    for constraint in constraints.iter().flat_map(|c| c.split(',')) {
        let constraint = constraint.trim();
        if constraint.is_empty() {
            continue;
        }
        any = true;
        if !check(&v, constraint)? {
            return Ok(false);
        }
    }
    if !any {
        return Err("no version constraint given".to_string());
    }
    Ok(true)
}

fn check(v: &Version, constraint: &str) -> Result<bool, String> {
    const OPS: &[&str] = &["~>", ">=", "<=", "!=", "==", ">", "<", "="];
    let op = OPS
        .iter()
        .find(|op| constraint.starts_with(**op))
        .copied()
        .unwrap_or("=");
    let rest = constraint.strip_prefix(op).unwrap_or(constraint).trim();
    let c = parse(rest).ok_or_else(|| format!("'{constraint}' is not a version constraint"))?;
    let ord = cmp(v, &c);
    Ok(match op {
        "=" | "==" => ord == Ordering::Equal,
        "!=" => ord != Ordering::Equal,
        _ if !prerelease_ok(v, &c) => false,
        ">" => ord == Ordering::Greater,
        "<" => ord == Ordering::Less,
        ">=" => ord != Ordering::Less,
        "<=" => ord != Ordering::Greater,
        _ => pessimistic(v, &c, ord),
    })
}

/// go-version's rule: a pre-release version only satisfies a range whose bound is a pre-release of the same
/// release (`1.0.0-beta` is not `< 2.0`, so a template written for releases does not match betas by accident).
fn prerelease_ok(v: &Version, c: &Version) -> bool {
    match (&v.pre, &c.pre) {
        (Some(_), Some(_)) => cmp_segments(&v.segments, &c.segments) == Ordering::Equal,
        (Some(_), None) => false,
        _ => true,
    }
}

/// `~> 1.2.3` is `>= 1.2.3, < 1.3`; `~> 1.2` is `>= 1.2, < 2`: all written segments but the last must be equal.
fn pessimistic(v: &Version, c: &Version, ord: Ordering) -> bool {
    if ord == Ordering::Less || (c.pre.is_none() && v.pre.is_some()) {
        return false;
    }
    let fixed = c.written.saturating_sub(1);
    (0..fixed).all(|i| seg(&v.segments, i) == seg(&c.segments, i))
}

fn seg(s: &[u64], i: usize) -> u64 {
    s.get(i).copied().unwrap_or(0)
}

fn cmp_segments(a: &[u64], b: &[u64]) -> Ordering {
    (0..a.len().max(b.len()))
        .map(|i| seg(a, i).cmp(&seg(b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

fn cmp(a: &Version, b: &Version) -> Ordering {
    cmp_segments(&a.segments, &b.segments).then_with(|| match (&a.pre, &b.pre) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => cmp_pre(x, y),
    })
}

/// Pre-release identifiers compare dot by dot: numbers numerically and below words, words by bytes.
fn cmp_pre(a: &str, b: &str) -> Ordering {
    let (mut xs, mut ys) = (a.split('.'), b.split('.'));
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let o = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => x.cmp(y),
                };
                if o.is_ne() {
                    return o;
                }
            }
        }
    }
}

/// Reads `v1.2.3`, `1.2`, `2.4.49-rc1`, `1.0beta`, `1.2.3+build5`: digits and dots, then a pre-release after `-` or
/// a letter, then build metadata after `+`, which is ignored.
fn parse(text: &str) -> Option<Version> {
    let t = text.trim();
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    let t = t.split('+').next().unwrap_or(t);
    let core_end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (core, rest) = t.split_at(core_end);
    if core.is_empty() || core.starts_with('.') || core.ends_with('.') || core.contains("..") {
        return None;
    }
    let segments: Vec<u64> = core
        .split('.')
        .map(|s| s.parse::<u64>().unwrap_or(u64::MAX))
        .collect();
    let pre = match rest {
        "" => None,
        r => {
            let p = r.strip_prefix('-').unwrap_or(r);
            let valid = !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '~'));
            if !valid {
                return None;
            }
            Some(p.to_string())
        }
    };
    let written = segments.len();
    Some(Version {
        segments,
        written,
        pre,
    })
}
