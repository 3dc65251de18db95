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
        "<h4>Disclosure (2)</h4>",
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
