//! `mamori backup-codes QUERY [--add-file PATH | --use CODE | --list]`: the one-time recovery
//! codes a service gave for an account.

use std::io::Read as _;

use serde::Serialize;

use mamori::account::BackupCode;
use mamori::accounts::{self, AccountsError};
use mamori::vault::SaveKind;

use crate::cli::args::BackupCodesArgs;
use crate::cli::failure::{EXIT_ERROR, EXIT_NOT_FOUND};
use crate::cli::{Cli, Failure, output, session};

#[derive(Serialize)]
struct Row<'a> {
    code: &'a str,
    used: bool,
    used_at: Option<String>,
}

/// The file's text (`-`: standard input); [`accounts::add_backup_codes`] reads the codes.
fn read_text(path: &std::path::Path) -> Result<zeroize::Zeroizing<String>, Failure> {
    let mut text = zeroize::Zeroizing::new(String::new());
    let result = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text).map(|_| ()))
    };
    result.map_err(|e| {
        Failure::new(
            EXIT_ERROR,
            "cli-read-failed",
            &[
                ("path", &path.display()),
                ("reason", &mamori::i18n::os_error(crate::cli::lang(), &e)),
            ],
        )
    })?;
    Ok(text)
}

/// Adds, uses or lists backup codes.
pub fn run(cli: &Cli, args: &BackupCodesArgs) -> Result<(), Failure> {
    let mut vault = session::open(cli)?;
    let account = session::find_one(vault.accounts(), &args.query)?.clone();
    let label = account.label();
    let now = mamori::time::unix_now();

    if let Some(path) = &args.add_file {
        let text = read_text(path)?;
        let added = vault.update(SaveKind::Structural, |accounts| {
            accounts::add_backup_codes(accounts, &account.id, &text, now).map_err(|e| match e {
                AccountsError::NoBackupCodes => Failure::new(
                    EXIT_ERROR,
                    "cli-codes-none-in-file",
                    &[("path", &path.display())],
                ),
                e => e.into(),
            })
        })?;
        output::say(
            "cli-codes-added",
            &[
                ("count", &added.added),
                ("label", &label),
                ("unused", &added.unused),
            ],
        );
        return Ok(());
    }

    if let Some(code) = &args.use_code {
        let unused = vault.update(SaveKind::Structural, |accounts| {
            Ok::<_, Failure>(accounts::use_backup_code(accounts, &account.id, code, now)?)
        })?;
        output::say("cli-code-used", &[("unused", &unused)]);
        if unused == 0 {
            output::say("cli-codes-exhausted", &[("label", &label)]);
        }
        return Ok(());
    }

    let shown: Vec<&BackupCode> = account
        .backup_codes
        .iter()
        .filter(|c| args.list || c.used_at.is_none())
        .collect();
    if cli.json {
        let rows: Vec<Row> = shown
            .iter()
            .map(|c| Row {
                code: &c.code,
                used: c.used_at.is_some(),
                used_at: c.used_at.map(mamori::time::rfc3339),
            })
            .collect();
        output::json(&rows);
        return Ok(());
    }
    if account.backup_codes.is_empty() {
        return Err(Failure::new(
            EXIT_NOT_FOUND,
            "cli-codes-empty",
            &[("label", &label)],
        ));
    }
    for code in shown {
        match code.used_at {
            None => output::line(&code.code),
            Some(when) => output::line(&format!(
                "{}  {}",
                code.code,
                mamori::i18n::tr(
                    crate::cli::lang(),
                    "cli-code-used-on",
                    &[(
                        "when",
                        &mamori::time::local_minutes(crate::cli::lang(), when)
                    )]
                )
            )),
        }
    }
    output::say(
        "cli-codes-summary",
        &[
            ("unused", &account.unused_backup_codes().count()),
            ("total", &account.backup_codes.len()),
        ],
    );
    Ok(())
}
