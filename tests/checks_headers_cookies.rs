//! `headers.cookies` against real HTTPS servers on loopback: Set-Cookie flags and prefixes on the start page and
//! on crawled pages, one finding per cookie and problem, and the Observatory's cookies result.

mod site;
mod support;

use palisade::model::{Profile, Severity};
use site::*;
use support::*;

#[tokio::test]
async fn session_cookie_without_secure_httponly_or_samesite() {
    let out = scan_https(
        page(&[("set-cookie", "sessionid=s3cr3tv4lu3xyz; Path=/")], HTML),
        Profile::Quick,
    )
    .await;
    assert_eq!(
        out.ids_in("headers.cookie"),
        vec![
            "headers.cookie-no-httponly",
            "headers.cookie-no-secure",
            "headers.cookie-samesite"
        ]
    );
    let secure = out.finding("headers.cookie-no-secure");
    assert_eq!(
        secure.location,
        "https://site.test/ (Set-Cookie: sessionid)"
    );
    assert_eq!(
        secure.severity,
        Severity::Low,
        "HSTS keeps it off plain HTTP on this host"
    );
    let evidence = secure.evidence.as_deref().unwrap();
    assert!(
        !evidence.contains("s3cr3tv4lu3xyz") && evidence.contains("; Path=/"),
        "{evidence}"
    );
    assert_eq!(
        observed(&out, "cookies"),
        ("cookies-session-without-httponly-flag".into(), -30)
    );
    let good = scan_https(
        page(
            &[(
                "set-cookie",
                "sessionid=s3cr3tv4lu3xyz; Path=/; Secure; HttpOnly; SameSite=Lax",
            )],
            HTML,
        ),
        Profile::Quick,
    )
    .await;
    assert_eq!(good.ids_in("headers.cookie"), Vec::<&str>::new());
    assert_eq!(
        observed(&good, "cookies"),
        (
            "cookies-secure-with-httponly-sessions-and-samesite".into(),
            5
        )
    );
}

#[tokio::test]
async fn a_session_cookie_without_secure_or_hsts_is_medium() {
    let app = fixed(
        200,
        &[
            ("content-type", "text/html"),
            (
                "set-cookie",
                "PHPSESSID=abcdef0123456789; HttpOnly; SameSite=Lax",
            ),
        ],
        HTML,
    );
    let out = scan_https(app, Profile::Quick).await;
    assert_eq!(
        out.ids_in("headers.cookie"),
        vec!["headers.cookie-no-secure"]
    );
    assert_eq!(
        out.finding("headers.cookie-no-secure").severity,
        Severity::Medium
    );
    assert_eq!(
        observed(&out, "cookies"),
        ("cookies-session-without-secure-flag".into(), -40)
    );
}

#[tokio::test]
async fn ordinary_cookies_need_secure_but_not_httponly_or_samesite() {
    let out = scan_https(
        page(
            &[
                ("set-cookie", "theme=dark; Path=/"),
                (
                    "set-cookie",
                    "csrftoken=abcdefgh1234; Secure; SameSite=Strict",
                ),
            ],
            HTML,
        ),
        Profile::Quick,
    )
    .await;
    assert_eq!(
        out.ids_in("headers.cookie"),
        vec!["headers.cookie-no-secure"]
    );
    let f = out.finding("headers.cookie-no-secure");
    assert_eq!(
        (f.location.as_str(), f.severity),
        ("https://site.test/ (Set-Cookie: theme)", Severity::Low)
    );
    assert_eq!(
        observed(&out, "cookies"),
        (
            "cookies-without-secure-flag-but-protected-by-hsts".into(),
            -5
        )
    );
}

#[tokio::test]
async fn invalid_samesite_and_none_without_secure() {
    let out = scan_https(
        page(
            &[
                ("set-cookie", "pref=1; Secure; SameSite=Yes"),
                ("set-cookie", "embed=1; SameSite=None"),
            ],
            HTML,
        ),
        Profile::Quick,
    )
    .await;
    assert_eq!(
        out.ids_in("headers.cookie"),
        vec!["headers.cookie-no-secure", "headers.cookie-samesite"],
        "one finding per cookie: SameSite=None without Secure is the missing Secure flag"
    );
    let invalid = out.finding("headers.cookie-samesite");
    assert!(
        invalid.title.contains("invalid SameSite value \"Yes\""),
        "{}",
        invalid.title
    );
    assert_eq!(invalid.location, "https://site.test/ (Set-Cookie: pref)");
    let none = out.finding("headers.cookie-no-secure");
    assert!(
        none.title.contains("SameSite=None without Secure"),
        "{}",
        none.title
    );
    assert_eq!(
        observed(&out, "cookies"),
        ("cookies-samesite-flag-invalid".into(), -20)
    );
}

#[tokio::test]
async fn cookie_prefix_rules() {
    let bad = scan_https(
        page(
            &[
                ("set-cookie", "__Secure-theme=dark; Path=/"),
                (
                    "set-cookie",
                    "__Host-id=abc123456789; Path=/app; Secure; HttpOnly; SameSite=Lax",
                ),
            ],
            HTML,
        ),
        Profile::Quick,
    )
    .await;
    assert_eq!(
        bad.ids_in("headers.cookie"),
        vec![
            "headers.cookie-prefix-invalid",
            "headers.cookie-prefix-invalid"
        ]
    );
    let locations: Vec<&str> = bad.findings.iter().map(|f| f.location.as_str()).collect();
    assert!(
        locations.contains(&"https://site.test/ (Set-Cookie: __Host-id)"),
        "{locations:?}"
    );
    let good = scan_https(
        page(
            &[(
                "set-cookie",
                "__Host-id=abc123456789; Path=/; Secure; HttpOnly; SameSite=Lax",
            )],
            HTML,
        ),
        Profile::Quick,
    )
    .await;
    assert_eq!(good.ids_in("headers.cookie"), Vec::<&str>::new());
}

#[tokio::test]
async fn deleting_a_cookie_is_not_a_finding() {
    let out = scan_https(
        page(
            &[(
                "set-cookie",
                "session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            )],
            HTML,
        ),
        Profile::Quick,
    )
    .await;
    assert_eq!(out.ids_in("headers.cookie"), Vec::<&str>::new());
}

#[tokio::test]
async fn cookies_of_crawled_pages_in_the_standard_profile_only() {
    let app = || {
        two_pages(
            &[(
                "set-cookie",
                "auth_token=zzzzzzzz99; Path=/; Secure; SameSite=Lax",
            )],
            "<html><body>acct</body></html>",
        )
    };
    let quick = scan_https(app(), Profile::Quick).await;
    assert_eq!(quick.ids_in("headers.cookie"), Vec::<&str>::new());
    let standard = scan_https(app(), Profile::Standard).await;
    assert_eq!(
        standard.ids_in("headers.cookie"),
        vec!["headers.cookie-no-httponly"]
    );
    assert_eq!(
        standard.finding("headers.cookie-no-httponly").location,
        "https://site.test/account (Set-Cookie: auth_token)"
    );
    assert_eq!(
        observed(&standard, "cookies").0,
        "cookies-not-found",
        "the Observatory grades the start page only"
    );
}
