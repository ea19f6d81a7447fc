//! The vault: accounts encrypted under a password (or stored with integrity only, when the user
//! chooses no password), saved atomically with backups and a write lock. `docs/vault.md` is the
//! specification; section numbers below refer to it.
//!
//! Opening has two steps so that a caller asks for a password only when one is needed and never
//! while holding the lock:
//!
//! ```no_run
//! # fn main() -> Result<(), mamori::vault::VaultError> {
//! use mamori::vault::{LockedVault, SaveKind};
//! let locked = LockedVault::read(std::path::Path::new("vault.mamori"))?; // §3 steps 1-5
//! let mut vault = locked.unlock(Some("correct horse"))?; // steps 6-8 (Argon2id, ~0.3 s)
//! vault.update(SaveKind::Structural, |accounts| {
//!     accounts.retain(|a| a.issuer != "Old");
//!     Ok::<_, mamori::vault::VaultError>(())
//! })?; // lock, reload if another process saved, change, verified atomic save, backup
//! # Ok(()) }
//! ```

pub mod activity;
pub mod backups;
pub mod container;
pub mod content;
pub mod crypto;
mod error;
pub mod opening;
pub mod seen;
pub mod store;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use data_encoding::BASE64;
use serde_json::Value;

use crate::account::{Account, Trashed};
use activity::{Actor, Event, What};
pub use error::{Damage, ReadOnly, VaultError};

use crate::fsio::{DiskStorage, IoFailure, Storage};
use container::{
    CONTENT_VERSION, FORMAT_MINOR, Header, MAX_FILE, Parsed, PayloadInfo, Refusal, Slot, sha256,
};
use crypto::{KdfParams, Key};
use store::{LockError, VaultPaths, WriteLock};

/// Whether a save is a structural change (a backup of the previous vault is kept first) or a
/// routine one such as an HOTP counter bump (§5 step 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveKind {
    /// Add, remove, rename, import, password change: back up the previous vault.
    Structural,
    /// Counter bumps and similar: no backup.
    Routine,
}

/// A vault file that passed the structural checks and waits for its password.
#[derive(Clone, Debug)]
pub struct LockedVault {
    paths: VaultPaths,
    bytes: Vec<u8>,
    parsed: Parsed,
}

impl LockedVault {
    /// Reads and checks the vault at `path` (§3 steps 1-5). A damaged vault's error names the
    /// newest backup that still opens.
    pub fn read(path: &Path) -> Result<LockedVault, VaultError> {
        let paths = VaultPaths::new(path);
        let bytes = match crate::fsio::read_capped(path, MAX_FILE) {
            Ok(bytes) => bytes,
            Err(failure) if failure.source.kind() == std::io::ErrorKind::NotFound => {
                return Err(VaultError::NotFound(path.to_path_buf()));
            }
            Err(failure) => return Err(VaultError::Io(failure)),
        };
        LockedVault::from_bytes(path, bytes).map_err(|e| e.with_backup_hint(&paths, None))
    }

    /// Checks vault bytes that claim to come from `path` (nothing is read or written).
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<LockedVault, VaultError> {
        let parsed =
            container::parse(&bytes).map_err(|refusal| VaultError::refused(path, refusal))?;
        Ok(LockedVault {
            paths: VaultPaths::new(path),
            bytes,
            parsed,
        })
    }

    /// True when unlocking needs a password (no `plain` slot).
    pub fn needs_password(&self) -> bool {
        !self
            .parsed
            .slots
            .iter()
            .any(|s| matches!(s, Slot::Plain { .. }))
    }

    /// The header (readable without the password).
    pub fn header(&self) -> &Header {
        &self.parsed.header
    }

    /// The password slot's KDF settings, if there is one.
    pub fn kdf(&self) -> Option<&KdfParams> {
        self.parsed.slots.iter().find_map(|s| match s {
            Slot::Password { kdf, .. } => Some(kdf),
            _ => None,
        })
    }

    /// Unlocks with the password (ignored for a no-password vault): §3 steps 6-8. The KDF runs
    /// here; keep it off a UI thread.
    pub fn unlock(self, password: Option<&str>) -> Result<Vault, VaultError> {
        let (master, kek) = self.unlock_slot(password)?;
        self.open_payload(master, kek)
    }

