//! The severity chart of a target: an inline SVG of horizontal bars, one per severity, with its label and count
//! written inside the SVG so it reads without the page's text (and prints).

use crate::model::{Severity, SeverityCounts};
use std::fmt::Write;

const WIDTH: u32 = 400;
const ROW: u32 = 26;
/// Where bars start (after the label) and the longest a bar gets (leaving room for its count).
const BAR_X: u32 = 84;
const BAR_MAX: u32 = 270;

/// The bar colour of a severity (the same as the page's pills).
pub fn colour(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#b91c1c",
        Severity::High => "#c2410c",
        Severity::Medium => "#a16207",
        Severity::Low => "#1d4ed8",
        Severity::Info => "#4b5563",
    }
}

/// A horizontal bar chart of `counts`, critical at the top.
pub fn severity_bars(counts: &SeverityCounts) -> String {
    let most = Severity::ALL
        .iter()
        .map(|s| counts.get(*s))
        .max()
        .unwrap_or(0)
        .max(1);
    let height = ROW * Severity::ALL.len() as u32 + 4;
    let summary: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|s| format!("{} {s}", counts.get(*s)))
        .collect();
    let mut out = format!(
        "<svg viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" \
         aria-label=\"Findings by severity: {0}\"><title>Findings by severity: {0}</title>\
         <rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{height}\" fill=\"#ffffff\"/>",
        summary.join(", ")
    );
    for (row, s) in Severity::ALL.iter().rev().enumerate() {
        let n = counts.get(*s);
        let y = 2 + row as u32 * ROW;
        let bar = if n == 0 {
            0
        } else {
            (u64::from(n) * u64::from(BAR_MAX) / u64::from(most)).max(3) as u32
        };
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{ty}\" font-family=\"sans-serif\" font-size=\"13\" fill=\"#1f2933\">{label}</text>\
             <rect x=\"{BAR_X}\" y=\"{y}\" width=\"{BAR_MAX}\" height=\"{h}\" fill=\"#eef1f5\"/>\
             <rect x=\"{BAR_X}\" y=\"{y}\" width=\"{bar}\" height=\"{h}\" fill=\"{colour}\"/>\
             <text x=\"{nx}\" y=\"{ty}\" font-family=\"sans-serif\" font-size=\"13\" font-weight=\"bold\" \
             fill=\"#1f2933\">{n}</text>",
            ty = y + 15,
            label = s.label(),
            h = ROW - 6,
            colour = colour(*s),
            nx = BAR_X + BAR_MAX + 8,
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_carry_labels_and_counts_and_scale_to_the_largest() {
        let mut counts = SeverityCounts::default();
        counts.add_n(Severity::Critical, 2);
        counts.add_n(Severity::Low, 4);
        let svg = severity_bars(&counts);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(">CRITICAL</text>") && svg.contains(">INFO</text>"));
        assert!(svg.contains(&format!(
            "width=\"{BAR_MAX}\" height=\"20\" fill=\"#1d4ed8\""
        )));
        assert!(svg.contains(&format!(
            "width=\"{}\" height=\"20\" fill=\"#b91c1c\"",
            BAR_MAX / 2
        )));
        assert!(svg.contains(
            "aria-label=\"Findings by severity: 2 critical, 0 high, 0 medium, 4 low, 0 info\""
        ));
        let empty = severity_bars(&SeverityCounts::default());
        assert!(empty.contains("width=\"0\""), "no findings draws no bars");
    }
}
