//! The `dns` checks against an authoritative DNS server in the test process (zones written here: the sites' own,
//! and the hosting providers' a CNAME can point at), with the sites' web pages on loopback, scanned by the real App.

mod support;

use palisade::config::Pin;
use palisade::lab::serve::Server;
use palisade::model::{Confidence, CoverageState, Finding, Profile, Severity};
use support::dns::{DnsServer, Zone, serve_zones};
use support::*;

const PAGE: &str =
    "<!doctype html><html><head><title>Shop</title></head><body><p>Welcome</p></body></html>";
const GITHUB_UNCLAIMED: &str =
    "<html><body><h1>404</h1><p>There isn't a GitHub Pages site here.</p></body></html>";
const S3_UNCLAIMED: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchBucket</Code>\
                            <Message>The specified bucket does not exist</Message></Error>";

/// Every `dns` check id.
const CHECKS: &[&str] = &[
    "dns.spf",
    "dns.dmarc",
    "dns.caa",
    "dns.dnssec",
    "dns.takeover",
    "dns.wildcard",
    "dns.axfr",
];

/// The zones: `test.` (so names nobody created do not exist), two zones of their own (`good.test`, well
/// configured, and `open.test`, which allows zone transfers), and the providers' zones.
fn zones() -> Vec<Zone> {
    let test = Zone::new("test")
        .a("nospf.test", "127.0.0.1")
        .txt("plusall.test", "v=spf1 +all")
        .txt("neutral.test", "v=spf1 a mx ?all")
        .txt("soft.test", "v=spf1 mx ~all")
        .txt(
            "many.test",
            "v=spf1 include:s1.many.test include:s2.many.test include:s3.many.test -all",
        )
        .txt("s1.many.test", "v=spf1 a mx ptr exists:x.many.test -all")
        .txt("s2.many.test", "v=spf1 a mx ptr exists:x.many.test -all")
        .txt("s3.many.test", "v=spf1 a mx ptr exists:x.many.test -all")
        .txt("twice.test", "v=spf1 mx -all")
        .txt("twice.test", "v=spf1 a -all")
        .txt("redirected.test", "v=spf1 redirect=_spf.redirected.test")
        .txt("_spf.redirected.test", "v=spf1 mx ?all")
        .txt("monitor.test", "v=spf1 -all")
        .txt(
            "_dmarc.monitor.test",
            "v=DMARC1; p=none; rua=mailto:d@monitor.test",
        )
        .txt("subopen.test", "v=spf1 -all")
        .txt("_dmarc.subopen.test", "v=DMARC1; p=reject; sp=none")
        .a("inherit.test", "127.0.0.1")
        .caa("inherit.test", "letsencrypt.org")
        .a("app.inherit.test", "127.0.0.1")
        .a("gone.test", "127.0.0.1")
        .cname("app.gone.test", "gone-app.azurewebsites.net")
        .cname("blog.gone.test", "gone-blog.github.io")
        .a("pages.test", "127.0.0.1")
        .cname("www.pages.test", "old-pages.github.io")
        .cname("assets.test", "assets-gone.s3.amazonaws.com")
        .a("lapsed.test", "127.0.0.1")
        .cname("www.lapsed.test", "shop.expired-domain.test")
        .a("wild.test", "127.0.0.1")
        .a("*.wild.test", "127.0.0.1");
    let good = Zone::new("good.test")
        .a("good.test", "127.0.0.1")
        .txt("good.test", "v=spf1 include:_spf.good.test mx -all")
        .txt("_spf.good.test", "v=spf1 ip4:192.0.2.0/24 -all")
        .mx("good.test", "mail.good.test")
        .a("mail.good.test", "127.0.0.1")
        .txt(
            "_dmarc.good.test",
            "v=DMARC1; p=reject; rua=mailto:dmarc@good.test",
        )
        .caa("good.test", "letsencrypt.org")
        .dnskey("good.test")
        .ns("good.test", "ns1.good.test")
        .a("ns1.good.test", "127.0.0.1")
        .cname("www.good.test", "good-site.github.io");
    let open = Zone::new("open.test")
        .a("open.test", "127.0.0.1")
        .ns("open.test", "ns1.open.test")
        .a("ns1.open.test", "127.0.0.1")
        .a("vpn.open.test", "127.0.0.1")
        .a("staging.open.test", "127.0.0.1")
        .allow_axfr();
    let github = Zone::new("github.io")
        .a("good-site.github.io", "127.0.0.1")
        .a("old-pages.github.io", "127.0.0.1");
    let azure = Zone::new("azurewebsites.net");
    let aws = Zone::new("amazonaws.com").a("assets-gone.s3.amazonaws.com", "127.0.0.1");
    vec![test, good, open, github, azure, aws]
}

