//! The scheduler's wall clock: the system's, or one that follows tokio's clock from a chosen start, so that tests
//! run days of schedules in paused tokio time.

use chrono::{DateTime, Utc};

/// Where "now" comes from.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    /// The system's clock.
    System,
    /// `start` plus the tokio time elapsed since `since` (paused in tests, so sleeps advance it at once).
    Tokio {
        start: DateTime<Utc>,
        since: tokio::time::Instant,
    },
}

impl Clock {
    /// A clock that reads `start` now and moves with tokio's time.
    pub fn tokio_from(start: DateTime<Utc>) -> Clock {
        Clock::Tokio {
            start,
            since: tokio::time::Instant::now(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Tokio { start, since } => {
                let elapsed = tokio::time::Instant::now().saturating_duration_since(*since);
                *start + chrono::Duration::from_std(elapsed).unwrap_or(chrono::TimeDelta::MAX)
            }
        }
    }
}

/// Formats a time as the store does (`2026-11-21T13:40:00.000Z`).
pub fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Reads a stored time.
pub fn read(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
