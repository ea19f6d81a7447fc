//! `mamori rename QUERY [--name NAME] [--issuer I] [--note TEXT]`: edit labels.

use mamori::accounts;
use mamori::vault::SaveKind;

use crate::cli::args::RenameArgs;
use crate::cli::{Cli, Failure, output, session};

/// Changes the labels of the one account the query names.
pub fn run(cli: &Cli, args: &RenameArgs) -> Result<(), Failure> {
    let mut vault = session::open(cli)?;
    let id = session::find_one(vault.accounts(), &args.query)?.id.clone();
    let now = mamori::time::unix_now();
    let edit = accounts::Edit {
        issuer: args.issuer.clone(),
        name: args.name.clone(),
        note: args.note.clone(),
    };
    let edited = vault.update(SaveKind::Structural, |accounts| {
        Ok::<_, Failure>(accounts::edit(accounts, &id, edit, now)?)
    })?;
    let label = edited.label();
    output::say("cli-renamed", &[("label", &label)]);
    Ok(())
}
