//! `settings.json`, Mamori's preferences: one schema, here in the library, so that the window
//! (which shows and saves them), `mamori doctor` and `mamori code` (which read the clock keys)
//! read the same keys of the same file the same way ([`Settings::load`]).
//!
//! Reading is lenient **per key**: a missing file gives the defaults; a key whose value does not
//! fit (`"theme": "purple"`, `"auto_lock_minutes": "x"`) keeps its default alone, the other keys
//! keep their values, and [`Settings::load_reporting`] names the keys it ignored so `doctor` can
//! say so. Unknown keys are skipped silently, so an older Mamori reads a newer file.
//!
//! A file that cannot be read at all (not JSON after a hand edit, not an object, too large,
//! no permission) also gives the defaults, and [`Settings::load_reporting`] says why
//! ([`Unreadable`]) so every shell can tell the user. A text that is not settings is the user's
//! own, so saving never overwrites it: [`Settings::save`] first renames it to
//! `settings.json.unreadable`.
//! Saving goes through [`crate::fsio::write_private`] (atomic, mode 0600).
//!
//! The file lives in the settings folder ([`crate::paths::settings_file`]).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::clock_check::ClockSettings;
use crate::fsio::{IoAction, IoFailure};
use crate::i18n::{Lang, Localize, tr};

/// The largest `settings.json` read; a larger file gives the defaults.
pub const MAX_SETTINGS_FILE: u64 = 1024 * 1024;

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

/// How the window orders the account list.
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

/// The quick pick's global shortcut until the user picks another.
pub const DEFAULT_QUICK_PICK_HOTKEY: &str = "Ctrl+Alt+M";

/// Every key of `settings.json`.
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
    /// (Windows, macOS).
    pub capture_protection: bool,
    /// Order of the account list.
    pub sort: SortOrder,
    /// Copy the vault into this folder after every change (automatic backups,
    /// [`crate::vault::backups::copy_to_folder`]), if set.
    pub backup_folder: Option<PathBuf>,
    /// How many automatic backups to keep there.
    pub backup_keep: u32,
    /// Remind after this many days without an export (0: never); absent: 30 days, or never
    /// when automatic backups are on ([`crate::health::reminder_days`]).
    pub backup_reminder_days: Option<u32>,
    /// The global shortcut that shows the quick pick (`Ctrl+Alt+M`; empty: none). Modifiers
    /// first, then one key: `Ctrl`, `Alt`, `Shift`, `Super`, then a letter, digit or `F1`–`F24`.
    pub quick_pick_hotkey: String,
    /// With a tray icon, closing the window hides it there instead of quitting.
    pub close_to_tray: bool,
    /// The notice saying where the window went on the first close to the tray was shown.
    pub tray_notice_shown: bool,
    /// The clock check: on or off, time servers, codes with the measured offset applied.
    /// Flattened: its keys sit at the top level of the file.
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
            backup_reminder_days: None,
            quick_pick_hotkey: DEFAULT_QUICK_PICK_HOTKEY.to_string(),
            close_to_tray: true,
            tray_notice_shown: false,
            clock: ClockSettings::default(),
        }
    }
}

/// What [`Settings::load_reporting`] read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    /// The settings: the file's values, and the defaults for keys absent or ignored.
    pub settings: Settings,
    /// Keys whose value did not fit (a wrong type or an unknown name), sorted; each kept its
    /// default.
    pub ignored_keys: Vec<String>,
    /// Why the file could not be read at all (every key has its default); `None` when it was
    /// read or is not there.
    pub unreadable: Option<Unreadable>,
}

impl Loaded {
    fn unreadable(why: Unreadable) -> Loaded {
        Loaded {
            unreadable: Some(why),
            ..Loaded::default()
        }
    }
}

/// Why a `settings.json` that is there could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Not JSON (a hand edit gone wrong): where the parser stopped, counted from 1.
    NotJson {
        /// The line.
        line: usize,
        /// The column.
        column: usize,
    },
    /// JSON, but not an object of settings (`[1, 2]`, `null`).
    NotAnObject,
    /// Larger than [`MAX_SETTINGS_FILE`].
    TooLarge,
    /// The system would not let it be read (no permission, a folder in its place).
    Io {
        /// The kind of error.
        kind: std::io::ErrorKind,
        /// The system's words.
        text: String,
    },
}

impl Unreadable {
    /// The file's text is what is wrong (not the system refusing to read it): the text
    /// [`Settings::save`] keeps aside rather than overwrites.
    pub fn is_content(&self) -> bool {
        !matches!(self, Unreadable::Io { .. })
    }
}

