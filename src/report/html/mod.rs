//! The single-file HTML report: one HTML5 page with its style inline and no script, that loads nothing (a
//! Content-Security-Policy forbids it even if site text got through). A header with the scan and a "Partial
//! report" banner when the scan did not complete, the executive summary, a card per target (grade badge, severity
//! counts and an inline SVG chart, the stack seen), a contents list, the findings worst first, the fix plan, what
//! was fixed and the coverage.
//! Every piece of text that comes from a scan is escaped.

mod chart;
mod findings;
mod fixes;
mod summary;

use super::ReportData;
use crate::model::{Coverage, CoverageState, FindingStatus, ScanTarget, Severity};
use std::fmt::Write;

/// Fixed findings listed; the rest are counted.
const MAX_FIXED: usize = 100;

/// Nothing may be loaded: styles come from the page itself, images only as `data:` URLs.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// The HTML report.
pub fn render(data: &ReportData) -> String {
    let mut out = String::with_capacity(64 * 1024);
    head(&mut out, data);
    out.push_str("<body>\n<main>\n");
    header(&mut out, data);
    let plan = data.fix_plan();
    let worst_first = data.findings_worst_first();
    summary::section(&mut out, &data.summary(&plan));
    targets(&mut out, data);
    summary::contents(&mut out, &worst_first, &plan);
    findings::section(&mut out, data, &worst_first, &plan);
    fixes::section(&mut out, data, &plan);
    fixed(&mut out, data);
    coverage(&mut out, data);
    let _ = writeln!(
        out,
        "<footer>Made by {} on {}. Text quoted from the scanned sites (titles, locations, evidence) is shown as \
         data: it is untrusted.</footer>",
        escape(&super::generator()),
        escape(&data.generated_at)
    );
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// Text safe anywhere in HTML content or a quoted attribute value.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Site text on one line, escaped.
fn line(s: &str) -> String {
    escape(&unbidi(&super::one_line(s)))
}

/// Palisade's advice (descriptions, remediation): escaped, with `code` spans and fenced blocks shown as code.
fn prose(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split("```").enumerate() {
        if i % 2 == 1 {
            // A fence's first line may name a language; the rest is the code.
            let code = part.split_once('\n').map_or(part, |(_, rest)| rest);
            out.push_str("<pre><code>");
            out.push_str(&block(code.trim_end_matches('\n')));
            out.push_str("</code></pre>");
            continue;
        }
        for (j, text) in part.split('`').enumerate() {
            let text = line(text);
            if j % 2 == 1 {
                out.push_str("<code>");
                out.push_str(&text);
                out.push_str("</code>");
            } else {
                out.push_str(&text);
            }
        }
    }
    out
}

/// Site text for a `<pre>` block: line breaks kept, other control characters blanked, escaped.
fn block(s: &str) -> String {
    let clean: String = s
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect();
    escape(&unbidi(&clean))
}

/// Drops bidirectional overrides and isolates, so site text cannot reverse the report's own text after it.
fn unbidi(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

fn head(out: &mut String, data: &ReportData) {
    let names: Vec<&str> = data
        .scan
        .targets
        .iter()
        .map(ReportData::target_name)
        .collect();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"generator\" content=\"{}\">\n<title>Palisade report {}: {}</title>\n<style>\n{}</style>\n</head>\n",
        escape(&super::generator()),
        escape(&data.scan.id),
        line(&names.join(", ")),
        include_str!("style.css")
    );
}

fn header(out: &mut String, data: &ReportData) {
    let scan = &data.scan;
    let date = scan
        .finished_at
        .as_deref()
        .or(scan.started_at.as_deref())
        .unwrap_or(&scan.created_at);
    let _ = write!(
        out,
        "<header>\n<h1>Palisade security report</h1>\n<p class=\"meta\"><span>Scan <b><code>{}</code></b></span>\
         <span>Profile <b>{}</b></span><span>Date <b>{}</b></span><span>Status <b>{}</b></span>\
         <span>{} request{}</span></p>\n",
        escape(&scan.id),
        scan.profile,
        escape(crate::time::date(date)),
        scan.status,
        scan.requests,
        plural(scan.requests as usize)
    );
    if let Some(reason) = data.partial() {
        let _ = writeln!(
            out,
            "<div class=\"banner\" role=\"alert\"><strong>Partial report.</strong> {}. Findings and grades \
             cover only the checks that finished.</div>",
            line(&sentence(&reason))
        );
    }
    let new = data
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::New)
        .count();
    let _ = writeln!(
        out,
        "<p class=\"summary\"><b>{} open finding{}</b> ({new} new) on {} target{}: {}. {}.</p>\n</header>",
        data.findings.len(),
        plural(data.findings.len()),
        scan.targets.len(),
        plural(scan.targets.len()),
        counts_text(&scan.counts),
        data.fixed_text()
    );
}

