//! `tls.certificate`: one inspecting handshake, then dates, self-signing, trust, host name, key and signature.

use super::cert_facts::{self, ChainFacts};
use super::rules::*;
use crate::engine::context::CheckCtx;
use crate::engine::net::NetError;
use crate::engine::registry::{CheckFail, CheckResult};
use crate::model::{CertificateSeen, Severity};
use rustls::pki_types::UnixTime;
use time::OffsetDateTime;

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
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
    let facts = cert_facts::facts(&shake.chain).map_err(CheckFail::Errored)?;
    let location = if port == 443 {
        host.clone()
    } else {
        format!("{host}:{port}")
    };
    ctx.saw_certificate(CertificateSeen {
        address: format!("{host}:{port}"),
        subject: facts.subject.clone(),
        not_after: crate::time::format(facts.not_after),
    });
    let location = format!("{location} (TLS)");
    let now = OffsetDateTime::now_utc();
    report_dates(ctx, &facts, &location, now).await;
    let trusted_at = if facts.not_after < now || facts.not_before > now {
        cert_facts::inside_validity(&facts)
    } else {
        UnixTime::now()
    };
    let algorithm_flagged = facts.weak_key() || facts.sha1_signed.is_some();
    // A self-signed certificate the user trusts (`--ca-cert` with that very certificate) verifies like any other:
    // only a chain that does not verify is reported, as self-signed when it is.
    if let Err(e) = ctx.scan.net.verify_chain(&shake.chain, &host, trusted_at) {
        let refused_for_algorithm = algorithm_flagged && cert_facts::is_algorithm_refusal(&e);
        let problem = cert_facts::trust_problem(&e);
        if facts.self_signed && problem.is_some() {
            let draft = ctx.finding(&CERT_SELF_SIGNED, &location);
            ctx.report(draft.evidence(facts.summary())).await;
        } else if let Some(problem) = problem.filter(|_| !refused_for_algorithm) {
            let draft = ctx
                .finding(&CERT_UNTRUSTED, &location)
                .evidence(format!("{problem}; {}", facts.summary()));
            ctx.report(draft).await;
        }
    }
    if !cert_facts::matches_host(&shake.chain, &host) {
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
    let left = cert_facts::remaining(facts, now);
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
