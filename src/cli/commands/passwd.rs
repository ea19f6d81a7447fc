//! `mamori passwd [--new-password-file PATH | --remove]`: set, change or remove the password.

use mamori::vault::backups;

use crate::cli::args::PasswdArgs;
use crate::cli::failure::EXIT_ERROR;
use crate::cli::{Cli, Failure, output, password, session};

/// Re-encrypts the vault under a new password (new master key) or without one.
pub fn run(cli: &Cli, args: &PasswdArgs) -> Result<(), Failure> {
    let policy = &crate::cli::policy().policy;
    if args.remove {
        policy
            .check_password(None)
            .map_err(|r| Failure::refused(&r))?;
    }
    let mut vault = session::open(cli)?;
    let change = if args.remove {
        if !vault.is_encrypted() {
            output::say("cli-passwd-already-plain", &[]);
            return Ok(());
        }
        if !args.yes && !password::confirm("cli-passwd-remove-confirm", &[])? {
            output::say("cli-cancelled", &[]);
            return Ok(());
        }
        vault.change_password(None)?
    } else {
        let new = password::new(args.new_password_file.as_deref())?;
        policy
            .check_password(Some(&new))
            .map_err(|r| Failure::refused(&r))?;
        vault.change_password(Some(&new))?
    };
    for kind in &change.dropped_slots {
        output::say("cli-passwd-dropped-slot", &[("kind", kind)]);
    }
    match &change.kdf {
        Some(kdf) => output::say(
            "cli-passwd-changed",
            &[("m_mib", &(kdf.m_kib / 1024)), ("t", &kdf.t), ("p", &kdf.p)],
        ),
        None => output::say("cli-passwd-removed", &[]),
    }
    // Every backup now on disk was made before the change, so it opens with the old password
    // (or without one).
    let older_backups = backups::list(vault.paths());
    if older_backups.is_empty() {
        return Ok(());
    }
    if args.purge_backups {
        for path in &older_backups {
            std::fs::remove_file(path).map_err(|e| {
                Failure::new(
                    EXIT_ERROR,
                    "cli-purge-failed",
                    &[
                        ("path", &path.display()),
                        ("reason", &mamori::i18n::os_error(crate::cli::lang(), &e)),
                    ],
                )
            })?;
        }
        output::say("cli-backups-purged", &[("count", &older_backups.len())]);
    } else {
        output::say(
            "cli-old-backups",
            &[
                ("count", &older_backups.len()),
                ("dir", &vault.paths().backups.display()),
            ],
        );
    }
    Ok(())
}
