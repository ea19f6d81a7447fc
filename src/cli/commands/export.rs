//! `mamori export --format mamori|otpauth|aegis|qr|migration-qr --output PATH|- [--plain]
//! [--target-password-file PATH]`: write the accounts for another Mamori, another app or a
//! phone. Formats that hold keys in the clear need `--plain`; files are written atomically with
//! mode 0600. What the format cannot hold (notes, backup codes) is said on stderr first.

use std::io::Write as _;
use std::path::Path;

use mamori::account::Account;
use mamori::formats::aegis;
use mamori::formats::export::{self, ExportError, ExportFormat, Loss, Lost};
use mamori::i18n::Localize as _;

use crate::cli::args::{ExportArgs, ExportFormatArg};
use crate::cli::failure::{EXIT_ERROR, EXIT_NOT_FOUND, EXIT_USAGE};
use crate::cli::{Cli, Failure, lang, output, password, session};

fn format_of(arg: ExportFormatArg) -> ExportFormat {
    match arg {
        ExportFormatArg::Mamori => ExportFormat::Mamori,
        ExportFormatArg::Otpauth => ExportFormat::Otpauth,
        ExportFormatArg::Aegis => ExportFormat::Aegis,
        ExportFormatArg::Qr => ExportFormat::Qr,
        ExportFormatArg::MigrationQr => ExportFormat::MigrationQr,
    }
}

/// What exporting `accounts` as `format` leaves out, to warn about. Accounts whose code settings
/// a transfer code cannot carry are named one by one when the codes are made, not counted here.
fn warnings(format: ExportFormat, accounts: &[Account]) -> Vec<Lost> {
    export::losses(format, accounts)
        .into_iter()
        .filter(|lost| lost.loss != Loss::CodeSettings)
        .collect()
}

fn write_out(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if path.as_os_str() == "-" {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(bytes)
            .and_then(|()| stdout.flush())
            .map_err(|e| Failure::new(EXIT_ERROR, "export-io", &[("path", &"-"), ("reason", &e)]));
    }
    Ok(export::write_private(path, bytes)?)
}

/// Exports every account of the vault.
/// Something is already there that an export would replace: a file, or a folder with files.
fn occupied(path: &std::path::Path) -> bool {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_some()),
        Ok(_) => true,
        Err(_) => false,
    }
}

pub fn run(cli: &Cli, args: &ExportArgs) -> Result<(), Failure> {
    let format = format_of(args.format);
    let to_stdout = args.output.as_os_str() == "-";
    let encrypted_aegis = format == ExportFormat::Aegis && !args.plain;
    if format == ExportFormat::Aegis && args.plain && args.target_password_file.is_some() {
        return Err(Failure::new(
            EXIT_USAGE,
            "cli-export-plain-and-password",
            &[],
        ));
    }
    if format.plain_secrets(encrypted_aegis) && !args.plain {
        return Err(Failure::new(EXIT_USAGE, "cli-export-needs-plain", &[]));
    }
    if to_stdout && (format.writes_images() || format == ExportFormat::Mamori) {
        return Err(Failure::new(EXIT_USAGE, "cli-export-no-stdout", &[]));
    }
    if !to_stdout && !args.force && occupied(&args.output) {
        return Err(Failure::new(
            EXIT_USAGE,
            "cli-export-exists",
            &[("path", &args.output.display())],
        ));
    }
    let vault = session::open(cli)?;
    let accounts = vault.accounts().to_vec();
    if accounts.is_empty() {
        return Err(Failure::new(EXIT_NOT_FOUND, "export-no-accounts", &[]));
    }
    for lost in warnings(format, &accounts) {
        output::warn(&lost);
    }
    let new_password = || {
        password::new_or(
            args.target_password_file.as_deref(),
            "cli-no-terminal-export-password",
        )
    };
    let out = &args.output;
    match format {
        ExportFormat::Mamori => {
            let pw = new_password()?;
            export::mamori_backup(&accounts, &pw, out, None)?;
        }
        ExportFormat::Aegis if encrypted_aegis => {
            let pw = new_password()?;
            let bytes = aegis::export_encrypted(&accounts, &pw).map_err(ExportError::Build)?;
            write_out(out, &bytes)?;
        }
        ExportFormat::Aegis => {
            let bytes = aegis::export_plain(&accounts).map_err(ExportError::Build)?;
            write_out(out, &bytes)?;
        }
        ExportFormat::Otpauth => {
            let text = export::otpauth_list(&accounts);
            write_out(out, text.as_bytes())?;
        }
        ExportFormat::Qr => {
            let files = export::account_qr_codes(&accounts)?;
            export::write_files(out, &files)?;
            output::say(
                "cli-export-qr-written",
                &[("count", &files.len()), ("path", &out.display())],
            );
            return Ok(());
        }
        ExportFormat::MigrationQr => {
            let (files, skipped) = export::migration_qr_codes(&accounts)?;
            for (label, why) in &skipped {
                output::say(
                    "cli-export-skipped",
                    &[("label", label), ("reason", &why.localize(lang()))],
                );
            }
            if files.is_empty() {
                return Err(Failure::new(EXIT_NOT_FOUND, "cli-export-none-fit", &[]));
            }
            export::write_files(out, &files)?;
            output::say(
                "cli-export-migration-written",
                &[
                    ("count", &(accounts.len() - skipped.len())),
                    ("codes", &files.len()),
                    ("path", &out.display()),
                ],
            );
            return Ok(());
        }
    }
    if !to_stdout {
        output::say(
            if format.plain_secrets(encrypted_aegis) {
                "cli-export-written-plain"
            } else {
                "cli-export-written"
            },
            &[("count", &accounts.len()), ("path", &out.display())],
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mamori::account::{BackupCode, OtpParams};
    use mamori::i18n::Lang;
    use mamori::secret::Secret;

    fn account(note: &str, codes: usize) -> Account {
        let (secret, _) = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let mut account = Account::new("Co".into(), "me".into(), OtpParams::totp(secret), 0);
        account.note = note.into();
        account.backup_codes = (0..codes)
            .map(|i| BackupCode {
                code: format!("code-{i}"),
                used_at: None,
            })
            .collect();
        account
    }

    #[test]
    fn warns_about_what_the_format_cannot_hold() {
        let accounts = [account("desk", 3), account("", 2), account("", 0)];
        let lines = |format, lang| {
            warnings(format, &accounts)
                .iter()
                .map(|lost| lost.localize(lang))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            lines(ExportFormat::Otpauth, Lang::En),
            [
                "This format has no room for notes: the notes of 1 account(s) will not be \
                 exported.",
                "This format has no room for backup codes: the backup codes of 2 account(s) \
                 will not be exported.",
            ]
        );
        assert_eq!(
            lines(ExportFormat::Qr, Lang::Ja)[1],
            "この形式にはバックアップコードを入れる場所がありません。\
             2 件のアカウントのバックアップコードはエクスポートされません。"
        );
        // Transfer codes: the same two; the accounts left out are named one by one instead.
        assert_eq!(lines(ExportFormat::MigrationQr, Lang::En).len(), 2);
        for format in [ExportFormat::Mamori, ExportFormat::Aegis] {
            assert!(warnings(format, &accounts).is_empty(), "{format:?}");
        }
        assert!(warnings(ExportFormat::Otpauth, &accounts[2..]).is_empty());
    }
}
