//! `mamori rename QUERY [--name NAME] [--issuer I] [--note TEXT]`: edit labels.

use mamori::vault::SaveKind;

use crate::cli::args::RenameArgs;
use crate::cli::{Cli, Failure, output, session};

/// Changes the labels of the one account the query names.
pub fn run(cli: &Cli, args: &RenameArgs) -> Result<(), Failure> {
    let mut vault = session::open(cli)?;
    let id = session::find_one(vault.accounts(), &args.query)?.id.clone();
    let now = mamori::time::unix_now();
    let label = vault.update(SaveKind::Structural, |accounts| {
        let account = session::account_mut(accounts, &id)?;
        if let Some(name) = &args.name {
            account.name = name.trim().to_string();
        }
        if let Some(issuer) = &args.issuer {
            account.issuer = issuer.trim().to_string();
        }
        if let Some(note) = &args.note {
            account.note = note.clone();
        }
        account.updated = now;
        Ok::<_, Failure>(account.label())
    })?;
    output::say("cli-renamed", &[("label", &label)]);
    Ok(())
}
