//! Exposed files, paths and listings: what to do about what leaked (rotate first where secrets may be in it), take
//! it out of the web root, and block the path at the server so the next deploy cannot bring it back.

use super::{Ctx, Recipe};
use crate::report::fix::{Stack, Step};

/// How the server keeps the path from being served.
enum Block {
    /// Every path segment starting with a dot, except `/.well-known/`.
    DotPaths,
    /// Exactly these paths.
    Paths(Vec<String>),
    /// Files ending in `.map`.
    SourceMaps,
    /// Directory listings.
    Listing,
    /// Only from the server itself.
    LocalOnly(Vec<String>),
}

const ABLE: &[Stack] = &[
    Stack::Nginx,
    Stack::Apache,
    Stack::Caddy,
    Stack::Iis,
    Stack::Express,
];
const FALLBACK: &[Stack] = &[Stack::Nginx, Stack::Apache, Stack::Caddy];

pub(super) fn recipe(ctx: &Ctx, check: &str) -> Recipe {
    let host = &ctx.host;
    let paths = ctx.paths();
    let shown = paths.join(", ");
    let mut steps = Vec::new();
    let rotate = |what: &str| {
        Step::text(
            "Rotate first",
            format!(
                "Treat every {what} in it as leaked: issue new ones, switch the site to them, and revoke the old \
                 ones at their provider before you remove the file. Removing it does not undo the leak; check the \
                 provider's logs for use since the file went up."
            ),
        )
    };
    let remove = |what: &str| {
        Step::text(
            "Remove it",
            format!(
                "Delete {what} from the web root on {host} ({shown}) and from the deploy, so the next release cannot bring it back."
            ),
        )
    };
    let (title, why, block) = match check {
        "disclosure.env-exposed" => {
            steps.push(rotate("password, key and token"));
            steps.push(remove("the environment file"));
            (
                format!(
                    "Rotate the secrets in the exposed environment file and remove it from {host}"
                ),
                "The environment file holds the application's passwords, keys and tokens; anyone who fetched it \
                 can use them against your database and providers.",
                Block::DotPaths,
            )
        }
        "disclosure.credentials-file-exposed" => {
            steps.push(rotate("credential"));
            steps.push(remove("the credentials file"));
            (
                format!("Rotate the exposed credentials and remove the file from {host}"),
                "The file holds credentials for other systems; anyone who fetched it can log in with them.",
                Block::DotPaths,
            )
        }
        "disclosure.repository-exposed" => {
            steps.push(Step::text(
                "Check the history",
                "Anyone can download the whole repository, history included: rotate every secret ever committed \
                 to it (gitleaks or trufflehog list them).",
            ));
            steps.push(Step::text(
                "Remove it",
                format!(
                    "Deploy build output, not a checkout: delete the .git directory from the web root on {host}."
                ),
            ));
            (
                format!("Stop serving the Git repository on {host}"),
                "An exposed .git directory lets anyone download the source code and its history, including \
                 secrets that were ever committed.",
                Block::DotPaths,
            )
        }
        "disclosure.ds-store-exposed" => {
            steps.push(remove("the .DS_Store files"));
            (
                format!("Remove the .DS_Store files from {host}"),
                ".DS_Store files list the names of files in a directory, including ones that are not linked.",
                Block::DotPaths,
            )
        }
        "disclosure.database-exposed"
        | "disclosure.backup-archive-exposed"
        | "disclosure.config-backup-exposed" => {
            steps.push(rotate("password and key"));
            steps.push(remove("the file"));
            let what = match check {
                "disclosure.database-exposed" => "database dump",
                "disclosure.backup-archive-exposed" => "backup archive",
                _ => "configuration backup",
            };
            (
                format!("Remove the exposed {what} from {host}"),
                "Anyone can download it: user data, password hashes and configuration secrets in it must be \
                 treated as disclosed.",
                Block::Paths(paths.clone()),
            )
        }
        "disclosure.source-map-exposed" => {
            steps.push(Step::text(
                "Build without public source maps",
                "Turn them off for production builds (webpack `devtool: false`, Vite `build.sourcemap: false`, \
                 Next.js leaves `productionBrowserSourceMaps` off), or upload them to your error tracker instead \
                 of the web root.",
            ));
            (
                format!("Stop publishing source maps on {host}"),
                "Source maps give out the original source code, comments and internal paths of the scripts.",
                Block::SourceMaps,
            )
        }
        class if class.starts_with("templates:") => {
            return templates(ctx, &class["templates:".len()..], steps);
        }
        "disclosure.directory-listing" => (
            format!("Turn off directory listings on {host}"),
            "A listing shows every file in the directory, including ones that were never meant to be linked.",
            Block::Listing,
        ),
        "disclosure.status-page-exposed" | "disclosure.actuator-exposed" => (
            format!("Restrict the server's status and management pages on {host}"),
            "Status and management pages show internal addresses, requests in flight and versions, and some can \
             change the running application.",
            Block::LocalOnly(paths.clone()),
        ),
        "disclosure.phpinfo-exposed" => {
            steps.push(remove("the phpinfo() page"));
            (
                format!("Remove the phpinfo() page from {host}"),
                "phpinfo() shows the PHP build, modules, paths and environment variables, which can include \
                 secrets.",
                Block::Paths(paths.clone()),
            )
        }
        "disclosure.agent-files-exposed" => {
            steps.push(remove("the AI agent instruction files"));
            (
                format!("Stop serving AI agent instruction files on {host}"),
                "Instruction files for coding agents describe internal hosts, deploy steps and conventions that \
                 help an attacker.",
                Block::Paths(paths.clone()),
            )
        }
        _ => {
            steps.push(remove("the file"));
            (
                format!("Stop serving {shown} on {host}"),
                "The path is reachable by anyone and tells more than the public site should.",
                Block::Paths(paths.clone()),
            )
        }
    };
    let (stacks, basis) = ctx.pick(ABLE, FALLBACK);
    steps.extend(
        stacks
            .into_iter()
            .filter_map(|s| variant(s, ctx, &block))
            .map(Step::alt),
    );
    let verify = paths
        .iter()
        .map(|p| {
            format!(
                "curl -s -o /dev/null -w '%{{http_code}}\\n' {}{p}   # expect 404 (or 403)",
                ctx.origin
            )
        })
        .collect();
    Recipe {
        title,
        why: why.to_string(),
        basis,
        steps,
        verify,
        references: Vec::new(),
    }
}

