//! Version banners: `Server`, `X-Powered-By`, `X-AspNet-Version`/`X-AspNetMvc-Version` headers and
//! `<meta name=generator>`, read from pages the scan already fetched (no extra requests).

use super::url_location;
use crate::engine::context::CheckCtx;
use crate::engine::registry::{CheckResult, Rule};
use crate::engine::site::Page;
use std::sync::Arc;

const OWASP_FINGERPRINT: &str = "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/01-Information_Gathering/02-Fingerprint_Web_Server";

rule!(
    SERVER_VERSION,
    "disclosure.server-version",
    Disclosure,
    Low,
    Some(497),
    "Server header reveals the server software version",
    "The Server header names the exact version of the web server, so anyone can look up the vulnerabilities that apply to it without probing (ZAP rule 10036).",
    "Send the product name only. nginx: `server_tokens off;` Apache: `ServerTokens Prod` and `ServerSignature Off`. IIS: remove the header with `<requestFiltering removeServerHeader=\"true\" />`. Behind a CDN or proxy, strip or rewrite the header there.",
    [OWASP_FINGERPRINT]
);
rule!(
    POWERED_BY,
    "disclosure.x-powered-by",
    Disclosure,
    Low,
    Some(497),
    "X-Powered-By header reveals the application stack",
    "X-Powered-By serves no purpose for browsers; it tells attackers which framework or language (often with its version) runs the site (ZAP rule 10037).",
    "Remove the header. PHP: `expose_php = Off` in php.ini. Express: `app.disable('x-powered-by')`. ASP.NET: `<httpProtocol><customHeaders><remove name=\"X-Powered-By\" /></customHeaders></httpProtocol>` in web.config. Or strip it at the proxy (nginx: `proxy_hide_header X-Powered-By;`).",
    [OWASP_FINGERPRINT]
);
rule!(
    ASPNET_VERSION,
    "disclosure.aspnet-version",
    Disclosure,
    Low,
    Some(497),
    "X-AspNet-Version header reveals the .NET version",
    "X-AspNet-Version and X-AspNetMvc-Version give the exact framework versions, which narrows an attack to known vulnerabilities (ZAP rule 10061).",
    "In web.config set `<httpRuntime enableVersionHeader=\"false\" />`; for MVC add `MvcHandler.DisableMvcResponseHeader = true;` in Application_Start.",
    [
        "https://learn.microsoft.com/en-us/dotnet/api/system.web.configuration.httpruntimesection.enableversionheader"
    ]
);
rule!(
    GENERATOR,
    "disclosure.generator-version",
    Disclosure,
    Low,
    Some(497),
    "Generator meta tag reveals the CMS version",
    "A `<meta name=\"generator\">` tag with a version tells attackers which CMS release runs the site, and so which published vulnerabilities to try (ZAP rule 10009).",
    "Remove the version from the generator tag. WordPress: `remove_action('wp_head', 'wp_generator');` in the theme's functions.php; Drupal and Joomla have equivalent settings. Then keep the CMS updated.",
    [OWASP_FINGERPRINT]
);

/// One header (or the generator tag) worth reporting.
struct Banner {
    rule: &'static Rule,
    name: &'static str,
    /// True if the value counts only when it holds a version number.
    needs_version: bool,
}

const BANNERS: &[Banner] = &[
    Banner {
        rule: &SERVER_VERSION,
        name: "Server",
        needs_version: true,
    },
    Banner {
        rule: &POWERED_BY,
        name: "X-Powered-By",
        needs_version: false,
    },
    Banner {
        rule: &ASPNET_VERSION,
        name: "X-AspNet-Version",
        needs_version: false,
    },
    Banner {
        rule: &ASPNET_VERSION,
        name: "X-AspNetMvc-Version",
        needs_version: false,
    },
];

/// True if a banner names a version (`nginx/1.18.0`, `Jetty(9.4.z)`), not just a product (`nginx`, `cloudflare`).
pub(super) fn has_version(value: &str) -> bool {
    regex!(VERSION, r"(?:^|[^\w.])v?\d+\.\d+");
    VERSION.is_match(value)
}

/// Reports each banner once per site, with every distinct value seen on the start page and the crawled pages.
pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let start = ctx.start_page().await?;
    let origin = ctx.origin().await;
    let crawl = ctx.crawl().await?;
    let mut pages: Vec<&Arc<Page>> = vec![&start];
    pages.extend(
        crawl
            .pages
            .iter()
            .chain(&crawl.scripts)
            .chain(&crawl.stylesheets),
    );
    for banner in BANNERS {
        let values = disclosing_values(banner, &pages);
        if values.is_empty() {
            continue;
        }
        let location = format!("{} ({})", url_location(&origin), banner.name);
        let shown: Vec<String> = values
            .iter()
            .map(|v| format!("{}: {v}", banner.name))
            .collect();
        let draft = ctx
            .finding(banner.rule, location)
            .title(format!(
                "{} header reveals {}",
                banner.name,
                cut(&values[0], 60)
            ))
            .evidence(shown.join("\n"));
        ctx.report(draft).await;
    }
    generator(ctx, &origin, &pages).await;
    Ok(())
}

/// Distinct values of one banner shown in a finding, at most.
const MAX_VALUES: usize = 3;

/// The first distinct values of `banner` on `pages` that disclose something, in page order (at most
/// [`MAX_VALUES`]: every page of a site may send a different one).
fn disclosing_values(banner: &Banner, pages: &[&Arc<Page>]) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    for page in pages {
        for value in page.resp().header_all(banner.name) {
            let value = value.trim().to_string();
            let counts = !value.is_empty() && (!banner.needs_version || has_version(&value));
            if counts && !values.contains(&value) {
                values.push(value);
                if values.len() == MAX_VALUES {
                    return values;
                }
            }
        }
    }
    values
}

async fn generator(ctx: &CheckCtx, origin: &url::Url, pages: &[&Arc<Page>]) {
    let found = pages.iter().find_map(|p| {
        let value = p.html.as_ref()?.meta_named("generator")?.trim();
        has_version(value).then(|| (value.to_string(), p.url().clone()))
    });
    if let Some((value, page)) = found {
        let draft = ctx
            .finding(
                &GENERATOR,
                format!("{} (meta generator)", url_location(origin)),
            )
            .title(format!("Generator meta tag reveals {}", cut(&value, 60)))
            .evidence(format!(
                "<meta name=\"generator\" content=\"{value}\"> on {page}"
            ));
        ctx.report(draft).await;
    }
}

fn cut(value: &str, max: usize) -> String {
    crate::engine::context::truncate(value, max)
}

#[cfg(test)]
mod tests {
    use super::has_version;

    #[test]
    fn versions_count_and_bare_products_do_not() {
        for v in [
            "nginx/1.18.0",
            "Apache/2.4.49 (Unix)",
            "Microsoft-IIS/10.0",
            "Jetty(9.4.z-SNAPSHOT)",
            "WordPress 5.8.1",
            "Hugo 0.111.3",
            "PHP/7.4.3",
        ] {
            assert!(has_version(v), "{v}");
        }
        for v in [
            "nginx",
            "Apache",
            "cloudflare",
            "ECS (dcb/7F83)",
            "Apache/2",
            "Wix.com Website Builder",
            "AmazonS3",
        ] {
            assert!(!has_version(v), "{v}");
        }
    }
}