impl Localize for Unreadable {
    /// Why, as a phrase to go inside [`UnreadableFile`]'s sentence.
    fn localize(&self, lang: Lang) -> String {
        match self {
            Unreadable::NotJson { line, column } => tr(
                lang,
                "settings-why-not-json",
                &[("line", line), ("column", column)],
            ),
            Unreadable::NotAnObject => tr(lang, "settings-why-not-an-object", &[]),
            Unreadable::TooLarge => tr(lang, "settings-why-too-large", &[]),
            Unreadable::Io { kind, text } => crate::i18n::os_error_text(lang, *kind, text),
        }
    }
}

/// A `settings.json` that could not be read, and why: "Settings: PATH could not be read (WHY),
/// so the default settings are in use. Correct the file, or delete it …", as every shell says it.
pub struct UnreadableFile<'a> {
    /// The file.
    pub path: &'a Path,
    /// Why it could not be read.
    pub why: &'a Unreadable,
}

impl Localize for UnreadableFile<'_> {
    fn localize(&self, lang: Lang) -> String {
        tr(
            lang,
            "settings-unreadable",
            &[
                ("path", &self.path.display()),
                ("why", &self.why.localize(lang)),
            ],
        )
    }
}

/// Where [`Settings::save`] keeps a `settings.json` it could not read: `settings.json.unreadable`
/// beside it.
pub fn kept_unreadable_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".unreadable");
    path.with_file_name(name)
}

impl Settings {
    /// The language to show: the chosen one, else the OS locale's.
    pub fn lang(&self) -> Lang {
        self.language
            .as_deref()
            .and_then(Lang::from_code)
            .unwrap_or_else(Lang::from_env)
    }

    /// Reads `path`, key by key: the defaults when it is missing, unreadable or not a JSON
    /// object; a key whose value does not fit keeps its default.
    pub fn load(path: &Path) -> Settings {
        Settings::load_reporting(path).settings
    }

    /// [`Settings::load`], also naming the keys it ignored, or why the file could not be read.
    pub fn load_reporting(path: &Path) -> Loaded {
        match read_text(path) {
            Ok(Some(bytes)) => Settings::from_json(&bytes),
            Ok(None) => Loaded::default(),
            Err(why) => Loaded::unreadable(why),
        }
    }

    /// Reads the text of a settings file, key by key (see [`Settings::load`]).
    pub fn from_json(bytes: &[u8]) -> Loaded {
        let file = match json_object(bytes) {
            Ok(file) => file,
            Err(why) => return Loaded::unreadable(why),
        };
        let Ok(Value::Object(mut merged)) = serde_json::to_value(Settings::default()) else {
            return Loaded::default();
        };
        let known: Vec<String> = merged.keys().cloned().collect();
        let mut ignored_keys = Vec::new();
        // Each key is tried on its own against the defaults and the keys already accepted, so
        // one value that does not fit costs only its own key.
        for (key, value) in file {
            if !known.contains(&key) {
                continue;
            }
            let mut trial: Map<String, Value> = merged.clone();
            trial.insert(key.clone(), value);
            if serde_json::from_value::<Settings>(Value::Object(trial.clone())).is_ok() {
                merged = trial;
            } else {
                ignored_keys.push(key);
            }
        }
        ignored_keys.sort();
        let settings = serde_json::from_value(Value::Object(merged)).unwrap_or_default();
        Loaded {
            settings,
            ignored_keys,
            unreadable: None,
        }
    }

    /// Writes `path` atomically with mode 0600 ([`crate::fsio::write_private`]), creating its
    /// folder (mode 0700) if needed. A file there whose text cannot be read as settings is
    /// first renamed to [`kept_unreadable_path`] (replacing an older one), and that path is
    /// returned; if it cannot be renamed, nothing is written.
    pub fn save(&self, path: &Path) -> Result<Option<PathBuf>, IoFailure> {
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| IoFailure::new(IoAction::Write, path, std::io::Error::other(e)))?;
        if let Some(dir) = path.parent() {
            crate::fsio::create_private_dir(dir)?;
        }
        // Whether the text there is settings at all (not key by key: nothing is kept from it).
        let unreadable = match read_text(path) {
            Ok(Some(bytes)) => json_object(&bytes).err(),
            Ok(None) => None,
            Err(why) => Some(why),
        };
        let kept = match unreadable {
            Some(why) if why.is_content() => {
                let kept = kept_unreadable_path(path);
                std::fs::rename(path, &kept)
                    .map_err(|e| IoFailure::new(IoAction::Replace, &kept, e))?;
                Some(kept)
            }
            _ => None,
        };
        crate::fsio::write_private(path, ".settings.json.tmp", &json)?;
        Ok(kept)
    }
}

