//! Everything that can go wrong with a vault, each case kept apart so the user is told exactly
//! what happened and what to do: a wrong password is never reported as damage, damage never as
//! a wrong password, and every message says whether the file was changed (it never is).

use std::fmt;
use std::path::PathBuf;

use crate::i18n::{Lang, Localize, tr};

use super::crypto::CryptoError;
use super::store::{IoAction, IoFailure};

/// What is damaged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Damage {
    /// The file ends early (or its header length is impossible).
    Truncated,
    /// The header checksum does not match.
    Header,
    /// The header checksum matches but its content is invalid.
    HeaderContent(String),
    /// The file is shorter or longer than its header says.
    Length,
    /// The decrypted content is not valid.
    Content(String),
}

/// Why a vault was opened read-only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadOnly {
    /// Written by a newer Mamori with format minor version N.
    NewerFormat(u16),
    /// Its content version N is newer than this build's.
    NewerContent(u32),
}

/// A vault operation failed. Nothing on disk was changed.
#[derive(Debug)]
#[non_exhaustive]
pub enum VaultError {
    /// No vault at this path.
    NotFound(PathBuf),
    /// `init` found a file already there.
    AlreadyExists(PathBuf),
    /// The file is not a Mamori vault.
    NotAVault(PathBuf),
    /// Made by a newer Mamori (format major N).
    NewerFormat {
        /// The file.
        path: PathBuf,
        /// Its major format version.
        major: u16,
    },
    /// Structurally damaged (§3 steps 2-5) or its content unreadable.
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        damage: Damage,
        /// The newest backup that still opens.
        backup: Option<PathBuf>,
    },
    /// The password is right but the encrypted data fails its check (§3 step 7).
    PayloadDamaged {
        /// The file.
        path: PathBuf,
        /// The newest backup that still opens.
        backup: Option<PathBuf>,
    },
    /// KDF settings beyond the safe ceilings (§3 step 4).
    KdfOutOfRange(PathBuf),
    /// Larger than 64 MiB.
    TooLarge(PathBuf),
    /// The password does not unlock the vault.
    WrongPassword,
    /// The vault has a password and none was given.
    PasswordRequired,
    /// An empty password was offered for a new vault or password.
    EmptyPassword,
    /// The vault only has key slots of kinds this build cannot use.
    UnsupportedSlots(String),
    /// Saving is refused because a newer Mamori wrote the file.
    ReadOnly(ReadOnly),
    /// Another Mamori held the write lock for the whole wait.
    Busy(PathBuf),
    /// Another Mamori changed the password since this one unlocked the vault.
    ChangedElsewhere,
    /// The file at the vault's path is now another vault, or the same vault without its
    /// password: nothing is saved over it (an encrypted vault never turns plain unasked).
    Replaced,
    /// A file operation failed.
    Io(IoFailure),
    /// Random numbers or the KDF failed.
    Crypto(CryptoError),
    /// A defect in Mamori itself (serialisation failed).
    Internal(String),
}

impl VaultError {
    /// True for a wrong or missing password (exit code 3).
    pub fn is_password_problem(&self) -> bool {
        matches!(
            self,
            VaultError::WrongPassword | VaultError::PasswordRequired
        )
    }
}

fn action_text(lang: Lang, action: IoAction) -> String {
    let key = match action {
        IoAction::Read => "io-read",
        IoAction::CreateDir => "io-create-dir",
        IoAction::Write => "io-write",
        IoAction::Sync => "io-sync",
        IoAction::Replace => "io-replace",
        IoAction::Lock => "io-lock",
        IoAction::Verify => "io-verify",
        IoAction::List => "io-list",
    };
    tr(lang, key, &[])
}

fn damage_text(lang: Lang, damage: &Damage) -> String {
    match damage {
        Damage::Truncated => tr(lang, "damage-truncated", &[]),
        Damage::Header => tr(lang, "damage-header", &[]),
        Damage::HeaderContent(detail) => tr(lang, "damage-header-content", &[("detail", detail)]),
        Damage::Length => tr(lang, "damage-length", &[]),
        Damage::Content(detail) => tr(lang, "damage-content", &[("detail", detail)]),
    }
}

