//! Transport fixes: serve HTTPS and redirect plain HTTP to it; a certificate browsers accept.

use super::{Ctx, Recipe};
use crate::report::fix::{Stack, Step};

const REDIRECT_ABLE: &[Stack] = &[
    Stack::Nginx,
    Stack::Apache,
    Stack::Caddy,
    Stack::Iis,
    Stack::Express,
    Stack::Django,
    Stack::Rails,
    Stack::Cloudflare,
];
const SERVERS: &[Stack] = &[Stack::Nginx, Stack::Apache, Stack::Caddy];

pub(super) fn https(ctx: &Ctx) -> Recipe {
    let host = &ctx.host;
    let name = &ctx.name;
    let origin = &ctx.https_origin;
    let plain: Vec<&str> = ctx
        .findings
        .iter()
        .filter_map(|f| f.location.split(' ').next())
        .filter(|l| l.starts_with("http://"))
        .collect();
    let plain = plain
        .first()
        .map_or_else(|| format!("http://{name}/"), |u| u.to_string());
    let (stacks, basis) = ctx.pick(REDIRECT_ABLE, SERVERS);
    let mut steps = Vec::new();
    if ctx.has("tls.no-https") {
        steps.push(Step::text(
            "First",
            format!(
                "{host} does not serve HTTPS at all: install a certificate (Let's Encrypt through certbot, or \
                 Caddy's automatic HTTPS) before the redirect below, or the redirect leads nowhere."
            ),
        ));
    }
    let target = format!("{origin}$request_uri");
    for s in stacks {
        steps.push(match s {
            Stack::Nginx => Step::text(
                "nginx",
                "Make the port-80 server block answer every request with the redirect (its locations are then unused).",
            )
            .with(
                "nginx",
                format!("in the server {{ }} block that listens on port 80 for {name}"),
                format!("# palisade: place=server-http\nreturn 301 {target};"),
            ),
            Stack::Apache => Step::text("Apache httpd", "In the plain-HTTP virtual host (mod_alias).").with(
                "apache",
                format!("in the <VirtualHost *:80> of {name}"),
                format!("# palisade: place=vhost-http\nRedirect permanent / {origin}/"),
            ),
            Stack::Caddy => Step::text(
                "Caddy",
                "Caddy redirects HTTP to HTTPS by itself when the site address is the host name: drop `http://` \
                 from the address and any `auto_https off`.",
            )
            .with("caddy", "the Caddyfile", format!("{name} {{\n\t# your directives\n}}")),
            Stack::Iis => Step::text("IIS", "Needs the URL Rewrite module.").with(
                "xml",
                "web.config, inside <system.webServer>",
                format!(
                    "<rewrite>\n  <rules>\n    <rule name=\"HTTPS\" stopProcessing=\"true\">\n      <match url=\"(.*)\" />\n      <conditions><add input=\"{{HTTPS}}\" pattern=\"off\" /></conditions>\n      <action type=\"Redirect\" url=\"{origin}/{{R:1}}\" redirectType=\"Permanent\" />\n    </rule>\n  </rules>\n</rewrite>"
                ),
            ),
            Stack::Express => Step::text(
                "Express",
                "Behind a proxy, `trust proxy` makes req.secure follow X-Forwarded-Proto. The host is fixed, not \
                 taken from the request, so the redirect cannot be pointed elsewhere.",
            )
            .with(
                "js",
                "before your routes",
                format!(
                    "app.set(\"trust proxy\", 1);\napp.use((req, res, next) => {{\n  if (req.secure) return next();\n  res.redirect(301, \"{origin}\" + req.originalUrl);\n}});"
                ),
            ),
            Stack::Django => Step::text(
                "Django",
                "Behind a proxy that sets X-Forwarded-Proto, also set SECURE_PROXY_SSL_HEADER.",
            )
            .with(
                "python",
                "settings.py",
                "SECURE_SSL_REDIRECT = True\nSECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\")",
            ),
            Stack::Rails => Step::text("Rails", "Redirects to HTTPS and sends HSTS.").with(
                "ruby",
                "config/environments/production.rb",
                "config.force_ssl = true",
            ),
            Stack::Cloudflare => Step::text(
                "Cloudflare",
                "SSL/TLS > Edge Certificates > Always Use HTTPS: on (with SSL/TLS encryption mode Full (strict)).",
            ),
            other => Step::text(other.label(), format!("Redirect every plain-HTTP request to {origin} with 301.")),
        }
        .alt());
    }
    Recipe {
        title: format!("Redirect plain HTTP to HTTPS on {host}"),
        why: "Over plain HTTP anyone on the network path can read and change the pages, and steal cookies; a \
              permanent redirect sends every visitor (and HSTS keeps them) on HTTPS."
            .to_string(),
        basis,
        steps,
        verify: vec![format!(
            "curl -sI {plain} | grep -iE '^(HTTP|location)'   # expect 301 and Location: {origin}/"
        )],
        references: vec![
            "https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/Redirections".to_string(),
        ],
    }
}

pub(super) fn certificate(ctx: &Ctx) -> Recipe {
    let host = &ctx.host;
    let name = &ctx.name;
    let weak = ctx.has("tls.cert-weak-key") || ctx.has("tls.cert-sha1");
    let key = if weak { " --key-type ecdsa" } else { "" };
    let able = [
        Stack::Nginx,
        Stack::Apache,
        Stack::Caddy,
        Stack::Iis,
        Stack::Cloudflare,
        Stack::Vercel,
        Stack::Netlify,
    ];
    let (stacks, basis) = ctx.pick(&able, SERVERS);
    let steps = stacks
        .into_iter()
        .map(|s| match s {
            Stack::Nginx => Step::text(
                "nginx",
                "Let's Encrypt through certbot installs the certificate into the server block and renews it.",
            )
            .with("sh", "on the server", format!("sudo certbot --nginx -d {name}{key}")),
            Stack::Apache => Step::text(
                "Apache httpd",
                "Let's Encrypt through certbot installs the certificate into the virtual host and renews it.",
            )
            .with("sh", "on the server", format!("sudo certbot --apache -d {name}{key}")),
            Stack::Caddy => Step::text(
                "Caddy",
                "Caddy gets and renews a public certificate by itself when the site address is the host name; \
                 remove `tls internal` or a manual `tls` line with an old certificate.",
            )
            .with("caddy", "the Caddyfile", format!("{name} {{\n\t# no tls line needed\n}}")),
            Stack::Iis => Step::text(
                "IIS",
                "Use win-acme (wacs.exe) to get a Let's Encrypt certificate, bind it to the site on port 443 and \
                 schedule renewal.",
            ),
            other => Step::text(
                other.label(),
                format!(
                    "The certificate comes from {}: check that {host} is added to the project and its \
                     certificate is issued and active (with Cloudflare, use the SSL/TLS mode Full (strict) and a \
                     valid origin certificate).",
                    other.label()
                ),
            ),
        })
        .map(Step::alt)
        .collect();
    Recipe {
        title: format!("Install a trusted, valid certificate for {host}"),
        why: "Browsers warn on or refuse this certificate; users who click through, or clients that skip the check, \
              cannot tell your server from an attacker's."
            .to_string(),
        basis,
        steps,
        verify: vec![format!(
            "openssl s_client -connect {} -servername {name} -verify_return_error </dev/null 2>/dev/null | openssl x509 -noout -subject -issuer -dates -ext subjectAltName",
            ctx.authority()
        )],
        references: vec!["https://letsencrypt.org/getting-started/".to_string()],
    }
}
