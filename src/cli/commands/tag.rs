//! `mamori tag QUERY --add TAG… --remove TAG…`: an account's tags.

use mamori::accounts;
use mamori::vault::SaveKind;

use crate::cli::args::TagArgs;
use crate::cli::{Cli, Failure, output, session};

/// Adds and removes tags on the one account the query names, then prints its tags.
pub fn run(cli: &Cli, args: &TagArgs) -> Result<(), Failure> {
    let mut vault = session::open(cli)?;
    let id = session::find_one(vault.accounts(), &args.query)?.id.clone();
    let now = mamori::time::unix_now();
    let account = vault.update(SaveKind::Structural, |list| {
        Ok::<_, Failure>(accounts::set_tags(list, &id, &args.add, &args.remove, now)?)
    })?;
    let label = account.label();
    if account.tags.is_empty() {
        output::say("cli-tags-none", &[("label", &label)]);
    } else {
        output::say(
            "cli-tags",
            &[("label", &label), ("tags", &account.tags.join(", "))],
        );
    }
    Ok(())
}
