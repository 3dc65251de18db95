//! What a page's enforced Content-Security-Policy allows: inline scripts, eval, scripts or objects from any host,
//! plain-HTTP sources, as browsers apply the directives (fallbacks, nonces, hashes, 'strict-dynamic').

use super::csp_policy::Policy;

/// Directives whose sources load active content or receive form posts (all fetch directives except the passive
/// `img-src` and `media-src`).
const ACTIVE: &[&str] = &[
    "default-src",
    "script-src",
    "script-src-elem",
    "style-src",
    "style-src-elem",
    "font-src",
    "connect-src",
    "frame-src",
    "child-src",
    "worker-src",
    "manifest-src",
    "object-src",
    "prefetch-src",
    "fenced-frame-src",
    "form-action",
];

/// Source expressions that allow any host (and, for `data:`, code the attacker writes inline).
const BROAD: &[&str] = &[
    "*",
    "http:",
    "https:",
    "ftp:",
    "data:",
    "http://*",
    "https://*",
    "http://*.*",
    "https://*.*",
];

const SCRIPT_ELEM: &[&str] = &["script-src-elem", "script-src", "default-src"];
const SCRIPT_ATTR: &[&str] = &["script-src-attr", "script-src", "default-src"];
const SCRIPT: &[&str] = &["script-src", "default-src"];
const OBJECT: &[&str] = &["object-src", "default-src"];
const STYLE: &[&str] = &["style-src", "default-src"];

/// What a page's enforced policies allow. A load must pass every policy, so each weakness holds only when every
/// policy has it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Allowance {
    /// Inline scripts or event handlers run: `'unsafe-inline'` with no nonce, hash or `'strict-dynamic'` beside it.
    pub inline_script: bool,
    /// `eval()` and friends run (`'unsafe-eval'`).
    pub eval: bool,
    /// A source that lets scripts load from any host (or `data:`), or a note that nothing restricts scripts.
    pub broad_script: Option<String>,
    /// The same for `object-src` (plugins and embedded documents).
    pub broad_object: Option<String>,
    /// Nothing restricts scripts at all (no `script-src` or `default-src`).
    pub scripts_unrestricted: bool,
    /// `http:`/`ftp:` sources in active directives, as `directive source`.
    pub insecure_active: Vec<String>,
    /// `http:`/`ftp:` sources for images and media.
    pub insecure_passive: Vec<String>,
    /// Styles are not restricted (inline, `data:` or any host).
    pub unsafe_style: bool,
    /// Some policy has `default-src 'none'` and nothing else in it.
    pub default_none: bool,
    /// Some policy uses `'strict-dynamic'` without a nonce or hash, which blocks every script.
    pub strict_dynamic_without_nonce: bool,
    /// Some policy has `upgrade-insecure-requests`: browsers fetch its http: subresources over HTTPS.
    pub upgrades_insecure: bool,
}

fn has_nonce_or_hash(list: &[String]) -> bool {
    list.iter().any(|s| {
        ["'nonce-", "'sha256-", "'sha384-", "'sha512-"]
            .iter()
            .any(|p| s.starts_with(p))
    })
}

fn has(list: &[String], source: &str) -> bool {
    list.iter().any(|s| s == source)
}

/// True when `'strict-dynamic'` makes the browser ignore the list's host and scheme sources and `'self'`.
fn strict_dynamic(list: &[String]) -> bool {
    has(list, "'strict-dynamic'")
}

fn allows_inline(list: Option<&[String]>) -> bool {
    list.is_none_or(|l| has(l, "'unsafe-inline'") && !has_nonce_or_hash(l) && !strict_dynamic(l))
}

fn broad_source(list: Option<&[String]>, what: &str) -> Option<String> {
    let Some(list) = list else {
        return Some(format!("no {what} or default-src directive"));
    };
    if strict_dynamic(list) {
        return None;
    }
    list.iter().find(|s| BROAD.contains(&s.as_str())).cloned()
}

fn insecure(source: &str) -> bool {
    source.starts_with("http:") || source.starts_with("ftp:")
}

fn evaluate_one(p: &Policy) -> Allowance {
    let object = p.effective(OBJECT);
    let style = p.effective(STYLE);
    let mut insecure_active = Vec::new();
    for (name, list) in &p.directives {
        if ACTIVE.contains(&name.as_str()) && !strict_dynamic(list) {
            let bad = list.iter().filter(|s| insecure(s));
            insecure_active.extend(bad.map(|s| format!("{name} {s}")));
        }
    }
    let mut insecure_passive = Vec::new();
    for kind in ["img-src", "media-src"] {
        let list = p.effective(&[kind, "default-src"]).unwrap_or_default();
        let bad = list.iter().filter(|s| insecure(s));
        insecure_passive.extend(bad.map(|s| format!("{kind} {s}")));
    }
    let script = p.effective(SCRIPT);
    Allowance {
        inline_script: allows_inline(p.effective(SCRIPT_ELEM))
            || allows_inline(p.effective(SCRIPT_ATTR)),
        eval: script.is_none_or(|l| has(l, "'unsafe-eval'")),
        broad_script: broad_source(p.effective(SCRIPT_ELEM), "script-src"),
        scripts_unrestricted: p.effective(SCRIPT_ELEM).is_none(),
        broad_object: match object {
            None => Some("no object-src or default-src directive".into()),
            Some(l) => l.iter().find(|s| *s != "data:" && is_broad(s)).cloned(),
        },
        insecure_active,
        insecure_passive,
        unsafe_style: allows_inline(style) || broad_source(style, "style-src").is_some(),
        default_none: p.get("default-src") == Some(&["'none'".to_string()][..]),
        strict_dynamic_without_nonce: script
            .is_some_and(|l| strict_dynamic(l) && !has_nonce_or_hash(l)),
        upgrades_insecure: p.get("upgrade-insecure-requests").is_some(),
    }
}

