//! Where secrets are looked for beyond the crawl: the source maps of the crawled scripts (their embedded
//! `sourcesContent` file by file), a short list of configuration documents sites serve to browsers, and `.env`
//! files. Each probe is one GET without redirects, kept only when it is not the site's not-found answer and its
//! content is what the path promises.

use super::detect::Source;
use crate::engine::checks::disclosure::exposures::probes::{Kind, PROBES};
use crate::engine::checks::disclosure::{is_catch_all, looks_like_html};
use crate::engine::context::CheckCtx;
use crate::engine::net::{HttpResponse, NetError};
use crate::engine::site::NotFound;
use crate::model::Profile;
use serde_json::Value;
use std::sync::Arc;
use url::Url;

/// Bytes read of a configuration document.
const CONFIG_CAP: usize = 256 * 1024;

/// A path probed for secrets, in the profiles from `profile` up.
pub struct Probe {
    pub path: &'static str,
    pub profile: Profile,
    pub source: Source,
}

macro_rules! configs {
    ($($profile:ident $path:literal,)*) => {
        &[$(Probe { path: $path, profile: Profile::$profile, source: Source::Config }),*]
    };
}

/// Configuration documents sites serve to browsers; the standard profile sends five of these.
static CONFIGS: &[Probe] = configs![
    Standard "/config.json",
    Standard "/env.json",
    Standard "/__/firebase/init.json",
    Standard "/api/config",
    Standard "/runtime-config.js",
    Deep "/app-config.json",
    Deep "/settings.json",
    Deep "/config.js",
    Deep "/env.js",
    Deep "/environment.json",
    Deep "/assets/config.json",
    Deep "/appsettings.json",
];

/// What a profile probes: the configuration documents, and the `.env` paths of the `disclosure` check (the same
/// requests, answered once from the probe cache).
pub fn planned(profile: Profile) -> Vec<Probe> {
    let envs = PROBES
        .iter()
        .filter(|p| p.kind == Kind::Env)
        .map(|p| Probe {
            path: p.path,
            profile: p.profile,
            source: Source::Env,
        });
    let configs = CONFIGS.iter().map(|p| Probe {
        path: p.path,
        profile: p.profile,
        source: p.source,
    });
    envs.chain(configs)
        .filter(|p| p.profile <= profile)
        .collect()
}

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
    let cap = match probe.source {
        Source::Env => Kind::Env.max_body(),
        _ => CONFIG_CAP,
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
