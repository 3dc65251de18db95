//! The executive summary of a real scan of the built-in lab in the four reports for people, each read the way
//! its readers read it: the fix file by its parser, Markdown as text, HTML printed by headless Chromium and the PDF
//! through poppler's `pdftotext`. Also: the lab's attack chains (and one gone once its half is fixed), PDF findings
//! worst first, and evidence blocks that never straddle a page. `reports_summary_chains.rs` tests each rule.

#[path = "support/fixfile.rs"]
#[allow(dead_code)]
mod fixfile;
#[path = "support/readers.rs"]
mod readers;
mod support;

use fixfile::FixFile;
use palisade::app::DEFAULT_ORG;
use palisade::lab::{Fix, Kind, Lab};
use palisade::model::{Profile, Severity};
use palisade::report::summary::Summary;
use palisade::report::{Format, ReportData};
use readers::{chromium_print, pdf_pages, pdf_text, squash};
use support::*;
use tokio::sync::OnceCell;

/// One standard scan of both lab sites, shared by the tests of this file.
struct Scanned {
    t: TestApp,
    id: String,
    _lab: Lab,
}

static SCANNED: OnceCell<Scanned> = OnceCell::const_new();

async fn scanned() -> &'static Scanned {
    SCANNED
        .get_or_init(|| async {
            let lab = Lab::start(0).await.unwrap();
            let t = TestApp::new(|c| lab.apply(c)).await;
            let urls: Vec<String> = lab.hosts.iter().map(|h| h.url()).collect();
            let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
            let out = t.scan(&urls, Profile::Standard).await;
            Scanned {
                id: out.scan.id.clone(),
                t,
                _lab: lab,
            }
        })
        .await
}

async fn data() -> ReportData {
    let s = scanned().await;
    s.t.app.report_data(DEFAULT_ORG, &s.id, None).await.unwrap()
}

async fn text(format: Format) -> String {
    let s = scanned().await;
    let report = s.t.app.report(DEFAULT_ORG, &s.id, format, None).await;
    String::from_utf8(report.unwrap().bytes).unwrap()
}

async fn summary() -> (ReportData, Summary) {
    let data = data().await;
    let summary = data.summary(&data.fix_plan());
    (data, summary)
}

fn vulnerable(data: &ReportData) -> &str {
    let t = data.scan.targets.iter();
    t.map(ReportData::target_name)
        .find(|h| h.starts_with("vulnerable."))
        .unwrap()
}

#[tokio::test]
async fn the_vulnerable_lab_forms_chains_from_its_own_findings_and_the_hardened_one_none() {
    let (data, summary) = summary().await;
    let host = vulnerable(&data).to_string();
    for rule in [
        "panel-on-outdated-software",
        "session-over-plain-http",
        "script-reads-session",
    ] {
        let c = summary
            .chains
            .iter()
            .find(|c| c.rule == rule && c.host == host)
            .unwrap_or_else(|| panic!("no {rule} on {host}: {:#?}", summary.chains));
        for l in &c.links {
            let f = data
                .findings
                .iter()
                .find(|f| f.fingerprint == l.fingerprint)
                .expect("linked by fingerprint");
            assert_eq!(
                data.host_of(f),
                host,
                "{rule} links findings of its own host"
            );
        }
    }
    assert!(
        summary.chains.iter().all(|c| c.host == host),
        "{:#?}",
        summary.chains
    );
    let sevs: Vec<Severity> = summary.chains.iter().map(|c| c.severity).collect();
    assert!(
        sevs.windows(2).all(|w| w[0] >= w[1]),
        "worst first: {sevs:?}"
    );
    let n: Vec<usize> = summary.top.iter().map(|t| t.n).collect();
    assert_eq!(n, [1, 2, 3], "the plan's first three fixes");
    assert!(
        summary.top[0].kev,
        "the known-exploited Apache comes first among the criticals"
    );
}

