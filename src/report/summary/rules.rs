//! The attack-chain rules: each names two kinds of finding that are worse together than apart, as two small
//! predicates over the check ids the checks really report (`docs/checks.md`). A chain needs a finding of each kind
//! on the same target.

use crate::model::{Finding, Module, Severity};

/// One attack chain rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable id, used in tests and docs.
    pub id: &'static str,
    /// What the attacker gets, as a heading.
    pub title: &'static str,
    /// The severity of the chain; a chain is never less severe than its worst finding.
    pub severity: Severity,
    /// How the two halves combine, for a reader who is not a security engineer.
    pub why: &'static str,
    /// The first half, and what it is called in the docs.
    pub first: (&'static str, fn(&Finding) -> bool),
    /// The second half.
    pub second: (&'static str, fn(&Finding) -> bool),
}

/// Every rule, in the order chains of equal severity are listed.
pub const RULES: &[Rule] = &[
    Rule {
        id: "repository-and-secret",
        title: "Source history and a live credential",
        severity: Severity::Critical,
        why: "Anyone can download the repository's files and history, and the site also serves a live credential: \
              the code shows where the key works and what it reaches, so the attacker can use it at once.",
        first: (
            "exposed version-control metadata (`.git/`, `.svn/`, `.hg/`)",
            vcs_exposed,
        ),
        second: ("a credential in a served file (`secrets.*`)", secret),
    },
    Rule {
        id: "config-and-open-database",
        title: "Database passwords and an open database port",
        severity: Severity::Critical,
        why: "An exposed environment, configuration or backup file carries the database's host and password, and a \
              database or data store on the same host answers from the network: the attacker needs no foothold to \
              use them.",
        first: (
            "an exposed `.env`, configuration backup, credentials file, backup archive or dump",
            config_exposed,
        ),
        second: (
            "a database or data store port that answers (Redis, MongoDB, Elasticsearch, Memcached, etcd)",
            database_open,
        ),
    },
    Rule {
        id: "panel-on-outdated-software",
        title: "An open admin page on software with known vulnerabilities",
        severity: Severity::High,
        why: "An admin, status or debug page is open to anyone and tells the exact versions and internals, and the \
              same host runs server software with published vulnerabilities or past end of life: the page is the \
              map and the outdated software the way in.",
        first: (
            "an admin, status or debug page (server-status, phpinfo, Actuator, a development server, a panel or \
             debug template)",
            panel_exposed,
        ),
        second: (
            "server software (web server, language, CMS) with known vulnerabilities or past end of life",
            outdated_server,
        ),
    },
    Rule {
        id: "session-over-plain-http",
        title: "Sessions that can be stolen on the network",
        severity: Severity::High,
        why: "Nothing makes browsers stay on HTTPS (no HSTS or no redirect), and a session cookie or login form can \
              travel over plain HTTP: anyone on the visitor's network can strip TLS, read the cookie or password \
              and take over the account.",
        first: (
            "HSTS missing, short or invalid, or HTTP not redirected to HTTPS",
            downgrade_possible,
        ),
        second: (
            "a cookie without `Secure` or a form that posts over HTTP",
            credential_in_clear,
        ),
    },
    Rule {
        id: "script-reads-session",
        title: "Script injection that steals sessions",
        severity: Severity::High,
        why: "The pages run a JavaScript library with known cross-site scripting bugs, and the session cookie can \
              be read by scripts: one injected script sends every visitor's session to the attacker.",
        first: (
            "a JavaScript library with known vulnerabilities",
            vulnerable_library,
        ),
        second: ("a session cookie without `HttpOnly`", session_readable),
    },
    Rule {
        id: "cors-reads-api",
        title: "Any website can read the API as the signed-in user",
        severity: Severity::High,
        why: "The site answers any origin with credentials allowed, and its API is described publicly: a page on \
              any site a signed-in user visits can call each endpoint as that user and read the answers.",
        first: (
            "CORS that reflects any origin with credentials, or allows `null`",
            cors_open,
        ),
        second: (
            "a public API description (OpenAPI/Swagger, GraphQL introspection or IDE)",
            api_described,
        ),
    },
    Rule {
        id: "open-ai-endpoint-and-secret",
        title: "An open AI endpoint next to leaked credentials",
        severity: Severity::High,
        why: "Anyone can call the AI endpoint (an MCP server, a model API) without a key, and the site leaks \
              credentials: an attacker runs the model and its tools at the owner's cost, and the keys reach the \
              provider account or data behind them.",
        first: (
            "an MCP server or model API that answers without credentials",
            ai_endpoint_open,
        ),
        second: (
            "a credential in a served file (`secrets.*`) or an exposed `.env`",
            secret_or_env,
        ),
    },
];

fn is(f: &Finding, ids: &[&str]) -> bool {
    ids.contains(&f.check_id.as_str())
}

/// The class of a template finding (`panel`, `debug`, `unauth`, `exposure`, `listing`), if it is one.
fn template_class(f: &Finding) -> Option<&'static str> {
    f.check_id
        .strip_prefix("templates.")
        .map(crate::templates::class_of)
}

