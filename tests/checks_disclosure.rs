//! The `disclosure` module end to end: the lab's two sites, profiles, catch-all sites, redirects and the request
//! budget. Per-rule tests are in checks_disclosure_files.rs and checks_disclosure_pages.rs.

mod disclosure_support;
mod support;

use disclosure_support::*;
use palisade::lab::{Kind, Lab};
use palisade::model::{CoverageState, Profile, Severity};
use support::*;

const DISCLOSURE_CHECKS: &[&str] = &[
    "disclosure.banners",
    "disclosure.security-txt",
    "disclosure.exposures",
    "disclosure.source-maps",
    "disclosure.listings",
    "disclosure.errors",
];

#[tokio::test]
async fn lab_vulnerable_site_reports_every_disclosure_problem_it_serves() {
    let lab = Lab::start(0).await.unwrap();
    let t = TestApp::new(|c| lab.apply(c)).await;
    let out = t
        .scan(&[&lab.host(Kind::Vulnerable).url()], Profile::Standard)
        .await;
    assert_eq!(
        out.ids_in("disclosure."),
        vec![
            "disclosure.agent-files-exposed",  // /CLAUDE.md
            "disclosure.database-exposed",     // /backup.sql
            "disclosure.directory-listing",    // /static/
            "disclosure.env-exposed",          // /.env
            "disclosure.error-details",        // /products traceback
            "disclosure.error-details",        // Django debug 404 page
            "disclosure.generator-version",    // WordPress 5.8.1
            "disclosure.phpinfo-exposed",      // /phpinfo.php
            "disclosure.repository-exposed",   // /.git/
            "disclosure.security-txt-missing", // no security.txt
            "disclosure.server-version",       // Apache/2.4.49
            "disclosure.source-map-exposed",   // /static/app.js.map
            "disclosure.status-page-exposed",  // /server-status
            "disclosure.x-powered-by",         // PHP/7.4.3
        ]
    );
    let base = "https://vulnerable.lab.palisade.test";
    let locations: Vec<&str> = out
        .findings
        .iter()
        .filter(|f| f.check_id == "disclosure.error-details")
        .map(|f| f.location.as_str())
        .collect();
    assert!(
        locations.contains(&format!("{base}/products").as_str()),
        "{locations:?}"
    );
    assert!(
        locations.contains(&format!("{base}/ (not-found page)").as_str()),
        "{locations:?}"
    );
    let env = out.finding("disclosure.env-exposed");
    assert_eq!(
        (env.severity, env.location.as_str()),
        (
            Severity::Critical,
            "https://vulnerable.lab.palisade.test/.env"
        )
    );
    let evidence = env.evidence.clone().unwrap_or_default();
    assert!(
        evidence.contains("DB_PASSWORD=") && !evidence.contains("lab-not-a-real-password"),
        "{evidence}"
    );
    assert!(
        out.finding("disclosure.repository-exposed")
            .evidence
            .as_deref()
            .unwrap_or("")
            .contains("ref: refs/heads/main")
    );
    let claude = out.finding("disclosure.agent-files-exposed");
    assert_eq!(
        claude.severity,
        Severity::Medium,
        "CLAUDE.md names an internal address and an ssh deploy: {:?}",
        claude.evidence
    );
    assert_eq!(
        out.finding("disclosure.source-map-exposed").severity,
        Severity::Medium,
        "sourcesContent is present"
    );
    assert_eq!(
        lab.hits.count("/logout"),
        0,
        "the crawler must never follow /logout"
    );
    assert!(
        out.scan.requests < 150,
        "{} requests for one host",
        out.scan.requests
    );
    for check in DISCLOSURE_CHECKS {
        assert_eq!(
            out.state(check),
            CoverageState::Found,
            "{check}: {}",
            out.detail(check)
        );
    }
}

#[tokio::test]
async fn lab_hardened_site_has_no_disclosure_finding() {
    let lab = Lab::start(0).await.unwrap();
    let t = TestApp::new(|c| lab.apply(c)).await;
    let out = t
        .scan(&[&lab.host(Kind::Hardened).url()], Profile::Standard)
        .await;
    assert_eq!(out.ids_in("disclosure."), Vec::<&str>::new());
    for check in DISCLOSURE_CHECKS {
        assert_eq!(
            out.state(check),
            CoverageState::Passed,
            "{check}: {}",
            out.detail(check)
        );
    }
    assert_eq!(
        out.state("disclosure.dev-servers"),
        CoverageState::Passed,
        "the hardened site runs no development server"
    );
    assert!(lab.hits.count("/.well-known/security.txt") >= 1);
    assert!(out.scan.requests < 150, "{} requests", out.scan.requests);
}

