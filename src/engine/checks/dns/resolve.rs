//! DNS queries for the `dns` checks: which names may be asked at all, the zone a target belongs to, and one query
//! bounded by the scan's timeout and cancellation, its outcome told apart as records, no data or no such name.

use crate::engine::context::{CheckCtx, ScanCtx};
use crate::engine::registry::{CheckFail, STOPPED};
use hickory_resolver::proto::rr::{RData, Record, RecordType};

/// Suffixes of special-use names (RFC 6761, 6762, 7686, 8375, 9476 and common private ones): names under them are
/// never asked of the machine's resolver, only of name servers the user named.
const SPECIAL_USE: &[&str] = &[
    "test",
    "example",
    "invalid",
    "localhost",
    "local",
    "internal",
    "home.arpa",
    "lan",
    "onion",
    "alt",
];

/// What one query found.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Records of the asked type (CNAMEs the resolver followed on the way are left out).
    Records(Vec<Record>),
    /// The name exists but has no record of this type.
    NoData,
    /// The name does not exist (NXDOMAIN).
    NxDomain,
}

impl Answer {
    /// The records found, none for `NoData` and `NxDomain`.
    pub fn records(&self) -> &[Record] {
        match self {
            Answer::Records(r) => r,
            _ => &[],
        }
    }

    /// The text of each TXT record, its strings joined as RFC 7208 §3.3 says (without spaces).
    pub fn texts(&self) -> Vec<String> {
        self.records()
            .iter()
            .filter_map(|r| match &r.data {
                RData::TXT(txt) => Some(
                    txt.txt_data
                        .iter()
                        .map(|s| String::from_utf8_lossy(s).into_owned())
                        .collect::<String>(),
                ),
                _ => None,
            })
            .collect()
    }
}

/// The names a `dns` check asks about: the target host and its registrable domain.
#[derive(Debug, Clone)]
pub struct Zone {
    /// The target host, lower-case, without a trailing dot.
    pub host: String,
    /// Its registrable domain by the Public Suffix List (`shop.example.co.uk` for `www.shop.example.co.uk`).
    pub domain: String,
}

/// The target's zone, after the rules on what may be asked: an IP literal has no DNS of its own, a pinned name is
/// never asked of the system's resolver (the pin says the user does not want it to learn the name), a special-use name is asked only of
/// name servers the user named, and a domain the DNS does not know (a name reached through a pin)
/// has nothing to check.
pub async fn zone(ctx: &CheckCtx) -> Result<Zone, CheckFail> {
    if ctx.target.ip().is_some() {
        return Err(CheckFail::Skipped(
            "the target is an IP address: it has no DNS records of its own".into(),
        ));
    }
    let host = ctx.target.host().trim_end_matches('.').to_ascii_lowercase();
    if let Some(suffix) = special_use(&host)
        && !ctx.scan.net.connector().nameservers_chosen()
    {
        return Err(CheckFail::Skipped(format!(
            "{host} is a special-use name (.{suffix}): it is only asked of name servers named with --nameserver or \
             network.nameservers, never of the system's resolver"
        )));
    }
    if ctx.scan.net.connector().is_pinned(&host) && !ctx.scan.net.connector().nameservers_chosen() {
        return Err(CheckFail::Skipped(format!(
            "{host} is pinned to an address (--resolve, --connect-to or network.pins): a pinned name is never sent \
             to the system's resolver, so its DNS records are checked only against name servers named with \
             --nameserver or network.nameservers"
        )));
    }
    let domain = registrable(&host).ok_or_else(|| {
        CheckFail::Skipped(format!(
            "{host} has no registrable domain (a single label or a public suffix)"
        ))
    })?;
    if let Some(suffix) = platform_suffix(&domain) {
        return Err(CheckFail::Skipped(format!(
            "{host} is under {suffix}, a suffix a hosting platform owns (private section of the Public Suffix \
             List): its DNS records are the platform's to set, not the site's"
        )));
    }
    if let Answer::NxDomain = query(ctx, &domain, RecordType::SOA).await? {
        return Err(CheckFail::Skipped(format!(
            "{domain} does not exist in the DNS (NXDOMAIN): the host is reached through a pin, so it has no DNS \
             records to check"
        )));
    }
    Ok(Zone { host, domain })
}

