//! `secrets` checks: credentials in the site's pages, scripts, source maps, configuration endpoints and exposed .env files.
//!
//! One check, `secrets.credentials`, reads what the scan already fetched (the start page in the quick profile;
//! the crawled pages and same-origin scripts in standard and deep) and, from the standard profile on, the source
//! maps of those scripts and a few configuration and `.env` paths. Each text goes through [`detect`]: keyword
//! pre-filters, precise formats ([`catalog`]), noise filters ([`noise`]); each credential becomes a finding with
//! redacted evidence, a location that does not move between scans, and a root cause shared by its copies.

/// Declares a lazily compiled regular expression, its `\b`, `\w` and `\d` made ASCII.
macro_rules! regex {
    ($name:ident, $re:expr) => {
        static $name: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            crate::engine::pattern::compile(&crate::engine::checks::secrets::detect::ascii($re))
        });
    };
}

pub mod catalog;
pub mod detect;
mod generic;
mod google;
mod jwt;
mod keys;
pub mod noise;
mod pairs;
pub mod report;
mod sources;
mod urls;

use crate::engine::checks::disclosure::failures::Failures;
use crate::engine::checks::disclosure::source_maps::map_url;
use crate::engine::context::CheckCtx;
use crate::engine::registry::{Check, CheckResult, Rule};
use crate::engine::site::Page;
use crate::model::{Module, Profile};
use detect::Source;
use report::{Found, Origin};
use std::collections::HashSet;
use std::sync::Arc;
use url::Url;

pub use report::{Found as Detection, scan};

/// The checks of this module.
pub static CHECKS: &[Check] = &[Check {
    id: "secrets.credentials",
    module: Module::Secrets,
    profile: Profile::Quick,
    summary: "over 80 credential formats in the start page (quick); crawled pages, scripts, source maps, configuration endpoints and .env files (standard)",
    rules: &catalog::RULES,
    run: |ctx| Box::pin(run(ctx)),
}];

/// The rules of AI model provider keys (OpenAI, Anthropic, Hugging Face, Groq...): the `ai-surface` module's
/// "LLM provider keys in client code" are these findings.
pub fn ai_provider_rules() -> impl Iterator<Item = &'static Rule> {
    catalog::all().iter().filter(|f| f.ai).map(|f| f.rule)
}

/// Source maps read, at most (the `disclosure` check reads the same ones).
const MAX_MAPS: usize = 10;

/// Scans a text off the async runtime (a large bundle takes milliseconds of CPU).
async fn scan_owned(text: String, source: Source) -> Vec<Found> {
    tokio::task::spawn_blocking(move || scan(&text, source))
        .await
        .unwrap_or_default()
}

async fn scan_page(ctx: &CheckCtx, page: &Arc<Page>, source: Source, seen: &mut HashSet<String>) {
    let found = scan_owned(page.resp().text().into_owned(), source).await;
    let origin = Origin {
        url: page.url(),
        source,
        file: None,
    };
    report::report(ctx, found, &origin, seen).await;
}

async fn run(ctx: &CheckCtx) -> CheckResult {
    let mut seen = HashSet::new();
    if ctx.profile() == Profile::Quick {
        let page = ctx.start_page().await?;
        scan_page(ctx, &page, Source::Page, &mut seen).await;
        return Ok(());
    }
    let crawl = ctx.crawl().await?;
    for page in &crawl.pages {
        scan_page(ctx, page, Source::Page, &mut seen).await;
    }
    for script in &crawl.scripts {
        scan_page(ctx, script, Source::Script, &mut seen).await;
    }
    let mut failures = Failures::new("source map and configuration requests");
    let mut maps: Vec<Url> = Vec::new();
    for url in crawl.scripts.iter().filter_map(|s| map_url(s)) {
        if !maps.contains(&url) && maps.len() < MAX_MAPS {
            maps.push(url);
        }
    }
    for (url, result) in maps.iter().zip(sources::fetch_maps(ctx, &maps).await) {
        if let Some(map) = failures.count(result)? {
            scan_map(ctx, url, &map, &mut seen).await;
        }
    }
    let nf = ctx.not_found().await?;
    let origin = ctx.origin().await;
    let profile = ctx.profile();
    let planned = sources::planned(profile);
    let results =
        futures::future::join_all(planned.iter().map(|p| sources::probe(ctx, &nf, &origin, p)))
            .await;
    for (probe, result) in planned.iter().zip(results) {
        if let Some((url, text)) = failures.count(result)?.flatten() {
            let found = scan_owned(text, probe.source).await;
            let at = Origin {
                url: &url,
                source: probe.source,
                file: None,
            };
            report::report(ctx, found, &at, &mut seen).await;
        }
    }
    failures.result()
}

async fn scan_map(ctx: &CheckCtx, url: &Url, map: &Page, seen: &mut HashSet<String>) {
    let Some(content) = sources::map_files(map.resp()) else {
        return;
    };
    let files = match content {
        sources::MapText::Files(files) => files.into_iter().map(|(n, c)| (Some(n), c)).collect(),
        sources::MapText::Raw(text) => vec![(None, text)],
    };
    for (file, text) in files {
        let found = scan_owned(text, Source::SourceMap).await;
        let origin = Origin {
            url,
            source: Source::SourceMap,
            file: file.as_deref(),
        };
        report::report(ctx, found, &origin, seen).await;
    }
}
