//! A failed command: one localized message and the exit code `docs/cli.md` assigns.

use std::process::ExitCode;

use mamori::accounts::AccountsError;
use mamori::advice::{Advice, Advise};
use mamori::i18n::{Localize, tr};
use mamori::secret::SecretError;
use mamori::uri::UriError;
use mamori::vault::VaultError;

use super::lang;

/// Exit code 1: an error (I/O, damaged file, refused change).
pub const EXIT_ERROR: u8 = 1;
/// Exit code 2: the command line was wrong.
pub const EXIT_USAGE: u8 = 2;
/// Exit code 3: wrong or missing password.
pub const EXIT_PASSWORD: u8 = 3;
/// Exit code 4: nothing found.
pub const EXIT_NOT_FOUND: u8 = 4;

/// Why a command failed, already in the user's language.
#[derive(Debug)]
pub struct Failure {
    /// Process exit code.
    pub exit: u8,
    /// What to print on stderr.
    pub message: String,
}

impl Failure {
    /// A failure with a catalogue message.
    pub fn new(exit: u8, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> Failure {
        Failure {
            exit,
            message: tr(lang(), key, args),
        }
    }

    /// Exit 1: the managed policy refused the action (the message names the policy key).
    pub fn refused(refusal: &mamori::policy::Refusal) -> Failure {
        Failure {
            exit: EXIT_ERROR,
            message: refusal.localize(lang()),
        }
    }

    /// Exit 2 with a ready message.
    pub fn usage(message: String) -> Failure {
        Failure {
            exit: EXIT_USAGE,
            message,
        }
    }

    /// Prints the message and returns the exit code.
    pub fn report(self) -> ExitCode {
        eprintln!("mamori: {}", self.message);
        ExitCode::from(self.exit)
    }
}

/// The error's message followed by the command line's wording of its way out
/// ([`mamori::advice`]): the commands and flags that fix it.
pub fn advised<E: Localize + Advise + ?Sized>(error: &E) -> String {
    let message = error.localize(lang());
    let advice = match error.advice() {
        None => return message,
        Some(Advice::CreateVault) => tr(lang(), "cli-advice-create-vault", &[]),
        Some(Advice::ChooseAnotherPath) => tr(lang(), "cli-advice-choose-another-path", &[]),
        Some(Advice::RestoreBackup(path)) => tr(
            lang(),
            "cli-advice-restore-backup",
            &[("backup", &path.display())],
        ),
        Some(Advice::NoPasswordVault) => tr(lang(), "cli-advice-no-password-vault", &[]),
        Some(Advice::GiveVaultPassword) => tr(lang(), "cli-advice-give-vault-password", &[]),
        Some(Advice::ImportTransferCode) => tr(lang(), "cli-advice-import-transfer-code", &[]),
        Some(Advice::NameTheFormat) => tr(lang(), "cli-advice-name-the-format", &[]),
        Some(Advice::GiveFilePassword) => tr(lang(), "cli-advice-give-file-password", &[]),
        Some(Advice::ScanScreenshotInstead) => tr(lang(), "cli-advice-scan-screenshot", &[]),
    };
    mamori::i18n::sentences(lang(), &message, &advice)
}

impl From<VaultError> for Failure {
    fn from(error: VaultError) -> Failure {
        let exit = if error.is_password_problem() {
            EXIT_PASSWORD
        } else {
            EXIT_ERROR
        };
        Failure {
            exit,
            message: advised(&error),
        }
    }
}

impl From<AccountsError> for Failure {
    fn from(error: AccountsError) -> Failure {
        let exit = match error {
            AccountsError::NotFound
            | AccountsError::UnknownBackupCode { .. }
            | AccountsError::NotInTrash => EXIT_NOT_FOUND,
            AccountsError::EmptyTag
            | AccountsError::TagTooLong { .. }
            | AccountsError::TooManyTags => EXIT_USAGE,
            _ => EXIT_ERROR,
        };
        let mut message = error.localize(lang());
        // Advice that names a flag belongs to the command line, not to the core's message.
        if let AccountsError::Duplicate { .. } = error {
            let advice = tr(lang(), "cli-add-duplicate-advice", &[]);
            message = mamori::i18n::sentences(lang(), &message, &advice);
        }
        Failure { exit, message }
    }
}

impl From<UriError> for Failure {
    fn from(error: UriError) -> Failure {
        Failure {
            exit: EXIT_ERROR,
            message: advised(&error),
        }
    }
}

impl From<SecretError> for Failure {
    fn from(error: SecretError) -> Failure {
        Failure {
            exit: EXIT_ERROR,
            message: error.localize(lang()),
        }
    }
}

impl From<mamori::formats::ImportError> for Failure {
    fn from(error: mamori::formats::ImportError) -> Failure {
        let exit = if error.is_password_problem() {
            EXIT_PASSWORD
        } else {
            EXIT_ERROR
        };
        Failure {
            exit,
            message: advised(&error),
        }
    }
}

impl From<mamori::formats::export::ExportError> for Failure {
    fn from(error: mamori::formats::export::ExportError) -> Failure {
        let exit = match &error {
            mamori::formats::export::ExportError::Vault(e) if e.is_password_problem() => {
                EXIT_PASSWORD
            }
            mamori::formats::export::ExportError::NoAccounts => EXIT_NOT_FOUND,
            _ => EXIT_ERROR,
        };
        Failure {
            exit,
            message: error.localize(lang()),
        }
    }
}
