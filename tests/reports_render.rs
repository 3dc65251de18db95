//! The HTML and PDF reports of real scans of the built-in lab, read by the tools people read them with: Debian's
//! headless Chromium renders the HTML (a screenshot that is not blank, a printout whose text has the grades and the
//! findings) and poppler's `pdftotext` reads the PDF. Both tools are required: scripts/test installs them.

#[allow(dead_code)]
#[path = "support/readers.rs"]
mod readers;
mod support;

use palisade::app::{DEFAULT_ORG, ScanEvent, ScanRequest};
use palisade::lab::{Kind, Lab};
use palisade::model::{Profile, ScanStatus, Severity};
use palisade::report::{Format, ReportData};
use readers::{run, tool};
use std::io::Read;
use std::path::Path;
use std::process::Command;
use support::*;

/// A finished standard scan of both lab sites.
struct LabScan {
    t: TestApp,
    id: String,
    vulnerable: String,
    hardened: String,
    _lab: Lab,
}

async fn lab_scan() -> LabScan {
    let lab = Lab::start(0).await.expect("lab starts");
    let t = TestApp::new(|c| lab.apply(c)).await;
    let (vulnerable, hardened) = (
        lab.host(Kind::Vulnerable).url(),
        lab.host(Kind::Hardened).url(),
    );
    let out = t.scan(&[&vulnerable, &hardened], Profile::Standard).await;
    assert_eq!(out.scan.status, ScanStatus::Completed);
    LabScan {
        id: out.scan.id.clone(),
        t,
        vulnerable,
        hardened,
        _lab: lab,
    }
}

impl LabScan {
    async fn data(&self) -> ReportData {
        self.t
            .app
            .report_data(DEFAULT_ORG, &self.id, None)
            .await
            .unwrap()
    }

    async fn bytes(&self, format: Format) -> Vec<u8> {
        self.t
            .app
            .report(DEFAULT_ORG, &self.id, format, None)
            .await
            .unwrap()
            .bytes
    }

    /// The risk grade of the target with this URL.
    fn grade(&self, data: &ReportData, url: &str) -> String {
        let t = data.scan.targets.iter().find(|t| t.url == url).unwrap();
        t.risk_grade.clone().expect("graded")
    }
}

/// Headless Chromium on `html` with `action` (`--screenshot=...` or `--print-to-pdf=...`).
fn chromium(html: &Path, dir: &Path, action: &str, what: &str) {
    let profile = dir.join(format!("chromium-{what}"));
    run(
        Command::new(tool("chromium"))
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--no-pdf-header-footer",
                "--window-size=1280,2000",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(action)
            .arg(format!("file://{}", html.display())),
        dir,
        what,
    );
}

/// The text of a PDF file, with every run of whitespace made one space (lines wrap where the layout says).
fn pdf_text(pdf: &Path, dir: &Path) -> String {
    let text = run(
        Command::new(tool("pdftotext"))
            .arg("-layout")
            .arg(pdf)
            .arg("-"),
        dir,
        "pdftotext",
    );
    squash(&text)
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Asserts that `text` contains each of `needles` (whitespace squashed).
fn assert_has(text: &str, needles: &[String]) {
    for n in needles {
        assert!(text.contains(&squash(n)), "missing {n:?} in:\n{text}");
    }
}

/// A page that can load nothing: no tag that loads or runs anything, no `src`, links only to anchors or to open
/// elsewhere, and a style sheet without `url()` or `@import`. Site text is escaped, so every `<` starts a real tag.
fn assert_loads_nothing(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(lower.contains(
        "<meta http-equiv=\"content-security-policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; \
         img-src data:\">"
    ));
    for piece in lower.split('<').skip(1) {
        let tag = &piece[..piece.find('>').expect("tags close")];
        let name = tag.split([' ', '/']).find(|n| !n.is_empty()).unwrap_or("");
        assert!(
            ![
                "script", "link", "img", "iframe", "frame", "object", "embed", "audio", "video",
                "source", "base", "form", "input", "image", "use"
            ]
            .contains(&name),
            "the report has a <{name}> tag: <{tag}>"
        );
        assert!(!tag.contains("src="), "<{tag}>");
        assert!(!tag.contains("http-equiv=\"refresh"), "<{tag}>");
        if let Some(at) = tag.find("href=\"") {
            let url = &tag[at + 6..];
            assert!(name == "a", "href outside <a>: <{tag}>");
            assert!(
                url.starts_with('#') || url.starts_with("https://") || url.starts_with("http://"),
                "<{tag}>"
            );
        }
    }
    let style = &lower[lower.find("<style>").unwrap()..lower.find("</style>").unwrap()];
    assert!(!style.contains("url(") && !style.contains("@import"));
}

/// The titles a report must show: the `.env` exposure and every critical and high finding.
fn key_titles(data: &ReportData) -> Vec<String> {
    let env = data
        .findings
        .iter()
        .find(|f| f.check_id == "disclosure.env-exposed")
        .expect("the lab's .env exposure is found");
    let mut titles = vec![env.title.clone()];
    for f in data
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::High)
    {
        if !titles.contains(&f.title) {
            titles.push(f.title.clone());
        }
    }
    titles
}

