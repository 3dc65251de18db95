//! Unit tests of the HTML report.

use super::*;
use crate::model::ScanStatus;
use crate::report::testdata::{finding, sample};

#[test]
fn escape_covers_the_five_characters() {
    assert_eq!(
        escape(r#"<a href="x">'&'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
}

#[test]
fn hostile_site_text_comes_out_escaped() {
    let mut f = finding(
        "disclosure.env-exposed",
        Severity::Critical,
        "<script>alert(1)</script>",
    );
    f.evidence = Some("\"><img src=x onerror=alert(1)>".into());
    f.location = "https://shop.test/'onmouseover='x\u{202e}gpj.exe".into();
    let mut data = sample(vec![f]);
    data.scan.targets[0].site.as_mut().unwrap().stack[0].name = "<u>evil</u>".into();
    data.scan.targets[0].host = "<i>shop</i>".into();
    let html = render(&data);
    assert!(!html.contains("<script"), "no script element");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<img"), "no image element");
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(
        html.contains("shop.test/&#39;onmouseover=&#39;xgpj.exe"),
        "no bidi override"
    );
    assert!(!html.contains("<u>evil") && html.contains("&lt;u&gt;evil"));
    assert!(!html.contains("<i>shop") && html.contains("&lt;i&gt;shop"));
    assert!(
        !html.contains("href=\"javascript:"),
        "only http(s) references become links"
    );
}

#[test]
fn the_page_loads_nothing_and_shows_grade_chart_findings_and_fixes() {
    let data = sample(vec![
        finding(
            "disclosure.env-exposed",
            Severity::Critical,
            "Environment file exposed at /.env",
        ),
        finding(
            "disclosure.git-exposed",
            Severity::Medium,
            "Git metadata exposed",
        ),
    ]);
    let html = render(&data);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(&format!("content=\"{CSP}\"")));
    let csp_at = html.find("Content-Security-Policy").unwrap();
    assert!(
        csp_at < html.find("<title>").unwrap(),
        "the policy comes before any content"
    );
    for needle in [
        "<span class=\"letter\">F</span>",
        "40/100",
        "<svg",
        ">CRITICAL</text>",
        "Environment file exposed at /.env",
        "<h3 id=\"sev-critical\">CRITICAL (1)</h3>",
        "<section id=\"summary\">",
        "<nav id=\"contents\"",
        "<a href=\"#f-fp-disclosure.env-exposed\">Environment file exposed at /.env</a>",
        "<a href=\"#fix-1\">FIX-1: ",
        "<pre>APP_KEY=[redacted]</pre>",
        "<div><dt>Check</dt><dd><code>disclosure.env-exposed</code></dd></div>",
        "FIX-1: ",
        "nginx 1.18.0",
        "@media print",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    assert!(!html.contains("Partial report"));
    for tag in [
        "<script", "<link", "<img", "<iframe", "<object", "<embed", "url(",
    ] {
        assert!(!html.contains(tag), "{tag}");
    }
}

#[test]
fn a_partial_scan_gets_a_banner_and_no_findings_still_renders() {
    let mut data = sample(vec![]);
    data.scan.status = ScanStatus::Cancelled;
    data.scan.checks_done = 3;
    data.scan.targets[0].risk_grade = None;
    data.scan.targets[0].security_score = None;
    let html = render(&data);
    assert!(html.contains(
        "<strong>Partial report.</strong> The scan was cancelled (3 of 10 checks done)."
    ));
    assert!(html.contains("No open findings."));
    assert!(html.contains("class=\"badge grade-none\""));
}

#[test]
fn findings_come_worst_first_whatever_their_target_and_the_summary_links_its_chain() {
    let mut low = finding(
        "headers.xcto-missing",
        Severity::Low,
        "Low on the first target",
    );
    low.target_id = "t0".into();
    let mut git = finding(
        "disclosure.repository-exposed",
        Severity::High,
        "Git exposed",
    );
    git.module = crate::model::Module::Disclosure;
    let mut key = finding(
        "secrets.stripe-secret-key",
        Severity::Critical,
        "Stripe key",
    );
    key.module = crate::model::Module::Secrets;
    let mut data = sample(vec![low, git, key]);
    let mut first = data.scan.targets[0].clone();
    first.target_id = "t0".into();
    first.host = "aaa.test".into();
    data.scan.targets.insert(0, first);
    let html = render(&data);
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("missing {needle}"))
    };
    let findings = at("<section id=\"findings\">");
    let (c, h, l) = (
        html[findings..]
            .find("id=\"f-fp-secrets.stripe-secret-key\"")
            .unwrap(),
        html[findings..]
            .find("id=\"f-fp-disclosure.repository-exposed\"")
            .unwrap(),
        html[findings..]
            .find("id=\"f-fp-headers.xcto-missing\"")
            .unwrap(),
    );
    assert!(c < h && h < l, "critical, high, then low");
    assert!(at("<section id=\"summary\">") < at("<section id=\"targets\">"));
    assert!(at("<section id=\"targets\">") < at("<nav id=\"contents\""));
    assert!(at("<nav id=\"contents\"") < findings);
    let summary = &html[at("<section id=\"summary\">")..at("<section id=\"targets\">")];
    assert!(
        summary.contains("Source history and a live credential"),
        "{summary}"
    );
    assert!(summary.contains("<a href=\"#f-fp-secrets.stripe-secret-key\">Stripe key</a>"));
    assert!(html.contains("<div><dt>Target</dt><dd>aaa.test</dd></div>"));
}
