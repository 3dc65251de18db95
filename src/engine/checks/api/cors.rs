//! CORS that trusts any origin or `null` with credentials (with the Observatory's `cross-origin-resource-sharing`
//! test): two GETs of the start page claiming other origins.

use super::PROBE_BODY;
use crate::engine::context::CheckCtx;
use crate::engine::net::{HttpRequest, HttpResponse};
use crate::engine::registry::CheckResult;
use crate::model::Severity;
use http::header;

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

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let page = ctx.start_page().await?;
    let url = page.url().clone();
    let probe =
        |origin: &str| HttpRequest::get(url.clone(), PROBE_BODY).header(header::ORIGIN, origin);
    let (any_req, null_req) = (probe(PROBE_ORIGIN), probe("null"));
    let (arbitrary, null) = tokio::join!(ctx.request(&any_req), ctx.request(&null_req));
    let (acao, credentials) = cors_grant(&arbitrary?);
    let (result, modifier) = observatory(PROBE_ORIGIN, acao.as_deref(), credentials);
    ctx.observe("cross-origin-resource-sharing", result, modifier);
    let location = url.to_string();
    if acao.as_deref() == Some(PROBE_ORIGIN) {
        // A server that echoes any origin echoes `null` too: that adds nothing. Without credentials the echo
        // exposes no more than `Access-Control-Allow-Origin: *` would.
        if credentials {
            let shown = evidence(PROBE_ORIGIN, PROBE_ORIGIN, true);
            let draft = ctx.finding(&CORS_ANY_ORIGIN, &location).evidence(shown);
            ctx.report(draft).await;
        }
        return Ok(());
    }
    let (null_acao, null_credentials) = cors_grant(&null?);
    if null_acao.as_deref() != Some("null") {
        return Ok(());
    }
    let mut draft =
        ctx.finding(&CORS_NULL, &location)
            .evidence(evidence("null", "null", null_credentials));
    if !null_credentials {
        draft = draft
            .severity(Severity::Info)
            .title("CORS allows the null origin (without credentials)")
            .description(
                "Any website can claim `Origin: null` (from a sandboxed iframe), and this server allows it. \
                 Without credentials that only exposes what any site could already fetch, but `null` is never a \
                 trusted origin: allowing it is one credentials header away from a serious hole.",
            );
    }
    ctx.report(draft).await;
    Ok(())
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
