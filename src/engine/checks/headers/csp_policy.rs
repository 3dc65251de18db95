//! Content-Security-Policy parsing as browsers do it (CSP Level 3): the policies of a page's headers and
//! `<meta http-equiv>` elements.

use crate::engine::site::Page;
use std::collections::HashSet;

/// Directives a `<meta http-equiv>` policy may not carry; browsers drop them there.
const NOT_IN_META: &[&str] = &["frame-ancestors", "report-uri", "sandbox"];

/// Directive names browsers act on (CSP3, plus older ones some browsers still honour).
const KNOWN: &[&str] = &[
    "default-src",
    "script-src",
    "script-src-elem",
    "script-src-attr",
    "style-src",
    "style-src-elem",
    "style-src-attr",
    "img-src",
    "media-src",
    "font-src",
    "connect-src",
    "frame-src",
    "child-src",
    "worker-src",
    "manifest-src",
    "object-src",
    "prefetch-src",
    "fenced-frame-src",
    "base-uri",
    "form-action",
    "frame-ancestors",
    "sandbox",
    "report-uri",
    "report-to",
    "upgrade-insecure-requests",
    "block-all-mixed-content",
    "require-trusted-types-for",
    "trusted-types",
    "webrtc",
];

/// One parsed policy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    /// Directives in order; names and source expressions lower-case; the first of a name wins.
    pub directives: Vec<(String, Vec<String>)>,
    /// Directive names that appeared again in the same policy (browsers ignore the repeats).
    pub duplicates: Vec<String>,
    /// The policy text is too short to hold any directive.
    pub blank: bool,
}

impl Policy {
    /// The source list of a directive.
    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.directives
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// The first directive of `chain` the policy has: how a browser picks the list for a kind of load.
    pub fn effective(&self, chain: &[&str]) -> Option<&[String]> {
        chain.iter().find_map(|name| self.get(name))
    }

    /// True when at least one directive is one browsers act on.
    pub fn has_known(&self) -> bool {
        self.directives
            .iter()
            .any(|(n, _)| KNOWN.contains(&n.as_str()))
    }
}

/// Parses one serialized policy. `from_meta` drops the directives a `<meta>` policy may not carry.
pub fn parse_policy(text: &str, from_meta: bool) -> Policy {
    let mut policy = Policy {
        blank: text.trim().len() < 6,
        ..Policy::default()
    };
    // A set beside the list: a policy may hold thousands of directives.
    let mut names: HashSet<String> = HashSet::new();
    for token in text.split(';').map(str::trim) {
        let mut parts = token.split_ascii_whitespace();
        let Some(name) = parts.next().map(str::to_ascii_lowercase) else {
            continue;
        };
        if names.contains(&name) {
            policy.duplicates.push(name);
            continue;
        }
        if from_meta && NOT_IN_META.contains(&name.as_str()) {
            continue;
        }
        let sources = parts.map(str::to_ascii_lowercase).collect();
        names.insert(name.clone());
        policy.directives.push((name, sources));
    }
    policy
}

/// Parses the values of `Content-Security-Policy` headers: each value may hold several policies separated by
/// commas, and every one of them is enforced.
pub fn parse_header(values: &[String]) -> Vec<Policy> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|p| parse_policy(p, false))
        .collect()
}

/// The policies one page carries.
pub(super) struct PageCsp {
    /// Policies from `Content-Security-Policy` headers.
    pub header: Vec<Policy>,
    /// Policies from `<meta http-equiv="Content-Security-Policy">`.
    pub meta: Vec<Policy>,
    /// The raw header lines and meta contents, for evidence.
    pub shown: Vec<String>,
}

impl PageCsp {
    /// Reads the CSP headers and meta policies of `page`.
    pub fn of(page: &Page) -> PageCsp {
        let values = page.resp().header_all("content-security-policy");
        let mut shown: Vec<String> = values
            .iter()
            .map(|v| format!("Content-Security-Policy: {v}"))
            .collect();
        let mut meta = Vec::new();
        let metas = page.html.iter().flat_map(|doc| doc.meta.iter());
        for m in metas.filter(|m| m.http_equiv.eq_ignore_ascii_case("content-security-policy")) {
            if !m.content.trim().is_empty() {
                shown.push(format!("<meta http-equiv> CSP: {}", m.content));
                meta.push(parse_policy(&m.content, true));
            }
        }
        PageCsp {
            header: parse_header(&values),
            meta,
            shown,
        }
    }

    /// Every policy that has at least one directive: what the browser enforces.
    pub fn enforced(&self) -> Vec<Policy> {
        self.header
            .iter()
            .chain(&self.meta)
            .filter(|p| !p.directives.is_empty())
            .cloned()
            .collect()
    }

    /// True when the page has no CSP header and no CSP meta element.
    pub fn absent(&self) -> bool {
        self.header.is_empty() && self.meta.is_empty()
    }

    /// The evidence text.
    pub fn evidence(&self) -> String {
        self.shown.join(" | ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives_case_insensitively_and_keeps_the_first_duplicate() {
        let p = parse_policy(
            " Script-Src 'SELF' https://A.test ; ;script-src *; img-src",
            false,
        );
        assert_eq!(
            p.get("script-src").unwrap(),
            &["'self'".to_string(), "https://a.test".to_string()]
        );
        assert_eq!(p.duplicates, vec!["script-src".to_string()]);
        assert_eq!(p.get("img-src").unwrap(), &[] as &[String]);
        assert!(parse_policy("a", false).blank);
    }

    #[test]
    fn meta_policies_drop_header_only_directives() {
        let p = parse_policy("default-src 'self'; frame-ancestors 'none'; sandbox", true);
        assert!(p.get("frame-ancestors").is_none() && p.get("sandbox").is_none());
        assert!(p.get("default-src").is_some());
    }

    #[test]
    fn header_values_split_into_policies_on_commas() {
        let policies = parse_header(&[
            "script-src 'self', img-src *".into(),
            "default-src 'none'".into(),
        ]);
        assert_eq!(policies.len(), 3);
    }
}
