//! Version-banner fixes, one per place a version is set (Server header, X-Powered-By, ASP.NET headers, the
//! generator tag): upgrade first, then stop announcing it.

use super::{Basis, Ctx, Recipe};
use crate::report::fix::{Stack, Step};

/// The product a banner finding names, from its evidence (`Server: Apache/2.4.49`, `X-Powered-By: PHP/7.4.3`,
/// `<meta name="generator" content="WordPress 5.8.1">`).
fn banner_product(evidence: &str) -> String {
    let value = match evidence.split_once("content=\"") {
        Some((_, rest)) => rest,
        None => evidence.split_once(": ").map_or(evidence, |(_, v)| v),
    };
    value
        .split(['/', ' ', '"'])
        .next()
        .unwrap_or_default()
        .to_string()
}

/// `Product version` from a banner's evidence, when it names a version (`Apache/2.4.49` -> `Apache 2.4.49`).
fn banner_version(evidence: &str) -> Option<String> {
    let product = banner_product(evidence);
    let after = evidence
        .split_once(&format!("{product}/"))
        .map(|(_, v)| v)
        .or_else(|| evidence.split_once(&format!("{product} ")).map(|(_, v)| v))?;
    let version: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    version
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit())
        .then(|| format!("{product} {version}"))
}

pub(super) fn banners(ctx: &Ctx, check: &str) -> Recipe {
    let mut steps = Vec::new();
    let mut seen_steps: Vec<String> = Vec::new();
    for f in ctx.findings {
        let product = banner_product(f.evidence.as_deref().unwrap_or_default());
        let stack = Stack::from_name(&product).or(match product.to_ascii_lowercase().as_str() {
            "microsoft-iis" => Some(Stack::Iis),
            _ => None,
        });
        let key = format!("{}:{:?}", f.check_id, stack);
        if seen_steps.contains(&key) {
            continue;
        }
        seen_steps.push(key);
        let product = crate::report::one_line(&product);
        let step = match (f.check_id.as_str(), stack) {
            ("disclosure.server-version", Some(Stack::Nginx)) => Step::text("nginx: Server header", "Send `nginx` without the version.")
                .with("nginx", "in the http { } block of nginx.conf", "# palisade: place=http\nserver_tokens off;"),
            ("disclosure.server-version", Some(Stack::Apache)) => Step::text("Apache httpd: Server header", "Send `Apache` without version and modules, and no version on error pages (server configuration, e.g. conf-enabled/security.conf; not .htaccess).")
                .with("apache", "the main server configuration", "# palisade: place=server\nServerTokens Prod\nServerSignature Off"),
            ("disclosure.server-version", Some(Stack::Iis)) => Step::text("IIS: Server header", "IIS 10 removes the header with request filtering.")
                .with("xml", "web.config, inside <system.webServer>", "<security>\n  <requestFiltering removeServerHeader=\"true\" />\n</security>"),
            ("disclosure.server-version", _) => Step::text(
                format!("{product}: Server header"),
                format!("Configure {product} to send its name without a version, or drop the header in the proxy in front of it (nginx: `proxy_hide_header Server;`)."),
            ),
            ("disclosure.x-powered-by", Some(Stack::Php)) => Step::text("PHP: X-Powered-By", "Restart PHP-FPM (or Apache with mod_php) afterwards.")
                .with("ini", "php.ini", "expose_php = Off"),
            ("disclosure.x-powered-by", Some(Stack::Express)) => Step::text("Express: X-Powered-By", "Right after the app is created.")
                .with("js", "the file that creates the Express app", "app.disable(\"x-powered-by\");"),
            ("disclosure.x-powered-by", Some(Stack::NextJs)) => Step::text("Next.js: X-Powered-By", "Merge into the existing config.")
                .with("js", "next.config.js", "module.exports = {\n  poweredByHeader: false,\n};"),
            ("disclosure.x-powered-by", Some(Stack::AspNet)) => Step::text("ASP.NET: X-Powered-By", "IIS adds it; remove it in the site's web.config.")
                .with("xml", "web.config, inside <system.webServer>", "<httpProtocol>\n  <customHeaders>\n    <remove name=\"X-Powered-By\" />\n  </customHeaders>\n</httpProtocol>"),
            ("disclosure.x-powered-by", _) => Step::text(
                format!("{product}: X-Powered-By"),
                format!("Turn the header off in {product}, or drop it in the server in front (nginx: `proxy_hide_header X-Powered-By;` and `fastcgi_hide_header X-Powered-By;`; Apache: `Header always unset X-Powered-By`)."),
            ),
            ("disclosure.aspnet-version", _) => Step::text("ASP.NET: version headers", "X-AspNet-Version comes from httpRuntime; X-AspNetMvc-Version from MVC (set `MvcHandler.DisableMvcResponseHeader = true;` in Application_Start).")
                .with("xml", "web.config, inside <system.web>", "<httpRuntime enableVersionHeader=\"false\" />"),
            ("disclosure.generator-version", Some(Stack::WordPress)) => Step::text("WordPress: generator tag", "As a must-use plugin, which no theme change can drop.")
                .with("php", "a new file wp-content/mu-plugins/no-generator.php (in the theme's functions.php, leave out the first line)", "<?php\nremove_action('wp_head', 'wp_generator');\nadd_filter('the_generator', '__return_empty_string');"),
            ("disclosure.generator-version", _) => Step::text(
                format!("{product}: generator tag"),
                format!("Remove the <meta name=\"generator\"> tag from the page template, or turn it off in {product}'s settings."),
            ),
            _ => Step::text(f.title.clone(), f.remediation.clone()),
        };
        steps.push(step);
    }
    let host = &ctx.host;
    // Hiding a version is defence in depth; running an old one is the problem.
    let versions: Vec<String> = ctx
        .findings
        .iter()
        .filter_map(|f| f.evidence.as_deref())
        .filter_map(banner_version)
        .collect();
    if !versions.is_empty() {
        steps.insert(
            0,
            Step::text(
                "Upgrade first",
                format!(
                    "Hiding the version does not remove its vulnerabilities. Check that {} is the newest release of \
                     a supported branch and upgrade if not; then hide the version.",
                    crate::report::one_line(&versions.join(", "))
                ),
            ),
        );
    }
    let (title, verify) = match check {
        "disclosure.server-version" => (
            format!("Stop announcing the web server's version on {host}"),
            format!(
                "curl -sI {}/ | grep -i '^server:'   # expect no version number",
                ctx.origin
            ),
        ),
        "disclosure.x-powered-by" => (
            format!("Remove the X-Powered-By header on {host}"),
            format!(
                "curl -sI {}/ | grep -i '^x-powered-by:'   # expect no output",
                ctx.origin
            ),
        ),
        "disclosure.aspnet-version" => (
            format!("Remove the ASP.NET version headers on {host}"),
            format!(
                "curl -sI {}/ | grep -iE '^x-aspnet(mvc)?-version:'   # expect no output",
                ctx.origin
            ),
        ),
        _ => (
            format!("Remove the generator tag with the version from the pages of {host}"),
            format!(
                "curl -s {}/ | grep -io '<meta name=\"generator\"[^>]*>'   # expect no version number",
                ctx.origin
            ),
        ),
    };
    Recipe {
        title,
        why: "Exact versions let anyone look up the known vulnerabilities of what you run and aim straight at them; \
              they help no visitor."
            .to_string(),
        basis: Basis::Seen,
        steps,
        verify: vec![verify],
        references: Vec::new(),
    }
}
