//! Application-level fixes: cookie flags, version banners, insecure content, Subresource Integrity, debug error
//! pages, CORS, TRACE, security.txt, shared root causes (a secret found in several places) and the rest.

use super::{Ctx, Recipe, quote};
use crate::engine::registry;
use crate::model::Category;
use crate::report::fix::{Stack, Step};

/// The variants of `able` for the stacks seen, or for `fallback`, plus stacks that `hints` (from evidence) name.
fn variants(ctx: &Ctx, able: &[Stack], fallback: &[Stack], hints: &[Stack]) -> (Vec<Stack>, bool) {
    let (mut picked, guessed) = ctx.pick(able, fallback);
    let hinted: Vec<Stack> = hints.iter().copied().filter(|h| able.contains(h)).collect();
    if guessed && !hinted.is_empty() {
        return (hinted, false);
    }
    for h in hinted {
        if !picked.contains(&h) {
            picked.insert(0, h);
        }
    }
    picked.truncate(super::MAX_VARIANTS);
    (picked, guessed)
}

/// Cookie names with the attributes each lacks.
fn cookies_lacking(ctx: &Ctx) -> Vec<(String, Vec<&'static str>)> {
    let mut out: Vec<(String, Vec<&'static str>)> = Vec::new();
    for f in ctx.findings {
        let Some(name) = Ctx::detail(f).and_then(|d| d.strip_prefix("Set-Cookie: ")) else {
            continue;
        };
        let flag = match f.check_id.as_str() {
            "headers.cookie-no-secure" | "headers.cookie-prefix-invalid" => "Secure",
            "headers.cookie-no-httponly" => "HttpOnly",
            "headers.cookie-samesite" => "SameSite=Lax",
            _ => continue,
        };
        match out.iter_mut().find(|(n, _)| n == name) {
            Some((_, flags)) if !flags.contains(&flag) => flags.push(flag),
            Some(_) => {}
            None => out.push((name.to_string(), vec![flag])),
        }
    }
    out
}

pub(super) fn cookies(ctx: &Ctx) -> Recipe {
    let lacking = cookies_lacking(ctx);
    let hints: Vec<Stack> = lacking
        .iter()
        .filter_map(|(name, _)| match name.as_str() {
            "PHPSESSID" => Some(Stack::Php),
            "sessionid" | "csrftoken" => Some(Stack::Django),
            "laravel_session" | "XSRF-TOKEN" => Some(Stack::Laravel),
            "connect.sid" => Some(Stack::Express),
            "ASP.NET_SessionId" => Some(Stack::AspNet),
            n if n.starts_with('_') && n.ends_with("_session") => Some(Stack::Rails),
            _ => None,
        })
        .collect();
    let able = [
        Stack::Php,
        Stack::Laravel,
        Stack::Django,
        Stack::Rails,
        Stack::Express,
        Stack::NextJs,
        Stack::AspNet,
        Stack::WordPress,
        Stack::Nginx,
    ];
    let (stacks, guessed) = variants(
        ctx,
        &able,
        &[Stack::Express, Stack::Django, Stack::Php],
        &hints,
    );
    // Browsers drop Secure cookies on plain HTTP, so on a site without HTTPS the snippets leave Secure out until it
    // moves to HTTPS (the finding for that is separate).
    let secure = ctx.https;
    let on = |flag: &str| {
        if secure {
            flag.to_string()
        } else {
            String::new()
        }
    };
    let wanted: Vec<String> = lacking
        .iter()
        .map(|(name, flags)| format!("Set-Cookie: {name}=...; Path=/; {}", flags.join("; ")))
        .collect();
    let mut steps = vec![Step::text(
        "What each cookie needs",
        "Add the missing attributes where the cookie is set. Leave HttpOnly off only for cookies your own scripts \
         must read, never for a session cookie.",
    )
    .with("text", "the Set-Cookie headers after the fix", wanted.join("\n"))];
    let mut titles: Vec<String> = Vec::new();
    for s in stacks {
        let step = match s {
            Stack::Php | Stack::WordPress => Step::text("PHP", "For the session cookie in php.ini (restart PHP-FPM or Apache); for cookies the code sets, the options array of setcookie().")
                .with("ini", "php.ini", format!("{}session.cookie_httponly = 1\nsession.cookie_samesite = \"Lax\"", on("session.cookie_secure = 1\n")))
                .with("php", "the code that sets a cookie", format!("setcookie($name, $value, [\n    'path' => '/',\n{}    'httponly' => true,\n    'samesite' => 'Lax',\n]);", on("    'secure' => true,\n"))),
            Stack::Laravel => Step::text("Laravel", "config/session.php reads these from .env.")
                .with("ini", ".env", format!("{}SESSION_HTTP_ONLY=true\nSESSION_SAME_SITE=lax", on("SESSION_SECURE_COOKIE=true\n"))),
            Stack::Django => Step::text("Django", "Session and CSRF cookies.")
                .with("python", "settings.py", format!("{}SESSION_COOKIE_HTTPONLY = True\nSESSION_COOKIE_SAMESITE = \"Lax\"{}", on("SESSION_COOKIE_SECURE = True\n"), on("\nCSRF_COOKIE_SECURE = True"))),
            Stack::Rails => Step::text("Rails", "The session cookie.")
                .with("ruby", "config/initializers/session_store.rb", format!("Rails.application.config.session_store :cookie_store,\n  key: \"_app_session\", {}httponly: true, same_site: :lax", on("secure: true, "))),
            Stack::Express => Step::text("Express", "express-session, and every res.cookie call.")
                .with("js", "the code that sets up sessions and cookies", format!("app.set(\"trust proxy\", 1); // behind a TLS-terminating proxy\napp.use(session({{ /* ... */ cookie: {{ {s}httpOnly: true, sameSite: \"lax\" }} }}));\nres.cookie(name, value, {{ {s}httpOnly: true, sameSite: \"lax\" }});", s = on("secure: true, "))),
            Stack::NextJs => Step::text("Next.js", "In route handlers and server actions.")
                .with("js", "the route handler or server action that sets the cookie", format!("cookies().set(name, value, {{ {}httpOnly: true, sameSite: \"lax\", path: \"/\" }});", on("secure: true, "))),
            Stack::AspNet => Step::text("ASP.NET", "Every cookie the application sets.")
                .with("xml", "web.config, inside <system.web>", format!("<httpCookies requireSSL=\"{secure}\" httpOnlyCookies=\"true\" sameSite=\"Lax\" />")),
            Stack::Nginx => Step::text("nginx", "For cookies set by an application behind nginx 1.19.3 or later (proxy_pass).")
                .with("nginx", "in each location { } with proxy_pass", format!("proxy_cookie_flags ~ {}httponly samesite=lax;", on("secure "))),
            _ => continue,
        };
        if !titles.contains(&step.title) {
            titles.push(step.title.clone());
            steps.push(step.alt());
        }
    }
    if !secure {
        steps.insert(
            1,
            Step::text(
                "Plain HTTP",
                "The site has no HTTPS, so these snippets leave out Secure (browsers would drop the cookies); add it \
                 when the site moves to HTTPS.",
            ),
        );
    }
    Recipe {
        title: format!("Set Secure, HttpOnly and SameSite on the cookies of {}", ctx.host),
        why: "Without Secure a cookie also travels over plain HTTP; without HttpOnly an injected script can steal it; \
              without SameSite other sites can send it along with forged requests."
            .to_string(),
        guessed,
        steps,
        verify: vec![format!("curl -sI {}/ | grep -i '^set-cookie'", ctx.origin)],
        references: vec!["https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/Cookies#security".to_string()],
    }
}

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
                .with("apache", "the main server configuration", "ServerTokens Prod\nServerSignature Off"),
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
        guessed: false,
        steps,
        verify: vec![verify],
        references: Vec::new(),
    }
}

