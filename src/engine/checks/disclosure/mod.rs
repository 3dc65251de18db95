//! `disclosure` checks: version banners, development servers and debug toolbars, exposed files verified by content,
//! source maps, directory listings, error pages with stack traces or debug modes, and a missing security.txt.

use crate::engine::net::HttpResponse;
use crate::engine::registry::Check;
use crate::engine::site::NotFound;
use crate::model::{Module, Profile};
use url::Url;

/// Declares a `disclosure` rule: `rule!(NAME, "id", Category, Severity, cwe, "title", "why", "fix", [refs])`.
macro_rules! rule {
    ($name:ident, $id:literal, $cat:ident, $sev:ident, $cwe:expr, $title:literal, $desc:literal, $fix:literal, [$($r:expr),* $(,)?]) => {
        pub static $name: crate::engine::registry::Rule = crate::engine::registry::Rule {
            id: $id,
            category: crate::model::Category::$cat,
            severity: crate::model::Severity::$sev,
            title: $title,
            description: $desc,
            remediation: $fix,
            references: &[$($r),*],
            cwe: $cwe,
        };
    };
}

/// Declares a lazily compiled regular expression.
macro_rules! regex {
    ($name:ident, $re:literal) => {
        static $name: std::sync::LazyLock<regex::Regex> =
            std::sync::LazyLock::new(|| crate::engine::pattern::compile($re));
    };
}

mod banners;
mod dev_server;
mod errors;
pub(crate) mod exposures;
pub(crate) mod failures;
mod listing;
mod security_txt;
pub(crate) mod source_maps;

use exposures::rules as ex;
pub(crate) use failures::Failures;

/// The `disclosure` checks.
pub static CHECKS: &[Check] = &[
    Check {
        id: "disclosure.banners",
        module: Module::Disclosure,
        profile: Profile::Quick,
        summary: "software versions in Server, X-Powered-By, X-AspNet-Version and <meta name=generator>",
        rules: &[
            &banners::SERVER_VERSION,
            &banners::POWERED_BY,
            &banners::ASPNET_VERSION,
            &banners::GENERATOR,
        ],
        run: |ctx| Box::pin(banners::run(ctx)),
    },
    Check {
        id: "disclosure.dev-servers",
        module: Module::Disclosure,
        profile: Profile::Quick,
        summary: "development servers (Werkzeug, runserver, http.server, Vite, next dev, webpack-dev-server...) and debug toolbars, from headers and pages already fetched",
        rules: &[&dev_server::DEV_SERVER],
        run: |ctx| Box::pin(dev_server::run(ctx)),
    },
    Check {
        id: "disclosure.security-txt",
        module: Module::Disclosure,
        profile: Profile::Quick,
        summary: "a security.txt with a Contact field under /.well-known/",
        rules: &[&security_txt::MISSING],
        run: |ctx| Box::pin(security_txt::run(ctx)),
    },
    Check {
        id: "disclosure.exposures",
        module: Module::Disclosure,
        profile: Profile::Standard,
        summary: "well-known sensitive files (.git, .env, dumps, backups, status pages, agent files), verified by content",
        rules: &[
            &ex::REPOSITORY,
            &ex::ENV_FILE,
            &ex::CREDENTIALS,
            &ex::DS_STORE,
            &ex::DATABASE,
            &ex::ARCHIVE,
            &ex::CONFIG_BACKUP,
            &ex::STATUS_PAGE,
            &ex::PHPINFO,
            &ex::ACTUATOR,
            &ex::OPENAPI,
            &ex::AGENT_FILES,
        ],
        run: |ctx| Box::pin(exposures::run(ctx)),
    },
    Check {
        id: "disclosure.source-maps",
        module: Module::Disclosure,
        profile: Profile::Standard,
        summary: "source maps of the site's own scripts",
        rules: &[&source_maps::EXPOSED],
        run: |ctx| Box::pin(source_maps::run(ctx)),
    },
    Check {
        id: "disclosure.listings",
        module: Module::Disclosure,
        profile: Profile::Standard,
        summary: "directory listings on crawled pages, the directories of the site's assets and (deep) common folder names",
        rules: &[&listing::LISTING],
        run: |ctx| Box::pin(listing::run(ctx)),
    },
    Check {
        id: "disclosure.errors",
        module: Module::Disclosure,
        profile: Profile::Standard,
        summary: "stack traces and debug-mode error pages in crawled pages and the not-found page",
        rules: &[&errors::ERROR_PAGE],
        run: |ctx| Box::pin(errors::run(ctx)),
    },
];

