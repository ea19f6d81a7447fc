//! How far off a clock is, in words ("43 s slow", "2 min 6 s fast", "365 days 0 h slow"),
//! in English or Japanese. Every message about an offset, in the window, the command line and
//! the errors of this module, words it here, so the same offset always reads the same.

use crate::i18n::{Lang, Localize, tr};

/// How far off a clock is, in words: "43 s slow", "2 min 6 s fast", "on time" (see
/// [`describe`]). `Display` gives English; [`Localize`] either language.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drift {
    /// True time − local time, in seconds.
    pub offset_seconds: f64,
}

/// Words for an offset (true time − local time, seconds), for messages: below 10 s with one
/// decimal ("0.2 s fast"), then whole seconds ("43 s slow"), minutes ("2 min 6 s fast"), hours
/// ("3 h 5 min slow") and, from two days, days ("365 days 0 h slow"). Under 0.05 s it is "on
/// time".
pub fn describe(offset_seconds: f64) -> Drift {
    Drift { offset_seconds }
}

impl Drift {
    fn amount(&self, lang: Lang) -> String {
        let abs = self.offset_seconds.abs();
        if abs < 9.95 {
            tr(lang, "clock-amount-seconds", &[("s", &format!("{abs:.1}"))])
        } else if abs < 59.5 {
            tr(
                lang,
                "clock-amount-seconds",
                &[("s", &(abs.round() as u64))],
            )
        } else if abs < 3599.5 {
            let total = abs.round() as u64;
            tr(
                lang,
                "clock-amount-minutes",
                &[("m", &(total / 60)), ("s", &(total % 60))],
            )
        } else if abs < 47.5 * 3600.0 {
            let minutes = (abs / 60.0).round() as u64;
            tr(
                lang,
                "clock-amount-hours",
                &[("h", &(minutes / 60)), ("m", &(minutes % 60))],
            )
        } else {
            // Saturates for absurd offsets rather than overflowing.
            let hours = (abs / 3600.0).round().min(u64::MAX as f64) as u64;
            tr(
                lang,
                "clock-amount-days",
                &[("d", &(hours / 24)), ("h", &(hours % 24))],
            )
        }
    }
}

impl Localize for Drift {
    fn localize(&self, lang: Lang) -> String {
        let offset = self.offset_seconds;
        if !offset.is_finite() || offset.abs() < 0.05 {
            return tr(lang, "clock-on-time", &[]);
        }
        let amount = self.amount(lang);
        let key = if offset > 0.0 {
            "clock-slow"
        } else {
            "clock-fast"
        };
        tr(lang, key, &[("amount", &amount)])
    }
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_described_in_words() {
        let en = |s: f64| describe(s).to_string();
        assert_eq!(en(43.2), "43 s slow");
        assert_eq!(en(-125.5), "2 min 6 s fast");
        assert_eq!(en(0.2), "0.2 s slow");
        assert_eq!(en(-9.5), "9.5 s fast");
        assert_eq!(en(0.01), "on time");
        assert_eq!(en(120.0), "2 min 0 s slow");
        assert_eq!(en(-3.0 * 3600.0 - 5.0 * 60.0), "3 h 5 min fast");
        assert_eq!(en(47.0 * 3600.0), "47 h 0 min slow");
        assert_eq!(en(365.0 * 86400.0), "365 days 0 h slow");
        assert_eq!(en(-(2.0 * 86400.0 + 5.0 * 3600.0)), "2 days 5 h fast");
        assert_eq!(en(f64::NAN), "on time");
        assert_eq!(en(f64::INFINITY), "on time");
        assert_eq!(en(1e300), format!("{} days 15 h slow", u64::MAX / 24));
        let ja = describe(43.2).localize(Lang::Ja);
        assert!(ja.contains("43") && ja != en(43.2), "{ja}");
        assert_ne!(describe(-125.5).localize(Lang::Ja), en(-125.5));
        assert_eq!(
            describe(365.0 * 86400.0).localize(Lang::Ja),
            "365 日 0 時間遅れ"
        );
    }
}
