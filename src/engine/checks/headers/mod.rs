//! `headers` checks: the MDN HTTP Observatory's tests (CSP, framing, content sniffing, referrer, cross-origin
//! isolation, cookies, subresource integrity) plus permissions policy, mixed content and forms posting over HTTP.
//!
//! The header tests read the shared start page only (as the Observatory scores it) and record the Observatory's
//! result for each test; cookies, SRI, mixed content and forms also read the pages of the crawl (the start page
//! alone in the quick profile). None of them sends a request of its own. Headers that only act on documents (CSP,
//! framing, referrer and permissions policies, COOP and COEP) are graded on any start page but reported only on an
//! HTML one: a JSON API or a metrics endpoint is not told to add them.

/// Declares a `headers` rule.
macro_rules! headers_rule {
    ($name:ident, $id:literal, $sev:ident, $cwe:expr, $title:literal, $desc:literal, $fix:literal, [$($r:expr),*]) => {
        pub static $name: crate::engine::registry::Rule = crate::engine::registry::Rule {
            id: $id,
            category: crate::model::Category::Headers,
            severity: crate::model::Severity::$sev,
            title: $title,
            description: $desc,
            remediation: $fix,
            references: &[$($r),*],
            cwe: $cwe,
        };
    };
}

mod cookie_parse;
mod cookies;
mod csp;
mod csp_allow;
mod csp_observatory;
mod csp_policy;
mod framing;
mod isolation;
mod misc;
mod mixed;
mod sf;
mod sri;

use crate::engine::context::CheckCtx;
use crate::engine::registry::{Check, CheckFail};
use crate::engine::site::Page;
use crate::model::{Module, Profile};
use std::sync::Arc;
use url::Url;

/// The `headers` checks.
pub static CHECKS: &[Check] = &[
    Check {
        id: "headers.csp",
        module: Module::Headers,
        profile: Profile::Quick,
        summary: "Content-Security-Policy (header and <meta>): present, parseable, and restricting scripts",
        rules: &[
            &csp::CSP_MISSING,
            &csp::CSP_INVALID,
            &csp::CSP_UNSAFE_INLINE,
            &csp::CSP_UNSAFE_EVAL,
            &csp::CSP_WILDCARD,
            &csp::CSP_INSECURE_SCHEME,
        ],
        run: |ctx| Box::pin(csp::check(ctx)),
    },
    Check {
        id: "headers.framing",
        module: Module::Headers,
        profile: Profile::Quick,
        summary: "clickjacking protection: X-Frame-Options or CSP frame-ancestors",
        rules: &[&framing::CLICKJACKING, &framing::XFO_INVALID],
        run: |ctx| Box::pin(framing::check(ctx)),
    },
    Check {
        id: "headers.content-type-options",
        module: Module::Headers,
        profile: Profile::Quick,
        summary: "X-Content-Type-Options: nosniff",
        rules: &[&misc::XCTO_MISSING, &misc::XCTO_INVALID],
        run: |ctx| Box::pin(misc::content_type_options(ctx)),
    },
    Check {
        id: "headers.referrer-policy",
        module: Module::Headers,
        profile: Profile::Quick,
        summary: "Referrer-Policy (header and <meta name=referrer>) does not leak URLs",
        rules: &[&misc::REFERRER_UNSAFE, &misc::REFERRER_INVALID],
        run: |ctx| Box::pin(misc::referrer_policy(ctx)),
    },
    Check {
        id: "headers.permissions-policy",
        module: Module::Headers,
        profile: Profile::Quick,
        summary: "Permissions-Policy is present and parses",
        rules: &[&isolation::PP_MISSING, &isolation::PP_INVALID],
        run: |ctx| Box::pin(isolation::permissions_policy(ctx)),
    },
    Check {
        id: "headers.cross-origin-isolation",
        module: Module::Headers,
        profile: Profile::Quick,
        summary: "Cross-Origin-Opener/Embedder/Resource-Policy values",
        rules: &[
            &isolation::COOP_MISSING,
            &isolation::COOP_INVALID,
            &isolation::COEP_INVALID,
            &isolation::CORP_INVALID,
        ],
        run: |ctx| Box::pin(isolation::cross_origin(ctx)),
    },
    Check {
        id: "headers.cookies",
        module: Module::Headers,
        profile: Profile::Quick,
        summary: "Set-Cookie flags (Secure, HttpOnly, SameSite, name prefixes) on the start page and crawled pages",
        rules: &[
            &cookies::NO_SECURE,
            &cookies::NO_HTTPONLY,
            &cookies::SAMESITE,
            &cookies::PREFIX,
        ],
        run: |ctx| Box::pin(cookies::check(ctx)),
    },
    Check {
        id: "headers.subresource-integrity",
        module: Module::Headers,
        profile: Profile::Quick,
        summary: "scripts from other sites carry an integrity hash",
        rules: &[&sri::SRI_MISSING],
        run: |ctx| Box::pin(sri::check(ctx)),
    },
    Check {
        id: "headers.mixed-content",
        module: Module::Headers,
        profile: Profile::Quick,
        summary: "HTTPS pages loading http: resources, and forms that send data over plain HTTP",
        rules: &[
            &mixed::MIXED_ACTIVE,
            &mixed::MIXED_PASSIVE,
            &mixed::FORM_INSECURE,
        ],
        run: |ctx| Box::pin(mixed::mixed_content(ctx)),
    },
];

