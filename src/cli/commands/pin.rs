//! `mamori pin QUERY [--off]`: pinned accounts are listed first.

use mamori::accounts;
use mamori::vault::SaveKind;

use crate::cli::args::PinArgs;
use crate::cli::{Cli, Failure, output, session};

/// Pins (or with `--off` unpins) the one account the query names.
pub fn run(cli: &Cli, args: &PinArgs) -> Result<(), Failure> {
    let mut vault = session::open(cli)?;
    let id = session::find_one(vault.accounts(), &args.query)?.id.clone();
    let now = mamori::time::unix_now();
    let account = vault.update(SaveKind::Routine, |list| {
        Ok::<_, Failure>(accounts::set_pinned(list, &id, !args.off, now)?)
    })?;
    let key = if account.pinned {
        "cli-pinned"
    } else {
        "cli-unpinned"
    };
    output::say(key, &[("label", &account.label())]);
    Ok(())
}
