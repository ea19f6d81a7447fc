//! Opening a vault for use, the same way in every shell: clean up after a crashed save, read and
//! check the file, unlock it, upgrade a cheap password slot while the password is at hand, and
//! note what the user should hear about (read-only, an older copy).

use std::path::{Path, PathBuf};

use super::activity::{Actor, What, failed_unlocks};
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
    /// Wrong passwords were tried on this machine since the vault was last unlocked.
    FailedAttempts(u32),
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
            Notice::FailedAttempts(count) => {
                tr(lang, "vault-notice-failed-attempts", &[("count", count)])
            }
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
/// keeps the default number of backups and records the generation in `seen_file`. A wrong
/// password is counted in the settings folder (beside `seen_file`); an unlock with the
/// password is recorded in the activity log with the count since the last one, which is also
/// a notice. Events of this process are put down to `actor`.
pub fn unlock(
    locked: LockedVault,
    password: Option<&str>,
    seen_file: Option<PathBuf>,
    actor: Actor,
) -> Result<Opened, VaultError> {
    let mut notices = Vec::new();
    // Failed unlocks are counted beside the seen generations (the settings folder): they
    // cannot go into a vault that did not open.
    let failed_file = seen_file
        .as_deref()
        .and_then(Path::parent)
        .map(|dir| dir.join(failed_unlocks::FILE_NAME));
    let vault_id = locked.header().vault_id.clone();
    let mut vault = match password {
        Some(password) if locked.needs_password() => {
            let mut vault = match locked.unlock(Some(password)) {
                Err(VaultError::WrongPassword) => {
                    if let Some(file) = &failed_file {
                        failed_unlocks::record(file, &vault_id);
                    }
                    return Err(VaultError::WrongPassword);
                }
                other => other?,
            };
            match vault.upgrade_kdf_if_needed(password) {
                Ok(true) => notices.push(Notice::KdfUpgraded),
                Ok(false) => {}
                Err(e) => notices.push(Notice::KdfUpgradeFailed(e)),
            }
            let failed_attempts = failed_file
                .as_deref()
                .map_or(0, |file| failed_unlocks::take(file, &vault_id));
            if failed_attempts > 0 {
                notices.push(Notice::FailedAttempts(failed_attempts));
            }
            vault.set_actor(actor.clone());
            // A routine save with the key in memory; a vault that cannot be saved right now
            // (busy, read-only) opens all the same.
            let _ = vault.record(What::Unlocked {
                failed_attempts,
                again: 0,
            });
            vault
        }
        _ => locked.unlock(None)?,
    };
    vault.set_actor(actor);
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
