//! What the PDF report says, laid out page by page: the scan and a "Partial report" line, the summary (in
//! `summary.rs`), a coloured grade box and the severity counts per target, the findings worst first (severity,
//! title, host, check, location, evidence kept whole on one page), then the fixes (in `fixes.rs`), what was fixed
//! and the coverage.

use super::layout::{Face, INK, LEFT, Layout, MUTED, Rgb, Style, WHITE, WIDTH};
use crate::model::{CoverageState, Finding, FindingStatus, ScanTarget, Severity};
use crate::report::ReportData;
use crate::report::fix::Plan;
use std::collections::HashMap;

const TITLE: Style = Style::new(Face::Bold, 20.0, INK);
pub(super) const H1: Style = Style::new(Face::Bold, 15.0, INK);
pub(super) const H2: Style = Style::new(Face::Bold, 12.0, INK);
pub(super) const BODY: Style = Style::new(Face::Regular, 9.5, INK);
const STRONG: Style = Style::new(Face::Bold, 9.5, INK);
pub(super) const SMALL: Style = Style::new(Face::Regular, 8.5, MUTED);
pub(super) const CODE: Style = Style::new(Face::Mono, 7.5, INK);
const ALERT: Style = Style::new(Face::Bold, 11.0, Rgb(0xb9, 0x1c, 0x1c));

/// Fixed findings listed; the rest are counted.
const MAX_FIXED: usize = 60;

/// Wrapped lines of one finding's evidence at most (its 500 bytes fit).
const EVIDENCE_LINES: usize = 10;

/// Lays out the whole report.
pub fn report(l: &mut Layout, data: &ReportData) {
    let plan = data.fix_plan();
    header(l, data);
    l.gap(6.0);
    super::summary::summary(l, &data.summary(&plan));
    heading(l, "Targets", H1);
    for t in &data.scan.targets {
        target(l, t);
    }
    findings(l, data, &plan);
    super::fixes::fixes(l, data, &plan);
    fixed_and_coverage(l, data);
}

pub(super) fn heading(l: &mut Layout, text: &str, style: Style) {
    // Keep a heading with the start of what follows it.
    l.ensure(style.line_height() * 2.0 + 48.0);
    l.gap(style.size * 0.6);
    l.text(text, style, 0.0, 3);
    l.gap(2.0);
}

fn header(l: &mut Layout, data: &ReportData) {
    let scan = &data.scan;
    l.text("Palisade security report", TITLE, 0.0, 1);
    let date = scan
        .finished_at
        .as_deref()
        .or(scan.started_at.as_deref())
        .unwrap_or(&scan.created_at);
    let meta = format!(
        "Scan {} · {} profile · {} · status {} · {} requests",
        scan.id,
        scan.profile,
        crate::time::date(date),
        scan.status,
        scan.requests
    );
    l.text(&meta, SMALL, 0.0, 2);
    if let Some(reason) = data.partial() {
        l.gap(4.0);
        l.text(&format!("Partial report: {reason}."), ALERT, 0.0, 4);
        l.text(
            "Findings and grades cover only the checks that finished.",
            BODY,
            0.0,
            1,
        );
    }
    let new = data
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::New)
        .count();
    let c = &scan.counts;
    l.gap(4.0);
    l.text(
        &format!(
            "{} open finding{} ({new} new) on {} target{}: {} critical, {} high, {} medium, {} low, {} info. {}.",
            data.findings.len(),
            plural(data.findings.len()),
            scan.targets.len(),
            plural(scan.targets.len()),
            c.critical,
            c.high,
            c.medium,
            c.low,
            c.info,
            data.fixed_text()
        ),
        BODY,
        0.0,
        3,
    );
}

/// The colour of a severity (as in the HTML report).
pub(super) fn colour(s: Severity) -> Rgb {
    match s {
        Severity::Critical => Rgb(0xb9, 0x1c, 0x1c),
        Severity::High => Rgb(0xc2, 0x41, 0x0c),
        Severity::Medium => Rgb(0xa1, 0x62, 0x07),
        Severity::Low => Rgb(0x1d, 0x4e, 0xd8),
        Severity::Info => Rgb(0x4b, 0x55, 0x63),
    }
}

/// The box colour of a risk grade: A green through F red, grey when not graded.
fn grade_colour(grade: Option<&str>) -> Rgb {
    match grade.and_then(|g| g.chars().next()) {
        Some('A') => Rgb(0x15, 0x80, 0x3d),
        Some('B') => Rgb(0x4d, 0x7c, 0x0f),
        Some('C') => Rgb(0xa1, 0x62, 0x07),
        Some('D') => Rgb(0xc2, 0x41, 0x0c),
        Some(_) => Rgb(0xb9, 0x1c, 0x1c),
        None => Rgb(0x6b, 0x72, 0x80),
    }
}

