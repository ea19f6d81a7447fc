//! Vault tests against real files in temporary folders (`docs/vault.md` §13). The real binary is
//! exercised by `tests/integration/`; these reach the parts a command line cannot: injected disk
//! faults, every bit of a file, tampering with recomputed checksums.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tempfile::{NamedTempFile, TempDir};

use super::backups;
use super::container::{self, CHECKSUM_LEN, PREFIX_LEN};
use super::crypto::{self, FLOOR_M_KIB, FLOOR_T, KdfParams};
use super::*;
use crate::account::{Account, OtpKind, OtpParams, TRASH_SECONDS, Trashed};
use crate::fsio::{DiskStorage, IoAction, IoFailure, Storage};
use crate::secret::Secret;

const PASSWORD: &str = "correct horse battery staple";

fn cheap_kdf() -> KdfParams {
    KdfParams::with_cost(FLOOR_M_KIB, FLOOR_T, 4).unwrap()
}

fn account(issuer: &str, name: &str, b32: &str) -> Account {
    let (secret, _) = Secret::from_base32(b32).unwrap();
    Account::new(
        issuer.into(),
        name.into(),
        OtpParams::totp(secret),
        1_700_000_000,
    )
}

fn add(vault: &mut Vault, issuer: &str, name: &str) {
    let new = account(issuer, name, "JBSWY3DPEHPK3PXP");
    vault
        .update(SaveKind::Structural, |accounts| {
            accounts.push(new.clone());
            Ok::<_, VaultError>(())
        })
        .unwrap();
}

fn new_password_vault(dir: &TempDir) -> (PathBuf, Vault) {
    let path = dir.path().join("vault.mamori");
    let vault = Vault::create_with_kdf(&path, PASSWORD, cheap_kdf()).unwrap();
    (path, vault)
}

fn new_plain_vault(dir: &TempDir) -> (PathBuf, Vault) {
    let path = dir.path().join("vault.mamori");
    let vault = Vault::create(&path, None).unwrap();
    (path, vault)
}

fn open(path: &Path, password: Option<&str>) -> Result<Vault, VaultError> {
    LockedVault::read(path)?.unlock(password)
}

fn labels(vault: &Vault) -> Vec<String> {
    vault.accounts().iter().map(Account::label).collect()
}

fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect()
}

#[test]
fn accounts_round_trip_through_an_encrypted_file() {
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_password_vault(&dir);
    let mut hotp = account("サイボウズ", "山田", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    hotp.otp.kind = OtpKind::Hotp { counter: 7 };
    hotp.otp.digits = 8;
    hotp.otp.algorithm = crate::account::Algorithm::Sha512;
    hotp.note = "ops desk".into();
    hotp.backup_codes.push(crate::account::BackupCode {
        code: "1234 5678".into(),
        used_at: Some(1_700_000_100),
    });
    let totp = account("Vendor", "admin", "ABCDEFGHijkl2345");
    vault
        .update(SaveKind::Structural, |accounts| {
            accounts.push(hotp.clone());
            accounts.push(totp.clone());
            Ok::<_, VaultError>(())
        })
        .unwrap();
    let reopened = open(&path, Some(PASSWORD)).unwrap();
    assert_eq!(reopened.accounts(), &[hotp, totp]);
    assert_eq!(reopened.header().generation, 2);
    assert!(reopened.is_encrypted());
}

#[test]
fn wrong_and_missing_passwords_are_told_apart_from_damage() {
    let dir = TempDir::new().unwrap();
    let (path, _) = new_password_vault(&dir);
    let before = fs::read(&path).unwrap();
    assert!(matches!(
        open(&path, Some("nope")),
        Err(VaultError::WrongPassword)
    ));
    assert!(matches!(
        open(&path, None),
        Err(VaultError::PasswordRequired)
    ));
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn nfc_and_nfd_spellings_of_a_japanese_password_both_unlock() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("vault.mamori");
    let nfc = "\u{30D1}\u{30B9}\u{30EF}\u{30FC}\u{30C9}";
    let nfd = "\u{30CF}\u{309A}\u{30B9}\u{30EF}\u{30FC}\u{30C8}\u{3099}";
    Vault::create_with_kdf(&path, nfc, cheap_kdf()).unwrap();
    assert!(open(&path, Some(nfd)).is_ok());
    assert!(open(&path, Some(nfc)).is_ok());
}

#[test]
fn empty_passwords_and_cheap_settings_are_refused() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("vault.mamori");
    assert!(matches!(
        Vault::create(&path, Some("")),
        Err(VaultError::EmptyPassword)
    ));
    let cheap = KdfParams {
        m_kib: 8_192,
        t: 1,
        p: 1,
        salt: vec![0; 32],
    };
    assert!(matches!(
        Vault::create_with_kdf(&path, PASSWORD, cheap),
        Err(VaultError::Crypto(crypto::CryptoError::BelowFloor))
    ));
    assert!(!path.exists());
}

