//! Running the scan's templates on one host: filling each request's placeholders, sending it through the shared
//! caches, running matchers and extractors, refusing matches that the site's not-found answer would give too, and
//! reporting each match.

use super::send::{self, Ready};
use crate::engine::context::{CheckCtx, OwnedRule};
use crate::engine::pace::Pace;
use crate::engine::registry::{CheckFail, CheckResult};
use crate::model::Module;
use crate::templates::dsl::{self, Value};
use crate::templates::eval::{self, ResponseView, Scope, Seen};
use crate::templates::model::{Block, Request, Template};
use futures::StreamExt;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use url::Url;

/// Templates running at once on one host (their requests still wait for the host's limits).
const PARALLEL_TEMPLATES: usize = 16;

/// What the host's run shares between its templates.
struct Shared {
    base: Url,
    vars: HashMap<String, Value>,
    views: Mutex<HashMap<String, Arc<ResponseView>>>,
    distinct: Mutex<HashSet<String>>,
    stats: Mutex<Stats>,
}

#[derive(Default)]
struct Stats {
    requests: usize,
    off_host: usize,
    unfilled: Vec<String>,
}

/// One match, ready to report.
struct Hit {
    url: String,
    status: u16,
    method: &'static str,
    seen: Seen,
    extracted: Vec<(String, Vec<String>)>,
}

pub async fn run(ctx: &CheckCtx) -> CheckResult {
    let templates = ctx.scan.templates.clone();
    if templates.is_empty() {
        return Err(CheckFail::Skipped(
            "no detection templates were selected for this scan".into(),
        ));
    }
    let base = base_url(ctx).await;
    let shared = Shared {
        vars: standard_vars(&base),
        base,
        views: Mutex::new(HashMap::new()),
        distinct: Mutex::new(HashSet::new()),
        stats: Mutex::new(Stats::default()),
    };
    let shared = &shared;
    let mut results = futures::stream::iter(templates.iter().cloned())
        .map(|t| run_template(ctx, shared, t))
        .buffer_unordered(PARALLEL_TEMPLATES);
    let mut matched = 0;
    let mut pace = Pace::new();
    while let Some((template, hits)) = results.next().await {
        pace.tick().await;
        matched += usize::from(!hits.is_empty());
        for hit in hits {
            report(ctx, &template, hit).await;
        }
    }
    let stats = shared.stats.lock().expect("stats lock");
    let distinct = shared.distinct.lock().expect("distinct lock").len();
    let mut note = format!(
        "{} templates ran ({} requests, {} distinct); {} matched",
        templates.len(),
        stats.requests,
        distinct,
        matched
    );
    if stats.off_host > 0 {
        note.push_str(&format!(
            "; {} requests named another host and were not sent",
            stats.off_host
        ));
    }
    if let Some(first) = stats.unfilled.first() {
        note.push_str(&format!(
            "; {} requests could not be built ({first})",
            stats.unfilled.len()
        ));
    }
    ctx.note(note);
    Ok(())
}

/// The URL `{{BaseURL}}` stands for: the target, on the scheme and port its start page settled on within its host.
async fn base_url(ctx: &CheckCtx) -> Url {
    let mut base = ctx.target.url().clone();
    // The start page only tells which scheme and port the site settled on: its failure (a redirect to a login
    // service that does not answer) is not a template's.
    let origin = crate::engine::tally::tolerated(ctx.origin()).await;
    if origin.host_str() == base.host_str()
        && (origin.scheme() != base.scheme()
            || origin.port_or_known_default() != base.port_or_known_default())
    {
        let _ = base.set_scheme(origin.scheme());
        let _ = base.set_port(origin.port());
    }
    base
}

/// The variables every template sees: the target's parts.
fn standard_vars(base: &Url) -> HashMap<String, Value> {
    let host = base
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_string();
    let port = base.port_or_known_default().unwrap_or(80);
    let path = base.path().trim_end_matches('/').to_string();
    let root = base.origin().ascii_serialization();
    let hostname = match base.port() {
        Some(p) => format!("{}:{p}", base.host_str().unwrap_or_default()),
        None => base.host_str().unwrap_or_default().to_string(),
    };
    let rdn = psl::domain_str(&host).unwrap_or(&host).to_string();
    let tld = psl::suffix_str(&host).unwrap_or_default().to_string();
    let dn = rdn
        .strip_suffix(&format!(".{tld}"))
        .unwrap_or(&rdn)
        .to_string();
    let sd = host
        .strip_suffix(&rdn)
        .map(|s| s.trim_end_matches('.').to_string())
        .unwrap_or_default();
    let file = path.rsplit('/').next().unwrap_or_default().to_string();
    let mut vars: HashMap<String, Value> = HashMap::new();
    for (k, v) in [
        ("BaseURL", format!("{root}{path}")),
        ("RootURL", root.clone()),
        ("Hostname", hostname),
        ("Host", host.clone()),
        ("Port", port.to_string()),
        ("Path", path),
        ("File", file),
        ("Scheme", base.scheme().to_string()),
        ("FQDN", host.clone()),
        ("RDN", rdn),
        ("DN", dn),
        ("TLD", tld),
        ("SD", sd),
        ("ip", host),
    ] {
        vars.insert(k.to_string(), Value::from(v));
    }
    vars
}

