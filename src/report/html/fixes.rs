//! The fix plan in the HTML report: one `FIX-n` per root cause, worst first, with what it resolves, where, why, the
//! steps and their ready snippets, and the commands that verify it; the same plan as `SECURITY-FIX.md`.

use super::{escape, line, plural, prose};
use crate::report::ReportData;
use crate::report::fix::{Fix, Plan, Snippet, Step};
use std::fmt::Write;

/// The fixes section.
pub fn section(out: &mut String, data: &ReportData, plan: &Plan) {
    let _ = writeln!(
        out,
        "<section id=\"fixes\">\n<h2>How to fix</h2>\n<p>Apply the fixes in order. The same plan as a file for an \
         agent or a ticket: <code>palisade report {} --format fix -o SECURITY-FIX.md</code>.</p>",
        escape(&data.scan.id)
    );
    if plan.fixes.is_empty() {
        out.push_str("<p>No open findings above info: nothing to fix.</p>\n");
    }
    for fix in &plan.fixes {
        one(out, fix);
    }
    out.push_str("</section>\n");
}

fn one(out: &mut String, fix: &Fix) {
    let n = fix.fingerprints.len();
    let _ = write!(
        out,
        "<article class=\"fix\" id=\"fix-{}\">\n<h3>FIX-{}: {} <span class=\"pill sev-{}\">{}</span>{}</h3>\n\
         <p>Resolves <b>{n} finding{}</b> on {} (check{} {}).</p>\n",
        fix.n,
        fix.n,
        line(&fix.title),
        fix.severity,
        fix.severity.label(),
        if fix.kev {
            " <span class=\"kev\">known exploited: fix it first</span>"
        } else {
            ""
        },
        plural(n),
        line(&fix.hosts.join(", ")),
        plural(fix.check_ids.len()),
        fix.check_ids
            .iter()
            .map(|c| format!("<code>{}</code>", line(c)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if !fix.locations.is_empty() {
        out.push_str("<p><b>Where:</b></p>\n<ul>\n");
        for loc in &fix.locations {
            let _ = writeln!(out, "<li><code>{}</code></li>", line(loc));
        }
        out.push_str("</ul>\n");
    }
    let _ = writeln!(out, "<p><b>Why it matters:</b> {}</p>", line(&fix.why));
    let variants = fix.steps.iter().any(|s| s.variant);
    let seen = line(&crate::report::fix::stack_line(fix, variants));
    let _ = writeln!(out, "<p><b>Stack seen:</b> {seen}</p>");
    steps(out, fix);
    if !fix.verify.is_empty() {
        let _ = writeln!(
            out,
            "<p><b>Verify:</b></p>\n<pre><code>{}</code></pre>",
            super::block(&fix.verify.join("\n"))
        );
    }
    super::findings::references(out, &fix.references);
    out.push_str("</article>\n");
}

/// The steps in order; a run of variant steps is one step with a sub-list, one item per stack.
fn steps(out: &mut String, fix: &Fix) {
    out.push_str("<ol class=\"steps\">\n");
    let mut i = 0;
    while i < fix.steps.len() {
        let step = &fix.steps[i];
        let run: Vec<&Step> = if step.variant {
            fix.steps[i..].iter().take_while(|s| s.variant).collect()
        } else {
            vec![step]
        };
        i += run.len();
        if run.len() == 1 {
            out.push_str("<li>");
            step_body(out, step);
            out.push_str("</li>\n");
            continue;
        }
        let names: Vec<&str> = run.iter().map(|s| s.title.as_str()).collect();
        let _ = writeln!(
            out,
            "<li>Apply the variant for the layer that serves {} ({}):\n<ul>",
            line(&fix.hosts.join(", ")),
            line(&names.join(", "))
        );
        for s in run {
            out.push_str("<li>");
            step_body(out, s);
            out.push_str("</li>\n");
        }
        out.push_str("</ul></li>\n");
    }
    out.push_str("</ol>\n");
}

fn step_body(out: &mut String, step: &Step) {
    let _ = write!(out, "<b>{}.</b> {}", line(&step.title), prose(&step.text));
    for s in &step.snippets {
        snippet(out, s);
    }
}

fn snippet(out: &mut String, s: &Snippet) {
    let _ = write!(
        out,
        "<p class=\"place\">{}:</p><pre><code class=\"language-{}\">{}</code></pre>",
        line(&place(&s.place)),
        escape(s.lang),
        super::block(&s.code)
    );
}

/// "In php.ini", "On the server": a snippet's place as the start of a sentence.
fn place(p: &str) -> String {
    if ["in ", "on ", "inside ", "before ", "after "]
        .iter()
        .any(|w| p.starts_with(w))
    {
        let mut c = p.chars();
        c.next()
            .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
    } else {
        format!("In {p}")
    }
}
