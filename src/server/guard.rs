//! The checks every HTTP request passes before any route: a `Host` and an `Origin` this server answers to (so a web
//! page cannot reach it through DNS rebinding or a cross-site request), a bearer key when one is required, and the
//! key's request rate.
//!
//! The key rule, decided here and nowhere else: a server that only its own machine can reach (bound to loopback,
//! with no public name in `allowed_hosts` or `public_url`: see `ServerSettings::exposure`) and has no key at all
//! (none configured, none stored and active) serves its local user without one; every other server requires a valid
//! key on every route but `/healthz` and `/v1/openapi.json`. A server bound beyond loopback whose last key was revoked
//! therefore answers 401 to everyone until a key is created on its machine (`palisade keys create`). The caller (org and scopes) goes into the request's extensions for the routes. The MCP endpoints
//! take only default-org keys with every scope the MCP tools use (targets and scans, read and write).

use super::authority::{Origin, parse_host, parse_origin};
use crate::app::{App, DEFAULT_ORG};
use crate::config::{ServerSettings, key_digest};
use crate::model::Scope;
use crate::rest::{ApiError, Caller, RateLimiter};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};
use std::sync::Arc;

/// What the guard accepts.
#[derive(Clone)]
pub struct Guard {
    hosts: Vec<String>,
    origins: Vec<Origin>,
    keys: Vec<[u8; 32]>,
    /// Why the server can be reached beyond its machine (`None`: loopback only, the one case where no key may mean
    /// the local user).
    exposure: Option<String>,
    /// For stored keys; `None` in unit tests of the static checks.
    app: Option<App>,
    rate: Arc<RateLimiter>,
}

/// Paths anyone who passes the Host and Origin checks may read.
const PUBLIC: [&str; 2] = ["/healthz", "/v1/openapi.json"];

impl Guard {
    /// The guard of a server bound as `settings` say. Keys are required when any is configured.
    pub fn new(settings: &ServerSettings) -> Guard {
        let mut hosts: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "::1".into()];
        if !settings.bind.ip().is_unspecified() {
            hosts.push(settings.bind.ip().to_string());
        }
        // Configured names go through the same parser as the header, so `Palisade.Internal.` matches
        // `palisade.internal`; an entry that is no host name could never match and is dropped.
        hosts.extend(
            settings
                .allowed_hosts
                .iter()
                .filter_map(|h| parse_host(h.trim()).map(|a| a.host)),
        );
        Guard {
            hosts,
            origins: settings
                .allowed_origins
                .iter()
                .filter_map(|o| parse_origin(o.trim().trim_end_matches('/')))
                .collect(),
            keys: settings.api_key_digests.clone(),
            exposure: settings.exposure(),
            app: None,
            rate: Arc::new(RateLimiter::new(settings.rate_limit)),
        }
    }

    /// The guard of `app`'s server, checking stored keys too.
    pub fn for_app(app: &App) -> Guard {
        Guard {
            app: Some(app.clone()),
            ..Guard::new(&app.config().server)
        }
    }

    /// True when every name the request gives for this server is one it answers to: exactly one `Host` header
    /// (HTTP/1.1) and the request target's authority (absolute form, or HTTP/2's `:authority`), each a plain
    /// authority. A request that gives none is refused.
    fn host_ok(&self, headers: &HeaderMap, uri: &http::Uri) -> bool {
        let mut given = headers.get_all(header::HOST).iter();
        let host = given.next();
        if given.next().is_some() {
            return false;
        }
        let host = match host.map(|v| v.to_str()) {
            Some(Ok(v)) => Some(v),
            Some(Err(_)) => return false,
            None => None,
        };
        let target = uri.authority().map(|a| a.as_str());
        if host.is_none() && target.is_none() {
            return false;
        }
        [host, target]
            .into_iter()
            .flatten()
            .all(|raw| parse_host(raw).is_some_and(|a| self.hosts.contains(&a.host)))
    }

    /// True without an `Origin`, or with one that is a configured origin or a loopback name over http(s). Exactly
    /// one `Origin` header; `null` and anything that is not scheme, host and port are refused.
    fn origin_ok(&self, headers: &HeaderMap) -> bool {
        let mut given = headers.get_all(header::ORIGIN).iter();
        let Some(origin) = given.next() else {
            return true;
        };
        if given.next().is_some() {
            return false;
        }
        let Some(origin) = origin.to_str().ok().and_then(parse_origin) else {
            return false;
        };
        self.origins.contains(&origin)
            || matches!(origin.host.as_str(), "localhost" | "127.0.0.1" | "::1")
    }

    /// The bearer token (the scheme is case-insensitive). Two `Authorization` headers give an empty token, which
    /// matches no key: a request does not get to choose which of its credentials is read.
    fn bearer(headers: &HeaderMap) -> Option<&str> {
        let mut given = headers.get_all(header::AUTHORIZATION).iter();
        let first = given.next()?;
        if given.next().is_some() {
            return Some("");
        }
        let (scheme, token) = first.to_str().ok()?.trim().split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then_some(token.trim())
    }

    /// True when a configured key is given, or none is configured.
    fn key_ok(&self, headers: &HeaderMap) -> bool {
        if self.keys.is_empty() {
            return true;
        }
        Self::bearer(headers).is_some_and(|k| self.keys.contains(&key_digest(k)))
    }

    /// Who the request comes from, or the refusal to answer with.
    async fn caller(&self, headers: &HeaderMap) -> Result<Caller, Response> {
        let unauthorized = || {
            refuse(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "missing, wrong or revoked API key: send Authorization: Bearer <key>",
            )
        };
        let given = Self::bearer(headers);
        if let Some(k) = given {
            let digest = key_digest(k);
            if self.keys.contains(&digest) {
                return Ok(Caller::configured(format!(
                    "config-{}",
                    hex::encode(&digest[..4])
                )));
            }
        }
        let Some(app) = &self.app else {
            return if self.key_ok(headers) && (self.exposure.is_none() || !self.keys.is_empty()) {
                Ok(Caller::local())
            } else {
                Err(unauthorized())
            };
        };
        let internal = |_| {
            refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the key store could not be read",
            )
        };
        if let Some(secret) = given
            && let Some(key) = app.authenticate(secret).await.map_err(internal)?
        {
            return Ok(Caller::key(&key));
        }
        if !self.keys.is_empty() || app.has_active_keys().await.map_err(internal)? {
            return Err(unauthorized());
        }
        if let Some(exposed) = &self.exposure {
            return Err(refuse(
                StatusCode::UNAUTHORIZED,
                "no_active_key",
                &format!(
                    "this server can be reached beyond its machine ({exposed}) and has no active API key, so it \
                     answers no one: create a key on its machine with `palisade keys create`"
                ),
            ));
        }
        Ok(Caller::local())
    }
}