fn vcs_exposed(f: &Finding) -> bool {
    is(f, &["disclosure.repository-exposed"])
}

fn secret(f: &Finding) -> bool {
    // Info-level credentials are public by design (a Firebase web config).
    f.module == Module::Secrets && f.severity > Severity::Info
}

fn config_exposed(f: &Finding) -> bool {
    is(
        f,
        &[
            "disclosure.env-exposed",
            "disclosure.config-backup-exposed",
            "disclosure.credentials-file-exposed",
            "disclosure.backup-archive-exposed",
            "disclosure.database-exposed",
        ],
    ) || (template_class(f) == Some("exposure") && f.severity >= Severity::High)
}

fn database_open(f: &Finding) -> bool {
    is(
        f,
        &[
            "network.redis-unauthenticated",
            "network.redis-reachable",
            "network.mongodb-exposed",
            "network.elasticsearch-unauthenticated",
            "network.memcached-exposed",
            "network.etcd-exposed",
        ],
    )
}

fn panel_exposed(f: &Finding) -> bool {
    is(
        f,
        &[
            "disclosure.status-page-exposed",
            "disclosure.phpinfo-exposed",
            "disclosure.actuator-exposed",
            "disclosure.dev-server",
        ],
    ) || matches!(template_class(f), Some("panel" | "debug"))
}

fn outdated_server(f: &Finding) -> bool {
    // Server-side software only: the page is on the server, a client library is no way into it.
    is(
        f,
        &["components.vulnerable-server", "components.eol-server"],
    )
}

fn downgrade_possible(f: &Finding) -> bool {
    is(
        f,
        &[
            "tls.hsts-missing",
            "tls.hsts-short",
            "tls.hsts-invalid",
            "tls.http-no-redirect",
            "tls.http-redirect-indirect",
            "tls.no-https",
        ],
    )
}

fn credential_in_clear(f: &Finding) -> bool {
    is(f, &["headers.cookie-no-secure", "headers.form-insecure"])
}

fn vulnerable_library(f: &Finding) -> bool {
    is(f, &["components.vulnerable-library"])
}

fn session_readable(f: &Finding) -> bool {
    // The check reports a missing HttpOnly only on session cookies.
    is(f, &["headers.cookie-no-httponly"])
}

fn cors_open(f: &Finding) -> bool {
    is(f, &["api.cors-reflects-origin", "api.cors-allows-null"])
}

fn api_described(f: &Finding) -> bool {
    is(
        f,
        &[
            "api.docs-exposed",
            "disclosure.openapi-exposed",
            "api.graphql-introspection",
            "api.graphql-ide-exposed",
        ],
    )
}

fn ai_endpoint_open(f: &Finding) -> bool {
    is(
        f,
        &[
            "ai-surface.mcp-unauthenticated",
            "ai-surface.openai-api-unauthenticated",
            "ai-surface.ollama-exposed",
        ],
    )
}

fn secret_or_env(f: &Finding) -> bool {
    secret(f) || is(f, &["disclosure.env-exposed"])
}
