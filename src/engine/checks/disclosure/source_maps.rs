//! Source maps of the site's own scripts: found from `sourceMappingURL` comments and `SourceMap` headers of the
//! crawled scripts, else at `<script>.map`; reported when the map is really served (verified as a v3 map).

use super::{Failures, is_catch_all, looks_like_html, url_location};
use crate::engine::context::CheckCtx;
use crate::engine::net::{HttpResponse, NetError};
use crate::engine::registry::CheckResult;
use crate::engine::site::{Crawl, Page, same_origin};
use crate::model::Severity;
use serde_json::Value;
use std::collections::HashSet;
use url::Url;

rule!(
    EXPOSED,
    "disclosure.source-map-exposed",
    Disclosure,
    Low,
    Some(540),
    "JavaScript source map is public",
    "The source map turns the minified script back into the original files: their names and directory layout, and with `sourcesContent` the full original source with its comments, internal endpoints and feature flags.",
    "Do not deploy .map files to production, or upload them only to your error tracker: webpack `devtool: 'hidden-source-map'` (or `false`), Vite `build.sourcemap: false` or `'hidden'`, Next.js `productionBrowserSourceMaps: false`. Deny `*.map` at the server if they must stay on disk.",
    ["https://developer.mozilla.org/en-US/docs/Glossary/Source_map"]
);

/// Scripts whose maps are requested, at most (one request each).
const MAX_SCRIPTS: usize = 10;

/// Where the map of `script` is: its `SourceMap`/`X-SourceMap` header, its last `sourceMappingURL` comment, else
/// `<script>.map`. `None` for inline (`data:`) maps and maps on other origins.
pub(crate) fn map_url(script: &Page) -> Option<Url> {
    regex!(
        COMMENT,
        r"(?m)^[ \t]*//[#@][ \t]*sourceMappingURL=([^\s'\x22]+)[ \t]*$"
    );
    let resp = script.resp();
    let declared = resp
        .header("sourcemap")
        .or_else(|| resp.header("x-sourcemap"))
        .or_else(|| {
            let text = resp.text();
            COMMENT
                .captures_iter(&text)
                .last()
                .map(|c| c[1].to_string())
        });
    let url = match declared {
        Some(d) if d.trim().starts_with("data:") => return None,
        Some(d) => script.url().join(d.trim()).ok()?,
        None => {
            let path = script.url().path();
            if ![".js", ".mjs", ".cjs"].iter().any(|e| path.ends_with(e)) {
                return None;
            }
            let mut u = script.url().clone();
            u.set_query(None);
            u.set_fragment(None);
            let path = format!("{}.map", u.path());
            u.set_path(&path);
            u
        }
    };
    let same = url.scheme() == script.url().scheme()
        && url.host_str() == script.url().host_str()
        && url.port_or_known_default() == script.url().port_or_known_default();
    same.then_some(url)
}

/// A source map v3: what it reveals, and whether it carries the original source.
pub(super) fn verify(resp: &HttpResponse) -> Option<(String, bool)> {
    let text = resp.text();
    let body = text.trim_start().trim_start_matches(")]}'").trim_start();
    if !body.starts_with('{') || looks_like_html(body) {
        return None;
    }
    match serde_json::from_str::<Value>(body) {
        Ok(doc) => {
            (doc.get("version")?.as_u64()? == 3).then_some(())?;
            if doc.get("mappings").is_none() && doc.get("sections").is_none() {
                return None;
            }
            let sources: Vec<&str> = doc
                .get("sources")
                .and_then(Value::as_array)
                .map(|s| s.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let content = doc
                .get("sourcesContent")
                .and_then(Value::as_array)
                .is_some_and(|c| c.iter().any(|s| s.as_str().is_some_and(|s| !s.is_empty())));
            let shown: Vec<&str> = sources.iter().copied().take(5).collect();
            Some((
                format!("{} sources: {}", sources.len(), shown.join(", ")),
                content,
            ))
        }
        Err(_) if resp.truncated => {
            regex!(VERSION, r#""version"\s*:\s*3"#);
            regex!(CONTENT, r#""sourcesContent"\s*:\s*\[\s*""#);
            (VERSION.is_match(body) && body.contains("\"mappings\""))
                .then(|| ("a large source map".to_string(), CONTENT.is_match(body)))
        }
        Err(_) => None,
    }
}

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let crawl = ctx.crawl().await?;
    let nf = ctx.not_found().await?;
    let mut maps: Vec<Url> = Vec::new();
    let mut pace = crate::engine::pace::Pace::new();
    for script in &crawl.scripts {
        pace.tick().await;
        if let Some(url) = map_url(script)
            && !maps.contains(&url)
            && maps.len() < MAX_SCRIPTS
        {
            maps.push(url);
        }
    }
    let mut failures = Failures::new("script and source map requests");
    // A script the crawl could not fetch is one whose map was never looked for.
    for failed in failed_scripts(ctx, &crawl).await {
        failures.count::<()>(Err(failed))?;
    }
    // Through the page cache: the `secrets` check reads the same maps for the sources embedded in them.
    let results = futures::future::join_all(maps.iter().map(|url| async {
        let page = ctx.page(url).await?;
        let resp = page.resp();
        let found = (resp.status == 200 && !is_catch_all(&nf, resp, url.path()))
            .then(|| verify(resp))
            .flatten();
        Ok::<_, NetError>(found)
    }))
    .await;
    for (url, result) in maps.iter().zip(results) {
        if let Some((what, content)) = failures.count(result)?.flatten() {
            report(ctx, url, &what, content).await;
        }
    }
    failures.result()
}

/// The errors of the same-origin scripts the crawl's pages load that it tried and failed to fetch (those past the
/// crawl's bound were never tried and do not count).
async fn failed_scripts(ctx: &CheckCtx, crawl: &Crawl) -> Vec<NetError> {
    let origin = ctx.origin().await;
    let mut seen: HashSet<&str> = HashSet::new();
    let mut failed = Vec::new();
    let docs = crawl.pages.iter().filter_map(|p| p.html.as_ref());
    for src in docs.flat_map(|d| d.scripts.iter().filter_map(|s| s.src.as_ref())) {
        if !same_origin(src, &origin) || !seen.insert(src.as_str()) {
            continue;
        }
        if let Some(Err(e)) = ctx.cached_page(src) {
            failed.push(e);
        }
    }
    failed
}

async fn report(ctx: &CheckCtx, url: &Url, what: &str, content: bool) {
    let (severity, extra) = if content {
        (
            Severity::Medium,
            "; includes the original source (sourcesContent)",
        )
    } else {
        (Severity::Low, "")
    };
    let draft = ctx
        .finding(&EXPOSED, url_location(url))
        .title(format!("Source map exposed at {}", url.path()))
        .evidence(format!("GET {} -> {what}{extra}", url.path()))
        .severity(severity);
    ctx.report(draft).await;
}
