//! Exposed files: requests a fixed list of well-known sensitive paths (concurrently, without following redirects,
//! reading only the first bytes) and reports a file only when the response is not the site's not-found answer AND
//! its content proves what it is.

mod agents;
mod binary;
mod credentials;
mod dumps;
mod internals;
mod pages;
pub(crate) mod probes;
pub(crate) mod rules;
mod text;

use super::{Failures, is_catch_all, url_location};
use crate::engine::context::CheckCtx;
use crate::engine::net::NetError;
use crate::engine::redaction::redact_urls;
use crate::engine::registry::CheckResult;
use crate::engine::site::NotFound;
use crate::model::Severity;
use probes::{Grouping, Kind, PROBES, Probe};
use url::Url;

/// What a verified file shows: evidence a person can check (secrets redacted) and a severity if not the rule's.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Proof {
    pub evidence: String,
    pub severity: Option<Severity>,
}

impl Proof {
    pub fn new(evidence: impl Into<String>) -> Proof {
        Proof {
            evidence: evidence.into(),
            severity: None,
        }
    }

    pub fn severity(mut self, severity: Severity) -> Proof {
        self.severity = Some(severity);
        self
    }
}

/// A verified probe.
struct Hit {
    kind: Kind,
    path: &'static str,
    proof: Proof,
}

pub(crate) async fn run(ctx: &CheckCtx) -> CheckResult {
    ctx.start_page().await?;
    let nf = ctx.not_found().await?;
    let origin = ctx.origin().await;
    let profile = ctx.profile();
    let planned: Vec<&'static Probe> = PROBES.iter().filter(|p| p.profile <= profile).collect();
    // All at once: the host limiter bounds how many are in flight. Results keep the list's order.
    let results =
        futures::future::join_all(planned.iter().map(|p| probe(ctx, &nf, &origin, p))).await;
    let mut failures = Failures::new("probes");
    let mut hits = Vec::new();
    for (p, result) in planned.iter().zip(results) {
        if let Some(proof) = failures.count(result)?.flatten() {
            hits.push(Hit {
                kind: p.kind,
                path: p.path,
                proof,
            });
        }
    }
    for group in group(hits) {
        report(ctx, &origin, group).await;
    }
    // A path that did not answer may be the exposed one: the check must not pass.
    failures.result()
}

/// GETs one path (no redirects) and verifies it; `None` when it is missing, the catch-all page, or not the file.
async fn probe(
    ctx: &CheckCtx,
    nf: &NotFound,
    origin: &Url,
    p: &Probe,
) -> Result<Option<Proof>, NetError> {
    let url = ctx.site_url(origin, p.path);
    // Through the probe cache: the `secrets` check reads the same .env files.
    let resp = ctx.probe(&url, p.kind.max_body()).await?;
    if resp.status != 200 || resp.body.is_empty() || is_catch_all(nf, &resp, p.path) {
        return Ok(None);
    }
    Ok(p.kind.verify(&resp))
}

/// Verified probes that make one finding, and where it is.
struct Group {
    location: &'static str,
    hits: Vec<Hit>,
}

fn group(hits: Vec<Hit>) -> Vec<Group> {
    let mut groups: Vec<(String, Group)> = Vec::new();
    for hit in hits {
        let (key, location) = match hit.kind.grouping() {
            Grouping::Own => (hit.path.to_string(), hit.path),
            Grouping::At(dir) => (dir.to_string(), dir),
            Grouping::Family(name) => (format!("family:{name}"), hit.path),
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.hits.push(hit),
            None => groups.push((
                key,
                Group {
                    location,
                    hits: vec![hit],
                },
            )),
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

async fn report(ctx: &CheckCtx, origin: &Url, group: Group) {
    let first = &group.hits[0];
    let rule = first.kind.rule();
    let severity = group
        .hits
        .iter()
        .map(|h| h.proof.severity.unwrap_or(rule.severity))
        .max()
        .unwrap_or(rule.severity);
    let evidence: Vec<String> = group
        .hits
        .iter()
        .map(|h| format!("GET {} -> {}", h.path, h.proof.evidence))
        .collect();
    let url = ctx.site_url(origin, group.location);
    let draft = ctx
        .finding(rule, url_location(&url))
        .title(format!(
            "{} exposed at {}",
            first.kind.what(),
            group.location
        ))
        // Whatever a verifier quoted, no URL in evidence keeps its user name or password.
        .evidence(redact_urls(&evidence.join("\n")))
        .severity(severity);
    ctx.report(draft).await;
}