/// The DNS server and the web servers of every test host, with the pins that reach them.
struct World {
    dns: DnsServer,
    _web: Vec<Server>,
    pins: Vec<Pin>,
}

async fn world() -> World {
    let dns = serve_zones(zones()).await;
    let site = http(fixed(200, &[("content-type", "text/html")], PAGE)).await;
    let github = http(fixed(
        404,
        &[("content-type", "text/html")],
        GITHUB_UNCLAIMED,
    ))
    .await;
    let s3 = http(fixed(
        404,
        &[("content-type", "application/xml")],
        S3_UNCLAIMED,
    ))
    .await;
    let mut pins = Vec::new();
    for host in [
        "good.test",
        "www.good.test",
        "nospf.test",
        "plusall.test",
        "neutral.test",
        "soft.test",
        "many.test",
        "twice.test",
        "redirected.test",
        "monitor.test",
        "subopen.test",
        "app.inherit.test",
        "app.gone.test",
        "blog.gone.test",
        "pages.test",
        "lapsed.test",
        "wild.test",
        "open.test",
        "unknown.test",
    ] {
        pins.extend(pin_site(host, site.addr, closed_port()));
    }
    pins.extend(pin_site("www.pages.test", github.addr, closed_port()));
    pins.extend(pin_site("assets.test", s3.addr, closed_port()));
    for ns in ["ns1.good.test", "ns1.open.test"] {
        pins.push(Pin {
            host: ns.into(),
            port: 53,
            addrs: vec![dns.addr],
            any_port: false,
        });
    }
    World {
        dns,
        _web: vec![site, github, s3],
        pins,
    }
}

/// Scans `http://<host>/` for each host with the world's DNS server as the resolver.
async fn scan(hosts: &[&str], profile: Profile) -> Outcome {
    let w = world().await;
    let t = TestApp::new(|c| {
        c.network.nameservers = vec![w.dns.addr];
        c.network.pins = w.pins.clone();
    })
    .await;
    let urls: Vec<String> = hosts.iter().map(|h| format!("http://{h}/")).collect();
    let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
    t.scan(&urls, profile).await
}

/// The open finding of `check_id` at `location`; panics with every dns finding if absent.
fn at<'a>(out: &'a Outcome, check_id: &str, location: &str) -> &'a Finding {
    out.findings
        .iter()
        .find(|f| f.check_id == check_id && f.location == location)
        .unwrap_or_else(|| {
            let seen: Vec<(&str, &str)> = out
                .findings
                .iter()
                .filter(|f| f.check_id.starts_with("dns."))
                .map(|f| (f.check_id.as_str(), f.location.as_str()))
                .collect();
            panic!("no {check_id} at {location} among {seen:?}")
        })
}

/// The dns findings whose location names `name` (`dns:<name> ...`).
fn about<'a>(out: &'a Outcome, check_prefix: &str, name: &str) -> Vec<&'a str> {
    out.findings
        .iter()
        .filter(|f| f.check_id.starts_with(check_prefix))
        .filter(|f| f.location.starts_with(&format!("dns:{name} ")))
        .map(|f| f.check_id.as_str())
        .collect()
}

fn evidence(f: &Finding) -> &str {
    f.evidence.as_deref().unwrap_or_default()
}