/// Status codes the Observatory accepts for the page it grades; other answers are error pages, whose headers
/// often come from a different layer (a proxy, a framework's error handler) than the site's real pages.
fn graded_status(status: u16) -> bool {
    (200..400).contains(&status) || status == 401 || status == 403
}

/// The start page whose headers are graded, or why the header tests do not apply.
async fn graded_page(ctx: &CheckCtx) -> Result<Arc<Page>, CheckFail> {
    let page = ctx.start_page().await?;
    let status = page.resp().status;
    if !graded_status(status) {
        return Err(CheckFail::Skipped(format!(
            "the start page answered HTTP {status}; headers are graded on a page the site serves normally \
             (2xx, 3xx, 401 or 403), as the Observatory does"
        )));
    }
    Ok(page)
}

/// The start page followed by the other pages of the crawl (the start page alone in the quick profile).
async fn pages(ctx: &CheckCtx) -> Result<Vec<Arc<Page>>, CheckFail> {
    let start = ctx.start_page().await?;
    let crawl = ctx.crawl().await?;
    let others = crawl
        .pages
        .iter()
        .filter(|p| p.url() != start.url())
        .cloned();
    Ok(std::iter::once(start.clone()).chain(others).collect())
}

/// Every value of a response header joined as one field value, the way HTTP combines repeated headers.
fn combined(page: &Page, name: &str) -> Option<String> {
    let values = page.resp().header_all(name);
    (!values.is_empty()).then(|| values.join(", "))
}

/// `Name: value` for evidence.
fn shown(name: &str, value: &str) -> String {
    format!("{name}: {value}")
}

/// True when hosts `a` and `b` belong to the same site: the same registrable domain by the Public Suffix List
/// (`www.abc.io` and `static.abc.io` are one site, `a.github.io` and `b.github.io` two). IP literals,
/// single-label hosts and public suffixes themselves are their own site.
fn same_site(a: &str, b: &str) -> bool {
    site_of(a) == site_of(b)
}

fn site_of(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') || !host.contains('.') {
        return host;
    }
    match psl::domain_str(&host) {
        Some(domain) => domain.to_string(),
        None => host,
    }
}

/// A URL for a finding, its user name and password (if the page wrote any) redacted.
fn url_text(url: &Url) -> String {
    crate::engine::redaction::redact_urls(url.as_str())
}

/// The host of a URL, empty when it has none.
fn host(url: &Url) -> &str {
    url.host_str().unwrap_or("")
}

/// The first page each item was seen on, and on how many pages in all.
struct FirstSeen<T> {
    /// Each item, the first page it was seen on, and the number of pages.
    items: Vec<(T, Arc<Page>, usize)>,
}

impl<T: PartialEq> FirstSeen<T> {
    fn new() -> Self {
        FirstSeen { items: Vec::new() }
    }

    fn add(&mut self, item: T, page: &Arc<Page>) {
        match self.items.iter_mut().find(|(i, ..)| *i == item) {
            Some((_, _, n)) => *n += 1,
            None => self.items.push((item, page.clone(), 1)),
        }
    }
}

/// " (and N other pages)" for evidence.
fn also(n: usize) -> String {
    match n {
        1 => String::new(),
        2 => " (and 1 other page)".into(),
        n => format!(" (and {} other pages)", n - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_are_registrable_domains() {
        assert!(same_site("www.example.com", "static.example.com"));
        assert!(!same_site("example.com", "cdn.jsdelivr.net"));
        assert!(same_site("shop.example.co.uk", "example.co.uk"));
        assert!(!same_site("a.co.uk", "b.co.uk"));
        assert!(!same_site("127.0.0.1", "127.0.0.2"));
        assert!(same_site("[::1]", "[::1]") && !same_site("[::1]", "[::2]"));
        assert!(same_site("intranet", "INTRANET.") && !same_site("intranet", "wiki"));
        assert_eq!(site_of("vulnerable.lab.palisade.test"), "palisade.test");
        assert_eq!(site_of("github.io"), "github.io");
    }

    /// Regression: the guess by label count took `www.abc.io` and `static.abc.io` for two sites and
    /// `a.github.io` and `b.github.io` for one.
    #[test]
    fn same_site_was_guessed_without_the_public_suffix_list() {
        assert!(same_site("www.abc.io", "static.abc.io"));
        assert!(!same_site("a.github.io", "b.github.io"));
        assert!(same_site("x.a.github.io", "a.github.io"));
        assert!(same_site("cdn.shop.com.au", "shop.com.au"));
        assert!(!same_site("shop.s3.amazonaws.com", "evil.s3.amazonaws.com"));
    }

    #[test]
    fn graded_statuses_match_the_observatory() {
        for ok in [200, 204, 301, 302, 401, 403] {
            assert!(graded_status(ok), "{ok}");
        }
        for bad in [404, 500, 502, 100] {
            assert!(!graded_status(bad), "{bad}");
        }
    }
}
