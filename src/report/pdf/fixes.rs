//! The fixes in the PDF report: `FIX-n` with severity, what it resolves, why, each step with its snippets (every
//! variant's too) and the verify commands.

use super::content::{BODY, CODE, H1, H2, SMALL, colour, heading, plural};
use super::layout::{LEFT, Layout, WIDTH};
use crate::report::ReportData;
use crate::report::fix::{Fix, Plan};

pub(super) fn fixes(l: &mut Layout, data: &ReportData, plan: &Plan) {
    heading(l, "How to fix", H1);
    l.text(
        &format!(
            "Apply the fixes in order. Every change, written for the stack the scan saw: palisade report {} \
             --format fix -o SECURITY-FIX.md",
            data.scan.id
        ),
        BODY,
        0.0,
        3,
    );
    if plan.fixes.is_empty() {
        l.text("No open findings above info: nothing to fix.", BODY, 0.0, 1);
    }
    for fix in &plan.fixes {
        one_fix(l, fix);
    }
}

fn one_fix(l: &mut Layout, fix: &Fix) {
    l.ensure(60.0);
    l.gap(6.0);
    let title = format!("FIX-{}: {} [{}]", fix.n, fix.title, fix.severity.label());
    l.rect(LEFT, l.y, 3.0, H2.line_height(), colour(fix.severity));
    l.text(&title, H2, 8.0, 3);
    let n = fix.fingerprints.len();
    l.text(
        &format!(
            "Resolves {n} finding{} on {} ({}){}",
            plural(n),
            fix.hosts.join(", "),
            fix.check_ids.join(", "),
            if fix.kev {
                " · known exploited: fix it first"
            } else {
                ""
            }
        ),
        SMALL,
        8.0,
        3,
    );
    l.text(&format!("Why: {}", fix.why), BODY, 8.0, 6);
    let mut i = 0;
    let mut n = 0;
    while i < fix.steps.len() {
        n += 1;
        let step = &fix.steps[i];
        let run = if step.variant {
            fix.steps[i..].iter().take_while(|s| s.variant).count()
        } else {
            1
        };
        if run > 1 {
            let names: Vec<&str> = fix.steps[i..i + run]
                .iter()
                .map(|s| s.title.as_str())
                .collect();
            let text = format!(
                "{n}. Apply the variant for the layer that serves the site: {}.",
                names.join(", ")
            );
            l.text(&text, BODY, 8.0, 3);
            for variant in &fix.steps[i..i + run] {
                l.text(
                    &format!("{}: {}", variant.title, variant.text),
                    BODY,
                    16.0,
                    4,
                );
                snippets(l, variant);
            }
        } else {
            l.text(&format!("{n}. {}. {}", step.title, step.text), BODY, 8.0, 5);
            snippets(l, step);
        }
        i += run;
    }
    if !fix.verify.is_empty() {
        l.text("Verify:", SMALL, 8.0, 1);
        let lines = l.code(&fix.verify.join("\n"), CODE, WIDTH - 30.0, 8, 4);
        l.shaded(&lines, CODE, 18.0);
    }
}

/// A step's snippets, shaded, at most 14 source lines each.
fn snippets(l: &mut Layout, step: &crate::report::fix::Step) {
    for s in &step.snippets {
        let lines = l.code(&s.code, CODE, WIDTH - 30.0, 14, 2);
        l.gap(1.0);
        l.shaded(&lines, CODE, 18.0);
        l.gap(2.0);
    }
}
