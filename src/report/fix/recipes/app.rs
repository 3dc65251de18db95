//! Application-level fixes: debug error pages, CORS, TRACE, security.txt, shared root causes (a secret found in
//! several places) and the rest.

use super::{Basis, Ctx, Recipe, quote, variants};
use crate::engine::registry;
use crate::model::Category;
use crate::report::fix::{Stack, Step};

pub(super) fn error_pages(ctx: &Ctx) -> Recipe {
    let text: String = ctx
        .findings
        .iter()
        .filter_map(|f| f.evidence.as_deref())
        .collect::<Vec<_>>()
        .join(" ");
    let mut hints = Vec::new();
    for (needle, stack) in [
        ("Django", Stack::Django),
        ("DEBUG = True", Stack::Django),
        ("Laravel", Stack::Laravel),
        ("Whoops", Stack::Laravel),
        ("ActionController", Stack::Rails),
        ("Server Error in '/'", Stack::AspNet),
        ("ASP.NET", Stack::AspNet),
        ("Fatal error", Stack::Php),
        ("PHP ", Stack::Php),
        ("at Layer.handle", Stack::Express),
        ("node_modules", Stack::Express),
    ] {
        if text.contains(needle) && !hints.contains(&stack) {
            hints.push(stack);
        }
    }
    let able = [
        Stack::Django,
        Stack::Laravel,
        Stack::Rails,
        Stack::AspNet,
        Stack::Php,
        Stack::Express,
        Stack::NextJs,
    ];
    let (stacks, basis) = variants(
        ctx,
        &able,
        &[Stack::Django, Stack::Php, Stack::Express],
        &hints,
    );
    let steps = stacks
        .into_iter()
        .filter_map(|s| {
            Some(match s {
                Stack::Django => Step::text("Django", "Never run production with DEBUG on; list the host names it serves.")
                    .with("python", "settings.py (production)", format!("DEBUG = False\nALLOWED_HOSTS = [{}]", quote::json(&ctx.name))),
                Stack::Laravel => Step::text("Laravel", "Then clear the config cache: php artisan config:cache.")
                    .with("ini", ".env", "APP_ENV=production\nAPP_DEBUG=false"),
                Stack::Rails => Step::text("Rails", "Production shows the generic error pages.")
                    .with("ruby", "config/environments/production.rb", "config.consider_all_requests_local = false"),
                Stack::AspNet => Step::text("ASP.NET", "Show details only on the server itself.")
                    .with("xml", "web.config, inside <system.web>", "<customErrors mode=\"RemoteOnly\" />"),
                Stack::Php => Step::text("PHP", "Log errors instead of printing them; restart PHP-FPM or Apache.")
                    .with("ini", "php.ini", "display_errors = Off\nlog_errors = On"),
                Stack::Express => Step::text("Express", "Run with NODE_ENV=production and end the middleware chain with a handler that logs the error and answers without it.")
                    .with("js", "after all routes", "app.use((err, req, res, next) => {\n  console.error(err);\n  res.status(500).send(\"Internal Server Error\");\n});"),
                Stack::NextJs => Step::text("Next.js", "Serve a production build (next build, then next start), never next dev."),
                _ => return None,
            })
        })
        .map(|s| s.alt())
        .collect();
    Recipe {
        title: format!("Turn off debug error pages on {}", ctx.host),
        why: "Debug pages show source code, file paths, queries and settings, which maps the application for an \
              attacker and can leak secrets."
            .to_string(),
        basis,
        steps,
        verify: ctx
            .findings
            .iter()
            .map(|f| {
                let url = f.location.split(' ').next().unwrap_or_default();
                match Ctx::detail(f) {
                    Some("not-found page") => format!("{}/palisade-no-such-page", url.trim_end_matches('/')),
                    _ => url.to_string(),
                }
            })
            .map(|u| format!("curl -s {u} | head -c 600   # expect a plain error page"))
            .take(3)
            .collect(),
        references: Vec::new(),
    }
}

