//! The window's preferences, kept as JSON in the config folder (`settings.json`), written
//! atomically. A missing or unreadable file gives the defaults; unknown fields are ignored, so
//! an older Mamori reads a newer file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use mamori::clock_check::ClockSettings;
use mamori::i18n::Lang;

/// Light, dark, or whatever the system uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow the system.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// How the account list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// The user's own order (drag to reorder), as saved in the vault.
    #[default]
    Manual,
    /// By issuer, then account name.
    Issuer,
    /// By account name, then issuer.
    Name,
}

/// Every preference the window offers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `en` or `ja`; absent: from the OS locale.
    pub language: Option<String>,
    /// Colour theme.
    pub theme: Theme,
    /// Lock a password vault after this many idle minutes (0: never).
    pub auto_lock_minutes: u32,
    /// Clear a copied code from the clipboard after this many seconds (0: never).
    pub clipboard_clear_seconds: u32,
    /// Show codes as `••• •••` until the row is clicked (for screen sharing).
    pub hide_codes: bool,
    /// Start with the window minimized.
    pub start_minimized: bool,
    /// Keep the window out of screenshots, recordings and screen sharing where the system can
    /// (Windows, macOS; see [`super::capture_protection`]).
    pub capture_protection: bool,
    /// Order of the account list.
    pub sort: SortOrder,
    /// Copy the vault into this folder after every change (automatic backups), if set.
    pub backup_folder: Option<PathBuf>,
    /// How many automatic backups to keep there.
    pub backup_keep: u32,
    /// The clock check: on or off, time servers, codes with the measured offset applied.
    /// Flattened, so `mamori doctor` reads the same keys of the same file.
    #[serde(flatten)]
    pub clock: ClockSettings,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            language: None,
            theme: Theme::System,
            auto_lock_minutes: 5,
            clipboard_clear_seconds: 30,
            hide_codes: false,
            start_minimized: false,
            capture_protection: true,
            sort: SortOrder::Manual,
            backup_folder: None,
            backup_keep: 10,
            clock: ClockSettings::default(),
        }
    }
}

/// Bounds the settings dialog enforces (`docs/vault.md` §8-9).
pub const AUTO_LOCK_RANGE: std::ops::RangeInclusive<u32> = 1..=60;
/// Clipboard clearing delay bounds, in seconds.
pub const CLIPBOARD_CLEAR_RANGE: std::ops::RangeInclusive<u32> = 10..=300;

impl Settings {
    /// The language to show: the chosen one, else the OS locale's.
    pub fn lang(&self) -> Lang {
        self.language
            .as_deref()
            .and_then(Lang::from_code)
            .unwrap_or_else(Lang::from_env)
    }

    /// Reads `path`; the defaults when it is missing or unreadable.
    pub fn load(path: &Path) -> Settings {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Writes `path` atomically with mode 0600 ([`mamori::fsio::write_private`]).
    pub fn save(&self, path: &Path) -> Result<(), mamori::fsio::IoFailure> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| {
            mamori::fsio::IoFailure::new(
                mamori::fsio::IoAction::Write,
                path,
                std::io::Error::other(e),
            )
        })?;
        if let Some(dir) = path.parent() {
            mamori::fsio::create_private_dir(dir)?;
        }
        mamori::fsio::write_private(path, ".settings.json.tmp", &json)
    }
}

/// `settings.json` in the config folder.
pub fn default_path() -> Option<PathBuf> {
    mamori::paths::settings_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_round_trip_and_bad_files_give_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/settings.json");
        assert_eq!(Settings::load(&path), Settings::default());
        let settings = Settings {
            language: Some("ja".into()),
            theme: Theme::Dark,
            auto_lock_minutes: 12,
            clipboard_clear_seconds: 0,
            hide_codes: true,
            start_minimized: true,
            capture_protection: false,
            sort: SortOrder::Issuer,
            backup_folder: Some(dir.path().join("backups")),
            backup_keep: 3,
            clock: ClockSettings {
                clock_check: true,
                time_servers: vec!["ntp.example.local".into(), "10.0.0.1:1123".into()],
                apply_offset: true,
            },
        };
        settings.save(&path).unwrap();
        assert_eq!(Settings::load(&path), settings);
        // The command line reads the clock keys from the same file.
        assert_eq!(ClockSettings::load(&path), settings.clock);
        assert_eq!(Settings::load(&path).lang(), Lang::Ja);
        std::fs::write(&path, b"{not json").unwrap();
        assert_eq!(Settings::load(&path), Settings::default());
        std::fs::write(&path, br#"{"theme":"light","future_field":1}"#).unwrap();
        assert_eq!(Settings::load(&path).theme, Theme::Light);
    }
}
