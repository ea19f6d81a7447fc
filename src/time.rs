//! Unix-time helpers.
//!
//! Code generation never reads the clock: callers pass the time in, so tests can pin it. The
//! shells read it once with [`unix_now`]; the vault uses it only to name backup files.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::i18n::Lang;

/// Seconds since the Unix epoch now (0 if the clock is set before 1970).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `2026-11-23T13:29:37Z` for a Unix time.
pub fn rfc3339(secs: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

/// The Unix time of an RFC 3339 UTC time such as `2026-11-23T13:29:37Z` (fractions of a second
/// dropped); `None` when it is not one or lies before 1970.
pub fn parse_rfc3339(text: &str) -> Option<u64> {
    humantime::parse_rfc3339(text.trim())
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

/// A time as a person reads it, to the minute, in the computer's time zone:
/// `2026/11/23 22:29` in Japanese, `2026-11-23 22:29` in English (for 13:29 UTC in Tokyo).
pub fn local_minutes(lang: Lang, secs: u64) -> String {
    minutes_at_offset(lang, secs, local_offset_seconds(secs))
}

/// The computer's offset from UTC at a Unix time, in seconds east of Greenwich (from TZ or
/// /etc/localtime on Linux, the system settings on Windows and macOS); 0 when unknown.
pub fn local_offset_seconds(secs: u64) -> i32 {
    use chrono::{Offset as _, TimeZone as _};
    i64::try_from(secs)
        .ok()
        .and_then(|secs| chrono::Local.timestamp_opt(secs, 0).single())
        .map(|time| time.offset().fix().local_minus_utc())
        .unwrap_or(0)
}

/// [`local_minutes`] at a given offset from UTC (seconds east).
pub fn minutes_at_offset(lang: Lang, secs: u64, offset_seconds: i32) -> String {
    let pattern = match lang {
        Lang::En => "%Y-%m-%d %H:%M",
        Lang::Ja => "%Y/%m/%d %H:%M",
    };
    let offset =
        chrono::FixedOffset::east_opt(offset_seconds).or_else(|| chrono::FixedOffset::east_opt(0));
    let utc = i64::try_from(secs)
        .ok()
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0));
    match (utc, offset) {
        (Some(utc), Some(offset)) => utc.with_timezone(&offset).format(pattern).to_string(),
        _ => rfc3339(secs),
    }
}

/// `20261123T132937Z` (ISO 8601 basic format, safe in file names on every OS).
pub fn compact_utc(secs: u64) -> String {
    rfc3339(secs)
        .chars()
        .filter(|c| *c != '-' && *c != ':')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(compact_utc(1_700_000_000), "20231114T221320Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(parse_rfc3339("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn times_for_people_are_local_to_the_minute() {
        // 2023-11-14T22:13:20Z is 07:13 the next morning in Tokyo (UTC+9).
        let tokyo = 9 * 3600;
        assert_eq!(
            minutes_at_offset(Lang::Ja, 1_700_000_000, tokyo),
            "2023/11/15 07:13"
        );
        assert_eq!(
            minutes_at_offset(Lang::En, 1_700_000_000, tokyo),
            "2023-11-15 07:13"
        );
        // West of Greenwich, and a half-hour zone.
        assert_eq!(
            minutes_at_offset(Lang::En, 1_700_000_000, -5 * 3600),
            "2023-11-14 17:13"
        );
        assert_eq!(
            minutes_at_offset(Lang::Ja, 1_700_000_000, 5 * 3600 + 1800),
            "2023/11/15 03:43"
        );
        // An offset no zone has falls back to UTC rather than failing.
        assert_eq!(
            minutes_at_offset(Lang::En, 1_700_000_000, 100_000),
            "2023-11-14 22:13"
        );
    }
}
