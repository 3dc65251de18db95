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
use crate::engine::registry::{Check, CheckFail, CheckResult, Rule};
use crate::engine::site::Page;
use crate::model::{Module, Profile};
use detect::Source;
use report::Origin;
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

/// Runs `work` off the async runtime (a large bundle takes milliseconds of CPU); a panic in it fails the check
/// rather than passing for "nothing found".
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CheckFail> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| CheckFail::Errored(format!("the secret scan stopped: {e}")))
}

async fn scan_page(
    ctx: &CheckCtx,
    page: &Arc<Page>,
    source: Source,
    seen: &mut Seen,
) -> CheckResult {
    let text = page.resp().text().into_owned();
    let found = blocking(move || scan(&text, source)).await?;
    let origin = Origin {
        url: page.url(),
        source,
        file: None,
    };
    report::report(ctx, found, &origin, seen).await;
    Ok(())
}

/// Locations already reported by this run of the check.
type Seen = HashSet<String>;

async fn run(ctx: &CheckCtx) -> CheckResult {
    let mut seen = Seen::new();
    if ctx.profile() == Profile::Quick {
        let page = ctx.start_page().await?;
        return scan_page(ctx, &page, Source::Page, &mut seen).await;
    }
    let crawl = ctx.crawl().await?;
    for page in &crawl.pages {
        scan_page(ctx, page, Source::Page, &mut seen).await?;
    }
    for script in &crawl.scripts {
        scan_page(ctx, script, Source::Script, &mut seen).await?;
    }
    let mut failures = Failures::new("source map and configuration requests");
    scan_maps(ctx, &crawl.scripts, &mut failures, &mut seen).await?;
    scan_probes(ctx, &mut failures, &mut seen).await?;
    failures.result()
}

/// The source maps of the crawled scripts, each original file embedded in them.
async fn scan_maps(
    ctx: &CheckCtx,
    scripts: &[Arc<Page>],
    failures: &mut Failures,
    seen: &mut Seen,
) -> CheckResult {
    let mut maps: Vec<Url> = Vec::new();
    for url in scripts.iter().filter_map(|s| map_url(s)) {
        if !maps.contains(&url) && maps.len() < MAX_MAPS {
            maps.push(url);
        }
    }
    for (url, result) in maps.iter().zip(sources::fetch_maps(ctx, &maps).await) {
        let Some(files) = failures
            .count(result)?
            .and_then(|map| sources::map_files(map.resp()))
        else {
            continue;
        };
        let files: Vec<(Option<String>, String)> = match files {
            sources::MapText::Files(files) => {
                files.into_iter().map(|(n, c)| (Some(n), c)).collect()
            }
            sources::MapText::Raw(text) => vec![(None, text)],
        };
        // One task for the whole map: it may hold hundreds of files.
        let scanned = blocking(move || {
            files
                .into_iter()
                .map(|(file, text)| (file, scan(&text, Source::SourceMap)))
                .collect::<Vec<_>>()
        })
        .await?;
        for (file, found) in scanned {
            let origin = Origin {
                url,
                source: Source::SourceMap,
                file: file.as_deref(),
            };
            report::report(ctx, found, &origin, seen).await;
        }
    }
    Ok(())
}

/// The configuration documents and `.env` files of the profile, when they are what their path promises.
async fn scan_probes(ctx: &CheckCtx, failures: &mut Failures, seen: &mut Seen) -> CheckResult {
    let nf = ctx.not_found().await?;
    let origin = ctx.origin().await;
    let planned = sources::planned(ctx.profile());
    let results =
        futures::future::join_all(planned.iter().map(|p| sources::probe(ctx, &nf, &origin, p)))
            .await;
    for (probe, result) in planned.iter().zip(results) {
        if let Some((url, text)) = failures.count(result)?.flatten() {
            let source = probe.source;
            let found = blocking(move || scan(&text, source)).await?;
            let at = Origin {
                url: &url,
                source,
                file: None,
            };
            report::report(ctx, found, &at, seen).await;
        }
    }
    Ok(())
}
