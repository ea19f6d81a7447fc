//! What every vault command needs: the vault path, the unlocked vault, and finding the account
//! a query names.

use std::path::PathBuf;

use mamori::account::Account;
use mamori::i18n::Localize as _;
use mamori::vault::Vault;
use mamori::vault::opening::{self, Notice};

use super::failure::{EXIT_ERROR, EXIT_NOT_FOUND, Failure};
use super::{Cli, lang, output, password};

/// `--vault`, `MAMORI_VAULT` (clap reads both), or the per-user default.
pub fn vault_path(cli: &Cli) -> Result<PathBuf, Failure> {
    match &cli.vault {
        Some(path) => Ok(path.clone()),
        None => mamori::paths::default_vault_path()
            .ok_or_else(|| Failure::new(EXIT_ERROR, "cli-no-default-path", &[])),
    }
}

/// Reads and unlocks the vault, asking for the password only if it has one. A password slot
/// below the current KDF cost is upgraded while the password is at hand.
pub fn open(cli: &Cli) -> Result<Vault, Failure> {
    let path = vault_path(cli)?;
    let locked = opening::read(&path)?;
    let password = match locked.needs_password() {
        true => Some(password::current(cli.password_file.as_deref())?),
        false => None,
    };
    let opened = opening::unlock(
        locked,
        password.as_deref().map(|p| p.as_str()),
        mamori::paths::seen_generations_file(),
        mamori::vault::activity::Actor::current("cli"),
    )?;
    for notice in &opened.notices {
        match notice {
            // The command can still run on what was read; the upgrade is retried next time.
            Notice::KdfUpgradeFailed(e) => output::warn(e),
            notice => output::message(&notice.localize(lang())),
        }
    }
    Ok(opened.vault)
}

/// The one account `query` names (substring of issuer or name, or its id). None: exit 4.
/// Several: exit 1, listing them.
pub fn find_one<'a>(accounts: &'a [Account], query: &str) -> Result<&'a Account, Failure> {
    let exact: Vec<&Account> = accounts.iter().filter(|a| a.id.0 == query).collect();
    if let [only] = exact.as_slice() {
        return Ok(only);
    }
    let matches: Vec<&Account> = accounts.iter().filter(|a| a.matches(query)).collect();
    match matches.as_slice() {
        [] => Err(Failure::new(
            EXIT_NOT_FOUND,
            "cli-no-match",
            &[("query", &query)],
        )),
        [only] => Ok(only),
        several => {
            let list = several
                .iter()
                .map(|a| format!("  {}  ({})", a.label(), a.id))
                .collect::<Vec<_>>()
                .join("\n");
            Err(Failure::new(
                EXIT_ERROR,
                "cli-ambiguous",
                &[
                    ("query", &query),
                    ("count", &several.len()),
                    ("list", &list),
                ],
            ))
        }
    }
}