/// `(kind, url)` of the insecure-content findings, from their locations (`... (script: http://...)`).
fn insecure_urls(ctx: &Ctx) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for f in ctx.findings {
        if let Some((kind, url)) = Ctx::detail(f).and_then(|d| d.split_once(": ")) {
            let item = (kind.to_string(), url.to_string());
            if !out.contains(&item) {
                out.push(item);
            }
        }
    }
    out
}

pub(super) fn insecure_content(ctx: &Ctx) -> Recipe {
    let urls = insecure_urls(ctx);
    let diff: Vec<String> = urls
        .iter()
        .map(|(_, u)| {
            let fixed = u.replacen("http://", "https://", 1);
            format!("- {u}\n+ {fixed}")
        })
        .collect();
    let pages = ctx.paths().join(", ");
    Recipe {
        title: format!("Load every script, image and form on {} over HTTPS", ctx.host),
        why: "A script or form over plain HTTP on an HTTPS page can be read or replaced on the network, which undoes \
              HTTPS for the whole page: an injected script runs with the page's rights."
            .to_string(),
        guessed: false,
        steps: vec![
            Step::text(
                "Change the URLs",
                format!(
                    "In the templates of {pages}, change these URLs to HTTPS (or to relative URLs for your own \
                     files). If a resource has no HTTPS version, host a copy yourself."
                ),
            )
            .with("diff", "the page templates", diff.join("\n")),
            Step::text(
                "Belt and braces",
                "The Content-Security-Policy directive `upgrade-insecure-requests` makes browsers fetch the rest \
                 over HTTPS too (the header fix includes it).",
            ),
        ],
        verify: vec![format!(
            "curl -s {}/ | grep -Eo '(src|href|action)=\"http://[^\"]+\"'   # expect no output",
            ctx.origin
        )],
        references: vec!["https://developer.mozilla.org/en-US/docs/Web/Security/Mixed_content".to_string()],
    }
}

