//! Which measured offset may be used, and when it may be applied to codes. SNTP answers are
//! unauthenticated: one broken, misconfigured or spoofed server could move every code by a
//! year. So an offset counts only when two servers agree on it, and a large one is applied
//! only after the user says yes. Both rules are pure functions here, used by the window and
//! the command line alike.
//!
//! - [`agree`]: an offset is used only when at least two servers agree within
//!   [`AGREEMENT_SECONDS`], or when the user configured exactly one server (then that one).
//!   Answers that disagree are [`ClockError::Disagree`], one answer among several servers is
//!   [`ClockError::Unconfirmed`]; neither is ever used.
//! - [`correction`]: an offset beyond ±[`MAX_UNASKED_OFFSET_SECONDS`] (10 minutes) is never
//!   applied without the user's confirmation; it comes back as
//!   [`Correction::NeedsConfirmation`].

use super::{ClockError, ClockReading, ServerReading};

/// Two servers agree when their offsets differ by at most this (seconds). Codes are accepted
/// within about 30 s, so a second of disagreement is noise, not a different time.
pub const AGREEMENT_SECONDS: f64 = 1.0;

/// Offsets beyond this (either way, seconds) are applied to codes only once the user has
/// confirmed them: 10 minutes.
pub const MAX_UNASKED_OFFSET_SECONDS: f64 = 600.0;

/// What codes are generated with, given the measurement, the `apply_offset` setting and what
/// the user confirmed (see [`correction`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Correction {
    /// Codes follow the system clock: the setting is off, or nothing usable was measured.
    None,
    /// Codes are generated this many seconds ahead of the system clock (true − local).
    Applied(f64),
    /// The setting is on, but the measured offset (seconds) is beyond ±10 minutes and the user
    /// has not confirmed it: codes follow the system clock until they do.
    NeedsConfirmation(f64),
}

impl Correction {
    /// The seconds to add to the system clock's time (0 unless [`Correction::Applied`]).
    pub fn seconds(self) -> f64 {
        match self {
            Correction::Applied(seconds) => seconds,
            Correction::None | Correction::NeedsConfirmation(_) => 0.0,
        }
    }
}

/// The rule for applying a measured offset to codes. With `apply_offset` off, or no reading
/// (no answer, servers that disagree), nothing is applied. An offset within ±10 minutes is
/// applied; a larger one only when `confirmed` (an offset the user said yes to) is within
/// [`AGREEMENT_SECONDS`] of it: a confirmation stays good while later checks find the same
/// offset, and a different one is asked about again. The command line, which cannot ask,
/// passes `None`.
pub fn correction(
    apply_offset: bool,
    reading: Option<&ClockReading>,
    confirmed: Option<f64>,
) -> Correction {
    let Some(reading) = reading.filter(|_| apply_offset) else {
        return Correction::None;
    };
    let offset = reading.offset_seconds;
    if !offset.is_finite() {
        return Correction::None;
    }
    let confirmed = confirmed.is_some_and(|c| (c - offset).abs() <= AGREEMENT_SECONDS);
    if reading.needs_confirmation() && !confirmed {
        Correction::NeedsConfirmation(offset)
    } else {
        Correction::Applied(offset)
    }
}

/// The largest set of answers whose offsets all lie within [`AGREEMENT_SECONDS`] of each
/// other (indices into `answers`); of equally large sets, the tightest. Answers with a
/// non-finite offset agree with nothing.
fn largest_group(answers: &[ServerReading]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..answers.len())
        .filter(|&i| answers[i].offset_seconds.is_finite())
        .collect();
    order.sort_by(|&a, &b| {
        answers[a]
            .offset_seconds
            .total_cmp(&answers[b].offset_seconds)
    });
    let offset = |k: usize| answers[order[k]].offset_seconds;
    let mut best: (usize, usize) = (0, 0);
    let mut best_spread = f64::INFINITY;
    for start in 0..order.len() {
        let mut end = start + 1;
        while end < order.len() && offset(end) - offset(start) <= AGREEMENT_SECONDS {
            end += 1;
        }
        let spread = offset(end - 1) - offset(start);
        let size = end - start;
        if size > best.1 - best.0 || (size == best.1 - best.0 && spread < best_spread) {
            best = (start, end);
            best_spread = spread;
        }
    }
    order[best.0..best.1].to_vec()
}

