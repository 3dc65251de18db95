//! Names without a web server: a mail-only domain and a CNAME left dangling get their `dns` checks (the ones that
//! matter most for them) while the web, TLS and network checks are skipped with the reason; a name that does not
//! exist stays a target error with nothing run. An authoritative DNS server in the test process holds the zones;
//! nothing is pinned, so the names reach the scan only through that server.

mod support;

use palisade::app::DEFAULT_ORG;
use palisade::model::{Confidence, CoverageState, FindingStatus, Profile, ScanTarget, Severity};
use support::dns::{DnsServer, Zone, serve_zones};
use support::*;

/// `mailonly.test`: MX and a weak SPF (`?all`), no DMARC, no address. `shop.test`: a site whose old names alias
/// a Microsoft Azure app that is gone (`old.shop.test`), a server of its own that is gone (`legacy.shop.test`), and
/// a name with no address (`cdn.shop.test`). `nothere.test` exists nowhere.
fn zones() -> Vec<Zone> {
    let test = Zone::new("test")
        .mx("mailonly.test", "mx.mailhost.test")
        .txt("mailonly.test", "v=spf1 mx ?all")
        .a("mx.mailhost.test", "192.0.2.25")
        .txt("shop.test", "v=spf1 -all")
        .txt("_dmarc.shop.test", "v=DMARC1; p=reject")
        .cname("old.shop.test", "shop-gone.azurewebsites.net")
        .cname("legacy.shop.test", "old-server.shop.test")
        .cname("cdn.shop.test", "edge.shop.test")
        .txt("edge.shop.test", "no address here");
    vec![test, Zone::new("azurewebsites.net")]
}

/// Every check the standard profile runs outside the `dns` module is skipped with `reason`; the `dns` checks ran.
fn only_dns_ran(out: &Outcome, target: &ScanTarget, reason: &str) {
    let mine = out
        .coverage
        .iter()
        .filter(|c| c.target_id == target.target_id);
    let (dns, other): (Vec<_>, Vec<_>) = mine.partition(|c| c.check_id.starts_with("dns."));
    assert!(other.len() > 20, "{other:?}");
    for c in other {
        assert_eq!(c.state, CoverageState::Skipped, "{}", c.check_id);
        assert_eq!(c.detail.as_deref(), Some(reason), "{}", c.check_id);
    }
    assert_eq!(dns.len(), 6, "{dns:?}");
    for c in dns {
        assert!(
            matches!(c.state, CoverageState::Passed | CoverageState::Found),
            "{}: {:?} {:?}",
            c.check_id,
            c.state,
            c.detail
        );
    }
}

async fn scan(dns: &DnsServer, urls: &[&str]) -> Outcome {
    let t = TestApp::new(|c| c.network.nameservers = vec![dns.addr]).await;
    t.scan(urls, Profile::Standard).await
}

fn target<'a>(out: &'a Outcome, host: &str) -> &'a ScanTarget {
    out.scan
        .targets
        .iter()
        .find(|t| t.host == host)
        .unwrap_or_else(|| panic!("no target {host}"))
}

#[tokio::test]
async fn a_mail_only_domain_gets_its_mail_findings_and_no_web_checks() {
    let dns = serve_zones(zones()).await;
    let app = TestApp::new(|c| c.network.nameservers = vec![dns.addr]).await;
    let out = app
        .scan(&["https://mailonly.test/"], Profile::Standard)
        .await;
    let spf = out.finding("dns.spf-all");
    assert_eq!(
        (spf.location.as_str(), spf.severity),
        ("dns:mailonly.test TXT", Severity::Medium)
    );
    let dmarc = out.finding("dns.dmarc-missing");
    assert_eq!(dmarc.location, "dns:_dmarc.mailonly.test TXT");

    let t = target(&out, "mailonly.test");
    only_dns_ran(&out, t, "no address: the name has no A/AAAA record");
    assert_eq!(
        t.error.as_deref(),
        Some(
            "no web server: the name has no A/AAAA record, so only its DNS checks ran (the web, TLS and network \
             checks need an address)"
        )
    );
    assert!(t.observatory.is_none(), "not graded as a web site");
    assert!(
        t.risk_grade.is_some() && t.security_score.is_some_and(|s| s < 100),
        "graded on its DNS findings: {t:?}"
    );
    assert_eq!(out.scan.requests, 0, "no HTTP request was sent");

    // The findings are ordinary ones: the next scan compares with this one, and the org's numbers count them.
    let again = app
        .scan(&["https://mailonly.test/"], Profile::Standard)
        .await;
    assert_eq!(
        target(&again, "mailonly.test").previous_scan_id.as_deref(),
        Some(out.scan.id.as_str())
    );
    assert_eq!(again.ids(), out.ids());
    for f in &again.findings {
        assert_eq!(f.status, FindingStatus::Unchanged, "{}", f.check_id);
    }
    let stats = app.app.org_stats(DEFAULT_ORG, 10).await.unwrap();
    assert_eq!((stats.targets, stats.counts), (1, again.scan.counts));
}