    /// Unlocks with a master key already in memory (used to reload after another process
    /// saved, and by tests that must not run the KDF thousands of times).
    pub fn unlock_with_key(self, master: &Key) -> Result<Vault, VaultError> {
        if let Some(Slot::Plain { key, .. }) = self.plain_slot()
            && key.as_slice() != master.as_bytes()
        {
            return Err(VaultError::WrongPassword);
        }
        self.open_payload(master.clone(), None)
    }

    fn plain_slot(&self) -> Option<&Slot> {
        self.parsed
            .slots
            .iter()
            .find(|s| matches!(s, Slot::Plain { .. }))
    }

    fn password_slot(&self) -> Option<&Slot> {
        self.parsed
            .slots
            .iter()
            .find(|s| matches!(s, Slot::Password { .. }))
    }

    /// Step 6: the master key from the `plain` or `password` slot.
    fn unlock_slot(
        &self,
        password: Option<&str>,
    ) -> Result<(Key, Option<(KdfParams, Key)>), VaultError> {
        if let Some(Slot::Plain { key, .. }) = self.plain_slot() {
            let master = Key::from_slice(key).ok_or(VaultError::WrongPassword)?;
            return Ok((master, None));
        }
        let Some(Slot::Password {
            id,
            kdf,
            nonce,
            wrapped,
        }) = self.password_slot()
        else {
            let kinds = self
                .parsed
                .slots
                .iter()
                .filter_map(|s| match s {
                    Slot::Other { kind } => Some(kind.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(", ");
            return Err(VaultError::UnsupportedSlots(kinds));
        };
        let password = password.ok_or(VaultError::PasswordRequired)?;
        let kek = crypto::derive_kek(password, kdf).map_err(VaultError::Crypto)?;
        let master = crypto::unwrap_key(&kek, nonce, wrapped, "password", id)
            .ok_or(VaultError::WrongPassword)?;
        Ok((master, Some((kdf.clone(), kek))))
    }

    /// Steps 7-8: decrypt and read the payload.
    fn open_payload(self, master: Key, kek: Option<(KdfParams, Key)>) -> Result<Vault, VaultError> {
        let aad = &self.bytes[..self.parsed.aad_len];
        let ciphertext = &self.bytes[self.parsed.aad_len..];
        let Some(plaintext) = crypto::open(&master, &self.parsed.payload_nonce, aad, ciphertext)
        else {
            let error = VaultError::PayloadDamaged {
                path: self.paths.vault.clone(),
                backup: None,
            };
            return Err(error.with_backup_hint(&self.paths, kek.as_ref()));
        };
        let content::Decoded {
            version: content_version,
            accounts,
            trash,
            activity,
        } = content::from_json(&plaintext).map_err(|e| VaultError::Damaged {
            path: self.paths.vault.clone(),
            damage: Damage::Content(e.0),
            backup: None,
        })?;
        let header = &self.parsed.header;
        let read_only = if self.parsed.minor > FORMAT_MINOR {
            Some(ReadOnly::NewerFormat(self.parsed.minor))
        } else if header.content_version.max(content_version) > CONTENT_VERSION {
            Some(ReadOnly::NewerContent(
                header.content_version.max(content_version),
            ))
        } else {
            None
        };
        Ok(Vault {
            file_hash: sha256(&self.bytes),
            paths: self.paths,
            slot_json: self.parsed.header.slots.clone(),
            header: self.parsed.header,
            master,
            kek,
            accounts,
            trash,
            activity,
            actor: Actor::default(),
            read_only,
            backups_kept: backups::DEFAULT_KEPT,
            storage: Box::new(DiskStorage),
            clock: Arc::new(crate::time::unix_now),
            seen_file: None,
        })
    }
}

/// An unlocked vault: its accounts and what is needed to save them again.
pub struct Vault {
    paths: VaultPaths,
    header: Header,
    /// The slots exactly as on disk, copied unchanged into every save.
    slot_json: Vec<Value>,
    master: Key,
    /// Password vaults: the slot's settings and KEK, to follow a reload without the password.
    kek: Option<(KdfParams, Key)>,
    accounts: Vec<Account>,
    /// Deleted accounts, newest first, purged after 30 days on save.
    trash: Vec<Trashed>,
    /// The activity log as last loaded or written, oldest first.
    activity: Vec<Event>,
    /// Who the events recorded by this process are put down to.
    actor: Actor,
    /// SHA-256 of the file as last loaded or written: a different file means another process
    /// saved in between.
    file_hash: [u8; 32],
    read_only: Option<ReadOnly>,
    backups_kept: usize,
    storage: Box<dyn Storage>,
    /// Where the newest generation of each vault is remembered ([`seen`]), if anywhere.
    seen_file: Option<PathBuf>,
    /// Unix time for purging the trash on save ([`Vault::set_clock`]).
    clock: Clock,
}

/// The time source a vault purges its trash by.
pub type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.paths.vault)
            .field("generation", &self.header.generation)
            .field("accounts", &self.accounts.len())
            .finish_non_exhaustive()
    }
}

