//! `mamori export --format mamori|otpauth|aegis|qr|migration-qr --output PATH|- [--plain]
//! [--target-password-file PATH] [--tag TAG]... [--account QUERY]...`: write the accounts (all,
//! or the selection [`Selection`] takes) for another Mamori, another app or a phone. Formats that hold keys in the clear need `--plain`; files are written atomically with
//! mode 0600. What the format cannot hold (notes, backup codes) is said on stderr first.

use clap::ValueEnum as _;

use mamori::account::Account;
use mamori::formats::export::{self, Destination, ExportFormat, Loss, Lost, Selection};
use mamori::i18n::Localize as _;

use crate::cli::args::{ExportArgs, ExportFormatArg};
use crate::cli::failure::{EXIT_NOT_FOUND, EXIT_USAGE};
use crate::cli::{Cli, Failure, lang, output, password, session};

/// The registry's format for `--format` (with `--plain` choosing Aegis's plain variant).
fn format_of(arg: ExportFormatArg, plain: bool) -> Result<ExportFormat, Failure> {
    let name = arg
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default();
    ExportFormat::from_id(&name, plain).ok_or_else(|| Failure::usage(format!("--format {name}")))
}

/// What exporting `accounts` as `format` leaves out, to warn about. Accounts a transfer code
/// cannot carry (code settings, Steam) are named one by one when the codes are made, not
/// counted here.
fn warnings(format: ExportFormat, accounts: &[Account]) -> Vec<Lost> {
    export::losses(format, accounts)
        .into_iter()
        .filter(|lost| !matches!(lost.loss, Loss::CodeSettings | Loss::SteamAccounts))
        .collect()
}

/// Something is already there that an export would replace: a file, or a folder with files.
fn occupied(path: &std::path::Path) -> bool {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_some()),
        Ok(_) => true,
        Err(_) => false,
    }
}

/// Exports the selected accounts of the vault (every one without `--tag`/`--account`) with
/// [`export::write`].
pub fn run(cli: &Cli, args: &ExportArgs) -> Result<(), Failure> {
    let format = format_of(args.format, args.plain)?;
    let to_stdout = args.output.as_os_str() == "-";
    if format == ExportFormat::AegisPlain && args.target_password_file.is_some() {
        return Err(Failure::new(
            EXIT_USAGE,
            "cli-export-plain-and-password",
            &[],
        ));
    }
    // The policy first: a refused export writes nothing and asks for no password.
    crate::cli::policy()
        .policy
        .check_export(format.plain_secrets())
        .map_err(|r| Failure::refused(&r))?;
    if format.plain_secrets() && !args.plain {
        return Err(Failure::new(EXIT_USAGE, "cli-export-needs-plain", &[]));
    }
    if to_stdout && !format.info().stdout {
        return Err(Failure::new(EXIT_USAGE, "cli-export-no-stdout", &[]));
    }
    if !to_stdout && !args.force && occupied(&args.output) {
        return Err(Failure::new(
            EXIT_USAGE,
            "cli-export-exists",
            &[("path", &args.output.display())],
        ));
    }
    let mut vault = session::open(cli)?;
    let selection = Selection {
        tags: args.tags.clone(),
        queries: args.accounts.clone(),
    };
    if vault.accounts().is_empty() {
        return Err(Failure::new(EXIT_NOT_FOUND, "export-no-accounts", &[]));
    }
    let accounts = selection.select(vault.accounts());
    if accounts.is_empty() {
        return Err(Failure::new(
            EXIT_NOT_FOUND,
            "cli-export-nothing-selected",
            &[],
        ));
    }
    for lost in warnings(format, &accounts) {
        output::warn(&lost);
    }
    let new_password = if format.info().password {
        Some(password::new_or(
            args.target_password_file.as_deref(),
            "cli-no-terminal-export-password",
        )?)
    } else {
        None
    };
    let out = &args.output;
    let mut stdout = std::io::stdout().lock();
    let destination = if to_stdout {
        Destination::Stream(&mut stdout)
    } else {
        Destination::Path(out)
    };
    let written = export::write(
        format,
        &accounts,
        new_password.as_deref().map(|p| p.as_str()),
        destination,
    )
    .map_err(|e| match e {
        export::ExportError::NoneFit => Failure {
            exit: EXIT_NOT_FOUND,
            message: e.localize(lang()),
        },
        e => e.into(),
    })?;
    // Who exported what, when: in the vault's activity log (a routine save, no KDF).
    let exported = mamori::vault::activity::What::Exported {
        format: format.info().id.to_string(),
        count: written.accounts,
        plain: format.plain_secrets(),
    };
    if let Err(e) = vault.record(exported) {
        output::warn(&e);
    }
    for (label, why) in &written.skipped {
        output::say(
            "cli-export-skipped",
            &[("label", label), ("reason", &why.localize(lang()))],
        );
    }
    if to_stdout {
        return Ok(());
    }
    let path = out.display();
    match format {
        ExportFormat::Qr => output::say(
            "cli-export-qr-written",
            &[("count", &written.files), ("path", &path)],
        ),
        ExportFormat::MigrationQr => output::say(
            "cli-export-migration-written",
            &[
                ("count", &written.accounts),
                ("codes", &written.files),
                ("path", &path),
            ],
        ),
        _ if format.plain_secrets() => output::say(
            "cli-export-written-plain",
            &[("count", &written.accounts), ("path", &path)],
        ),
        _ => output::say(
            "cli-export-written",
            &[("count", &written.accounts), ("path", &path)],
        ),
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
        for format in [
            ExportFormat::Mamori,
            ExportFormat::AegisEncrypted,
            ExportFormat::AegisPlain,
        ] {
            assert!(warnings(format, &accounts).is_empty(), "{format:?}");
        }
        assert!(warnings(ExportFormat::Otpauth, &accounts[2..]).is_empty());
    }

    #[test]
    fn every_format_flag_names_a_registry_entry() {
        for arg in ExportFormatArg::value_variants() {
            for plain in [false, true] {
                let format = format_of(*arg, plain).unwrap();
                assert_eq!(
                    format.info().id,
                    arg.to_possible_value().unwrap().get_name()
                );
            }
        }
        assert_eq!(
            format_of(ExportFormatArg::Aegis, true).unwrap(),
            ExportFormat::AegisPlain
        );
        assert_eq!(
            format_of(ExportFormatArg::Aegis, false).unwrap(),
            ExportFormat::AegisEncrypted
        );
    }
}
