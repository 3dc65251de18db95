//! Dangling CNAMEs: the target host (and `www.` of its registrable domain) aliased to a hosting provider's name that
//! no longer exists, or that the provider answers with its page for unclaimed host names. Whoever claims that name
//! at the provider serves their content on the site's host name. A chain that ends at a name that does not exist
//! anywhere else is reported too, as a record left dangling. None of this needs the host to have an address.

use super::providers::{Provider, provider_of};
use super::resolve::{self, Answer, Zone};
use crate::engine::context::CheckCtx;
use crate::engine::net::HttpRequest;
use crate::engine::reach::Reach;
use crate::engine::registry::{CheckFail, CheckResult};
use crate::model::{Confidence, Severity};
use hickory_resolver::proto::rr::{RData, RecordType};
use url::Url;

/// CNAMEs followed at most.
const MAX_CHAIN: usize = 8;
/// Bytes of a provider page read to find its text.
const PAGE_BODY: usize = 64 * 1024;

const CAN_I_TAKE_OVER: &str = "https://github.com/EdOverflow/can-i-take-over-xyz";
const MDN_TAKEOVER: &str =
    "https://developer.mozilla.org/en-US/docs/Web/Security/Subdomain_takeovers";

rule!(
    TAKEOVER,
    "dns.subdomain-takeover",
    High,
    Some(284),
    "Dangling CNAME: the host name can be taken over",
    "The host name is an alias (CNAME) of a hosting provider's name that nobody holds any more: the name does not \
     exist, or the provider answers it with its page for unclaimed sites. Anyone who creates that bucket, app or site \
     at the provider serves their own pages on this host name, with its cookies and its reputation (phishing, \
     session theft, content under your name).",
    "Remove the CNAME record (or point it at something you control) if the service is gone; otherwise claim the \
     name at the provider again at once (recreate the bucket, app or site, and add the custom domain). Remove DNS \
     records before deleting the resources they point at.",
    [MDN_TAKEOVER, CAN_I_TAKE_OVER]
);

rule!(
    DANGLING,
    "dns.dangling-cname",
    Low,
    None,
    "Dangling CNAME: the host name points at a name that does not exist",
    "The host name is an alias (CNAME) of a name that does not exist in the DNS, so it leads nowhere: browsers, mail \
     servers and certificate authorities that look it up find no address. No hosting provider known to hand out \
     such names owns it, so it is not known to be claimable today; but the record outlived what it pointed at, and \
     whoever creates that name later (the owner of its zone, a new tenant of a service that reuses names) serves \
     their content on this host name.",
    "Remove the CNAME record if the service behind it is gone, or point it at a name that answers for this host. \
     Remove DNS records before deleting the resources they point at.",
    [MDN_TAKEOVER, RFC1034_CNAME]
);

const RFC1034_CNAME: &str = "https://www.rfc-editor.org/rfc/rfc1034#section-3.6.2";

/// A CNAME chain from a host name: every name on it, and what the last one's CNAME query found.
struct Chain {
    names: Vec<String>,
    last: Answer,
}

impl Chain {
    fn shown(&self) -> String {
        self.names.join(" → ")
    }

    fn end(&self) -> &str {
        self.names.last().map(String::as_str).unwrap_or_default()
    }
}

pub async fn run(ctx: &CheckCtx) -> CheckResult {
    let zone = resolve::zone(ctx).await?;
    examine(ctx, &zone, &zone.host).await?;
    let www = format!("www.{}", zone.domain);
    if www != zone.host {
        examine(ctx, &zone, &www).await?;
    }
    Ok(())
}

async fn examine(ctx: &CheckCtx, zone: &Zone, host: &str) -> CheckResult {
    let Some(chain) = chain(ctx, host).await? else {
        return Ok(());
    };
    let provider = chain.names.iter().rev().find_map(|n| provider_of(n));
    let location = format!("dns:{host} CNAME");
    if let Answer::NxDomain = chain.last {
        return missing(ctx, &chain, provider, &location).await;
    }
    let Some(provider) = provider.filter(|p| !p.unclaimed.is_empty()) else {
        return Ok(());
    };
    let Some((url, status, body)) = page(ctx, zone, host).await? else {
        return Ok(());
    };
    let Some(text) = provider.unclaimed.iter().find(|t| body.contains(*t)) else {
        return Ok(());
    };
    let draft = ctx
        .finding(&TAKEOVER, &location)
        .title(format!(
            "Dangling CNAME: {host} points at an unclaimed {} site",
            provider.name
        ))
        .evidence(format!(
            "CNAME chain: {}; GET {url} → {status} with {}'s page for unclaimed names: \"{text}\"",
            chain.shown(),
            provider.name
        ));
    ctx.report(draft).await;
    Ok(())
}

