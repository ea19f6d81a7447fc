//! Writing accounts out (formats.md §16): Mamori's own encrypted backup (a new vault file with
//! the same accounts under a password the user chooses), a plain `otpauth://` list, Aegis JSON
//! (plain or encrypted), one QR code per account (PNG), and Google Authenticator transfer QR
//! codes in batches a phone can scan.
//!
//! Files are written atomically (temporary file in the same folder, sync, rename) with mode
//! 0600, through the vault's own [`store::atomic_write`]. The shells decide whether a
//! plain-secret export is allowed ([`ExportFormat::plain_secrets`]); nothing here logs secrets.
//!
//! What each format cannot hold is data ([`ExportFormat::loses`]); [`losses`] counts the
//! accounts it touches, for the shells to say before writing.

use std::path::{Path, PathBuf};

use image::Luma;
use zeroize::Zeroizing;

use super::aegis;
use super::google_migration::{self, NotExportable};
use crate::account::Account;
use crate::i18n::{Lang, Localize, tr};
use crate::uri::to_uri;
use crate::vault::store::{self, DiskStorage, IoFailure};
use crate::vault::{SaveKind, Vault, VaultError, crypto::KdfParams};

/// The formats Mamori writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// A Mamori vault file under a new password.
    Mamori,
    /// `otpauth://` URIs, one a line.
    Otpauth,
    /// Aegis vault JSON (encrypted with a password, or plain).
    Aegis,
    /// One PNG QR code per account.
    Qr,
    /// Google Authenticator transfer QR codes (PNG).
    MigrationQr,
}

impl ExportFormat {
    /// Every format with its command-line name.
    pub const ALL: [(ExportFormat, &'static str); 5] = [
        (ExportFormat::Mamori, "mamori"),
        (ExportFormat::Otpauth, "otpauth"),
        (ExportFormat::Aegis, "aegis"),
        (ExportFormat::Qr, "qr"),
        (ExportFormat::MigrationQr, "migration-qr"),
    ];

    /// The format named `name`.
    pub fn from_name(name: &str) -> Option<ExportFormat> {
        let name = name.trim().to_ascii_lowercase();
        ExportFormat::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(f, _)| *f)
    }

    /// True when the output holds keys in the clear without a password (needs `--plain`).
    /// Aegis is plain only when written without a password.
    pub fn plain_secrets(self, with_password: bool) -> bool {
        match self {
            ExportFormat::Mamori => false,
            ExportFormat::Aegis => !with_password,
            ExportFormat::Otpauth | ExportFormat::Qr | ExportFormat::MigrationQr => true,
        }
    }

    /// True when the output is a folder of PNG files rather than one file.
    pub fn writes_images(self) -> bool {
        matches!(self, ExportFormat::Qr | ExportFormat::MigrationQr)
    }

    /// What of an account this format has no room for. Mamori's own backup keeps everything;
    /// Aegis keeps notes and carries backup codes in the note ([`super::note_block`]). Account
    /// ids and the added/changed times are not counted: an import gives new ones anyway.
    pub fn loses(self) -> &'static [Loss] {
        match self {
            ExportFormat::Mamori | ExportFormat::Aegis => &[],
            ExportFormat::Otpauth | ExportFormat::Qr => &[Loss::Notes, Loss::BackupCodes],
            ExportFormat::MigrationQr => &[Loss::Notes, Loss::BackupCodes, Loss::CodeSettings],
        }
    }
}

/// Something an export format cannot hold ([`ExportFormat::loses`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// The account's note.
    Notes,
    /// The account's backup codes.
    BackupCodes,
    /// Code settings other than SHA1, 6 or 8 digits and 30 s (Google Authenticator transfer
    /// codes): the whole account is left out.
    CodeSettings,
}

impl Loss {
    /// True when exporting `account` would lose this.
    pub fn affects(self, account: &Account) -> bool {
        match self {
            Loss::Notes => !account.note.trim().is_empty(),
            Loss::BackupCodes => !account.backup_codes.is_empty(),
            Loss::CodeSettings => google_migration::fits(&account.otp).is_err(),
        }
    }
}

/// One thing an export would leave out, and how many accounts it touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lost {
    /// What is left out.
    pub loss: Loss,
    /// Accounts that have it.
    pub accounts: usize,
}

impl Localize for Lost {
    fn localize(&self, lang: Lang) -> String {
        let key = match self.loss {
            Loss::Notes => "export-loses-notes",
            Loss::BackupCodes => "export-loses-backup-codes",
            Loss::CodeSettings => "export-loses-code-settings",
        };
        tr(lang, key, &[("count", &self.accounts)])
    }
}

