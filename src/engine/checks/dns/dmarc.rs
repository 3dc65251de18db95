//! DMARC (RFC 7489) at `_dmarc.<registrable domain>`: missing (or unusable), or a policy that does not act on
//! failing mail (`p=none`, or `sp=none` for subdomains).

use super::resolve;
use crate::engine::context::CheckCtx;
use crate::engine::registry::CheckResult;
use hickory_resolver::proto::rr::RecordType;

const RFC7489: &str = "https://www.rfc-editor.org/rfc/rfc7489";
const DMARC_ORG: &str = "https://dmarc.org/overview/";

rule!(
    DMARC_MISSING,
    "dns.dmarc-missing",
    Medium,
    Some(290),
    "No DMARC policy",
    "The domain publishes no usable DMARC record at `_dmarc.<domain>`, so receiving mail servers have no instruction \
     for mail that claims to come from it but fails SPF and DKIM: spoofed mail in the domain's name (the From a \
     reader sees) is delivered as the receiver pleases.",
    "Publish a TXT record at `_dmarc.<domain>`: start with `v=DMARC1; p=none; rua=mailto:dmarc@<domain>` to collect \
     reports, then move to `p=quarantine` and `p=reject` once every legitimate sender passes. A domain that sends no \
     mail publishes `v=DMARC1; p=reject;` right away (with `v=spf1 -all` as its SPF record).",
    [RFC7489, DMARC_ORG]
);
rule!(
    DMARC_NONE,
    "dns.dmarc-none",
    Low,
    Some(290),
    "DMARC policy does not act on spoofed mail (p=none)",
    "The DMARC record asks receivers to take no action on mail that fails authentication (`p=none`): it collects \
     reports but does not stop anyone from sending mail in the domain's name.",
    "Once the reports show every legitimate sender passing SPF or DKIM, move to `p=quarantine` and then \
     `p=reject` (and do not set `sp=none`, which leaves subdomains open). A domain that sends no mail can publish \
     `v=DMARC1; p=reject;` right away.",
    [RFC7489, DMARC_ORG]
);

/// The tags of a DMARC record (`v`, `p`, `sp`...), names lower-case.
pub fn tags(record: &str) -> Vec<(String, String)> {
    record
        .split(';')
        .filter_map(|part| part.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect()
}

/// The DMARC records among TXT texts (RFC 7489 §6.6.3: those starting with `v=DMARC1`).
pub fn records(texts: &[String]) -> Vec<String> {
    texts
        .iter()
        .filter(|t| {
            tags(t)
                .first()
                .is_some_and(|(k, v)| k == "v" && v.eq_ignore_ascii_case("DMARC1"))
        })
        .cloned()
        .collect()
}

fn tag<'a>(tags: &'a [(String, String)], name: &str) -> Option<&'a str> {
    tags.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub async fn run(ctx: &CheckCtx) -> CheckResult {
    let zone = resolve::zone(ctx).await?;
    let name = format!("_dmarc.{}", zone.domain);
    let location = format!("dns:{name} TXT");
    let answer = resolve::query(ctx, &name, RecordType::TXT).await?;
    let texts = answer.texts();
    let found = records(&texts);
    let missing = |why: String| ctx.finding(&DMARC_MISSING, &location).evidence(why);
    let record = match found.as_slice() {
        [] if texts.is_empty() => {
            ctx.report(missing(format!("TXT {name}: no records"))).await;
            return Ok(());
        }
        [] => {
            let why = format!("TXT {name}: no v=DMARC1 record among {}", texts.join(" | "));
            ctx.report(missing(why)).await;
            return Ok(());
        }
        [one] => one,
        several => {
            let draft = missing(format!("TXT {name}: {}", several.join(" | ")))
                .title("Several DMARC records: receivers ignore them all");
            ctx.report(draft).await;
            return Ok(());
        }
    };
    let t = tags(record);
    let policy = tag(&t, "p").map(str::to_ascii_lowercase);
    let sub = tag(&t, "sp").map(str::to_ascii_lowercase);
    let evidence = format!("TXT {name}: {record}");
    match policy.as_deref() {
        Some("quarantine" | "reject") if sub.as_deref() == Some("none") => {
            let draft = ctx
                .finding(&DMARC_NONE, &location)
                .title("DMARC policy does not act on spoofed mail from subdomains (sp=none)")
                .evidence(evidence);
            ctx.report(draft).await;
        }
        Some("quarantine" | "reject") => {}
        Some("none") => {
            ctx.report(ctx.finding(&DMARC_NONE, &location).evidence(evidence))
                .await
        }
        _ => {
            let draft = missing(evidence)
                .title("DMARC record without a valid policy (p=): receivers ignore it");
            ctx.report(draft).await;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_records() {
        let texts = vec![
            "v=spf1 -all".to_string(),
            "v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com".to_string(),
        ];
        let found = records(&texts);
        assert_eq!(found.len(), 1);
        let t = tags(&found[0]);
        assert_eq!(tag(&t, "p"), Some("reject"));
        assert_eq!(tag(&t, "sp"), Some("none"));
        assert!(records(&["v=DMARC2; p=none".to_string()]).is_empty());
    }
}