/// Follows CNAMEs from `host`; `None` when `host` is no alias.
async fn chain(ctx: &CheckCtx, host: &str) -> Result<Option<Chain>, CheckFail> {
    let mut names = vec![host.to_string()];
    let chosen = ctx.scan.net.connector().nameservers_chosen();
    loop {
        let name = names.last().cloned().unwrap_or_default();
        if resolve::special_use(&name).is_some() && !chosen && names.len() > 1 {
            // A special-use target is never asked of the system's resolver.
            return Ok(None);
        }
        let answer = resolve::query(ctx, &name, RecordType::CNAME).await?;
        let target = answer.records().iter().find_map(|r| match &r.data {
            RData::CNAME(c) => Some(c.0.to_string().trim_end_matches('.').to_ascii_lowercase()),
            _ => None,
        });
        match target {
            Some(t) if names.len() <= MAX_CHAIN && !names.contains(&t) => names.push(t),
            Some(_) => {
                return Err(CheckFail::Errored(format!(
                    "the CNAME chain from {host} loops or is longer than {MAX_CHAIN}: {}",
                    names.join(" → ")
                )));
            }
            None if names.len() == 1 => return Ok(None),
            None => {
                return Ok(Some(Chain {
                    names,
                    last: answer,
                }));
            }
        }
    }
}

/// Reports a chain that ends at a name that does not exist: at a provider where such names can be created by
/// anyone, at another provider (less sure), or under a domain that is not registered at all.
async fn missing(
    ctx: &CheckCtx,
    chain: &Chain,
    provider: Option<&Provider>,
    location: &str,
) -> CheckResult {
    let (host, end) = (&chain.names[0], chain.end());
    let mut evidence = format!(
        "CNAME chain: {}; {end}: NXDOMAIN (no such name)",
        chain.shown()
    );
    let (title, severity, confidence) = match provider {
        Some(p) if p.claimable_when_missing => (
            format!(
                "Dangling CNAME: {host} points at a {} name that does not exist",
                p.name
            ),
            Severity::High,
            Confidence::High,
        ),
        Some(p) => (
            format!(
                "Dangling CNAME: {host} points at a {} name that does not exist",
                p.name
            ),
            Severity::Medium,
            Confidence::Medium,
        ),
        None => {
            let Some(domain) = unregistered(ctx, end).await? else {
                return dangling(ctx, chain, evidence, location).await;
            };
            evidence.push_str(&format!(
                "; {domain}: NXDOMAIN (whoever registers it controls the alias)"
            ));
            (
                format!(
                    "Dangling CNAME: {host} points into {domain}, a domain that does not exist"
                ),
                Severity::High,
                Confidence::Medium,
            )
        }
    };
    let draft = ctx
        .finding(&TAKEOVER, location)
        .title(title)
        .severity(severity)
        .confidence(confidence)
        .evidence(evidence);
    ctx.report(draft).await;
    Ok(())
}

/// Reports a chain that ends at a name that does not exist, in a domain that does, at no known provider.
async fn dangling(ctx: &CheckCtx, chain: &Chain, evidence: String, location: &str) -> CheckResult {
    let (host, end) = (&chain.names[0], chain.end());
    let draft = ctx
        .finding(&DANGLING, location)
        .title(format!(
            "Dangling CNAME: {host} points at {end}, which does not exist"
        ))
        .confidence(Confidence::High)
        .evidence(evidence);
    ctx.report(draft).await;
    Ok(())
}

/// The registrable domain of `name` when it does not exist in the DNS (so anyone may register it).
async fn unregistered(ctx: &CheckCtx, name: &str) -> Result<Option<String>, CheckFail> {
    let Some(domain) = resolve::registrable(name) else {
        return Ok(None);
    };
    if resolve::special_use(&domain).is_some() && !ctx.scan.net.connector().nameservers_chosen() {
        return Ok(None);
    }
    match resolve::query(ctx, &domain, RecordType::SOA).await? {
        Answer::NxDomain => Ok(Some(domain)),
        _ => Ok(None),
    }
}

/// The page `host` serves: the start page when `host` is the target, else one GET of its root. `None` when the
/// target has no address, so no page to read.
async fn page(
    ctx: &CheckCtx,
    zone: &Zone,
    host: &str,
) -> Result<Option<(Url, u16, String)>, CheckFail> {
    if host == zone.host {
        if ctx.reach != Reach::Open {
            return Ok(None);
        }
        let page = ctx.start_page().await?;
        let resp = page.resp();
        // A host that redirects elsewhere is not answering with a provider's page of its own.
        let body = if resp.url.host_str() == Some(host) {
            resp.text().into_owned()
        } else {
            String::new()
        };
        return Ok(Some((resp.url.clone(), resp.status, body)));
    }
    let url = Url::parse(&format!("{}://{host}/", ctx.target.scheme()))
        .map_err(|e| CheckFail::Errored(format!("cannot build the URL of {host}: {e}")))?;
    let resp = ctx
        .request(&HttpRequest::get(url.clone(), PAGE_BODY))
        .await?;
    Ok(Some((url, resp.status, resp.text().into_owned())))
}