pub(super) fn cors(ctx: &Ctx) -> Recipe {
    let own = &ctx.origin;
    let able = [
        Stack::Express,
        Stack::Nginx,
        Stack::Apache,
        Stack::Django,
        Stack::Rails,
        Stack::Laravel,
        Stack::Php,
        Stack::WordPress,
    ];
    let (stacks, basis) = ctx.pick(&able, &[Stack::Express, Stack::Nginx, Stack::Django]);
    let steps = stacks
        .into_iter()
        .filter_map(|s| {
            Some(match s {
                Stack::Express => Step::text("Express", "The cors package with a fixed list of origins.")
                    .with("js", "before your routes", format!("const cors = require(\"cors\");\napp.use(cors({{ origin: [{}], credentials: true }}));", quote::json(own))),
                Stack::Nginx => Step::text("nginx", "Answer only listed origins; stop the application's own CORS headers from passing through.")
                    .with("nginx", "in the http { } block", format!("# palisade: place=http\nmap $http_origin $cors_origin {{\n    default \"\";\n    {} $http_origin;\n}}", quote::double(own)))
                    .with("nginx", "in the server { } block that serves the API", "# palisade: place=server-https\nproxy_hide_header Access-Control-Allow-Origin;\nproxy_hide_header Access-Control-Allow-Credentials;\nadd_header Access-Control-Allow-Origin $cors_origin always;\nadd_header Access-Control-Allow-Credentials true always;\nadd_header Vary Origin always;"),
                Stack::Django => Step::text("Django", "django-cors-headers with an allow list.")
                    .with("python", "settings.py", format!("CORS_ALLOWED_ORIGINS = [{}]\nCORS_ALLOW_CREDENTIALS = True", quote::json(own))),
                Stack::Rails => Step::text("Rails", "rack-cors with an allow list.")
                    .with("ruby", "config/initializers/cors.rb", format!("Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins {}\n    resource \"*\", headers: :any, methods: [:get, :post], credentials: true\n  end\nend", quote::json(own))),
                Stack::Apache => Step::text("Apache httpd", "mod_headers: drop what the application sends, answer only listed origins.")
                    .with("apache", format!("in the <VirtualHost *:443> of {}, or .htaccess", ctx.name), format!(
                        "# palisade: place=vhost-https\nSetEnvIf Origin \"^{}$\" CORS_ORIGIN=$0\nHeader unset Access-Control-Allow-Origin\nHeader unset Access-Control-Allow-Credentials\nHeader always set Access-Control-Allow-Origin \"%{{CORS_ORIGIN}}e\" env=CORS_ORIGIN\nHeader always set Access-Control-Allow-Credentials \"true\" env=CORS_ORIGIN\nHeader always merge Vary Origin",
                        regex::escape(own)
                    )),
                Stack::Php | Stack::WordPress => Step::text("PHP", "Replace the code that echoes the Origin header with a fixed list.")
                    .with("php", "where the CORS headers are sent", format!(
                        "$allowed = [{}];\n$origin = $_SERVER['HTTP_ORIGIN'] ?? '';\nif (in_array($origin, $allowed, true)) {{\n    header('Access-Control-Allow-Origin: ' . $origin);\n    header('Access-Control-Allow-Credentials: true');\n}}\nheader('Vary: Origin', false);",
                        quote::php(own)
                    )),
                Stack::Laravel => Step::text("Laravel", "List the origins; never `*` with credentials.")
                    .with("php", "config/cors.php", format!("'allowed_origins' => [{}],\n'supports_credentials' => true,", quote::php(own))),
                _ => return None,
            })
        })
        .map(|s| s.alt())
        .collect();
    let steps = super::unique(steps);
    Recipe {
        title: format!("Allow only your own origins in CORS on {}", ctx.host),
        why: "Echoing any Origin with credentials lets every website read your users' data from this API in their \
              browsers, logged in as them."
            .to_string(),
        basis,
        steps,
        verify: vec![format!(
            "curl -sI -H 'Origin: https://evil.example' {}/ | grep -i '^access-control-allow'   # expect no output",
            ctx.origin
        )],
        references: vec!["https://portswigger.net/web-security/cors".to_string()],
    }
}

