//! `palisade stats`: organisation-wide numbers as a table for people, or the `OrgStats` object as JSON.

use super::render::{Style, clean};
use super::{CliError, Format, Global};
use crate::app::{DEFAULT_ORG, MAX_TREND, OrgStats, TrendPoint};
use crate::config::Layer;
use crate::model::{Severity, SeverityCounts};
use clap::Args;
use std::fmt::Write;

/// What a user sees for an org without completed scans.
pub const NO_SCANS: &str = "no completed scans yet: run palisade scan URL or palisade demo";

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// How many completed scans the trend spans (1 to 100)
    #[arg(long, default_value_t = 10, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=MAX_TREND as i64))]
    pub last: u32,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub async fn run(global: &Global, args: StatsArgs) -> Result<u8, CliError> {
    let app = super::build(super::load_config(global, Layer::default())?).await?;
    let stats = app.org_stats(DEFAULT_ORG, args.last).await;
    app.shutdown().await;
    let stats = stats?;
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&stats).expect("serialisable") + "\n",
        Format::Jsonl => serde_json::to_string(&stats).expect("serialisable") + "\n",
        Format::Table => table(&stats, args.last, &Style::stdout()),
    };
    super::output::emit(text.as_bytes(), None)?;
    Ok(0)
}

/// The table: totals, categories, worst targets, then the trend one scan a line.
fn table(s: &OrgStats, last: u32, style: &Style) -> String {
    if s.trend.is_empty() {
        return format!("{NO_SCANS}\n");
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} · {} target{} · mean score {} · {} completed scan{} in the trend (last {last})",
        style.bold(&format!("organisation {}", s.org)),
        s.targets,
        if s.targets == 1 { "" } else { "s" },
        score(s.mean_score),
        s.scans,
        if s.scans == 1 { "" } else { "s" },
    );
    let _ = writeln!(out, "\nopen findings: {}", summary(&s.counts));
    if !s.by_category.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            style.bold(&format!("{:<14} {}", "CATEGORY", counts_header()))
        );
        for c in &s.by_category {
            let _ = writeln!(out, "{:<14} {}", c.category.as_str(), counts_row(&c.counts));
        }
    }
    let _ = writeln!(
        out,
        "\n{}",
        style.bold(&format!(
            "{:<6} {:>5} {:>5} {:>5}  WORST TARGETS",
            "GRADE", "SCORE", "CRIT", "HIGH"
        ))
    );
    for t in &s.worst {
        let _ = writeln!(
            out,
            "{:<6} {:>5} {:>5} {:>5}  {}",
            t.grade.as_deref().unwrap_or("-"),
            t.score.map_or("-".into(), |n| n.to_string()),
            t.counts.critical,
            t.counts.high,
            clean(&t.url)
        );
    }
    let _ = writeln!(
        out,
        "\n{}",
        style.bold(&format!(
            "{:<16} {:<9} {:>7} {:>8}   {}  TREND, OLDEST FIRST",
            "FINISHED", "SCAN", "TARGETS", "SCORE", "C/H/M/L/I"
        ))
    );
    let mut previous: Option<&TrendPoint> = None;
    for p in &s.trend {
        let _ = writeln!(
            out,
            "{:<16} {:<9} {:>7} {:>8} {} {}",
            p.finished_at
                .get(..16)
                .unwrap_or(&p.finished_at)
                .replace('T', " "),
            p.scan_id,
            p.targets,
            score(p.mean_score),
            arrow(previous.and_then(|q| q.mean_score), p.mean_score),
            slashed(&p.counts),
        );
        previous = Some(p);
    }
    out
}

fn score(s: Option<f64>) -> String {
    s.map_or("-".into(), |s| format!("{s:.1}"))
}

/// ↑ when the mean score rose since the previous point, ↓ when it fell.
fn arrow(before: Option<f64>, now: Option<f64>) -> &'static str {
    match (before, now) {
        (Some(b), Some(n)) if n > b => "↑",
        (Some(b), Some(n)) if n < b => "↓",
        (Some(_), Some(_)) => "=",
        _ => " ",
    }
}

fn summary(c: &SeverityCounts) -> String {
    let parts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|s| format!("{} {s}", c.get(*s)))
        .collect();
    format!("{} ({} in all)", parts.join(", "), c.total())
}

fn slashed(c: &SeverityCounts) -> String {
    format!(
        "{}/{}/{}/{}/{}",
        c.critical, c.high, c.medium, c.low, c.info
    )
}

fn counts_header() -> String {
    format!(
        "{:>5} {:>5} {:>5} {:>5} {:>5} {:>6}",
        "CRIT", "HIGH", "MED", "LOW", "INFO", "TOTAL"
    )
}

fn counts_row(c: &SeverityCounts) -> String {
    format!(
        "{:>5} {:>5} {:>5} {:>5} {:>5} {:>6}",
        c.critical,
        c.high,
        c.medium,
        c.low,
        c.info,
        c.total()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_follow_the_mean_score() {
        assert_eq!(arrow(Some(40.0), Some(60.0)), "↑");
        assert_eq!(arrow(Some(60.0), Some(40.0)), "↓");
        assert_eq!(arrow(Some(60.0), Some(60.0)), "=");
        assert_eq!(arrow(None, Some(60.0)), " ");
    }
}
