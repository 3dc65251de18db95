//! Attack chains found in real scans: a small site on loopback is served with both halves of each chain rule and
//! then with one half taken away; the chain must link the findings of both halves in the first scan and be absent
//! in the second, where the remaining half is still found. The open database is Debian's `redis-server`.

#[path = "support/chain_site.rs"]
mod chain_site;
mod support;

use chain_site::{Part, scan};
use palisade::report::summary::Chain;

/// The chain `rule` in a summary, if any.
fn chain<'a>(chains: &'a [Chain], rule: &str) -> Option<&'a Chain> {
    chains.iter().find(|c| c.rule == rule)
}

/// Scans the site with `both` parts and asserts `rule` links a finding of each check id in `halves`; then scans it
/// without `missing` and asserts the rule is silent while the other half is still found.
async fn fires_only_with_both(
    rule: &str,
    both: &[Part],
    halves: [&str; 2],
    missing: Part,
    checks: &[&str],
) {
    let full = scan(both, checks).await;
    let c = chain(&full.chains, rule).unwrap_or_else(|| {
        panic!(
            "no {rule} chain among {:?}; findings {:?}",
            full.chains.iter().map(|c| c.rule).collect::<Vec<_>>(),
            full.check_ids()
        )
    });
    assert_eq!(c.host, chain_site::HOST);
    for half in halves {
        let link = c
            .links
            .iter()
            .find(|l| l.check_id == half)
            .unwrap_or_else(|| panic!("{rule} does not link {half}: {:?}", c.links));
        let f = full
            .data
            .findings
            .iter()
            .find(|f| f.fingerprint == link.fingerprint)
            .expect("a link names a finding of the report by fingerprint");
        assert_eq!(f.check_id, half);
    }
    let fix = full.fix_file().await;
    assert!(
        fix[..fix.find("## FIX-1:").unwrap()].contains(c.title),
        "the fix file's summary names the chain:\n{fix}"
    );

    let rest: Vec<Part> = both.iter().copied().filter(|p| *p != missing).collect();
    let half = scan(&rest, checks).await;
    assert!(
        chain(&half.chains, rule).is_none(),
        "{rule} fired with {missing:?} missing: {:?}",
        half.chains
    );
    let ids = half.check_ids();
    let kept: Vec<&str> = halves.iter().copied().filter(|h| ids.contains(h)).collect();
    assert_eq!(
        kept.len(),
        1,
        "one half is still found without {missing:?}: {ids:?}"
    );
}

#[tokio::test]
async fn repository_and_secret() {
    fires_only_with_both(
        "repository-and-secret",
        &[Part::Git, Part::StripeKey],
        ["disclosure.repository-exposed", "secrets.stripe-secret-key"],
        Part::StripeKey,
        &["disclosure.exposures", "secrets.credentials"],
    )
    .await;
}

#[tokio::test]
async fn config_and_open_database() {
    fires_only_with_both(
        "config-and-open-database",
        &[Part::Env, Part::Redis],
        ["disclosure.env-exposed", "network.redis-unauthenticated"],
        Part::Redis,
        &["disclosure.exposures", "network.services"],
    )
    .await;
}

#[tokio::test]
async fn panel_on_outdated_software() {
    fires_only_with_both(
        "panel-on-outdated-software",
        &[Part::StatusPage, Part::OldApache],
        [
            "disclosure.status-page-exposed",
            "components.vulnerable-server",
        ],
        Part::StatusPage,
        &["disclosure.exposures", "components.servers"],
    )
    .await;
}

#[tokio::test]
async fn session_over_plain_http() {
    fires_only_with_both(
        "session-over-plain-http",
        &[Part::NoHsts, Part::CookieNotSecure],
        ["tls.hsts-missing", "headers.cookie-no-secure"],
        Part::NoHsts,
        &["tls.hsts", "headers.cookies"],
    )
    .await;
}

#[tokio::test]
async fn script_reads_session() {
    fires_only_with_both(
        "script-reads-session",
        &[Part::OldJquery, Part::CookieNotHttpOnly],
        [
            "components.vulnerable-library",
            "headers.cookie-no-httponly",
        ],
        Part::OldJquery,
        &["components.libraries", "headers.cookies"],
    )
    .await;
}

#[tokio::test]
async fn cors_reads_api() {
    fires_only_with_both(
        "cors-reads-api",
        &[Part::CorsReflect, Part::SwaggerUi],
        ["api.cors-reflects-origin", "api.docs-exposed"],
        Part::SwaggerUi,
        &["api.cors", "api.docs"],
    )
    .await;
}

#[tokio::test]
async fn open_ai_endpoint_and_secret() {
    fires_only_with_both(
        "open-ai-endpoint-and-secret",
        &[Part::ModelList, Part::StripeKey],
        [
            "ai-surface.openai-api-unauthenticated",
            "secrets.stripe-secret-key",
        ],
        Part::StripeKey,
        &["ai-surface.llm-apis", "secrets.credentials"],
    )
    .await;
}

#[test]
fn every_rule_is_tested_here() {
    let source = include_str!("reports_summary_chains.rs");
    for rule in palisade::report::summary::RULES {
        assert!(
            source.contains(&format!("\"{}\",\n        &[", rule.id)),
            "{} has no test in this file",
            rule.id
        );
    }
}