/// The text of the settings file at `path`, at most [`MAX_SETTINGS_FILE`] bytes; `None` when
/// there is none.
fn read_text(path: &Path) -> Result<Option<Vec<u8>>, Unreadable> {
    match crate::fsio::read_capped(path, MAX_SETTINGS_FILE) {
        Ok(bytes) if bytes.len() as u64 > MAX_SETTINGS_FILE => Err(Unreadable::TooLarge),
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.source.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Unreadable::Io {
            kind: e.source.kind(),
            text: e.source.to_string(),
        }),
    }
}

/// The JSON object of a settings file's text, or why it is not one.
fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, Unreadable> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(file)) => Ok(file),
        Ok(_) => Err(Unreadable::NotAnObject),
        Err(e) => Err(Unreadable::NotJson {
            line: e.line(),
            column: e.column(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock_check::DEFAULT_TIME_SERVERS;

    fn servers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

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
            backup_reminder_days: Some(14),
            quick_pick_hotkey: "Ctrl+Shift+F9".into(),
            close_to_tray: false,
            tray_notice_shown: true,
            clock: ClockSettings {
                clock_check: false,
                time_servers: servers(&["ntp.example.local", "10.0.0.1:1123"]),
                apply_offset: true,
            },
        };
        assert_eq!(settings.save(&path).unwrap(), None);
        assert_eq!(
            Settings::load_reporting(&path),
            Loaded {
                settings: settings.clone(),
                ignored_keys: Vec::new(),
                unreadable: None,
            }
        );
        assert_eq!(Settings::load(&path).lang(), Lang::Ja);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let not_json = |line, column| Some(Unreadable::NotJson { line, column });
        for (bad, why) in [
            (&b"{not json"[..], not_json(1, 2)),
            (b"\xff{", not_json(1, 1)),
            (b"{\n  \"theme\": \"dark\",\n}\n", not_json(3, 1)),
            (b"[1, 2]", Some(Unreadable::NotAnObject)),
            (b"null", Some(Unreadable::NotAnObject)),
        ] {
            std::fs::write(&path, bad).unwrap();
            let loaded = Settings::load_reporting(&path);
            assert_eq!(loaded.settings, Settings::default());
            assert_eq!(loaded.unreadable, why, "{}", String::from_utf8_lossy(bad));
        }
        // Unknown keys (from a newer Mamori) are skipped without a word.
        std::fs::write(&path, br#"{"theme":"light","future_field":1}"#).unwrap();
        let loaded = Settings::load_reporting(&path);
        assert_eq!(loaded.settings.theme, Theme::Light);
        assert!(loaded.ignored_keys.is_empty());
    }

    #[test]
    fn a_file_that_cannot_be_read_is_named_and_kept_aside_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        // A hand edit with a trailing comma: every key has its default, and the reason says
        // where the text went wrong.
        let hand_edited = b"{\n  \"theme\": \"dark\",\n  \"hide_codes\": true,\n}\n";
        std::fs::write(&path, hand_edited).unwrap();
        let loaded = Settings::load_reporting(&path);
        assert_eq!(loaded.settings, Settings::default());
        let why = loaded.unreadable.unwrap();
        assert_eq!(why, Unreadable::NotJson { line: 4, column: 1 });
        let file = UnreadableFile {
            path: &path,
            why: &why,
        };
        let message = file.localize(Lang::En);
        assert!(message.contains("line 4, column 1"), "{message}");
        assert!(message.contains(&path.display().to_string()), "{message}");
        let japanese = file.localize(Lang::Ja);
        assert!(japanese.contains("4 行 1 桁目"), "{japanese}");
        // Saving keeps the user's text, byte for byte, beside the new file.
        let settings = Settings {
            theme: Theme::Light,
            ..Settings::default()
        };
        let kept = settings
            .save(&path)
            .unwrap()
            .expect("the unreadable file is kept");
        assert_eq!(kept, dir.path().join("settings.json.unreadable"));
        assert_eq!(std::fs::read(&kept).unwrap(), hand_edited);
        assert_eq!(Settings::load_reporting(&path).settings, settings);
        assert_eq!(Settings::load_reporting(&path).unreadable, None);
        // The next save has nothing to keep and leaves the kept file alone.
        assert_eq!(settings.save(&path).unwrap(), None);
        assert_eq!(std::fs::read(&kept).unwrap(), hand_edited);
        // A file over the size limit is kept too.
        std::fs::write(&path, vec![b' '; MAX_SETTINGS_FILE as usize + 1]).unwrap();
        assert_eq!(
            Settings::load_reporting(&path).unreadable,
            Some(Unreadable::TooLarge)
        );
        assert_eq!(settings.save(&path).unwrap(), Some(kept.clone()));
        assert_eq!(
            std::fs::metadata(&kept).unwrap().len(),
            MAX_SETTINGS_FILE + 1
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_settings_path_the_system_will_not_read_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should be: reported, and not moved by a save, which fails.
        let path = dir.path().join("settings.json");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), b"x").unwrap();
        let why = Settings::load_reporting(&path).unreadable.unwrap();
        assert!(matches!(why, Unreadable::Io { .. }), "{why:?}");
        let file = UnreadableFile {
            path: &path,
            why: &why,
        };
        assert!(
            file.localize(Lang::Ja)
                .contains(&path.display().to_string())
        );
        assert!(Settings::default().save(&path).is_err());
        assert!(path.join("inside").exists());
        assert!(!kept_unreadable_path(&path).exists());
    }

    #[test]
    fn a_value_that_does_not_fit_costs_only_its_own_key() {
        // Before settings.json was read key by key, one bad key reset every setting.
        let loaded = Settings::from_json(
            br#"{"theme": "purple", "auto_lock_minutes": "x", "hide_codes": true,
                 "sort": "name", "backup_keep": -1, "clipboard_clear_seconds": 45,
                 "language": "ja", "backup_folder": "/mnt/usb", "apply_offset": true,
                 "time_servers": [1], "clock_check": "no"}"#,
        );
        assert_eq!(
            loaded.ignored_keys,
            [
                "auto_lock_minutes",
                "backup_keep",
                "clock_check",
                "theme",
                "time_servers"
            ]
        );
        let defaults = Settings::default();
        assert_eq!(
            loaded.settings,
            Settings {
                language: Some("ja".into()),
                hide_codes: true,
                sort: SortOrder::Name,
                clipboard_clear_seconds: 45,
                backup_folder: Some(PathBuf::from("/mnt/usb")),
                clock: ClockSettings {
                    apply_offset: true,
                    ..defaults.clock.clone()
                },
                ..defaults
            }
        );
    }

    #[test]
    fn every_key_is_read_on_its_own() {
        // A key added to the schema is covered too: each one, given a value that fits no key,
        // is ignored alone.
        let Value::Object(keys) = serde_json::to_value(Settings::default()).unwrap() else {
            panic!("not an object")
        };
        assert!(keys.len() >= 13, "{keys:?}");
        for key in keys.keys() {
            // Beside it, a key that fits keeps its value.
            let other = if key == "hide_codes" {
                "start_minimized"
            } else {
                "hide_codes"
            };
            let text = format!(r#"{{"{key}": {{"nested": []}}, "{other}": true}}"#);
            let loaded = Settings::from_json(text.as_bytes());
            assert_eq!(loaded.ignored_keys, [key.as_str()], "{key}");
            let settings = loaded.settings;
            assert!(settings.hide_codes || settings.start_minimized, "{key}");
        }
    }

    #[test]
    fn the_clock_keys_read_as_the_command_line_uses_them() {
        let read = |text: &str| Settings::from_json(text.as_bytes()).settings.clock;
        assert_eq!(
            Settings::default().clock.servers(),
            servers(DEFAULT_TIME_SERVERS)
        );
        // Part of the window's settings: other keys ignored, missing keys defaulted.
        let clock = read(
            r#"{"theme": "dark", "time_servers": [" ntp.example:1234 ", ""], "apply_offset": true}"#,
        );
        assert!(clock.clock_check && clock.apply_offset);
        assert_eq!(clock.servers(), servers(&["ntp.example:1234"]));
        // A key of the wrong type keeps its default; the others are still read.
        let clock = read(r#"{"clock_check": "no", "time_servers": [1], "apply_offset": true}"#);
        assert!(clock.clock_check && clock.apply_offset);
        assert_eq!(clock.time_servers, servers(DEFAULT_TIME_SERVERS));
        // The check turned off: no server is asked.
        assert!(read(r#"{"clock_check": false}"#).servers().is_empty());
    }
}
