//! Model-serving APIs open to anyone: an OpenAI-compatible `/v1/models` list and Ollama's `/api/tags` and
//! `/api/version`, on the site's origin, and in the deep profile on Ollama's own port 11434. Only GETs that list or
//! describe; confirmed by the JSON shape of the answer, never by a status alone, and never on the site's
//! not-found page (an SPA answering every path with its HTML shell).

use super::{Failed, OLLAMA_OPEN, OPENAI_OPEN};
use crate::engine::checks::network::probe;
use crate::engine::context::CheckCtx;
use crate::engine::net::{HttpRequest, HttpResponse, NetError};
use crate::engine::registry::CheckResult;
use crate::engine::site::NotFound;
use crate::model::{Confidence, Profile};
use serde_json::Value;
use url::Url;

/// Ollama's default port.
const OLLAMA_PORT: u16 = 11434;
const MAX_BODY: usize = 256 * 1024;

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    ctx.start_page().await?;
    let nf = ctx.not_found().await?;
    let origin = ctx.origin().await;
    let (models, ollama) =
        tokio::join!(openai_models(ctx, &nf, &origin), ollama(ctx, &nf, &origin));
    let mut failed = Failed::default();
    if let Some((url, evidence)) = failed.note(models)? {
        let draft = ctx
            .finding(&OPENAI_OPEN, url.as_str())
            .evidence(evidence)
            .confidence(Confidence::Medium);
        ctx.report(draft).await;
    }
    if let Some((url, evidence)) = failed.note(ollama)? {
        report_ollama(ctx, &url, evidence).await;
    }
    let own_port = origin.port_or_known_default() == Some(OLLAMA_PORT);
    if ctx.profile() >= Profile::Deep && !own_port {
        match ollama_port(ctx).await {
            Ok(Some((url, evidence))) => report_ollama(ctx, &url, evidence).await,
            Ok(None) => {}
            Err(e) => {
                // A closed port is the usual answer; only a scope or resolution failure is the check's.
                if let Err(e) = probe::not_exposed(e) {
                    failed.note::<()>(Err(e))?;
                }
            }
        }
    }
    failed.result()
}

async fn report_ollama(ctx: &CheckCtx, url: &Url, evidence: String) {
    let draft = ctx
        .finding(&OLLAMA_OPEN, url.as_str())
        .title(format!(
            "The Ollama API is open to the internet at {}",
            url.origin().ascii_serialization()
        ))
        .evidence(evidence);
    ctx.report(draft).await;
}

fn json_get(url: Url) -> HttpRequest {
    HttpRequest::get(url, MAX_BODY).header(http::header::ACCEPT, "application/json")
}

/// The JSON object of a 200 answer to `path` that is not the site's not-found page.
fn json_object(resp: &HttpResponse, nf: Option<&NotFound>, path: &str) -> Option<Value> {
    if resp.status != 200 || nf.is_some_and(|nf| nf.matches(resp, path)) {
        return None;
    }
    serde_json::from_slice::<Value>(&resp.body)
        .ok()
        .filter(Value::is_object)
}

/// Model ids of an OpenAI-style list: `{"object": "list", "data": [{"id": ...}]}`.
fn model_ids(doc: &Value) -> Vec<String> {
    if doc.get("object").and_then(Value::as_str) != Some("list") {
        return Vec::new();
    }
    let data = doc.get("data").and_then(Value::as_array);
    data.into_iter()
        .flatten()
        .filter_map(|m| m.get("id")?.as_str())
        .map(|id| id.chars().take(60).collect())
        .collect()
}

/// Names in Ollama's `{"models": [{"name": ..., "digest": ...}]}`, and whether any carries a digest.
fn ollama_models(doc: &Value) -> Option<(Vec<String>, bool)> {
    let models = doc.get("models")?.as_array()?;
    let mut names = Vec::new();
    let mut digests = false;
    for m in models {
        names.push(m.get("name")?.as_str()?.chars().take(60).collect());
        digests |= m.get("digest").and_then(Value::as_str).is_some();
    }
    Some((names, digests))
}