#[test]
fn init_never_replaces_a_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("vault.mamori");
    fs::write(&path, b"precious").unwrap();
    assert!(matches!(
        Vault::create(&path, None),
        Err(VaultError::AlreadyExists(_))
    ));
    assert_eq!(fs::read(&path).unwrap(), b"precious");
}

#[test]
fn a_password_change_keeps_every_account_and_retires_the_old_password() {
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_password_vault(&dir);
    for i in 0..5 {
        add(&mut vault, "Example", &format!("user{i}"));
    }
    let old_master = vault.master_key().clone();
    vault.change_password(Some("new password 2")).unwrap();
    assert_ne!(vault.master_key(), &old_master, "the master key is rotated");
    assert!(matches!(
        open(&path, Some(PASSWORD)),
        Err(VaultError::WrongPassword)
    ));
    let reopened = open(&path, Some("new password 2")).unwrap();
    assert_eq!(labels(&reopened), labels(&vault));
    assert_eq!(reopened.accounts().len(), 5);
    // The backup made by the change opens with the old password.
    let backup = backups::list(vault.paths()).pop().unwrap();
    assert_eq!(open(&backup, Some(PASSWORD)).unwrap().accounts().len(), 5);
    // Removing the password writes a plain slot.
    vault.change_password(None).unwrap();
    let plain = LockedVault::read(&path).unwrap();
    assert!(!plain.needs_password());
    assert_eq!(plain.unlock(None).unwrap().accounts().len(), 5);
}

#[test]
fn an_old_copy_and_the_old_password_cannot_open_later_files() {
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_password_vault(&dir);
    add(&mut vault, "A", "a");
    let old_copy = LockedVault::read(&path).unwrap();
    let old_master = old_copy
        .unlock(Some(PASSWORD))
        .unwrap()
        .master_key()
        .clone();
    vault.change_password(Some("another one")).unwrap();
    add(&mut vault, "B", "b");
    let later = LockedVault::read(&path).unwrap();
    assert!(later.unlock_with_key(&old_master).is_err());
}

#[test]
fn a_second_writer_reloads_instead_of_overwriting() {
    let dir = TempDir::new().unwrap();
    let (path, mut first) = new_password_vault(&dir);
    let mut second = open(&path, Some(PASSWORD)).unwrap();
    add(&mut first, "First", "one");
    add(&mut second, "Second", "two");
    add(&mut first, "First", "three");
    let finale = open(&path, Some(PASSWORD)).unwrap();
    assert_eq!(
        labels(&finale),
        ["First:one", "Second:two", "First:three"],
        "no change was lost"
    );
}

#[test]
fn a_writer_follows_a_password_change_made_elsewhere() {
    let dir = TempDir::new().unwrap();
    let (path, mut first) = new_password_vault(&dir);
    let mut second = open(&path, Some(PASSWORD)).unwrap();
    second.change_password(Some("changed elsewhere")).unwrap();
    let result = first.update(SaveKind::Structural, |accounts| {
        accounts.push(account("X", "x", "JBSWY3DPEHPK3PXP"));
        Ok::<_, VaultError>(())
    });
    assert!(matches!(result, Err(VaultError::ChangedElsewhere)));
    assert!(
        open(&path, Some("changed elsewhere"))
            .unwrap()
            .accounts()
            .is_empty()
    );
}

