//! Where secrets are looked for beyond the crawl: the source maps of the crawled scripts (their embedded
//! `sourcesContent` file by file), a short list of configuration documents sites serve to browsers, and `.env`
//! files. Each probe is one GET without redirects, kept only when it is not the site's not-found answer and its
//! content is what the path promises.

use super::detect::Source;
use crate::engine::checks::disclosure::{is_catch_all, looks_like_html};
use crate::engine::context::CheckCtx;
use crate::engine::net::{HttpResponse, NetError};
use crate::engine::site::NotFound;
use crate::model::Profile;
use serde_json::Value;
use std::sync::Arc;
use url::Url;

/// Bytes read of a configuration document or environment file.
const PROBE_CAP: usize = 256 * 1024;

/// A path probed for secrets, in the profiles from `profile` up.
pub struct Probe {
    pub path: &'static str,
    pub profile: Profile,
    pub source: Source,
}

macro_rules! probes {
    ($($profile:ident $source:ident $path:literal,)*) => {
        &[$(Probe { path: $path, profile: Profile::$profile, source: Source::$source }),*]
    };
}

/// The standard profile sends eight of these; deep sends all.
pub static PROBES: &[Probe] = probes![
    Standard Env "/.env",
    Standard Env "/.env.production",
    Standard Env "/.env.local",
    Standard Config "/config.json",
    Standard Config "/env.json",
    Standard Config "/__/firebase/init.json",
    Standard Config "/api/config",
    Standard Config "/runtime-config.js",
    Deep Config "/app-config.json",
    Deep Config "/settings.json",
    Deep Config "/config.js",
    Deep Config "/env.js",
    Deep Config "/environment.json",
    Deep Config "/assets/config.json",
    Deep Config "/appsettings.json",
    Deep Env "/.env.prod",
    Deep Env "/.env.development",
    Deep Env "/.env.staging",
    Deep Env "/.env.dev",
    Deep Env "/.env.backup",
    Deep Env "/.env.bak",
    Deep Env "/.env.old",
];

regex!(ENV_VAR, r"^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=");

/// True for an environment file: most non-comment lines are `NAME=value`.
fn env_file(text: &str) -> bool {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let vars = lines.iter().filter(|l| ENV_VAR.is_match(l)).count();
    vars >= 1 && vars * 10 >= lines.len() * 8
}

/// True for a configuration document: a JSON object (or the start of one, when cut), or a script that assigns
/// one (`window.__ENV = {...}`).
fn config_document(resp: &HttpResponse, text: &str) -> bool {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let ct = resp.content_type();
    if body.starts_with('{') {
        return resp.truncated || serde_json::from_str::<Value>(body).is_ok_and(|v| v.is_object());
    }
    let script = ct.contains("javascript") || ct.contains("ecmascript");
    script && body.contains('=') && body.contains('{')
}

/// The text of a probe's answer when it is the document the path promises.
fn verified(resp: &HttpResponse, nf: &NotFound, probe: &Probe) -> Option<String> {
    if resp.status != 200 || resp.body.is_empty() || is_catch_all(nf, resp, probe.path) {
        return None;
    }
    let text = resp.text().into_owned();
    if looks_like_html(&text) || text.contains('\0') {
        return None;
    }
    let ok = match probe.source {
        Source::Env => env_file(&text),
        _ => config_document(resp, &text),
    };
    ok.then_some(text)
}

/// GETs one probe (no redirects); its text when verified.
pub async fn probe(
    ctx: &CheckCtx,
    nf: &NotFound,
    origin: &Url,
    probe: &Probe,
) -> Result<Option<(Url, String)>, NetError> {
    let url = ctx.site_url(origin, probe.path);
    // `.env` files are read with the exposure check's cap, so both checks share one request.
    let cap = match probe.source {
        Source::Env => crate::engine::site::TEXT_PROBE_CAP,
        _ => PROBE_CAP,
    };
    let resp = ctx.probe(&url, cap).await?;
    Ok(verified(&resp, nf, probe).map(|text| (url, text)))
}

/// What a source map holds worth scanning: each original file with its name, or the raw text when it could not
/// be parsed whole (a map cut by the size cap is still scanned as text).
pub enum MapText {
    Files(Vec<(String, String)>),
    Raw(String),
}

/// The files of a v3 source map with their embedded content, third-party code (`node_modules`) left out.
pub fn map_files(resp: &HttpResponse) -> Option<MapText> {
    let text = resp.text();
    let body = text.trim_start().trim_start_matches(")]}'").trim_start();
    if resp.status != 200 || !body.starts_with('{') || looks_like_html(body) {
        return None;
    }
    let Ok(doc) = serde_json::from_str::<Value>(body) else {
        let map_like = body.contains("\"mappings\"") && body.contains("\"sources\"");
        return (resp.truncated && map_like).then(|| MapText::Raw(body.to_string()));
    };
    (doc.get("version")?.as_u64()? == 3).then_some(())?;
    let names = doc.get("sources").and_then(Value::as_array)?;
    let contents = doc.get("sourcesContent").and_then(Value::as_array)?;
    let files = names
        .iter()
        .zip(contents)
        .filter_map(|(n, c)| Some((n.as_str()?.to_string(), c.as_str()?.to_string())))
        .filter(|(n, c)| !n.contains("node_modules/") && !c.is_empty())
        .collect();
    Some(MapText::Files(files))
}

/// The maps of the crawled scripts, fetched through the page cache (the `disclosure` check reads the same ones).
pub async fn fetch_maps(
    ctx: &CheckCtx,
    urls: &[Url],
) -> Vec<Result<Arc<crate::engine::site::Page>, NetError>> {
    futures::future::join_all(urls.iter().map(|u| ctx.page(u))).await
}
