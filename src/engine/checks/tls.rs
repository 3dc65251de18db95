//! `tls` checks: the certificate a site presents, whether plain HTTP redirects to HTTPS, and HSTS.

use super::tls_cert::{self, ChainFacts};
use crate::engine::context::CheckCtx;
use crate::engine::net::NetError;
use crate::engine::registry::{Check, CheckFail, CheckResult, Rule};
use crate::model::{Category, Module, Profile, Severity};
use rustls::pki_types::UnixTime;
use time::OffsetDateTime;

const MOZILLA_TLS: &str = "https://wiki.mozilla.org/Security/Server_Side_TLS";
const MDN_HSTS: &str =
    "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Strict-Transport-Security";

macro_rules! tls_rule {
    ($name:ident, $id:literal, $sev:ident, $cwe:expr, $title:literal, $desc:literal, $fix:literal, [$($r:expr),*]) => {
        pub static $name: Rule = Rule {
            id: $id, category: Category::Tls, severity: Severity::$sev, title: $title, description: $desc,
            remediation: $fix, references: &[$($r),*], cwe: $cwe,
        };
    };
}

tls_rule!(
    CERT_EXPIRED,
    "tls.cert-expired",
    High,
    Some(298),
    "TLS certificate has expired",
    "Browsers refuse the site with a full-page warning, and users who click through learn to ignore real attacks.",
    "Renew the certificate now and automate renewal (certbot, Caddy, cert-manager or your CDN's managed certificates), then reload the server.",
    [MOZILLA_TLS]
);
tls_rule!(
    CERT_NOT_YET_VALID,
    "tls.cert-not-yet-valid",
    High,
    Some(298),
    "TLS certificate is not yet valid",
    "The certificate's validity starts in the future, so browsers refuse it. Usually a wrong clock or a certificate installed too early.",
    "Check the server's clock (NTP) and install a certificate whose validity has started.",
    [MOZILLA_TLS]
);
tls_rule!(
    CERT_EXPIRING,
    "tls.cert-expiring-soon",
    Medium,
    Some(298),
    "TLS certificate expires within 30 days",
    "When it lapses, browsers will refuse the site.",
    "Renew the certificate and automate renewal so it is replaced at least 30 days before expiry.",
    [MOZILLA_TLS]
);
tls_rule!(
    CERT_SELF_SIGNED,
    "tls.cert-self-signed",
    High,
    Some(295),
    "TLS certificate is self-signed",
    "No browser trusts it, so visitors see a warning and cannot tell the real site from an impostor.",
    "Use a certificate from a public CA (Let's Encrypt is free). For internal services, issue from a private CA and pass it to palisade with --ca-cert.",
    [MOZILLA_TLS]
);
tls_rule!(
    CERT_UNTRUSTED,
    "tls.cert-untrusted",
    High,
    Some(295),
    "TLS certificate chain is not trusted",
    "The chain does not lead to a root browsers trust; most often the server does not send its intermediate certificate.",
    "Serve the full chain (leaf then intermediates, e.g. fullchain.pem for nginx ssl_certificate), or trust the private CA with --ca-cert if this is an internal site.",
    [MOZILLA_TLS]
);
tls_rule!(
    CERT_NAME_MISMATCH,
    "tls.cert-hostname-mismatch",
    High,
    Some(297),
    "TLS certificate does not cover this host name",
    "Browsers refuse the connection because the certificate was issued for other names.",
    "Issue a certificate whose Subject Alternative Names include this host (or a matching wildcard) and serve it for this name (check SNI/server_name).",
    [MOZILLA_TLS]
);
tls_rule!(
    CERT_WEAK_KEY,
    "tls.cert-weak-key",
    Medium,
    Some(326),
    "TLS certificate uses a weak key",
    "RSA or DSA keys under 2048 bits can be factored by a well-funded attacker, and modern clients refuse them.",
    "Generate a new key (ECDSA P-256, or RSA 2048/3072 bits) and have the certificate reissued for it.",
    [MOZILLA_TLS]
);
tls_rule!(
    CERT_SHA1,
    "tls.cert-sha1-signature",
    Medium,
    Some(328),
    "TLS certificate chain is signed with SHA-1",
    "SHA-1 signatures can be forged (chosen-prefix collisions), and browsers no longer accept them.",
    "Have the certificate (and any intermediate) reissued with a SHA-256 signature.",
    [MOZILLA_TLS]
);
tls_rule!(
    NO_HTTPS,
    "tls.no-https",
    High,
    Some(319),
    "Site is not available over HTTPS",
    "Everything visitors send and receive, passwords and session cookies included, crosses the network in clear text and can be read or changed on the way.",
    "Serve the site over HTTPS (a free certificate from Let's Encrypt or your CDN), then redirect HTTP to HTTPS and add HSTS.",
    [MOZILLA_TLS]
);
tls_rule!(
    HTTP_NO_REDIRECT,
    "tls.http-no-redirect",
    Medium,
    Some(319),
    "HTTP is not redirected to HTTPS",
    "Visitors who type the address or follow an old link stay on plain HTTP, where an attacker on the network can read and change the page.",
    "Answer every plain-HTTP request with a 301 redirect to the same URL on https://.",
    [
        "https://developer.mozilla.org/en-US/docs/Web/Security/Practical_implementation_guides/TLS#http_redirections"
    ]
);
tls_rule!(
    HTTP_REDIRECT_INDIRECT,
    "tls.http-redirect-indirect",
    Low,
    Some(319),
    "First HTTP redirect does not go to HTTPS",
    "The first redirect stays on plain HTTP (or goes to another host), so the hop before HTTPS can still be intercepted, and HSTS is not set for this host.",
    "Make the first redirect go straight to https:// on the same host, then redirect to other hosts over HTTPS.",
    [
        "https://developer.mozilla.org/en-US/docs/Web/Security/Practical_implementation_guides/TLS#http_redirections"
    ]
);
tls_rule!(
    HSTS_MISSING,
    "tls.hsts-missing",
    Medium,
    Some(319),
    "Strict-Transport-Security header is missing",
    "Without HSTS, a browser that visits over HTTP can be downgraded by an attacker on the network (SSL stripping).",
    "Send `Strict-Transport-Security: max-age=63072000; includeSubDomains` on every HTTPS response (add `preload` once every subdomain serves HTTPS).",
    [MDN_HSTS]
);
tls_rule!(
    HSTS_SHORT,
    "tls.hsts-short",
    Low,
    Some(319),
    "HSTS max-age is shorter than six months",
    "A short max-age lets the protection lapse between visits.",
    "Raise max-age to at least 15768000 (six months); two years (63072000) is usual.",
    [MDN_HSTS]
);
tls_rule!(
    HSTS_INVALID,
    "tls.hsts-invalid",
    Medium,
    Some(319),
    "Strict-Transport-Security header is invalid",
    "Browsers ignore a header they cannot parse, so the site has no HSTS protection.",
    "Send exactly one header of the form `Strict-Transport-Security: max-age=63072000; includeSubDomains`.",
    [MDN_HSTS]
);

