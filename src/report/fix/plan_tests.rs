//! The plan as a whole: TLS findings of one endpoint become one fix, no two fixes say the same thing, and the
//! snippets fit the versions the scan saw.

use super::{plan, render};
use crate::model::{Finding, Severity, Signal, SiteProfile, TechKind, Technology};
use crate::report::ReportData;
use crate::report::testdata::{finding, sample};

fn at(check_id: &str, severity: Severity, location: &str) -> Finding {
    let mut f = finding(check_id, severity, check_id);
    f.location = location.into();
    f.evidence = Some(format!("evidence of {check_id}"));
    f.remediation = format!("Remediation of {check_id}.");
    f
}

fn with_stack(
    mut data: ReportData,
    stack: &[(&str, TechKind, Option<&str>, Signal)],
) -> ReportData {
    data.scan.targets[0].site = Some(SiteProfile {
        stack: stack
            .iter()
            .map(|(name, kind, version, signal)| Technology {
                name: name.to_string(),
                kind: *kind,
                version: version.map(str::to_string),
                evidence: format!("{name} sign"),
                signal: *signal,
            })
            .collect(),
        ..Default::default()
    });
    data
}

const TLS: &[(&str, Severity)] = &[
    ("tls.ssl3-accepted", Severity::High),
    ("tls.tls10-accepted", Severity::Medium),
    ("tls.tls11-accepted", Severity::Medium),
    ("tls.tls13-missing", Severity::Low),
    ("tls.rc4-cipher", Severity::High),
    ("tls.3des-cipher", Severity::Medium),
    ("tls.null-cipher", Severity::High),
    ("tls.no-forward-secrecy", Severity::Medium),
];

/// Many findings of every kind on one host.
fn many() -> Vec<Finding> {
    let mut out: Vec<Finding> = TLS
        .iter()
        .map(|(id, sev)| at(id, *sev, "shop.test (TLS)"))
        .collect();
    for (id, sev, loc) in [
        (
            "headers.csp-missing",
            Severity::Medium,
            "https://shop.test/",
        ),
        ("headers.xcto-missing", Severity::Low, "https://shop.test/"),
        ("tls.hsts-missing", Severity::Medium, "https://shop.test/"),
        (
            "tls.http-no-redirect",
            Severity::Medium,
            "http://shop.test/",
        ),
        (
            "headers.cookie-no-httponly",
            Severity::Medium,
            "https://shop.test/ (Set-Cookie: sessionid)",
        ),
        (
            "headers.cookie-samesite",
            Severity::Low,
            "https://shop.test/ (Set-Cookie: PHPSESSID)",
        ),
        (
            "disclosure.server-version",
            Severity::Low,
            "https://shop.test/",
        ),
        (
            "disclosure.x-powered-by",
            Severity::Low,
            "https://shop.test/",
        ),
        (
            "disclosure.env-exposed",
            Severity::Critical,
            "https://shop.test/.env",
        ),
        (
            "disclosure.repository-exposed",
            Severity::High,
            "https://shop.test/.git/config",
        ),
        (
            "disclosure.directory-listing",
            Severity::Medium,
            "https://shop.test/static/",
        ),
        (
            "api.cors-reflects-origin",
            Severity::High,
            "https://shop.test/api",
        ),
        ("api.trace-enabled", Severity::Low, "https://shop.test/"),
    ] {
        let mut f = at(id, sev, loc);
        if id == "disclosure.server-version" {
            f.evidence = Some("Server: nginx/1.10.3".into());
        } else if id == "disclosure.x-powered-by" {
            f.evidence = Some("X-Powered-By: PHP/5.6.40".into());
        }
        out.push(f);
    }
    for (i, f) in out.iter_mut().enumerate() {
        f.fingerprint = format!("fp{i:02}");
    }
    out
}

fn old_lamp() -> ReportData {
    with_stack(
        sample(many()),
        &[
            ("nginx", TechKind::Server, Some("1.10.3"), Signal::Strong),
            ("php", TechKind::Language, Some("5.6.40"), Signal::Strong),
            ("wordpress", TechKind::Cms, Some("4.9"), Signal::Medium),
            ("django", TechKind::Framework, None, Signal::Weak),
        ],
    )
}

