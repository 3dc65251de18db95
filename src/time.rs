//! Timestamps as stored and shown: RFC 3339 in UTC with milliseconds, which sort as text.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Now, formatted.
pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

/// Formats a time as `2026-11-21T13:40:00.123Z`.
pub fn format(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Parses a stored timestamp.
pub fn parse(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// The date part (`2026-11-21`) of a stored timestamp.
pub fn date(s: &str) -> &str {
    s.get(..10).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trips_and_sorts_as_text() {
        let t = time::macros::datetime!(2026-11-21 13:40:05.007 UTC);
        let s = super::format(t);
        assert_eq!(s, "2026-11-21T13:40:05.007Z");
        assert_eq!(super::parse(&s), Some(t));
        assert!(super::format(t + time::Duration::milliseconds(1)) > s);
        assert_eq!(super::date(&s), "2026-11-21");
    }
}
