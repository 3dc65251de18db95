//! Open redirects: GETs that set redirect-like parameters to a marker URL on a `.invalid` host (reserved, it never
//! resolves) and read where the answer sends the browser, without following it. Candidates are the crawled links
//! and forms whose parameters look like redirect targets, then the start page and a few redirect-style paths with
//! every common parameter at once, and in the deep profile more such paths where they exist (see
//! `redirect_candidates`); a hit is narrowed down to the parameter responsible.

use super::PROBE_BODY;
use super::redirect_candidates::{Candidate, candidates};
use crate::engine::checks::disclosure::{Failures, url_location};
use crate::engine::context::CheckCtx;
use crate::engine::html;
use crate::engine::net::{HttpRequest, HttpResponse, NetError};
use crate::engine::registry::{CheckFail, CheckResult};
use crate::engine::site::random_path;
use crate::model::Confidence;
use url::Url;

/// The start of every marker host: `palisade-redirect-<random>.invalid`.
pub const MARKER_PREFIX: &str = "palisade-redirect-";

const OWASP_REDIRECTS: &str = "https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html";
const PORTSWIGGER_REDIRECT: &str =
    "https://portswigger.net/kb/issues/00500100_open-redirection-reflected";

api_rule!(
    OPEN_REDIRECT,
    "api.open-redirect",
    Medium,
    Some(601),
    "Open redirect",
    "A link to this site can send the visitor on to any other website: the page takes the destination from a URL parameter without checking it. Phishing links borrow the site's good name this way (the link shows the real domain), and where the parameter is a login or OAuth return address, the redirect can carry tokens or codes to an attacker's site.",
    "Only redirect to destinations you chose: accept a relative path (starting with a single `/`, not `//` or `/\\`) or look the target up in a list of allowed hosts, and fall back to the home page otherwise. Do not build the Location header from a raw parameter. Frameworks help: Django `url_has_allowed_host_and_scheme`, ASP.NET `Url.IsLocalUrl` / `LocalRedirect`, Rails `redirect_to` with `allow_other_host: false`, Spring Security's `DefaultRedirectStrategy` with relative targets.",
    [OWASP_REDIRECTS, PORTSWIGGER_REDIRECT]
);

/// How the answer sends the browser to the marker.
#[derive(Debug, Clone, PartialEq)]
enum Sent {
    /// A 3xx whose Location (or a Refresh header) points at the marker host.
    Header(String),
    /// A page whose `<meta http-equiv=refresh>` points at the marker.
    Meta(String),
    /// A page whose script assigns the marker to `location`.
    Script,
}

/// Where `resp` sends the browser, if it is to the marker host.
fn sent_to(resp: &HttpResponse, marker: &Url) -> Option<Sent> {
    let host = marker.host_str()?;
    let lands = |target: &str| {
        resp.url
            .join(target.trim())
            .is_ok_and(|u| u.host_str() == Some(host))
    };
    if let Some(location) = resp.location().filter(|l| lands(l)) {
        return Some(Sent::Header(format!("Location: {}", location.trim())));
    }
    if let Some(refresh) = resp.header("refresh").filter(|r| lands(refresh_target(r))) {
        return Some(Sent::Header(format!("Refresh: {}", refresh.trim())));
    }
    if resp.status != 200 || !resp.is_html() {
        return None;
    }
    let text = resp.text();
    if !text.contains(host) {
        return None;
    }
    let doc = html::parse(&text, &resp.url);
    if let Some(refresh) = doc
        .http_equiv("refresh")
        .filter(|r| lands(refresh_target(r)))
    {
        return Some(Sent::Meta(refresh.to_string()));
    }
    script_sends(&text, marker.as_str()).then_some(Sent::Script)
}

/// The URL of a Refresh value (`0; url=https://a.test/`, `5;URL='/x'`).
fn refresh_target(content: &str) -> &str {
    let rest = content
        .split_once(';')
        .map_or(content, |(_, rest)| rest)
        .trim();
    let rest = match rest.get(..4) {
        Some(key) if key.eq_ignore_ascii_case("url=") => &rest[4..],
        _ => rest,
    };
    rest.trim().trim_matches(['\'', '"'])
}

