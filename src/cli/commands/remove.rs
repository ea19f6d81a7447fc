//! `mamori remove QUERY [--yes]`: remove one account.

use mamori::accounts;
use mamori::vault::SaveKind;

use crate::cli::args::RemoveArgs;
use crate::cli::{Cli, Failure, output, password, session};

/// Removes the one account the query names, after confirmation.
pub fn run(cli: &Cli, args: &RemoveArgs) -> Result<(), Failure> {
    let mut vault = session::open(cli)?;
    let account = session::find_one(vault.accounts(), &args.query)?.clone();
    if !args.yes && !password::confirm("cli-remove-confirm", &[("label", &account.label())])? {
        output::say("cli-cancelled", &[]);
        return Ok(());
    }
    vault.update(SaveKind::Structural, |accounts| {
        accounts::delete(accounts, &account.id)?;
        Ok::<_, Failure>(())
    })?;
    output::say("cli-removed", &[("label", &account.label())]);
    Ok(())
}
