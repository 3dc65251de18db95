//! Organisation-wide numbers: open findings by severity and category, the mean security score, the worst targets
//! and how these moved over the last completed scans.
//!
//! The org's current posture is, for each registered target, its latest completed scan: the newest completed scan
//! that reached it, verification scans excluded (they re-check only some findings, so they would hide the rest).
//! Its open findings are that scan's findings on that target that are new or unchanged (not fixed). A target whose
//! latest scan was a quick one shows only what the quick profile checks.

use super::{App, AppError};
use crate::model::{Category, SeverityCounts};
use crate::store::{LatestTarget, ScanMark};
use serde::Serialize;

/// How many targets [`OrgStats::worst`] lists.
pub const WORST_TARGETS: usize = 10;
/// The most scans a trend may span.
pub const MAX_TREND: u32 = 100;

/// Where an organisation stands, and how it got there.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct OrgStats {
    pub org: String,
    pub generated_at: String,
    /// Registered targets with at least one completed scan that reached them.
    pub targets: u32,
    /// Completed scans in the trend window (at most `last`; verification scans excluded).
    pub scans: u32,
    /// Open findings over every target's latest completed scan.
    pub counts: SeverityCounts,
    /// The same findings by category, most first.
    pub by_category: Vec<CategoryCounts>,
    /// Mean `security_score` of the targets' latest scans, to one decimal; `None` without a scored target.
    pub mean_score: Option<f64>,
    /// Up to ten targets, lowest score first (ties: more critical, then more high findings first).
    pub worst: Vec<TargetPosture>,
    /// The org's posture right after each of the last completed scans, oldest first.
    pub trend: Vec<TrendPoint>,
}

/// Open findings of one category.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct CategoryCounts {
    pub category: Category,
    pub counts: SeverityCounts,
}

/// One target as its latest completed scan left it.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct TargetPosture {
    pub url: String,
    pub host: String,
    pub score: Option<u32>,
    pub grade: Option<String>,
    /// Open findings of the latest scan on this target.
    pub counts: SeverityCounts,
    pub scan_id: String,
    pub scanned_at: String,
}

/// The org's posture once a scan had finished: every target's latest completed scan up to and including it.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct TrendPoint {
    pub scan_id: String,
    pub finished_at: String,
    /// How many targets this scan reached.
    pub scanned: u32,
    /// Targets with a completed scan by then.
    pub targets: u32,
    /// Mean score over those targets, to one decimal.
    pub mean_score: Option<f64>,
    /// Open findings over those targets.
    pub counts: SeverityCounts,
}

impl App {
    /// Organisation-wide numbers over the current posture, with a trend over the last `last` completed scans
    /// (1 to [`MAX_TREND`]).
    pub async fn org_stats(&self, org: &str, last: u32) -> Result<OrgStats, AppError> {
        if !(1..=MAX_TREND).contains(&last) {
            return Err(AppError::Invalid(format!(
                "the trend spans 1 to {MAX_TREND} scans, not {last}"
            )));
        }
        let store = &self.inner.store;
        let generated_at = crate::time::now();
        let mut marks = store.completed_scans(org, last).await?;
        marks.reverse();
        // Everything is read as of the newest completed scan, so the numbers agree with each other and with the
        // trend's last point even while another scan finishes meanwhile.
        let (latest, categories) = match marks.last() {
            Some(newest) => (
                store.latest_targets(org, Some(newest)).await?,
                store.open_by_category(org, Some(newest)).await?,
            ),
            None => (Vec::new(), Vec::new()),
        };
        let by_category = most_first(categories);
        let mut trend = Vec::with_capacity(marks.len());
        for (i, mark) in marks.iter().enumerate() {
            let then = if i + 1 == marks.len() {
                point(mark, &latest)
            } else {
                point(mark, &store.latest_targets(org, Some(mark)).await?)
            };
            trend.push(then);
        }
        Ok(OrgStats {
            org: org.to_string(),
            generated_at,
            targets: latest.len() as u32,
            scans: marks.len() as u32,
            counts: total(&latest),
            by_category,
            mean_score: mean_score(&latest),
            worst: worst(latest),
            trend,
        })
    }
}

