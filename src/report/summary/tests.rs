//! Unit tests of the summary: chains from the findings that make them, none when a half is missing, and the same
//! summary whatever order the findings come in.

use super::*;
use crate::model::{Finding, Module};
use crate::report::testdata::{finding, sample};

fn of(module: Module, check_id: &str, severity: Severity) -> Finding {
    let mut f = finding(check_id, severity, &format!("{check_id} seen"));
    f.module = module;
    f
}

fn git() -> Finding {
    of(
        Module::Disclosure,
        "disclosure.repository-exposed",
        Severity::High,
    )
}

fn key() -> Finding {
    of(
        Module::Secrets,
        "secrets.stripe-secret-key",
        Severity::Critical,
    )
}

fn rules_of(data: &ReportData) -> Vec<&'static str> {
    data.summary(&data.fix_plan())
        .chains
        .iter()
        .map(|c| c.rule)
        .collect()
}

#[test]
fn a_chain_needs_both_halves_on_the_same_target() {
    let both = sample(vec![git(), key()]);
    let summary = both.summary(&both.fix_plan());
    assert_eq!(summary.chains.len(), 1, "{:#?}", summary.chains);
    let chain = &summary.chains[0];
    assert_eq!(chain.rule, "repository-and-secret");
    assert_eq!(chain.severity, Severity::Critical);
    let fps: Vec<&str> = chain.links.iter().map(|l| l.fingerprint.as_str()).collect();
    assert_eq!(
        fps,
        [
            "fp-disclosure.repository-exposed",
            "fp-secrets.stripe-secret-key"
        ]
    );
    assert!(rules_of(&sample(vec![git()])).is_empty());
    assert!(rules_of(&sample(vec![key()])).is_empty());
    let mut elsewhere = key();
    elsewhere.target_id = "t2".into();
    assert!(rules_of(&sample(vec![git(), elsewhere])).is_empty());
}

#[test]
fn info_credentials_are_no_half_and_chains_are_ordered_worst_first() {
    let firebase = of(Module::Secrets, "secrets.firebase-config", Severity::Info);
    assert!(rules_of(&sample(vec![git(), firebase])).is_empty());
    let findings = vec![
        of(Module::Tls, "tls.hsts-missing", Severity::Medium),
        of(
            Module::Headers,
            "headers.cookie-no-secure",
            Severity::Medium,
        ),
        git(),
        key(),
    ];
    assert_eq!(
        rules_of(&sample(findings)),
        ["repository-and-secret", "session-over-plain-http"]
    );
}

#[test]
fn the_same_findings_in_any_order_give_the_same_summary() {
    let findings = vec![
        of(Module::Tls, "tls.hsts-missing", Severity::Medium),
        of(
            Module::Headers,
            "headers.cookie-no-secure",
            Severity::Medium,
        ),
        of(Module::Headers, "headers.cookie-no-httponly", Severity::Low),
        of(
            Module::Components,
            "components.vulnerable-library",
            Severity::Medium,
        ),
        git(),
        key(),
    ];
    let a = sample(findings.clone());
    let mut reversed = findings;
    reversed.reverse();
    let b = sample(reversed);
    let text = |d: &ReportData| {
        let mut out = String::new();
        text::markdown(&mut out, &d.summary(&d.fix_plan()), &|s| s.to_string());
        out
    };
    assert_eq!(text(&a), text(&b));
    assert!(text(&a).contains("**Grade F** for shop.test (score 40/100)"));
}

#[test]
fn the_worst_fixes_come_first_known_exploited_first_and_say_which_chains_they_break() {
    let mut apache = of(
        Module::Components,
        "components.vulnerable-server",
        Severity::High,
    );
    apache.kev = true;
    apache.cve = vec!["CVE-2021-41773".into()];
    let mut jquery = of(
        Module::Components,
        "components.vulnerable-library",
        Severity::High,
    );
    jquery.cve = vec!["CVE-2020-11022".into()];
    let status = of(
        Module::Disclosure,
        "disclosure.status-page-exposed",
        Severity::Medium,
    );
    let env = of(
        Module::Disclosure,
        "disclosure.env-exposed",
        Severity::Critical,
    );
    let data = sample(vec![status, jquery, env, apache]);
    let plan = data.fix_plan();
    let summary = data.summary(&plan);
    let top: Vec<(usize, Severity, bool)> = summary
        .top
        .iter()
        .map(|t| (t.n, t.severity, t.kev))
        .collect();
    assert_eq!(
        top,
        [
            (1, Severity::Critical, false),
            (2, Severity::High, true),
            (3, Severity::High, false)
        ]
    );
    assert_eq!(
        summary.top[1].breaks,
        ["An open admin page on software with known vulnerabilities"]
    );
    assert!(summary.top[0].breaks.is_empty());
    assert_eq!(summary.chains[0].severity, Severity::High);
}

#[test]
fn findings_sort_worst_first_then_known_exploited_then_host_and_check() {
    let mut kev = finding("components.vulnerable-server", Severity::High, "kev");
    kev.kev = true;
    let data = sample(vec![
        finding("headers.xcto-missing", Severity::Low, "low"),
        finding("api.cors-reflects-origin", Severity::High, "high"),
        kev,
        finding("disclosure.env-exposed", Severity::Critical, "critical"),
    ]);
    let titles: Vec<&str> = data
        .findings_worst_first()
        .iter()
        .map(|f| f.title.as_str())
        .collect();
    assert_eq!(titles, ["critical", "kev", "high", "low"]);
}