pub(super) fn trace(ctx: &Ctx) -> Recipe {
    let able = [
        Stack::Apache,
        Stack::Nginx,
        Stack::Iis,
        Stack::Caddy,
        Stack::Express,
    ];
    let (stacks, basis) = ctx.pick(&able, &[Stack::Apache, Stack::Nginx, Stack::Caddy]);
    let steps = stacks
        .into_iter()
        .map(|s| match s {
            Stack::Apache => Step::text("Apache httpd", "Server configuration (not .htaccess).").with("apache", "the main server configuration", "# palisade: place=server\nTraceEnable Off"),
            Stack::Nginx => Step::text("nginx", "nginx refuses TRACE itself; this stops it reaching an application behind it.")
                .with("nginx", format!("in the server {{ }} block that serves {}", ctx.origin), "# palisade: place=server-https\nif ($request_method = TRACE) {\n    return 405;\n}"),
            Stack::Iis => Step::text("IIS", "Request filtering.").with("xml", "web.config, inside <system.webServer>", "<security>\n  <requestFiltering>\n    <verbs>\n      <add verb=\"TRACE\" allowed=\"false\" />\n    </verbs>\n  </requestFiltering>\n</security>"),
            Stack::Caddy => Step::text("Caddy", "In the site block.").with("caddy", "the Caddyfile", "@trace method TRACE\nrespond @trace 405"),
            _ => Step::text("Express", "Before your routes.").with("js", "the file that creates the app", "app.use((req, res, next) => (req.method === \"TRACE\" ? res.sendStatus(405) : next()));"),
        })
        .map(Step::alt)
        .collect();
    Recipe {
        title: format!("Disable the TRACE method on {}", ctx.host),
        why: "TRACE echoes the request back, including headers a proxy added; with another flaw it exposes cookies \
              and internal headers."
            .to_string(),
        basis,
        steps,
        verify: vec![format!("curl -s -o /dev/null -w '%{{http_code}}\\n' -X TRACE {}/   # expect 405 (or 403, 501)", ctx.origin)],
        references: Vec::new(),
    }
}

pub(super) fn security_txt(ctx: &Ctx) -> Recipe {
    let expires = crate::time::parse(ctx.scan_date)
        .map(|t| t + time::Duration::days(365))
        .map_or_else(
            || "2027-12-31T23:59:59Z".to_string(),
            |t| format!("{}T23:59:59Z", &crate::time::format(t)[..10]),
        );
    Recipe {
        title: format!("Publish a security.txt on {}", ctx.host),
        why: "Researchers who find a problem need to know whom to tell; without it, reports go nowhere or in public."
            .to_string(),
        basis: Basis::Seen,
        steps: vec![Step::text(
            "Create the file",
            "Serve it as text/plain at /.well-known/security.txt; renew Expires before it passes (RFC 9116).",
        )
        .with(
            "text",
            "/.well-known/security.txt",
            format!(
                "Contact: mailto:security@{host}\nExpires: {expires}\nPreferred-Languages: en\nCanonical: {origin}/.well-known/security.txt",
                host = ctx.name,
                origin = ctx.origin
            ),
        )],
        verify: vec![format!("curl -s {}/.well-known/security.txt", ctx.origin)],
        references: vec!["https://www.rfc-editor.org/rfc/rfc9116".to_string()],
    }
}

/// Findings that name one root cause: a secret found in several places is rotated once and removed everywhere.
pub(super) fn shared(ctx: &Ctx) -> Recipe {
    let first = ctx.findings[0];
    let secret = ctx.findings.iter().any(|f| f.category == Category::Secrets);
    let mut places: Vec<String> = Vec::new();
    for f in ctx.findings {
        let place = crate::report::one_line(&f.location);
        if !places.contains(&place) {
            places.push(place);
        }
    }
    let mut steps = Vec::new();
    if secret {
        steps.push(Step::text(
            "Rotate first",
            "Issue a new credential at the provider, switch the application to it, then revoke this one: it was \
             public, so removing it from the files does not make it secret again. Check the provider's logs for use.",
        ));
    }
    steps.push(Step::text(
        if secret { "Then remove it everywhere" } else { "Fix it once" },
        format!(
            "{} {}",
            match places.as_slice() {
                [one] => format!("It is at {one}."),
                many => format!("It is in {} places ({}).", many.len(), many.join(", ")),
            },
            if secret {
                "Take it out of the source, rebuild the bundles and deploy; keep secrets in server-side environment \
                 variables or a secrets manager, never in code sent to browsers, and add a secret scanner (gitleaks) \
                 to pre-commit and CI."
            } else {
                first.remediation.as_str()
            }
        ),
    ));
    let title = if secret {
        format!("Rotate and remove: {}", first.title)
    } else {
        first.title.clone()
    };
    Recipe {
        title,
        why: crate::report::one_line(&first.description),
        basis: Basis::Seen,
        steps,
        verify: Vec::new(),
        references: Vec::new(),
    }
}

/// Any other finding: the check's own remediation.
pub(super) fn other(ctx: &Ctx) -> Recipe {
    let first = ctx.findings[0];
    let rule = registry::rule(&first.check_id);
    let title = if ctx.findings.len() == 1 {
        first.title.clone()
    } else {
        rule.map_or(first.title.clone(), |r| r.title.to_string())
    };
    Recipe {
        title,
        why: crate::report::one_line(&first.description),
        basis: Basis::Seen,
        steps: vec![Step::text("Fix", first.remediation.clone())],
        verify: Vec::new(),
        references: Vec::new(),
    }
}
