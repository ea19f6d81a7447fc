//! Where Mamori keeps its per-user settings: `MAMORI_CONFIG_DIR` when set (tests, portable
//! setups), else the platform's config folder (`~/.config/mamori` on Linux,
//! `%APPDATA%\Mamori\config` on Windows, `~/Library/Application Support/Mamori` on macOS).

use std::path::PathBuf;

/// The folder for settings and small state files, if the platform has one.
pub fn dir() -> Option<PathBuf> {
    match std::env::var_os("MAMORI_CONFIG_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => directories::ProjectDirs::from("", "", "Mamori").map(|d| d.config_dir().to_path_buf()),
    }
}

/// The file that remembers the newest generation seen of each vault ([`crate::vault::seen`]).
pub fn seen_generations_file() -> Option<PathBuf> {
    dir().map(|d| d.join("seen-generations.json"))
}

/// `settings.json`: the window's preferences, whose clock keys the command line reads too
/// ([`crate::clock::ClockSettings`]).
pub fn settings_file() -> Option<PathBuf> {
    dir().map(|d| d.join("settings.json"))
}