fn backup_advice(lang: Lang, backup: &Option<PathBuf>) -> String {
    match backup {
        Some(path) => tr(lang, "vault-backup-opens", &[("backup", &path.display())]),
        None => tr(lang, "vault-no-backup", &[]),
    }
}

impl crate::advice::Advise for VaultError {
    fn advice(&self) -> Option<crate::advice::Advice> {
        use crate::advice::Advice;
        match self {
            VaultError::NotFound(_) => Some(Advice::CreateVault),
            VaultError::AlreadyExists(_) => Some(Advice::ChooseAnotherPath),
            VaultError::Damaged {
                backup: Some(path), ..
            }
            | VaultError::PayloadDamaged {
                backup: Some(path), ..
            } => Some(Advice::RestoreBackup(path.clone())),
            VaultError::EmptyPassword => Some(Advice::NoPasswordVault),
            VaultError::PasswordRequired => Some(Advice::GiveVaultPassword),
            _ => None,
        }
    }
}

impl Localize for VaultError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            VaultError::NotFound(path) => tr(lang, "vault-not-found", &[("path", &path.display())]),
            VaultError::AlreadyExists(path) => {
                tr(lang, "vault-exists", &[("path", &path.display())])
            }
            VaultError::NotAVault(path) => {
                tr(lang, "vault-not-a-vault", &[("path", &path.display())])
            }
            VaultError::NewerFormat { path, major } => tr(
                lang,
                "vault-newer-format",
                &[("path", &path.display()), ("major", major)],
            ),
            VaultError::Damaged {
                path,
                damage,
                backup,
            } => {
                let what = damage_text(lang, damage);
                let text = tr(
                    lang,
                    "vault-damaged",
                    &[("path", &path.display()), ("what", &what)],
                );
                crate::i18n::sentences(lang, &text, &backup_advice(lang, backup))
            }
            VaultError::PayloadDamaged { path, backup } => {
                let text = tr(lang, "vault-payload-damaged", &[("path", &path.display())]);
                crate::i18n::sentences(lang, &text, &backup_advice(lang, backup))
            }
            VaultError::KdfOutOfRange(path) => {
                tr(lang, "vault-kdf-range", &[("path", &path.display())])
            }
            VaultError::TooLarge(path) => tr(lang, "vault-too-large", &[("path", &path.display())]),
            VaultError::WrongPassword => tr(lang, "vault-wrong-password", &[]),
            VaultError::PasswordRequired => tr(lang, "vault-password-required", &[]),
            VaultError::EmptyPassword => tr(lang, "vault-empty-password", &[]),
            VaultError::UnsupportedSlots(kinds) => {
                tr(lang, "vault-unsupported-slots", &[("kinds", kinds)])
            }
            VaultError::ReadOnly(ReadOnly::NewerFormat(minor)) => {
                tr(lang, "vault-read-only-format", &[("minor", minor)])
            }
            VaultError::ReadOnly(ReadOnly::NewerContent(version)) => {
                tr(lang, "vault-read-only-content", &[("version", version)])
            }
            VaultError::Busy(path) => tr(lang, "vault-busy", &[("path", &path.display())]),
            VaultError::ChangedElsewhere => tr(lang, "vault-changed-elsewhere", &[]),
            VaultError::Replaced => tr(lang, "vault-replaced", &[]),
            VaultError::Io(failure) => tr(
                lang,
                "vault-io",
                &[
                    ("action", &action_text(lang, failure.action)),
                    ("path", &failure.path.display()),
                    ("reason", &crate::i18n::os_error(lang, &failure.source)),
                ],
            ),
            VaultError::Crypto(CryptoError::OutOfMemory) => tr(lang, "vault-out-of-memory", &[]),
            VaultError::Crypto(CryptoError::Random) => tr(lang, "vault-random", &[]),
            VaultError::Crypto(CryptoError::BelowFloor) => tr(lang, "vault-below-floor", &[]),
            VaultError::Crypto(CryptoError::Kdf(detail)) => {
                tr(lang, "vault-kdf-failed", &[("detail", detail)])
            }
            VaultError::Internal(detail) => tr(lang, "vault-internal", &[("detail", detail)]),
        }
    }
}

impl fmt::Display for VaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

impl std::error::Error for VaultError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            VaultError::Io(failure) => Some(&failure.source),
            _ => None,
        }
    }
}
