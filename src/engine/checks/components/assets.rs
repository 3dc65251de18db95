//! CMS versions from the core assets pages load: WordPress core files carry the WordPress version in `?ver=`,
//! Drupal 8+ core files in `?v=`. Vendored libraries under the same folders carry their own versions, so only known
//! core files count, and the most common plausible value wins.

use crate::engine::site::Page;
use std::collections::BTreeMap;
use std::sync::Arc;

/// `(component, version, evidence)` for WordPress and Drupal, when their core assets show a version.
pub(super) fn versions(pages: &[Arc<Page>]) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    let mut votes: BTreeMap<(&'static str, String), (usize, String)> = BTreeMap::new();
    for page in pages {
        let Some(doc) = &page.html else { continue };
        let urls = doc
            .scripts
            .iter()
            .filter_map(|s| s.src.as_ref())
            .chain(doc.stylesheets.iter().map(|s| &s.href));
        for url in urls.filter(|u| u.host_str() == page.url().host_str()) {
            let path = url.path();
            let (component, param) = if wordpress_core(path) {
                ("wordpress", "ver")
            } else if path.starts_with("/core/misc/") {
                ("drupal", "v")
            } else {
                continue;
            };
            let Some(v) = url
                .query_pairs()
                .find(|(k, _)| k == param)
                .map(|(_, v)| v.to_string())
            else {
                continue;
            };
            if !plausible(component, &v) {
                continue;
            }
            let entry = votes.entry((component, v)).or_insert((0, url.to_string()));
            entry.0 += 1;
        }
    }
    for component in ["wordpress", "drupal"] {
        let top = votes
            .iter()
            .filter(|((c, _), _)| *c == component)
            .max_by_key(|(_, (n, _))| *n);
        if let Some(((_, v), (n, example))) = top {
            let evidence = format!("{n} core asset(s) versioned {v}, e.g. {example}");
            out.push((component, v.clone(), evidence));
        }
    }
    out
}

/// WordPress core files whose `?ver=` is the WordPress version (not a bundled library's).
fn wordpress_core(path: &str) -> bool {
    const CORE: &[&str] = &[
        "/wp-includes/css/",
        "/wp-includes/js/wp-emoji-release",
        "/wp-includes/js/wp-embed",
        "/wp-includes/js/comment-reply",
        "/wp-includes/js/admin-bar",
    ];
    !path.contains("/vendor/") && CORE.iter().any(|p| path.starts_with(p))
}

/// A version that looks like the component's own: `5.8`, `6.4.2` (WordPress 3 to 9), `9.5.11` (Drupal 8 to 19).
fn plausible(component: &str, v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    let numeric = parts.len() >= 2
        && parts.len() <= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let major: u32 = parts[0].parse().unwrap_or(0);
    numeric
        && match component {
            "wordpress" => (3..=9).contains(&major),
            _ => (8..=19).contains(&major) && parts.len() == 3,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_versions_need_a_plausible_core_version() {
        assert!(wordpress_core(
            "/wp-includes/css/dist/block-library/style.min.css"
        ));
        assert!(wordpress_core("/wp-includes/js/wp-emoji-release.min.js"));
        assert!(!wordpress_core("/wp-includes/js/jquery/jquery.min.js"));
        assert!(plausible("wordpress", "5.8") && plausible("wordpress", "6.4.2"));
        assert!(!plausible("wordpress", "3.6.0.1") && !plausible("wordpress", "1.13.4"));
        assert!(plausible("drupal", "9.5.11") && !plausible("drupal", "3.6.3"));
    }
}