/// What the enforced `policies` allow together; `None` when there is no policy.
pub fn evaluate(policies: &[Policy]) -> Option<Allowance> {
    let mut each = policies.iter().map(evaluate_one);
    let first = each.next()?;
    Some(each.fold(first, |a, b| Allowance {
        inline_script: a.inline_script && b.inline_script,
        eval: a.eval && b.eval,
        broad_script: a.broad_script.filter(|_| b.broad_script.is_some()),
        broad_object: a.broad_object.filter(|_| b.broad_object.is_some()),
        scripts_unrestricted: a.scripts_unrestricted && b.scripts_unrestricted,
        insecure_active: both(a.insecure_active, &b.insecure_active),
        insecure_passive: both(a.insecure_passive, &b.insecure_passive),
        unsafe_style: a.unsafe_style && b.unsafe_style,
        default_none: a.default_none || b.default_none,
        strict_dynamic_without_nonce: a.strict_dynamic_without_nonce
            || b.strict_dynamic_without_nonce,
        upgrades_insecure: a.upgrades_insecure || b.upgrades_insecure,
    }))
}

fn both(a: Vec<String>, b: &[String]) -> Vec<String> {
    if b.is_empty() { Vec::new() } else { a }
}

/// True for the sources [`Allowance::broad_script`] can name.
pub fn is_broad(source: &str) -> bool {
    BROAD.contains(&source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::headers::csp_policy::parse_header;

    fn allow(header: &str) -> Allowance {
        evaluate(&parse_header(&[header.to_string()])).unwrap()
    }

    #[test]
    fn script_src_falls_back_to_default_src() {
        let a = allow("default-src * 'unsafe-inline' 'unsafe-eval'; img-src 'self'");
        assert!(a.inline_script && a.eval);
        assert_eq!(a.broad_script.as_deref(), Some("*"));
        let b = allow("default-src 'self' 'unsafe-inline'; script-src 'self'");
        assert!(!b.inline_script && !b.eval && b.broad_script.is_none());
        assert!(
            b.unsafe_style,
            "style-src falls back to default-src with unsafe-inline"
        );
    }

    #[test]
    fn nonces_hashes_and_strict_dynamic_neutralise_unsafe_inline_and_hosts() {
        assert!(!allow("script-src 'nonce-abc' 'unsafe-inline'").inline_script);
        assert!(!allow("script-src 'sha256-xyz=' 'unsafe-inline'").inline_script);
        let sd = allow(
            "script-src 'nonce-abc' 'strict-dynamic' 'unsafe-inline' https: http:; object-src 'none'",
        );
        assert!(!sd.inline_script && sd.broad_script.is_none() && sd.insecure_active.is_empty());
        assert!(!sd.strict_dynamic_without_nonce);
        assert!(allow("script-src 'strict-dynamic'").strict_dynamic_without_nonce);
        assert!(allow("script-src 'self' 'unsafe-inline'").inline_script);
    }

    #[test]
    fn a_policy_without_script_directives_restricts_nothing() {
        let a = allow("frame-ancestors 'none'");
        assert!(a.inline_script && a.eval);
        assert_eq!(
            a.broad_script.as_deref(),
            Some("no script-src or default-src directive")
        );
        assert!(a.broad_object.is_some());
    }

    #[test]
    fn data_and_scheme_sources_are_broad_and_http_is_insecure() {
        assert_eq!(
            allow("script-src data:").broad_script.as_deref(),
            Some("data:")
        );
        assert_eq!(
            allow("script-src 'self' https:").broad_script.as_deref(),
            Some("https:")
        );
        let a =
            allow("default-src 'self'; script-src 'self' http://cdn.test; img-src http://img.test");
        assert_eq!(
            a.insecure_active,
            vec!["script-src http://cdn.test".to_string()]
        );
        assert_eq!(
            a.insecure_passive,
            vec!["img-src http://img.test".to_string()]
        );
        assert!(a.broad_script.is_none() && a.broad_object.is_none());
    }

    #[test]
    fn every_policy_must_allow_a_weakness() {
        let a = evaluate(&parse_header(&[
            "script-src * 'unsafe-inline', script-src 'self'".into(),
        ]))
        .unwrap();
        assert!(!a.inline_script && a.broad_script.is_none());
        assert!(evaluate(&[]).is_none());
    }

    #[test]
    fn default_src_none_is_recognised() {
        let a = allow("default-src 'none'; script-src 'self'; style-src 'self'");
        assert!(a.default_none && !a.unsafe_style && !a.inline_script);
        assert!(!allow("default-src 'none' 'self'").default_none);
    }
}
