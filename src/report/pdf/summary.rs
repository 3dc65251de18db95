//! The summary page content of the PDF report: a severity bar chart of the open findings, the grade of each
//! target, the fixes to make first and why, and the attack chains with the fingerprints they link.

use super::content::{BODY, H1, H2, SMALL, colour, heading, plural};
use super::layout::{Face, INK, LEFT, Layout, Style, WASH, WIDTH};
use crate::model::{Severity, SeverityCounts};
use crate::report::summary::Summary;
use crate::report::summary::text::{breaks, counts_text};

const STRONG: Style = Style::new(Face::Bold, 9.5, INK);

/// The summary section.
pub(super) fn summary(l: &mut Layout, s: &Summary) {
    heading(l, "Summary", H1);
    chart(l, &s.counts);
    l.gap(4.0);
    for g in &s.grades {
        let score = g
            .score
            .map_or("not graded".to_string(), |n| format!("score {n}/100"));
        let grade = g.grade.as_deref().unwrap_or("–");
        l.text(
            &format!(
                "Grade {grade} for {} ({score}): {}.",
                g.host,
                counts_text(&g.counts)
            ),
            BODY,
            0.0,
            3,
        );
    }
    heading(l, "Do first", H2);
    if s.top.is_empty() {
        l.text("Nothing: no open findings above info.", BODY, 0.0, 1);
    }
    for (i, fix) in s.top.iter().enumerate() {
        l.ensure(BODY.line_height() * 3.0);
        let kev = if fix.kev { ", known exploited" } else { "" };
        l.text(
            &format!(
                "{}. FIX-{}: {} [{}{kev}]",
                i + 1,
                fix.n,
                fix.title,
                fix.severity.label()
            ),
            STRONG,
            0.0,
            3,
        );
        let mut why = fix.why.clone();
        if !fix.breaks.is_empty() {
            why.push(' ');
            why.push_str(&breaks(fix));
        }
        l.text(&why, BODY, 14.0, 4);
        l.gap(3.0);
    }
    heading(l, "Attack chains", H2);
    if s.chains.is_empty() {
        l.text(
            "None: no two findings of one target combine into a known chain.",
            BODY,
            0.0,
            2,
        );
    }
    for c in &s.chains {
        l.ensure(BODY.line_height() * 4.0);
        l.labelled(
            c.severity.label(),
            colour(c.severity),
            &format!("{} on {}", c.title, c.host),
            STRONG,
            3,
        );
        l.text(c.why, BODY, 68.0, 5);
        for link in &c.links {
            l.text(
                &format!(
                    "{} · {} · {} · {}",
                    link.severity.label(),
                    link.check_id,
                    link.fingerprint,
                    link.title
                ),
                SMALL,
                68.0,
                2,
            );
        }
        if c.more > 0 {
            l.text(
                &format!("and {} more finding{}", c.more, plural(c.more)),
                SMALL,
                68.0,
                1,
            );
        }
        l.gap(5.0);
    }
}

/// Horizontal bars, one per severity (critical at the top), with label and count, scaled to the largest count.
fn chart(l: &mut Layout, counts: &SeverityCounts) {
    const ROW: f32 = 15.0;
    const BAR_X: f32 = 64.0;
    const BAR_H: f32 = 10.0;
    let bar_max = WIDTH - BAR_X - 40.0;
    let label = Style::new(Face::Regular, 8.5, INK);
    let count = Style::new(Face::Bold, 8.5, INK);
    l.ensure(ROW * 5.0 + 16.0);
    l.text("Open findings by severity", SMALL, 0.0, 1);
    let most = Severity::ALL
        .iter()
        .map(|s| counts.get(*s))
        .max()
        .unwrap_or(0)
        .max(1);
    for s in Severity::ALL.iter().rev() {
        let n = counts.get(*s);
        let y = l.y;
        l.put(LEFT, y, s.label(), label);
        l.rect(LEFT + BAR_X, y + 1.0, bar_max, BAR_H, WASH);
        if n > 0 {
            let w = (bar_max * n as f32 / most as f32).max(2.0);
            l.rect(LEFT + BAR_X, y + 1.0, w, BAR_H, colour(*s));
        }
        l.put(LEFT + BAR_X + bar_max + 6.0, y, &n.to_string(), count);
        l.gap(ROW);
    }
}