/// The `tls` checks.
pub static CHECKS: &[Check] = &[
    Check {
        id: "tls.certificate",
        module: Module::Tls,
        profile: Profile::Quick,
        summary: "certificate validity, trust, host name, key and signature",
        rules: &[
            &CERT_EXPIRED,
            &CERT_NOT_YET_VALID,
            &CERT_EXPIRING,
            &CERT_SELF_SIGNED,
            &CERT_UNTRUSTED,
            &CERT_NAME_MISMATCH,
            &CERT_WEAK_KEY,
            &CERT_SHA1,
        ],
        run: |ctx| Box::pin(certificate(ctx)),
    },
    Check {
        id: "tls.https-redirect",
        module: Module::Tls,
        profile: Profile::Quick,
        summary: "HTTPS is offered and plain HTTP redirects to it",
        rules: &[&NO_HTTPS, &HTTP_NO_REDIRECT, &HTTP_REDIRECT_INDIRECT],
        run: |ctx| Box::pin(https_redirect(ctx)),
    },
    Check {
        id: "tls.hsts",
        module: Module::Tls,
        profile: Profile::Quick,
        summary: "Strict-Transport-Security on HTTPS responses",
        rules: &[&HSTS_MISSING, &HSTS_SHORT, &HSTS_INVALID],
        run: |ctx| Box::pin(hsts(ctx)),
    },
];