#[tokio::test]
async fn fixing_one_half_in_the_lab_breaks_its_chain_and_only_that_half_leaves() {
    let lab = Lab::start(0).await.unwrap();
    lab.fix(Fix::Env);
    lab.fix(Fix::Hsts);
    let t = TestApp::new(|c| lab.apply(c)).await;
    let url = lab.host(Kind::Vulnerable).url();
    let out = t.scan(&[&url], Profile::Standard).await;
    let data = t
        .app
        .report_data(DEFAULT_ORG, &out.scan.id, None)
        .await
        .unwrap();
    let ids: Vec<&str> = data.findings.iter().map(|f| f.check_id.as_str()).collect();
    assert!(ids.contains(&"disclosure.repository-exposed"), "{ids:?}");
    assert!(!ids.iter().any(|id| id.starts_with("secrets.")), "{ids:?}");
    let chains = data.summary(&data.fix_plan()).chains;
    let rules: Vec<&str> = chains.iter().map(|c| c.rule).collect();
    assert!(!rules.contains(&"repository-and-secret"), "{rules:?}");
    // HSTS alone does not close the downgrade: plain HTTP still serves the site instead of redirecting.
    let session = chains
        .iter()
        .find(|c| c.rule == "session-over-plain-http")
        .unwrap_or_else(|| panic!("{rules:?}"));
    let linked: Vec<&str> = session.links.iter().map(|l| l.check_id.as_str()).collect();
    assert!(linked.contains(&"tls.http-no-redirect"), "{linked:?}");
    assert!(!linked.contains(&"tls.hsts-missing"), "{linked:?}");
}

#[tokio::test]
async fn the_fix_file_opens_with_the_summary_and_still_parses() {
    let (data, summary) = summary().await;
    let md = text(Format::Fix).await;
    let at = md.find("### Summary").expect("a summary");
    let first = md.find("## FIX-1:").unwrap();
    assert!(at < first, "the summary comes before FIX-1");
    let head = &md[at..first];
    assert!(
        head.contains(&format!("**Grade F** for {}", vulnerable(&data))),
        "{head}"
    );
    assert!(head.contains("**Do first:**"));
    for (i, top) in summary.top.iter().enumerate() {
        assert!(
            head.contains(&format!("{}. **FIX-{}: ", i + 1, top.n)),
            "{head}"
        );
    }
    for c in &summary.chains {
        assert!(head.contains(c.title), "{head}");
        for l in &c.links {
            assert!(head.contains(&format!("`{}`", l.fingerprint)), "{head}");
        }
    }
    let parsed = FixFile::parse(&md);
    assert_eq!(parsed.fixes.len(), data.fix_plan().fixes.len());
    assert!(parsed.fixes.iter().all(|f| !f.title.contains("Summary")));
}

#[tokio::test]
async fn the_markdown_report_opens_with_the_summary() {
    let (_, summary) = summary().await;
    let md = text(Format::Markdown).await;
    assert!(md.starts_with("## Palisade scan of "), "{md}");
    let at = md.find("### Summary").expect("a summary");
    assert!(at < md.find("| Target | Grade |").unwrap());
    assert!(at < md.find("### Findings").unwrap());
    for c in &summary.chains {
        assert!(md[at..].contains(c.title));
    }
}

