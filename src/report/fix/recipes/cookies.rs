//! The cookie-flag fix: Secure, HttpOnly and SameSite on every cookie of a host, set where the stack sets them.

use super::{Basis, Ctx, Recipe, variants};
use crate::report::fix::{Stack, Step};

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
    // Cookies are set by the application: the server in front rewrites only what it proxies, so it is offered
    // only when no application layer was seen.
    let apps = [
        Stack::Php,
        Stack::Laravel,
        Stack::Django,
        Stack::Rails,
        Stack::Express,
        Stack::NextJs,
        Stack::AspNet,
        Stack::WordPress,
    ];
    let fallback = [Stack::Express, Stack::Django, Stack::Php];
    let (mut stacks, mut basis) = variants(ctx, &apps, &fallback, &hints);
    // nginx can add the flags to what it proxies (`proxy_cookie_flags`), not to what it serves through FastCGI or
    // uwsgi: with no application in sight it is the change; with a likely one, it comes after that one's.
    if ctx.seen.sure(Stack::Nginx) {
        match basis {
            Basis::Guess => (stacks, basis) = (vec![Stack::Nginx], Basis::Seen),
            Basis::Likely => stacks.push(Stack::Nginx),
            Basis::Seen => {}
        }
    }
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
    let mut variants_out = Vec::new();
    for s in stacks {
        let step = match s {
            Stack::Php | Stack::WordPress => php(ctx, &on),
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
            Stack::Nginx => nginx(ctx, &on),
            _ => continue,
        };
        variants_out.push(step.alt());
    }
    steps.extend(super::unique(variants_out));
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
        basis,
        steps,
        verify: vec![format!("curl -sI {}/ | grep -i '^set-cookie'", ctx.origin)],
        references: vec!["https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/Cookies#security".to_string()],
    }
}

/// PHP: php.ini for the session cookie and setcookie()'s options array, both PHP 7.3 or later; before 7.3 SameSite
/// fits only into the path argument, and the step says to upgrade first.
fn php(ctx: &Ctx, on: &dyn Fn(&str) -> String) -> Step {
    let Some(v) = ctx.older(Stack::Php, &[7, 3]) else {
        return Step::text("PHP", "For the session cookie in php.ini (restart PHP-FPM or Apache); for cookies the code sets, the options array of setcookie().")
            .with("ini", "php.ini", format!("{}session.cookie_httponly = 1\nsession.cookie_samesite = \"Lax\"", on("session.cookie_secure = 1\n")))
            .with("php", "the code that sets a cookie", format!("setcookie($name, $value, [\n    'path' => '/',\n{}    'httponly' => true,\n    'samesite' => 'Lax',\n]);", on("    'secure' => true,\n")));
    };
    let secure = if on("x").is_empty() { "false" } else { "true" };
    Step::text(
        "PHP",
        format!(
            "PHP {v} is older than 7.3, which added session.cookie_samesite and the options array of setcookie(): \
             upgrade first (PHP {v} gets no security fixes). Until then, Secure and HttpOnly work from php.ini, and \
             SameSite only rides in the cookie path."
        ),
    )
    .with("ini", "php.ini", format!("{}session.cookie_httponly = 1", on("session.cookie_secure = 1\n")))
    .with(
        "php",
        "before session_start(), and where the code sets a cookie",
        format!("session_set_cookie_params(0, '/; samesite=Lax', '', {secure}, true);\nsetcookie($name, $value, 0, '/; samesite=Lax', '', {secure}, true);"),
    )
}

/// nginx rewrites the flags of cookies it proxies: proxy_cookie_flags from 1.19.3, the path trick before.
fn nginx(ctx: &Ctx, on: &dyn Fn(&str) -> String) -> Step {
    let place = "in each location { } with proxy_pass";
    match ctx.older(Stack::Nginx, &[1, 19, 3]) {
        None => Step::text("nginx", "For cookies set by an application behind nginx (proxy_pass); needs nginx 1.19.3 or later.")
            .with("nginx", place, format!("proxy_cookie_flags ~ {}httponly samesite=lax;", on("secure "))),
        Some(v) => Step::text(
            "nginx",
            format!("For cookies set by an application behind nginx (proxy_pass). nginx {v} lacks proxy_cookie_flags (1.19.3): upgrade first; until then the attributes ride in the cookie path."),
        )
        .with("nginx", place, format!("proxy_cookie_path / \"/; {}HTTPOnly; SameSite=Lax\";", on("Secure; "))),
    }
}
