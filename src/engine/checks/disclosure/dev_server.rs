//! Development servers and debug toolbars serving the site: framework dev servers named by their `Server` header
//! (Werkzeug, Django's runserver, Python's http.server, WEBrick), development builds marked in the page (Vite's
//! client, Next.js development manifests, webpack-dev-server's client, live reload, `dotnet watch`, Sprockets debug
//! assets) and debug toolbars (Django Debug Toolbar, Flask-DebugToolbar, Symfony's profiler, PHP DebugBar, Rails
//! web-console). Read from the start page, the crawled pages and scripts; no request of its own.

use super::url_location;
use crate::engine::context::CheckCtx;
use crate::engine::registry::CheckResult;
use crate::engine::site::Page;
use regex::Regex;
use std::sync::{Arc, LazyLock};

rule!(
    DEV_SERVER,
    "disclosure.dev-server",
    Disclosure,
    Medium,
    Some(489),
    "A development server or debug toolbar serves the site",
    "The site is served by a framework's development server or with its debug tooling switched on. Development servers are built for one developer on localhost: they are not hardened, often run with debug features (interactive consoles, source served as written, reload hooks, detailed errors), and handle load poorly. Debug toolbars and profilers show visitors the application's queries, settings, request data and sometimes a console.",
    "Run the production build of the application under a production server: a WSGI/ASGI server (gunicorn, uWSGI, uvicorn) for Python, Puma in production mode for Rails, `next start` or a static build for JavaScript front ends, behind a reverse proxy; switch debug modes and toolbars off in production settings. The finding's description names the fix for the server that was seen.",
    [
        "https://cwe.mitre.org/data/definitions/489.html",
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/02-Test_Application_Platform_Configuration"
    ]
);

/// Where a sign is read.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// The value of this response header (any value when the pattern is empty).
    Header(&'static str),
    /// The HTML of a page.
    Page,
    /// The text of a page or of a script the crawl fetched.
    Code,
}

/// One kind of development server or debug tool, and how it shows.
struct Tool {
    /// A short name for the finding's location.
    key: &'static str,
    /// What it is, for people.
    name: &'static str,
    place: Place,
    re: LazyLock<Regex>,
    /// What to do instead, for this tool.
    fix: &'static str,
}

macro_rules! tool {
    ($key:literal, $name:literal, $place:expr, $re:literal, $fix:literal) => {
        Tool {
            key: $key,
            name: $name,
            place: $place,
            re: LazyLock::new(|| crate::engine::pattern::compile($re)),
            fix: $fix,
        }
    };
}

