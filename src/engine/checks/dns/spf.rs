//! SPF (RFC 7208) of the registrable domain: missing, several records, an `all` that lets any server send
//! (`+all`, `?all`, or none), and more than 10 DNS-querying terms counted through includes and redirects.

use super::resolve::{self, Answer, Zone};
use super::spf_terms::{Term, all_qualifier, followed, queries_dns, records, terms};
use crate::engine::context::CheckCtx;
use crate::engine::registry::{CheckFail, CheckResult};
use crate::model::Severity;
use hickory_resolver::proto::rr::RecordType;
use std::collections::{HashSet, VecDeque};

/// RFC 7208 §4.6.4: at most 10 terms that cause DNS queries.
const LOOKUP_LIMIT: usize = 10;
/// SPF records fetched at most while counting (past the limit the count is already over).
const MAX_FETCHES: usize = LOOKUP_LIMIT + 2;

const MISSING: &str = "The domain publishes no SPF record, so receiving mail servers cannot tell which servers may \
                       send mail as this domain: anyone can send mail with it in the envelope sender, and without \
                       DMARC most receivers deliver it.";

rule!(
    SPF_MISSING,
    "dns.spf-missing",
    Medium,
    Some(290),
    "No SPF record",
    MISSING,
    "Publish one TXT record at the domain listing the servers that send its mail and ending in `-all`, e.g. \
     `v=spf1 include:_spf.your-mail-provider.example -all`. A domain that sends no mail publishes `v=spf1 -all` \
     (and a DMARC record with `p=reject`). `~all` (soft fail) is acceptable while a DMARC policy enforces the result.",
    [RFC7208, M3AAWG]
);
rule!(
    SPF_ALL,
    "dns.spf-all",
    Medium,
    Some(290),
    "SPF lets any server send mail as this domain",
    "The SPF record ends with an `all` that does not fail other servers: `+all` says every server on the internet \
     may send the domain's mail, and `?all` (or no `all` at all) gives no verdict, so the record protects nothing.",
    "End the record with `-all` (or `~all` while you check that every legitimate sender is listed, with DMARC \
     enforcing): `v=spf1 include:_spf.your-mail-provider.example -all`. A domain that sends no mail publishes \
     `v=spf1 -all`.",
    [RFC7208, M3AAWG]
);
rule!(
    SPF_LOOKUPS,
    "dns.spf-lookups",
    Medium,
    Some(290),
    "SPF needs more than 10 DNS lookups",
    "Evaluating the SPF record takes more than 10 DNS-querying terms (include, a, mx, ptr, exists, redirect), \
     counted through its includes. RFC 7208 §4.6.4 makes that a permanent error: receivers treat the record as \
     broken, so SPF fails or is ignored for all of the domain's mail.",
    "Bring the count to 10 or fewer: drop includes of services you no longer use, replace `a`, `mx` and `ptr` with \
     `ip4:`/`ip6:` ranges, and move senders that need many includes to a subdomain with its own SPF record.",
    [RFC7208_LIMITS]
);
rule!(
    SPF_MULTIPLE,
    "dns.spf-multiple",
    Medium,
    Some(290),
    "Several SPF records",
    "The domain publishes more than one TXT record starting with `v=spf1`. RFC 7208 §4.5 makes that a permanent \
     error: receivers treat SPF as broken for all of the domain's mail.",
    "Merge them into one record: one `v=spf1`, the mechanisms of both, and a single `-all` at the end.",
    [RFC7208]
);

const RFC7208: &str = "https://www.rfc-editor.org/rfc/rfc7208";
const RFC7208_LIMITS: &str = "https://www.rfc-editor.org/rfc/rfc7208#section-4.6.4";
const M3AAWG: &str = "https://www.m3aawg.org/sites/default/files/m3aawg-email-authentication-recommended-best-practices-09-2020.pdf";

