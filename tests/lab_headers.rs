//! Acceptance of the `headers` and `api` checks on the built-in lab: the vulnerable site shows every problem it
//! was built with, the hardened site shows none and grades A+ on the Observatory.

mod support;

use palisade::lab::{Kind, Lab};
use palisade::model::{Profile, Severity};
use support::*;

/// The ids a target's findings carry in `modules`, sorted.
fn ids_of<'a>(out: &'a Outcome, url: &str, modules: &[&str]) -> Vec<&'a str> {
    let target = out
        .scan
        .targets
        .iter()
        .find(|t| t.url == url)
        .expect("target in scan");
    let mut ids: Vec<&str> = out
        .findings
        .iter()
        .filter(|f| f.target_id == target.target_id)
        .filter(|f| modules.iter().any(|m| f.check_id.starts_with(m)))
        .map(|f| f.check_id.as_str())
        .collect();
    ids.sort();
    ids
}

async fn scan_lab(profile: Profile) -> (Outcome, String, String) {
    let lab = Lab::start(0).await.expect("lab starts");
    let t = TestApp::new(|c| lab.apply(c)).await;
    let (vulnerable, hardened) = (
        lab.host(Kind::Vulnerable).url(),
        lab.host(Kind::Hardened).url(),
    );
    let out = t.scan(&[&vulnerable, &hardened], profile).await;
    (out, vulnerable, hardened)
}

#[tokio::test]
async fn the_vulnerable_site_shows_every_header_and_api_problem_and_the_hardened_site_none() {
    let (out, vulnerable, hardened) = scan_lab(Profile::Standard).await;
    assert_eq!(
        ids_of(&out, &vulnerable, &["headers.", "api."]),
        vec![
            "api.cors-reflects-origin",
            "api.trace-enabled",
            "headers.clickjacking",
            "headers.cookie-no-httponly",
            "headers.cookie-no-secure",
            "headers.cookie-prefix-invalid",
            "headers.cookie-samesite",
            "headers.coop-missing",
            "headers.csp-unsafe-eval",
            "headers.csp-unsafe-inline",
            "headers.csp-wildcard-source",
            "headers.form-insecure",
            "headers.mixed-content-active",
            "headers.mixed-content-passive",
            "headers.permissions-policy-missing",
            "headers.referrer-policy-unsafe",
            "headers.sri-missing",
            "headers.xcto-missing",
        ]
    );
    let severity = |id: &str| out.finding(id).severity;
    assert_eq!(severity("api.cors-reflects-origin"), Severity::High);
    assert_eq!(severity("headers.form-insecure"), Severity::High);
    assert_eq!(
        severity("headers.cookie-no-secure"),
        Severity::Medium,
        "PHPSESSID, and no HSTS"
    );
    assert_eq!(
        out.finding("headers.cookie-prefix-invalid").location,
        format!("{vulnerable} (Set-Cookie: __Secure-theme)")
    );
    assert_eq!(
        ids_of(&out, &hardened, &["headers.", "api."]),
        Vec::<&str>::new()
    );
    let grade = |url: &str| {
        let t = out.scan.targets.iter().find(|t| t.url == url).unwrap();
        t.observatory.clone().expect("graded")
    };
    let (bad, good) = (grade(&vulnerable), grade(&hardened));
    assert_eq!((bad.score, bad.grade.as_str()), (0, "F"));
    assert!(good.score >= 100 && good.grade == "A+", "{good:?}");
    assert!(good.missing.is_empty() && bad.missing.is_empty());
}

#[tokio::test]
async fn the_quick_profile_grades_all_twelve_observatory_tests() {
    let (out, vulnerable, hardened) = scan_lab(Profile::Quick).await;
    for t in &out.scan.targets {
        let obs = t.observatory.as_ref().expect("graded");
        assert_eq!(obs.tests.len(), 12, "{}: {:?}", t.url, obs.tests);
        assert!(obs.missing.is_empty());
    }
    assert!(!ids_of(&out, &vulnerable, &["api."]).contains(&"api.trace-enabled"));
    assert_eq!(
        ids_of(&out, &hardened, &["headers.", "api."]),
        Vec::<&str>::new()
    );
}