#[test]
fn the_tls_findings_of_one_endpoint_are_one_fix_with_one_block_and_a_verify_per_removal() {
    let plan = plan(&old_lamp());
    let tls: Vec<_> = plan
        .fixes
        .iter()
        .filter(|f| {
            f.check_ids
                .iter()
                .any(|c| c.contains("-accepted") || c.contains("cipher"))
        })
        .collect();
    assert_eq!(tls.len(), 1, "{:#?}", tls);
    let fix = tls[0];
    assert_eq!(fix.fingerprints.len(), TLS.len());
    let snippets: Vec<_> = fix.steps.iter().flat_map(|s| &s.snippets).collect();
    assert_eq!(snippets.len(), 1, "one nginx block: {snippets:#?}");
    let code = &snippets[0].code;
    assert!(
        code.starts_with("# palisade: place=server-https\n"),
        "{code}"
    );
    assert!(
        code.contains("ssl_protocols TLSv1.2;"),
        "nginx 1.10 has no TLSv1.3: {code}"
    );
    assert!(code.contains("ssl_ciphers ECDHE-"), "{code}");
    assert!(
        fix.steps[0].text.contains("upgrade first"),
        "{:?}",
        fix.steps[0]
    );
    for flag in [
        "-ssl3", "-tls1 ", "-tls1_1", "'RC4:", "'3DES:", "'eNULL:", "'kRSA:", "-tls1_3",
    ] {
        assert!(
            fix.verify
                .iter()
                .any(|v| v.starts_with("openssl s_client -connect shop.test:443")
                    && v.contains(flag)),
            "a verify command with {flag}: {:#?}",
            fix.verify
        );
    }
}

#[test]
fn no_two_fixes_of_a_plan_with_many_findings_say_the_same_thing() {
    let data = old_lamp();
    let md = render(&data);
    let sections: Vec<&str> = md.split("\n## ").skip(1).collect();
    assert!(sections.len() >= 10, "{md}");
    let bodies: Vec<String> = sections
        .iter()
        .map(|s| {
            // Without the heading (its number) and the Resolves line (its fingerprints).
            s.lines()
                .skip(1)
                .filter(|l| !l.starts_with("- **Resolves:**") && !l.contains("verify_fixes"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    for (i, a) in bodies.iter().enumerate() {
        for b in &bodies[i + 1..] {
            assert_ne!(a, b, "two fixes with identical text:\n{md}");
        }
    }
    for fix in plan(&data).fixes {
        let mut codes: Vec<&str> = fix
            .steps
            .iter()
            .flat_map(|s| &s.snippets)
            .map(|s| s.code.as_str())
            .collect();
        let n = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(
            codes.len(),
            n,
            "a snippet repeated in FIX-{}: {}",
            fix.n,
            fix.title
        );
    }
}

#[test]
fn a_seen_stack_gets_its_own_variants_only_and_php_5_6_the_upgrade_note() {
    let plan = plan(&old_lamp());
    let md = render(&old_lamp());
    assert!(
        !md.contains("Django"),
        "a sessionid cookie is no reason for Django:\n{md}"
    );
    let cookies = plan
        .fixes
        .iter()
        .find(|f| f.title.contains("cookies"))
        .unwrap();
    let titles: Vec<&str> = cookies
        .steps
        .iter()
        .filter(|s| s.variant)
        .map(|s| s.title.as_str())
        .collect();
    assert_eq!(titles, ["PHP"], "{:#?}", cookies.steps);
    let php = cookies.steps.iter().find(|s| s.title == "PHP").unwrap();
    assert!(
        php.text.contains("PHP 5.6.40 is older than 7.3") && php.text.contains("upgrade first"),
        "{}",
        php.text
    );
    let code: String = php.snippets.iter().map(|s| s.code.as_str()).collect();
    assert!(
        !code.contains("cookie_samesite") && !code.contains("'samesite' =>"),
        "{code}"
    );
    assert!(code.contains("'/; samesite=Lax'"), "{code}");
    let headers = plan
        .fixes
        .iter()
        .find(|f| f.title.starts_with("Send the missing"))
        .unwrap();
    let titles: Vec<&str> = headers
        .steps
        .iter()
        .filter(|s| s.variant)
        .map(|s| s.title.as_str())
        .collect();
    assert_eq!(titles, ["nginx", "WordPress"], "the seen layers, no others");
}

#[test]
fn weak_signs_alone_give_likely_variants_that_say_so() {
    let cookie = at(
        "headers.cookie-no-httponly",
        Severity::Medium,
        "https://shop.test/ (Set-Cookie: sessionid)",
    );
    let data = with_stack(
        sample(vec![cookie]),
        &[("django", TechKind::Framework, None, Signal::Weak)],
    );
    let fix = &plan(&data).fixes[0];
    assert_eq!(fix.basis, super::Basis::Likely);
    let titles: Vec<&str> = fix
        .steps
        .iter()
        .filter(|s| s.variant)
        .map(|s| s.title.as_str())
        .collect();
    assert_eq!(titles, ["Django"]);
    let md = render(&data);
    assert!(
        md.contains("- **Stack seen:** not identified; likely, not seen: Django (django sign)"),
        "{md}"
    );
}
