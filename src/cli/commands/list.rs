//! `mamori list [QUERY] [--tag TAG] [--json]`: the accounts, without secrets, pinned first.

use serde::Serialize;

use mamori::account::Account;

use crate::cli::args::ListArgs;
use crate::cli::{Cli, Failure, output, session};

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    issuer: &'a str,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    algorithm: &'static str,
    digits: u8,
    period: Option<u32>,
    counter: Option<u64>,
    backup_codes_unused: usize,
    tags: &'a [String],
    pinned: bool,
}

fn row(account: &Account) -> Row<'_> {
    let (period, counter) = (account.otp.kind.period(), account.otp.kind.counter());
    Row {
        id: &account.id.0,
        issuer: &account.issuer,
        name: &account.name,
        kind: account.otp.kind.name(),
        algorithm: account.otp.algorithm.as_str(),
        digits: account.otp.digits,
        period,
        counter,
        backup_codes_unused: account.unused_backup_codes().count(),
        tags: &account.tags,
        pinned: account.pinned,
    }
}

/// Prints one line per account (or a JSON array), pinned accounts first; with a query or a
/// tag, only the accounts matching it.
pub fn run(cli: &Cli, args: &ListArgs) -> Result<(), Failure> {
    let vault = session::open(cli)?;
    let accounts = vault.accounts();
    let rows: Vec<Row> = mamori::accounts::pinned_first(accounts)
        .into_iter()
        .map(|i| &accounts[i])
        .filter(|a| args.query.as_deref().is_none_or(|q| a.matches(q)))
        .filter(|a| args.tag.as_deref().is_none_or(|t| a.has_tag(t)))
        .map(row)
        .collect();
    if rows.is_empty() && (args.query.is_some() || args.tag.is_some()) {
        let query = args.query.as_deref().or(args.tag.as_deref()).unwrap_or("");
        return Err(Failure::new(
            crate::cli::failure::EXIT_NOT_FOUND,
            "cli-no-match",
            &[("query", &query)],
        ));
    }
    if cli.json {
        output::json(&rows);
        return Ok(());
    }
    if rows.is_empty() {
        output::say("cli-list-empty", &[]);
        return Ok(());
    }
    let width = rows
        .iter()
        .map(|r| output::display_width(&mamori::account::label(r.issuer, r.name)))
        .max()
        .unwrap_or(0);
    for r in &rows {
        let label = output::pad(&mamori::account::label(r.issuer, r.name), width);
        let timing = match (r.period, r.counter) {
            (Some(p), _) => format!("{p}s"),
            (_, Some(c)) => format!("#{c}"),
            _ => String::new(),
        };
        let backup = if r.backup_codes_unused > 0 {
            format!("  backup:{}", r.backup_codes_unused)
        } else {
            String::new()
        };
        let pinned = if r.pinned { "  pinned" } else { "" };
        let tags = if r.tags.is_empty() {
            String::new()
        } else {
            format!("  tags:{}", r.tags.join(","))
        };
        output::line(&format!(
            "{label}  {} {} {} {:>5}  {}{backup}{pinned}{tags}",
            r.kind, r.algorithm, r.digits, timing, r.id
        ));
    }
    Ok(())
}