/// What exporting `accounts` as `format` would leave out, only the losses that touch at least
/// one account: empty when the export keeps everything.
pub fn losses(format: ExportFormat, accounts: &[Account]) -> Vec<Lost> {
    format
        .loses()
        .iter()
        .map(|&loss| Lost {
            loss,
            accounts: accounts.iter().filter(|a| loss.affects(a)).count(),
        })
        .filter(|lost| lost.accounts > 0)
        .collect()
}

/// Why an export failed.
#[derive(Debug)]
pub enum ExportError {
    /// Writing the output failed.
    Io(IoFailure),
    /// Making the vault copy failed.
    Vault(VaultError),
    /// Building the content failed.
    Build(aegis::ExportError),
    /// A QR code could not be made (the account's URI is too long for a QR code).
    QrTooLong(String),
    /// There is nothing to export.
    NoAccounts,
}

impl Localize for ExportError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            ExportError::Io(failure) => tr(
                lang,
                "export-io",
                &[
                    ("path", &failure.path.display()),
                    ("reason", &failure.source),
                ],
            ),
            ExportError::Vault(e) => e.localize(lang),
            ExportError::Build(e) => e.localize(lang),
            ExportError::QrTooLong(label) => tr(lang, "export-qr-too-long", &[("label", label)]),
            ExportError::NoAccounts => tr(lang, "export-no-accounts", &[]),
        }
    }
}

crate::localized_error!(ExportError);

impl From<IoFailure> for ExportError {
    fn from(f: IoFailure) -> ExportError {
        ExportError::Io(f)
    }
}

/// The canonical `otpauth://` list (formats.md §3 "Writing URIs"), one URI a line.
pub fn otpauth_list(accounts: &[Account]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::new());
    for account in accounts {
        out.push_str(&to_uri(&account.issuer, &account.name, &account.otp));
        out.push('\n');
    }
    out
}

/// A QR code of `text` as PNG bytes (8-pixel modules, quiet zone, medium error correction).
pub fn qr_png(text: &str) -> Option<Vec<u8>> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    let image = code
        .render::<Luma<u8>>()
        .module_dimensions(8, 8)
        .quiet_zone(true)
        .build();
    let mut png = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .ok()?;
    Some(png)
}

/// A file-name-safe form of a label: letters and digits (any script) kept, others `_`.
fn file_stem(text: &str) -> String {
    let stem: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let trimmed = stem.trim_matches('_');
    if trimmed.is_empty() {
        "account".into()
    } else {
        trimmed.to_string()
    }
}

/// One PNG per account: (file name, PNG bytes). File names are `NN-issuer-name.png`.
pub fn account_qr_codes(accounts: &[Account]) -> Result<Files, ExportError> {
    let mut files = Vec::new();
    for (i, account) in accounts.iter().enumerate() {
        let uri = to_uri(&account.issuer, &account.name, &account.otp);
        let png = qr_png(&uri).ok_or_else(|| ExportError::QrTooLong(account.label()))?;
        let name = format!("{:02}-{}.png", i + 1, file_stem(&account.label()));
        files.push((name, png));
    }
    Ok(files)
}

/// Files to write: (file name, bytes).
pub type Files = Vec<(String, Vec<u8>)>;

/// Accounts left out of an export: (label, reason).
pub type Skipped = Vec<(String, NotExportable)>;

/// Google Authenticator transfer codes: (file name, PNG bytes) per code, and the accounts that
/// do not fit the format with the reason.
pub fn migration_qr_codes(accounts: &[Account]) -> Result<(Files, Skipped), ExportError> {
    let (uris, skipped) = google_migration::encode_batches(
        accounts
            .iter()
            .map(|a| (a.issuer.as_str(), a.name.as_str(), &a.otp)),
    );
    let total = uris.len();
    let mut files = Vec::new();
    for (i, uri) in uris.iter().enumerate() {
        let png =
            qr_png(uri).ok_or_else(|| ExportError::QrTooLong(format!("{}/{total}", i + 1)))?;
        files.push((format!("migration-{}-of-{total}.png", i + 1), png));
    }
    Ok((files, skipped))
}

/// Writes `bytes` to `dest` atomically with mode 0600 (replacing a file already there).
pub fn write_private(dest: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    store::atomic_write(
        &DiskStorage,
        dest,
        ".mamori-export.tmp",
        bytes,
        true,
        &|_| true,
    )?;
    Ok(())
}