/// Findings of detection templates, one class at a time: each product's own remediation, then the server change that
/// keeps the paths from the internet.
fn templates(ctx: &Ctx, class: &str, mut steps: Vec<Step>) -> Recipe {
    let (host, origin, paths) = (&ctx.host, &ctx.origin, ctx.paths());
    let mut products: Vec<(&str, &str)> = Vec::new();
    for f in ctx.findings {
        if !products.iter().any(|(_, r)| *r == f.remediation) {
            products.push((f.title.as_str(), f.remediation.as_str()));
        }
    }
    let (title, why, block) = match class {
        "panel" => (
            format!("Take the admin and login panels on {host} off the internet"),
            "A login panel on the internet invites password guessing and every known bug of the product; only the people who administer it need to reach it.",
            Block::LocalOnly(paths.clone()),
        ),
        "debug" => (
            format!("Turn off debug and development modes on {host}"),
            "A debugger, development server or debug toolbar shows source, settings and secrets, and some run code for whoever asks.",
            Block::Paths(paths.clone()),
        ),
        "unauth" => (
            format!("Require authentication on the services {host} exposes"),
            "These services answer anyone without credentials: an attacker can read their data and, for some, run code or spend your compute and API keys.",
            Block::LocalOnly(paths.clone()),
        ),
        "listing" => (
            format!("Turn off directory listings on {host}"),
            "A listing shows every file in the directory, including ones that were never meant to be linked.",
            Block::Listing,
        ),
        _ => (
            format!("Stop serving the exposed files on {host}"),
            "These files are reachable by anyone and hold configuration, dependencies or data the public site should not give out.",
            Block::Paths(paths.clone()),
        ),
    };
    for (product, remediation) in products.iter().take(6) {
        steps.push(Step::text(*product, *remediation));
    }
    let (stacks, basis) = ctx.pick(ABLE, FALLBACK);
    steps.extend(
        stacks
            .into_iter()
            .filter_map(|s| variant(s, ctx, &block))
            .map(Step::alt),
    );
    let mut references: Vec<String> = Vec::new();
    for f in ctx.findings {
        for r in &f.references {
            if !references.contains(r) {
                references.push(r.clone());
            }
        }
    }
    Recipe {
        title,
        why: why.to_string(),
        basis,
        steps,
        verify: paths
            .iter()
            .map(|p| format!("curl -s -o /dev/null -w '%{{http_code}}\\n' {origin}{p}   # expect 401, 403 or 404"))
            .collect(),
        references,
    }
}

