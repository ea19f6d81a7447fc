//! What every vault command needs: the vault path, the unlocked vault, and finding the account
//! a query names.

use std::path::PathBuf;

use mamori::account::Account;
use mamori::vault::{LockedVault, ReadOnly, Vault, seen, store};

use super::failure::{EXIT_ERROR, EXIT_NOT_FOUND, Failure};
use super::{Cli, output, password};

/// `--vault`, `MAMORI_VAULT` (clap reads both), or the per-user default.
pub fn vault_path(cli: &Cli) -> Result<PathBuf, Failure> {
    match &cli.vault {
        Some(path) => Ok(path.clone()),
        None => store::default_vault_path()
            .ok_or_else(|| Failure::new(EXIT_ERROR, "cli-no-default-path", &[])),
    }
}

/// Reads and unlocks the vault, asking for the password only if it has one. A password slot
/// below the current KDF cost is upgraded while the password is at hand.
pub fn open(cli: &Cli) -> Result<Vault, Failure> {
    let path = vault_path(cli)?;
    store::clean_up_after_crash(&store::VaultPaths::new(&path));
    let locked = LockedVault::read(&path)?;
    let mut vault = if locked.needs_password() {
        let password = password::current(cli.password_file.as_deref())?;
        let mut vault = locked.unlock(Some(&password))?;
        match vault.upgrade_kdf_if_needed(&password) {
            Ok(true) => output::say("cli-kdf-upgraded", &[]),
            Ok(false) => {}
            // The command can still run on what was read; the upgrade is retried next time.
            Err(e) => output::warn(&e),
        }
        vault
    } else {
        locked.unlock(None)?
    };
    if let Some(reason) = vault.read_only() {
        match reason {
            ReadOnly::NewerFormat(minor) => {
                output::say("cli-read-only-format", &[("minor", minor)])
            }
            ReadOnly::NewerContent(v) => output::say("cli-read-only-content", &[("version", v)]),
        }
    }
    vault.set_backups_kept(store::DEFAULT_BACKUPS_KEPT);
    if let Some(state) = seen_file()
        && let Some(newest) = vault.track_generations(state)
    {
        output::say(
            "cli-older-copy",
            &[
                ("generation", &vault.header().generation),
                ("newest", &newest),
            ],
        );
    }
    Ok(vault)
}

/// Where the newest seen generation of each vault is kept: `MAMORI_CONFIG_DIR` if set (tests and
/// portable setups), else the per-user config folder.
fn seen_file() -> Option<PathBuf> {
    match std::env::var_os("MAMORI_CONFIG_DIR") {
        Some(dir) => Some(PathBuf::from(dir).join("seen-generations.json")),
        None => seen::default_path(),
    }
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

/// The index of the account with this id in a (possibly reloaded) list. Another process may
/// have removed it since the query was resolved.
pub fn position(accounts: &[Account], id: &mamori::account::AccountId) -> Result<usize, Failure> {
    accounts
        .iter()
        .position(|a| &a.id == id)
        .ok_or_else(|| Failure::new(EXIT_NOT_FOUND, "cli-account-gone", &[]))
}

/// The account with this id in a (possibly reloaded) list, to change it.
pub fn account_mut<'a>(
    accounts: &'a mut [Account],
    id: &mamori::account::AccountId,
) -> Result<&'a mut Account, Failure> {
    let index = position(accounts, id)?;
    Ok(&mut accounts[index])
}