fn random_token() -> String {
    crate::engine::site::random_path("")
        .trim_start_matches('/')
        .to_string()
}

async fn run_template(
    ctx: &CheckCtx,
    shared: &Shared,
    template: Arc<Template>,
) -> (Arc<Template>, Vec<Hit>) {
    let mut vars = shared.vars.clone();
    vars.insert("randstr".into(), Value::from(random_token()));
    for (name, text) in &template.variables {
        match dsl::interpolate(text, &vars) {
            Ok(v) => vars.insert(name.clone(), Value::from(v)),
            Err(e) => {
                shared
                    .stats
                    .lock()
                    .expect("stats lock")
                    .unfilled
                    .push(format!("{}: {e}", template.id));
                return (template, Vec::new());
            }
        };
    }
    let mut hits = Vec::new();
    for block in &template.blocks {
        let stop = run_block(ctx, shared, &template, block, &mut vars, &mut hits).await;
        if stop {
            break;
        }
    }
    (template, hits)
}

/// Runs one block; true when the template should stop (a match with `stop-at-first-match`).
async fn run_block(
    ctx: &CheckCtx,
    shared: &Shared,
    template: &Template,
    block: &Block,
    vars: &mut HashMap<String, Value>,
    hits: &mut Vec<Hit>,
) -> bool {
    let mut views: Vec<(Arc<ResponseView>, &Request, Ready)> = Vec::new();
    for request in &block.requests {
        let Some(ready) = fill(shared, template, block, request, vars) else {
            continue;
        };
        let view = match fetch(ctx, shared, &ready).await {
            Some(view) => view,
            None => continue,
        };
        if block.req_condition {
            views.push((view, request, ready));
            continue;
        }
        let scope = Scope {
            responses: &[&*view],
            vars,
        };
        let extracted = eval::extract(&block.extractors, &scope);
        let seen = match block.matchers.is_empty() {
            true => extracted
                .iter()
                .any(|(_, internal, _)| !internal)
                .then(Seen::default),
            false => eval::matches(block, &scope),
        };
        let shown = shown(&extracted);
        for (name, _, values) in extracted {
            if let (Some(name), Some(first)) = (name, values.first()) {
                vars.insert(name, Value::from(first.as_str()));
            }
        }
        let Some(seen) = seen else { continue };
        if catch_all(ctx, block, request, &ready, &[&*view], vars).await {
            continue;
        }
        hits.push(Hit {
            url: view.url.clone(),
            status: view.status,
            method: ready.method.as_str(),
            seen,
            extracted: shown,
        });
        if block.stop_at_first_match {
            return true;
        }
    }
    if block.req_condition && !views.is_empty() {
        let responses: Vec<&ResponseView> = views.iter().map(|(v, _, _)| &**v).collect();
        let scope = Scope {
            responses: &responses,
            vars,
        };
        let extracted = eval::extract(&block.extractors, &scope);
        if let Some(seen) = eval::matches(block, &scope) {
            let (last, request, ready) = views.last().expect("not empty");
            if !catch_all(ctx, block, request, ready, &responses, vars).await {
                hits.push(Hit {
                    url: last.url.clone(),
                    status: last.status,
                    method: ready.method.as_str(),
                    seen,
                    extracted: shown(&extracted),
                });
                return block.stop_at_first_match;
            }
        }
    }
    false
}

fn shown(extracted: &[(Option<String>, bool, Vec<String>)]) -> Vec<(String, Vec<String>)> {
    extracted
        .iter()
        .filter(|(_, internal, _)| !internal)
        .map(|(name, _, values)| {
            (
                name.clone().unwrap_or_else(|| "value".into()),
                values.clone(),
            )
        })
        .collect()
}