fn target(l: &mut Layout, t: &ScanTarget) {
    const BOX: f32 = 58.0;
    const INDENT: f32 = BOX + 14.0;
    l.ensure(BOX + 16.0);
    l.gap(6.0);
    let top = l.y;
    let grade = t.risk_grade.as_deref().unwrap_or("–");
    l.rect(LEFT, top, BOX, BOX, grade_colour(t.risk_grade.as_deref()));
    let letter = Style::new(
        Face::Bold,
        if grade.chars().count() > 1 {
            22.0
        } else {
            30.0
        },
        WHITE,
    );
    let x = LEFT + (BOX - l.width(grade, letter)).max(0.0) / 2.0;
    l.put(x, top + 8.0, grade, letter);
    let score = t
        .security_score
        .map_or("not graded".to_string(), |s| format!("{s}/100"));
    let small = Style::new(Face::Regular, 8.0, WHITE);
    l.put(
        LEFT + (BOX - l.width(&score, small)).max(0.0) / 2.0,
        top + BOX - 14.0,
        &score,
        small,
    );

    l.text(crate::report::ReportData::target_name(t), H2, INDENT, 2);
    l.text(&t.url, SMALL, INDENT, 2);
    let mut line = match (&t.risk_grade, t.security_score) {
        (Some(g), Some(s)) => format!("Grade {g} · security score {s}/100"),
        _ => "Grade – · not graded".to_string(),
    };
    if let Some(o) = &t.observatory {
        line.push_str(&format!(
            " · headers {} ({}, Observatory)",
            o.grade, o.score
        ));
    }
    l.text(&line, STRONG, INDENT, 2);
    counts(l, t, LEFT + INDENT);
    let stack: Vec<String> = t
        .site
        .iter()
        .flat_map(|s| &s.stack)
        .map(|tech| match &tech.version {
            Some(v) => format!("{} {v}", tech.name),
            None => tech.name.clone(),
        })
        .collect();
    let stack = if stack.is_empty() {
        "not identified".to_string()
    } else {
        stack.join(", ")
    };
    l.text(&format!("Stack seen: {stack}"), SMALL, INDENT, 2);
    if let Some(e) = &t.error {
        let e = e.strip_prefix("not fully scanned: ").unwrap_or(e);
        l.text(&format!("Not fully scanned: {e}"), SMALL, INDENT, 3);
    }
    l.y = l.y.max(top + BOX);
    l.gap(6.0);
}

/// A row of coloured squares with the count of each severity.
fn counts(l: &mut Layout, t: &ScanTarget, mut x: f32) {
    let style = Style::new(Face::Regular, 9.0, INK);
    l.ensure(style.line_height());
    let y = l.y;
    for s in Severity::ALL.iter().rev() {
        let text = format!("{} {}", s.label(), t.counts.get(*s));
        l.rect(x, y + 2.5, 7.0, 7.0, colour(*s));
        l.put(x + 10.0, y, &text, style);
        x += 10.0 + l.width(&text, style) + 12.0;
    }
    l.gap(style.line_height());
}

fn findings(l: &mut Layout, data: &ReportData, plan: &Plan) {
    heading(l, "Findings, worst first", H1);
    let fix_of: HashMap<&str, usize> = plan
        .fixes
        .iter()
        .flat_map(|fix| fix.fingerprints.iter().map(move |fp| (fp.as_str(), fix.n)))
        .collect();
    let all = data.findings_worst_first();
    if all.is_empty() {
        l.text("No open findings.", BODY, 0.0, 1);
    }
    for s in Severity::ALL.iter().rev() {
        let group: Vec<&&Finding> = all.iter().filter(|f| f.severity == *s).collect();
        if group.is_empty() {
            continue;
        }
        let title = format!("{} ({})", s.label(), group.len());
        heading(l, &title, H2);
        for f in group {
            let host = data.host_of(f);
            finding(l, f, &host, fix_of.get(f.fingerprint.as_str()).copied());
        }
    }
}

fn finding(l: &mut Layout, f: &Finding, host: &str, fix: Option<usize>) {
    const INDENT: f32 = 68.0;
    l.ensure(52.0);
    l.labelled(f.severity.label(), colour(f.severity), &f.title, STRONG, 4);
    let mut meta = if host.is_empty() {
        format!("{} · {}", f.check_id, f.status)
    } else {
        format!("{host} · {} · {}", f.check_id, f.status)
    };
    if f.kev {
        meta.push_str(" · known exploited (CISA KEV)");
    }
    if let Some(n) = fix {
        meta.push_str(&format!(" · FIX-{n}"));
    }
    l.text(&meta, SMALL, INDENT, 2);
    l.text(&f.location, SMALL, INDENT, 3);
    if let Some(e) = f.evidence.as_deref().filter(|e| !e.trim().is_empty()) {
        let lines = l.code(
            e,
            CODE,
            WIDTH - INDENT - 8.0,
            EVIDENCE_LINES,
            EVIDENCE_LINES,
        );
        let lines: Vec<String> = lines.into_iter().take(EVIDENCE_LINES).collect();
        l.gap(1.0);
        l.shaded(&lines, CODE, INDENT);
    }
    l.gap(7.0);
}

fn fixed_and_coverage(l: &mut Layout, data: &ReportData) {
    heading(l, "Fixed since the previous scan", H1);
    if data.fixed.is_empty() {
        l.text(
            "Nothing: no finding of the previous scans went away.",
            BODY,
            0.0,
            1,
        );
    }
    for f in data.fixed.iter().take(MAX_FIXED) {
        l.text(
            &format!(
                "{} · {} · {} · {}",
                f.severity.label(),
                f.title,
                f.check_id,
                f.location
            ),
            BODY,
            0.0,
            2,
        );
    }
    if data.fixed.len() > MAX_FIXED {
        l.text(
            &format!("…and {} more.", data.fixed.len() - MAX_FIXED),
            BODY,
            0.0,
            1,
        );
    }
    heading(l, "Coverage", H1);
    let count = |state| data.coverage.iter().filter(|c| c.state == state).count();
    l.text(
        &format!(
            "{} check runs: {} passed, {} found issues, {} errored, {} skipped.",
            data.coverage.len(),
            count(CoverageState::Passed),
            count(CoverageState::Found),
            count(CoverageState::Errored),
            count(CoverageState::Skipped)
        ),
        BODY,
        0.0,
        2,
    );
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