async fn certificate(ctx: &CheckCtx) -> CheckResult {
    let Some((host, port)) = ctx.https_origin().await else {
        return Err(CheckFail::Skipped(
            "the site has no HTTPS address to check".into(),
        ));
    };
    let shake = match ctx.tls_handshake(&host, port).await {
        Err(NetError::Connect { .. }) if ctx.target.scheme() == "http" => {
            return Err(CheckFail::Skipped(format!(
                "nothing answers HTTPS on {host}:{port}"
            )));
        }
        other => other?,
    };
    let facts = tls_cert::facts(&shake.chain).map_err(CheckFail::Errored)?;
    let location = if port == 443 {
        host.clone()
    } else {
        format!("{host}:{port}")
    };
    let location = format!("{location} (TLS)");
    let now = OffsetDateTime::now_utc();
    report_dates(ctx, &facts, &location, now).await;
    let trusted_at = if facts.not_after < now || facts.not_before > now {
        tls_cert::inside_validity(&facts)
    } else {
        UnixTime::now()
    };
    let algorithm_flagged = facts.weak_key() || facts.sha1_signed.is_some();
    if facts.self_signed {
        ctx.report(
            ctx.finding(&CERT_SELF_SIGNED, &location)
                .evidence(facts.summary()),
        )
        .await;
    } else if let Err(e) = ctx.scan.net.verify_chain(&shake.chain, &host, trusted_at) {
        let refused_for_algorithm = algorithm_flagged && tls_cert::is_algorithm_refusal(&e);
        if let Some(problem) = tls_cert::trust_problem(&e).filter(|_| !refused_for_algorithm) {
            let draft = ctx
                .finding(&CERT_UNTRUSTED, &location)
                .evidence(format!("{problem}; {}", facts.summary()));
            ctx.report(draft).await;
        }
    }
    if !tls_cert::matches_host(&shake.chain, &host) {
        let draft = ctx
            .finding(&CERT_NAME_MISMATCH, &location)
            .title(format!("TLS certificate does not cover {host}"))
            .evidence(facts.summary());
        ctx.report(draft).await;
    }
    if facts.weak_key() {
        let (alg, bits) = facts.key;
        let draft = ctx
            .finding(&CERT_WEAK_KEY, &location)
            .title(format!("TLS certificate uses a {bits}-bit {alg} key"));
        ctx.report(draft.evidence(facts.summary())).await;
    }
    if let Some(subject) = &facts.sha1_signed {
        ctx.report(
            ctx.finding(&CERT_SHA1, &location)
                .evidence(format!("SHA-1 signature on: {subject}")),
        )
        .await;
    }
    Ok(())
}