/// Fills a request's placeholders; `None` (noted) when it cannot be built or names another host.
fn fill(
    shared: &Shared,
    template: &Template,
    block: &Block,
    request: &Request,
    vars: &HashMap<String, Value>,
) -> Option<Ready> {
    let unfilled = |why: String| {
        shared
            .stats
            .lock()
            .expect("stats lock")
            .unfilled
            .push(format!("{}: {why}", template.id));
        None
    };
    let text = match dsl::interpolate(&request.target, vars) {
        Ok(t) => t,
        Err(e) => return unfilled(e.to_string()),
    };
    let url = match Url::parse(&text).or_else(|_| shared.base.join(&text)) {
        Ok(u) => u,
        Err(e) => return unfilled(format!("'{text}' is not a URL: {e}")),
    };
    let same_host = url.host_str() == shared.base.host_str()
        && url.port_or_known_default() == shared.base.port_or_known_default()
        && url.scheme() == shared.base.scheme();
    if !same_host {
        shared.stats.lock().expect("stats lock").off_host += 1;
        return None;
    }
    let mut headers = Vec::new();
    for (name, value) in &request.headers {
        let value = match dsl::interpolate(value, vars) {
            Ok(v) => v,
            Err(e) => return unfilled(e.to_string()),
        };
        if !send::valid_header(name, &value) {
            return unfilled(format!("the header '{name}' is not a valid HTTP header"));
        }
        headers.push((name.clone(), value));
    }
    Some(Ready {
        method: request.method,
        url,
        headers,
        follow: block.follow,
    })
}

/// Sends (or shares) the request and returns its response as templates read it; `None` when it failed (the failure
/// counts in the check's tally).
async fn fetch(ctx: &CheckCtx, shared: &Shared, ready: &Ready) -> Option<Arc<ResponseView>> {
    let key = ready.key();
    shared.stats.lock().expect("stats lock").requests += 1;
    shared
        .distinct
        .lock()
        .expect("distinct lock")
        .insert(key.clone());
    if let Some(view) = shared.views.lock().expect("views lock").get(&key) {
        return Some(view.clone());
    }
    let resp = send::send(ctx, ready).await.ok()?;
    let view = Arc::new(ResponseView::new(&resp));
    shared
        .views
        .lock()
        .expect("views lock")
        .entry(key)
        .or_insert(view.clone());
    Some(view)
}

/// True when the site's answer to a path that does not exist would match too: a catch-all, not a finding. Requests
/// for the target's own page and requests built from random values (themselves not-found probes) are not compared.
async fn catch_all(
    ctx: &CheckCtx,
    block: &Block,
    request: &Request,
    ready: &Ready,
    responses: &[&ResponseView],
    vars: &HashMap<String, Value>,
) -> bool {
    let base = ctx.target.url();
    let own_page = ready.url.path().trim_end_matches('/') == base.path().trim_end_matches('/')
        && ready.url.query().is_none();
    if request.random || own_page {
        return false;
    }
    let Ok(not_found) = ctx.not_found().await else {
        return false;
    };
    if let [only] = responses
        && not_found.matches_parts(
            only.status,
            only.body(),
            only.headers.get("location").map(String::as_str),
            ready.url.path(),
        )
    {
        return true;
    }
    let view = ResponseView::new(not_found.response());
    let faked: Vec<&ResponseView> = responses.iter().map(|_| &view).collect();
    eval::matches(
        block,
        &Scope {
            responses: &faked,
            vars,
        },
    )
    .is_some()
}

async fn report(ctx: &CheckCtx, template: &Template, hit: Hit) {
    let names = hit.seen.names.join(", ");
    let title = match names.is_empty() {
        true => template.name.clone(),
        false => format!("{} ({names})", template.name),
    };
    let location = match names.is_empty() {
        true => hit.url.clone(),
        false => format!("{} [{names}]", hit.url),
    };
    let mut evidence = format!("{} {} -> {}", hit.method, hit.url, hit.status);
    if !hit.seen.snippets.is_empty() {
        evidence.push_str(&format!("; matched {}", hit.seen.snippets.join(", ")));
    }
    for (name, values) in &hit.extracted {
        evidence.push_str(&format!("; {name}: {}", values.join(", ")));
    }
    let owned = OwnedRule {
        id: super::finding_id(&template.id),
        module: Module::Templates,
        category: template.category,
        severity: template.severity,
        title,
        description: match template.description.is_empty() {
            true => format!("The detection template '{}' matched.", template.id),
            false => template.description.clone(),
        },
        remediation: match template.remediation.is_empty() {
            true => "Restrict or remove what the template found; see its references.".into(),
            false => template.remediation.clone(),
        },
        references: template.references.clone(),
        cwe: template.cwe,
    };
    let kev = template
        .cve
        .iter()
        .any(|c| ctx.scan.advisories.kev(c).is_some());
    let mut draft = ctx
        .owned_finding(owned, location)
        .evidence(evidence)
        .cve(template.cve.clone())
        .kev(kev);
    if let Some(score) = template.cvss {
        draft = draft.cvss(score);
    }
    ctx.report(draft).await;
}
