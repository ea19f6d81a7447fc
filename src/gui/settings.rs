//! The window's side of `settings.json`: the schema itself is the library's
//! ([`mamori::settings`], read the same way by `mamori doctor`); here are the bounds the
//! settings dialog enforces on top of it.

pub use mamori::settings::{Settings, SortOrder, Theme};

/// Auto-lock delay bounds the settings dialog offers, in minutes (`docs/vault.md` §8-9).
pub const AUTO_LOCK_RANGE: std::ops::RangeInclusive<u32> = 1..=60;
/// Clipboard clearing delay bounds, in seconds.
pub const CLIPBOARD_CLEAR_RANGE: std::ops::RangeInclusive<u32> = 10..=300;