#[test]
fn threads_adding_at_once_lose_nothing() {
    let dir = TempDir::new().unwrap();
    let (path, _) = new_plain_vault(&dir);
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut vault = open(&path, None).unwrap();
                for i in 0..25 {
                    add(&mut vault, &format!("T{t}"), &format!("{i}"));
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    assert_eq!(open(&path, None).unwrap().accounts().len(), 100);
}

#[test]
fn structural_saves_keep_ten_backups_that_all_open_and_counter_bumps_keep_none() {
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_password_vault(&dir);
    for i in 0..15 {
        add(&mut vault, "Example", &format!("user{i}"));
    }
    let backups = backups::list(vault.paths());
    assert_eq!(backups.len(), 10);
    for backup in &backups {
        assert!(open(backup, Some(PASSWORD)).is_ok(), "{}", backup.display());
    }
    // The newest backup is the vault before the last change.
    let newest = open(backups.last().unwrap(), Some(PASSWORD)).unwrap();
    assert_eq!(newest.accounts().len(), 14);
    for _ in 0..5 {
        vault
            .update(SaveKind::Routine, |_| Ok::<_, VaultError>(()))
            .unwrap();
    }
    assert_eq!(backups::list(vault.paths()), backups);
    // 0 turns backups off.
    vault.set_backups_kept(0);
    add(&mut vault, "Example", "no backup");
    assert_eq!(backups::list(vault.paths()), backups);
    assert!(open(&path, Some(PASSWORD)).is_ok());
}

#[test]
fn a_damaged_vault_names_the_backup_that_opens_and_restore_brings_it_back() {
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_plain_vault(&dir);
    add(&mut vault, "A", "a");
    add(&mut vault, "B", "b");
    let mut bytes = fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    fs::write(&path, &bytes).unwrap();
    let error = open(&path, None).unwrap_err();
    let VaultError::PayloadDamaged {
        backup: Some(backup),
        ..
    } = &error
    else {
        panic!("{error:?}");
    };
    // The core names the backup; the shells word how to restore it (no command in its text).
    assert!(
        error.to_string().contains(&backup.display().to_string()),
        "{error}"
    );
    assert!(!error.to_string().contains("mamori "), "{error}");
    assert_eq!(
        crate::advice::Advise::advice(&error),
        Some(crate::advice::Advice::RestoreBackup(backup.clone()))
    );
    let restored = open(backup, None).unwrap().restore_to(&path).unwrap();
    assert_eq!(labels(&restored), ["A:a"]);
    assert_eq!(labels(&open(&path, None).unwrap()), ["A:a"]);
    let replaced: Vec<_> = fs::read_dir(&vault.paths().backups)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .ends_with("-replaced.mamori")
        })
        .collect();
    assert_eq!(replaced.len(), 1);
    assert_eq!(
        fs::read(replaced[0].path()).unwrap(),
        bytes,
        "the damaged file is kept"
    );
}

#[test]
fn a_damaged_vault_is_never_saved_over() {
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_plain_vault(&dir);
    add(&mut vault, "A", "a");
    let mut bytes = fs::read(&path).unwrap();
    bytes[20] ^= 0x10;
    fs::write(&path, &bytes).unwrap();
    let result = vault.update(SaveKind::Structural, |accounts| {
        accounts.clear();
        Ok::<_, VaultError>(())
    });
    assert!(
        matches!(result, Err(VaultError::Damaged { .. })),
        "{result:?}"
    );
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

/// Disk layer that fails at a chosen step.
#[derive(Clone)]
enum Fault {
    AfterBytes(usize),
    Fsync,
    Rename,
    NoSpace,
    ReadOnly,
}

struct FaultyStorage {
    fault: Fault,
    calls: Arc<AtomicUsize>,
}

impl Storage for FaultyStorage {
    fn write_temp(
        &self,
        dir: &Path,
        prefix: &str,
        bytes: &[u8],
    ) -> Result<NamedTempFile, IoFailure> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let fail = |kind: io::ErrorKind, action| IoFailure {
            action,
            path: dir.to_path_buf(),
            source: io::Error::new(kind, "injected"),
        };
        match self.fault {
            Fault::ReadOnly => {
                return Err(fail(io::ErrorKind::ReadOnlyFilesystem, IoAction::Write));
            }
            Fault::AfterBytes(k) => {
                let mut temp = tempfile::Builder::new()
                    .prefix(prefix)
                    .tempfile_in(dir)
                    .unwrap();
                io::Write::write_all(&mut temp, &bytes[..k.min(bytes.len())]).unwrap();
                return Err(fail(io::ErrorKind::StorageFull, IoAction::Write));
            }
            Fault::NoSpace => {
                let _temp = tempfile::Builder::new()
                    .prefix(prefix)
                    .tempfile_in(dir)
                    .unwrap();
                return Err(IoFailure {
                    action: IoAction::Write,
                    path: dir.to_path_buf(),
                    source: io::Error::from_raw_os_error(28), // ENOSPC
                });
            }
            Fault::Fsync => {
                let temp = DiskStorage.write_temp(dir, prefix, bytes)?;
                drop(temp);
                return Err(fail(io::ErrorKind::Other, IoAction::Sync));
            }
            Fault::Rename => {}
        }
        DiskStorage.write_temp(dir, prefix, bytes)
    }

    fn persist(&self, temp: NamedTempFile, dest: &Path, replace: bool) -> Result<(), IoFailure> {
        if matches!(self.fault, Fault::Rename) {
            drop(temp);
            return Err(IoFailure {
                action: IoAction::Replace,
                path: dest.to_path_buf(),
                source: io::Error::new(io::ErrorKind::PermissionDenied, "injected"),
            });
        }
        DiskStorage.persist(temp, dest, replace)
    }

    fn sync_dir(&self, dir: &Path) -> Result<(), IoFailure> {
        DiskStorage.sync_dir(dir)
    }
}

