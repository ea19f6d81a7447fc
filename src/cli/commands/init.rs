//! `mamori init [--no-password]`: create the vault.

use mamori::vault::Vault;

use crate::cli::args::InitArgs;
use crate::cli::{Cli, Failure, output, password, session};

/// Creates the vault; refuses to replace an existing file.
pub fn run(cli: &Cli, args: &InitArgs) -> Result<(), Failure> {
    let path = session::vault_path(cli)?;
    if path.exists() {
        return Err(mamori::vault::VaultError::AlreadyExists(path).into());
    }
    let policy = &crate::cli::policy().policy;
    let vault = if args.no_password {
        policy
            .check_password(None)
            .map_err(|r| Failure::refused(&r))?;
        Vault::create(&path, None)?
    } else {
        let password = password::new(cli.password_file.as_deref())?;
        policy
            .check_password(Some(&password))
            .map_err(|r| Failure::refused(&r))?;
        Vault::create(&path, Some(&password))?
    };
    match vault.kdf() {
        Some(kdf) => output::say(
            "cli-init-encrypted",
            &[
                ("path", &path.display()),
                ("m_mib", &(kdf.m_kib / 1024)),
                ("t", &kdf.t),
                ("p", &kdf.p),
            ],
        ),
        None => output::say("cli-init-plain", &[("path", &path.display())]),
    }
    Ok(())
}
