//! Every backup of a vault, in one place (`docs/vault.md` §6). All three kinds are complete
//! vault files, written with [`crate::fsio::atomic_write`], that open like any vault:
//!
//! - **Rolling backups** beside the vault, in `<vault>.backups/`: the file as it was before
//!   each structural save (`keep_previous`), pruned to the newest few ([`prune`]), listed for
//!   restore ([`list`]) and searched for one that still opens when the vault is damaged
//!   ([`newest_openable`]). Restoring keeps the file it replaces there too (`keep_replaced`).
//! - **Automatic backups** to a folder the user chooses, like Aegis ([`copy_to_folder`]): the
//!   vault file as just saved, still encrypted under the vault's password.
//! - **Mamori's own backup export** ([`export`]): a new vault holding the accounts under a
//!   password chosen for the copy.
//!
//! [`crate::vault::Vault`] calls the rolling part as it saves; the shells call the other two.

use std::fs;
use std::path::{Path, PathBuf};

use super::container::{self, MAX_FILE, Slot};
use super::crypto::{self, KdfParams, Key};
use super::store::VaultPaths;
use super::{LockedVault, SaveKind, Vault, VaultError};
use crate::account::Account;
use crate::fsio::{DiskStorage, IoAction, IoFailure, Storage};

// ---------------------------------------------------------------------------------------------
// Rolling backups beside the vault (§6).

/// How many rolling backups are kept by default.
pub const DEFAULT_KEPT: usize = 10;

/// A rolling backup's file name: `vault-YYYYMMDDTHHMMSSZ-g<generation>.mamori`.
pub fn name(time: u64, generation: u64) -> String {
    format!(
        "vault-{}-g{generation}.mamori",
        crate::time::compact_utc(time)
    )
}

/// `(time stamp, generation)` of a file name made by [`name`].
pub fn parse_name(name: &str) -> Option<(String, u64)> {
    let rest = name.strip_prefix("vault-")?.strip_suffix(".mamori")?;
    let (stamp, generation) = rest.split_once("-g")?;
    let valid_stamp = stamp.len() == 16
        && stamp.as_bytes()[8] == b'T'
        && stamp.ends_with('Z')
        && stamp
            .chars()
            .enumerate()
            .all(|(i, c)| i == 8 || i == 15 || c.is_ascii_digit());
    if !valid_stamp || generation.is_empty() || !generation.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((stamp.to_string(), generation.parse().ok()?))
}

/// The rolling backups of a vault, oldest first.
pub fn list(paths: &VaultPaths) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(&paths.backups) else {
        return Vec::new();
    };
    let mut found: Vec<((String, u64), PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let key = parse_name(&e.file_name().to_string_lossy())?;
            Some((key, e.path()))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, path)| path).collect()
}

/// Deletes the oldest rolling backups so that at most `keep` remain. Only files named by
/// [`name`] are ever removed.
pub fn prune(paths: &VaultPaths, keep: usize) -> Result<(), IoFailure> {
    let backups = list(paths);
    let excess = backups.len().saturating_sub(keep);
    for path in &backups[..excess] {
        fs::remove_file(path).map_err(|e| IoFailure::new(IoAction::List, path, e))?;
    }
    Ok(())
}

/// §5 step 5: keeps `previous` (the vault file of `generation` as it was on disk, known to
/// open) in the backup folder before a structural save replaces it. The copy must parse as a
/// vault before it is kept.
pub(super) fn keep_previous(
    storage: &dyn Storage,
    paths: &VaultPaths,
    previous: &[u8],
    generation: u64,
) -> Result<(), IoFailure> {
    crate::fsio::create_private_dir(&paths.backups)?;
    crate::fsio::atomic_write(
        storage,
        &paths
            .backups
            .join(name(crate::time::unix_now(), generation)),
        &paths.temp_prefix,
        previous,
        true,
        &|bytes| container::parse(bytes).is_ok(),
    )
}

/// Restore (§6): keeps `current`, the file a restored vault is about to replace (of
/// `generation`, 0 when it does not parse), in the backup folder as `vault-…-replaced.mamori`.
/// That name is not [`name`]'s, so pruning never removes it. The bytes are kept as they are,
/// damaged or not.
pub(super) fn keep_replaced(
    storage: &dyn Storage,
    paths: &VaultPaths,
    current: &[u8],
    generation: u64,
) -> Result<(), IoFailure> {
    let replaced = name(crate::time::unix_now(), generation).replace(".mamori", "-replaced.mamori");
    crate::fsio::create_private_dir(&paths.backups)?;
    crate::fsio::atomic_write(
        storage,
        &paths.backups.join(replaced),
        &paths.temp_prefix,
        current,
        false,
        &|_| true,
    )
}