/// Categories by number of open findings, then by critical and high ones, then in the model's order.
fn most_first(categories: Vec<(Category, SeverityCounts)>) -> Vec<CategoryCounts> {
    let mut list: Vec<CategoryCounts> = categories
        .into_iter()
        .map(|(category, counts)| CategoryCounts { category, counts })
        .collect();
    list.sort_by_key(|c| {
        (
            std::cmp::Reverse(c.counts.total()),
            std::cmp::Reverse(c.counts.critical),
            std::cmp::Reverse(c.counts.high),
            c.category,
        )
    });
    list
}

fn point(mark: &ScanMark, targets: &[LatestTarget]) -> TrendPoint {
    TrendPoint {
        scan_id: mark.scan_id.clone(),
        finished_at: mark.finished_at.clone(),
        scanned: mark.scanned,
        targets: targets.len() as u32,
        mean_score: mean_score(targets),
        counts: total(targets),
    }
}

fn total(targets: &[LatestTarget]) -> SeverityCounts {
    let mut sum = SeverityCounts::default();
    for t in targets {
        for s in crate::model::Severity::ALL {
            sum.add_n(*s, t.counts.get(*s));
        }
    }
    sum
}

/// The mean of the scores that exist, rounded to one decimal.
fn mean_score(targets: &[LatestTarget]) -> Option<f64> {
    let scores: Vec<f64> = targets
        .iter()
        .filter_map(|t| t.security_score.map(f64::from))
        .collect();
    if scores.is_empty() {
        return None;
    }
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    Some((mean * 10.0).round() / 10.0)
}

/// The lowest-scoring targets; unscored ones (none in practice: a reached target is graded) come last.
fn worst(mut targets: Vec<LatestTarget>) -> Vec<TargetPosture> {
    targets.sort_by(|a, b| {
        let key = |t: &LatestTarget| {
            (
                t.security_score.unwrap_or(u32::MAX),
                std::cmp::Reverse(t.counts.critical),
                std::cmp::Reverse(t.counts.high),
            )
        };
        key(a).cmp(&key(b)).then_with(|| a.url.cmp(&b.url))
    });
    targets
        .into_iter()
        .take(WORST_TARGETS)
        .map(|t| TargetPosture {
            url: t.url,
            host: t.host,
            score: t.security_score,
            grade: t.risk_grade,
            counts: t.counts,
            scan_id: t.scan_id,
            scanned_at: t.finished_at,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str, score: Option<u32>, critical: u32, high: u32) -> LatestTarget {
        LatestTarget {
            url: url.into(),
            host: "h".into(),
            scan_id: "s".into(),
            finished_at: "2026-01-01T00:00:00.000Z".into(),
            security_score: score,
            risk_grade: None,
            counts: SeverityCounts {
                critical,
                high,
                ..Default::default()
            },
        }
    }

    #[test]
    fn worst_sorts_by_score_then_critical_then_high_and_unscored_last() {
        let list = vec![
            target("a", None, 9, 9),
            target("b", Some(40), 1, 0),
            target("c", Some(40), 1, 3),
            target("d", Some(10), 0, 0),
            target("e", Some(40), 2, 0),
        ];
        let urls: Vec<String> = worst(list).into_iter().map(|t| t.url).collect();
        assert_eq!(urls, ["d", "e", "c", "b", "a"]);
    }

    #[test]
    fn mean_score_rounds_to_one_decimal_and_skips_unscored_targets() {
        let list = vec![
            target("a", Some(100), 0, 0),
            target("b", Some(0), 0, 0),
            target("c", Some(33), 0, 0),
            target("d", None, 0, 0),
        ];
        assert_eq!(mean_score(&list), Some(44.3));
        assert_eq!(mean_score(&list[3..]), None);
    }
}
