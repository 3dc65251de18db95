//! `tls.https-redirect`: HTTPS is offered, and plain HTTP redirects to it from the first hop. A site without HTTPS
//! is reported as such (`tls.no-https`), and then not also for the missing redirect.

use super::rules::*;
use crate::engine::context::CheckCtx;
use crate::engine::net::NetError;
use crate::engine::registry::{CheckFail, CheckResult};

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let Some(http) = ctx.http_origin() else {
        return Err(CheckFail::Skipped(format!(
            "HTTPS runs on port {}, so the site's plain-HTTP address is unknown; scan its http:// URL to check the redirect",
            ctx.target.port()
        )));
    };
    let fetched = if ctx.target.scheme() == "http" {
        ctx.start_page().await.map(|p| p.fetched.clone())
    } else {
        ctx.get(http.clone()).await
    };
    let fetched = match fetched {
        Err(NetError::Connect { .. }) if ctx.target.scheme() == "https" => {
            ctx.observe("redirection", "redirection-not-needed-no-http", 0);
            return Ok(());
        }
        other => other?,
    };
    let location = http.as_str().trim_end_matches('/').to_string();
    if fetched.resp.url.scheme() == "https" {
        let first = fetched
            .hops
            .first()
            .and_then(|h| h.url.join(&h.location).ok());
        let direct =
            first.is_some_and(|u| u.scheme() == "https" && u.host_str() == http.host_str());
        if direct {
            ctx.observe("redirection", "redirection-to-https", 0);
        } else {
            ctx.observe(
                "redirection",
                "redirection-not-to-https-on-initial-redirection",
                -10,
            );
            let chain: Vec<String> = fetched
                .hops
                .iter()
                .map(|h| format!("{} {} -> {}", h.status, h.url, h.location))
                .collect();
            ctx.report(
                ctx.finding(&HTTP_REDIRECT_INDIRECT, &location)
                    .evidence(chain.join("; ")),
            )
            .await;
        }
        return Ok(());
    }
    let result = if fetched.hops.is_empty() {
        "redirection-missing"
    } else {
        "redirection-not-to-https"
    };
    ctx.observe("redirection", result, -20);
    let evidence = format!(
        "GET {http} answered {} at {}",
        fetched.resp.status, fetched.resp.url
    );
    // A redirect to HTTPS only makes sense where HTTPS exists: a plain-HTTP target, whatever its port, whose host
    // has nothing on 443 gets "no HTTPS", never both findings.
    if ctx.target.scheme() == "http" && !offers_https(ctx).await? {
        ctx.report(
            ctx.finding(&NO_HTTPS, ctx.target.authority())
                .evidence(evidence),
        )
        .await;
        return Ok(());
    }
    ctx.report(ctx.finding(&HTTP_NO_REDIRECT, &location).evidence(evidence))
        .await;
    Ok(())
}

/// Whether port 443 of an HTTP target's host completes a TLS handshake (the target's own port serves plain HTTP).
async fn offers_https(ctx: &CheckCtx) -> Result<bool, CheckFail> {
    match ctx.tls_handshake(&ctx.target.host(), 443).await {
        Ok(_) => Ok(true),
        // A timeout says nothing either way (a filtered port, a slow network), so it is an error of the check.
        Err(NetError::Connect { reason, .. }) if reason.contains("timed out") => Err(
            CheckFail::Errored(format!("no answer from port 443: {reason}")),
        ),
        // Refused or not TLS: no HTTPS there.
        Err(NetError::Connect { .. } | NetError::Tls(_)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
