//! `tls.hsts`: Strict-Transport-Security on the HTTPS start page, parsed as browsers do (RFC 6797).

use super::rules::*;
use crate::engine::context::CheckCtx;
use crate::engine::registry::{CheckFail, CheckResult};

/// The Observatory's "six months" (182.5 days): below it the `strict-transport-security` test scores -10.
pub const OBSERVATORY_SIX_MONTHS: u64 = 15_768_000;
/// 180 days, the shortest max-age reported as a finding: 15552000 is a very common setting and protects as well
/// as the Observatory's threshold, two and a half days longer.
pub const SHORT_MAX_AGE: u64 = 15_552_000;

/// A parsed `Strict-Transport-Security` header.
#[derive(Debug, PartialEq)]
pub struct Hsts {
    pub max_age: u64,
    pub include_subdomains: bool,
    pub preload: bool,
}

/// Parses an HSTS header value as browsers do (RFC 6797): exactly one max-age, directives once each.
pub fn parse_hsts(value: &str) -> Option<Hsts> {
    let mut max_age = None;
    let (mut include_subdomains, mut preload) = (false, false);
    let mut seen = std::collections::HashSet::new();
    for part in value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, val) = match part.split_once('=') {
            Some((n, v)) => (
                n.trim().to_ascii_lowercase(),
                Some(v.trim().trim_matches('"')),
            ),
            None => (part.to_ascii_lowercase(), None),
        };
        if !seen.insert(name.clone()) {
            return None;
        }
        match name.as_str() {
            "max-age" => max_age = Some(val?.parse::<u64>().ok()?),
            "includesubdomains" => include_subdomains = true,
            "preload" => preload = true,
            _ => {}
        }
    }
    Some(Hsts {
        max_age: max_age?,
        include_subdomains,
        preload,
    })
}

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let page = ctx.start_page().await?;
    let resp = page.resp();
    if resp.url.scheme() != "https" {
        ctx.observe(
            "strict-transport-security",
            "hsts-not-implemented-no-https",
            -20,
        );
        return Err(CheckFail::Skipped(
            "the site is served over plain HTTP, where browsers ignore HSTS".into(),
        ));
    }
    let location = resp.url.as_str().to_string();
    let values = resp.header_all("strict-transport-security");
    let Some(value) = values.first() else {
        ctx.observe("strict-transport-security", "hsts-not-implemented", -20);
        ctx.report(ctx.finding(&HSTS_MISSING, &location)).await;
        return Ok(());
    };
    match parse_hsts(value).filter(|_| values.len() == 1) {
        None => {
            ctx.observe("strict-transport-security", "hsts-header-invalid", -20);
            ctx.report(
                ctx.finding(&HSTS_INVALID, &location)
                    .evidence(values.join(" | ")),
            )
            .await;
        }
        Some(h) if h.max_age < OBSERVATORY_SIX_MONTHS => {
            ctx.observe(
                "strict-transport-security",
                "hsts-implemented-max-age-less-than-six-months",
                -10,
            );
            if h.max_age < SHORT_MAX_AGE {
                let days = h.max_age / 86_400;
                let title = format!(
                    "HSTS max-age is {} seconds ({days} days), shorter than 180 days",
                    h.max_age
                );
                let draft = ctx.finding(&HSTS_SHORT, &location).title(title);
                ctx.report(draft.evidence(value)).await;
            }
        }
        Some(_) => ctx.observe(
            "strict-transport-security",
            "hsts-implemented-max-age-at-least-six-months",
            0,
        ),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsts_parsing_follows_rfc_6797() {
        assert_eq!(
            parse_hsts("max-age=63072000; includeSubDomains; preload"),
            Some(Hsts {
                max_age: 63_072_000,
                include_subdomains: true,
                preload: true
            })
        );
        assert_eq!(parse_hsts("max-age=\"300\"").map(|h| h.max_age), Some(300));
        assert_eq!(
            parse_hsts("MAX-AGE=5;"),
            Some(Hsts {
                max_age: 5,
                include_subdomains: false,
                preload: false
            })
        );
        for invalid in [
            "",
            "includeSubDomains",
            "max-age=abc",
            "max-age=1; max-age=2",
            "max-age",
        ] {
            assert_eq!(parse_hsts(invalid), None, "{invalid:?}");
        }
    }
}
