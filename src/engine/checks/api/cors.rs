//! CORS that trusts any origin or `null` with credentials (with the Observatory's `cross-origin-resource-sharing`
//! test): two GETs of the start page claiming other origins. The deep profile asks the common [`API_ROOTS`] too
//! (CORS is often set on the API alone), those that answer and are not the site's not-found page.

use super::PROBE_BODY;
use crate::engine::checks::disclosure::{Failures, is_catch_all};
use crate::engine::context::CheckCtx;
use crate::engine::net::{HttpRequest, HttpResponse, NetError};
use crate::engine::registry::CheckResult;
use crate::model::{Profile, Severity};
use http::header;
use url::Url;

/// The arbitrary origin the CORS probe claims: `.invalid` is reserved and never resolves.
pub const PROBE_ORIGIN: &str = "https://palisade-cors-probe.invalid";

const MDN_CORS: &str = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS";
const MDN_ACAO: &str = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Access-Control-Allow-Origin";
const PORTSWIGGER_CORS: &str = "https://portswigger.net/web-security/cors";

api_rule!(
    CORS_ANY_ORIGIN,
    "api.cors-reflects-origin",
    High,
    Some(942),
    "CORS lets any website read responses with the visitor's cookies",
    "The server copies whatever Origin a request claims into Access-Control-Allow-Origin and allows credentials, so any website a signed-in visitor opens can read this site's responses as that visitor: their data, and tokens that let it act for them.",
    "Check the Origin against a fixed list of trusted origins before echoing it, and only send `Access-Control-Allow-Credentials: true` for those. For public data, send `Access-Control-Allow-Origin: *` without credentials.",
    [MDN_CORS, PORTSWIGGER_CORS]
);
api_rule!(
    CORS_NULL,
    "api.cors-allows-null",
    High,
    Some(942),
    "CORS trusts the null origin with the visitor's cookies",
    "Any website can send requests with `Origin: null` (from a sandboxed iframe or a data: URL). Because the server allows that origin with credentials, any site a signed-in visitor opens can read this site's responses as that visitor.",
    "Remove `null` from the list of allowed origins (it is never a real trusted site), and only allow credentials for named https origins.",
    [MDN_ACAO, PORTSWIGGER_CORS]
);

/// What a CORS response allows: `(Access-Control-Allow-Origin, credentials allowed)`.
fn cors_grant(resp: &HttpResponse) -> (Option<String>, bool) {
    let acao = resp
        .header_all("access-control-allow-origin")
        .first()
        .map(|v| v.trim().to_string());
    let acac = resp
        .header("access-control-allow-credentials")
        .is_some_and(|v| v.trim() == "true");
    (acao, acac)
}

/// The Observatory's result for the response to a request from an arbitrary origin.
fn observatory(origin: &str, acao: Option<&str>, credentials: bool) -> (&'static str, i32) {
    match acao {
        None => ("cross-origin-resource-sharing-not-implemented", 0),
        Some("*") => (
            "cross-origin-resource-sharing-implemented-with-public-access",
            0,
        ),
        Some(a) if a == origin && credentials => (
            "cross-origin-resource-sharing-implemented-with-universal-access",
            -50,
        ),
        Some(_) => (
            "cross-origin-resource-sharing-implemented-with-restricted-access",
            0,
        ),
    }
}

fn evidence(origin: &str, acao: &str, credentials: bool) -> String {
    let acac = if credentials {
        "; Access-Control-Allow-Credentials: true"
    } else {
        ""
    };
    format!("request Origin: {origin} -> Access-Control-Allow-Origin: {acao}{acac}")
}

/// API roots no page may link to, asked in the deep profile (`/graphql` has a check of its own).
pub(crate) const API_ROOTS: &[&str] = &["/api/", "/api/v1/", "/api/v2/", "/v1/", "/rest/"];

/// What the CORS answers of one URL show.
#[derive(Debug, Clone, PartialEq)]
enum Verdict {
    /// Any origin is echoed, with credentials.
    AnyOrigin,
    /// `null` is allowed.
    Null { credentials: bool },
}

/// The answers to the two probes of one URL.
struct Asked {
    acao: Option<String>,
    credentials: bool,
    verdict: Option<Verdict>,
}

