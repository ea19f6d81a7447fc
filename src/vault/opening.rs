//! Opening a vault for use, the same way in every shell: clean up after a crashed save, read and
//! check the file, unlock it, upgrade a cheap password slot while the password is at hand, and
//! note what the user should hear about (read-only, an older copy).

use std::path::{Path, PathBuf};

use super::backups;
use super::store::{self, VaultPaths};
use super::{LockedVault, ReadOnly, Vault, VaultError};
use crate::i18n::{Lang, Localize, tr};

/// Something the user should be told after opening.
#[derive(Debug)]
pub enum Notice {
    /// The password slot was re-wrapped at the current KDF cost.
    KdfUpgraded,
    /// The upgrade failed; the vault is open anyway and the upgrade is retried next time.
    KdfUpgradeFailed(VaultError),
    /// The vault can be read but not saved.
    ReadOnly(ReadOnly),
    /// This file is an older copy: a newer generation of the same vault was seen before.
    OlderCopy {
        /// This file's generation.
        generation: u64,
        /// The newest generation seen.
        newest: u64,
    },
}

impl Localize for Notice {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Notice::KdfUpgraded => tr(lang, "vault-notice-kdf-upgraded", &[]),
            Notice::KdfUpgradeFailed(e) => e.localize(lang),
            Notice::ReadOnly(ReadOnly::NewerFormat(minor)) => {
                tr(lang, "vault-notice-read-only-format", &[("minor", minor)])
            }
            Notice::ReadOnly(ReadOnly::NewerContent(version)) => tr(
                lang,
                "vault-notice-read-only-content",
                &[("version", version)],
            ),
            Notice::OlderCopy { generation, newest } => tr(
                lang,
                "vault-notice-older-copy",
                &[("generation", generation), ("newest", newest)],
            ),
        }
    }
}

/// An unlocked vault and what to tell the user about it.
#[derive(Debug)]
pub struct Opened {
    /// The vault, ready to use.
    pub vault: Vault,
    /// Notices, in the order they arose.
    pub notices: Vec<Notice>,
}

/// Finishes a crashed save's clean-up, then reads and checks the vault at `path`.
pub fn read(path: &Path) -> Result<LockedVault, VaultError> {
    store::clean_up_after_crash(&VaultPaths::new(path));
    LockedVault::read(path)
}

/// Unlocks `locked` (with `password` when it has a password slot), upgrades the KDF if needed,
/// keeps the default number of backups and records the generation in `seen_file`.
pub fn unlock(
    locked: LockedVault,
    password: Option<&str>,
    seen_file: Option<PathBuf>,
) -> Result<Opened, VaultError> {
    let mut notices = Vec::new();
    let mut vault = match password {
        Some(password) if locked.needs_password() => {
            let mut vault = locked.unlock(Some(password))?;
            match vault.upgrade_kdf_if_needed(password) {
                Ok(true) => notices.push(Notice::KdfUpgraded),
                Ok(false) => {}
                Err(e) => notices.push(Notice::KdfUpgradeFailed(e)),
            }
            vault
        }
        _ => locked.unlock(None)?,
    };
    if let Some(reason) = vault.read_only() {
        notices.push(Notice::ReadOnly(reason.clone()));
    }
    vault.set_backups_kept(backups::DEFAULT_KEPT);
    if let Some(file) = seen_file
        && let Some(newest) = vault.track_generations(file)
    {
        notices.push(Notice::OlderCopy {
            generation: vault.header().generation,
            newest,
        });
    }
    Ok(Opened { vault, notices })
}
