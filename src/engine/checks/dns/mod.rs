//! `dns` checks: mail authentication (SPF, DMARC), CAA, DNSSEC, dangling CNAMEs, zone transfers and wildcards.
//!
//! Queries go to the scan's resolver (the name servers of `network.nameservers` / `--nameserver`, or the
//! system's). IP targets are skipped; special-use names (`.test`, `.internal`...) are only asked of name servers
//! the user named; a domain the DNS does not know is skipped. A query that fails is an error of the check. They run
//! on a name without an address too (a mail-only domain, a dangling CNAME), where the other checks cannot.

use crate::engine::registry::Check;
use crate::model::{Module, Profile};

/// Declares a `dns` rule: `rule!(NAME, "id", Severity, cwe, "title", "why", "fix", [refs])`.
macro_rules! rule {
    ($name:ident, $id:literal, $sev:ident, $cwe:expr, $title:literal, $desc:expr, $fix:literal, [$($r:expr),* $(,)?]) => {
        pub static $name: crate::engine::registry::Rule = crate::engine::registry::Rule {
            id: $id,
            category: crate::model::Category::Dns,
            severity: crate::model::Severity::$sev,
            title: $title,
            description: $desc,
            remediation: $fix,
            references: &[$($r),*],
            cwe: $cwe,
        };
    };
}

mod axfr;
mod dmarc;
mod providers;
pub mod resolve;
mod spf;
mod spf_terms;
mod takeover;
mod zone;

/// The `dns` checks.
pub static CHECKS: &[Check] = &[
    Check {
        id: "dns.spf",
        module: Module::Dns,
        profile: Profile::Standard,
        summary: "SPF of the registrable domain: present, one record, ends in -all or ~all, at most 10 lookups",
        rules: &[
            &spf::SPF_MISSING,
            &spf::SPF_ALL,
            &spf::SPF_LOOKUPS,
            &spf::SPF_MULTIPLE,
        ],
        run: |ctx| Box::pin(spf::run(ctx)),
    },
    Check {
        id: "dns.dmarc",
        module: Module::Dns,
        profile: Profile::Standard,
        summary: "DMARC at _dmarc.<domain>: present, with a policy that acts (quarantine or reject)",
        rules: &[&dmarc::DMARC_MISSING, &dmarc::DMARC_NONE],
        run: |ctx| Box::pin(dmarc::run(ctx)),
    },
    Check {
        id: "dns.caa",
        module: Module::Dns,
        profile: Profile::Standard,
        summary: "CAA records from the host up to the registrable domain",
        rules: &[&zone::CAA_MISSING],
        run: |ctx| Box::pin(zone::caa(ctx)),
    },
    Check {
        id: "dns.dnssec",
        module: Module::Dns,
        profile: Profile::Standard,
        summary: "a DNSKEY at the registrable domain (the zone is signed)",
        rules: &[&zone::DNSSEC_MISSING],
        run: |ctx| Box::pin(zone::dnssec(ctx)),
    },
    Check {
        id: "dns.takeover",
        module: Module::Dns,
        profile: Profile::Standard,
        summary: "CNAMEs of the host and www. to a provider's name that does not exist or is unclaimed, or to any name that does not exist",
        rules: &[&takeover::TAKEOVER, &takeover::DANGLING],
        run: |ctx| Box::pin(takeover::run(ctx)),
    },
    Check {
        id: "dns.wildcard",
        module: Module::Dns,
        profile: Profile::Standard,
        summary: "a random name under the zone resolves (wildcard records)",
        rules: &[&zone::WILDCARD],
        run: |ctx| Box::pin(zone::wildcard(ctx)),
    },
    Check {
        id: "dns.axfr",
        module: Module::Dns,
        profile: Profile::Deep,
        summary: "zone transfer (AXFR) from each name server, over TCP",
        rules: &[&axfr::AXFR_OPEN],
        run: |ctx| Box::pin(axfr::run(ctx)),
    },
];