#[tokio::test]
async fn quick_profile_reads_banners_and_security_txt_but_sends_no_probes() {
    let lab = Lab::start(0).await.unwrap();
    let t = TestApp::new(|c| lab.apply(c)).await;
    let out = t
        .scan(&[&lab.host(Kind::Vulnerable).url()], Profile::Quick)
        .await;
    assert_eq!(
        out.ids_in("disclosure."),
        vec![
            "disclosure.generator-version",
            "disclosure.security-txt-missing",
            "disclosure.server-version",
            "disclosure.x-powered-by",
        ]
    );
    for path in [
        "/.env",
        "/.git/HEAD",
        "/CLAUDE.md",
        "/static/app.js.map",
        "/products",
    ] {
        assert_eq!(
            lab.hits.count(path),
            0,
            "{path} was requested in a quick scan"
        );
    }
    assert!(
        out.coverage
            .iter()
            .all(|c| c.check_id != "disclosure.exposures")
    );
}

/// Every path a standard scan probes, served as the same HTML page with status 200.
#[tokio::test]
async fn a_site_answering_200_with_one_page_for_every_path_has_no_exposure() {
    let scanned = scan_site(
        vec![index_with(r#"<script src="/assets/app.js"></script><img src="/uploads/a.png"><a href="/about">About</a>"#)],
        Missing::SamePage,
        Profile::Standard,
    )
    .await;
    assert_eq!(scanned.ids(), vec!["disclosure.security-txt-missing"]);
    assert!(
        scanned.count("/.env") == 1 && scanned.count("/.git/HEAD") == 1,
        "the probes were sent"
    );
    assert_eq!(
        scanned.out.state("disclosure.exposures"),
        CoverageState::Passed
    );
}

/// A search-style page that names the requested path and whose length changes with it: the not-found calibration
/// cannot match it, so only content verification keeps it out.
#[tokio::test]
async fn a_site_answering_200_with_a_page_naming_the_path_has_no_exposure() {
    let scanned = scan_site(
        vec![index_with(
            r#"<script src="/assets/app.js"></script><a href="/about">About</a>"#,
        )],
        Missing::EchoPath,
        Profile::Deep,
    )
    .await;
    assert_eq!(scanned.ids(), vec!["disclosure.security-txt-missing"]);
    assert!(scanned.count("/.npmrc") == 1, "deep probes were sent");
}

#[tokio::test]
async fn a_redirect_is_not_the_file() {
    let env = "DB_PASSWORD=correct-horse-battery\nAPI_KEY=0123456789abcdef\n";
    let files = vec![
        ok("/.env", "text/plain", "")
            .status(302)
            .header("location", "/real/.env"),
        ok("/real/.env", "text/plain", env),
        ok("/.git/HEAD", "text/plain", "")
            .status(301)
            .header("location", "/mirror/HEAD"),
        ok("/mirror/HEAD", "text/plain", "ref: refs/heads/main\n"),
    ];
    let scanned = scan_site(files, Missing::NotFound, Profile::Standard).await;
    assert_eq!(scanned.ids(), vec!["disclosure.security-txt-missing"]);
    assert_eq!(scanned.count("/real/.env"), 0, "the redirect was followed");
}

#[tokio::test]
async fn deep_probes_more_paths_than_standard() {
    let files = vec![ok(
        "/.env.bak",
        "text/plain",
        "DB_PASSWORD=correct-horse-battery\nDB_USER=shop\n",
    )];
    let standard = scan_site(files.clone(), Missing::NotFound, Profile::Standard).await;
    assert_eq!(standard.count("/.env.bak"), 0);
    assert!(!standard.ids().contains(&"disclosure.env-exposed"));
    let deep = scan_site(files, Missing::NotFound, Profile::Deep).await;
    assert_eq!(
        deep.at("disclosure.env-exposed", &url("/.env.bak"))
            .severity,
        Severity::Critical
    );
    assert!(
        deep.hits.len() > standard.hits.len() + 30,
        "{} vs {}",
        deep.hits.len(),
        standard.hits.len()
    );
    // The crawl, the standard exposure probes and the paths of the standard templates (about 26): bounded.
    assert!(
        standard.out.scan.requests < 140,
        "{} requests",
        standard.out.scan.requests
    );
}

/// A catch-all whose text happens to pass a content verifier (key=value lines, like a .env): only the not-found
/// calibration tells it from a real file.
#[tokio::test]
async fn a_catch_all_that_looks_like_a_file_is_still_the_catch_all() {
    let scanned = scan_site(
        vec![],
        Missing::Page(200, "STATUS=ok\nREGION=eu-west-1\nBUILD=2024.06.01\n"),
        Profile::Standard,
    )
    .await;
    assert_eq!(scanned.ids(), vec!["disclosure.security-txt-missing"]);
}

/// The same kind of catch-all, larger than a probe's body cap: the probe reads only its start, which must still be
/// recognised as the not-found answer.
#[tokio::test]
async fn a_large_catch_all_read_in_part_is_still_the_catch_all() {
    let body: String = (0..8000).map(|i| format!("NODE_{i}_STATUS=ok\n")).collect();
    let body: &'static str = Box::leak(body.into_boxed_str());
    assert!(body.len() > 100 * 1024);
    let scanned = scan_site(vec![], Missing::Page(200, body), Profile::Standard).await;
    assert_eq!(scanned.ids(), vec!["disclosure.security-txt-missing"]);
}
