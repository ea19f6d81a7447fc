//! The settings dialog's state. [`crate::gui::views::settings`] draws it.

use zeroize::Zeroizing;

use super::forms::PathEntry;
use crate::gui::settings::Settings;

/// The settings dialog's state: a copy of the settings being edited, and the password fields.
pub struct SettingsDialog {
    /// The settings as edited (applied as they change).
    pub draft: Settings,
    /// The vault has a password now.
    pub encrypted: bool,
    /// Current password (to change or remove it).
    pub current: Zeroizing<String>,
    /// New password.
    pub new: Zeroizing<String>,
    /// New password again.
    pub repeat: Zeroizing<String>,
    /// Why the last password change failed.
    pub password_error: Option<String>,
    /// The time servers as typed, one per line (applied when the text changes).
    pub time_servers: String,
    /// The backup folder, typed, when no folder dialog can be shown.
    pub path_entry: PathEntry,
    /// Whether Mamori starts at login (read from the system; `None`: not offered here).
    pub start_at_login: Option<bool>,
}

impl SettingsDialog {
    /// A dialog starting from `settings`.
    pub fn new(
        settings: &Settings,
        encrypted: bool,
        start_at_login: Option<bool>,
    ) -> SettingsDialog {
        SettingsDialog {
            draft: settings.clone(),
            encrypted,
            current: Zeroizing::new(String::with_capacity(256)),
            new: Zeroizing::new(String::with_capacity(256)),
            repeat: Zeroizing::new(String::with_capacity(256)),
            password_error: None,
            time_servers: settings.clock.time_servers.join("\n"),
            path_entry: PathEntry::default(),
            start_at_login,
        }
    }
}
