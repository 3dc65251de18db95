//! The security-header fix: every missing or weak header of a target in one block, written for each stack.

use super::{Ctx, Recipe, quote};
use crate::report::fix::csp;
use crate::report::fix::{Stack, Step};

/// Stacks that can send response headers, preferred first.
const ABLE: &[Stack] = &[
    Stack::Nginx,
    Stack::Apache,
    Stack::Caddy,
    Stack::Iis,
    Stack::NextJs,
    Stack::Express,
    Stack::Django,
    Stack::Rails,
    Stack::Laravel,
    Stack::WordPress,
    Stack::Vercel,
    Stack::Netlify,
    Stack::Cloudflare,
];
/// The likeliest when the scan saw nothing.
const FALLBACK: &[Stack] = &[Stack::Nginx, Stack::Apache, Stack::Caddy];

/// The headers the findings call for, with their values, in a fixed order.
pub(super) fn wanted(ctx: &Ctx) -> (Vec<(&'static str, String)>, Vec<String>) {
    let has = |p: &str| ctx.findings.iter().any(|f| f.check_id.starts_with(p));
    let mut headers = Vec::new();
    let mut caveats = Vec::new();
    if has("headers.csp-") {
        let p = csp::propose(&ctx.https_origin, ctx.sources(), ctx.https);
        headers.push(("Content-Security-Policy", p.policy));
        caveats = p.caveats;
    }
    if has("tls.hsts-") {
        headers.push((
            "Strict-Transport-Security",
            "max-age=63072000; includeSubDomains".to_string(),
        ));
    }
    if has("headers.clickjacking") || has("headers.xfo-") {
        headers.push(("X-Frame-Options", "SAMEORIGIN".to_string()));
    }
    if has("headers.xcto-") {
        headers.push(("X-Content-Type-Options", "nosniff".to_string()));
    }
    if has("headers.referrer-policy-") {
        headers.push((
            "Referrer-Policy",
            "strict-origin-when-cross-origin".to_string(),
        ));
    }
    if has("headers.permissions-policy-") {
        headers.push((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), payment=(), usb=()".to_string(),
        ));
    }
    if has("headers.coop-") {
        headers.push(("Cross-Origin-Opener-Policy", "same-origin".to_string()));
    }
    if has("headers.coep-") {
        headers.push(("Cross-Origin-Embedder-Policy", "credentialless".to_string()));
    }
    if has("headers.corp-") {
        headers.push(("Cross-Origin-Resource-Policy", "same-origin".to_string()));
    }
    (headers, caveats)
}

pub(super) fn recipe(ctx: &Ctx) -> Recipe {
    let (headers, caveats) = wanted(ctx);
    let names: Vec<&str> = headers.iter().map(|(n, _)| *n).collect();
    let (stacks, basis) = ctx.pick(ABLE, FALLBACK);
    let mut steps: Vec<Step> = stacks
        .iter()
        .map(|s| step(*s, ctx, &headers).alt())
        .collect();
    for c in caveats {
        steps.push(Step::text("Before you enforce the policy", c));
    }
    let grep = names
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("|");
    Recipe {
        title: format!("Send the missing security headers on {}", ctx.host),
        why: "Security headers tell browsers to refuse the attacks a page cannot stop by itself: injected scripts \
              (Content-Security-Policy), framing for clickjacking, MIME sniffing, leaking URLs to other sites and \
              downgrades to plain HTTP (HSTS)."
            .to_string(),
        basis,
        steps,
        verify: vec![format!(
            "curl -sI {}/ | grep -iE '^({grep}):'",
            ctx.origin
        )],
        references: vec![
            "https://owasp.org/www-project-secure-headers/".to_string(),
            "https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CSP".to_string(),
        ],
    }
}

