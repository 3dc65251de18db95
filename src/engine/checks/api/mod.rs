//! `api` checks: CORS that trusts any origin or `null` with credentials, TRACE, GraphQL introspection, open
//! redirects, interactive API documentation (Swagger UI, Redoc, GraphiQL, GraphQL Playground) and dangerous methods
//! an OPTIONS answer advertises. They send GETs, one OPTIONS, one TRACE, and a read-only GraphQL query (as a POST
//! only where GET is refused); never a mutation, a PUT or a DELETE, and no request follows a redirect off the site.

/// Declares an `api` rule: `api_rule!(NAME, "id", Severity, cwe, "title", "why", "fix", [refs])`.
macro_rules! api_rule {
    ($name:ident, $id:literal, $sev:ident, $cwe:expr, $title:literal, $desc:literal, $fix:literal, [$($r:expr),* $(,)?]) => {
        pub static $name: crate::engine::registry::Rule = crate::engine::registry::Rule {
            id: $id,
            category: crate::model::Category::Api,
            severity: crate::model::Severity::$sev,
            title: $title,
            description: $desc,
            remediation: $fix,
            references: &[$($r),*],
            cwe: $cwe,
        };
    };
}

/// Declares a lazily compiled regular expression.
macro_rules! regex {
    ($name:ident, $re:literal) => {
        static $name: std::sync::LazyLock<regex::Regex> =
            std::sync::LazyLock::new(|| crate::engine::pattern::compile($re));
    };
}

mod cors;
mod docs;
mod graphql;
mod methods;
mod redirect;
mod redirect_candidates;
mod trace;

pub use cors::PROBE_ORIGIN;
pub use trace::TRACE_MARKER_HEADER;

use crate::engine::registry::Check;
use crate::model::{Module, Profile};

/// Body bytes read from a probe's answer: enough for headers, an HTML head, a small JSON document.
const PROBE_BODY: usize = 64 * 1024;

/// The `api` checks.
pub static CHECKS: &[Check] = &[
    Check {
        id: "api.cors",
        module: Module::Api,
        profile: Profile::Quick,
        summary: "CORS on the start page: an arbitrary origin and the null origin, with credentials",
        rules: &[&cors::CORS_ANY_ORIGIN, &cors::CORS_NULL],
        run: |ctx| Box::pin(cors::run(ctx)),
    },
    Check {
        id: "api.trace",
        module: Module::Api,
        profile: Profile::Standard,
        summary: "TRACE echoes the request (one TRACE of the start page)",
        rules: &[&trace::TRACE_ENABLED],
        run: |ctx| Box::pin(trace::run(ctx)),
    },
    Check {
        id: "api.methods",
        module: Module::Api,
        profile: Profile::Standard,
        summary: "WebDAV, CONNECT, or PUT and DELETE on an HTML page, advertised by one OPTIONS of the start page",
        rules: &[&methods::DANGEROUS_METHODS],
        run: |ctx| Box::pin(methods::run(ctx)),
    },
    Check {
        id: "api.graphql",
        module: Module::Api,
        profile: Profile::Standard,
        summary: "GraphQL endpoints (common paths and those named in crawled pages) that answer introspection",
        rules: &[&graphql::INTROSPECTION],
        run: |ctx| Box::pin(graphql::run(ctx)),
    },
    Check {
        id: "api.docs",
        module: Module::Api,
        profile: Profile::Standard,
        summary: "Swagger UI, Redoc, GraphiQL and GraphQL Playground served at common paths, verified by content",
        rules: &[&docs::API_DOCS, &docs::GRAPHQL_IDE],
        run: |ctx| Box::pin(docs::run(ctx)),
    },
    Check {
        id: "api.redirect",
        module: Module::Api,
        profile: Profile::Standard,
        summary: "open redirects through common parameters (a bounded set of GETs to a .invalid marker)",
        rules: &[&redirect::OPEN_REDIRECT],
        run: |ctx| Box::pin(redirect::run(ctx)),
    },
];
