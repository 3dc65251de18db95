//! Facts about the zone: CAA (RFC 8659, looked up from the host up to the registrable domain), DNSSEC (a DNSKEY at
//! the registrable domain) and wildcard records (a random label that resolves).

use super::resolve::{self, Answer};
use crate::engine::context::CheckCtx;
use crate::engine::registry::CheckResult;
use hickory_resolver::proto::rr::RecordType;

const RFC8659: &str = "https://www.rfc-editor.org/rfc/rfc8659";
const LE_CAA: &str = "https://letsencrypt.org/docs/caa/";
const ICANN_DNSSEC: &str =
    "https://www.icann.org/resources/pages/dnssec-what-is-it-why-important-2019-03-05-en";
const RFC4592: &str = "https://www.rfc-editor.org/rfc/rfc4592";

rule!(
    CAA_MISSING,
    "dns.caa-missing",
    Low,
    Some(295),
    "No CAA record: any certificate authority may issue certificates for the domain",
    "Neither the host nor its parent domains up to the registrable domain publish a CAA record, so every public \
     certificate authority may issue certificates for them. CAA is defence in depth: it limits which authorities an \
     attacker who can pass a domain-validation check (a hijacked subdomain, a misrouted HTTP check) could use.",
    "Publish CAA records at the registrable domain naming the authorities you use, e.g. `example.com. CAA 0 issue \
     \"letsencrypt.org\"` (and `CAA 0 iodef \"mailto:security@example.com\"` for reports). Subdomains inherit them.",
    [RFC8659, LE_CAA]
);
rule!(
    DNSSEC_MISSING,
    "dns.dnssec-missing",
    Info,
    Some(350),
    "The zone is not signed with DNSSEC",
    "The registrable domain publishes no DNSKEY record, so resolvers cannot check that the answers they get for it \
     are the ones its owner published: a resolver's cache can be poisoned with forged answers.",
    "Turn on DNSSEC signing at your DNS provider (most offer it with one switch) and publish the DS record it gives \
     you at your registrar.",
    [ICANN_DNSSEC]
);
rule!(
    WILDCARD,
    "dns.wildcard-record",
    Info,
    None,
    "Wildcard DNS record",
    "A name under the zone that nobody created resolves: the zone has a wildcard record. Every mistyped or \
     forgotten subdomain then reaches the wildcard's target, which widens what a takeover of that target exposes and \
     hides dangling names from scanners.",
    "Prefer explicit records for the names you use. If the wildcard is intended, make sure its target serves nothing \
     sensitive for unknown host names (answer them with a 404 or a redirect to the main site).",
    [RFC4592]
);

pub async fn caa(ctx: &CheckCtx) -> CheckResult {
    let zone = resolve::zone(ctx).await?;
    let mut asked = Vec::new();
    let mut name = zone.host.clone();
    loop {
        let answer = resolve::query(ctx, &name, RecordType::CAA).await?;
        if answer.records().is_empty() {
            asked.push(format!("CAA {name}: none"));
        } else {
            return Ok(());
        }
        if name == zone.domain || !name.ends_with(&format!(".{}", zone.domain)) {
            break;
        }
        name = match name.split_once('.') {
            Some((_, parent)) => parent.to_string(),
            None => break,
        };
    }
    let draft = ctx
        .finding(&CAA_MISSING, format!("dns:{} CAA", zone.domain))
        .evidence(asked.join("; "));
    ctx.report(draft).await;
    Ok(())
}

pub async fn dnssec(ctx: &CheckCtx) -> CheckResult {
    let zone = resolve::zone(ctx).await?;
    if let Answer::Records(_) = resolve::query(ctx, &zone.domain, RecordType::DNSKEY).await? {
        return Ok(());
    }
    let draft = ctx
        .finding(&DNSSEC_MISSING, format!("dns:{} DNSKEY", zone.domain))
        .evidence(format!("DNSKEY {}: no records", zone.domain));
    ctx.report(draft).await;
    Ok(())
}

pub async fn wildcard(ctx: &CheckCtx) -> CheckResult {
    let zone = resolve::zone(ctx).await?;
    let mut parents = vec![zone.domain.clone()];
    if let Some((_, parent)) = zone.host.split_once('.')
        && parent != zone.domain
        && parent.ends_with(&format!(".{}", zone.domain))
    {
        parents.push(parent.to_string());
    }
    for parent in parents {
        let label = crate::engine::site::random_path("palisade-")
            .trim_start_matches('/')
            .to_string();
        let probe = format!("{label}.{parent}");
        let mut shown = Vec::new();
        // Each type is asked: a wildcard may hold some types only, and servers differ in what they answer for
        // the others (no data, or no such name).
        for rtype in [RecordType::A, RecordType::AAAA, RecordType::CNAME] {
            let answer = resolve::query(ctx, &probe, rtype).await?;
            shown.extend(answer.records().iter().map(resolve::show));
        }
        if shown.is_empty() {
            continue;
        }
        let draft = ctx
            .finding(&WILDCARD, format!("dns:*.{parent}"))
            .evidence(format!(
                "{probe} (a random name) resolves: {}",
                shown.join("; ")
            ));
        ctx.report(draft).await;
    }
    Ok(())
}