#[test]
fn every_injected_disk_fault_leaves_the_old_vault_byte_for_byte() {
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_plain_vault(&dir);
    add(&mut vault, "Keep", "me");
    // A structural save with backups off, so the vault write is the only write.
    vault.set_backups_kept(0);
    let before = fs::read(&path).unwrap();
    let size = before.len() + 200;
    let mut faults: Vec<Fault> = (0..=size).step_by(512).map(Fault::AfterBytes).collect();
    faults.extend([Fault::Fsync, Fault::Rename, Fault::NoSpace, Fault::ReadOnly]);
    for fault in faults {
        let calls = Arc::new(AtomicUsize::new(0));
        vault.set_storage(Box::new(FaultyStorage {
            fault: fault.clone(),
            calls: calls.clone(),
        }));
        let result = vault.update(SaveKind::Structural, |accounts| {
            accounts.push(account("New", "one", "JBSWY3DPEHPK3PXP"));
            Ok::<_, VaultError>(())
        });
        let Err(VaultError::Io(failure)) = &result else {
            panic!("expected an I/O error, got {result:?}");
        };
        let message = result.as_ref().unwrap_err().to_string();
        assert!(message.contains(&failure.source.to_string()), "{message}");
        assert!(message.contains("was not changed"), "{message}");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(fs::read(&path).unwrap(), before, "vault changed");
        assert!(
            temp_files(dir.path()).is_empty(),
            "temp left: {:?}",
            temp_files(dir.path())
        );
        assert_eq!(labels(&vault), ["Keep:me"], "memory matches the disk");
    }
    vault.set_storage(Box::new(DiskStorage));
    add(&mut vault, "After", "faults");
    assert_eq!(
        labels(&open(&path, None).unwrap()),
        ["Keep:me", "After:faults"]
    );
}

#[test]
fn a_failed_backup_stops_the_save() {
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_plain_vault(&dir);
    add(&mut vault, "Keep", "me");
    let before = fs::read(&path).unwrap();
    vault.set_storage(Box::new(FaultyStorage {
        fault: Fault::NoSpace,
        calls: Arc::new(AtomicUsize::new(0)),
    }));
    let result = vault.update(SaveKind::Structural, |accounts| {
        accounts.clear();
        Ok::<_, VaultError>(())
    });
    assert!(result.unwrap_err().to_string().contains("os error 28"));
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn stale_temp_files_are_removed_by_the_next_save() {
    let dir = TempDir::new().unwrap();
    let (_, mut vault) = new_plain_vault(&dir);
    fs::write(dir.path().join(".vault.mamori.tmpXYZ"), b"half a vault").unwrap();
    add(&mut vault, "A", "a");
    assert!(temp_files(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn files_are_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = TempDir::new().unwrap();
    let nested = dir.path().join("new-folder");
    let path = nested.join("vault.mamori");
    let mut vault = Vault::create(&path, None).unwrap();
    add(&mut vault, "A", "a");
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&nested), 0o700);
    assert_eq!(mode(&vault.paths().lock), 0o600);
    assert_eq!(mode(&vault.paths().backups), 0o700);
    for backup in backups::list(vault.paths()) {
        assert_eq!(mode(&backup), 0o600);
    }
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    add(&mut vault, "B", "b");
    assert_eq!(
        mode(&path),
        0o600,
        "a 0644 vault is 0600 after the next save"
    );
}

#[test]
fn no_secret_or_label_appears_in_any_file_of_an_encrypted_vault() {
    let dir = TempDir::new().unwrap();
    let (_, mut vault) = new_password_vault(&dir);
    let secret_b32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let raw = b"12345678901234567890";
    for i in 0..3 {
        let new = account(
            "SecretIssuerLabel",
            &format!("hidden-user-{i}@example.com"),
            secret_b32,
        );
        vault
            .update(SaveKind::Structural, |accounts| {
                accounts.push(new.clone());
                Ok::<_, VaultError>(())
            })
            .unwrap();
    }
    let needles: [&[u8]; 4] = [
        secret_b32.as_bytes(),
        raw,
        b"SecretIssuerLabel",
        b"hidden-user",
    ];
    let mut files = vec![vault.path().to_path_buf(), vault.paths().lock.clone()];
    files.extend(backups::list(vault.paths()));
    assert!(files.len() >= 4);
    for file in files {
        let bytes = fs::read(&file).unwrap();
        for needle in needles {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{} contains a secret",
                file.display()
            );
        }
    }
    assert!(!format!("{vault:?}").contains("SecretIssuerLabel"));
}