/// True if a script assigns `marker` (as written, or with JSON-escaped slashes) to `location`.
fn script_sends(text: &str, marker: &str) -> bool {
    let escaped = marker.replace('/', "\\/");
    [marker, escaped.as_str()].iter().any(|m| {
        text.match_indices(m).any(|(at, _)| {
            let from = text[..at]
                .char_indices()
                .rev()
                .nth(47)
                .map_or(0, |(i, _)| i);
            let before = text[from..at].trim_end_matches(['"', '\'', '`', ' ']);
            before.contains("location")
                && (before.ends_with('=')
                    || before.ends_with("replace(")
                    || before.ends_with("assign("))
        })
    })
}

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let start = ctx.start_page().await?;
    let origin = ctx.origin().await;
    let crawl = ctx.crawl().await?;
    let host = random_path(MARKER_PREFIX);
    let marker = Url::parse(&format!(
        "https://{}.invalid/",
        host.trim_start_matches('/')
    ))
    .map_err(|e| CheckFail::Errored(format!("marker URL: {e}")))?;
    let mut failures = Failures::new("redirect probes");
    let candidates = candidates(ctx, start.url(), &origin, &crawl, &mut failures).await?;
    let probes =
        futures::future::join_all(candidates.iter().map(|c| probe(ctx, c, &c.params, &marker)))
            .await;
    // Crawled candidates come first: a path they already showed is not narrowed down again, and the parameters
    // they showed are tried first on the others (a site-wide redirect parameter costs one request per path).
    let mut reported: Vec<String> = Vec::new();
    let mut learned: Vec<String> = Vec::new();
    let mut hits: Vec<(&Candidate, Hit)> = Vec::new();
    for (candidate, result) in candidates.iter().zip(probes) {
        let Some(Some(hit)) = failures.count(result)? else {
            continue;
        };
        let path = url_location(&candidate.url);
        if reported.contains(&path) {
            continue;
        }
        let hit = narrow(ctx, candidate, hit, &learned, &marker, &mut failures).await?;
        if let [param] = hit.params.as_slice()
            && !learned.contains(param)
        {
            learned.push(param.clone());
        }
        reported.push(path);
        hits.push((candidate, hit));
    }
    // One finding per parameter: a site-wide `?next=` handler is one flaw, however many paths show it.
    while let Some(params) = hits.first().map(|(_, h)| h.params.clone()) {
        let (same, rest): (Vec<_>, Vec<_>) =
            hits.into_iter().partition(|(_, h)| h.params == params);
        let others: Vec<&str> = same[1..].iter().map(|(c, _)| c.url.path()).collect();
        report(ctx, same[0].0, &same[0].1, &others).await;
        hits = rest;
    }
    failures.result()
}

/// One probe that sent the browser to the marker.
struct Hit {
    params: Vec<String>,
    url: Url,
    status: u16,
    sent: Sent,
}

async fn probe(
    ctx: &CheckCtx,
    c: &Candidate,
    params: &[String],
    marker: &Url,
) -> Result<Option<Hit>, NetError> {
    let url = c.with(params, marker.as_str());
    let resp = ctx
        .request(&HttpRequest::get(url.clone(), PROBE_BODY))
        .await?;
    Ok(sent_to(&resp, marker).map(|sent| Hit {
        params: params.to_vec(),
        url,
        status: resp.status,
        sent,
    }))
}

/// Narrows a hit down to the parameter responsible: first each of the `learned` parameters that the hit set
/// (those other paths redirected through), then by halves until one is left or neither half redirects alone (then
/// the hit stands as it is). A few more requests, only for a site that has the flaw.
async fn narrow(
    ctx: &CheckCtx,
    c: &Candidate,
    mut hit: Hit,
    learned: &[String],
    marker: &Url,
    failures: &mut Failures,
) -> Result<Hit, CheckFail> {
    if hit.params.len() > 1 {
        for param in learned.iter().filter(|p| hit.params.contains(p)) {
            let single = std::slice::from_ref(param);
            if let Some(Some(h)) = failures.count(probe(ctx, c, single, marker).await)? {
                return Ok(h);
            }
        }
    }
    while hit.params.len() > 1 {
        let (a, b) = hit.params.split_at(hit.params.len() / 2);
        let (a, b) = (a.to_vec(), b.to_vec());
        let mut narrower = None;
        for half in [a, b] {
            if let Some(Some(h)) = failures.count(probe(ctx, c, &half, marker).await)? {
                narrower = Some(h);
                break;
            }
        }
        match narrower {
            Some(h) => hit = h,
            None => break,
        }
    }
    Ok(hit)
}