async fn report_dates(ctx: &CheckCtx, facts: &ChainFacts, location: &str, now: OffsetDateTime) {
    let left = tls_cert::remaining(facts, now);
    let expiry = crate::time::date(&crate::time::format(facts.not_after)).to_string();
    if facts.not_after < now {
        let title = format!("TLS certificate expired on {expiry}");
        ctx.report(
            ctx.finding(&CERT_EXPIRED, location)
                .title(title)
                .evidence(facts.summary()),
        )
        .await;
    } else if facts.not_before > now {
        let start = crate::time::date(&crate::time::format(facts.not_before)).to_string();
        let title = format!("TLS certificate is not valid until {start}");
        ctx.report(
            ctx.finding(&CERT_NOT_YET_VALID, location)
                .title(title)
                .evidence(facts.summary()),
        )
        .await;
    } else if left < time::Duration::days(30) {
        let days = left.whole_days();
        let severity = if days < 7 {
            Severity::High
        } else {
            Severity::Medium
        };
        let title = format!("TLS certificate expires in {days} days ({expiry})");
        let draft = ctx
            .finding(&CERT_EXPIRING, location)
            .title(title)
            .severity(severity);
        ctx.report(draft.evidence(facts.summary())).await;
    }
}

async fn https_redirect(ctx: &CheckCtx) -> CheckResult {
    let Some(http) = ctx.http_origin() else {
        return Err(CheckFail::Skipped(format!(
            "HTTPS runs on port {}, so the site's plain-HTTP address is unknown; scan its http:// URL to check the redirect",
            ctx.target.port()
        )));
    };
    let fetched = if ctx.target.scheme() == "http" {
        ctx.start_page().await.map(|p| p.fetched.clone())
    } else {
        ctx.get(http.clone()).await
    };
    let fetched = match fetched {
        Err(NetError::Connect { .. }) if ctx.target.scheme() == "https" => {
            ctx.observe("redirection", "redirection-not-needed-no-http", 0);
            return Ok(());
        }
        other => other?,
    };
    let location = http.as_str().trim_end_matches('/').to_string();
    if fetched.resp.url.scheme() == "https" {
        let first = fetched
            .hops
            .first()
            .and_then(|h| h.url.join(&h.location).ok());
        let direct =
            first.is_some_and(|u| u.scheme() == "https" && u.host_str() == http.host_str());
        if direct {
            ctx.observe("redirection", "redirection-to-https", 0);
        } else {
            ctx.observe(
                "redirection",
                "redirection-not-to-https-on-initial-redirection",
                -10,
            );
            let chain: Vec<String> = fetched
                .hops
                .iter()
                .map(|h| format!("{} {} -> {}", h.status, h.url, h.location))
                .collect();
            ctx.report(
                ctx.finding(&HTTP_REDIRECT_INDIRECT, &location)
                    .evidence(chain.join("; ")),
            )
            .await;
        }
        return Ok(());
    }
    let result = if fetched.hops.is_empty() {
        "redirection-missing"
    } else {
        "redirection-not-to-https"
    };
    ctx.observe("redirection", result, -20);
    let evidence = format!(
        "GET {http} answered {} at {}",
        fetched.resp.status, fetched.resp.url
    );
    if ctx.target.scheme() == "http" && ctx.target.port() == 80 && !offers_https(ctx).await? {
        ctx.report(
            ctx.finding(&NO_HTTPS, ctx.target.authority())
                .evidence(evidence),
        )
        .await;
        return Ok(());
    }
    ctx.report(ctx.finding(&HTTP_NO_REDIRECT, &location).evidence(evidence))
        .await;
    Ok(())
}

/// Whether port 443 of an HTTP target's host completes a TLS handshake.
async fn offers_https(ctx: &CheckCtx) -> Result<bool, CheckFail> {
    match ctx.tls_handshake(&ctx.target.host(), 443).await {
        Ok(_) => Ok(true),
        Err(NetError::Connect { .. } | NetError::Tls(_) | NetError::Timeout(_)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

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

async fn hsts(ctx: &CheckCtx) -> CheckResult {
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
        Some(h) if h.max_age < 15_768_000 => {
            ctx.observe(
                "strict-transport-security",
                "hsts-implemented-max-age-less-than-six-months",
                -10,
            );
            let title = format!(
                "HSTS max-age is {} seconds, shorter than six months",
                h.max_age
            );
            ctx.report(
                ctx.finding(&HSTS_SHORT, &location)
                    .title(title)
                    .evidence(value),
            )
            .await;
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
