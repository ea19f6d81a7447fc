//! Where Mamori keeps its files: the one place that decides every per-user path (the settings
//! folder and what is in it, the data folder and the default vault).
//!
//! - **Installed** (the default): the platform's folders: settings in `~/.config/mamori`,
//!   `%APPDATA%\Mamori\config` or `~/Library/Application Support/Mamori`; the vault in
//!   `~/.local/share/mamori`, `%APPDATA%\Mamori\data` or the same Application Support folder.
//! - **Portable**: a file named [`PORTABLE_MARKER`] beside the executable (WinAuth users carry
//!   their authenticator on a USB stick) puts everything in a `mamori-data` folder beside it:
//!   `config/` (settings, window state, seen generations) and `data/` (the vault, its backups).
//!   Nothing is written to AppData, the registry or `~/.config`.
//!
//! `MAMORI_CONFIG_DIR` (tests, scripted setups) overrides the settings folder in either mode;
//! `--vault` / `MAMORI_VAULT` override the vault file.

use std::path::{Path, PathBuf};

/// The file that makes a copy of Mamori portable when it sits beside the executable.
pub const PORTABLE_MARKER: &str = "mamori.portable";
/// The folder a portable copy keeps everything in, beside the executable.
pub const PORTABLE_FOLDER: &str = "mamori-data";
/// File name of the vault in the data folder.
pub const DEFAULT_VAULT_FILE_NAME: &str = "vault.mamori";

/// Which folders are in use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The platform's per-user folders.
    Installed,
    /// Everything in this folder beside the executable.
    Portable(PathBuf),
}

/// The mode of this process: portable when [`PORTABLE_MARKER`] is beside the executable.
pub fn mode() -> Mode {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .map_or(Mode::Installed, |dir| mode_for_exe_dir(&dir))
}

/// The mode for an executable in `dir`.
pub fn mode_for_exe_dir(dir: &Path) -> Mode {
    if dir.join(PORTABLE_MARKER).is_file() {
        Mode::Portable(dir.join(PORTABLE_FOLDER))
    } else {
        Mode::Installed
    }
}

/// The folder for settings and small state files, if the platform has one.
pub fn config_dir() -> Option<PathBuf> {
    match std::env::var_os("MAMORI_CONFIG_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => match mode() {
            Mode::Portable(root) => Some(root.join("config")),
            Mode::Installed => directories::ProjectDirs::from("", "", "Mamori")
                .map(|d| d.config_dir().to_path_buf()),
        },
    }
}

/// The folder the vault lives in by default.
pub fn data_dir() -> Option<PathBuf> {
    match mode() {
        Mode::Portable(root) => Some(root.join("data")),
        Mode::Installed => {
            directories::ProjectDirs::from("", "", "Mamori").map(|d| d.data_dir().to_path_buf())
        }
    }
}

/// The default vault: [`DEFAULT_VAULT_FILE_NAME`] in the data folder ([`data_dir`]: the
/// per-user one, or `mamori-data/data` beside a portable executable).
pub fn default_vault_path() -> Option<PathBuf> {
    data_dir().map(|dir| dir.join(DEFAULT_VAULT_FILE_NAME))
}

/// The file that remembers the newest generation seen of each vault ([`crate::vault::seen`]).
pub fn seen_generations_file() -> Option<PathBuf> {
    config_dir().map(|d| d.join("seen-generations.json"))
}

/// `settings.json`: the preferences ([`crate::settings::Settings`]), which the window shows
/// and the command line reads too.
pub fn settings_file() -> Option<PathBuf> {
    config_dir().map(|d| d.join("settings.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_beside_the_executable_makes_it_portable() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(mode_for_exe_dir(dir.path()), Mode::Installed);
        std::fs::write(dir.path().join(PORTABLE_MARKER), b"").unwrap();
        assert_eq!(
            mode_for_exe_dir(dir.path()),
            Mode::Portable(dir.path().join("mamori-data"))
        );
        // A folder of that name is not the marker.
        let other = tempfile::tempdir().unwrap();
        std::fs::create_dir(other.path().join(PORTABLE_MARKER)).unwrap();
        assert_eq!(mode_for_exe_dir(other.path()), Mode::Installed);
    }
}