/// Reports the hit on `c`, naming the `others` paths where the same parameter redirects too.
async fn report(ctx: &CheckCtx, c: &Candidate, hit: &Hit, others: &[&str]) {
    let (what, confidence) = match &hit.sent {
        Sent::Header(line) => (line.clone(), Confidence::Confirmed),
        Sent::Meta(content) => (
            format!("<meta http-equiv=refresh content=\"{content}\">"),
            Confidence::Medium,
        ),
        Sent::Script => (
            "a script assigns the marker URL to location".to_string(),
            Confidence::Low,
        ),
    };
    let mut evidence = format!("GET {} -> {}, {what}", hit.url, hit.status);
    if !others.is_empty() {
        evidence.push_str(&format!(
            "; the same parameter redirects at {} too",
            others.join(", ")
        ));
    }
    let draft = ctx
        .finding(&OPEN_REDIRECT, c.location(&hit.params))
        .title(format!(
            "Open redirect through the {} parameter of {}",
            hit.params.join(", "),
            c.url.path()
        ))
        .evidence(evidence)
        .confidence(confidence);
    ctx.report(draft).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKER: &str = "https://palisade-redirect-abc.invalid/";

    fn answer(status: u16, headers: &[(&'static str, &str)], body: &str) -> HttpResponse {
        let mut resp = HttpResponse::sample(status, body.to_string());
        for (k, v) in headers {
            resp.headers
                .insert(*k, http::HeaderValue::from_str(v).unwrap());
        }
        resp
    }

    fn sent(resp: &HttpResponse) -> Option<Sent> {
        sent_to(resp, &Url::parse(MARKER).unwrap())
    }

    #[test]
    fn redirects_to_the_marker_host_in_any_spelling() {
        for location in [
            MARKER,
            "//palisade-redirect-abc.invalid/x",
            "/\\palisade-redirect-abc.invalid/",
        ] {
            let resp = answer(302, &[("location", location)], "");
            assert_eq!(
                sent(&resp),
                Some(Sent::Header(format!("Location: {location}")))
            );
        }
        let refresh = answer(
            200,
            &[("refresh", "0; url=https://palisade-redirect-abc.invalid/")],
            "",
        );
        assert!(matches!(sent(&refresh), Some(Sent::Header(_))));
        let meta = format!(
            r#"<html><head><meta http-equiv="refresh" content="0;URL='{MARKER}'"></head></html>"#
        );
        let meta = answer(200, &[("content-type", "text/html")], &meta);
        assert!(matches!(sent(&meta), Some(Sent::Meta(_))));
        let script = r#"<html><script>window.location.href = "https:\/\/palisade-redirect-abc.invalid\/";</script></html>"#;
        let script = answer(200, &[("content-type", "text/html")], script);
        assert_eq!(sent(&script), Some(Sent::Script));
    }

    #[test]
    fn same_site_redirects_and_reflections_are_not_open_redirects() {
        let login = "https://s.test/login?next=https%3A%2F%2Fpalisade-redirect-abc.invalid%2F";
        for location in [
            login,
            "/",
            "https://palisade-redirect-abc.invalid.s.test/",
            "/https://palisade-redirect-abc.invalid/",
        ] {
            assert_eq!(
                sent(&answer(302, &[("location", location)], "")),
                None,
                "{location}"
            );
        }
        let link = format!(
            r#"<html><a href="{MARKER}">continue</a><p>You will go to {MARKER}</p></html>"#
        );
        assert_eq!(
            sent(&answer(200, &[("content-type", "text/html")], &link)),
            None
        );
    }
}
