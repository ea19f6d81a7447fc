//! Every file Mamori writes or reads whole goes through here: a read capped in size, and one
//! atomic, durable write (temporary file in the same folder, sync, read back and verify,
//! rename, folder sync) with mode 0600. The vault, its backups, exports and `settings.json`
//! all use it, so a crash, a `kill -9` or a full disk leaves the old file or the new one,
//! never a mix and never an empty file.

use std::fs::{self, File};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use tempfile::NamedTempFile;

/// What failed while touching the disk, with the path and the OS's reason.
#[derive(Debug)]
pub struct IoFailure {
    /// What was being done.
    pub action: IoAction,
    /// On which file or folder.
    pub path: PathBuf,
    /// The OS error.
    pub source: io::Error,
}

/// The step of a file operation that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoAction {
    /// Reading a file.
    Read,
    /// Creating a folder.
    CreateDir,
    /// Writing a temporary file.
    Write,
    /// Flushing it to the disk.
    Sync,
    /// Replacing the old file with the new one.
    Replace,
    /// Taking the write lock.
    Lock,
    /// Reading back what was written.
    Verify,
    /// Listing or removing files.
    List,
}

impl IoFailure {
    /// A failure of `action` on `path`.
    pub fn new(action: IoAction, path: &Path, source: io::Error) -> IoFailure {
        IoFailure {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The disk operations of a save, behind a trait so tests can make each one fail.
pub trait Storage: Send + Sync {
    /// Writes `bytes` to a new temporary file in `dir` named `prefix…` (mode 0600) and syncs
    /// it. Dropping the returned handle deletes the file.
    fn write_temp(
        &self,
        dir: &Path,
        prefix: &str,
        bytes: &[u8],
    ) -> Result<NamedTempFile, IoFailure>;
    /// Moves the temporary file over `dest` (or, with `replace` false, fails if `dest` exists).
    fn persist(&self, temp: NamedTempFile, dest: &Path, replace: bool) -> Result<(), IoFailure>;
    /// Makes a rename in `dir` durable (Unix; nothing to do on Windows).
    fn sync_dir(&self, dir: &Path) -> Result<(), IoFailure>;
}

/// The real file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct DiskStorage;

impl Storage for DiskStorage {
    fn write_temp(
        &self,
        dir: &Path,
        prefix: &str,
        bytes: &[u8],
    ) -> Result<NamedTempFile, IoFailure> {
        let mut temp = tempfile::Builder::new()
            .prefix(prefix)
            .tempfile_in(dir)
            .map_err(|e| IoFailure::new(IoAction::Write, dir, e))?;
        temp.write_all(bytes)
            .map_err(|e| IoFailure::new(IoAction::Write, temp.path(), e))?;
        temp.as_file()
            .sync_all()
            .map_err(|e| IoFailure::new(IoAction::Sync, temp.path(), e))?;
        Ok(temp)
    }

    fn persist(&self, temp: NamedTempFile, dest: &Path, replace: bool) -> Result<(), IoFailure> {
        if replace {
            persist_replacing(temp, dest)
        } else {
            temp.persist_noclobber(dest)
                .map(|_| ())
                .map_err(|e| IoFailure::new(IoAction::Replace, dest, e.error))
        }
    }

    fn sync_dir(&self, dir: &Path) -> Result<(), IoFailure> {
        #[cfg(unix)]
        {
            File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| IoFailure::new(IoAction::Sync, dir, e))
        }
        #[cfg(not(unix))]
        {
            let _ = dir;
            Ok(())
        }
    }
}

#[cfg(not(windows))]
fn persist_replacing(temp: NamedTempFile, dest: &Path) -> Result<(), IoFailure> {
    temp.persist(dest)
        .map(|_| ())
        .map_err(|e| IoFailure::new(IoAction::Replace, dest, e.error))
}

/// Windows: antivirus and sync tools briefly hold files open; retry for about a second.
#[cfg(windows)]
fn persist_replacing(mut temp: NamedTempFile, dest: &Path) -> Result<(), IoFailure> {
    for attempt in 0..5 {
        match temp.persist(dest) {
            Ok(_) => return Ok(()),
            Err(e) if attempt < 4 && e.error.kind() == io::ErrorKind::PermissionDenied => {
                temp = e.file;
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => return Err(IoFailure::new(IoAction::Replace, dest, e.error)),
        }
    }
    unreachable!("the last attempt returns")
}

/// Creates a folder (and its parents) readable only by the user.
pub fn create_private_dir(dir: &Path) -> Result<(), IoFailure> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| IoFailure::new(IoAction::CreateDir, dir, e))
}

/// Reads a whole file, refusing one larger than `cap` bytes.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, IoFailure> {
    let file = File::open(path).map_err(|e| IoFailure::new(IoAction::Read, path, e))?;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| IoFailure::new(IoAction::Read, path, e))?;
    Ok(bytes)
}

/// Writes `bytes` to `dest` atomically: temporary file in the same folder, sync, `verify` on
/// what was read back, rename, folder sync. On any failure `dest` is untouched and the
/// temporary file is gone.
pub fn atomic_write(
    storage: &dyn Storage,
    dest: &Path,
    temp_prefix: &str,
    bytes: &[u8],
    replace: bool,
    verify: &dyn Fn(&[u8]) -> bool,
) -> Result<(), IoFailure> {
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let temp = storage.write_temp(dir, temp_prefix, bytes)?;
    let written =
        fs::read(temp.path()).map_err(|e| IoFailure::new(IoAction::Verify, temp.path(), e))?;
    if written != bytes || !verify(&written) {
        return Err(IoFailure::new(
            IoAction::Verify,
            dest,
            io::Error::other("the file read back differs from what was written"),
        ));
    }
    storage.persist(temp, dest, replace)?;
    storage.sync_dir(dir)
}

/// Writes `bytes` to `dest` atomically with mode 0600, replacing a file already there, after
/// removing temporary files with the same prefix that a crash left in its folder. The folder
/// must exist.
pub fn write_private(dest: &Path, temp_prefix: &str, bytes: &[u8]) -> Result<(), IoFailure> {
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        remove_old_temps(dir, temp_prefix);
    }
    atomic_write(&DiskStorage, dest, temp_prefix, bytes, true, &|_| true)
}

/// How old a temporary file in a shared folder must be before it counts as left behind by a
/// crash (a save that is still running finishes in well under a second).
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(600);

/// Removes the files in `dir` whose names start with `prefix` and that were last modified more
/// than [`STALE_TEMP_AGE`] ago: temporary files a crash left in the automatic-backup folder or
/// the config folder, where no vault lock says whether a save is running. Best effort.
pub fn remove_old_temps(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for entry in entries.flatten() {
        let stale = entry.file_name().to_string_lossy().starts_with(prefix)
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > STALE_TEMP_AGE);
        if stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}