/// Rewrites a file's header JSON and recomputes the checksum (what an attacker without the
/// password can do).
fn rewrite_header(bytes: &[u8], edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let parsed = container::parse(bytes).unwrap();
    let payload = &bytes[parsed.aad_len..];
    let header_len = parsed.aad_len - PREFIX_LEN - CHECKSUM_LEN;
    let mut json: serde_json::Value =
        serde_json::from_slice(&bytes[PREFIX_LEN..PREFIX_LEN + header_len]).unwrap();
    edit(&mut json);
    let text = serde_json::to_vec(&json).unwrap();
    let mut out = bytes[..12].to_vec();
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    out.extend_from_slice(&text);
    let checksum = container::sha256(&out);
    out.extend_from_slice(&checksum);
    out.extend_from_slice(payload);
    out
}

#[test]
fn tampering_without_the_password_fails() {
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_password_vault(&dir);
    add(&mut vault, "A", "a");
    let bytes = fs::read(&path).unwrap();

    // Lowering the KDF cost (still in range) with a fixed checksum: the slot unwraps with
    // a different KEK, so it is a wrong password, and never a silently weaker vault.
    let lowered = rewrite_header(&bytes, |h| h["slots"][0]["kdf"]["t"] = 4.into());
    let result = LockedVault::from_bytes(&path, lowered)
        .unwrap()
        .unlock(Some(PASSWORD));
    assert!(
        matches!(result, Err(VaultError::WrongPassword)),
        "{result:?}"
    );

    // The same header change with the master key known: the payload's associated data
    // covers the header, so decryption fails.
    let master = vault.master_key().clone();
    let lowered = rewrite_header(&bytes, |h| h["slots"][0]["kdf"]["m_kib"] = 65_537.into());
    let result = LockedVault::from_bytes(&path, lowered)
        .unwrap()
        .unlock_with_key(&master);
    assert!(
        matches!(result, Err(VaultError::PayloadDamaged { .. })),
        "{result:?}"
    );

    // A slot from another vault (same password): unwraps to the other master key.
    let other_dir = TempDir::new().unwrap();
    let (other_path, _) = new_password_vault(&other_dir);
    let other = fs::read(&other_path).unwrap();
    let other_slot = container::parse(&other).unwrap().header.slots[0].clone();
    let swapped = rewrite_header(&bytes, |h| h["slots"][0] = other_slot);
    let result = LockedVault::from_bytes(&path, swapped)
        .unwrap()
        .unlock(Some(PASSWORD));
    assert!(
        matches!(result, Err(VaultError::PayloadDamaged { .. })),
        "{result:?}"
    );

    // KDF values over the ceilings are refused before anything runs: by reading the file,
    // which takes no password and so never runs the KDF (no clock needed to show it).
    for (field, value) in [("m_kib", 4_194_305u64), ("t", 33), ("p", 17)] {
        let huge = rewrite_header(&bytes, |h| h["slots"][0]["kdf"][field] = value.into());
        let result = LockedVault::from_bytes(&path, huge);
        assert!(
            matches!(result, Err(VaultError::KdfOutOfRange(_))),
            "{field}: {result:?}"
        );
    }
}