#[tokio::test]
async fn the_html_report_prints_the_summary_first_and_a_contents_list_before_the_findings() {
    let (data, summary) = summary().await;
    let html = text(Format::Html).await;
    for c in &summary.chains {
        for l in &c.links {
            assert!(html.contains(&format!("<a href=\"#f-{}\">", l.fingerprint)));
            assert!(
                html.contains(&format!("id=\"f-{}\"", l.fingerprint)),
                "the link has a target"
            );
        }
    }
    for f in &data.findings {
        assert!(
            html.contains(&format!("<li><a href=\"#f-{}\">", f.fingerprint)),
            "contents list {}",
            f.title
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, &html).unwrap();
    let printed = dir.path().join("printed.pdf");
    chromium_print(&page, &printed);
    let text = squash(&pdf_text(&printed, None));
    let pos = |needle: &str| {
        text.find(&squash(needle))
            .unwrap_or_else(|| panic!("{needle:?} not in the printout:\n{text}"))
    };
    let (s, targets, contents) = (
        pos("Summary Grade F for"),
        pos("Targets"),
        pos("Contents 1. Summary 2. Targets 3. Findings, worst first"),
    );
    assert!(
        s < targets && targets < contents,
        "summary, targets, then contents"
    );
    let findings = format!(
        "Findings, worst first {} open findings.",
        data.findings.len()
    );
    assert!(
        contents < pos(&findings),
        "the contents list before the findings"
    );
    assert!(pos("Do first") < targets);
    for c in &summary.chains {
        assert!(pos(c.title) < targets, "{} in the summary", c.title);
    }
    assert!(
        pos(&format!(
            "FIX-{}: {}",
            summary.top[0].n, summary.top[0].title
        )) < targets
    );
}

/// The severity labels of the findings section of a PDF's text, in order.
fn finding_labels(text: &str) -> Vec<Severity> {
    let start = text
        .find("Findings, worst first")
        .expect("the findings section");
    let end = start + text[start..].find("How to fix").expect("then the fixes");
    text[start..end]
        .split_whitespace()
        .filter_map(|w| Severity::ALL.iter().copied().find(|s| s.label() == w))
        .collect()
}

#[tokio::test]
async fn the_pdf_opens_with_the_summary_and_lists_findings_worst_first() {
    let (data, summary) = summary().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, text_bytes(Format::Pdf).await).unwrap();
    let first = squash(&pdf_text(&file, Some((1, 1))));
    for needle in [
        "Summary",
        "Open findings by severity",
        &format!("Grade F for {}", vulnerable(&data)),
        "Do first",
        "Attack chains",
    ] {
        assert!(first.contains(needle), "{needle:?} not on page 1:\n{first}");
    }
    let all = squash(&pdf_text(&file, None));
    for c in &summary.chains {
        assert!(all.contains(c.title), "{}", c.title);
    }
    let labels = finding_labels(&all);
    assert!(labels.len() >= data.findings.len(), "{labels:?}");
    assert!(labels.contains(&Severity::Critical) && labels.contains(&Severity::Low));
    assert!(
        labels.windows(2).all(|w| w[0] >= w[1]),
        "a lower severity before a higher one: {labels:?}"
    );
}

async fn text_bytes(format: Format) -> Vec<u8> {
    let s = scanned().await;
    let report = s.t.app.report(DEFAULT_ORG, &s.id, format, None).await;
    report.unwrap().bytes
}

#[tokio::test]
async fn an_evidence_block_is_never_split_across_pdf_pages() {
    const LINES: usize = 8;
    let mut data = data().await;
    for (i, f) in data.findings.iter_mut().enumerate() {
        let lines: Vec<String> = (0..LINES).map(|j| format!("EV{i:03}L{j}")).collect();
        f.evidence = Some(lines.join("\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("evidence.pdf");
    std::fs::write(&file, palisade::report::render(Format::Pdf, &data)).unwrap();
    let pages = pdf_pages(&file);
    let mut pages_with_evidence = 0;
    for page in 1..=pages {
        let text = pdf_text(&file, Some((page, page)));
        let mut any = false;
        for i in 0..data.findings.len() {
            let on = (0..LINES)
                .filter(|j| text.contains(&format!("EV{i:03}L{j}")))
                .count();
            assert!(
                on == 0 || on == LINES,
                "evidence block {i} is split: {on} of {LINES} lines on page {page}"
            );
            any |= on > 0;
        }
        pages_with_evidence += usize::from(any);
    }
    assert!(pages_with_evidence > 2, "the blocks span several pages");
}