/// Writes `files` into the folder `dir` (created with mode 0700 if missing), each atomically
/// with mode 0600. Returns the paths written.
pub fn write_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, ExportError> {
    store::create_private_dir(dir)?;
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        write_private(&path, bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// Mamori's own encrypted backup: a new vault holding `accounts` (ids, notes and backup codes
/// included) under `password`, written to `dest` atomically. `kdf` picks the Argon2id cost
/// (`None`: the default cost).
pub fn mamori_backup(
    accounts: &[Account],
    password: &str,
    dest: &Path,
    kdf: Option<KdfParams>,
) -> Result<(), ExportError> {
    let dir = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // The copy is made next to the destination (same file system), then renamed into place.
    let scratch = tempfile::Builder::new()
        .prefix(".mamori-export")
        .tempdir_in(dir)
        .map_err(|e| {
            ExportError::Io(IoFailure {
                action: store::IoAction::Write,
                path: dir.to_path_buf(),
                source: e,
            })
        })?;
    let path = scratch.path().join("export.mamori");
    let mut copy = match kdf {
        Some(kdf) => Vault::create_with_kdf(&path, password, kdf),
        None => Vault::create(&path, Some(password)),
    }
    .map_err(ExportError::Vault)?;
    copy.set_backups_kept(0);
    let owned = accounts.to_vec();
    copy.update(SaveKind::Routine, move |list| {
        list.extend(owned);
        Ok::<_, VaultError>(())
    })
    .map_err(ExportError::Vault)?;
    let bytes = store::read_capped(&path, crate::vault::container::MAX_FILE)?;
    write_private(dest, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Algorithm, OtpKind, OtpParams};
    use crate::secret::Secret;

    fn account(
        issuer: &str,
        name: &str,
        kind: OtpKind,
        algorithm: Algorithm,
        digits: u8,
    ) -> Account {
        let (secret, _) = Secret::from_base32("ABCDEFGHijkl2345").unwrap();
        Account::new(
            issuer.into(),
            name.into(),
            OtpParams {
                secret,
                kind,
                algorithm,
                digits,
            },
            0,
        )
    }

    #[test]
    fn migration_batches_hold_ten_and_report_the_rest() {
        let mut accounts: Vec<Account> = (0..23)
            .map(|i| {
                account(
                    "Co",
                    &format!("user{i}"),
                    OtpKind::Totp { period: 30 },
                    Algorithm::Sha1,
                    6,
                )
            })
            .collect();
        accounts.push(account(
            "X",
            "sha256",
            OtpKind::Totp { period: 30 },
            Algorithm::Sha256,
            6,
        ));
        accounts.push(account(
            "X",
            "60s",
            OtpKind::Totp { period: 60 },
            Algorithm::Sha1,
            6,
        ));
        accounts.push(account(
            "X",
            "7digits",
            OtpKind::Totp { period: 30 },
            Algorithm::Sha1,
            7,
        ));
        let (uris, skipped) = google_migration::encode_batches(
            accounts
                .iter()
                .map(|a| (a.issuer.as_str(), a.name.as_str(), &a.otp)),
        );
        assert_eq!(uris.len(), 3);
        assert_eq!(skipped.len(), 3);
        let mut seen = 0;
        let mut ids = Vec::new();
        for (i, uri) in uris.iter().enumerate() {
            let m = crate::uri::migration::parse(uri).unwrap();
            assert_eq!((m.batch.index, m.batch.size), (i as i32, 3));
            ids.push(m.batch.id);
            seen += m.accounts.len();
        }
        assert_eq!(seen, 23);
        assert!(ids.iter().all(|id| *id == ids[0]));
    }

    #[test]
    fn qr_codes_decode_back() {
        let accounts = vec![account(
            "株式会社",
            "山田",
            OtpKind::Hotp { counter: 3 },
            Algorithm::Sha1,
            8,
        )];
        let files = account_qr_codes(&accounts).unwrap();
        assert_eq!(files[0].0, "01-株式会社_山田.png");
        let image = crate::image_file::decode_gray(Path::new("x.png"), &files[0].1).unwrap();
        let found = crate::scan::scan_image("x", &image);
        let crate::scan::Payload::Key(key) = &found.found[0].payload else {
            panic!("{found:?}")
        };
        assert_eq!(key.issuer, "株式会社");
        assert_eq!(key.otp, accounts[0].otp);
    }

    #[cfg(unix)]
    #[test]
    fn plain_files_are_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        write_private(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