#[test]
fn future_versions_are_refused_or_opened_read_only() {
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_plain_vault(&dir);
    add(&mut vault, "A", "a");
    let bytes = fs::read(&path).unwrap();

    let mut major2 = bytes.clone();
    major2[8] = 2;
    fs::write(&path, &major2).unwrap();
    let error = open(&path, None).unwrap_err();
    assert!(matches!(error, VaultError::NewerFormat { major: 2, .. }));
    assert!(
        error
            .to_string()
            .contains("newer Mamori (format 2); update Mamori"),
        "{error}"
    );
    assert_eq!(fs::read(&path).unwrap(), major2);

    // Minor 1 with an unknown header field: opens read-only. The minor version is in the
    // associated data, so the payload is re-sealed as a newer Mamori would write it.
    let master = vault.master_key().clone();
    let plaintext = content::to_json(vault.accounts(), &[], vault.activity()).unwrap();
    let mut minor1 = rewrite_header(&bytes, |h| h["future_field"] = true.into());
    minor1[10] = 1;
    let parsed_len = {
        let header_len =
            u32::from_le_bytes([minor1[12], minor1[13], minor1[14], minor1[15]]) as usize;
        PREFIX_LEN + header_len
    };
    let checksum = container::sha256(&minor1[..parsed_len]);
    minor1[parsed_len..parsed_len + CHECKSUM_LEN].copy_from_slice(&checksum);
    let parsed = container::parse(&minor1).unwrap();
    let sealed = crypto::seal(
        &master,
        &parsed.payload_nonce,
        &minor1[..parsed.aad_len],
        &plaintext,
    )
    .unwrap();
    minor1.truncate(parsed.aad_len);
    minor1.extend_from_slice(&sealed);
    fs::write(&path, &minor1).unwrap();
    let mut read_only = open(&path, None).unwrap();
    assert_eq!(read_only.read_only(), Some(&ReadOnly::NewerFormat(1)));
    assert_eq!(labels(&read_only), ["A:a"]);
    let result = read_only.update(SaveKind::Structural, |accounts| {
        accounts.clear();
        Ok::<_, VaultError>(())
    });
    assert!(matches!(result, Err(VaultError::ReadOnly(_))));
    assert_eq!(fs::read(&path).unwrap(), minor1);

    // The same unknown field at minor 0 is damage, not a newer format.
    let strict = rewrite_header(&bytes, |h| h["future_field"] = true.into());
    assert!(matches!(
        LockedVault::from_bytes(&path, strict),
        Err(VaultError::Damaged {
            damage: Damage::HeaderContent(_),
            ..
        })
    ));
}

#[test]
fn unknown_slot_kinds_are_copied_on_save_and_dropped_by_passwd() {
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_password_vault(&dir);
    let bytes = fs::read(&path).unwrap();
    let keyring =
        serde_json::json!({"kind": "keyring", "id": "00112233445566778899aabbccddeeff", "x": 1});
    let with_keyring = rewrite_header(&bytes, |h| {
        h["slots"].as_array_mut().unwrap().push(keyring.clone());
    });
    // Re-seal the payload under the new header, as the program that added the slot would.
    let master = vault.master_key().clone();
    let parsed = container::parse(&with_keyring).unwrap();
    let plaintext = content::to_json(&[], &[], vault.activity()).unwrap();
    let mut file = with_keyring[..parsed.aad_len].to_vec();
    let sealed = crypto::seal(&master, &parsed.payload_nonce, &file, &plaintext).unwrap();
    file.extend_from_slice(&sealed);
    fs::write(&path, &file).unwrap();
    add(&mut vault, "A", "a");
    let header = LockedVault::read(&path).unwrap().header().clone();
    assert_eq!(header.slots[1], keyring, "copied unchanged");
    let change = vault.change_password(Some("new one")).unwrap();
    assert_eq!(change.dropped_slots, ["keyring"]);
    assert_eq!(LockedVault::read(&path).unwrap().header().slots.len(), 1);
}

#[test]
fn a_cheap_password_slot_is_upgraded_after_unlocking() {
    let dir = TempDir::new().unwrap();
    let (path, _) = new_password_vault(&dir);
    let mut vault = open(&path, Some(PASSWORD)).unwrap();
    assert!(vault.upgrade_kdf_if_needed(PASSWORD).unwrap());
    let kdf = LockedVault::read(&path).unwrap().kdf().cloned().unwrap();
    assert_eq!((kdf.m_kib, kdf.t, kdf.p), (262_144, 3, 4));
    assert!(!vault.upgrade_kdf_if_needed(PASSWORD).unwrap());
    assert!(open(&path, Some(PASSWORD)).is_ok());
}

// --- Golden files (docs/vault.md §12): every released format must keep opening. ---
// `tests/data/write-golden.sh VERSION` writes them for a new format version.

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The password of `tests/data/golden-1.0-password.mamori`.
pub const GOLDEN_PASSWORD: &str = "mamori golden パスワード";