/// An nginx snippet for the server block that serves HTTPS, with the line that says so.
fn in_https_server(body: &str) -> String {
    format!("# palisade: place=server-https\n{body}")
}

/// One line (or block) per path.
fn each(paths: &[String], line: impl Fn(&str) -> String) -> String {
    paths.iter().map(|p| line(p)).collect::<Vec<_>>().join("\n")
}

/// Express middleware answering 404 when `test` holds.
fn express_404(test: &str) -> Step {
    Step::text(
        "Express",
        "Register it before express.static and your routes.",
    )
    .with(
        "js",
        "the file that creates the Express app",
        format!("app.use((req, res, next) => ({test} ? res.sendStatus(404) : next()));"),
    )
}

/// The block written for one stack.
fn variant(stack: Stack, ctx: &Ctx, block: &Block) -> Option<Step> {
    let (host, origin) = (&ctx.host, &ctx.origin);
    let place_nginx = format!("in the server {{ }} block that serves {origin}");
    Some(match (stack, block) {
        (Stack::Nginx, Block::DotPaths) => Step::text("nginx", "Answer 404 for dot paths except /.well-known/.")
            .with("nginx", place_nginx, in_https_server("location ~ /\\.(?!well-known/) {\n    return 404;\n}")),
        (Stack::Nginx, Block::Paths(paths)) => Step::text("nginx", "Answer 404 for these paths.").with(
            "nginx",
            place_nginx,
            in_https_server(&each(paths, |p| format!("location = {p} {{\n    return 404;\n}}"))),
        ),
        (Stack::Nginx, Block::SourceMaps) => Step::text("nginx", "Answer 404 for .map files.")
            .with("nginx", place_nginx, in_https_server("location ~* \\.map$ {\n    return 404;\n}")),
        (Stack::Nginx, Block::Listing) => Step::text(
            "nginx",
            "Delete every `autoindex on;` (in the server and its locations) and make it explicit:",
        )
        .with("nginx", place_nginx, in_https_server("autoindex off;")),
        (Stack::Nginx, Block::LocalOnly(paths)) => Step::text("nginx", "Allow these paths only from the server itself.").with(
            "nginx",
            place_nginx,
            in_https_server(&each(paths, |p| {
                format!("location = {p} {{\n    allow 127.0.0.1;\n    allow ::1;\n    deny all;\n}}")
            })),
        ),
        (Stack::Apache, Block::DotPaths) => Step::text("Apache httpd", "mod_alias; works in .htaccess too.")
            .with("apache", format!("in the <VirtualHost *:443> of {host}, or .htaccess"), "# palisade: place=vhost-https\nRedirectMatch 404 \"/\\.(?!well-known/)\""),
        (Stack::Apache, Block::Paths(paths)) => Step::text("Apache httpd", "mod_alias; works in .htaccess too.").with(
            "apache",
            format!("in the <VirtualHost *:443> of {host}, or .htaccess"),
            format!("# palisade: place=vhost-https\n{}", each(paths, |p| format!("RedirectMatch 404 \"^{}$\"", regex::escape(p)))),
        ),
        (Stack::Apache, Block::SourceMaps) => Step::text("Apache httpd", "mod_alias; works in .htaccess too.")
            .with("apache", format!("in the <VirtualHost *:443> of {host}, or .htaccess"), "# palisade: place=vhost-https\nRedirectMatch 404 \"\\.map$\""),
        (Stack::Apache, Block::Listing) => Step::text("Apache httpd", "In the <Directory> of the web root, or .htaccess.")
            .with("apache", format!("the <Directory> of the web root of {host}"), "# palisade: place=directory-root\nOptions -Indexes"),
        (Stack::Apache, Block::LocalOnly(paths)) => {
            // Apache 2.2 has no Require; its Order/Allow form needs mod_access_compat on 2.4.
            let (gate, allow) = match ctx.older(Stack::Apache, &[2, 4]) {
                Some(v) => (
                    format!(" Apache httpd {v} is past its end of life (2.2 ended in 2017): upgrade first; 2.2 takes the Order/Allow form below."),
                    "Order deny,allow\n    Deny from all\n    Allow from 127.0.0.1 ::1",
                ),
                None => (String::new(), "Require local"),
            };
            Step::text("Apache httpd", format!("Only the server itself may read them.{gate}")).with(
                "apache",
                format!("in the server configuration of {host} (not .htaccess)"),
                format!("# palisade: place=vhost-https\n{}", each(paths, |p| format!("<Location \"{p}\">\n    {allow}\n</Location>"))),
            )
        }
        (Stack::Caddy, Block::DotPaths) => Step::text("Caddy", "Answer 404 for dot paths except /.well-known/.")
            .with("caddy", format!("in the site block of {host}"), "@hidden {\n\tpath_regexp /\\.\n\tnot path /.well-known/*\n}\nrespond @hidden 404"),
        (Stack::Caddy, Block::Paths(paths)) => Step::text("Caddy", "Answer 404 for these paths.")
            .with("caddy", format!("in the site block of {host}"), format!("@exposed path {}\nrespond @exposed 404", paths.join(" "))),
        (Stack::Caddy, Block::SourceMaps) => Step::text("Caddy", "Answer 404 for .map files.")
            .with("caddy", format!("in the site block of {host}"), "@maps path *.map\nrespond @maps 404"),
        (Stack::Caddy, Block::Listing) => Step::text("Caddy", "Remove `browse` from the file_server directive.")
            .with("caddy", format!("in the site block of {host}"), "file_server"),
        (Stack::Caddy, Block::LocalOnly(paths)) => Step::text("Caddy", "Answer 404 unless the request comes from the server itself.").with(
            "caddy",
            format!("in the site block of {host}"),
            format!("@status {{\n\tpath {}\n\tnot remote_ip 127.0.0.1 ::1\n}}\nrespond @status 404", paths.join(" ")),
        ),
        (Stack::Iis, Block::DotPaths | Block::Paths(_)) => {
            let segments: Vec<String> = match block {
                Block::Paths(paths) => paths.iter().filter_map(|p| p.rsplit('/').find(|s| !s.is_empty())).map(str::to_string).collect(),
                _ => vec![".git".into(), ".env".into(), ".svn".into(), ".hg".into(), ".DS_Store".into()],
            };
            Step::text("IIS", "Request filtering answers 404 for any path with these segments.").with(
                "xml",
                "web.config, inside <system.webServer>",
                format!(
                    "<security>\n  <requestFiltering>\n    <hiddenSegments>\n{}\n    </hiddenSegments>\n  </requestFiltering>\n</security>",
                    segments.iter().map(|s| format!("      <add segment=\"{}\" />", super::quote::xml(s))).collect::<Vec<_>>().join("\n")
                ),
            )
        }
        (Stack::Iis, Block::SourceMaps) => Step::text("IIS", "Request filtering refuses the extension.").with(
            "xml",
            "web.config, inside <system.webServer>",
            "<security>\n  <requestFiltering>\n    <fileExtensions>\n      <add fileExtension=\".map\" allowed=\"false\" />\n    </fileExtensions>\n  </requestFiltering>\n</security>",
        ),
        (Stack::Iis, Block::Listing) => Step::text("IIS", "Turn off directory browsing.")
            .with("xml", "web.config, inside <system.webServer>", "<directoryBrowse enabled=\"false\" />"),
        (Stack::Express, Block::Listing) => Step::text("Express", "Remove serve-index (or any directory-listing middleware) from the app."),
        (Stack::Express, Block::DotPaths) => express_404("/\\/\\.(?!well-known\\/)/.test(req.path)"),
        (Stack::Express, Block::SourceMaps) => express_404("req.path.endsWith(\".map\")"),
        (Stack::Express, Block::Paths(paths) | Block::LocalOnly(paths)) => express_404(&format!(
            "[{}].includes(req.path)",
            paths.iter().map(|p| super::quote::json(p)).collect::<Vec<_>>().join(", ")
        )),
        _ => return None,
    })
}
