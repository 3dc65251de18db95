//! `tls.cipher-suites`: for each weak category (NULL, anonymous, export, RC4, 3DES/DES), a ClientHello offering only
//! that category's suites; a server that picks one accepts the category. Forward secrecy the same way: a hello with
//! only ECDHE and DHE suites, and when that is refused, one with static RSA suites to show the server does answer.
//!
//! Each hello offers TLS 1.2 as its highest version, so the server negotiates the best version it has up to 1.2:
//! TLS 1.3 suites are all strong and are not probed.

use super::flight::{Answer, PROTOCOL_VERSION};
use super::hello::{ClientHello, TLS12};
use super::probe::{self, origin};
use super::probe_rules::*;
use super::suites;
use crate::engine::context::CheckCtx;
use crate::engine::net::NetError;
use crate::engine::registry::{CheckFail, CheckResult, Rule};
use crate::model::Severity;

/// A weak category: its rule, its suites and how evidence names them.
struct Category {
    rule: &'static Rule,
    suites: &'static [u16],
    label: &'static str,
}

const CATEGORIES: [Category; 5] = [
    Category {
        rule: &NULL_CIPHER,
        suites: suites::NULL,
        label: "NULL (unencrypted)",
    },
    Category {
        rule: &ANON_CIPHER,
        suites: suites::ANON,
        label: "anonymous (DH_anon, ECDH_anon)",
    },
    Category {
        rule: &EXPORT_CIPHER,
        suites: suites::EXPORT,
        label: "export-grade",
    },
    Category {
        rule: &RC4_CIPHER,
        suites: suites::RC4,
        label: "RC4",
    },
    Category {
        rule: &DES_CIPHER,
        suites: suites::DES,
        label: "3DES and DES",
    },
];

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let (host, port, location) = origin(ctx).await?;
    let hello = |list: &'static [u16]| ClientHello {
        version: TLS12,
        suites: list,
        server_name: Some(&host),
        status_request: false,
    };
    // Forward secrecy first: most servers accept it, which shows the port speaks TLS before the others are sent.
    let lists = [suites::FORWARD_SECRET]
        .into_iter()
        .chain(CATEGORIES.iter().map(|c| c.suites));
    let hellos: Vec<ClientHello> = lists.map(hello).collect();
    let answers = probe::probe_all(ctx, &host, port, &hellos, false).await?;
    for (category, answer) in CATEGORIES.iter().zip(&answers[1..]) {
        if let Ok(answer @ Answer::Hello(h)) = answer
            && category.suites.contains(&h.suite)
        {
            let evidence = evidence(category.label, category.suites, answer);
            report(ctx, &location, category, h.suite, evidence).await;
        }
    }
    let mut answers = answers;
    if let Ok(refused @ (Answer::Alert(..) | Answer::Closed)) = &answers[0] {
        let rsa = probe::probe(ctx, &host, port, &hello(suites::STATIC_RSA), false).await;
        if let Ok(accepted @ Answer::Hello(h)) = &rsa
            && suites::STATIC_RSA.contains(&h.suite)
        {
            let text = format!(
                "{}; {}",
                evidence("ECDHE and DHE", suites::FORWARD_SECRET, refused),
                evidence("static RSA", suites::STATIC_RSA, accepted)
            );
            let draft = ctx.finding(&NO_FORWARD_SECRECY, &location);
            ctx.report(draft.evidence(text)).await;
        }
        answers.push(rsa);
    }
    judged(ctx, &answers)
}

/// Whether the answers judged the server: the probes all went through, and it accepted at least one of them (or it
/// refused every version up to TLS 1.2, so there is nothing to judge).
fn judged(ctx: &CheckCtx, answers: &[Result<Answer, NetError>]) -> CheckResult {
    let errors: Vec<NetError> = answers.iter().filter_map(|a| a.clone().err()).collect();
    if let Some(fail) = probe::failed(ctx, &errors, answers.len()) {
        return Err(fail);
    }
    if answers.iter().any(|a| matches!(a, Ok(Answer::Hello(_)))) {
        return Ok(());
    }
    if answers
        .iter()
        .all(|a| matches!(a, Ok(Answer::Alert(_, PROTOCOL_VERSION))))
    {
        return Err(CheckFail::Skipped(
            "the server refuses TLS 1.2 and older (alert protocol_version): it speaks only TLS 1.3, whose cipher \
             suites are all strong"
                .into(),
        ));
    }
    let first = answers[0]
        .as_ref()
        .map(Answer::to_string)
        .unwrap_or_default();
    Err(CheckFail::Errored(format!(
        "no ClientHello up to TLS 1.2 was accepted, so the cipher suites could not be judged (ECDHE and DHE \
         suites: {first})"
    )))
}

fn evidence(label: &str, offered: &[u16], answer: &Answer) -> String {
    format!(
        "ClientHello (up to TLS 1.2) offering only {label} suites ({}) answered with {answer}",
        offered.len()
    )
}

async fn report(ctx: &CheckCtx, location: &str, category: &Category, suite: u16, evidence: String) {
    let name = suites::name(suite);
    let mut draft = ctx
        .finding(category.rule, location)
        .evidence(evidence)
        .cve(cves(category.rule, &name));
    if category.rule.id == DES_CIPHER.id && !name.contains("3DES") {
        draft = draft
            .title("Server accepts single-DES cipher suites")
            .severity(Severity::High);
    }
    ctx.report(draft).await;
}

/// The CVEs that name the attack a chosen suite opens.
fn cves(rule: &Rule, suite: &str) -> Vec<String> {
    let ids: &[&str] = match rule.id {
        "tls.export-cipher" if suite.starts_with("TLS_RSA_EXPORT") => &["CVE-2015-0204"],
        "tls.export-cipher" => &["CVE-2015-4000"],
        "tls.rc4-cipher" => &["CVE-2013-2566", "CVE-2015-2808"],
        "tls.3des-cipher" => &["CVE-2016-2183"],
        _ => &[],
    };
    ids.iter().map(|s| s.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_suites_name_freak_or_logjam() {
        assert_eq!(
            cves(&EXPORT_CIPHER, "TLS_RSA_EXPORT_WITH_RC4_40_MD5"),
            vec!["CVE-2015-0204"]
        );
        assert_eq!(
            cves(&EXPORT_CIPHER, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA"),
            vec!["CVE-2015-4000"]
        );
        assert!(cves(&NULL_CIPHER, "TLS_RSA_WITH_NULL_SHA").is_empty());
    }

    #[test]
    fn categories_do_not_overlap() {
        for (i, a) in CATEGORIES.iter().enumerate() {
            for b in &CATEGORIES[i + 1..] {
                assert!(
                    a.suites.iter().all(|s| !b.suites.contains(s)),
                    "{} and {} share a suite",
                    a.label,
                    b.label
                );
            }
        }
    }
}
