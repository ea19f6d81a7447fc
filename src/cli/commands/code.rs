//! `mamori code`: current codes for a key URI or for accounts in the vault.

use serde::Serialize;

use mamori::account::{Account, AccountId, OtpKind};
use mamori::accounts;
use mamori::i18n::Localize as _;
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

/// Now, plus the measured clock offset when `apply_offset` in settings.json asks for it, by
/// the library's rules (two servers agree; over 10 minutes is never applied here, since only
/// the window can ask). Says on stderr what was applied, or why nothing was.
fn now_with_clock_offset() -> u64 {
    use mamori::clock_check::{self, Correction};
    let settings = crate::cli::settings().clock;
    let servers = settings.servers();
    if !settings.apply_offset || servers.is_empty() {
        return mamori::time::unix_now();
    }
    let result = clock_check::check(&servers, clock_check::CHECK_TIMEOUT);
    let lang = crate::cli::lang();
    let drift = |offset: f64| clock_check::describe(offset).localize(lang);
    let server = result
        .as_ref()
        .map(|r| r.server.clone())
        .unwrap_or_default();
    let offset = match clock_check::correction(true, result.as_ref().ok(), None) {
        Correction::Applied(offset) => {
            output::say(
                "cli-clock-applied",
                &[("drift", &drift(offset)), ("server", &server)],
            );
            offset
        }
        Correction::NeedsConfirmation(offset) => {
            let minutes = clock_check::MAX_UNASKED_OFFSET_SECONDS / 60.0;
            output::say(
                "cli-clock-needs-confirmation",
                &[
                    ("drift", &drift(offset)),
                    ("server", &server),
                    ("minutes", &minutes),
                ],
            );
            0.0
        }
        Correction::None => {
            if let Err(error) = &result {
                output::say(
                    "cli-clock-not-applied",
                    &[("reason", &error.localize(lang))],
                );
            }
            0.0
        }
    };
    // Read after the check, which may take up to 2 s.
    (mamori::time::unix_now() as f64 + offset).round().max(0.0) as u64
}

/// Prints the code(s). HOTP accounts in the vault advance their counter
/// ([`accounts::next_hotp_code`]), saved atomically before the code is shown. Without `--at`,
/// the time is the system clock's, corrected when the settings ask for it
/// ([`now_with_clock_offset`]).
pub fn run(cli: &Cli, args: &CodeArgs) -> Result<(), Failure> {
    let at = args.at.unwrap_or_else(now_with_clock_offset);
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