/// The API's JSON error (`{"error", "code"}`, with `WWW-Authenticate` on 401), as every route answers.
fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    ApiError::new(status, code, message).into_response()
}

/// The middleware: refuses with 403 (Host, Origin), 401 (key) or 429 (rate) before any route runs, and hands
/// the caller to the routes. `/healthz` and `/v1/openapi.json` need no key.
pub async fn check(
    State(guard): State<Arc<Guard>>,
    mut request: Request<Body>,
    next: Next,
) -> Response {
    let (headers, uri) = (request.headers(), request.uri());
    if !guard.host_ok(headers, uri) {
        return refuse(
            StatusCode::FORBIDDEN,
            "forbidden_host",
            "this server does not answer to that Host; add it to server.allowed_hosts if it is yours",
        );
    }
    if !guard.origin_ok(headers) {
        return refuse(
            StatusCode::FORBIDDEN,
            "forbidden_origin",
            "requests from that Origin are refused; add it to server.allowed_origins if it is yours",
        );
    }
    if PUBLIC.contains(&uri.path()) {
        return next.run(request).await;
    }
    let caller = match guard.caller(headers).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    if let Some(key) = &caller.key_id
        && let Err(wait) = guard.rate.take(key)
    {
        return guard.rate.too_many(wait);
    }
    request.extensions_mut().insert(caller);
    next.run(request).await
}

/// The scopes the MCP tools use between them: they add, list and remove targets and start, read and cancel scans.
const MCP_SCOPES: [Scope; 4] = [
    Scope::TargetsRead,
    Scope::TargetsWrite,
    Scope::ScansRead,
    Scope::ScansWrite,
];