pub async fn run(ctx: &CheckCtx) -> CheckResult {
    let zone = resolve::zone(ctx).await?;
    let location = format!("dns:{} TXT", zone.domain);
    let answer = resolve::query(ctx, &zone.domain, RecordType::TXT).await?;
    let spf = records(&answer.texts());
    match spf.len() {
        0 => {
            let draft = ctx.finding(&SPF_MISSING, &location).evidence(format!(
                "TXT {}: {}",
                zone.domain,
                shown_texts(&answer)
            ));
            ctx.report(draft).await;
            return Ok(());
        }
        1 => {}
        _ => {
            let draft = ctx.finding(&SPF_MULTIPLE, &location).evidence(format!(
                "TXT {}: {}",
                zone.domain,
                spf.join(" | ")
            ));
            ctx.report(draft).await;
            return Ok(());
        }
    }
    let record = &spf[0];
    let top = terms(record);
    let count = count_lookups(ctx, &zone, &top).await;
    permissive_all(ctx, &zone, &location, record, &top, &count).await;
    if count.total > LOOKUP_LIMIT {
        let draft = ctx.finding(&SPF_LOOKUPS, &location).evidence(format!(
            "{}: more than {LOOKUP_LIMIT} DNS-querying terms ({}{}): {}",
            zone.domain,
            count.total,
            if count.stopped { " or more" } else { "" },
            count.per_domain.join("; ")
        ));
        ctx.report(draft).await;
    } else if let Some(e) = count.failed {
        return Err(CheckFail::Errored(format!(
            "the SPF lookup count is incomplete: {e}"
        )));
    }
    Ok(())
}

fn shown_texts(answer: &Answer) -> String {
    match answer {
        Answer::NxDomain => "no such name".into(),
        _ if answer.texts().is_empty() => "no TXT records".into(),
        _ => format!("no v=spf1 record among {}", answer.texts().join(" | ")),
    }
}

/// Reports an `all` that lets any server send, following a `redirect=` when the record has no `all` of its own.
async fn permissive_all(
    ctx: &CheckCtx,
    zone: &Zone,
    location: &str,
    record: &str,
    top: &[Term],
    count: &Count,
) {
    let (qualifier, from) = match all_qualifier(top) {
        Some(q) => (Some(q), zone.domain.clone()),
        None => match count.redirect_all.clone() {
            Some((q, domain)) => (q, domain),
            None if top.iter().any(|t| t.name == "redirect") => return,
            None => (None, zone.domain.clone()),
        },
    };
    let (title, severity) = match qualifier {
        Some('+') => (
            "SPF allows every server on the internet to send mail as this domain (+all)",
            Severity::High,
        ),
        Some('?') => (
            "SPF gives no verdict for other servers (?all)",
            Severity::Medium,
        ),
        None => (
            "SPF has no `all`: other servers get no verdict",
            Severity::Medium,
        ),
        _ => return,
    };
    let via = if from == zone.domain {
        String::new()
    } else {
        format!(" (the `all` comes from the redirect to {from})")
    };
    let draft = ctx
        .finding(&SPF_ALL, location)
        .title(title)
        .severity(severity)
        .evidence(format!("TXT {}: {record}{via}", zone.domain));
    ctx.report(draft).await;
}

/// The DNS-querying terms of a record and everything it includes.
#[derive(Debug, Default)]
struct Count {
    total: usize,
    /// `domain: n` for each record counted.
    per_domain: Vec<String>,
    /// True when counting stopped at the bound before the end.
    stopped: bool,
    /// The qualifier of the `all` in the record a top-level `redirect=` leads to, and that record's domain.
    redirect_all: Option<(Option<char>, String)>,
    /// Why a record on the way could not be read.
    failed: Option<String>,
}

impl Count {
    fn add(&mut self, domain: &str, terms: &[Term]) {
        let n = terms.iter().filter(|t| queries_dns(t)).count();
        self.total += n;
        self.per_domain.push(format!("{domain}: {n}"));
    }
}

async fn count_lookups(ctx: &CheckCtx, zone: &Zone, top: &[Term]) -> Count {
    let mut count = Count::default();
    count.add(&zone.domain, top);
    let redirect = top
        .iter()
        .find(|t| t.name == "redirect")
        .and_then(|t| followed(std::slice::from_ref(t)).pop());
    let mut seen: HashSet<String> = HashSet::from([zone.domain.clone()]);
    let mut queue: VecDeque<String> = followed(top).into();
    let mut fetches = 0;
    while let Some(domain) = queue.pop_front() {
        if !seen.insert(domain.clone()) {
            continue;
        }
        if fetches >= MAX_FETCHES {
            count.stopped = true;
            break;
        }
        fetches += 1;
        let texts = match resolve::query(ctx, &domain, RecordType::TXT).await {
            Ok(answer) => answer.texts(),
            Err(CheckFail::Errored(e)) | Err(CheckFail::Skipped(e)) => {
                count.failed.get_or_insert(e);
                continue;
            }
        };
        let Some(record) = records(&texts).into_iter().next() else {
            count.per_domain.push(format!("{domain}: no SPF record"));
            continue;
        };
        let inner = terms(&record);
        if redirect.as_deref() == Some(domain.as_str()) && all_qualifier(top).is_none() {
            count.redirect_all = Some((all_qualifier(&inner), domain.clone()));
        }
        count.add(&domain, &inner);
        queue.extend(followed(&inner));
    }
    count
}
