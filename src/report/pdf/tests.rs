//! Unit tests of the PDF report: any input gives a PDF, never a panic.

use super::*;
use crate::model::{ScanStatus, Severity};
use crate::report::testdata::{finding, sample};

/// A PDF drawn with the embedded fonts (not the fallback).
fn is_pdf(bytes: &[u8]) -> bool {
    let has = |s: &[u8]| bytes.windows(s.len()).any(|w| w == s);
    bytes.starts_with(b"%PDF-") && has(b"%%EOF") && !has(b"/Helvetica")
}

#[test]
fn a_report_is_a_pdf_with_its_title_in_the_metadata() {
    let data = sample(vec![finding(
        "disclosure.env-exposed",
        Severity::Critical,
        "Environment file exposed at /.env",
    )]);
    let bytes = render(&data);
    assert!(is_pdf(&bytes));
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("Palisade report s1"),
        "title in the XMP metadata"
    );
    assert!(
        text.contains(&crate::report::generator()),
        "creator in the metadata"
    );
    assert!(text.contains("DejaVu"), "the font is embedded");
}

#[test]
fn hostile_and_huge_site_text_never_panics() {
    let mut f = finding(
        "disclosure.env-exposed",
        Severity::Critical,
        &"T".repeat(5000),
    );
    f.location = format!("https://shop.test/{}", "a".repeat(5000));
    f.evidence = Some(format!("\u{0}\u{7}\r\n\u{1b}[2J{}", "e".repeat(5000)));
    let mut g = finding(
        "headers.csp-missing",
        Severity::Low,
        "مرحبا بالعالم 你好世界 😀 \u{202e}evil\u{202c} \u{fffd}",
    );
    g.evidence = Some("\u{10ffff}\u{e000}\u{200b}".into());
    let mut data = sample(vec![f, g]);
    data.scan.targets[0].host = "x".repeat(3000);
    data.scan.targets[0].risk_grade = Some("F-very-long-grade".into());
    data.scan.id = "s1\u{0}(\\)".into();
    assert!(is_pdf(&render(&data)));
}

#[test]
fn empty_and_partial_scans_render() {
    let mut data = sample(vec![]);
    data.scan.targets.clear();
    data.scan.status = ScanStatus::Failed;
    assert!(is_pdf(&render(&data)));
}

#[test]
fn many_findings_flow_over_many_pages() {
    let findings: Vec<_> = (0..300)
        .map(|i| {
            finding(
                &format!("headers.check-{i}"),
                Severity::Medium,
                &format!("Finding number {i}"),
            )
        })
        .collect();
    let data = sample(findings);
    let mut l = Layout::new();
    content::report(&mut l, &data);
    let pages = l.finish(|_, _| String::new());
    assert!(pages.len() > 10, "{} pages", pages.len());
    assert!(is_pdf(&render(&data)));
}

#[test]
fn the_fallback_is_a_valid_pdf_with_a_correct_cross_reference_table() {
    let bytes = fallback("Palisade report (x)\\ é");
    assert!(bytes.starts_with(b"%PDF-1.4\n") && bytes.ends_with(b"%%EOF\n"));
    let text = String::from_utf8(bytes).unwrap();
    let xref_at: usize = text
        .rsplit("startxref\n")
        .next()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(text[xref_at..].starts_with("xref\n0 6\n"));
    for (i, line) in text[xref_at..].lines().skip(3).take(5).enumerate() {
        let offset: usize = line[..10].parse().unwrap();
        assert!(
            text[offset..].starts_with(&format!("{} 0 obj", i + 1)),
            "object {}",
            i + 1
        );
    }
    assert!(text.contains("(Palisade report  x   : the report could not be drawn."));
}
