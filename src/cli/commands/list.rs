//! `mamori list [--json]`: the accounts, without secrets.

use serde::Serialize;

use mamori::account::Account;

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
    }
}

/// Prints one line per account (or a JSON array).
pub fn run(cli: &Cli) -> Result<(), Failure> {
    let vault = session::open(cli)?;
    let rows: Vec<Row> = vault.accounts().iter().map(row).collect();
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
        output::line(&format!(
            "{label}  {} {} {} {:>5}  {}{backup}",
            r.kind, r.algorithm, r.digits, timing, r.id
        ));
    }
    Ok(())
}