/// The coverage of `check` on the target `host`.
fn state_of(out: &Outcome, host: &str, check: &str) -> (CoverageState, String) {
    let target = out
        .scan
        .targets
        .iter()
        .find(|t| t.host == host)
        .unwrap_or_else(|| panic!("no target {host}"));
    let c = out
        .coverage
        .iter()
        .find(|c| c.target_id == target.target_id && c.check_id == check)
        .unwrap_or_else(|| panic!("{check} did not run on {host}"));
    (c.state, c.detail.clone().unwrap_or_default())
}

#[tokio::test]
async fn a_well_configured_zone_yields_no_dns_findings() {
    // SPF -all through an include, DMARC p=reject, CAA, a DNSKEY, www aliased to a GitHub Pages site that is
    // claimed, a name server that refuses zone transfers, no wildcard.
    let out = scan(&["good.test"], Profile::Deep).await;
    assert_eq!(out.ids_in("dns."), Vec::<&str>::new());
    for check in CHECKS {
        assert_eq!(
            out.state(check),
            CoverageState::Passed,
            "{check}: {}",
            out.detail(check)
        );
    }
}

#[tokio::test]
async fn spf_missing_permissive_over_the_lookup_limit_or_doubled() {
    let out = scan(
        &[
            "nospf.test",
            "plusall.test",
            "neutral.test",
            "soft.test",
            "many.test",
            "twice.test",
            "redirected.test",
        ],
        Profile::Standard,
    )
    .await;
    let missing = at(&out, "dns.spf-missing", "dns:nospf.test TXT");
    assert_eq!(missing.severity, Severity::Medium);
    assert_eq!(evidence(missing), "TXT nospf.test: no TXT records");
    assert!(
        missing.remediation.contains("v=spf1 -all"),
        "{}",
        missing.remediation
    );

    let plus = at(&out, "dns.spf-all", "dns:plusall.test TXT");
    assert_eq!(plus.severity, Severity::High);
    assert!(plus.title.contains("+all"), "{}", plus.title);
    assert_eq!(evidence(plus), "TXT plusall.test: v=spf1 +all");

    let neutral = at(&out, "dns.spf-all", "dns:neutral.test TXT");
    assert_eq!(neutral.severity, Severity::Medium);
    assert!(neutral.title.contains("?all"), "{}", neutral.title);

    assert_eq!(
        about(&out, "dns.spf", "soft.test"),
        Vec::<&str>::new(),
        "~all is accepted"
    );

    let many = at(&out, "dns.spf-lookups", "dns:many.test TXT");
    assert!(
        evidence(many).contains("many.test: 3")
            && evidence(many).contains("s1.many.test: 4")
            && evidence(many).contains("(15)"),
        "{}",
        evidence(many)
    );
    assert_eq!(about(&out, "dns.spf", "many.test"), vec!["dns.spf-lookups"]);

    let redirected = at(&out, "dns.spf-all", "dns:redirected.test TXT");
    assert_eq!(
        evidence(redirected),
        "TXT redirected.test: v=spf1 redirect=_spf.redirected.test (the `all` comes from the redirect to \
         _spf.redirected.test)"
    );

    let twice = at(&out, "dns.spf-multiple", "dns:twice.test TXT");
    assert!(
        evidence(twice).contains("v=spf1 mx -all") && evidence(twice).contains("v=spf1 a -all"),
        "{}",
        evidence(twice)
    );
}

#[tokio::test]
async fn dmarc_missing_or_not_enforced() {
    let out = scan(
        &["nospf.test", "monitor.test", "subopen.test"],
        Profile::Standard,
    )
    .await;
    let missing = at(&out, "dns.dmarc-missing", "dns:_dmarc.nospf.test TXT");
    assert_eq!(missing.severity, Severity::Medium);
    assert_eq!(evidence(missing), "TXT _dmarc.nospf.test: no records");
    assert!(missing.remediation.contains("p=reject"));

    let none = at(&out, "dns.dmarc-none", "dns:_dmarc.monitor.test TXT");
    assert_eq!(none.severity, Severity::Low);
    assert!(evidence(none).contains("p=none"), "{}", evidence(none));

    let sub = at(&out, "dns.dmarc-none", "dns:_dmarc.subopen.test TXT");
    assert!(sub.title.contains("sp=none"), "{}", sub.title);
}

