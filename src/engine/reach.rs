//! Whether a target's name has an address for the web, TLS and network checks, found once per host before its
//! checks start. A name the DNS knows without an address (a mail-only domain, a CNAME left pointing at a name that
//! is gone) still gets its `dns` checks, which matter most for exactly those names; a name the DNS does not know at
//! all gets none. The scope guard is not bypassed: this only asks the resolver, and every connection still goes
//! through the guarded connector.

use super::checks::dns::resolve::{self, Answer};
use super::context::ScanCtx;
use super::net::NetError;
use super::registry::{Check, CheckFail};
use crate::model::Module;
use crate::target::TargetUrl;
use hickory_resolver::proto::rr::{RData, RecordType};

/// CNAMEs followed at most when telling why a name has no address.
const MAX_CHAIN: usize = 8;

/// What a target's name leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// The name has addresses, or it could not be told (an IP address, a pinned name, a resolver that failed):
    /// every check runs, and the ones that connect find out.
    Open,
    /// The name exists in the DNS but has no address; the words say why (`the name has no A/AAAA record`).
    NameOnly(String),
    /// The name does not exist (NXDOMAIN): the error every check ends with, and the target's.
    NoSuchName(String),
}

impl Reach {
    /// Looks up `target`'s address the way a connection would (pins, then the resolver) and, when there is none,
    /// asks the DNS why: no such name, no address records, or a CNAME chain ending at a name that does not resolve.
    pub async fn of(scan: &ScanCtx, target: &TargetUrl) -> Reach {
        let host = target.host().trim_end_matches('.').to_ascii_lowercase();
        let connector = scan.net.connector();
        // A special-use name is asked only of name servers the user named, as the `dns` checks do.
        let unaskable = resolve::special_use(&host).is_some() && !connector.nameservers_chosen();
        if target.ip().is_some() || connector.is_pinned(&host) || unaskable {
            return Reach::Open;
        }
        let lookup = tokio::select! {
            _ = scan.cancel.cancelled() => return Reach::Open,
            r = tokio::time::timeout(scan.settings.timeout, connector.resolve(&host, target.port())) => r,
        };
        match lookup {
            Ok(Err(NetError::Dns { .. })) => {
                why_no_address(scan, &host).await.unwrap_or(Reach::Open)
            }
            _ => Reach::Open,
        }
    }

    /// Why `check` does not run on this target, if it does not: only `dns` checks run on a name without an
    /// address, and nothing runs on a name that does not exist.
    pub fn stops(&self, check: &Check) -> Option<CheckFail> {
        match self {
            Reach::Open => None,
            Reach::NameOnly(_) if check.module == Module::Dns => None,
            Reach::NameOnly(why) => Some(CheckFail::Skipped(format!("no address: {why}"))),
            Reach::NoSuchName(error) => Some(CheckFail::Errored(error.clone())),
        }
    }
}

/// The target error of a name without an address whose `dns` checks ran.
pub fn no_web_server(why: &str) -> String {
    format!(
        "no web server: {why}, so only its DNS checks ran (the web, TLS and network checks need an address)"
    )
}

/// Follows the CNAMEs from `host` to the name at the end; `None` when the answer is not clear (a query failed, the
/// chain loops or is too long, the end has an address after all), so the checks run and find out themselves.
async fn why_no_address(scan: &ScanCtx, host: &str) -> Option<Reach> {
    let chosen = scan.net.connector().nameservers_chosen();
    let mut names = vec![host.to_string()];
    loop {
        let name = names.last()?.clone();
        let answer = resolve::query_in(scan, &name, RecordType::CNAME)
            .await
            .ok()?;
        let next = answer.records().iter().find_map(|r| match &r.data {
            RData::CNAME(c) => Some(c.0.to_string().trim_end_matches('.').to_ascii_lowercase()),
            _ => None,
        });
        if let Some(next) = next {
            let unaskable = resolve::special_use(&next).is_some() && !chosen;
            if names.len() > MAX_CHAIN || names.contains(&next) || unaskable {
                return None;
            }
            names.push(next);
            continue;
        }
        let missing = matches!(answer, Answer::NxDomain);
        if !missing && has_address(scan, &name).await? {
            return None;
        }
        return Some(match (names.len(), missing) {
            (1, true) => Reach::NoSuchName(format!(
                "cannot resolve {host}: no such name (NXDOMAIN: the DNS has no record of any type for it)"
            )),
            (1, false) => Reach::NameOnly("the name has no A/AAAA record".into()),
            (_, true) => Reach::NameOnly(format!(
                "the CNAME chain {} ends at {name}, which does not resolve (no such name)",
                names.join(" → ")
            )),
            (_, false) => Reach::NameOnly(format!(
                "the CNAME chain {} ends at {name}, which does not resolve (no A/AAAA record)",
                names.join(" → ")
            )),
        });
    }
}

/// True if `name` has an A or AAAA record; `None` if a query failed.
async fn has_address(scan: &ScanCtx, name: &str) -> Option<bool> {
    for rtype in [RecordType::A, RecordType::AAAA] {
        let answer = resolve::query_in(scan, name, rtype).await.ok()?;
        if !answer.records().is_empty() {
            return Some(true);
        }
    }
    Some(false)
}
