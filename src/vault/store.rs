//! The vault's files on disk (`docs/vault.md` §5-7): where the vault lives, its lock file,
//! the temporary files of a save and where the backup folder sits beside it. The atomic,
//! verified write itself is [`crate::fsio`]'s; what goes into the backup folder is
//! [`super::backups`]'.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use crate::fsio::{IoAction, IoFailure};

/// Largest small state file read (the seen-generations list).
pub const MAX_SEEN_FILE: u64 = 1024 * 1024;
/// How long a writer waits for another one to finish.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// The files that belong to one vault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultPaths {
    /// The vault file.
    pub vault: PathBuf,
    /// Its folder.
    pub dir: PathBuf,
    /// `<vault>.lock`, never deleted.
    pub lock: PathBuf,
    /// `<vault>.backups/`.
    pub backups: PathBuf,
    /// Prefix of temporary files, `.<vault name>.tmp`.
    pub temp_prefix: String,
}

impl VaultPaths {
    /// The paths around a vault file. A vault path that is a symbolic link (a vault kept in a
    /// synced folder and linked from the default place) is resolved once, here: saves replace
    /// the real file and the lock and backups sit beside it. Replacing the link itself with a
    /// regular file would leave the target stale and give two processes two different lock
    /// files.
    pub fn new(vault: &Path) -> VaultPaths {
        let resolved;
        let vault = match std::fs::symlink_metadata(vault) {
            Ok(meta) if meta.file_type().is_symlink() => {
                resolved = std::fs::canonicalize(vault).unwrap_or_else(|_| vault.to_path_buf());
                resolved.as_path()
            }
            _ => vault,
        };
        let dir = match vault.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = vault
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| crate::paths::DEFAULT_VAULT_FILE_NAME.to_string());
        VaultPaths {
            vault: vault.to_path_buf(),
            lock: dir.join(format!("{name}.lock")),
            backups: dir.join(format!("{name}.backups")),
            temp_prefix: format!(".{name}.tmp"),
            dir,
        }
    }
}

/// The advisory write lock of a vault, held for one read-modify-write. Released on drop, and
/// by the OS if the process dies (even on SIGKILL).
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

impl WriteLock {
    /// Takes the lock, waiting up to `wait` for another writer (polling from 5 ms up to 100 ms).
    pub fn acquire(paths: &VaultPaths, wait: Duration) -> Result<WriteLock, LockError> {
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let file = options
            .open(&paths.lock)
            .map_err(|e| LockError::Io(IoFailure::new(IoAction::Lock, &paths.lock, e)))?;
        let start = Instant::now();
        let mut pause = Duration::from_millis(5);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(WriteLock { _file: file }),
                Err(fs::TryLockError::WouldBlock) => {
                    if start.elapsed() >= wait {
                        return Err(LockError::Busy);
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(100));
                }
                Err(fs::TryLockError::Error(e)) => {
                    return Err(LockError::Io(IoFailure::new(
                        IoAction::Lock,
                        &paths.lock,
                        e,
                    )));
                }
            }
        }
    }
}

/// Why the lock could not be taken.
#[derive(Debug)]
pub enum LockError {
    /// Another Mamori held it for the whole wait.
    Busy,
    /// The lock file could not be opened or locked.
    Io(IoFailure),
}

/// Removes temporary files a crashed save left behind. Call only while holding the lock.
pub fn remove_stale_temps(paths: &VaultPaths) {
    let Ok(entries) = fs::read_dir(&paths.dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(&paths.temp_prefix)
        {
            // Best effort: a leftover that cannot be removed now is tried again next save.
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// At start-up: if no other Mamori is saving this vault right now, removes the temporary files
/// a crashed save left beside it. Does nothing when the vault does not exist.
pub fn clean_up_after_crash(paths: &VaultPaths) {
    if !paths.vault.is_file() {
        return;
    }
    if let Ok(_lock) = WriteLock::acquire(paths, Duration::ZERO) {
        remove_stale_temps(paths);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sit_beside_the_vault() {
        let paths = VaultPaths::new(Path::new("/x/work.mamori"));
        assert_eq!(paths.lock, Path::new("/x/work.mamori.lock"));
        assert_eq!(paths.backups, Path::new("/x/work.mamori.backups"));
        assert_eq!(paths.temp_prefix, ".work.mamori.tmp");
        assert_eq!(VaultPaths::new(Path::new("v.mamori")).dir, Path::new("."));
    }
}