#[tokio::test]
async fn caa_is_looked_up_from_the_host_to_the_registrable_domain() {
    let out = scan(&["nospf.test", "app.inherit.test"], Profile::Standard).await;
    let missing = at(&out, "dns.caa-missing", "dns:nospf.test CAA");
    assert_eq!(missing.severity, Severity::Low);
    assert_eq!(evidence(missing), "CAA nospf.test: none");
    assert_eq!(
        about(&out, "dns.caa", "inherit.test"),
        Vec::<&str>::new(),
        "app.inherit.test inherits the CAA of inherit.test"
    );
    assert_eq!(
        state_of(&out, "app.inherit.test", "dns.caa").0,
        CoverageState::Passed
    );
}

#[tokio::test]
async fn an_unsigned_zone_is_information() {
    let out = scan(&["nospf.test"], Profile::Standard).await;
    let f = at(&out, "dns.dnssec-missing", "dns:nospf.test DNSKEY");
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(evidence(f), "DNSKEY nospf.test: no records");
}

#[tokio::test]
async fn dangling_cnames_to_providers_are_takeovers() {
    let out = scan(
        &[
            "app.gone.test",
            "blog.gone.test",
            "pages.test",
            "assets.test",
            "lapsed.test",
        ],
        Profile::Standard,
    )
    .await;
    let azure = at(&out, "dns.subdomain-takeover", "dns:app.gone.test CNAME");
    assert_eq!(
        (azure.severity, azure.confidence),
        (Severity::High, Confidence::High)
    );
    assert_eq!(
        evidence(azure),
        "CNAME chain: app.gone.test → gone-app.azurewebsites.net; gone-app.azurewebsites.net: NXDOMAIN (no such name)"
    );
    assert!(azure.title.contains("Microsoft Azure"), "{}", azure.title);

    let github_nx = at(&out, "dns.subdomain-takeover", "dns:blog.gone.test CNAME");
    assert_eq!(
        (github_nx.severity, github_nx.confidence),
        (Severity::Medium, Confidence::Medium),
        "a missing GitHub Pages name is claimed by a repository, not by its host name: less sure"
    );

    let pages = at(&out, "dns.subdomain-takeover", "dns:www.pages.test CNAME");
    assert_eq!(pages.severity, Severity::High);
    assert!(
        evidence(pages).starts_with(
            "CNAME chain: www.pages.test → old-pages.github.io; GET http://www.pages.test/ → 404"
        ) && evidence(pages).contains("There isn't a GitHub Pages site here."),
        "{}",
        evidence(pages)
    );

    let s3 = at(&out, "dns.subdomain-takeover", "dns:assets.test CNAME");
    assert!(
        evidence(s3).contains("assets.test → assets-gone.s3.amazonaws.com")
            && evidence(s3).contains("NoSuchBucket"),
        "{}",
        evidence(s3)
    );
    assert!(s3.title.contains("Amazon S3"), "{}", s3.title);

    let lapsed = at(&out, "dns.subdomain-takeover", "dns:www.lapsed.test CNAME");
    assert_eq!(lapsed.confidence, Confidence::Medium);
    assert!(
        evidence(lapsed).contains("expired-domain.test: NXDOMAIN"),
        "{}",
        evidence(lapsed)
    );
}

#[tokio::test]
async fn wildcard_records_are_information() {
    let out = scan(&["wild.test"], Profile::Standard).await;
    let f = at(&out, "dns.wildcard-record", "dns:*.wild.test");
    assert_eq!(f.severity, Severity::Info);
    assert!(
        evidence(f).contains(".wild.test (a random name) resolves: ")
            && evidence(f).contains("A 127.0.0.1"),
        "{}",
        evidence(f)
    );
}