#[test]
fn golden_files_of_format_1_0_open() {
    let plain = open(&golden("golden-1.0-plain.mamori"), None).unwrap();
    let encrypted = open(&golden("golden-1.0-password.mamori"), Some(GOLDEN_PASSWORD)).unwrap();
    for vault in [&plain, &encrypted] {
        assert_eq!(
            labels(vault),
            [
                "Example Co:alice@example.com",
                "サイボウズ:山田",
                "Vendor:admin",
                "ops-hotp"
            ]
        );
        let codes: Vec<String> = vault
            .accounts()
            .iter()
            .map(|a| crate::otp::generate(&a.otp, 1_700_000_000).code)
            .collect();
        assert_eq!(codes, ["324550", "55723731", "524686", "768897"]);
        assert_eq!(vault.accounts()[1].backup_codes.len(), 3);
    }
}

/// Every single-bit flip of the golden vaults is refused: never loaded, never "wrong
/// password" for a header flip, never a panic.
#[test]
fn every_bit_flip_of_the_golden_vaults_is_refused() {
    for (name, password) in [
        ("golden-1.0-plain.mamori", None),
        ("golden-1.0-password.mamori", Some(GOLDEN_PASSWORD)),
    ] {
        let path = golden(name);
        let bytes = fs::read(&path).unwrap();
        let master = open(&path, password).unwrap().master_key().clone();
        let aad_len = container::parse(&bytes).unwrap().aad_len;
        let mut refused = 0;
        for bit in 0..bytes.len() * 8 {
            let mut flipped = bytes.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let result = LockedVault::from_bytes(&path, flipped).and_then(|locked| {
                if locked.needs_password() {
                    locked.unlock_with_key(&master)
                } else {
                    locked.unlock(None)
                }
            });
            let error = result.expect_err("a flipped file opened");
            if bit / 8 < aad_len {
                assert!(!error.is_password_problem(), "bit {bit}: {error}");
            }
            refused += 1;
        }
        assert_eq!(refused, bytes.len() * 8);
    }
}

#[test]
fn every_truncation_of_the_golden_vault_is_refused_as_damage() {
    let path = golden("golden-1.0-plain.mamori");
    let bytes = fs::read(&path).unwrap();
    for len in 0..bytes.len() {
        let error = LockedVault::from_bytes(&path, bytes[..len].to_vec())
            .and_then(|l| l.unlock(None))
            .expect_err("a truncated file opened");
        let text = error.to_string();
        if len < 48 {
            assert!(text.contains("not a Mamori vault"), "{len}: {text}");
        } else {
            assert!(text.contains("damaged"), "{len}: {text}");
        }
    }
}

/// 1,000 random truncations of a large vault (2,000 accounts, about 400 KB) are refused.
#[test]
fn random_truncations_of_a_large_vault_are_refused() {
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_plain_vault(&dir);
    vault
        .update(SaveKind::Structural, |accounts| {
            for i in 0..2000 {
                accounts.push(account(
                    "Large Issuer",
                    &format!("user{i}@example.com"),
                    "JBSWY3DPEHPK3PXP",
                ));
            }
            Ok::<_, VaultError>(())
        })
        .unwrap();
    let bytes = fs::read(&path).unwrap();
    assert!(bytes.len() > 300_000, "{}", bytes.len());
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..1000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let len = (state % bytes.len() as u64) as usize;
        let result =
            LockedVault::from_bytes(&path, bytes[..len].to_vec()).and_then(|l| l.unlock(None));
        assert!(result.is_err(), "length {len} opened");
    }
}

/// A vault reached through a symbolic link (kept in a synced folder, linked from the default
/// place) is saved through the link: the target changes, the link stays a link, and the lock
/// and backups sit beside the target, so every process uses one lock.
#[cfg(unix)]
#[test]
fn a_symlinked_vault_is_saved_through_the_link() {
    let dir = TempDir::new().unwrap();
    let synced = dir.path().join("synced");
    fs::create_dir(&synced).unwrap();
    let real = synced.join("vault.mamori");
    let mut vault = Vault::create(&real, None).unwrap();
    add(&mut vault, "Example", "alice");
    drop(vault);
    let link = dir.path().join("vault.mamori");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let mut through_link = open(&link, None).unwrap();
    add(&mut through_link, "Slack", "ops");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(labels(&open(&real, None).unwrap()).len(), 2);
    assert!(synced.join("vault.mamori.lock").exists());
    assert!(!dir.path().join("vault.mamori.lock").exists());
}

