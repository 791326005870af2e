//! The one clock: every timestamp the app writes or compares is a fixed-width RFC 3339 UTC
//! string with milliseconds (Okta's format), so timestamps also sort as strings.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The time now.
pub fn now() -> String {
    format(OffsetDateTime::now_utc())
}

/// `t` in the app's fixed-width form: always three fractional digits, always `Z`.
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

/// Reads an RFC 3339 timestamp (any offset, with or without fractions).
pub fn parse(stamp: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(stamp, &Rfc3339).ok()
}

/// `stamp` moved back by `minutes`, in the app's form; `None` when `stamp` is unreadable.
pub fn minutes_before(stamp: &str, minutes: i64) -> Option<String> {
    parse(stamp).map(|t| format(t - time::Duration::minutes(minutes)))
}

/// Seconds since the Unix epoch.
pub fn epoch_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_a_fixed_width_and_sort_as_strings() {
        let t = time::macros::datetime!(2026-01-02 03:04:05.120 UTC);
        assert_eq!(format(t), "2026-01-02T03:04:05.120Z");
        let t = time::macros::datetime!(2026-01-02 03:04:05 UTC);
        assert_eq!(format(t), "2026-01-02T03:04:05.000Z");
        assert_eq!(
            minutes_before("2026-01-02T03:04:05Z", 5).as_deref(),
            Some("2026-01-02T02:59:05.000Z")
        );
        assert_eq!(minutes_before("yesterday", 5), None);
    }
}