/// The special-use suffix `host` falls under, if any.
pub fn special_use(host: &str) -> Option<&'static str> {
    SPECIAL_USE
        .iter()
        .copied()
        .find(|s| host == *s || host.ends_with(&format!(".{s}")))
}

/// The registrable domain of `host`, `None` for single labels and public suffixes themselves.
pub fn registrable(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if !host.contains('.') {
        return None;
    }
    psl::domain_str(&host).map(str::to_string)
}

/// The suffix `domain` is under when a platform owns it (`herokuapp.com`, `github.io`: the private section of the
/// Public Suffix List), so that names under it are the platform's customers' and their DNS records the platform's.
pub fn platform_suffix(domain: &str) -> Option<String> {
    let parsed = psl::domain(domain.as_bytes())?;
    let suffix = parsed.suffix();
    (suffix.typ() == Some(psl::Type::Private))
        .then(|| String::from_utf8_lossy(suffix.as_bytes()).into_owned())
}

/// Asks the resolver for `rtype` records of `name`, within the scan's request timeout; a failure (SERVFAIL,
/// REFUSED, no answer in time) is an error of the check, never "no records".
pub async fn query(ctx: &CheckCtx, name: &str, rtype: RecordType) -> Result<Answer, CheckFail> {
    query_in(&ctx.scan, name, rtype).await
}

/// Like [`query`], for the engine before any check runs (telling why a target has no address).
pub async fn query_in(scan: &ScanCtx, name: &str, rtype: RecordType) -> Result<Answer, CheckFail> {
    let resolver = scan
        .net
        .connector()
        .resolver()
        .map_err(CheckFail::Errored)?;
    let fqdn = format!("{}.", name.trim_end_matches('.'));
    let timeout = scan.settings.timeout;
    let lookup = tokio::select! {
        _ = scan.cancel.cancelled() => return Err(CheckFail::Skipped(STOPPED.into())),
        r = tokio::time::timeout(timeout, resolver.lookup(fqdn.as_str(), rtype)) => r,
    };
    let result = lookup.map_err(|_| {
        CheckFail::Errored(format!(
            "DNS query {name} {rtype}: no answer within {timeout:?}"
        ))
    })?;
    match result {
        Ok(lookup) => {
            let records: Vec<Record> = lookup
                .answers()
                .iter()
                .filter(|r| r.record_type() == rtype)
                .cloned()
                .collect();
            Ok(if records.is_empty() {
                Answer::NoData
            } else {
                Answer::Records(records)
            })
        }
        Err(e) if e.is_nx_domain() => Ok(Answer::NxDomain),
        Err(e) if e.is_no_records_found() => Ok(Answer::NoData),
        Err(e) => Err(CheckFail::Errored(format!("DNS query {name} {rtype}: {e}"))),
    }
}

/// One record as a zone file line would show it: `name TYPE data`.
pub fn show(record: &Record) -> String {
    format!(
        "{} {} {}",
        record.name.to_string().trim_end_matches('.'),
        record.record_type(),
        record.data
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_use_names_are_recognised_by_whole_labels() {
        assert_eq!(special_use("shop.lab.palisade.test"), Some("test"));
        assert_eq!(special_use("router.home.arpa"), Some("home.arpa"));
        assert_eq!(special_use("printer.local"), Some("local"));
        assert_eq!(special_use("contest.com"), None);
        assert_eq!(special_use("example.com"), None);
    }

    #[test]
    fn registrable_domains_follow_the_public_suffix_list() {
        assert_eq!(
            registrable("www.shop.example.co.uk").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(
            registrable("a.b.example.com.").as_deref(),
            Some("example.com")
        );
        assert_eq!(registrable("app.shop.test").as_deref(), Some("shop.test"));
        assert_eq!(registrable("co.uk"), None);
        assert_eq!(
            platform_suffix("myapp.herokuapp.com").as_deref(),
            Some("herokuapp.com")
        );
        assert_eq!(
            platform_suffix("acme.github.io").as_deref(),
            Some("github.io")
        );
        assert_eq!(platform_suffix("example.com"), None);
        assert_eq!(platform_suffix("shop.test"), None);
        assert_eq!(registrable("localhost"), None);
    }
}