#[tokio::test]
async fn the_html_report_renders_in_chromium_with_both_grades_and_the_findings() {
    let scan = lab_scan().await;
    let data = scan.data().await;
    let html = String::from_utf8(scan.bytes(Format::Html).await).unwrap();
    assert_loads_nothing(&html);
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, &html).unwrap();

    let shot = dir.path().join("shot.png");
    chromium(
        &page,
        dir.path(),
        &format!("--screenshot={}", shot.display()),
        "screenshot",
    );
    let image = Png::decode(&std::fs::read(&shot).expect("a screenshot"));
    assert_eq!((image.width, image.height), (1280, 2000));
    let ink = image
        .pixels
        .iter()
        .filter(|p| p.iter().any(|c| *c < 200))
        .count();
    assert!(
        ink > image.pixels.len() / 50,
        "only {ink} dark pixels: the page looks blank"
    );
    assert!(
        image.colours() > 200,
        "only {} colours: the page looks blank",
        image.colours()
    );
    assert!(
        image.has_colour([0xb9, 0x1c, 0x1c]),
        "the red F badge and critical pills are drawn"
    );
    assert!(
        image.has_colour([0x15, 0x80, 0x3d]),
        "the green A badge is drawn"
    );

    let printed = dir.path().join("printed.pdf");
    chromium(
        &page,
        dir.path(),
        &format!("--print-to-pdf={}", printed.display()),
        "print",
    );
    let text = pdf_text(&printed, dir.path());
    let mut needles = vec![
        format!("Scan {}", scan.id),
        format!("Risk grade {}", scan.grade(&data, &scan.vulnerable)),
        format!("Risk grade {}", scan.grade(&data, &scan.hardened)),
        "FIX-1: ".to_string(),
        "CRITICAL".to_string(),
    ];
    needles.extend(key_titles(&data));
    assert_has(&text, &needles);
    assert!(!text.contains("Partial report"));
}

