//! `mamori restore --list | --from FILE`: see the vault's backups, or make one the vault.

use mamori::vault::{LockedVault, backups, store};

use crate::cli::args::RestoreArgs;
use crate::cli::{Cli, Failure, output, password, session};

/// Lists backups (newest first) or restores one.
pub fn run(cli: &Cli, args: &RestoreArgs) -> Result<(), Failure> {
    let path = session::vault_path(cli)?;
    let paths = store::VaultPaths::new(&path);
    if args.list {
        let backups = backups::list(&paths);
        if backups.is_empty() {
            output::say("cli-restore-none", &[("dir", &paths.backups.display())]);
            return Ok(());
        }
        for backup in backups.iter().rev() {
            let state = match LockedVault::read(backup) {
                Ok(locked) => mamori::i18n::tr(
                    crate::cli::lang(),
                    "cli-restore-state-ok",
                    &[("generation", &locked.header().generation)],
                ),
                Err(e) => mamori::i18n::Localize::localize(&e, crate::cli::lang()),
            };
            output::line(&format!("{}  {state}", backup.display()));
        }
        return Ok(());
    }
    let Some(from) = &args.from else {
        return Ok(());
    };
    let locked = LockedVault::read(from)?;
    let vault = if locked.needs_password() {
        let password = password::current(cli.password_file.as_deref())?;
        locked.unlock(Some(&password))?
    } else {
        locked.unlock(None)?
    };
    let count = vault.accounts().len();
    let restored = vault.restore_to(&path)?;
    output::say(
        "cli-restored",
        &[
            ("from", &from.display()),
            ("path", &restored.path().display()),
            ("count", &count),
        ],
    );
    Ok(())
}
