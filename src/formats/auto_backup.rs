//! Automatic backups to a folder the user chooses (like Aegis): after every change the shell
//! calls [`write`], which copies the vault file as just saved — already encrypted under the
//! vault's password — into the folder, then keeps only the newest `keep` copies of that vault.
//!
//! File names are `mamori-<first 8 hex digits of the vault id>-<UTC time>-g<generation>.mamori`,
//! so backups of several vaults can share a folder and only this vault's files are pruned;
//! nothing else in the folder is touched. A copy opens like any vault (`mamori restore --from`).

use std::path::{Path, PathBuf};

use crate::fsio::{IoAction, IoFailure};
use crate::vault::container::{self, MAX_FILE};
use crate::vault::{LockedVault, Vault};

/// What [`write`] did.
#[derive(Debug, PartialEq, Eq)]
pub struct Written {
    /// The copy made (or already there for this generation).
    pub path: PathBuf,
    /// True when the vault has no password, so the copy is not encrypted either.
    pub unencrypted: bool,
    /// Older copies deleted to keep the newest `keep`.
    pub removed: Vec<PathBuf>,
}

fn prefix(vault_id: &str) -> String {
    format!("mamori-{}-", vault_id.get(..8).unwrap_or(vault_id))
}

/// `(generation, time stamp)` of a backup file name of the vault with this prefix.
fn parse_name(name: &str, prefix: &str) -> Option<(u64, String)> {
    let rest = name.strip_prefix(prefix)?.strip_suffix(".mamori")?;
    let (stamp, generation) = rest.rsplit_once("-g")?;
    Some((generation.parse().ok()?, stamp.to_string()))
}

/// Temporary files of a copy being written into the backup folder.
const TEMP_PREFIX: &str = ".mamori-backup.tmp";

/// Copies the vault file of `vault` into `folder` (created with mode 0700 if missing) and
/// keeps the newest `keep` copies of this vault there (`keep` 0 is treated as 1). The file on
/// disk must be the one `vault` last loaded or wrote; the copy is checked to be a vault before
/// it replaces anything.
pub fn write(vault: &Vault, folder: &Path, keep: usize) -> Result<Written, IoFailure> {
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
    crate::fsio::remove_old_temps(folder, TEMP_PREFIX);
    let prefix = prefix(&header.vault_id);
    let existing = list(folder, &prefix);
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
                &crate::fsio::DiskStorage,
                &path,
                TEMP_PREFIX,
                &bytes,
                false,
                &|b| container::parse(b).is_ok(),
            )?;
            path
        }
    };
    let mut all = list(folder, &prefix);
    all.sort();
    let excess = all.len().saturating_sub(keep.max(1));
    let mut removed = Vec::new();
    for (_, _, old) in all.into_iter().take(excess) {
        if old != path && std::fs::remove_file(&old).is_ok() {
            removed.push(old);
        }
    }
    Ok(Written {
        path,
        unencrypted,
        removed,
    })
}

/// This vault's backups in `folder`: (generation, stamp, path).
fn list(folder: &Path, prefix: &str) -> Vec<(u64, String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let (generation, stamp) = parse_name(&name, prefix)?;
            Some((generation, stamp, e.path()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Account, OtpParams};
    use crate::secret::Secret;
    use crate::vault::SaveKind;

    #[test]
    fn keeps_the_newest_n_of_this_vault_only() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("backups");
        let mut vault = Vault::create(&dir.path().join("v.mamori"), None).unwrap();
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("notes.txt"), "mine").unwrap();
        std::fs::write(folder.join("mamori-ffffffff-x-g1.mamori"), "other vault").unwrap();
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
                    Ok::<_, crate::vault::VaultError>(())
                })
                .unwrap();
            let written = write(&vault, &folder, 3).unwrap();
            assert!(written.unencrypted);
            paths.push(written.path);
        }
        // Writing again without a change makes no new copy.
        assert_eq!(write(&vault, &folder, 3).unwrap().path, paths[4]);
        let mut names: Vec<String> = std::fs::read_dir(&folder)
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
