//! SPF record syntax (RFC 7208): the `v=spf1` records among TXT texts, their terms, and which terms cost a DNS
//! lookup or lead to another domain's record.

/// One term of an SPF record: qualifier, name (lower-case) and value after `:` or `=`.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub qualifier: char,
    pub name: String,
    pub value: Option<String>,
}

/// The SPF records among a name's TXT records.
pub fn records(texts: &[String]) -> Vec<String> {
    texts
        .iter()
        .filter(|t| {
            let lower = t.trim_start().to_ascii_lowercase();
            lower == "v=spf1" || lower.starts_with("v=spf1 ")
        })
        .map(|t| t.trim().to_string())
        .collect()
}

/// The terms after `v=spf1`.
pub fn terms(record: &str) -> Vec<Term> {
    record
        .split_ascii_whitespace()
        .skip(1)
        .map(|raw| {
            let (qualifier, rest) = match raw.chars().next() {
                Some(q @ ('+' | '-' | '~' | '?')) => (q, &raw[1..]),
                _ => ('+', raw),
            };
            let split = rest.find([':', '=', '/']);
            let (name, value) = match split {
                Some(i) if matches!(rest.as_bytes()[i], b':' | b'=') => {
                    (&rest[..i], Some(rest[i + 1..].to_string()))
                }
                Some(i) => (&rest[..i], None),
                None => (rest, None),
            };
            Term {
                qualifier,
                name: name.to_ascii_lowercase(),
                value,
            }
        })
        .collect()
}

/// True for the terms RFC 7208 §4.6.4 counts against the limit.
pub fn queries_dns(term: &Term) -> bool {
    matches!(
        term.name.as_str(),
        "include" | "a" | "mx" | "ptr" | "exists" | "redirect"
    )
}

/// The domains whose SPF records are part of this one's evaluation (includes and redirect), when they are plain
/// names (a macro like `%{i}` cannot be followed).
pub fn followed(terms: &[Term]) -> Vec<String> {
    terms
        .iter()
        .filter(|t| t.name == "include" || t.name == "redirect")
        .filter_map(|t| t.value.clone())
        .filter(|v| !v.contains('%') && v.contains('.'))
        .map(|v| v.trim_end_matches('.').to_ascii_lowercase())
        .collect()
}

/// The `all` that ends the record, if any: its qualifier.
pub fn all_qualifier(terms: &[Term]) -> Option<char> {
    terms.iter().find(|t| t.name == "all").map(|t| t.qualifier)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_carry_qualifiers_and_values() {
        let t = terms(
            "v=spf1 ip4:192.0.2.0/24 include:_spf.example.com ~all redirect=x.example a/24 -mx:m.example",
        );
        assert_eq!(t.len(), 6);
        assert_eq!(t[0].name, "ip4");
        assert_eq!(t[1].value.as_deref(), Some("_spf.example.com"));
        assert_eq!((t[2].qualifier, t[2].name.as_str()), ('~', "all"));
        assert_eq!(t[3].name, "redirect");
        assert_eq!((t[4].name.as_str(), t[4].value.as_deref()), ("a", None));
        assert_eq!(
            (t[5].qualifier, t[5].value.as_deref()),
            ('-', Some("m.example"))
        );
        assert_eq!(t.iter().filter(|t| queries_dns(t)).count(), 4);
    }

    #[test]
    fn only_v_spf1_records_count() {
        let texts = vec![
            "google-site-verification=abc".to_string(),
            "v=spf10 nope".to_string(),
            "V=SPF1 -all".to_string(),
        ];
        assert_eq!(records(&texts), vec!["V=SPF1 -all".to_string()]);
    }

    #[test]
    fn macros_are_not_followed() {
        let t = terms("v=spf1 include:%{i}._spf.example.com include:spf.example.net -all");
        assert_eq!(followed(&t), vec!["spf.example.net".to_string()]);
    }
}