fn step(stack: Stack, ctx: &Ctx, headers: &[(&'static str, String)]) -> Step {
    let host = &ctx.host;
    let origin = &ctx.origin;
    let lines = |f: &dyn Fn(&str, &str) -> String| -> String {
        headers
            .iter()
            .map(|(n, v)| f(n, v))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match stack {
        Stack::Nginx => {
            // `always` (1.7.5) also sends the headers on error responses; older nginx has only the plain form.
            let (always, gate) = match ctx.older(Stack::Nginx, &[1, 7, 5]) {
                Some(v) => (
                    "",
                    format!(
                        " nginx {v} lacks `always` (1.7.5), so these go out on successful responses only: upgrade \
                         first, then add `always` to each line."
                    ),
                ),
                None => (" always", String::new()),
            };
            Step::text(
                "nginx",
                format!(
                    "Replace any add_header lines for these headers. nginx drops inherited add_header lines in a \
                     block that has its own, so repeat them in each location {{ }} that sets headers.{gate}"
                ),
            )
            .with(
                "nginx",
                format!("in the server {{ }} block that serves {origin}"),
                format!(
                    "# palisade: place=server-https\n{}",
                    lines(&|n, v| format!("add_header {n} {}{always};", quote::double(v)))
                ),
            )
        }
        Stack::Apache => Step::text(
            "Apache httpd",
            "Needs mod_headers (a2enmod headers). `Header unset` removes copies the application sends.",
        )
        .with(
            "apache",
            format!("in the <VirtualHost *:443> of {host}, or the site's .htaccess"),
            format!(
                "# palisade: place=vhost-https\n<IfModule mod_headers.c>\n{}\n</IfModule>",
                lines(&|n, v| format!(
                    "    Header unset {n}\n    Header always set {n} {}",
                    quote::double(v)
                ))
            ),
        ),
        Stack::Caddy => Step::text("Caddy", "The header directive replaces what the upstream sends.").with(
            "caddy",
            format!("in the site block of {host} in the Caddyfile"),
            format!(
                "{host} {{\n\theader {{\n{}\n\t\tdefer\n\t}}\n}}",
                lines(&|n, v| format!("\t\t{n} {}", quote::double(v)))
            ),
        ),
        Stack::Iis => Step::text("IIS", "In the site's web.config.").with(
            "xml",
            "web.config, inside <configuration>",
            format!(
                "<system.webServer>\n  <httpProtocol>\n    <customHeaders>\n{}\n    </customHeaders>\n  </httpProtocol>\n</system.webServer>",
                lines(&|n, v| format!(
                    "      <remove name=\"{n}\" />\n      <add name=\"{n}\" value=\"{}\" />",
                    quote::xml(v)
                ))
            ),
        ),
        Stack::Express => Step::text("Express", "Register it before your routes and static files.").with(
            "js",
            "the file that creates the Express app",
            format!(
                "const securityHeaders = {{\n{}\n}};\napp.use((req, res, next) => {{\n  res.set(securityHeaders);\n  next();\n}});",
                lines(&|n, v| format!("  {}: {},", quote::json(n), quote::json(v)))
            ),
        ),
        Stack::NextJs => Step::text("Next.js", "Merge into the existing config; it applies to every route.").with(
            "js",
            "next.config.js",
            format!(
                "const securityHeaders = [\n{}\n];\n\nmodule.exports = {{\n  async headers() {{\n    return [{{ source: \"/:path*\", headers: securityHeaders }}];\n  }},\n}};",
                lines(&|n, v| format!("  {{ key: {}, value: {} }},", quote::json(n), quote::json(v)))
            ),
        ),
        Stack::Django => Step::text(
            "Django",
            "Add the middleware as the first entry of MIDDLEWARE in settings.py: \
             `MIDDLEWARE = [\"yourproject.security_headers.security_headers\", *MIDDLEWARE]`.",
        )
        .with(
            "python",
            "yourproject/security_headers.py (a new file)",
            format!(
                "SECURITY_HEADERS = {{\n{}\n}}\n\n\ndef security_headers(get_response):\n    def middleware(request):\n        response = get_response(request)\n        for name, value in SECURITY_HEADERS.items():\n            response[name] = value\n        return response\n\n    return middleware",
                lines(&|n, v| format!("    {}: {},", quote::json(n), quote::json(v)))
            ),
        ),
        Stack::Rails => Step::text("Rails", "Inside `class Application` (or config/environments/production.rb).").with(
            "ruby",
            "config/application.rb",
            format!(
                "config.action_dispatch.default_headers.merge!(\n{}\n)",
                lines(&|n, v| format!("  {} => {},", quote::json(n), quote::json(v)))
            ),
        ),
        Stack::Laravel => Step::text(
            "Laravel",
            "Register it for every request: in Laravel 11+ `->withMiddleware(fn ($m) => \
             $m->append(\\App\\Http\\Middleware\\SecurityHeaders::class))` in bootstrap/app.php; in older versions \
             add it to `$middleware` in app/Http/Kernel.php.",
        )
        .with(
            "php",
            "app/Http/Middleware/SecurityHeaders.php (a new file)",
            format!(
                "<?php\n\nnamespace App\\Http\\Middleware;\n\nuse Closure;\n\nclass SecurityHeaders\n{{\n    public function handle($request, Closure $next)\n    {{\n        $response = $next($request);\n{}\n        return $response;\n    }}\n}}",
                lines(&|n, v| format!("        $response->headers->set('{n}', {});", quote::php(v)))
            ),
        ),
        Stack::WordPress => Step::text(
            "WordPress",
            "As a must-use plugin, which no theme change can drop.",
        )
        .with(
            "php",
            "a new file wp-content/mu-plugins/security-headers.php (in the theme's functions.php, leave out the first line)",
            format!(
                "<?php\nadd_action('send_headers', function () {{\n{}\n}});",
                lines(&|n, v| format!("    header({});", quote::php(&format!("{n}: {v}"))))
            ),
        ),
        Stack::Vercel => Step::text("Vercel", "Merge into the project's vercel.json.").with(
            "json",
            "vercel.json",
            format!(
                "{{\n  \"headers\": [\n    {{\n      \"source\": \"/(.*)\",\n      \"headers\": [\n{}\n      ]\n    }}\n  ]\n}}",
                headers
                    .iter()
                    .map(|(n, v)| format!("        {{ \"key\": {}, \"value\": {} }}", quote::json(n), quote::json(v)))
                    .collect::<Vec<_>>()
                    .join(",\n")
            ),
        ),
        Stack::Netlify => Step::text("Netlify", "A `_headers` file in the publish directory.").with(
            "text",
            "_headers in the publish directory",
            format!("/*\n{}", lines(&|n, v| format!("  {n}: {v}"))),
        ),
        Stack::Cloudflare => Step::text(
            "Cloudflare",
            "In the dashboard: Rules > Transform Rules > Modify Response Header, a rule for all incoming requests \
             of this hostname that sets each header to a static value. Fixing it at the origin server works too.",
        )
        .with(
            "text",
            "one \"Set static\" operation per header",
            lines(&|n, v| format!("{n}: {v}")),
        ),
        other => Step::text(other.label(), "Send these headers with every response.").with(
            "text",
            "every response",
            lines(&|n, v| format!("{n}: {v}")),
        ),
    }
}