/// Every tool, in report order. `X-Powered-By: Next.js`, `X-Request-Id` or `X-Runtime` alone say nothing about
/// the mode a framework runs in, so none of them is a sign here.
static TOOLS: [Tool; 15] = [
    tool!(
        "Werkzeug",
        "Werkzeug development server (Flask)",
        Place::Header("server"),
        r"^Werkzeug/\d",
        "Run the Flask app under a production WSGI server (gunicorn, uWSGI or waitress) behind a reverse proxy; `flask run` and `app.run()` are for development only, and never with `debug=True`."
    ),
    tool!(
        "runserver",
        "Django development server (runserver) or Python's wsgiref server",
        Place::Header("server"),
        r"^WSGIServer/[\d.]+ CPython/",
        "Serve Django with gunicorn or uWSGI (uvicorn or daphne for ASGI) behind a reverse proxy, with `DEBUG = False`; `manage.py runserver` is for development only."
    ),
    tool!(
        "http.server",
        "Python's http.server",
        Place::Header("server"),
        r"^(SimpleHTTP|BaseHTTP)/[\d.]+ Python/",
        "Serve the files from a web server (nginx, Apache, Caddy) or object storage; `python -m http.server` implements only basic security checks and lists every directory without an index."
    ),
    tool!(
        "WEBrick",
        "WEBrick (Ruby's development server)",
        Place::Header("server"),
        r"^WEBrick/\d",
        "Run the app with Puma (or another production server) in production mode (`RAILS_ENV=production`) behind a reverse proxy."
    ),
    tool!(
        "Vite",
        "Vite development server",
        Place::Page,
        r#"(?i)<script[^>]+src\s*=\s*["'][^"']*/@vite/client["']"#,
        "Build the front end with `vite build` and serve the `dist/` folder from a static server or CDN; `vite` (the dev server) injects its HMR client and serves source files as written."
    ),
    tool!(
        "Next.js dev",
        "Next.js development server (next dev)",
        Place::Page,
        r#"/_next/static/development/_(?:build|ssg)Manifest\.js|"buildId"\s*:\s*"development""#,
        "Build with `next build` and run `next start` (or deploy the build output); `next dev` compiles on request and serves development bundles and error overlays."
    ),
    tool!(
        "webpack-dev-server",
        "webpack-dev-server",
        Place::Code,
        r"webpack-dev-server/client/index\.js|webpack/hot/dev-server\.js",
        "Build a production bundle (`webpack --mode production`, `npm run build`) and serve the output from a static server; `webpack serve` and the `npm start` of Create React App or Vue CLI are development servers."
    ),
    tool!(
        "live reload",
        "live-reload development server (Hugo server, Jekyll --livereload, Browsersync)",
        Place::Page,
        r#"(?i)<script[^>]+src\s*=\s*["'][^"']*(/livereload\.js\b|/browser-sync/browser-sync-client\.js)"#,
        "Build the site (`hugo`, `jekyll build`, your bundler's build) and serve the generated files from a web server; live-reload servers are for development."
    ),
    tool!(
        "dotnet watch",
        "ASP.NET Core development build (dotnet watch or Visual Studio Browser Link)",
        Place::Page,
        r"/_framework/aspnetcore-browser-refresh\.js|__browserLink_initializationData|<!-- Visual Studio Browser Link -->",
        "Publish a Release build (`dotnet publish -c Release`) and run it with `ASPNETCORE_ENVIRONMENT=Production`; `dotnet watch` and Browser Link are development tools."
    ),
    tool!(
        "Sprockets debug",
        "Rails in development mode (Sprockets debug assets)",
        Place::Page,
        r#"/assets/[\w./-]+\.debug-[0-9a-f]{32,}\.(?:js|css)\b"#,
        "Run Rails with `RAILS_ENV=production` and precompiled assets (`rails assets:precompile`); `config.assets.debug` is a development setting."
    ),
    tool!(
        "Django Debug Toolbar",
        "Django Debug Toolbar",
        Place::Page,
        r#"<div[^>]+id\s*=\s*["']djDebug["']"#,
        "Set `DEBUG = False` in production and add `debug_toolbar` to INSTALLED_APPS and MIDDLEWARE only in development settings; a SHOW_TOOLBAR_CALLBACK must never return true for visitors."
    ),
    tool!(
        "Flask-DebugToolbar",
        "Flask-DebugToolbar",
        Place::Page,
        r#"<div[^>]+id\s*=\s*["']flDebug["']"#,
        "Set `DEBUG_TB_ENABLED = False` (and debug off) in the production configuration, or do not install the extension there."
    ),
    tool!(
        "Symfony profiler",
        "Symfony web profiler (debug mode)",
        Place::Header("x-debug-token-link"),
        r"",
        "Run with `APP_ENV=prod` and `APP_DEBUG=0`, and require symfony/web-profiler-bundle with `--dev` only, so `/_profiler` does not exist in production."
    ),
    tool!(
        "PHP DebugBar",
        "PHP DebugBar (Laravel Debugbar)",
        Place::Header("phpdebugbar-id"),
        r"",
        "Set `APP_DEBUG=false` and `DEBUGBAR_ENABLED=false` in production, and install barryvdh/laravel-debugbar with `--dev` only; its `/_debugbar` routes expose every stored request."
    ),
    tool!(
        "web-console",
        "Rails web-console (development mode)",
        Place::Header("x-web-console-session-id"),
        r"",
        "Run Rails with `RAILS_ENV=production` and keep the `web-console` gem in the Gemfile's development group only: it renders a Ruby console in error pages."
    ),
];

