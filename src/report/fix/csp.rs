//! A Content-Security-Policy proposed from what the crawled pages load: `'self'` plus the origins seen, by kind,
//! with `object-src 'none'`, `base-uri 'self'` and `frame-ancestors 'self'`; never `'unsafe-inline'` for scripts.

use crate::model::ContentSources;

/// Public CDNs that serve anyone's files: allowing the whole host lets an attacker load their own script from it.
const SHARED_CDNS: &[&str] = &[
    "cdn.jsdelivr.net",
    "unpkg.com",
    "cdnjs.cloudflare.com",
    "raw.githubusercontent.com",
    "esm.sh",
    "cdn.skypack.dev",
];

/// A proposed policy, and what the site must change for it to work.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub policy: String,
    /// Changes the pages need before the policy can be enforced (inline scripts, handlers).
    pub caveats: Vec<String>,
}

/// The policy for a site served from `own` (scheme://host[:port]) that loads from `sources`.
pub fn propose(own: &str, sources: Option<&ContentSources>, https: bool) -> Proposal {
    let empty = ContentSources::default();
    let s = sources.unwrap_or(&empty);
    let own_host = host_of(own);
    let list = |origins: &[String], extra: &[&str]| -> String {
        let mut out: Vec<String> = vec!["'self'".to_string()];
        out.extend(extra.iter().map(|e| e.to_string()));
        for o in origins {
            // Plain-HTTP origins are listed as HTTPS: the insecure-content fix moves them there.
            let o = o
                .strip_prefix("http://")
                .map_or(o.clone(), |rest| format!("https://{rest}"));
            if host_of(&o) == own_host || out.contains(&o) || !o.starts_with("https://") {
                continue;
            }
            out.push(o);
        }
        out.join(" ")
    };
    let mut directives = vec![
        "default-src 'self'".to_string(),
        format!("script-src {}", list(&s.script, &[])),
        format!(
            "style-src {}",
            list(
                &s.style,
                if s.inline_styles {
                    &["'unsafe-inline'"]
                } else {
                    &[]
                }
            )
        ),
        format!("img-src {}", list(&s.img, &["data:"])),
    ];
    if !s.media.is_empty() {
        directives.push(format!("media-src {}", list(&s.media, &[])));
    }
    if !s.frame.is_empty() {
        directives.push(format!("frame-src {}", list(&s.frame, &[])));
    }
    directives.extend([
        "object-src 'none'".to_string(),
        "base-uri 'self'".to_string(),
        format!("form-action {}", list(&s.form_action, &[])),
        "frame-ancestors 'self'".to_string(),
    ]);
    if https {
        // Only where HTTPS exists: on a plain-HTTP site it would send every request to a port that is not there.
        directives.push("upgrade-insecure-requests".to_string());
    }
    let mut caveats = Vec::new();
    if s.inline_scripts || s.inline_handlers {
        caveats.push(
            "The pages run inline JavaScript (<script> blocks or on*= handlers), which this policy blocks: move it \
             into .js files, or add each block's 'sha256-...' hash to script-src (the browser console prints it). \
             Until then you can send the same value as Content-Security-Policy-Report-Only to see what breaks."
                .to_string(),
        );
    }
    let shared: Vec<&str> = s
        .script
        .iter()
        .filter_map(|o| SHARED_CDNS.iter().find(|cdn| host_of(o) == **cdn))
        .copied()
        .collect();
    if !shared.is_empty() {
        caveats.push(format!(
            "{} serve{} any package, including an attacker's: list the exact file URLs you load in script-src \
             (a source may be a full URL, e.g. https://cdn.jsdelivr.net/npm/jquery@3.7.1/dist/jquery.min.js) \
             instead of the whole host.",
            shared.join(", "),
            if shared.len() == 1 { "s" } else { "" }
        ));
    }
    if sources.is_none_or(|s| s.pages == 0) {
        caveats.push(
            "The scan saw no pages to learn the site's sources from: add the origins your pages load scripts, \
             styles and images from."
                .to_string(),
        );
    }
    Proposal {
        policy: directives.join("; "),
        caveats,
    }
}

fn host_of(origin: &str) -> String {
    crate::report::line::host_of(origin).to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_third_party_origins_by_kind_and_folds_the_sites_own_origin_into_self() {
        let sources = ContentSources {
            script: vec!["https://cdn.jsdelivr.net".into(), "http://shop.test".into()],
            img: vec!["http://img.shop-cdn.test".into()],
            form_action: vec!["http://shop.test".into()],
            inline_scripts: true,
            pages: 3,
            ..Default::default()
        };
        let p = propose("https://shop.test", Some(&sources), true);
        assert!(
            p.policy
                .starts_with("default-src 'self'; script-src 'self' https://cdn.jsdelivr.net;"),
            "{}",
            p.policy
        );
        assert!(
            p.policy
                .contains("img-src 'self' data: https://img.shop-cdn.test;"),
            "{}",
            p.policy
        );
        assert!(p.policy.contains("form-action 'self';"), "{}", p.policy);
        assert!(!p.policy.contains("unsafe"), "{}", p.policy);
        assert_eq!(
            p.caveats.len(),
            2,
            "inline scripts and a shared CDN: {:?}",
            p.caveats
        );
        assert!(
            p.caveats[1].starts_with("cdn.jsdelivr.net serves any package"),
            "{:?}",
            p.caveats
        );
        assert!(
            p.policy.ends_with("upgrade-insecure-requests"),
            "{}",
            p.policy
        );
        let plain = propose("http://shop.test", Some(&sources), false);
        assert!(
            !plain.policy.contains("upgrade-insecure-requests"),
            "not without HTTPS: {}",
            plain.policy
        );
    }
}