#[tokio::test]
async fn an_open_zone_transfer_is_found_in_the_deep_profile_only() {
    let out = scan(&["open.test"], Profile::Deep).await;
    let f = at(&out, "dns.zone-transfer", "dns:open.test AXFR");
    assert_eq!(f.severity, Severity::High);
    let e = evidence(f);
    assert!(
        e.starts_with("AXFR open.test: ns1.open.test sent ")
            && e.contains("open.test SOA")
            && e.contains("vpn.open.test A"),
        "{e}"
    );
    let standard = scan(&["open.test"], Profile::Standard).await;
    assert!(!standard.coverage.iter().any(|c| c.check_id == "dns.axfr"));
}

#[tokio::test]
async fn targets_without_dns_of_their_own_are_skipped_with_a_reason() {
    let site = http(fixed(200, &[("content-type", "text/html")], PAGE)).await;
    let t = TestApp::new(|_| {}).await;
    let ip = t
        .scan(&[&format!("http://{}/", site.addr)], Profile::Standard)
        .await;
    for check in CHECKS.iter().filter(|c| **c != "dns.axfr") {
        assert_eq!(ip.state(check), CoverageState::Skipped, "{check}");
        assert!(
            ip.detail(check).contains("IP address"),
            "{}",
            ip.detail(check)
        );
    }

    let unknown = scan(&["unknown.test"], Profile::Standard).await;
    assert_eq!(unknown.state("dns.spf"), CoverageState::Skipped);
    assert!(
        unknown
            .detail("dns.spf")
            .starts_with("unknown.test does not exist in the DNS (NXDOMAIN)"),
        "{}",
        unknown.detail("dns.spf")
    );
}

#[tokio::test]
async fn special_use_names_are_never_asked_of_the_system_resolver() {
    let w = world().await;
    let t = TestApp::new(|c| {
        c.network.nameservers.clear();
        c.network.pins = w.pins.clone();
    })
    .await;
    let out = t.scan(&["http://nospf.test/"], Profile::Standard).await;
    assert_eq!(out.ids_in("dns."), Vec::<&str>::new());
    for check in CHECKS.iter().filter(|c| **c != "dns.axfr") {
        assert_eq!(out.state(check), CoverageState::Skipped, "{check}");
        assert!(
            out.detail(check).contains("special-use name (.test)"),
            "{}",
            out.detail(check)
        );
    }
}

#[tokio::test]
async fn a_failing_resolver_errors_the_checks_instead_of_passing_them() {
    let failing = support::dns::failing().await;
    let site = http(fixed(200, &[("content-type", "text/html")], PAGE)).await;
    let t = TestApp::new(|c| {
        c.network.nameservers = vec![failing.addr];
        c.network.pins = pin_site("nospf.test", site.addr, closed_port());
    })
    .await;
    let out = t.scan(&["http://nospf.test/"], Profile::Standard).await;
    assert_eq!(out.ids_in("dns."), Vec::<&str>::new());
    for check in CHECKS.iter().filter(|c| **c != "dns.axfr") {
        assert_eq!(out.state(check), CoverageState::Errored, "{check}");
        assert!(
            out.detail(check).starts_with("DNS query nospf.test SOA"),
            "{check}: {}",
            out.detail(check)
        );
    }
    assert!(failing.queries.load(std::sync::atomic::Ordering::SeqCst) > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_resolver_flag_points_the_checks_at_a_dns_server() {
    let w = world().await;
    let site = http(fixed(200, &[("content-type", "text/html")], PAGE)).await;
    let dir = tempfile::tempdir().unwrap();
    let out = palisade(&dir)
        .args([
            "scan",
            "http://nospf.test/",
            "--profile",
            "standard",
            "--format",
            "jsonl",
        ])
        .args(["--resolver", &w.dns.addr.to_string()])
        .args(["--connect-to", &format!("nospf.test:80:{}", site.addr)])
        .args(["--connect-to", &format!("nospf.test:443:{}", closed_port())])
        .args(["--allow", "127.0.0.0/8"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("\"dns.spf-missing\"") && stdout.contains("dns:nospf.test TXT"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