fn listed(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
    format!("{} models: {}", names.len(), shown.join(", "))
}

async fn openai_models(
    ctx: &CheckCtx,
    nf: &NotFound,
    origin: &Url,
) -> Result<Option<(Url, String)>, NetError> {
    let path = "/v1/models";
    let url = ctx.site_url(origin, path);
    let resp = ctx.request(&json_get(url.clone())).await?;
    let ids = json_object(&resp, Some(nf), path)
        .map(|d| model_ids(&d))
        .unwrap_or_default();
    if ids.is_empty() {
        return Ok(None);
    }
    let evidence = format!(
        "GET {path} without an API key -> 200 list of {}",
        listed(&ids)
    );
    Ok(Some((url, evidence)))
}

/// How a request goes out: as one of the site's (under its error budget), or as a port probe.
#[derive(Clone, Copy)]
enum Via {
    Site,
    Port,
}

async fn send(ctx: &CheckCtx, via: Via, req: HttpRequest) -> Result<HttpResponse, NetError> {
    match via {
        Via::Site => ctx.request(&req).await,
        Via::Port => probe::fetch(ctx, &req).await,
    }
}

/// Ollama at `base`: `/api/tags` shaped like Ollama's, confirmed by `/api/version` or by model digests.
async fn ollama_at(
    ctx: &CheckCtx,
    nf: Option<&NotFound>,
    base: &Url,
    via: Via,
) -> Result<Option<(Url, String)>, NetError> {
    let tags_url = ctx.site_url(base, "/api/tags");
    let tags = send(ctx, via, json_get(tags_url.clone())).await?;
    let Some((names, digests)) =
        json_object(&tags, nf, "/api/tags").and_then(|d| ollama_models(&d))
    else {
        return Ok(None);
    };
    let version_url = ctx.site_url(base, "/api/version");
    let version = match send(ctx, via, json_get(version_url)).await {
        Ok(resp) => json_object(&resp, nf, "/api/version").and_then(|d| {
            Some(
                d.get("version")?
                    .as_str()?
                    .chars()
                    .take(30)
                    .collect::<String>(),
            )
        }),
        Err(_) => None,
    };
    let mut evidence = format!(
        "GET /api/tags without credentials -> 200 {}",
        listed(&names)
    );
    match version {
        Some(v) => evidence += &format!("; GET /api/version -> {v}"),
        None if digests => {}
        None => return Ok(None),
    }
    Ok(Some((tags_url, evidence)))
}

async fn ollama(
    ctx: &CheckCtx,
    nf: &NotFound,
    origin: &Url,
) -> Result<Option<(Url, String)>, NetError> {
    ollama_at(ctx, Some(nf), origin, Via::Site).await
}

/// Ollama on its own port of the target's host, probed like the `network` module's ports.
async fn ollama_port(ctx: &CheckCtx) -> Result<Option<(Url, String)>, NetError> {
    let base = probe::port_url(ctx, "http", OLLAMA_PORT, "/");
    ollama_at(ctx, None, &base, Via::Port).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn openai_model_lists() {
        let doc = json!({"object": "list", "data": [{"id": "gpt-4o", "object": "model"}, {"id": "llama-3-70b"}]});
        assert_eq!(model_ids(&doc), vec!["gpt-4o", "llama-3-70b"]);
        assert!(model_ids(&json!({"data": [{"id": "x"}]})).is_empty());
        assert!(model_ids(&json!({"object": "list", "data": []})).is_empty());
    }

    #[test]
    fn ollama_tag_lists() {
        let doc = json!({"models": [{"name": "llama3.1:8b", "digest": "sha256:aa"}]});
        assert_eq!(
            ollama_models(&doc),
            Some((vec!["llama3.1:8b".into()], true))
        );
        assert_eq!(ollama_models(&json!({"models": []})), Some((vec![], false)));
        assert_eq!(ollama_models(&json!({"models": [{"id": 1}]})), None);
        assert_eq!(ollama_models(&json!({"items": []})), None);
    }
}
