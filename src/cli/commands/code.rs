//! `mamori code`: current codes for a key URI or for accounts in the vault.

use serde::Serialize;

use mamori::account::{Account, AccountId, OtpKind};
use mamori::accounts;
use mamori::otp::{self, Code};
use mamori::uri::KeyUri;
use mamori::vault::SaveKind;

use crate::cli::args::CodeArgs;
use crate::cli::failure::EXIT_NOT_FOUND;
use crate::cli::{Cli, Failure, output, session};

#[derive(Serialize)]
struct Row {
    issuer: String,
    name: String,
    code: String,
    remaining: Option<u32>,
    period: Option<u32>,
}

fn print(cli: &Cli, rows: &[Row]) {
    if cli.json {
        output::json(&rows);
    } else if let [only] = rows {
        output::line(&only.code);
    } else {
        for row in rows {
            let left = row.remaining.map_or("-".to_string(), |r| r.to_string());
            output::line(&format!(
                "{} {} {left}",
                mamori::account::label(&row.issuer, &row.name),
                row.code
            ));
        }
    }
}

fn row(issuer: &str, name: &str, code: Code) -> Row {
    Row {
        issuer: issuer.to_string(),
        name: name.to_string(),
        code: code.code,
        remaining: code.remaining,
        period: code.period,
    }
}

/// Prints the code(s). HOTP accounts in the vault advance their counter
/// ([`accounts::next_hotp_code`]), saved atomically before the code is shown.
pub fn run(cli: &Cli, args: &CodeArgs) -> Result<(), Failure> {
    let at = args.at.unwrap_or_else(mamori::time::unix_now);
    if let Some(uri) = &args.uri {
        let key: KeyUri = crate::cli::key_input::read(uri)?.parse()?;
        for warning in &key.warnings {
            output::warn(warning);
        }
        print(
            cli,
            &[row(&key.issuer, &key.name, otp::generate(&key.otp, at))],
        );
        return Ok(());
    }
    let mut vault = session::open(cli)?;
    let query = args.query.as_deref().unwrap_or("");
    let chosen: Vec<AccountId> = vault
        .accounts()
        .iter()
        .filter(|a| a.matches(query))
        .map(|a| a.id.clone())
        .collect();
    if chosen.is_empty() {
        return Err(if vault.accounts().is_empty() {
            Failure::new(EXIT_NOT_FOUND, "cli-vault-empty", &[])
        } else {
            Failure::new(EXIT_NOT_FOUND, "cli-no-match", &[("query", &query)])
        });
    }
    let is_hotp = |a: &Account| matches!(a.otp.kind, OtpKind::Hotp { .. });
    let has_hotp = vault
        .accounts()
        .iter()
        .any(|a| chosen.contains(&a.id) && is_hotp(a));
    let compute = |accounts: &mut [Account]| -> Result<Vec<Row>, Failure> {
        let mut rows = Vec::new();
        for id in &chosen {
            let Some(account) = accounts.iter().find(|a| &a.id == id) else {
                continue;
            };
            let (issuer, name) = (account.issuer.clone(), account.name.clone());
            let code = if is_hotp(account) {
                // `updated` is when it happened, whatever `--at` says.
                accounts::next_hotp_code(accounts, id, mamori::time::unix_now())?
            } else {
                otp::generate(&account.otp, at)
            };
            rows.push(row(&issuer, &name, code));
        }
        Ok(rows)
    };
    let rows = if has_hotp {
        vault.update(SaveKind::Routine, |accounts| compute(accounts))?
    } else {
        compute(&mut vault.accounts().to_vec())?
    };
    print(cli, &rows);
    Ok(())
}