/// A stable finding location for a URL: scheme, host, port and path, without query or fragment.
pub(crate) fn url_location(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

/// True if `resp` (to a request for `path`) is the site's not-found answer. Beyond [`NotFound::matches`], a body cut
/// short by a probe's small cap is compared with the start of the not-found body, so a large catch-all page read
/// only in part is still recognised.
pub(crate) fn is_catch_all(nf: &NotFound, resp: &HttpResponse, path: &str) -> bool {
    if nf.matches(resp, path) {
        return true;
    }
    if !resp.truncated || resp.status != nf.status {
        return false;
    }
    let text = resp.text();
    let mut body = text.replace(path, "");
    let bare = path.trim_start_matches('/');
    if !bare.is_empty() {
        body = body.replace(bare, "");
    }
    let body = body.split_whitespace().collect::<Vec<_>>().join(" ");
    // The last bytes may be a word cut in two; compare what comes before them.
    let n = body.len().saturating_sub(16).min(4096);
    let expected = nf.body().as_bytes();
    n >= 64
        && expected.len() >= n
        && body.as_bytes()[..n]
            .iter()
            .zip(&expected[..n])
            .filter(|(a, b)| a == b)
            .count()
            * 10
            >= n * 9
}

/// True if the text starts like an HTML document (a catch-all page, a login form, an SPA shell).
pub(crate) fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start_matches('\u{feff}')
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    ["<!doctype html", "<html", "<head", "<body"]
        .iter()
        .any(|m| head.contains(m))
}

/// Text without HTML tags and with common entities decoded, whitespace collapsed: evidence a person can read.
fn plain_text(html: &str) -> String {
    regex!(TAG, r"<[^>]*>");
    let text = TAG.replace_all(html, " ");
    let text = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True for a variable or key name that usually holds a secret.
fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE",
        "CREDENTIAL",
        "_KEY",
        "SALT",
        "DSN",
        "DATABASE_URL",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// True for a value that is a real secret rather than empty or a placeholder (`${VAR}`, `<token>`, `changeme`).
fn real_value(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    let lower = v.to_ascii_lowercase();
    v.len() >= 4
        && !v.starts_with("${")
        && !v.starts_with('<')
        && ![
            "changeme",
            "change-me",
            "xxxx",
            "your_",
            "your-",
            "placeholder",
            "example",
        ]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// The first URL in `text` whose user information carries a credential (a password, or a token as the user
/// name), shown with its user information redacted.
fn url_with_credentials(text: &str) -> Option<String> {
    crate::engine::redaction::url_credentials(text)
        .into_iter()
        .find(|u| u.secret)
        .map(|u| u.shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_recognised_by_its_start() {
        assert!(looks_like_html("\n <!DOCTYPE html><title>x</title>"));
        assert!(looks_like_html(
            "<html><body>ref: refs/heads/main</body></html>"
        ));
        assert!(!looks_like_html("ref: refs/heads/main\n"));
        assert!(!looks_like_html("<?php define('DB_PASSWORD', 'x');"));
    }

    #[test]
    fn plain_text_drops_tags() {
        assert_eq!(
            plain_text("<dt>Server Version: Apache/2.4</dt>\n<b>x &amp; y</b>"),
            "Server Version: Apache/2.4 x & y"
        );
    }

    #[test]
    fn secrets_and_placeholders() {
        assert!(secret_name("DB_PASSWORD") && secret_name("stripe_key"));
        assert!(!secret_name("APP_ENV") && !secret_name("PORT"));
        assert!(real_value("hunter2-long") && !real_value("${TOKEN}") && !real_value(""));
        let shown = url_with_credentials(
            "url = https://deploy:ghp_abcdefghijklmnop1234@github.com/a/b.git",
        )
        .unwrap();
        assert_eq!(shown, "https://…:ghp_…1234@github.com/a/b.git");
        let token_user =
            url_with_credentials("https://ghp_abcdefghijklmnop1234@github.com/a/b.git").unwrap();
        assert_eq!(token_user, "https://ghp_…1234@github.com/a/b.git");
        assert!(url_with_credentials("https://alice@github.com/a/b.git").is_none());
        assert!(url_with_credentials("git@github.com:acme/shop.git").is_none());
    }
}