/// The MCP endpoints' extra rule: the default org's keys, with every scope the MCP tools use (a key that REST would
/// refuse for an operation must not reach it through a tool).
pub async fn mcp_only(request: Request<Body>, next: Next) -> Response {
    let Some(caller) = request.extensions().get::<Caller>() else {
        return refuse(StatusCode::UNAUTHORIZED, "unauthorized", "no caller");
    };
    if caller.org != DEFAULT_ORG {
        return refuse(
            StatusCode::FORBIDDEN,
            "wrong_org",
            "this key belongs to another org: MCP over HTTP serves the default org",
        );
    }
    let missing: Vec<&str> = MCP_SCOPES
        .iter()
        .filter(|s| !caller.allows(**s))
        .map(|s| s.as_str())
        .collect();
    if !missing.is_empty() {
        return refuse(
            StatusCode::FORBIDDEN,
            "missing_scope",
            &format!(
                "this key lacks {}: the MCP tools add, list and remove targets and start and read scans, so they \
                 need targets:read, targets:write, scans:read and scans:write (or admin)",
                missing.join(", ")
            ),
        );
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (k.parse::<http::HeaderName>().unwrap(), v.parse().unwrap()))
            .collect()
    }

    #[test]
    fn hosts_and_origins() {
        let settings = ServerSettings {
            allowed_hosts: vec!["palisade.internal".into()],
            allowed_origins: vec!["https://dash.example".into()],
            ..Default::default()
        };
        let g = Guard::new(&settings);
        let uri: http::Uri = "/mcp".parse().unwrap();
        for ok in [
            "localhost:8477",
            "127.0.0.1",
            "[::1]:8477",
            "palisade.internal:8477",
        ] {
            assert!(g.host_ok(&headers(&[("host", ok)]), &uri), "{ok}");
        }
        for bad in [
            "evil.example",
            "127.0.0.1.evil.example",
            "localhost.evil.example:8477",
            "localhost:evil.com",
            "127.0.0.1:8477@evil.com",
            "[::1]evil.com",
        ] {
            assert!(!g.host_ok(&headers(&[("host", bad)]), &uri), "{bad}");
        }
        let two: HeaderMap = [("host", "localhost"), ("host", "evil.example")]
            .iter()
            .map(|(k, v)| (k.parse::<http::HeaderName>().unwrap(), v.parse().unwrap()))
            .fold(HeaderMap::new(), |mut m, (k, v)| {
                m.append(k, v);
                m
            });
        assert!(!g.host_ok(&two, &uri), "two Host headers");
        let absolute: http::Uri = "http://evil.example/v1/targets".parse().unwrap();
        assert!(
            !g.host_ok(&headers(&[("host", "localhost")]), &absolute),
            "an absolute-form target naming another host"
        );
        assert!(!g.host_ok(&headers(&[]), &uri), "no Host at all");
        assert!(g.origin_ok(&headers(&[])));
        assert!(g.origin_ok(&headers(&[("origin", "http://localhost:6274")])));
        assert!(g.origin_ok(&headers(&[("origin", "https://dash.example")])));
        assert!(!g.origin_ok(&headers(&[("origin", "https://evil.example")])));
        assert!(!g.origin_ok(&headers(&[("origin", "null")])));
        for bad in [
            "http://127.0.0.1:1@evil.com",
            "http://[::1]evil.com",
            "http://localhost:evil",
            "https://dash.example.evil",
        ] {
            assert!(!g.origin_ok(&headers(&[("origin", bad)])), "{bad}");
        }
        assert!(g.origin_ok(&headers(&[("origin", "https://dash.example:443")])));
    }

    #[tokio::test]
    async fn no_key_is_the_local_user_on_loopback_only() {
        let loopback = Guard::new(&ServerSettings::default());
        assert!(loopback.caller(&headers(&[])).await.is_ok());
        let open = Guard::new(&ServerSettings {
            bind: "0.0.0.0:8477".parse().unwrap(),
            ..Default::default()
        });
        let refusal = open
            .caller(&headers(&[]))
            .await
            .expect_err("a key is required");
        assert_eq!(refusal.status(), StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn keys() {
        let mut settings = ServerSettings::default();
        assert!(
            Guard::new(&settings).key_ok(&headers(&[])),
            "no key configured, none needed"
        );
        settings.api_key_digests = vec![key_digest("a-long-random-key-0123456789")];
        let g = Guard::new(&settings);
        assert!(g.key_ok(&headers(&[(
            "authorization",
            "Bearer a-long-random-key-0123456789"
        )])));
        assert!(!g.key_ok(&headers(&[("authorization", "Bearer wrong")])));
        assert!(!g.key_ok(&headers(&[])));
    }
}