#[tokio::test]
async fn a_dangling_cname_to_a_provider_is_a_takeover_without_any_web_server() {
    let dns = serve_zones(zones()).await;
    let out = scan(
        &dns,
        &[
            "https://old.shop.test/",
            "https://legacy.shop.test/",
            "https://cdn.shop.test/",
        ],
    )
    .await;
    let takeover = out
        .findings
        .iter()
        .find(|f| f.check_id == "dns.subdomain-takeover")
        .unwrap_or_else(|| panic!("no takeover among {:?}", out.ids()));
    assert_eq!(takeover.location, "dns:old.shop.test CNAME");
    assert_eq!(
        (takeover.severity, takeover.confidence),
        (Severity::High, Confidence::High)
    );
    assert_eq!(
        takeover.evidence.as_deref(),
        Some(
            "CNAME chain: old.shop.test → shop-gone.azurewebsites.net; shop-gone.azurewebsites.net: NXDOMAIN (no \
             such name)"
        )
    );
    only_dns_ran(
        &out,
        target(&out, "old.shop.test"),
        "no address: the CNAME chain old.shop.test → shop-gone.azurewebsites.net ends at \
         shop-gone.azurewebsites.net, which does not resolve (no such name)",
    );

    // A chain into a domain that exists, at no known provider: a dangling record, not a known takeover.
    let dangling = out.finding("dns.dangling-cname");
    assert_eq!(
        (
            dangling.location.as_str(),
            dangling.severity,
            dangling.title.as_str()
        ),
        (
            "dns:legacy.shop.test CNAME",
            Severity::Low,
            "Dangling CNAME: legacy.shop.test points at old-server.shop.test, which does not exist"
        )
    );
    assert!(!dangling.remediation.is_empty() && !dangling.references.is_empty());
    let legacy = target(&out, "legacy.shop.test");
    assert!(
        legacy.error.as_deref().unwrap_or_default().starts_with(
            "no web server: the CNAME chain legacy.shop.test → old-server.shop.test ends at"
        ),
        "{legacy:?}"
    );

    // A chain to a name that exists without an address: no finding about the alias, the same skip.
    only_dns_ran(
        &out,
        target(&out, "cdn.shop.test"),
        "no address: the CNAME chain cdn.shop.test → edge.shop.test ends at edge.shop.test, which does not \
         resolve (no A/AAAA record)",
    );
    let about_cdn = out
        .findings
        .iter()
        .filter(|f| f.location.starts_with("dns:cdn.shop.test"));
    assert_eq!(about_cdn.count(), 0);
}

#[tokio::test]
async fn a_name_that_does_not_exist_stays_a_target_error_with_nothing_run() {
    let dns = serve_zones(zones()).await;
    let out = scan(&dns, &["https://nothere.test/"]).await;
    assert_eq!(out.ids(), Vec::<&str>::new());
    let t = target(&out, "nothere.test");
    let error = "cannot resolve nothere.test: no such name (NXDOMAIN: the DNS has no record of any type for it)";
    assert_eq!(t.error.as_deref(), Some(error));
    assert!(t.risk_grade.is_none() && t.observatory.is_none());
    assert!(out.coverage.len() > 20);
    for c in &out.coverage {
        assert_eq!(c.state, CoverageState::Errored, "{}", c.check_id);
        assert_eq!(c.detail.as_deref(), Some(error), "{}", c.check_id);
    }
    assert_eq!(out.scan.requests, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_says_there_is_no_web_server_and_gates_on_the_dns_findings() {
    let dns = serve_zones(zones()).await;
    let dir = tempfile::tempdir().unwrap();
    let out = palisade(&dir)
        .args(["scan", "mailonly.test", "--profile", "standard"])
        .args(["--resolver", &dns.addr.to_string(), "--fail-on", "medium"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "the gate judges the DNS findings: {stdout}{stderr}"
    );
    let lines: Vec<&str> = stdout.lines().collect();
    let heading = lines
        .iter()
        .position(|l| l.starts_with("https://mailonly.test/"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(lines[heading].contains("   risk "), "{}", lines[heading]);
    assert!(
        !lines[heading].contains("Observatory"),
        "{}",
        lines[heading]
    );
    assert_eq!(
        lines[heading + 1],
        "  error: no web server: the name has no A/AAAA record, so only its DNS checks ran (the web, TLS and \
         network checks need an address)"
    );
    assert!(
        lines.iter().any(|l| l.contains("dns.dmarc-missing")),
        "{stdout}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("  skipped: no address: the name has no A/AAAA record (")),
        "{stdout}"
    );
    assert!(
        stderr.contains("palisade: done https://mailonly.test/: risk grade ")
            && stderr.contains("; no web server: the name has no A/AAAA record"),
        "{stderr}"
    );
}