pub(super) fn sri(ctx: &Ctx) -> Recipe {
    let urls = insecure_urls(ctx);
    let mut hash = Vec::new();
    let mut tags = Vec::new();
    for (kind, url) in &urls {
        hash.push(format!(
            "curl -s {url} | openssl dgst -sha384 -binary | openssl base64 -A; echo"
        ));
        tags.push(if kind.contains("style") {
            format!("<link rel=\"stylesheet\" href=\"{url}\" integrity=\"sha384-HASH\" crossorigin=\"anonymous\">")
        } else {
            format!("<script src=\"{url}\" integrity=\"sha384-HASH\" crossorigin=\"anonymous\"></script>")
        });
    }
    Recipe {
        title: format!("Pin third-party scripts on {} with Subresource Integrity", ctx.host),
        why: "If the CDN or the package is compromised, the page runs whatever it serves; an integrity hash makes the \
              browser refuse a changed file."
            .to_string(),
        guessed: false,
        steps: vec![
            Step::text(
                "Hash each file",
                "Compute the SHA-384 hash of the exact version you use (if it is an old release, upgrade first: a \
                 pinned hash keeps a vulnerable version as surely as a safe one).",
            )
                .with("sh", "your terminal", hash.join("\n")),
            Step::text(
                "Add integrity",
                "Put the hash (with the `sha384-` prefix) in each tag; a pinned version in the URL keeps the hash valid.",
            )
            .with("html", "the page templates", tags.join("\n")),
        ],
        verify: urls
            .iter()
            .map(|(_, u)| {
                format!("curl -s {}/ | grep -o '<[^>]*{}[^>]*>' | grep -c integrity   # expect 1 or more", ctx.origin, regex::escape(u).replace('\'', ""))
            })
            .collect(),
        references: vec!["https://developer.mozilla.org/en-US/docs/Web/Security/Subresource_Integrity".to_string()],
    }
}

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
    let (stacks, guessed) = variants(
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
        guessed,
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
    let (stacks, guessed) = ctx.pick(&able, &[Stack::Express, Stack::Nginx, Stack::Django]);
    let steps = stacks
        .into_iter()
        .filter_map(|s| {
            Some(match s {
                Stack::Express => Step::text("Express", "The cors package with a fixed list of origins.")
                    .with("js", "before your routes", format!("const cors = require(\"cors\");\napp.use(cors({{ origin: [{}], credentials: true }}));", quote::json(own))),
                Stack::Nginx => Step::text("nginx", "Answer only listed origins; stop the application's own CORS headers from passing through.")
                    .with("nginx", "in the http { } block", format!("# palisade: place=http\nmap $http_origin $cors_origin {{\n    default \"\";\n    {} $http_origin;\n}}", quote::nginx(own)))
                    .with("nginx", "in the server { } block that serves the API", "# palisade: place=server-https\nproxy_hide_header Access-Control-Allow-Origin;\nproxy_hide_header Access-Control-Allow-Credentials;\nadd_header Access-Control-Allow-Origin $cors_origin always;\nadd_header Access-Control-Allow-Credentials true always;\nadd_header Vary Origin always;"),
                Stack::Django => Step::text("Django", "django-cors-headers with an allow list.")
                    .with("python", "settings.py", format!("CORS_ALLOWED_ORIGINS = [{}]\nCORS_ALLOW_CREDENTIALS = True", quote::json(own))),
                Stack::Rails => Step::text("Rails", "rack-cors with an allow list.")
                    .with("ruby", "config/initializers/cors.rb", format!("Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins {}\n    resource \"*\", headers: :any, methods: [:get, :post], credentials: true\n  end\nend", quote::json(own))),
                Stack::Apache => Step::text("Apache httpd", "mod_headers: drop what the application sends, answer only listed origins.")
                    .with("apache", format!("in the <VirtualHost *:443> of {}, or .htaccess", ctx.name), format!(
                        "SetEnvIf Origin \"^{}$\" CORS_ORIGIN=$0\nHeader unset Access-Control-Allow-Origin\nHeader unset Access-Control-Allow-Credentials\nHeader always set Access-Control-Allow-Origin \"%{{CORS_ORIGIN}}e\" env=CORS_ORIGIN\nHeader always set Access-Control-Allow-Credentials \"true\" env=CORS_ORIGIN\nHeader always merge Vary Origin",
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
        guessed,
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
    let (stacks, guessed) = ctx.pick(&able, &[Stack::Apache, Stack::Nginx, Stack::Caddy]);
    let steps = stacks
        .into_iter()
        .map(|s| match s {
            Stack::Apache => Step::text("Apache httpd", "Server configuration (not .htaccess).").with("apache", "the main server configuration", "TraceEnable Off"),
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
        guessed,
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
        guessed: false,
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
    let places: Vec<String> = ctx
        .findings
        .iter()
        .map(|f| crate::report::one_line(&f.location))
        .collect();
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
            "It is in {} places ({}). {}",
            places.len(),
            places.join(", "),
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
        guessed: false,
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
        guessed: false,
        steps: vec![Step::text("Fix", first.remediation.clone())],
        verify: Vec::new(),
        references: Vec::new(),
    }
}
