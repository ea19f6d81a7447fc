//! `mamori trash [--restore QUERY | --empty]`: the accounts deleted in the last 30 days.

use serde::Serialize;

use mamori::account::{Account, Trashed};
use mamori::accounts;
use mamori::vault::SaveKind;

use crate::cli::args::TrashArgs;
use crate::cli::{Cli, Failure, output, password, session};

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    issuer: &'a str,
    name: &'a str,
    trashed_at: String,
    purged_after: String,
}

/// Lists the trash, restores one account from it, or empties it.
pub fn run(cli: &Cli, args: &TrashArgs) -> Result<(), Failure> {
    let mut vault = session::open(cli)?;
    if let Some(query) = &args.restore {
        let binned: Vec<Account> = vault.trash().iter().map(|t| t.account.clone()).collect();
        let id = session::find_one(&binned, query)?.id.clone();
        let account = vault.update_with_trash(SaveKind::Structural, |list, trash| {
            Ok::<_, Failure>(accounts::restore(list, trash, &id, None)?)
        })?;
        output::say("cli-trash-restored", &[("label", &account.label())]);
        return Ok(());
    }
    if args.empty {
        let count = vault.trash().len();
        if count == 0 {
            output::say("cli-trash-empty", &[]);
            return Ok(());
        }
        if !args.yes && !password::confirm("cli-trash-empty-confirm", &[("count", &count)])? {
            output::say("cli-cancelled", &[]);
            return Ok(());
        }
        let emptied = vault.update_with_trash(SaveKind::Structural, |_, trash| {
            Ok::<_, Failure>(accounts::empty_trash(trash))
        })?;
        output::say("cli-trash-emptied", &[("count", &emptied)]);
        return Ok(());
    }
    let rows: Vec<Row> = vault.trash().iter().map(row).collect();
    if cli.json {
        output::json(&rows);
        return Ok(());
    }
    if rows.is_empty() {
        output::say("cli-trash-empty", &[]);
        return Ok(());
    }
    for r in &rows {
        output::line(&mamori::i18n::tr(
            crate::cli::lang(),
            "cli-trash-line",
            &[
                ("label", &mamori::account::label(r.issuer, r.name)),
                ("when", &r.trashed_at),
                ("purged", &r.purged_after),
                ("id", &r.id),
            ],
        ));
    }
    Ok(())
}

fn row(trashed: &Trashed) -> Row<'_> {
    Row {
        id: &trashed.account.id.0,
        issuer: &trashed.account.issuer,
        name: &trashed.account.name,
        trashed_at: mamori::time::rfc3339(trashed.trashed_at),
        purged_after: mamori::time::rfc3339(trashed.purged_at()),
    }
}
