//! security.txt (RFC 9116): a site should say where to report vulnerabilities, at /.well-known/security.txt.

use super::{is_catch_all, looks_like_html, url_location};
use crate::engine::context::CheckCtx;
use crate::engine::net::{HttpRequest, HttpResponse, NetError};
use crate::engine::registry::CheckResult;

rule!(
    MISSING,
    "disclosure.security-txt-missing",
    Disclosure,
    Info,
    None,
    "No security.txt file",
    "Without /.well-known/security.txt (RFC 9116) a researcher who finds a vulnerability has no published way to reach the people who can fix it, so reports get lost or go public first.",
    "Serve a plain-text file at /.well-known/security.txt with at least a Contact and an Expires field, e.g.\n```\nContact: mailto:security@example.com\nExpires: 2027-12-31T23:59:59Z\nPreferred-Languages: en\n```\nGenerate one at https://securitytxt.org/.",
    [
        "https://www.rfc-editor.org/rfc/rfc9116",
        "https://securitytxt.org/"
    ]
);

/// Where the file may be: the RFC's location, then the legacy one at the root.
const PATHS: &[&str] = &["/.well-known/security.txt", "/security.txt"];

/// True if `resp` is a security.txt: plain text (not an HTML page) with a `Contact:` field.
pub(super) fn valid(resp: &HttpResponse) -> bool {
    regex!(CONTACT, r"(?im)^[ \t]*Contact[ \t]*:[ \t]*\S");
    let text = resp.text();
    resp.status == 200 && !looks_like_html(&text) && CONTACT.is_match(&text)
}

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    ctx.start_page().await?;
    let origin = ctx.origin().await;
    let mut failure = None;
    for path in PATHS {
        let url = ctx.site_url(&origin, path);
        // Redirects are followed: RFC 9116 allows the file to be served from where the site points.
        match ctx.fetch(HttpRequest::get(url, 64 * 1024)).await {
            Ok(fetched) if valid(&fetched.resp) => {
                let nf = ctx.not_found().await?;
                if !is_catch_all(&nf, &fetched.resp, path) {
                    return Ok(());
                }
            }
            Ok(_) => {}
            Err(e @ (NetError::Cancelled | NetError::ErrorBudget(_))) => return Err(e.into()),
            Err(e) => failure = Some(e),
        }
    }
    if let Some(e) = failure {
        return Err(e.into());
    }
    let location = url_location(&ctx.site_url(&origin, PATHS[0]));
    ctx.report(ctx.finding(&MISSING, location).evidence(
        "GET /.well-known/security.txt and /security.txt returned no text file with a Contact: field",
    ))
    .await;
    Ok(())
}
