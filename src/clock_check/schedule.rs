//! When to check the clock again. A measured offset goes stale: the system may correct its
//! clock, the user may change it, and a laptop that slept for a night comes back with
//! whatever its clock did meanwhile. So a long-running program checks again every hour, and at
//! once when the wall clock has moved against a monotonic clock (it was set, or the machine
//! slept). A pure decision over two numbers, so it is tested without waiting an hour.

/// How often a running program checks again (seconds): once an hour.
pub const RECHECK_INTERVAL_SECONDS: f64 = 3600.0;

/// A wall clock that moved this much more (or less) than the monotonic clock since the last
/// check has jumped (seconds). Large enough for the slewing NTP daemons do, small enough to
/// notice any change that matters for 30-second codes.
pub const JUMP_SECONDS: f64 = 5.0;

/// Why a check is due again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recheck {
    /// An hour has passed since the last check.
    Hourly,
    /// The wall clock jumped against the monotonic clock (set by hand or by the system, or a
    /// resume from sleep): the last measurement no longer holds.
    ClockJumped,
}

/// Remembers when the clock was last checked, on both clocks, and says when to check again.
///
/// ```
/// use mamori::clock_check::{Recheck, RecheckSchedule};
/// let mut schedule = RecheckSchedule::default();
/// schedule.checked(1_700_000_000.0, 10.0);
/// assert_eq!(schedule.due(1_700_000_060.0, 70.0), None);
/// assert_eq!(schedule.due(1_700_003_600.0, 3610.0), Some(Recheck::Hourly));
/// // Asleep for a night: the wall clock moved 8 h, the monotonic one a minute.
/// assert_eq!(schedule.due(1_700_028_860.0, 70.0), Some(Recheck::ClockJumped));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RecheckSchedule {
    /// Wall time (Unix seconds) and monotonic time (seconds) of the last check started.
    last: Option<(f64, f64)>,
}

impl RecheckSchedule {
    /// Records that a check started now (`now_wall`: Unix seconds from the system clock;
    /// `now_monotonic`: seconds from any steady clock, such as `Instant`).
    pub fn checked(&mut self, now_wall: f64, now_monotonic: f64) {
        self.last = Some((now_wall, now_monotonic));
    }

    /// Whether to check again now, and why. Never before the first [`checked`](Self::checked)
    /// (the program starts its first check itself).
    pub fn due(&self, now_wall: f64, now_monotonic: f64) -> Option<Recheck> {
        let (wall, monotonic) = self.last?;
        let elapsed = now_monotonic - monotonic;
        let moved = now_wall - wall;
        if (moved - elapsed).abs() > JUMP_SECONDS {
            Some(Recheck::ClockJumped)
        } else if elapsed >= RECHECK_INTERVAL_SECONDS {
            Some(Recheck::Hourly)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WALL: f64 = 1_700_000_000.0;

    fn after_check() -> RecheckSchedule {
        let mut schedule = RecheckSchedule::default();
        schedule.checked(WALL, 100.0);
        schedule
    }

    #[test]
    fn nothing_is_due_before_the_first_check() {
        let schedule = RecheckSchedule::default();
        assert_eq!(schedule.due(WALL, 0.0), None);
        assert_eq!(schedule.due(WALL + 1e6, 1e6), None);
    }

    #[test]
    fn a_check_is_due_every_hour() {
        let schedule = after_check();
        assert_eq!(schedule.due(WALL + 1.0, 101.0), None);
        assert_eq!(schedule.due(WALL + 3599.0, 3699.0), None);
        assert_eq!(schedule.due(WALL + 3600.0, 3700.0), Some(Recheck::Hourly));
        // The monotonic clock decides "an hour", not the wall clock: a wall clock that crept
        // 4 s ahead (NTP slewing) is no jump, and not yet an hour.
        assert_eq!(schedule.due(WALL + 3603.0, 3699.0), None);
        let mut schedule = schedule;
        schedule.checked(WALL + 3600.0, 3700.0);
        assert_eq!(schedule.due(WALL + 3601.0, 3701.0), None);
    }

    #[test]
    fn a_jump_of_the_wall_clock_is_due_at_once() {
        let schedule = after_check();
        // Set forward or back by a minute.
        assert_eq!(schedule.due(WALL + 70.0, 110.0), Some(Recheck::ClockJumped));
        assert_eq!(schedule.due(WALL - 50.0, 110.0), Some(Recheck::ClockJumped));
        // Resumed after eight hours asleep (a monotonic clock that stops in sleep).
        assert_eq!(
            schedule.due(WALL + 8.0 * 3600.0, 160.0),
            Some(Recheck::ClockJumped)
        );
        // A few seconds of difference is not a jump.
        assert_eq!(schedule.due(WALL + 14.0, 110.0), None);
        assert_eq!(schedule.due(WALL + 6.0, 110.0), None);
        assert_eq!(schedule.due(WALL + 16.0, 110.0), Some(Recheck::ClockJumped));
    }

    #[test]
    fn nonsense_times_are_never_due() {
        let schedule = after_check();
        assert_eq!(schedule.due(f64::NAN, 200.0), None);
        assert_eq!(schedule.due(WALL, f64::NAN), None);
    }
}