/// The newest rolling backup of `paths` that opens: fully checked for plain vaults and for
/// password vaults whose slot matches `kek` (same salt and cost), structurally otherwise.
pub fn newest_openable(paths: &VaultPaths, kek: Option<&(KdfParams, Key)>) -> Option<PathBuf> {
    list(paths).into_iter().rev().find(|path| {
        let Ok(bytes) = crate::fsio::read_capped(path, MAX_FILE) else {
            return false;
        };
        let Ok(locked) = LockedVault::from_bytes(path, bytes) else {
            return false;
        };
        if !locked.needs_password() {
            return locked.unlock(None).is_ok();
        }
        match (kek, locked.password_slot()) {
            (
                Some((params, kek)),
                Some(Slot::Password {
                    id,
                    kdf,
                    nonce,
                    wrapped,
                }),
            ) if kdf == params => crypto::unwrap_key(kek, nonce, wrapped, "password", id)
                .is_some_and(|master| locked.unlock_with_key(&master).is_ok()),
            _ => true,
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Automatic backups to a chosen folder (§6 "Automatic backups").
//
// File names are `mamori-<first 8 hex digits of the vault id>-<UTC time>-g<generation>.mamori`,
// so backups of several vaults can share a folder and only this vault's files are pruned;
// nothing else in the folder is touched.

/// What [`copy_to_folder`] did.
#[derive(Debug, PartialEq, Eq)]
pub struct FolderCopy {
    /// The copy made (or already there for this generation).
    pub path: PathBuf,
    /// True when the vault has no password, so the copy is not encrypted either.
    pub unencrypted: bool,
    /// Older copies deleted to keep the newest `keep`.
    pub removed: Vec<PathBuf>,
}

/// Temporary files of a copy being written into the backup folder.
const FOLDER_TEMP_PREFIX: &str = ".mamori-backup.tmp";

/// The start of every automatic backup's name of the vault with this id.
fn folder_prefix(vault_id: &str) -> String {
    format!("mamori-{}-", vault_id.get(..8).unwrap_or(vault_id))
}

/// `(generation, time stamp)` of an automatic backup's file name of the vault with this prefix.
fn parse_folder_name(name: &str, prefix: &str) -> Option<(u64, String)> {
    let rest = name.strip_prefix(prefix)?.strip_suffix(".mamori")?;
    let (stamp, generation) = rest.rsplit_once("-g")?;
    Some((generation.parse().ok()?, stamp.to_string()))
}

/// This vault's automatic backups in `folder`: (generation, stamp, path).
fn list_in_folder(folder: &Path, prefix: &str) -> Vec<(u64, String, PathBuf)> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (generation, stamp) = parse_folder_name(&name, prefix)?;
            Some((generation, stamp, e.path()))
        })
        .collect()
}

/// After a change, the shell calls this: copies the vault file of `vault` into `folder`
/// (created with mode 0700 if missing) and keeps the newest `keep` copies of this vault there
/// (`keep` 0 is treated as 1). The file on disk must be the one `vault` last loaded or wrote;
/// the copy is checked to be a vault before it replaces anything.
pub fn copy_to_folder(vault: &Vault, folder: &Path, keep: usize) -> Result<FolderCopy, IoFailure> {
    let bytes = crate::fsio::read_capped(vault.path(), MAX_FILE)?;
    let parsed = container::parse(&bytes).map_err(|_| IoFailure {
        action: IoAction::Verify,
        path: vault.path().to_path_buf(),
        source: std::io::Error::other("the vault file does not parse as a vault"),
    })?;
    let header = &parsed.header;
    let unencrypted = LockedVault::from_bytes(vault.path(), bytes.clone())
        .map(|l| !l.needs_password())
        .unwrap_or(false);
    crate::fsio::create_private_dir(folder)?;
    crate::fsio::remove_old_temps(folder, FOLDER_TEMP_PREFIX);
    let prefix = folder_prefix(&header.vault_id);
    let existing = list_in_folder(folder, &prefix);
    let path = match existing.iter().find(|(g, _, _)| *g == header.generation) {
        Some((_, _, path)) => path.clone(),
        None => {
            let name = format!(
                "{prefix}{}-g{}.mamori",
                crate::time::compact_utc(crate::time::unix_now()),
                header.generation
            );
            let path = folder.join(name);
            crate::fsio::atomic_write(
                &DiskStorage,
                &path,
                FOLDER_TEMP_PREFIX,
                &bytes,
                false,
                &|b| container::parse(b).is_ok(),
            )?;
            path
        }
    };
    let mut all = list_in_folder(folder, &prefix);
    all.sort();
    let excess = all.len().saturating_sub(keep.max(1));
    let mut removed = Vec::new();
    for (_, _, old) in all.into_iter().take(excess) {
        if old != path && fs::remove_file(&old).is_ok() {
            removed.push(old);
        }
    }
    Ok(FolderCopy {
        path,
        unencrypted,
        removed,
    })
}

// ---------------------------------------------------------------------------------------------
// Mamori's own backup export (`docs/formats.md` §16).

/// Mamori's own encrypted backup: a new vault holding `accounts` (ids, notes and backup codes
/// included) under `password`, written to `dest` atomically with mode 0600 (replacing a file
/// there). `kdf` picks the Argon2id cost (`None`: the default cost). The export registry
/// ([`crate::formats::export::write`]) calls this for its `mamori` format.
pub fn export(
    accounts: &[Account],
    password: &str,
    dest: &Path,
    kdf: Option<KdfParams>,
) -> Result<(), VaultError> {
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // The copy is made next to the destination (same file system), then renamed into place.
    let scratch = tempfile::Builder::new()
        .prefix(".mamori-export")
        .tempdir_in(dir)
        .map_err(|e| IoFailure::new(IoAction::Write, dir, e))?;
    let path = scratch.path().join("export.mamori");
    let mut copy = match kdf {
        Some(kdf) => Vault::create_with_kdf(&path, password, kdf),
        None => Vault::create(&path, Some(password)),
    }?;
    copy.set_backups_kept(0);
    let owned = accounts.to_vec();
    copy.update(SaveKind::Routine, move |list| {
        list.extend(owned);
        Ok::<_, VaultError>(())
    })?;
    let bytes = crate::fsio::read_capped(&path, MAX_FILE)?;
    crate::fsio::write_private(dest, ".mamori-export.tmp", &bytes)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::OtpParams;
    use crate::secret::Secret;

    #[test]
    fn rolling_backup_names_round_trip_and_others_are_ignored() {
        let made = name(1_700_000_000, 42);
        assert_eq!(made, "vault-20231114T221320Z-g42.mamori");
        assert_eq!(
            parse_name(&made),
            Some(("20231114T221320Z".to_string(), 42))
        );
        for other in [
            "vault-20231114T221320Z-g42-replaced.mamori",
            "vault.mamori",
            "vault-2023-g1.mamori",
            "notes.txt",
        ] {
            assert_eq!(parse_name(other), None, "{other}");
        }
    }

    #[test]
    fn only_old_temporary_files_with_the_prefix_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(".mamori-backup.tmpA1");
        let fresh = dir.path().join(".mamori-backup.tmpB2");
        let other = dir.path().join("vault-x-g1.mamori");
        for path in [&old, &fresh, &other] {
            fs::write(path, b"x").unwrap();
        }
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for path in [&old, &other] {
            fs::File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(an_hour_ago)
                .unwrap();
        }
        crate::fsio::remove_old_temps(dir.path(), FOLDER_TEMP_PREFIX);
        assert!(!old.exists());
        assert!(fresh.exists(), "a save may be writing it right now");
        assert!(other.exists());
    }

    #[test]
    fn a_folder_keeps_the_newest_n_of_this_vault_only() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("backups");
        let mut vault = Vault::create(&dir.path().join("v.mamori"), None).unwrap();
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("notes.txt"), "mine").unwrap();
        fs::write(folder.join("mamori-ffffffff-x-g1.mamori"), "other vault").unwrap();
        let mut paths = Vec::new();
        for i in 0..5 {
            let (secret, _) = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
            vault
                .update(SaveKind::Routine, |accounts| {
                    accounts.push(Account::new(
                        "I".into(),
                        format!("n{i}"),
                        OtpParams::totp(secret),
                        0,
                    ));
                    Ok::<_, VaultError>(())
                })
                .unwrap();
            let copy = copy_to_folder(&vault, &folder, 3).unwrap();
            assert!(copy.unencrypted);
            paths.push(copy.path);
        }
        // Copying again without a change makes no new copy.
        assert_eq!(copy_to_folder(&vault, &folder, 3).unwrap().path, paths[4]);
        let mut names: Vec<String> = fs::read_dir(&folder)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names.len(), 5, "{names:?}");
        assert!(names.contains(&"notes.txt".to_string()));
        assert!(names.contains(&"mamori-ffffffff-x-g1.mamori".to_string()));
        for kept in &paths[2..] {
            assert!(kept.exists());
            let copy = LockedVault::read(kept).unwrap().unlock(None).unwrap();
            assert!(!copy.accounts().is_empty());
        }
        assert!(!paths[0].exists() && !paths[1].exists());
    }
}