/// What showed `tool`, with the page it was seen on.
fn sign(tool: &Tool, page: &Page) -> Option<String> {
    let resp = page.resp();
    match tool.place {
        Place::Header(name) => {
            let value = resp.header_all(name).into_iter().next()?;
            let value = value.trim();
            (tool.re.as_str().is_empty() || tool.re.is_match(value))
                .then(|| format!("{name}: {}", crate::engine::context::truncate(value, 120)))
        }
        Place::Page if page.html.is_none() => None,
        Place::Page | Place::Code => {
            let text = resp.text();
            let found = tool.re.find(&text)?;
            let shown = crate::engine::context::truncate(found.as_str(), 160);
            Some(format!("{shown} in {}", url_location(page.url())))
        }
    }
}

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let start = ctx.start_page().await?;
    let origin = ctx.origin().await;
    let crawl = ctx.crawl().await?;
    let mut pages: Vec<&Arc<Page>> = vec![&start];
    pages.extend(crawl.pages.iter().filter(|p| p.url() != start.url()));
    let scripts: Vec<&Arc<Page>> = crawl.scripts.iter().collect();
    for tool in &TOOLS {
        let read = if tool.place == Place::Code {
            pages.iter().chain(&scripts).copied().collect::<Vec<_>>()
        } else {
            pages.clone()
        };
        let Some(evidence) = read.iter().find_map(|p| sign(tool, p)) else {
            continue;
        };
        let draft = ctx
            .finding(
                &DEV_SERVER,
                format!("{} ({})", url_location(&origin), tool.key),
            )
            .title(format!("{} serves the site", tool.name))
            .description(format!(
                "{} Seen here: {}. {}",
                DEV_SERVER.description, tool.name, tool.fix
            ))
            .evidence(evidence);
        ctx.report(draft).await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tools_in(text: &str) -> Vec<&'static str> {
        TOOLS
            .iter()
            .filter(|t| !matches!(t.place, Place::Header(_)) && t.re.is_match(text))
            .map(|t| t.key)
            .collect()
    }

    #[test]
    fn page_markers_name_the_dev_tool_and_production_builds_do_not() {
        assert_eq!(
            tools_in(r#"<script type="module" src="/@vite/client"></script>"#),
            vec!["Vite"]
        );
        assert_eq!(
            tools_in(
                r#"<script src="/_next/static/development/_buildManifest.js" defer></script>"#
            ),
            vec!["Next.js dev"]
        );
        assert_eq!(
            tools_in(r#"<script id="__NEXT_DATA__">{"page":"/","buildId":"development"}</script>"#),
            vec!["Next.js dev"]
        );
        assert_eq!(
            tools_in(r#"<div id="djDebug" class="djdt-hidden" dir="ltr">"#),
            vec!["Django Debug Toolbar"]
        );
        for production in [
            r#"<script src="/_next/static/Xy12AbC/_buildManifest.js" defer></script>"#,
            r#"<script id="__NEXT_DATA__">{"buildId":"Xy12AbC"}</script>"#,
            r#"<script type="module" src="/assets/index-4f2a9c.js"></script>"#,
            r#"<link rel="stylesheet" href="/assets/application-4c9deb2d55c130518e97561a9d44d7ca3a5a5fd22682e25ca394d3dcd1ca7fce.css">"#,
            "<p>Run vite and open /@vite/client to see the HMR client.</p>",
        ] {
            assert_eq!(tools_in(production), Vec::<&str>::new(), "{production}");
        }
    }

    #[test]
    fn server_banners_of_dev_servers_and_not_of_production_servers() {
        let server = |value: &str| -> Vec<&str> {
            TOOLS
                .iter()
                .filter(|t| t.place == Place::Header("server") && t.re.is_match(value))
                .map(|t| t.key)
                .collect()
        };
        assert_eq!(server("Werkzeug/3.1.3 Python/3.11.7"), vec!["Werkzeug"]);
        assert_eq!(server("WSGIServer/0.2 CPython/3.12.1"), vec!["runserver"]);
        assert_eq!(server("SimpleHTTP/0.6 Python/3.11.7"), vec!["http.server"]);
        assert_eq!(
            server("WEBrick/1.8.1 (Ruby/3.2.2/2023-03-30)"),
            vec!["WEBrick"]
        );
        for production in [
            "gunicorn",
            "nginx/1.25.3",
            "uvicorn",
            "Python/3.11 aiohttp/3.9.1",
        ] {
            assert_eq!(server(production), Vec::<&str>::new(), "{production}");
        }
    }
}
