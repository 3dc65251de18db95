//! The top of the HTML report: the executive summary (grades, the fixes to make first with links to them, attack
//! chains with links to the findings they link) and the contents list, which links to every section, finding and
//! fix.

use super::{escape, line, plural};
use crate::model::{Finding, Severity};
use crate::report::fix::Plan;
use crate::report::summary::Summary;
use crate::report::summary::text::{breaks, counts_text};
use std::fmt::Write;

/// The summary section.
pub fn section(out: &mut String, s: &Summary) {
    out.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<ul class=\"grades\">\n");
    for g in &s.grades {
        let score = g
            .score
            .map_or("not graded".to_string(), |n| format!("score {n}/100"));
        let _ = writeln!(
            out,
            "<li><b>Grade {}</b> for {} ({score}): {}.</li>",
            line(g.grade.as_deref().unwrap_or("–")),
            line(&g.host),
            counts_text(&g.counts)
        );
    }
    out.push_str("</ul>\n<h3>Do first</h3>\n");
    if s.top.is_empty() {
        out.push_str("<p>Nothing: no open findings above info.</p>\n");
    } else {
        out.push_str("<ol class=\"top\">\n");
        for fix in &s.top {
            let _ = write!(
                out,
                "<li><a href=\"#fix-{n}\">FIX-{n}: {}</a> <span class=\"pill sev-{}\">{}</span>{} {}",
                line(&fix.title),
                fix.severity,
                fix.severity.label(),
                if fix.kev {
                    " <span class=\"kev\">known exploited</span>"
                } else {
                    ""
                },
                line(&fix.why),
                n = fix.n,
            );
            if !fix.breaks.is_empty() {
                let _ = write!(out, " {}", escape(&breaks(fix)));
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n");
    }
    out.push_str("<h3>Attack chains</h3>\n");
    if s.chains.is_empty() {
        out.push_str(
            "<p>None: no two findings of one target combine into a known chain.</p>\n</section>\n",
        );
        return;
    }
    for c in &s.chains {
        let _ = write!(
            out,
            "<article class=\"chain {sev}\"><div class=\"head\"><span class=\"pill sev-{sev}\">{}</span> \
             <b>{}</b> on {}</div>\n<p>{}</p>\n<ul>\n",
            c.severity.label(),
            escape(c.title),
            line(&c.host),
            escape(c.why),
            sev = c.severity,
        );
        for l in &c.links {
            let _ = writeln!(
                out,
                "<li><a href=\"#f-{}\">{}</a> <code>{}</code> ({})</li>",
                escape(&l.fingerprint),
                line(&l.title),
                line(&l.check_id),
                l.severity.label()
            );
        }
        if c.more > 0 {
            let _ = writeln!(
                out,
                "<li>and {} more finding{}</li>",
                c.more,
                plural(c.more)
            );
        }
        out.push_str("</ul>\n</article>\n");
    }
    out.push_str("</section>\n");
}

/// The contents list: every section, each finding (by severity) and each fix.
pub fn contents(out: &mut String, findings: &[&Finding], plan: &Plan) {
    out.push_str("<nav id=\"contents\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
    out.push_str(
        "<li><a href=\"#summary\">Summary</a></li>\n<li><a href=\"#targets\">Targets</a></li>\n",
    );
    let _ = writeln!(
        out,
        "<li><a href=\"#findings\">Findings, worst first</a> ({})",
        findings.len()
    );
    if !findings.is_empty() {
        out.push_str("<ol>\n");
        for s in Severity::ALL.iter().rev() {
            let mine: Vec<&&Finding> = findings.iter().filter(|f| f.severity == *s).collect();
            if mine.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "<li><a href=\"#sev-{s}\">{}</a> ({})\n<ol>",
                s.label(),
                mine.len()
            );
            for f in mine {
                let _ = writeln!(
                    out,
                    "<li><a href=\"#f-{}\">{}</a></li>",
                    escape(&f.fingerprint),
                    line(&f.title)
                );
            }
            out.push_str("</ol></li>\n");
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</li>\n<li><a href=\"#fixes\">How to fix</a>");
    if !plan.fixes.is_empty() {
        out.push_str("\n<ol>\n");
        for fix in &plan.fixes {
            let _ = writeln!(
                out,
                "<li><a href=\"#fix-{n}\">FIX-{n}: {}</a></li>",
                line(&fix.title),
                n = fix.n
            );
        }
        out.push_str("</ol>\n");
    }
    out.push_str(
        "</li>\n<li><a href=\"#fixed\">Fixed since the previous scan</a></li>\n\
         <li><a href=\"#coverage\">Coverage</a></li>\n</ol>\n</nav>\n",
    );
}