/// Another vault copied over an open one, or the same vault with its password removed
/// elsewhere: the next save refuses (no key is ever written unencrypted into a vault the user
/// encrypted, and two vaults are never mixed), and the file is left as it was found.
#[test]
fn a_vault_swapped_or_turned_plain_behind_an_open_one_is_refused() {
    // A different (plain) vault swapped in.
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_password_vault(&dir);
    let other_dir = TempDir::new().unwrap();
    let (other_path, mut other) = new_plain_vault(&other_dir);
    add(&mut other, "Evil", "x");
    fs::copy(&other_path, &path).unwrap();
    let swapped = fs::read(&path).unwrap();
    let result = vault.update(SaveKind::Structural, |accounts| {
        accounts.push(account("Example", "alice", "GEZDGNBVGY3TQOJQ"));
        Ok::<_, VaultError>(())
    });
    assert!(matches!(result, Err(VaultError::Replaced)), "{result:?}");
    assert_eq!(fs::read(&path).unwrap(), swapped);
    assert!(matches!(vault.refresh(), Err(VaultError::Replaced)));

    // The same vault, its password removed by another process.
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_password_vault(&dir);
    let mut elsewhere = open(&path, Some(PASSWORD)).unwrap();
    elsewhere.change_password(None).unwrap();
    let plain = fs::read(&path).unwrap();
    let result = vault.update(SaveKind::Structural, |accounts| {
        accounts.push(account("Example", "alice", "GEZDGNBVGY3TQOJQ"));
        Ok::<_, VaultError>(())
    });
    assert!(matches!(result, Err(VaultError::Replaced)), "{result:?}");
    assert_eq!(fs::read(&path).unwrap(), plain);
    assert!(vault.is_encrypted(), "the open vault keeps its key");
}

#[test]
fn tags_pins_icons_and_the_trash_are_kept_encrypted_and_old_trash_is_purged_on_save() {
    let dir = TempDir::new().unwrap();
    let (path, mut vault) = new_password_vault(&dir);
    add(&mut vault, "Tagged", "a");
    add(&mut vault, "Binned", "b");
    add(&mut vault, "Ancient", "c");
    let now = crate::time::unix_now();
    let png = vec![0x89, b'P', b'N', b'G', 1, 2, 3];
    vault
        .update_with_trash(SaveKind::Structural, |accounts, trash| {
            accounts[0].tags = vec!["ZebraTag".into(), "仕事".into()];
            accounts[0].pinned = true;
            accounts[0].icon = Some(png.clone());
            let ancient = accounts.remove(2);
            let binned = accounts.remove(1);
            trash.push(Trashed {
                account: binned,
                trashed_at: now,
            });
            trash.push(Trashed {
                account: ancient,
                trashed_at: now - TRASH_SECONDS,
            });
            Ok::<_, VaultError>(())
        })
        .unwrap();
    // The 30-day-old entry left with that very save.
    assert_eq!(vault.trash().len(), 1);
    let reopened = open(&path, Some(PASSWORD)).unwrap();
    assert_eq!(labels(&reopened), ["Tagged:a"]);
    let tagged = &reopened.accounts()[0];
    assert_eq!(tagged.tags, ["ZebraTag", "仕事"]);
    assert!(tagged.pinned);
    assert_eq!(tagged.icon.as_deref(), Some(png.as_slice()));
    assert_eq!(reopened.trash().len(), 1);
    assert_eq!(reopened.trash()[0].account.label(), "Binned:b");
    assert_eq!(reopened.trash()[0].trashed_at, now);
    let bytes = fs::read(&path).unwrap();
    for plain in [&b"ZebraTag"[..], b"Binned", b"trashed_at"] {
        assert!(!bytes.windows(plain.len()).any(|w| w == plain));
    }
    assert_eq!(
        LockedVault::read(&path).unwrap().header().content_version,
        2
    );
}

#[test]
fn content_version_1_reads_as_untagged_unpinned_accounts_and_an_empty_trash() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("vault.mamori");
    fs::copy(golden("golden-1.0-plain.mamori"), &path).unwrap();
    assert_eq!(
        LockedVault::read(&path).unwrap().header().content_version,
        1
    );
    let mut vault = open(&path, None).unwrap();
    assert!(vault.trash().is_empty());
    assert!(
        vault
            .accounts()
            .iter()
            .all(|a| a.tags.is_empty() && !a.pinned && a.icon.is_none())
    );
    vault
        .update(SaveKind::Structural, |accounts| {
            accounts[0].tags.push("work".into());
            Ok::<_, VaultError>(())
        })
        .unwrap();
    let saved = open(&path, None).unwrap();
    assert_eq!(saved.header().content_version, 2);
    assert_eq!(saved.accounts()[0].tags, ["work"]);
    assert_eq!(saved.accounts().len(), 4);
}