/// What a password change did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordChange {
    /// Settings of the new password slot (`None` when the password was removed).
    pub kdf: Option<KdfParams>,
    /// Kinds of slots this build does not know, dropped by the change.
    pub dropped_slots: Vec<String>,
}

impl Vault {
    /// Creates a new vault at `path` (refusing to replace anything there), with a password slot
    /// at the default Argon2id cost or, with `None`, a `plain` slot.
    pub fn create(path: &Path, password: Option<&str>) -> Result<Vault, VaultError> {
        if password.is_some_and(str::is_empty) {
            return Err(VaultError::EmptyPassword);
        }
        if path.exists() {
            return Err(VaultError::AlreadyExists(path.to_path_buf()));
        }
        let password_slot = match password {
            Some(p) => Some(crypto::new_password_kek(p).map_err(VaultError::Crypto)?),
            None => None,
        };
        Vault::create_with(path, password_slot)
    }

    /// Creates a vault whose password slot uses `kdf` (at or above the write floor; tests and
    /// benchmarks use this to control the cost).
    pub fn create_with_kdf(
        path: &Path,
        password: &str,
        kdf: KdfParams,
    ) -> Result<Vault, VaultError> {
        if password.is_empty() {
            return Err(VaultError::EmptyPassword);
        }
        if kdf.m_kib < crypto::FLOOR_M_KIB || kdf.t < crypto::FLOOR_T {
            return Err(VaultError::Crypto(crypto::CryptoError::BelowFloor));
        }
        let kek = crypto::derive_kek(password, &kdf).map_err(VaultError::Crypto)?;
        Vault::create_with(path, Some((kdf, kek)))
    }

    fn create_with(path: &Path, password: Option<(KdfParams, Key)>) -> Result<Vault, VaultError> {
        let paths = VaultPaths::new(path);
        if path.exists() {
            return Err(VaultError::AlreadyExists(path.to_path_buf()));
        }
        crate::fsio::create_private_dir(&paths.dir).map_err(VaultError::Io)?;
        let master = Key::random().map_err(VaultError::Crypto)?;
        let slot = new_slot(&master, password.as_ref())?;
        let vault_id =
            data_encoding::HEXLOWER.encode(&crypto::random_bytes(16).map_err(VaultError::Crypto)?);
        let mut vault = Vault {
            header: Header {
                vault_id,
                generation: 0,
                written_by: written_by(),
                content_version: CONTENT_VERSION,
                payload: PayloadInfo {
                    cipher: "aes-256-gcm".into(),
                    nonce: String::new(),
                    len: 0,
                },
                slots: Vec::new(),
            },
            slot_json: vec![slot.to_json(None)],
            paths,
            master,
            kek: password,
            accounts: Vec::new(),
            trash: Vec::new(),
            activity: Vec::new(),
            actor: Actor::default(),
            file_hash: [0; 32],
            read_only: None,
            backups_kept: backups::DEFAULT_KEPT,
            storage: Box::new(DiskStorage),
            clock: Arc::new(crate::time::unix_now),
            seen_file: None,
        };
        let _lock = vault.lock()?;
        let created = What::Created {
            encrypted: vault.kek.is_some(),
        };
        vault.write(Vec::new(), Vec::new(), None, false, vec![created])?;
        Ok(vault)
    }