#[tokio::test]
async fn the_pdf_report_has_the_scan_the_grades_the_critical_findings_and_the_fixes() {
    let scan = lab_scan().await;
    let data = scan.data().await;
    let bytes = scan.bytes(Format::Pdf).await;
    assert!(bytes.starts_with(b"%PDF-"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let text = pdf_text(&file, dir.path());
    let mut needles = vec![
        format!("Scan {}", scan.id),
        format!(
            "Grade {} · security score",
            scan.grade(&data, &scan.vulnerable)
        ),
        format!(
            "Grade {} · security score 100/100",
            scan.grade(&data, &scan.hardened)
        ),
        "FIX-1: ".to_string(),
    ];
    needles.extend(
        data.findings
            .iter()
            .filter(|f| f.severity == Severity::Critical)
            .map(|f| f.title.clone()),
    );
    assert!(needles.len() > 4, "the lab has critical findings");
    assert_has(&text, &needles);
    let info = run(
        Command::new(tool("pdfinfo")).arg(&file),
        dir.path(),
        "pdfinfo",
    );
    assert!(
        info.contains(&format!("Palisade report {}", scan.id)),
        "{info}"
    );
    assert!(info.contains(&palisade::report::generator()), "{info}");
    assert!(info.contains("A4"), "{info}");
}

#[tokio::test]
async fn five_thousand_unbroken_characters_are_wrapped_cut_and_still_readable() {
    let scan = lab_scan().await;
    let mut data = scan.data().await;
    let f = &mut data.findings[0];
    f.location = format!("{}{}", scan.vulnerable, "a".repeat(5000));
    f.evidence = Some("b".repeat(5000));
    f.title = format!("{} {}", f.title, "c".repeat(5000));
    let title = data.findings[0].title[..20].to_string();
    let bytes = palisade::report::render(Format::Pdf, &data);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let text = pdf_text(&file, dir.path());
    assert_has(
        &text,
        &[
            title,
            "a".repeat(60),
            "b".repeat(60),
            "c".repeat(60),
            "FIX-1: ".into(),
        ],
    );
    assert!(
        !text.contains(&"a".repeat(1000)),
        "the location is cut, not printed whole"
    );
}

#[tokio::test]
async fn a_cancelled_scan_is_a_partial_report_in_html_and_pdf() {
    let lab = Lab::start(0).await.expect("lab starts");
    let t = TestApp::new(|c| lab.apply(c)).await;
    let request = ScanRequest {
        targets: vec![lab.host(Kind::Vulnerable).url()],
        profile: Some(Profile::Standard),
        ..Default::default()
    };
    let mut handle = t.app.start_scan(DEFAULT_ORG, request).await.unwrap();
    let id = handle.scan.id.clone();
    while let Ok(event) = handle.events.recv().await {
        if matches!(event, ScanEvent::Finding(_)) {
            break;
        }
    }
    let cancelled = t.app.cancel_scan(DEFAULT_ORG, &id).await.unwrap();
    assert_eq!(cancelled.status, ScanStatus::Cancelled);

    let html = t
        .app
        .report(DEFAULT_ORG, &id, Format::Html, None)
        .await
        .unwrap();
    assert!(html.partial.is_some());
    let html = String::from_utf8(html.bytes).unwrap();
    assert!(
        html.contains("<strong>Partial report.</strong> The scan was cancelled ("),
        "no banner"
    );

    let pdf = t
        .app
        .report(DEFAULT_ORG, &id, Format::Pdf, None)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("partial.pdf");
    std::fs::write(&file, &pdf.bytes).unwrap();
    let text = pdf_text(&file, dir.path());
    assert_has(
        &text,
        &["Partial report: the scan was cancelled (".to_string()],
    );
}

/// An 8-bit RGB or RGBA PNG, decoded just enough to look at its pixels (Chromium's screenshots are such PNGs).
struct Png {
    width: usize,
    height: usize,
    pixels: Vec<[u8; 3]>,
}

impl Png {
    fn decode(bytes: &[u8]) -> Png {
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
        let (mut at, mut header, mut idat) = (8, None, Vec::new());
        while at + 8 <= bytes.len() {
            let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            let kind = &bytes[at + 4..at + 8];
            let body = &bytes[at + 8..at + 8 + len];
            match kind {
                b"IHDR" => header = Some(body.to_vec()),
                b"IDAT" => idat.extend_from_slice(body),
                b"IEND" => break,
                _ => {}
            }
            at += 12 + len;
        }
        let h = header.expect("IHDR");
        let be = |i: usize| u32::from_be_bytes(h[i..i + 4].try_into().unwrap()) as usize;
        let (width, height, depth, colour, interlace) = (be(0), be(4), h[8], h[9], h[12]);
        assert_eq!((depth, interlace), (8, 0), "8-bit, not interlaced");
        let channels = match colour {
            2 => 3,
            6 => 4,
            other => panic!("PNG colour type {other} not handled"),
        };
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&idat[..])
            .read_to_end(&mut raw)
            .expect("image data inflates");
        let stride = width * channels;
        let mut prev = vec![0u8; stride];
        let mut pixels = Vec::with_capacity(width * height);
        for row in raw.chunks(stride + 1).take(height) {
            let (filter, data) = (row[0], &row[1..]);
            let mut cur = vec![0u8; stride];
            for i in 0..stride {
                let a = if i >= channels { cur[i - channels] } else { 0 };
                let (b, c) = (prev[i], if i >= channels { prev[i - channels] } else { 0 });
                let predicted = match filter {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                    4 => paeth(a, b, c),
                    f => panic!("PNG filter {f}"),
                };
                cur[i] = data[i].wrapping_add(predicted);
            }
            pixels.extend(cur.chunks(channels).map(|p| [p[0], p[1], p[2]]));
            prev = cur;
        }
        assert_eq!(pixels.len(), width * height, "every row decoded");
        Png {
            width,
            height,
            pixels,
        }
    }

    fn colours(&self) -> usize {
        self.pixels
            .iter()
            .collect::<std::collections::HashSet<_>>()
            .len()
    }

    /// True when at least 100 pixels are within a few levels of `rgb`.
    fn has_colour(&self, rgb: [u8; 3]) -> bool {
        let near = |p: &[u8; 3]| p.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) <= 8);
        self.pixels.iter().filter(|p| near(p)).count() >= 100
    }
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}
