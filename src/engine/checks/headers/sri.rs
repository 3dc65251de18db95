//! `headers.subresource-integrity`: scripts from other sites without an integrity hash, on the start page and the
//! crawled pages (each script reported once, at the first page that loads it), and the Observatory's
//! `subresource-integrity` test on the start page.

use super::{FirstSeen, also, graded_status, host, pages, same_site, url_text};
use crate::engine::context::CheckCtx;
use crate::engine::registry::CheckResult;
use crate::engine::site::Page;
use crate::model::Severity;
use url::Url;

const MDN_SRI: &str = "https://developer.mozilla.org/en-US/docs/Web/Security/Subresource_Integrity";

headers_rule!(
    SRI_MISSING,
    "headers.sri-missing",
    Medium,
    Some(353),
    "Script from another site is loaded without an integrity hash",
    "The page runs a script served by another site. If that site or CDN is compromised (as polyfill.io was in 2024), the attacker's code runs in this site's pages with full access to its users' data.",
    "Pin the exact file with Subresource Integrity: `<script src=\"https://cdn.example/lib@1.2.3/lib.min.js\" integrity=\"sha384-...\" crossorigin=\"anonymous\">` (srihash.org or `openssl dgst -sha384 -binary lib.min.js | openssl base64 -A`), or serve the file from your own origin.",
    [MDN_SRI]
);

/// True for an integrity attribute holding at least one hash browsers check.
fn has_integrity(integrity: Option<&str>) -> bool {
    integrity.is_some_and(|v| {
        v.split_ascii_whitespace().any(|t| {
            ["sha256-", "sha384-", "sha512-"]
                .iter()
                .any(|p| t.to_ascii_lowercase().starts_with(p))
        })
    })
}

/// True when a URL names one exact version of a file (`lib@1.2.3`, `/3.7.1/jquery.min.js`): integrity can pin
/// it. Unversioned URLs (an analytics or payment SDK) change under the same address and cannot be pinned.
fn versioned(url: &Url) -> bool {
    let b = url.path().as_bytes();
    b.windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2].is_ascii_digit())
}

pub(super) async fn check(ctx: &CheckCtx) -> CheckResult {
    let pages = pages(ctx).await?;
    let start = &pages[0];
    if graded_status(start.resp().status) {
        let (result, modifier) = observatory(start, &ctx.target.host());
        ctx.observe("subresource-integrity", result, modifier);
    }
    let mut missing = FirstSeen::new();
    for page in &pages {
        let Some(doc) = &page.html else { continue };
        for script in &doc.scripts {
            let Some(src) = &script.src else { continue };
            if !has_integrity(script.integrity.as_deref())
                && !same_site(host(src), host(page.url()))
            {
                missing.add(src.clone(), page);
            }
        }
    }
    for (src, page, n) in missing.items {
        let (src_text, page_text) = (url_text(&src), url_text(page.url()));
        let mut draft = ctx
            .finding(&SRI_MISSING, format!("{page_text} (script: {src_text})"))
            .title(format!(
                "Script from {} is loaded without an integrity hash",
                host(&src)
            ))
            .evidence(format!(
                "<script src=\"{src_text}\"> without integrity on {page_text}{}",
                also(n)
            ));
        if !versioned(&src) {
            draft = draft.severity(Severity::Low).description(format!(
                "{} This URL does not name a fixed version, so an integrity hash may not be possible; serving \
                 a copy from your own origin, or trusting this provider knowingly, are the options.",
                SRI_MISSING.description
            ));
        }
        ctx.report(draft).await;
    }
    Ok(())
}

/// The Observatory's results for SRI, best first; a later result replaces an earlier only if worse.
const SRI_ORDER: &[(&str, i32)] = &[
    ("sri-implemented-and-all-scripts-loaded-securely", 5),
    ("sri-implemented-and-external-scripts-loaded-securely", 5),
    (
        "sri-implemented-but-external-scripts-not-loaded-securely",
        -20,
    ),
    (
        "sri-not-implemented-but-external-scripts-loaded-securely",
        -5,
    ),
    (
        "sri-not-implemented-and-external-scripts-not-loaded-securely",
        -50,
    ),
];

/// The Observatory's `subresource-integrity` result: scripts on the target's own registrable domain count as
/// secure origins, protocol-relative ones as foreign and not known to be secure.
fn observatory(page: &Page, target_host: &str) -> (&'static str, i32) {
    let mime = page.resp().content_type();
    if !mime.is_empty() && mime != "text/html" && mime != "application/xhtml+xml" {
        return ("sri-not-implemented-response-not-html", 0);
    }
    let scripts = page
        .html
        .as_ref()
        .map(|d| d.scripts.as_slice())
        .unwrap_or_default();
    if scripts.is_empty() {
        return ("sri-not-implemented-but-no-scripts-loaded", 0);
    }
    let (mut worst, mut foreign): (Option<usize>, bool) = (None, false);
    for s in scripts {
        let (Some(raw), Some(src)) = (s.raw_src.as_deref(), s.src.as_ref()) else {
            continue;
        };
        let lower = raw.to_ascii_lowercase();
        let protocol_relative = raw.starts_with("//") && !raw.starts_with("///");
        let full = lower.starts_with("http://") || lower.starts_with("https://");
        let relative = !protocol_relative && !full;
        let secure_origin = relative || (!protocol_relative && same_site(host(src), target_host));
        let secure_scheme =
            (full && src.scheme() == "https") || (relative && page.url().scheme() == "https");
        let integrity = s.integrity.as_deref().is_some_and(|i| !i.is_empty());
        let result = match (secure_origin, integrity, secure_scheme) {
            (true, true, true) if worst.is_none() => Some(0),
            (false, true, false) => Some(2),
            (false, false, true) => Some(3),
            (false, false, false) => Some(4),
            _ => None,
        };
        foreign |= !secure_origin;
        if let Some(r) = result {
            worst = Some(worst.map_or(r, |w| w.max(r)));
        }
    }
    match worst {
        Some(i) => SRI_ORDER[i],
        None if foreign => SRI_ORDER[1],
        None => (
            "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
            0,
        ),
    }
}

/// Active (`true`) and passive http: resources an HTML page loads.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrity_needs_a_known_hash() {
        assert!(has_integrity(Some("sha384-abc")));
        assert!(has_integrity(Some("md5-x SHA512-abc")));
        assert!(
            !has_integrity(Some("")) && !has_integrity(Some("md5-abc")) && !has_integrity(None)
        );
    }

    #[test]
    fn versioned_urls_can_be_pinned() {
        let v = |s: &str| versioned(&Url::parse(s).unwrap());
        assert!(v(
            "https://cdn.jsdelivr.net/npm/jquery@1.12.4/dist/jquery.min.js"
        ));
        assert!(v("https://code.jquery.com/jquery-3.7.1.min.js"));
        assert!(!v("https://js.stripe.com/v3"));
        assert!(!v("https://www.googletagmanager.com/gtag/js?id=G-1.2"));
    }
}
