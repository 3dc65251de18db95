//! TRACE that echoes the request: one TRACE of the start page carrying a random marker header.

use super::PROBE_BODY;
use crate::engine::context::CheckCtx;
use crate::engine::net::HttpRequest;
use crate::engine::registry::CheckResult;
use http::{HeaderName, Method};

/// The header carrying the TRACE probe's marker.
pub const TRACE_MARKER_HEADER: &str = "x-palisade-trace";

const OWASP_XST: &str = "https://owasp.org/www-community/attacks/Cross_Site_Tracing";

api_rule!(
    TRACE_ENABLED,
    "api.trace-enabled",
    Low,
    Some(693),
    "HTTP TRACE is enabled",
    "The server answers TRACE by echoing the request, headers included. Browsers no longer let pages send TRACE, but the echo can still expose cookies or authentication headers that proxies add (cross-site tracing), and it shows the method was left on.",
    "Turn TRACE off: `TraceEnable off` (Apache), it is off by default in nginx; or reject the method at your load balancer or framework.",
    [OWASP_XST]
);

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let page = ctx.start_page().await?;
    let marker = crate::engine::site::random_path("palisade-trace-")
        .trim_start_matches('/')
        .to_string();
    let mut req = HttpRequest::get(page.url().clone(), PROBE_BODY)
        .header(HeaderName::from_static(TRACE_MARKER_HEADER), &marker);
    req.method = Method::TRACE;
    let resp = ctx.request(&req).await?;
    if (200..300).contains(&resp.status) && resp.text().contains(&marker) {
        let draft = ctx
            .finding(&TRACE_ENABLED, page.url().as_str())
            .evidence(format!(
                "TRACE {} answered {} ({}) and echoed the request header {TRACE_MARKER_HEADER}",
                page.url(),
                resp.status,
                resp.content_type()
            ));
        ctx.report(draft).await;
    }
    Ok(())
}