/// GETs `url` claiming an arbitrary origin and the null origin.
async fn ask(ctx: &CheckCtx, url: &Url) -> Result<Asked, NetError> {
    let probe =
        |origin: &str| HttpRequest::get(url.clone(), PROBE_BODY).header(header::ORIGIN, origin);
    let (any_req, null_req) = (probe(PROBE_ORIGIN), probe("null"));
    let (arbitrary, null) = tokio::join!(ctx.request(&any_req), ctx.request(&null_req));
    let (acao, credentials) = cors_grant(&arbitrary?);
    // A server that echoes any origin echoes `null` too: that adds nothing. Without credentials the echo exposes no
    // more than `Access-Control-Allow-Origin: *` would.
    let verdict = if acao.as_deref() == Some(PROBE_ORIGIN) {
        credentials.then_some(Verdict::AnyOrigin)
    } else {
        let (null_acao, credentials) = cors_grant(&null?);
        (null_acao.as_deref() == Some("null")).then_some(Verdict::Null { credentials })
    };
    Ok(Asked {
        acao,
        credentials,
        verdict,
    })
}

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let page = ctx.start_page().await?;
    let url = page.url().clone();
    let asked = ask(ctx, &url).await?;
    let (result, modifier) = observatory(PROBE_ORIGIN, asked.acao.as_deref(), asked.credentials);
    ctx.observe("cross-origin-resource-sharing", result, modifier);
    if let Some(verdict) = &asked.verdict {
        report(ctx, &url, verdict, &[]).await;
    }
    if ctx.profile() < Profile::Deep {
        return Ok(());
    }
    api_roots(ctx, asked.verdict).await
}

/// The [`API_ROOTS`] that answer as an API would (not the site's not-found page), each asked like the start page.
/// A verdict the start page showed already is the site's policy, reported once; others are reported at the first
/// root that shows them.
async fn api_roots(ctx: &CheckCtx, start: Option<Verdict>) -> CheckResult {
    let nf = ctx.not_found().await?;
    let origin = ctx.origin().await;
    let urls: Vec<(&str, Url)> = API_ROOTS
        .iter()
        .map(|path| (*path, ctx.site_url(&origin, path)))
        .collect();
    // Through the probe cache: a root other checks read is not fetched twice.
    let answers =
        futures::future::join_all(urls.iter().map(|(_, u)| ctx.probe(u, PROBE_BODY))).await;
    let mut failures = Failures::new("API root requests");
    let mut live: Vec<Url> = Vec::new();
    for ((path, url), answer) in urls.iter().zip(answers) {
        let Some(resp) = failures.count(answer)? else {
            continue;
        };
        let answers = (200..300).contains(&resp.status) || matches!(resp.status, 401 | 403);
        if answers && !is_catch_all(&nf, &resp, path) {
            live.push(url.clone());
        }
    }
    let asked = futures::future::join_all(live.iter().map(|u| ask(ctx, u))).await;
    let mut shown: Vec<(Verdict, Vec<&Url>)> = Vec::new();
    for (url, asked) in live.iter().zip(asked) {
        let Some(verdict) = failures.count(asked)?.and_then(|a| a.verdict) else {
            continue;
        };
        if start.as_ref() == Some(&verdict) {
            continue;
        }
        match shown.iter_mut().find(|(v, _)| *v == verdict) {
            Some((_, urls)) => urls.push(url),
            None => shown.push((verdict, vec![url])),
        }
    }
    for (verdict, urls) in &shown {
        let others: Vec<&str> = urls[1..].iter().map(|u| u.path()).collect();
        report(ctx, urls[0], verdict, &others).await;
    }
    failures.result()
}

/// Reports `verdict` at `url`, naming the `others` paths that show it too.
async fn report(ctx: &CheckCtx, url: &Url, verdict: &Verdict, others: &[&str]) {
    let location = url.to_string();
    let (mut draft, mut shown) = match verdict {
        Verdict::AnyOrigin => (
            ctx.finding(&CORS_ANY_ORIGIN, &location),
            evidence(PROBE_ORIGIN, PROBE_ORIGIN, true),
        ),
        Verdict::Null { credentials } => (
            ctx.finding(&CORS_NULL, &location),
            evidence("null", "null", *credentials),
        ),
    };
    if let Verdict::Null { credentials: false } = verdict {
        draft = draft
            .severity(Severity::Info)
            .title("CORS allows the null origin (without credentials)")
            .description(
                "Any website can claim `Origin: null` (from a sandboxed iframe), and this server allows it. \
                 Without credentials that only exposes what any site could already fetch, but `null` is never a \
                 trusted origin: allowing it is one credentials header away from a serious hole.",
            );
    }
    if !others.is_empty() {
        shown.push_str(&format!("; the same at {}", others.join(", ")));
    }
    ctx.report(draft.evidence(shown)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observatory_cors_results() {
        let o = PROBE_ORIGIN;
        assert_eq!(observatory(o, None, true).1, 0);
        assert_eq!(
            observatory(o, Some("*"), false).0,
            "cross-origin-resource-sharing-implemented-with-public-access"
        );
        assert_eq!(observatory(o, Some(o), true).1, -50);
        assert_eq!(
            observatory(o, Some(o), false).0,
            "cross-origin-resource-sharing-implemented-with-restricted-access"
        );
        assert_eq!(observatory(o, Some("https://app.test"), true).1, 0);
    }
}