/// True once `answers` are enough to decide: an answer from the one configured server, or two
/// that agree. The check stops waiting for the others then.
pub(super) fn settled(answers: &[ServerReading], configured: usize) -> bool {
    if configured <= 1 {
        !answers.is_empty()
    } else {
        largest_group(answers).len() >= 2
    }
}

/// The policy: the reading to use from the servers' `answers` (at least one) when `configured`
/// servers were asked. Of the agreeing answers, the one with the shortest round trip (the most
/// precise) gives the offset; all of them are kept in [`ClockReading::agreeing`].
pub(super) fn agree(
    answers: Vec<ServerReading>,
    configured: usize,
) -> Result<ClockReading, ClockError> {
    let group = if configured <= 1 {
        (0..answers.len().min(1)).collect()
    } else {
        largest_group(&answers)
    };
    if group.is_empty() || (configured > 1 && group.len() < 2) {
        return Err(match <[ServerReading; 1]>::try_from(answers) {
            Ok([reading]) => ClockError::Unconfirmed {
                reading,
                asked: configured,
            },
            Err(readings) if readings.is_empty() => ClockError::NoAnswer { tried: Vec::new() },
            Err(readings) => ClockError::Disagree { readings },
        });
    }
    let mut agreeing: Vec<ServerReading> = group.iter().map(|&i| answers[i].clone()).collect();
    agreeing.sort_by(|a, b| a.round_trip_seconds.total_cmp(&b.round_trip_seconds));
    let best = &agreeing[0];
    Ok(ClockReading {
        offset_seconds: best.offset_seconds,
        round_trip_seconds: best.round_trip_seconds,
        server: best.server.clone(),
        agreeing,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn answer(server: &str, offset: f64, round_trip: f64) -> ServerReading {
        ServerReading {
            server: server.into(),
            offset_seconds: offset,
            round_trip_seconds: round_trip,
        }
    }

    const YEAR: f64 = 365.0 * 86400.0;

    #[test]
    fn two_servers_that_agree_give_the_offset() {
        let answers = vec![answer("a", 5.0, 0.040), answer("b", 5.6, 0.010)];
        assert!(settled(&answers, 3));
        let reading = agree(answers, 3).unwrap();
        // The shorter round trip is the more precise measurement.
        assert_eq!(reading.server, "b");
        assert_eq!(reading.offset_seconds, 5.6);
        assert_eq!(reading.round_trip_seconds, 0.010);
        let servers: Vec<&str> = reading.agreeing.iter().map(|a| a.server.as_str()).collect();
        assert_eq!(servers, ["b", "a"]);
    }

    #[test]
    fn two_servers_that_disagree_give_nothing() {
        let answers = vec![answer("a", YEAR, 0.001), answer("b", 0.0, 0.001)];
        assert!(!settled(&answers, 2));
        assert_eq!(
            agree(answers.clone(), 2),
            Err(ClockError::Disagree { readings: answers })
        );
        // Just over a second apart is a disagreement too.
        let answers = vec![answer("a", 10.0, 0.0), answer("b", 11.01, 0.0)];
        assert!(matches!(
            agree(answers, 2),
            Err(ClockError::Disagree { .. })
        ));
    }

    #[test]
    fn the_one_configured_server_is_believed() {
        let answers = vec![answer("only", YEAR, 0.002)];
        assert!(settled(&answers, 1));
        let reading = agree(answers, 1).unwrap();
        assert_eq!(reading.offset_seconds, YEAR);
        assert_eq!(reading.server, "only");
        assert_eq!(reading.agreeing.len(), 1);
        assert!(!settled(&[], 1));
    }

    #[test]
    fn one_answer_of_three_is_not_enough() {
        let answers = vec![answer("b", 43.0, 0.02)];
        assert!(!settled(&answers, 3));
        assert_eq!(
            agree(answers, 3),
            Err(ClockError::Unconfirmed {
                reading: answer("b", 43.0, 0.02),
                asked: 3
            })
        );
    }

    #[test]
    fn the_majority_wins_over_an_outlier() {
        // Two agree and a third is a year off: the two are used, in any order of arrival.
        let answers = vec![
            answer("liar", YEAR, 0.001),
            answer("a", 0.2, 0.03),
            answer("b", -0.3, 0.02),
        ];
        assert!(settled(&answers, 3));
        let reading = agree(answers, 3).unwrap();
        assert_eq!(reading.server, "b");
        assert_eq!(reading.agreeing.len(), 2);
        assert!(reading.agreeing.iter().all(|a| a.server != "liar"));

        // Two groups of two: the larger group wins; of equal groups, the tighter one.
        let answers = vec![
            answer("a", 0.0, 0.01),
            answer("b", 0.9, 0.01),
            answer("c", 100.0, 0.01),
            answer("d", 100.1, 0.01),
            answer("e", 100.5, 0.01),
        ];
        let reading = agree(answers, 5).unwrap();
        assert!(reading.offset_seconds >= 100.0, "{reading:?}");
        assert_eq!(reading.agreeing.len(), 3);
        let answers = vec![
            answer("a", 0.0, 0.01),
            answer("b", 0.9, 0.01),
            answer("c", 100.0, 0.01),
            answer("d", 100.1, 0.02),
        ];
        let reading = agree(answers, 4).unwrap();
        assert_eq!(reading.server, "c");
        // A chain (0, 0.8, 1.6) is not one group: each end agrees with the middle only.
        let answers = vec![
            answer("a", 0.0, 0.03),
            answer("b", 0.8, 0.02),
            answer("c", 1.6, 0.01),
        ];
        assert_eq!(agree(answers, 3).unwrap().agreeing.len(), 2);
    }

    #[test]
    fn non_finite_offsets_agree_with_nothing() {
        let answers = vec![answer("a", f64::NAN, 0.0), answer("b", f64::NAN, 0.0)];
        assert!(!settled(&answers, 2));
        assert!(matches!(
            agree(answers, 2),
            Err(ClockError::Disagree { .. })
        ));
    }

    fn reading(offset: f64) -> ClockReading {
        ClockReading::single("t", offset, 0.01)
    }

    #[test]
    fn small_offsets_are_applied_when_the_setting_is_on() {
        assert_eq!(
            correction(false, Some(&reading(43.0)), None),
            Correction::None
        );
        assert_eq!(correction(true, None, None), Correction::None);
        assert_eq!(
            correction(true, Some(&reading(43.0)), None),
            Correction::Applied(43.0)
        );
        assert_eq!(
            correction(true, Some(&reading(-600.0)), None),
            Correction::Applied(-600.0)
        );
        assert_eq!(Correction::Applied(-3.5).seconds(), -3.5);
        assert_eq!(Correction::NeedsConfirmation(YEAR).seconds(), 0.0);
        assert_eq!(Correction::None.seconds(), 0.0);
    }

    #[test]
    fn offsets_beyond_ten_minutes_wait_for_confirmation() {
        assert_eq!(
            correction(true, Some(&reading(600.5)), None),
            Correction::NeedsConfirmation(600.5)
        );
        assert_eq!(
            correction(true, Some(&reading(-YEAR)), None),
            Correction::NeedsConfirmation(-YEAR)
        );
        // Confirmed: applied, and still applied when a later check finds nearly the same.
        assert_eq!(
            correction(true, Some(&reading(YEAR)), Some(YEAR)),
            Correction::Applied(YEAR)
        );
        assert_eq!(
            correction(true, Some(&reading(YEAR + 0.4)), Some(YEAR)),
            Correction::Applied(YEAR + 0.4)
        );
        // A different offset is asked about again.
        assert_eq!(
            correction(true, Some(&reading(YEAR + 60.0)), Some(YEAR)),
            Correction::NeedsConfirmation(YEAR + 60.0)
        );
        // The setting off wins over a confirmation.
        assert_eq!(
            correction(false, Some(&reading(YEAR)), Some(YEAR)),
            Correction::None
        );
        assert_eq!(
            correction(true, Some(&reading(f64::INFINITY)), Some(f64::INFINITY)),
            Correction::None
        );
    }
}
