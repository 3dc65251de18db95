//! Fixes fit the stack the scan saw: sites on loopback that show their stack through banners, generator tags and
//! cookie names are scanned, and their fix files give the seen stack's variants alone, at its version, or say the
//! variants are only likely when weak signs were all there was.

#[path = "support/fixfile.rs"]
#[allow(dead_code)]
mod fixfile;
mod support;

use fixfile::{FixFile, FixSection};
use palisade::app::DEFAULT_ORG;
use palisade::lab::certs::{CertSpec, LabCa};
use palisade::model::Profile;
use support::*;

/// Scans a site that answers every request with `headers` and `body`; returns its fix file.
async fn fix_file(host: &str, headers: &[(&str, &str)], body: &str) -> (String, FixFile) {
    let ca = LabCa::new("Stack CA");
    let server = https(
        fixed(200, headers, body),
        &ca.issue(&CertSpec::valid(&[host], 200)),
    )
    .await;
    let t = TestApp::new(|c| {
        c.network.pins = pin_site(host, closed_port(), server.addr);
        c.network.ca_certs.push(ca.cert_der());
    })
    .await;
    let out = t.scan(&[&format!("https://{host}/")], Profile::Quick).await;
    let md = t
        .app
        .fix_file(DEFAULT_ORG, &out.scan.id, None)
        .await
        .unwrap();
    let file = FixFile::parse(&md);
    (md, file)
}

fn fix<'a>(file: &'a FixFile, title: &str) -> &'a FixSection {
    file.fixes
        .iter()
        .find(|f| f.title.starts_with(title))
        .unwrap_or_else(|| panic!("no fix titled {title}..."))
}

/// The fence languages of a fix's config and code blocks (not verify commands or evidence).
fn langs(f: &FixSection) -> Vec<&str> {
    f.snippets
        .iter()
        .map(|(l, _)| l.as_str())
        .filter(|l| *l != "sh" && *l != "text")
        .collect()
}

const WORDPRESS_PAGE: &str = r#"<html><head><title>Blog</title>
<meta name="generator" content="WordPress 4.9.8">
<link rel="stylesheet" href="/wp-content/themes/t/style.css"></head><body>hi</body></html>"#;

#[tokio::test]
async fn an_old_wordpress_on_nginx_with_a_sessionid_cookie_gets_its_own_stack_and_upgrade_notes() {
    let (md, file) = fix_file(
        "blog.test",
        &[
            ("server", "nginx/1.10.3"),
            ("x-powered-by", "PHP/5.6.40"),
            ("set-cookie", "sessionid=abc123; Path=/"),
        ],
        WORDPRESS_PAGE,
    )
    .await;
    assert!(
        !md.contains("Django") && !md.contains("settings.py"),
        "a cookie named sessionid is no reason for Django:\n{md}"
    );
    let stack: Vec<&str> = file.front["targets"][0]["stack"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert_eq!(
        stack,
        [
            "nginx 1.10.3",
            "django (likely)",
            "php 5.6.40",
            "wordpress 4.9.8"
        ],
        "the front matter marks what only a cookie name suggests"
    );

    let cookies = fix(&file, "Set Secure, HttpOnly and SameSite");
    assert_eq!(langs(cookies), ["ini", "php"], "{}", cookies.body);
    assert!(
        cookies.body.contains("PHP 5.6.40 is older than 7.3")
            && cookies.body.contains("upgrade first"),
        "{}",
        cookies.body
    );
    let code: String = cookies.snippets.iter().map(|(_, c)| c.as_str()).collect();
    assert!(
        !code.contains("session.cookie_samesite") && !code.contains("'samesite' =>"),
        "no setting PHP 5.6 lacks:\n{}",
        cookies.body
    );
    assert!(code.contains("'/; samesite=Lax'"), "{}", cookies.body);
    assert!(
        cookies
            .body
            .contains("- **Stack seen:** nginx 1.10.3, PHP 5.6.40, WordPress 4.9.8\n"),
        "{}",
        cookies.body
    );

    let headers = fix(&file, "Send the missing security headers");
    assert_eq!(
        langs(headers),
        ["nginx", "php"],
        "nginx and WordPress, the seen layers:\n{}",
        headers.body
    );
    assert!(
        headers.body.contains("add_header Content-Security-Policy"),
        "{}",
        headers.body
    );
}

#[tokio::test]
async fn a_site_with_only_a_sessionid_cookie_gets_likely_variants_marked_as_such() {
    let (_, file) = fix_file(
        "cookie.test",
        &[("set-cookie", "sessionid=abc123; Path=/")],
        "<html><head><title>x</title></head><body>hi</body></html>",
    )
    .await;
    let cookies = fix(&file, "Set Secure, HttpOnly and SameSite");
    assert_eq!(langs(cookies), ["python"], "{}", cookies.body);
    assert!(
        cookies.body.contains(
            "- **Stack seen:** not identified; likely, not seen: Django (cookie sessionid)"
        ),
        "{}",
        cookies.body
    );
    // Any layer could send the headers, and the cookie is the only sign: Django again, as likely.
    let headers = fix(&file, "Send the missing security headers");
    assert_eq!(langs(headers), ["python"], "{}", headers.body);
    assert!(
        headers.body.contains("likely, not seen: Django"),
        "{}",
        headers.body
    );
}
