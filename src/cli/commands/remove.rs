//! `mamori remove QUERY [--yes]`: move one account to the trash (kept 30 days).

use mamori::accounts;
use mamori::vault::SaveKind;

use crate::cli::args::RemoveArgs;
use crate::cli::{Cli, Failure, output, password, session};

/// Moves the one account the query names to the trash, after confirmation.
pub fn run(cli: &Cli, args: &RemoveArgs) -> Result<(), Failure> {
    let mut vault = session::open(cli)?;
    let account = session::find_one(vault.accounts(), &args.query)?.clone();
    if !args.yes && !password::confirm("cli-remove-confirm", &[("label", &account.label())])? {
        output::say("cli-cancelled", &[]);
        return Ok(());
    }
    let now = mamori::time::unix_now();
    vault.update_with_trash(SaveKind::Structural, |accounts, trash| {
        accounts::trash(accounts, trash, &account.id, now)?;
        Ok::<_, Failure>(())
    })?;
    output::say("cli-removed", &[("label", &account.label())]);
    Ok(())
}
