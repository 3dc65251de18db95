//! `tls.protocols`: one raw ClientHello per protocol version (SSL 3.0, TLS 1.0, TLS 1.1, and TLS 1.3 with 1.2 as
//! its fallback), each judged by the version the server's ServerHello actually negotiates.

use super::flight::{Answer, PROTOCOL_VERSION, ServerHello};
use super::hello::{ClientHello, SSL3, TLS10, TLS11, TLS13, version_name};
use super::probe::{self, origin};
use super::probe_rules::*;
use super::suites;
use crate::engine::context::CheckCtx;
use crate::engine::registry::{CheckFail, CheckResult, Rule};

/// The probes: a version and the suites a client of that era offered. The modern one goes first: any server
/// answers it, so it shows whether the port speaks TLS at all before the others are sent.
const PROBES: [(u16, &[u16]); 4] = [
    (TLS13, suites::MODERN),
    (SSL3, suites::SSL3_ERA),
    (TLS10, suites::OLD_ERA),
    (TLS11, suites::OLD_ERA),
];

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let (host, port, location) = origin(ctx).await?;
    let hellos: Vec<ClientHello> = PROBES
        .iter()
        .map(|(version, list)| ClientHello {
            version: *version,
            suites: list,
            server_name: Some(&host),
            status_request: false,
        })
        .collect();
    let answers = probe::probe_all(ctx, &host, port, &hellos, false).await?;
    let mut errors = Vec::new();
    let mut heard = Vec::new();
    for ((version, list), answer) in PROBES.iter().zip(answers) {
        match answer {
            Ok(answer) => heard.push((*version, list.len(), answer)),
            Err(e) => errors.push(e),
        }
    }
    for (version, offered, answer) in &heard {
        let evidence = format!(
            "ClientHello offering {} ({offered} cipher suites) answered with {answer}",
            offered_versions(*version)
        );
        match (version, answer) {
            (&TLS13, answer) if tls13_refused(answer) => {
                ctx.report(ctx.finding(&TLS13_MISSING, &location).evidence(evidence))
                    .await;
            }
            (&TLS13, _) => {}
            (version, Answer::Hello(h)) if h.version == *version && !h.retry => {
                report_legacy(ctx, &location, h, evidence).await;
            }
            _ => {}
        }
    }
    if let Some(fail) = probe::failed(ctx, &errors, PROBES.len()) {
        return Err(fail);
    }
    if !heard.iter().any(|(_, _, a)| matches!(a, Answer::Hello(_))) {
        let answers: Vec<String> = heard
            .iter()
            .map(|(v, _, a)| format!("{}: {a}", version_name(*v)))
            .collect();
        return Err(CheckFail::Errored(format!(
            "no ClientHello was accepted, so protocol support could not be judged ({})",
            answers.join("; ")
        )));
    }
    Ok(())
}

/// What a probe offered, in words.
fn offered_versions(version: u16) -> String {
    if version == TLS13 {
        "TLS 1.3 and 1.2".into()
    } else {
        format!("{} only", version_name(version))
    }
}

/// True when the answer to a hello offering TLS 1.3 and 1.2 shows that the server lacks TLS 1.3: it negotiated an
/// older version, or refused both versions outright. Other refusals say nothing about the version.
fn tls13_refused(answer: &Answer) -> bool {
    match answer {
        Answer::Hello(h) => h.version < TLS13 && !h.retry,
        Answer::Alert(_, d) => *d == PROTOCOL_VERSION,
        _ => false,
    }
}

async fn report_legacy(ctx: &CheckCtx, location: &str, hello: &ServerHello, evidence: String) {
    let rule: &'static Rule = match hello.version {
        SSL3 => &SSL3_ACCEPTED,
        TLS10 => &TLS10_ACCEPTED,
        TLS11 => &TLS11_ACCEPTED,
        _ => return,
    };
    let mut draft = ctx.finding(rule, location).evidence(evidence);
    let name = version_name(hello.version);
    if hello.version != SSL3 && suites::is_cbc(hello.suite) {
        draft = draft.title(format!("Server accepts {name}, with CBC cipher suites"));
    }
    let cve: &[&str] = match hello.version {
        SSL3 => &["CVE-2014-3566"],
        TLS10 if suites::is_cbc(hello.suite) => &["CVE-2011-3389"],
        _ => &[],
    };
    draft = draft.cve(cve.iter().map(|c| c.to_string()).collect());
    ctx.report(draft).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls13_is_missing_only_on_a_lower_hello_or_a_version_refusal() {
        let hello = |version| {
            Answer::Hello(ServerHello {
                version,
                ..Default::default()
            })
        };
        assert!(tls13_refused(&hello(super::super::hello::TLS12)));
        assert!(!tls13_refused(&hello(TLS13)));
        assert!(tls13_refused(&Answer::Alert(2, PROTOCOL_VERSION)));
        assert!(!tls13_refused(&Answer::Alert(2, 40)));
        assert!(!tls13_refused(&Answer::Closed));
        assert!(!tls13_refused(&Answer::Silent));
    }
}