/// A partial-report reason as a sentence: "The scan was cancelled after 3 of 40 checks".
fn sentence(reason: &str) -> String {
    let rest = reason.strip_prefix("partial: ").unwrap_or(reason);
    let mut c = rest.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// "2 critical, 5 high, 0 medium, 1 low, 3 info".
fn counts_text(c: &crate::model::SeverityCounts) -> String {
    Severity::ALL
        .iter()
        .rev()
        .map(|s| format!("{} {s}", c.get(*s)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn targets(out: &mut String, data: &ReportData) {
    out.push_str("<section id=\"targets\">\n<h2>Targets</h2>\n");
    for (i, t) in data.scan.targets.iter().enumerate() {
        target(out, t, i);
    }
    out.push_str("</section>\n");
}

fn target(out: &mut String, t: &ScanTarget, i: usize) {
    let grade = t.risk_grade.as_deref().unwrap_or("–");
    let score = t
        .security_score
        .map_or("not graded".to_string(), |s| format!("{s}/100"));
    let _ = write!(
        out,
        "<article class=\"target\" id=\"target-{i}\">\n<div class=\"badge {}\" title=\"Risk grade\">\
         <span class=\"letter\">{}</span><span class=\"score\">{}</span></div>\n<div>\n<h3>{}</h3>\n\
         <p><a href=\"#findings\">{}</a></p>\n<p>Risk grade <b>{}</b>, security score <b>{}</b>",
        grade_class(t.risk_grade.as_deref()),
        line(grade),
        escape(&score),
        line(ReportData::target_name(t)),
        line(&t.url),
        line(grade),
        escape(&score)
    );
    if let Some(o) = &t.observatory {
        let _ = write!(
            out,
            "; headers <b>{}</b> ({}, Observatory)",
            line(&o.grade),
            o.score
        );
    }
    out.push_str("</p>\n<p class=\"counts\">");
    for s in Severity::ALL.iter().rev() {
        let _ = write!(
            out,
            "<span><span class=\"pill sev-{s}\">{}</span> {}</span>",
            s.label(),
            t.counts.get(*s)
        );
    }
    out.push_str("</p>\n");
    let stack: Vec<String> = t
        .site
        .iter()
        .flat_map(|s| &s.stack)
        .map(|tech| match &tech.version {
            Some(v) => format!("{} {v}", tech.name),
            None => tech.name.clone(),
        })
        .collect();
    let _ = writeln!(
        out,
        "<p>Stack seen: {}</p>",
        if stack.is_empty() {
            "not identified".to_string()
        } else {
            line(&stack.join(", "))
        }
    );
    if let Some(e) = &t.error {
        let e = e.strip_prefix("not fully scanned: ").unwrap_or(e);
        let _ = writeln!(out, "<p class=\"error\">Not fully scanned: {}</p>", line(e));
    }
    let _ = writeln!(
        out,
        "</div>\n<div class=\"chart\">{}</div>\n</article>",
        chart::severity_bars(&t.counts)
    );
}

/// The badge colour of a risk grade: A green through F red, grey when not graded.
fn grade_class(grade: Option<&str>) -> &'static str {
    match grade.and_then(|g| g.chars().next()) {
        Some('A') => "grade-a",
        Some('B') => "grade-b",
        Some('C') => "grade-c",
        Some('D') => "grade-d",
        Some(_) => "grade-f",
        None => "grade-none",
    }
}

fn fixed(out: &mut String, data: &ReportData) {
    out.push_str("<section id=\"fixed\">\n<h2>Fixed since the previous scan</h2>\n");
    if data.fixed.is_empty() {
        out.push_str("<p>Nothing: no finding of the previous scans went away.</p>\n</section>\n");
        return;
    }
    out.push_str("<ul class=\"fixed\">\n");
    for f in data.fixed.iter().take(MAX_FIXED) {
        let _ = writeln!(
            out,
            "<li><span class=\"pill sev-{}\">{}</span> <s>{}</s> <code>{}</code> {}</li>",
            f.severity,
            f.severity.label(),
            line(&f.title),
            line(&f.check_id),
            line(&f.location)
        );
    }
    out.push_str("</ul>\n");
    if data.fixed.len() > MAX_FIXED {
        let _ = writeln!(out, "<p>…and {} more.</p>", data.fixed.len() - MAX_FIXED);
    }
    out.push_str("</section>\n");
}

/// Check runs by state.
fn state_counts<'a>(coverage: impl Iterator<Item = &'a Coverage>) -> [usize; 4] {
    let mut n = [0; 4];
    for c in coverage {
        let i = match c.state {
            CoverageState::Passed => 0,
            CoverageState::Found => 1,
            CoverageState::Errored => 2,
            CoverageState::Skipped => 3,
        };
        n[i] += 1;
    }
    n
}

fn coverage(out: &mut String, data: &ReportData) {
    out.push_str(
        "<section id=\"coverage\">\n<h2>Coverage</h2>\n<table>\n<tr><th>Target</th><th>Check runs</th>\
         <th>Passed</th><th>Found issues</th><th>Errored</th><th>Skipped</th></tr>\n",
    );
    let row = |out: &mut String, name: &str, n: [usize; 4]| {
        let _ = writeln!(
            out,
            "<tr><td>{name}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            n.iter().sum::<usize>(),
            n[0],
            n[1],
            n[2],
            n[3]
        );
    };
    for t in &data.scan.targets {
        let mine = data.coverage.iter().filter(|c| c.target_id == t.target_id);
        row(out, &line(ReportData::target_name(t)), state_counts(mine));
    }
    if data.scan.targets.len() > 1 {
        row(out, "<b>All</b>", state_counts(data.coverage.iter()));
    }
    out.push_str("</table>\n");
    let problems: Vec<&Coverage> = data
        .coverage
        .iter()
        .filter(|c| matches!(c.state, CoverageState::Errored | CoverageState::Skipped))
        .collect();
    if !problems.is_empty() {
        out.push_str("<p>Checks that did not run to the end:</p>\n<ul>\n");
        for c in problems.iter().take(MAX_FIXED) {
            let _ = writeln!(
                out,
                "<li><code>{}</code> {}: {}</li>",
                line(&c.check_id),
                c.state,
                line(c.detail.as_deref().unwrap_or("no reason given"))
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod prose_tests {
    #[test]
    fn advice_shows_code_spans_and_fences_as_code_and_escapes_the_rest() {
        assert_eq!(
            super::prose("Send `X-Frame-Options: <x>` now"),
            "Send <code>X-Frame-Options: &lt;x&gt;</code> now"
        );
        assert_eq!(
            super::prose("e.g.\n```\nContact: a@b\n```\nDone"),
            "e.g. <pre><code>Contact: a@b</code></pre> Done"
        );
    }
}
