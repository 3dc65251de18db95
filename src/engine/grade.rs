//! Grades: Palisade's `security_score`/`risk_grade` from findings, and the MDN HTTP Observatory's score and grade
//! from its tests.

use crate::model::{Observatory, ObservatoryTest, SeverityCounts};

/// The Observatory's twelve tests (ALGORITHM_VERSION 6).
pub const OBSERVATORY_TESTS: &[&str] = &[
    "content-security-policy",
    "cookies",
    "cross-origin-embedder-policy",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
    "cross-origin-resource-sharing",
    "redirection",
    "referrer-policy",
    "strict-transport-security",
    "subresource-integrity",
    "x-content-type-options",
    "x-frame-options",
];

/// Points taken per finding of each severity, and the most each severity can take in all.
const PENALTIES: [(u32, u32); 4] = [(40, 100), (20, 60), (8, 40), (3, 15)];

/// `security_score` (0–100) and `risk_grade` (A–F) from the counts of a target's findings.
///
/// Each critical takes 40 points, each high 20 (at most 60 in all), each medium 8 (at most 40), each low 3 (at most
/// 15); info findings take nothing. Grades: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, F below.
pub fn security_score(counts: &SeverityCounts) -> (u32, &'static str) {
    let by_severity = [counts.critical, counts.high, counts.medium, counts.low];
    let taken: u32 = by_severity
        .iter()
        .zip(PENALTIES)
        .map(|(n, (each, cap))| (n * each).min(cap))
        .sum();
    let score = 100u32.saturating_sub(taken);
    let grade = match score {
        90.. => "A",
        80..=89 => "B",
        70..=79 => "C",
        60..=69 => "D",
        _ => "F",
    };
    (score, grade)
}

/// The Observatory's score and grade from test results: start at 100, add every modifier, but count bonuses only
/// if the score without them is at least 90; never below 0.
pub fn observatory(tests: &[ObservatoryTest]) -> Option<Observatory> {
    if tests.is_empty() {
        return None;
    }
    let uncurved: i32 = 100 + tests.iter().map(|t| t.score_modifier.min(0)).sum::<i32>();
    let with_bonus: i32 = 100 + tests.iter().map(|t| t.score_modifier).sum::<i32>();
    let score = if uncurved >= 90 { with_bonus } else { uncurved }.max(0);
    let mut sorted = tests.to_vec();
    sorted.sort_by(|a, b| a.test.cmp(&b.test));
    let missing = OBSERVATORY_TESTS
        .iter()
        .filter(|name| !tests.iter().any(|t| t.test == **name))
        .map(|s| s.to_string())
        .collect();
    Some(Observatory {
        score,
        grade: observatory_grade(score).to_string(),
        tests: sorted,
        missing,
    })
}

/// The Observatory's grade chart.
pub fn observatory_grade(score: i32) -> &'static str {
    match (score - score.rem_euclid(5)).min(100) {
        100 => "A+",
        90 | 95 => "A",
        85 => "A-",
        80 => "B+",
        70 | 75 => "B",
        65 => "B-",
        60 => "C+",
        50 | 55 => "C",
        45 => "C-",
        40 => "D+",
        30 | 35 => "D",
        25 => "D-",
        _ => "F",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(test: &str, m: i32) -> ObservatoryTest {
        ObservatoryTest {
            test: test.into(),
            result: "x".into(),
            score_modifier: m,
            pass: m >= 0,
        }
    }

    #[test]
    fn security_score_formula() {
        let c = |critical, high, medium, low| SeverityCounts {
            critical,
            high,
            medium,
            low,
            info: 9,
        };
        assert_eq!(security_score(&c(0, 0, 0, 0)), (100, "A"));
        assert_eq!(security_score(&c(0, 0, 1, 0)), (92, "A"));
        assert_eq!(security_score(&c(0, 1, 0, 0)), (80, "B"));
        assert_eq!(security_score(&c(0, 0, 0, 9)), (85, "B"));
        assert_eq!(security_score(&c(1, 0, 0, 0)), (60, "D"));
        assert_eq!(security_score(&c(0, 5, 10, 10)), (0, "F"));
        assert_eq!(security_score(&c(3, 0, 0, 0)), (0, "F"));
    }

    #[test]
    fn observatory_bonus_only_when_uncurved_at_least_90() {
        let all_good: Vec<_> = vec![
            t("content-security-policy", 10),
            t("x-frame-options", 5),
            t("cookies", 0),
        ];
        let o = observatory(&all_good).unwrap();
        assert_eq!((o.score, o.grade.as_str()), (115, "A+"));
        let mixed = vec![
            t("content-security-policy", 10),
            t("strict-transport-security", -20),
        ];
        assert_eq!(
            observatory(&mixed).unwrap().score,
            80,
            "bonus ignored below 90"
        );
        let bad = vec![
            t("content-security-policy", -25),
            t("x-frame-options", -20),
            t("cookies", -40),
            t("redirection", -20),
        ];
        assert_eq!(observatory(&bad).unwrap().score, 0);
        assert_eq!(
            observatory(&all_good).unwrap().missing.len(),
            OBSERVATORY_TESTS.len() - 3
        );
    }

    #[test]
    fn grade_chart() {
        let cases = [
            (135, "A+"),
            (100, "A+"),
            (99, "A"),
            (90, "A"),
            (85, "A-"),
            (84, "B+"),
            (70, "B"),
            (65, "B-"),
            (60, "C+"),
            (50, "C"),
            (45, "C-"),
            (40, "D+"),
            (30, "D"),
            (25, "D-"),
            (24, "F"),
            (0, "F"),
        ];
        for (score, grade) in cases {
            assert_eq!(observatory_grade(score), grade, "{score}");
        }
    }
}