    /// The activity log, oldest first ([`activity`]).
    pub fn activity(&self) -> &[Event] {
        &self.activity
    }

    /// Puts the events this process records down to `actor` (the first event, "created", is
    /// put down to no one in particular: the shell sets the actor after creating).
    pub fn set_actor(&mut self, actor: Actor) {
        self.actor = actor;
    }

    /// Adds `what` to the activity log with a routine save: no backup and no key derivation
    /// (the master key is in memory), so it costs one encryption and one atomic write. A
    /// read-only vault records nothing.
    pub fn record(&mut self, what: What) -> Result<(), VaultError> {
        if self.read_only.is_some() {
            return Ok(());
        }
        let _lock = self.lock()?;
        store::remove_stale_temps(&self.paths);
        self.reload_if_changed()?;
        let accounts = self.accounts.clone();
        self.write(accounts, self.trash.clone(), None, false, vec![what])
    }

    /// The accounts, in the user's order (not those in the trash).
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// The deleted accounts, newest first; none older than 30 days once saved.
    pub fn trash(&self) -> &[Trashed] {
        &self.trash
    }

    /// The clock saves purge the trash by (default: the system's), so that a shell with its
    /// own clock (the window's, which tests pin) dates deletions and purges alike.
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// The vault file.
    pub fn path(&self) -> &Path {
        &self.paths.vault
    }

    /// The files around the vault.
    pub fn paths(&self) -> &VaultPaths {
        &self.paths
    }

    /// The header as last loaded or written.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// True when a password protects the vault.
    pub fn is_encrypted(&self) -> bool {
        self.kek.is_some()
    }

    /// The password slot's settings.
    pub fn kdf(&self) -> Option<&KdfParams> {
        self.kek.as_ref().map(|(params, _)| params)
    }

    /// Why the vault cannot be saved, if it was opened read-only.
    pub fn read_only(&self) -> Option<&ReadOnly> {
        self.read_only.as_ref()
    }

    /// How many backups to keep (0 turns backups off; at most 100).
    pub fn set_backups_kept(&mut self, keep: usize) {
        self.backups_kept = keep.min(100);
    }

    /// Remembers this vault's generation in `file` ([`seen`]) now and after every save, and
    /// returns the newer generation seen before if this vault is an older copy.
    pub fn track_generations(&mut self, file: PathBuf) -> Option<u64> {
        let older = seen::check_and_record(&file, &self.header.vault_id, self.header.generation);
        self.seen_file = Some(file);
        older
    }

    /// Replaces the disk layer (tests inject failures with it).
    pub fn set_storage(&mut self, storage: Box<dyn Storage>) {
        self.storage = storage;
    }

    /// The master key (for [`LockedVault::unlock_with_key`]).
    pub fn master_key(&self) -> &Key {
        &self.master
    }

    /// Reads the file again when another process (the command line, a second window) saved
    /// since it was read; true when it had. Refuses a file that is another vault or this one
    /// turned plain ([`VaultError::Replaced`]); the accounts in memory stay as they were.
    pub fn refresh(&mut self) -> Result<bool, VaultError> {
        let before = self.file_hash;
        self.reload_if_changed()?;
        Ok(self.file_hash != before)
    }

