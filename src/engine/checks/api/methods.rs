//! Dangerous methods advertised: one OPTIONS of the start page, read for methods that write or manage files
//! (WebDAV), turn the server into a proxy (CONNECT), or replace and delete a static HTML page (PUT, DELETE). The
//! methods themselves are never sent.
//!
//! Only `Allow`, `Public` (IIS) and `DAV` count. `Access-Control-Allow-Methods` is a CORS preflight answer: APIs list
//! PUT and DELETE there as a matter of course, and what it lets other origins do is the `api.cors` check's business.
//! TRACE is left to `api.trace`, which proves it with an echo.

use super::PROBE_BODY;
use crate::engine::context::CheckCtx;
use crate::engine::net::{HttpRequest, HttpResponse};
use crate::engine::registry::CheckResult;
use crate::model::Confidence;
use http::Method;

const OWASP_METHODS: &str = "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/06-Test_HTTP_Methods";
const MDN_OPTIONS: &str =
    "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Methods/OPTIONS";

api_rule!(
    DANGEROUS_METHODS,
    "api.dangerous-methods",
    Low,
    Some(749),
    "The server advertises methods that write files or proxy requests",
    "Asked with OPTIONS, the server lists methods a public web page has no use for: WebDAV methods that create, move, lock or list files, CONNECT (a proxy tunnel), or PUT and DELETE on a plain HTML page. Palisade did not send them (it never writes). If the server accepts them without authentication, anyone can upload, overwrite or delete files, or relay traffic; often the list only reflects a default configuration, which is still worth removing.",
    "Turn off what is not used and check that OPTIONS no longer lists it. Apache: remove `Dav On` (or unload mod_dav) and limit methods with `<LimitExcept GET POST HEAD> Require all denied </LimitExcept>`. nginx: drop `dav_methods` and add `limit_except GET POST { deny all; }`. IIS: remove the WebDAV Publishing feature (or its handler and module) and deny the verbs in Request Filtering. Behind a framework, answer OPTIONS only with the methods a route really serves.",
    [OWASP_METHODS, MDN_OPTIONS]
);

/// WebDAV methods that write, move, lock or list resources.
const WEBDAV: &[&str] = &[
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "COPY",
    "MOVE",
    "LOCK",
    "UNLOCK",
];
/// Methods that replace or delete the resource: alarming on an HTML page, normal on an API route.
const WRITES: &[&str] = &["PUT", "DELETE"];

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let page = ctx.start_page().await?;
    let mut req = HttpRequest::get(page.url().clone(), PROBE_BODY);
    req.method = Method::OPTIONS;
    let resp = ctx.request(&req).await?;
    if resp.status >= 500 {
        return Ok(());
    }
    let Some(found) = dangerous(&resp, page.resp().is_html()) else {
        return Ok(());
    };
    let draft = ctx
        .finding(&DANGEROUS_METHODS, page.url().as_str())
        .title(format!(
            "The server advertises {} on the start page",
            found.methods.join(", ")
        ))
        .evidence(format!(
            "OPTIONS {} -> {}, {}",
            page.url(),
            resp.status,
            found.headers.join("; ")
        ))
        // Advertised is not accepted: the methods were not tried.
        .confidence(Confidence::Medium);
    ctx.report(draft).await;
    Ok(())
}

/// What an OPTIONS answer advertises that is worth a finding.
#[derive(Debug, PartialEq)]
struct Advertised {
    /// The dangerous methods, in the order the server listed them.
    methods: Vec<String>,
    /// The header lines that list them, as sent (`Allow: GET, PUT`).
    headers: Vec<String>,
}

/// The dangerous methods an OPTIONS answer lists in `Allow`, `Public` or `DAV`; PUT and DELETE only count on an
/// HTML page.
fn dangerous(resp: &HttpResponse, html_page: bool) -> Option<Advertised> {
    let mut found = Advertised {
        methods: Vec::new(),
        headers: Vec::new(),
    };
    for name in ["allow", "public"] {
        for value in resp.header_all(name) {
            let before = found.methods.len();
            for method in value.split(',').map(|m| m.trim().to_ascii_uppercase()) {
                let bad = WEBDAV.contains(&method.as_str())
                    || method == "CONNECT"
                    || (html_page && WRITES.contains(&method.as_str()));
                if bad && !found.methods.contains(&method) {
                    found.methods.push(method);
                }
            }
            if found.methods.len() > before {
                found
                    .headers
                    .push(format!("{}: {}", header_case(name), value.trim()));
            }
        }
    }
    // `DAV: 1, 2` says WebDAV answers here even when no Allow header lists its methods.
    if let Some(dav) = resp.header("dav").filter(|v| !v.trim().is_empty()) {
        found.headers.push(format!("DAV: {}", dav.trim()));
        if !found.methods.iter().any(|m| WEBDAV.contains(&m.as_str())) {
            found.methods.push("WebDAV".to_string());
        }
    }
    (!found.methods.is_empty()).then_some(found)
}

fn header_case(name: &str) -> &'static str {
    match name {
        "allow" => "Allow",
        _ => "Public",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(headers: &[(&'static str, &'static str)]) -> HttpResponse {
        let mut resp = HttpResponse::sample(200, "");
        for (k, v) in headers {
            resp.headers.append(*k, http::HeaderValue::from_static(v));
        }
        resp
    }

    #[test]
    fn webdav_connect_and_writes_on_html_pages() {
        let resp = options(&[("allow", "GET, HEAD, put, DELETE, PROPFIND, OPTIONS")]);
        let found = dangerous(&resp, true).unwrap();
        assert_eq!(found.methods, ["PUT", "DELETE", "PROPFIND"]);
        assert_eq!(
            found.headers,
            ["Allow: GET, HEAD, put, DELETE, PROPFIND, OPTIONS"]
        );
        let api = dangerous(&resp, false).unwrap();
        assert_eq!(
            api.methods,
            ["PROPFIND"],
            "PUT and DELETE are normal on an API"
        );
        let iis = options(&[("public", "OPTIONS, TRACE, GET, HEAD, POST, MKCOL, LOCK")]);
        assert_eq!(dangerous(&iis, true).unwrap().methods, ["MKCOL", "LOCK"]);
        let dav = options(&[("dav", "1,2"), ("allow", "GET, HEAD")]);
        let found = dangerous(&dav, true).unwrap();
        assert_eq!(
            (found.methods, found.headers),
            (vec!["WebDAV".to_string()], vec!["DAV: 1,2".to_string()])
        );
        let proxy = options(&[("allow", "GET, CONNECT")]);
        assert_eq!(dangerous(&proxy, false).unwrap().methods, ["CONNECT"]);
    }

    #[test]
    fn ordinary_answers_are_quiet() {
        for allow in [
            "GET, HEAD, OPTIONS",
            "GET, POST, PATCH, OPTIONS",
            "GET, HEAD, TRACE",
        ] {
            assert_eq!(
                dangerous(&options(&[("allow", allow)]), true),
                None,
                "{allow}"
            );
        }
        let preflight = options(&[
            ("access-control-allow-methods", "GET, PUT, DELETE, PROPFIND"),
            ("allow", "GET, HEAD"),
        ]);
        assert_eq!(dangerous(&preflight, true), None);
        assert_eq!(
            dangerous(&options(&[("allow", "GET, PUT, DELETE")]), false),
            None
        );
    }
}
