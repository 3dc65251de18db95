//! When a schedule fires: a preset or a five-field cron expression, read in a named time zone, plus a stable
//! per-schedule jitter so that many schedules with the same cadence do not start at the same second.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::str::FromStr;

/// The presets and the cron expressions they stand for.
pub const PRESETS: &[(&str, &str)] = &[
    ("hourly", "0 * * * *"),
    ("every-12hours", "0 */12 * * *"),
    ("daily", "0 0 * * *"),
    ("weekly-monday", "0 0 * * 1"),
];

/// The five cron fields: name and allowed numbers.
const FIELDS: [(&str, u32, u32); 5] = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of the month", 1, 31),
    ("month", 1, 12),
    ("day of the week", 0, 7),
];

/// Names the field and the number when a number is out of its field's range (the cron library's own message
/// names neither).
fn check_ranges(text: &str, expr: &str) -> Result<(), String> {
    for (field, (name, lo, hi)) in expr.split_whitespace().zip(FIELDS) {
        for part in field.split(',') {
            let (range, step) = match part.split_once('/') {
                Some((r, s)) => (r, Some(s)),
                None => (part, None),
            };
            if let Some(step) = step.and_then(|s| s.parse::<u32>().ok())
                && step == 0
            {
                return Err(format!(
                    "'{text}': a step of 0 in the {name} field never advances"
                ));
            }
            for n in range.split('-').filter_map(|n| n.parse::<u32>().ok()) {
                if !(lo..=hi).contains(&n) {
                    return Err(format!(
                        "'{text}': {n} is out of range for the {name} field ({lo} to {hi}); the fields are minute \
                         hour day-of-month month day-of-week"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The largest jitter a schedule may ask for (one hour).
pub const MAX_JITTER_SECS: u32 = 3600;

/// A parsed cadence: when a schedule's slots fall, in its time zone.
#[derive(Debug, Clone)]
pub struct Cadence {
    /// As the user wrote it (`daily`, `30 9 * * 1-5`).
    pub text: String,
    pub tz: Tz,
    cron: croner::Cron,
}

impl Cadence {
    /// Parses `text` (a preset name or five cron fields) in the IANA time zone `tz` (`UTC`, `Europe/Berlin`).
    /// The error says what was wrong and what is accepted.
    pub fn parse(text: &str, tz: &str) -> Result<Cadence, String> {
        let text = text.trim();
        let zone = Tz::from_str(tz.trim()).map_err(|_| {
            format!(
                "unknown time zone '{tz}': use an IANA name such as UTC, Europe/Berlin or America/New_York"
            )
        })?;
        let expr = PRESETS
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, expr)| *expr)
            .unwrap_or(text);
        let fields = expr.split_whitespace().count();
        if fields != 5 {
            return Err(format!(
                "'{text}' is neither a preset ({}) nor a five-field cron expression (minute hour day-of-month month \
                 day-of-week, e.g. '30 9 * * 1-5'); it has {fields} field(s)",
                preset_names()
            ));
        }
        check_ranges(text, expr)?;
        let cron = croner::Cron::from_str(expr).map_err(|e| {
            format!("'{text}' is not a valid cron expression ({e}); e.g. '30 9 * * 1-5' is 09:30 on weekdays")
        })?;
        let cadence = Cadence {
            text: text.to_string(),
            tz: zone,
            cron,
        };
        let leap_year_start = DateTime::from_timestamp(1_704_067_200, 0).expect("2024-01-01");
        if cadence.next_after(leap_year_start).is_none() {
            return Err(format!(
                "'{text}' never runs: no date has that day of the month in that month (such as 31 February); \
                 check the third and fourth fields"
            ));
        }
        Ok(cadence)
    }

    /// The first slot strictly after `after`. A local time skipped by a daylight-saving change fires at the first
    /// valid time after the change; a local time that occurs twice fires once. `None` if the expression never
    /// matches again (such as 30 February).
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        use chrono::{SubsecRound, Timelike};
        // Slots fall on whole minutes: the fraction of a second of `after` must not carry into them.
        let local = after.trunc_subsecs(0).with_timezone(&self.tz);
        self.cron
            .find_next_occurrence(&local, false)
            .ok()
            .and_then(|t| t.with_timezone(&Utc).with_nanosecond(0))
    }

    /// The default jitter for this cadence: five minutes for hourly runs, half an hour for presets that run every
    /// 12 hours or less often, none for a cron expression (whose author chose a minute).
    pub fn default_jitter_secs(&self) -> u32 {
        match self.text.as_str() {
            "hourly" => 300,
            "every-12hours" | "daily" | "weekly-monday" => 1800,
            _ => 0,
        }
    }
}

/// The preset names, for messages and documentation.
pub fn preset_names() -> String {
    PRESETS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The offset of a schedule's runs after their slots: a stable function of its id within `0..=jitter_secs`, so one
/// schedule always runs at the same minute and a thousand schedules spread over the window.
pub fn offset_secs(schedule_id: &str, jitter_secs: u32) -> u32 {
    if jitter_secs == 0 {
        return 0;
    }
    // FNV-1a: stable across builds and platforms (std's hasher is not).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in schedule_id.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash % (u64::from(jitter_secs) + 1)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn slots_fall_on_whole_minutes_whatever_the_fraction_of_now() {
        let hourly = Cadence::parse("hourly", "UTC").unwrap();
        let now = utc(2026, 11, 21, 13, 40) + chrono::Duration::milliseconds(919);
        assert_eq!(hourly.next_after(now), Some(utc(2026, 11, 21, 14, 0)));
        let on_the_slot = utc(2026, 11, 21, 14, 0) + chrono::Duration::milliseconds(5);
        assert_eq!(
            hourly.next_after(on_the_slot),
            Some(utc(2026, 11, 21, 15, 0))
        );
    }

    #[test]
    fn presets_and_cron_expressions_give_their_slots() {
        let hourly = Cadence::parse("hourly", "UTC").unwrap();
        assert_eq!(
            hourly.next_after(utc(2026, 11, 21, 13, 40)),
            Some(utc(2026, 11, 21, 14, 0))
        );
        let twelve = Cadence::parse("every-12hours", "UTC").unwrap();
        assert_eq!(
            twelve.next_after(utc(2026, 11, 21, 0, 0)),
            Some(utc(2026, 11, 21, 12, 0))
        );
        // 2026-11-21 is a Saturday: the next Monday is the 23rd.
        let weekly = Cadence::parse("weekly-monday", "UTC").unwrap();
        assert_eq!(
            weekly.next_after(utc(2026, 11, 21, 13, 40)),
            Some(utc(2026, 11, 23, 0, 0))
        );
        let weekdays = Cadence::parse("30 9 * * 1-5", "UTC").unwrap();
        assert_eq!(
            weekdays.next_after(utc(2026, 11, 21, 13, 40)),
            Some(utc(2026, 11, 23, 9, 30))
        );
    }

    #[test]
    fn named_zones_follow_daylight_saving() {
        // Berlin leaves CET (UTC+1) for CEST (UTC+2) at 02:00 local on 29 March 2026.
        let nine = Cadence::parse("0 9 * * *", "Europe/Berlin").unwrap();
        assert_eq!(
            nine.next_after(utc(2026, 3, 28, 0, 0)),
            Some(utc(2026, 3, 28, 8, 0))
        );
        assert_eq!(
            nine.next_after(utc(2026, 3, 28, 8, 0)),
            Some(utc(2026, 3, 29, 7, 0))
        );
        // 02:30 does not exist on 29 March in Berlin: that day's run is at the first valid time after the gap.
        let gap = Cadence::parse("30 2 * * *", "Europe/Berlin").unwrap();
        // The clock jumps from 02:00 to 03:00 CEST (01:00 UTC): the run is at 03:00.
        let day_of_change = gap.next_after(utc(2026, 3, 28, 12, 0)).unwrap();
        assert_eq!(day_of_change, utc(2026, 3, 29, 1, 0));
        assert_eq!(gap.next_after(day_of_change), Some(utc(2026, 3, 30, 0, 30)));
        // 02:30 happens twice on 25 October (CEST then CET): one run.
        let first = gap.next_after(utc(2026, 10, 24, 12, 0)).unwrap();
        assert_eq!(first, utc(2026, 10, 25, 0, 30));
        assert_eq!(gap.next_after(first), Some(utc(2026, 10, 26, 1, 30)));
    }

    #[test]
    fn bad_input_says_what_is_accepted() {
        let e = Cadence::parse("every day", "UTC").unwrap_err();
        assert!(e.contains("neither a preset (hourly, every-12hours"), "{e}");
        let e = Cadence::parse("61 * * * *", "UTC").unwrap_err();
        assert!(
            e.contains("61 is out of range for the minute field (0 to 59)"),
            "{e}"
        );
        let e = Cadence::parse("0 9-25 * * *", "UTC").unwrap_err();
        assert!(
            e.contains("25 is out of range for the hour field (0 to 23)"),
            "{e}"
        );
        let e = Cadence::parse("*/0 * * * *", "UTC").unwrap_err();
        assert!(e.contains("a step of 0 in the minute field"), "{e}");
        let e = Cadence::parse("0 0 31 2 *", "UTC").unwrap_err();
        assert!(e.contains("never runs"), "{e}");
        assert!(
            Cadence::parse("0 0 29 2 *", "UTC").is_ok(),
            "leap days come"
        );
        let e = Cadence::parse("daily", "Mars/Olympus").unwrap_err();
        assert!(e.contains("unknown time zone 'Mars/Olympus'"), "{e}");
        let e = Cadence::parse("0 0 * * * *", "UTC").unwrap_err();
        assert!(e.contains("it has 6 field(s)"), "{e}");
    }

    #[test]
    fn jitter_is_stable_bounded_and_spread() {
        assert_eq!(offset_secs("abc", 0), 0);
        assert_eq!(offset_secs("abc", 1800), offset_secs("abc", 1800));
        let offsets: Vec<u32> = (0..1000)
            .map(|i| offset_secs(&format!("s{i:04}"), 1800))
            .collect();
        assert!(offsets.iter().all(|&o| o <= 1800));
        // A thousand daily schedules: no minute of the half hour holds more than a few percent of them.
        let mut per_minute = [0u32; 31];
        for o in &offsets {
            per_minute[(*o / 60) as usize] += 1;
        }
        assert!(per_minute.iter().all(|&n| n < 70), "{per_minute:?}");
    }
}