    /// Changes the accounts under the write lock: reloads first if another process saved since
    /// this vault was read, applies `change` once to that newest list (never to a stale one),
    /// then saves atomically and verified (§5). If `change` fails, nothing is written.
    ///
    /// Accounts that appear or disappear are recorded in the activity log
    /// ([`What::AccountsAdded`], [`What::AccountsRemoved`]).
    pub fn update<T, E: From<VaultError>>(
        &mut self,
        kind: SaveKind,
        change: impl FnOnce(&mut Vec<Account>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.update_from(kind, None, |accounts, _| change(accounts))
    }

    /// [`Vault::update`] for changes that also concern the trash (delete, restore, empty).
    pub fn update_with_trash<T, E: From<VaultError>>(
        &mut self,
        kind: SaveKind,
        change: impl FnOnce(&mut Vec<Account>, &mut Vec<Trashed>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.update_from(kind, None, change)
    }

    /// [`Vault::update_with_trash`] for an import: the accounts added are recorded as imported
    /// from `format` (an import registry id).
    pub fn update_importing<T, E: From<VaultError>>(
        &mut self,
        kind: SaveKind,
        format: &str,
        change: impl FnOnce(&mut Vec<Account>, &mut Vec<Trashed>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.update_from(kind, Some(format), change)
    }

    fn update_from<T, E: From<VaultError>>(
        &mut self,
        kind: SaveKind,
        import_format: Option<&str>,
        change: impl FnOnce(&mut Vec<Account>, &mut Vec<Trashed>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.check_writable()?;
        let _lock = self.lock()?;
        store::remove_stale_temps(&self.paths);
        let on_disk = self.reload_if_changed()?;
        let mut accounts = self.accounts.clone();
        let mut trash = self.trash.clone();
        let result = change(&mut accounts, &mut trash)?;
        let backup = (kind == SaveKind::Structural).then_some(on_disk.as_slice());
        let events = changes(&self.accounts, &accounts, import_format);
        self.write(accounts, trash, backup, false, events)?;
        Ok(result)
    }

    /// Sets, changes (`Some`) or removes (`None`) the password. Makes a new master key, salt and
    /// nonces (§11), so an old copy plus the old password cannot open later files.
    pub fn change_password(
        &mut self,
        new_password: Option<&str>,
    ) -> Result<PasswordChange, VaultError> {
        self.check_writable()?;
        if new_password.is_some_and(str::is_empty) {
            return Err(VaultError::EmptyPassword);
        }
        // The KDF runs before the lock is taken: other writers never wait on it.
        let kek = match new_password {
            Some(p) => Some(crypto::new_password_kek(p).map_err(VaultError::Crypto)?),
            None => None,
        };
        let _lock = self.lock()?;
        store::remove_stale_temps(&self.paths);
        let on_disk = self.reload_if_changed()?;
        let dropped_slots = self
            .slot_json
            .iter()
            .filter_map(|v| match Slot::from_json(v) {
                Ok(Slot::Other { kind }) => Some(kind),
                _ => None,
            })
            .collect();
        let master = Key::random().map_err(VaultError::Crypto)?;
        let slot = new_slot(&master, kek.as_ref())?;
        let accounts = self.accounts.clone();
        let old = (
            std::mem::replace(&mut self.master, master),
            std::mem::replace(&mut self.slot_json, vec![slot.to_json(None)]),
            std::mem::replace(&mut self.kek, kek),
        );
        let changed = What::PasswordChanged {
            encrypted: self.kek.is_some(),
        };
        if let Err(e) = self.write(
            accounts,
            self.trash.clone(),
            Some(&on_disk),
            true,
            vec![changed],
        ) {
            (self.master, self.slot_json, self.kek) = old;
            return Err(e);
        }
        Ok(PasswordChange {
            kdf: self.kdf().cloned(),
            dropped_slots,
        })
    }

    /// Re-wraps the master key at the current default cost when the password slot is cheaper
    /// (§4 "Upgrade"). Returns whether it did. Needs the password that just unlocked the vault.
    pub fn upgrade_kdf_if_needed(&mut self, password: &str) -> Result<bool, VaultError> {
        if self.read_only.is_some() || !self.kdf().is_some_and(KdfParams::below_default) {
            return Ok(false);
        }
        let (params, kek) = crypto::new_password_kek(password).map_err(VaultError::Crypto)?;
        let _lock = self.lock()?;
        store::remove_stale_temps(&self.paths);
        let on_disk = self.reload_if_changed()?;
        let slot = new_slot(&self.master, Some(&(params.clone(), kek.clone())))?;
        let mut slot_json = self.slot_json.clone();
        for value in &mut slot_json {
            if matches!(Slot::from_json(value), Ok(Slot::Password { .. })) {
                *value = slot.to_json(None);
            }
        }
        let old = (
            std::mem::replace(&mut self.slot_json, slot_json),
            self.kek.replace((params, kek)),
        );
        let accounts = self.accounts.clone();
        if let Err(e) = self.write(
            accounts,
            self.trash.clone(),
            Some(&on_disk),
            true,
            Vec::new(),
        ) {
            (self.slot_json, self.kek) = old;
            return Err(e);
        }
        Ok(true)
    }

    /// Makes this vault (typically opened from a backup) the vault at `target`: the file there,
    /// if any, is kept in the backups as `…-replaced.mamori`, then this vault's accounts and
    /// slots are saved to `target` with the usual atomic procedure.
    pub fn restore_to(mut self, target: &Path) -> Result<Vault, VaultError> {
        self.check_writable()?;
        let from = self
            .paths
            .vault
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.paths = VaultPaths::new(target);
        let _lock = self.lock()?;
        store::remove_stale_temps(&self.paths);
        match crate::fsio::read_capped(target, MAX_FILE) {
            Ok(current) => {
                let generation = container::parse(&current)
                    .map(|p| p.header.generation)
                    .unwrap_or(0);
                self.header.generation = self.header.generation.max(generation);
                backups::keep_replaced(self.storage.as_ref(), &self.paths, &current, generation)?;
            }
            Err(failure) if failure.source.kind() == std::io::ErrorKind::NotFound => {}
            Err(failure) => return Err(VaultError::Io(failure)),
        }
        let accounts = self.accounts.clone();
        self.write(
            accounts,
            self.trash.clone(),
            None,
            true,
            vec![What::Restored { from }],
        )?;
        Ok(self)
    }

    fn check_writable(&self) -> Result<(), VaultError> {
        match &self.read_only {
            Some(reason) => Err(VaultError::ReadOnly(reason.clone())),
            None => Ok(()),
        }
    }

    fn lock(&self) -> Result<WriteLock, VaultError> {
        WriteLock::acquire(&self.paths, store::LOCK_WAIT).map_err(|e| match e {
            LockError::Busy => VaultError::Busy(self.paths.vault.clone()),
            LockError::Io(failure) => VaultError::Io(failure),
        })
    }

    /// §5 step 1: if the file is not the one last loaded or written, load it (with the master
    /// key in memory, or the KEK when the master key was rotated). Returns the file's bytes.
    fn reload_if_changed(&mut self) -> Result<Vec<u8>, VaultError> {
        let bytes = match crate::fsio::read_capped(&self.paths.vault, MAX_FILE) {
            Ok(bytes) => bytes,
            Err(failure) if failure.source.kind() == std::io::ErrorKind::NotFound => {
                return Err(VaultError::NotFound(self.paths.vault.clone()));
            }
            Err(failure) => return Err(VaultError::Io(failure)),
        };
        if sha256(&bytes) == self.file_hash {
            return Ok(bytes);
        }
        let locked = LockedVault::from_bytes(&self.paths.vault, bytes.clone())
            .map_err(|e| e.with_backup_hint(&self.paths, None))?;
        // Another vault copied over this one, or this one with its password removed: saving
        // on top would mix two vaults or write keys unencrypted that the user had encrypted.
        let now_plain = locked.plain_slot().is_some() && locked.password_slot().is_none();
        if locked.header().vault_id != self.header.vault_id || (self.is_encrypted() && now_plain) {
            return Err(VaultError::Replaced);
        }
        let fresh = match locked.clone().unlock_with_key(&self.master) {
            Ok(vault) => vault,
            Err(VaultError::PayloadDamaged { .. } | VaultError::WrongPassword) => {
                let by_plain = locked.plain_slot().is_some();
                let by_kek =
                    self.kek
                        .as_ref()
                        .and_then(|(params, kek)| match locked.password_slot() {
                            Some(Slot::Password {
                                id,
                                kdf,
                                nonce,
                                wrapped,
                            }) if kdf == params => {
                                crypto::unwrap_key(kek, nonce, wrapped, "password", id)
                            }
                            _ => None,
                        });
                match (by_plain, by_kek) {
                    (true, _) => locked.unlock(None)?,
                    (false, Some(master)) => {
                        let mut vault = locked.unlock_with_key(&master)?;
                        vault.kek = self.kek.clone();
                        vault
                    }
                    (false, None) => return Err(VaultError::ChangedElsewhere),
                }
            }
            Err(e) => return Err(e),
        };
        if let Some(reason) = fresh.read_only {
            return Err(VaultError::ReadOnly(reason));
        }
        self.kek = fresh
            .kek
            .or(self.kek.take())
            .filter(|_| !fresh.slot_json.iter().any(is_plain));
        self.header = fresh.header;
        self.slot_json = fresh.slot_json;
        self.master = fresh.master;
        self.accounts = fresh.accounts;
        self.trash = fresh.trash;
        self.activity = fresh.activity;
        self.file_hash = fresh.file_hash;
        Ok(bytes)
    }

    /// §5 steps 2-8: serialise, encrypt, back up the previous file (if given), write atomically
    /// and verified, prune backups, remember what was written. `events` join the activity log.
    fn write(
        &mut self,
        accounts: Vec<Account>,
        mut trash: Vec<Trashed>,
        backup_of: Option<&[u8]>,
        check_new_slot: bool,
        events: Vec<What>,
    ) -> Result<(), VaultError> {
        // Accounts deleted 30 days ago or more leave the vault with this save.
        let now = (self.clock)();
        trash.retain(|t| !t.expired(now));
        let mut activity = self.activity.clone();
        activity::append(
            &mut activity,
            events.into_iter().map(|what| Event {
                at: now,
                user: self.actor.user.clone(),
                program: self.actor.program.clone(),
                what,
            }),
        );
        let plaintext = content::to_json(&accounts, &trash, &activity)
            .map_err(|e| VaultError::Internal(e.0))?;
        let nonce = crypto::random_nonce().map_err(VaultError::Crypto)?;
        let mut header = self.header.clone();
        header.generation += 1;
        header.written_by = written_by();
        header.content_version = CONTENT_VERSION;
        header.payload = PayloadInfo {
            cipher: "aes-256-gcm".into(),
            nonce: BASE64.encode(&nonce),
            len: (plaintext.len() + crypto::TAG_LEN) as u64,
        };
        header.slots = self.slot_json.clone();
        let mut file =
            container::write_prefix(&header).map_err(|e| VaultError::Internal(e.to_string()))?;
        let ciphertext =
            crypto::seal(&self.master, &nonce, &file, &plaintext).map_err(VaultError::Crypto)?;
        file.extend_from_slice(&ciphertext);

        // §5 step 4: what is read back must parse, carry the intended slots, and decrypt with
        // the master key in memory to the intended plaintext.
        let intended = sha256(&plaintext);
        let master = self.master.clone();
        let kek = self.kek.clone();
        let slots = self.slot_json.clone();
        let verify = move |bytes: &[u8]| -> bool {
            let Ok(parsed) = container::parse(bytes) else {
                return false;
            };
            if parsed.header.slots != slots {
                return false;
            }
            if check_new_slot
                && let (
                    Some((_, kek)),
                    Some(Slot::Password {
                        id, nonce, wrapped, ..
                    }),
                ) = (
                    &kek,
                    parsed
                        .slots
                        .iter()
                        .find(|s| matches!(s, Slot::Password { .. })),
                )
                && crypto::unwrap_key(kek, nonce, wrapped, "password", id).as_ref() != Some(&master)
            {
                return false;
            }
            let aad = &bytes[..parsed.aad_len];
            crypto::open(
                &master,
                &parsed.payload_nonce,
                aad,
                &bytes[parsed.aad_len..],
            )
            .is_some_and(|plain| sha256(&plain) == intended)
        };

        let backup_of = backup_of.filter(|_| self.backups_kept > 0);
        if let Some(previous) = backup_of {
            backups::keep_previous(
                self.storage.as_ref(),
                &self.paths,
                previous,
                self.header.generation,
            )?;
        }
        let replace = self.file_hash != [0; 32];
        crate::fsio::atomic_write(
            self.storage.as_ref(),
            &self.paths.vault,
            &self.paths.temp_prefix,
            &file,
            replace,
            &verify,
        )
        .map_err(|failure| {
            if !replace && failure.source.kind() == std::io::ErrorKind::AlreadyExists {
                VaultError::AlreadyExists(self.paths.vault.clone())
            } else {
                VaultError::Io(failure)
            }
        })?;
        if backup_of.is_some() {
            // The new vault is durable; a failure to prune only leaves an extra backup. With
            // backups off (0) nothing is pruned: turning them off never deletes old ones.
            let _ = backups::prune(&self.paths, self.backups_kept);
        }
        self.file_hash = sha256(&file);
        self.header = header;
        self.accounts = accounts;
        self.trash = trash;
        self.activity = activity;
        if let Some(seen_file) = &self.seen_file {
            seen::check_and_record(seen_file, &self.header.vault_id, self.header.generation);
        }
        Ok(())
    }
}

/// The activity events for a change from `before` to `after`: accounts added (or imported
/// from `import_format`) and removed, matched by id.
fn changes(before: &[Account], after: &[Account], import_format: Option<&str>) -> Vec<What> {
    use std::collections::HashSet;
    let old: HashSet<&str> = before.iter().map(|a| a.id.0.as_str()).collect();
    let new: HashSet<&str> = after.iter().map(|a| a.id.0.as_str()).collect();
    let added: Vec<&Account> = after
        .iter()
        .filter(|a| !old.contains(a.id.0.as_str()))
        .collect();
    let removed: Vec<&Account> = before
        .iter()
        .filter(|a| !new.contains(a.id.0.as_str()))
        .collect();
    let mut events = Vec::new();
    if !added.is_empty() || import_format.is_some() {
        let count = added.len();
        let labels = activity::labels(added.iter().map(|a| a.label()));
        events.push(match import_format {
            Some(format) => What::Imported {
                format: format.to_string(),
                count,
                labels,
            },
            None => What::AccountsAdded { count, labels },
        });
    }
    if !removed.is_empty() {
        events.push(What::AccountsRemoved {
            count: removed.len(),
            labels: activity::labels(removed.iter().map(|a| a.label())),
        });
    }
    events
}

fn is_plain(value: &Value) -> bool {
    value.get("kind").and_then(Value::as_str) == Some("plain")
}

fn written_by() -> String {
    format!("mamori {}", env!("CARGO_PKG_VERSION"))
}

/// A fresh slot for `master`: a password slot under `kek`, or a plain slot.
fn new_slot(master: &Key, kek: Option<&(KdfParams, Key)>) -> Result<Slot, VaultError> {
    let id = data_encoding::HEXLOWER.encode(&crypto::random_bytes(16).map_err(VaultError::Crypto)?);
    Ok(match kek {
        Some((kdf, kek)) => {
            let (nonce, wrapped) =
                crypto::wrap_key(kek, master, "password", &id).map_err(VaultError::Crypto)?;
            Slot::Password {
                id,
                kdf: kdf.clone(),
                nonce,
                wrapped,
            }
        }
        None => Slot::Plain {
            id,
            key: master.as_bytes().to_vec(),
        },
    })
}

impl From<IoFailure> for VaultError {
    fn from(failure: IoFailure) -> VaultError {
        VaultError::Io(failure)
    }
}

impl VaultError {
    fn refused(path: &Path, refusal: Refusal) -> VaultError {
        let path = path.to_path_buf();
        let damaged = |damage| VaultError::Damaged {
            path: path.clone(),
            damage,
            backup: None,
        };
        match refusal {
            Refusal::NotAVault => VaultError::NotAVault(path),
            Refusal::NewerFormat(major) => VaultError::NewerFormat { path, major },
            Refusal::KdfOutOfRange => VaultError::KdfOutOfRange(path),
            Refusal::TooLarge => VaultError::TooLarge(path),
            Refusal::Truncated => damaged(Damage::Truncated),
            Refusal::HeaderChecksum => damaged(Damage::Header),
            Refusal::HeaderContent(detail) => damaged(Damage::HeaderContent(detail)),
            Refusal::Length => damaged(Damage::Length),
        }
    }

    /// Adds the newest openable backup to a damage error.
    fn with_backup_hint(self, paths: &VaultPaths, kek: Option<&(KdfParams, Key)>) -> VaultError {
        match self {
            VaultError::Damaged { path, damage, .. } => VaultError::Damaged {
                path,
                damage,
                backup: backups::newest_openable(paths, kek),
            },
            VaultError::PayloadDamaged { path, .. } => VaultError::PayloadDamaged {
                path,
                backup: backups::newest_openable(paths, kek),
            },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests;
