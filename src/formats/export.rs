//! Writing accounts out (docs/formats.md §16): Mamori's own encrypted backup (a new vault file
//! with the same accounts under a password the user chooses, made by
//! [`crate::vault::backups::export`]), a plain `otpauth://` list, Aegis
//! JSON (plain or encrypted), one QR code per account (PNG), and Google Authenticator transfer
//! QR codes in batches a phone can scan.
//!
//! Files are written atomically (temporary file in the same folder, sync, rename) with mode
//! 0600, through the vault's own [`crate::fsio::atomic_write`]. The shells decide whether a
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
use crate::fsio::{IoAction, IoFailure};
use crate::i18n::{Lang, Localize, tr};
use crate::uri::to_uri;
use crate::vault::VaultError;

/// The ways Mamori writes accounts out. Each has one entry in [`EXPORTS`], which both shells
/// list and call through [`write`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// A Mamori vault file under a new password.
    Mamori,
    /// Aegis vault JSON encrypted with a password.
    AegisEncrypted,
    /// Aegis vault JSON, plain.
    AegisPlain,
    /// `otpauth://` URIs, one a line.
    Otpauth,
    /// One PNG QR code per account.
    Qr,
    /// Google Authenticator transfer QR codes (PNG).
    MigrationQr,
}

/// What an export writes: one file, or a folder of PNG files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// One file; the name offered in a save dialog.
    File(&'static str),
    /// A folder of files; the folder name offered.
    Folder(&'static str),
}

/// What the registry knows about one export: the capabilities the shells need without knowing
/// the format (the import [`super::REGISTRY`]'s twin).
#[derive(Debug)]
pub struct ExportInfo {
    /// The format.
    pub format: ExportFormat,
    /// Name on the command line (`--format`); two entries share `aegis`, told apart by
    /// `--plain`.
    pub id: &'static str,
    /// Catalogue key of the name shown to people.
    pub label_key: &'static str,
    /// Written under a password the user chooses. Without one, the keys are in the clear (the
    /// shells make the user confirm that: `--plain`, or a checkbox).
    pub password: bool,
    /// One file or a folder of files.
    pub output: Output,
    /// Can be written to standard output (text and JSON files).
    pub stdout: bool,
    /// What of an account this format has no room for ([`Loss`]). Account ids and the
    /// added/changed times are not counted: an import gives new ones anyway.
    pub loses: &'static [Loss],
}

/// Every export, in the order the shells offer them (encrypted first).
pub static EXPORTS: &[ExportInfo] = &[
    ExportInfo {
        format: ExportFormat::Mamori,
        id: "mamori",
        label_key: "export-name-mamori",
        password: true,
        output: Output::File("mamori-backup.mamori"),
        stdout: false,
        loses: &[],
    },
    ExportInfo {
        format: ExportFormat::AegisEncrypted,
        id: "aegis",
        label_key: "export-name-aegis-encrypted",
        password: true,
        output: Output::File("aegis-export.json"),
        stdout: true,
        // Notes are kept; backup codes ride in the note (`note_block`).
        loses: &[],
    },
    ExportInfo {
        format: ExportFormat::AegisPlain,
        id: "aegis",
        label_key: "export-name-aegis-plain",
        password: false,
        output: Output::File("aegis-export.json"),
        stdout: true,
        loses: &[],
    },
    ExportInfo {
        format: ExportFormat::Otpauth,
        id: "otpauth",
        label_key: "export-name-otpauth",
        password: false,
        output: Output::File("otpauth-uris.txt"),
        stdout: true,
        loses: &[Loss::Notes, Loss::BackupCodes, Loss::SteamReaders],
    },
    ExportInfo {
        format: ExportFormat::Qr,
        id: "qr",
        label_key: "export-name-qr",
        password: false,
        output: Output::Folder("mamori-qr-codes"),
        stdout: false,
        loses: &[Loss::Notes, Loss::BackupCodes, Loss::SteamReaders],
    },
    ExportInfo {
        format: ExportFormat::MigrationQr,
        id: "migration-qr",
        label_key: "export-name-migration-qr",
        password: false,
        output: Output::Folder("google-authenticator-transfer"),
        stdout: false,
        loses: &[
            Loss::Notes,
            Loss::BackupCodes,
            Loss::CodeSettings,
            Loss::SteamAccounts,
        ],
    },
];

impl ExportFormat {
    /// Every export format, in the registry's order.
    pub fn all() -> impl Iterator<Item = ExportFormat> {
        EXPORTS.iter().map(|i| i.format)
    }

    /// The registry entry.
    pub fn info(self) -> &'static ExportInfo {
        // Every variant has an entry: `every_export_format_has_one_registry_entry` checks it.
        EXPORTS
            .iter()
            .find(|i| i.format == self)
            .unwrap_or(&EXPORTS[0])
    }

    /// The format the command line names: `id` (any case), and for a format written both ways,
    /// the plain one when `plain` is set.
    pub fn from_id(id: &str, plain: bool) -> Option<ExportFormat> {
        let id = id.trim().to_ascii_lowercase();
        let mut matching = EXPORTS.iter().filter(|i| i.id == id).peekable();
        let first = matching.next()?;
        if matching.peek().is_none() {
            return Some(first.format);
        }
        std::iter::once(first)
            .chain(matching)
            .find(|i| i.password != plain)
            .map(|i| i.format)
    }

    /// True when the output holds keys in the clear (no password).
    pub fn plain_secrets(self) -> bool {
        !self.info().password
    }

    /// True when the output is a folder of PNG files rather than one file.
    pub fn writes_images(self) -> bool {
        matches!(self.info().output, Output::Folder(_))
    }

    /// The name offered in a save dialog (a file or a folder).
    pub fn suggested_name(self) -> &'static str {
        match self.info().output {
            Output::File(name) | Output::Folder(name) => name,
        }
    }

    /// What of an account this format has no room for.
    pub fn loses(self) -> &'static [Loss] {
        self.info().loses
    }
}

impl Localize for ExportFormat {
    fn localize(&self, lang: Lang) -> String {
        tr(lang, self.info().label_key, &[])
    }
}

/// Which accounts an export takes: the one rule behind `mamori export --tag TAG --account
/// QUERY` and the export dialog's "Accounts" choice (all, one tag, the accounts shown now).
///
/// Within each list, any entry will do (`--tag a --tag b`: accounts with tag a or b); when both
/// lists are given, an account must satisfy both (as `mamori list QUERY --tag TAG` and the
/// window's search with a tag chip do). Both empty: every account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Accounts with any of these tags ([`Account::has_tag`]: case- and width-insensitive).
    pub tags: Vec<String>,
    /// Accounts matching any of these queries as `mamori list QUERY` does
    /// ([`Account::matches`]: issuer, name or tag contain it, or it is the id).
    pub queries: Vec<String>,
}

impl Selection {
    /// Every account.
    pub fn everything() -> Selection {
        Selection::default()
    }

    /// True when no condition is set: every account is taken.
    pub fn is_everything(&self) -> bool {
        self.tags.is_empty() && self.queries.is_empty()
    }

    /// True when this selection takes `account`.
    pub fn takes(&self, account: &Account) -> bool {
        (self.tags.is_empty() || self.tags.iter().any(|t| account.has_tag(t)))
            && (self.queries.is_empty() || self.queries.iter().any(|q| account.matches(q.trim())))
    }

    /// The accounts taken, in the vault's order (possibly none: the shells say so and write
    /// nothing).
    pub fn select(&self, accounts: &[Account]) -> Vec<Account> {
        accounts.iter().filter(|a| self.takes(a)).cloned().collect()
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
    /// Steam accounts (Google Authenticator transfer codes have no Steam kind): left out.
    SteamAccounts,
    /// Steam accounts are written as `otpauth://steam/…`, which only Aegis and Ente Auth read
    /// as Steam (docs/formats.md §3): other apps may refuse them or show wrong codes.
    SteamReaders,
}

impl Loss {
    /// True when exporting `account` would lose this.
    pub fn affects(self, account: &Account) -> bool {
        match self {
            Loss::Notes => !account.note.trim().is_empty(),
            Loss::BackupCodes => !account.backup_codes.is_empty(),
            Loss::CodeSettings => {
                !is_steam(account) && google_migration::fits(&account.otp).is_err()
            }
            Loss::SteamAccounts | Loss::SteamReaders => is_steam(account),
        }
    }
}

fn is_steam(account: &Account) -> bool {
    matches!(account.otp.kind, crate::account::OtpKind::Steam { .. })
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
            Loss::SteamAccounts => "export-loses-steam",
            Loss::SteamReaders => "export-steam-readers",
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
    /// No account fits a Google Authenticator transfer code.
    NoneFit,
    /// The format is written under a password and none was given.
    PasswordRequired,
    /// The format cannot be written to standard output.
    NotToStdout,
}

impl Localize for ExportError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            ExportError::Io(failure) => tr(
                lang,
                "export-io",
                &[
                    ("path", &failure.path.display()),
                    ("reason", &crate::i18n::os_error(lang, &failure.source)),
                ],
            ),
            ExportError::Vault(e) => e.localize(lang),
            ExportError::Build(e) => e.localize(lang),
            ExportError::QrTooLong(label) => tr(lang, "export-qr-too-long", &[("label", label)]),
            ExportError::NoAccounts => tr(lang, "export-no-accounts", &[]),
            ExportError::NoneFit => tr(lang, "export-none-fit", &[]),
            ExportError::PasswordRequired => tr(lang, "export-password-required", &[]),
            ExportError::NotToStdout => tr(lang, "export-not-to-stdout", &[]),
        }
    }
}

crate::localized_error!(ExportError);

impl From<IoFailure> for ExportError {
    fn from(f: IoFailure) -> ExportError {
        ExportError::Io(f)
    }
}

/// The canonical `otpauth://` list (docs/formats.md §3 "Writing URIs"), one URI a line; an
/// account with tags or pinned carries them in Ente Auth's `codeDisplay` parameter (§9), which
/// Ente and Mamori read back.
pub fn otpauth_list(accounts: &[Account]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::new());
    for account in accounts {
        out.push_str(&to_uri(&account.issuer, &account.name, &account.otp));
        if account.pinned || !account.tags.is_empty() {
            out.push_str(&super::ente::CodeDisplay::uri_parameter(
                account.pinned,
                &account.tags,
            ));
        }
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
    Ok(crate::fsio::write_private(
        dest,
        ".mamori-export.tmp",
        bytes,
    )?)
}

/// Writes `files` into the folder `dir` (created with mode 0700 if missing), each atomically
/// with mode 0600. Returns the paths written.
pub fn write_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, ExportError> {
    crate::fsio::create_private_dir(dir)?;
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        write_private(&path, bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// Where an export goes.
pub enum Destination<'a> {
    /// A file, or a folder for the formats that write images (replaced atomically, mode 0600).
    Path(&'a Path),
    /// An open stream (standard output), for the formats whose [`ExportInfo::stdout`] is set.
    Stream(&'a mut dyn std::io::Write),
}

/// What an export wrote.
#[derive(Debug, Default)]
pub struct Written {
    /// Accounts written.
    pub accounts: usize,
    /// Files written (1, or the QR code images).
    pub files: usize,
    /// Accounts left out (transfer codes only), with the reason.
    pub skipped: Skipped,
}

/// Writes `accounts` as `format` to `destination`. `password` is the export's own password, for
/// the formats written under one ([`ExportInfo::password`]); it is ignored by the others. The one
/// dispatch both shells call.
pub fn write(
    format: ExportFormat,
    accounts: &[Account],
    password: Option<&str>,
    destination: Destination<'_>,
) -> Result<Written, ExportError> {
    if accounts.is_empty() {
        return Err(ExportError::NoAccounts);
    }
    let password = match (format.info().password, password) {
        (true, Some(p)) if !p.is_empty() => Some(p),
        (true, _) => return Err(ExportError::PasswordRequired),
        (false, _) => None,
    };
    let one_file = |bytes: &[u8], destination: Destination<'_>| -> Result<Written, ExportError> {
        match destination {
            Destination::Path(path) => write_private(path, bytes)?,
            Destination::Stream(stream) => stream
                .write_all(bytes)
                .and_then(|()| stream.flush())
                .map_err(|e| {
                    ExportError::Io(IoFailure {
                        action: IoAction::Write,
                        path: PathBuf::from("-"),
                        source: e,
                    })
                })?,
        }
        Ok(Written {
            accounts: accounts.len(),
            files: 1,
            skipped: Vec::new(),
        })
    };
    if let Destination::Stream(_) = destination
        && !format.info().stdout
    {
        return Err(ExportError::NotToStdout);
    }
    let folder = |files: Files, skipped: Skipped, destination: Destination<'_>| {
        let Destination::Path(dir) = destination else {
            return Err(ExportError::NotToStdout);
        };
        write_files(dir, &files)?;
        Ok(Written {
            accounts: accounts.len() - skipped.len(),
            files: files.len(),
            skipped,
        })
    };
    match (format, password) {
        (ExportFormat::Mamori, Some(password)) => {
            let Destination::Path(dest) = destination else {
                return Err(ExportError::NotToStdout);
            };
            crate::vault::backups::export(accounts, password, dest, None).map_err(|e| match e {
                VaultError::Io(failure) => ExportError::Io(failure),
                e => ExportError::Vault(e),
            })?;
            Ok(Written {
                accounts: accounts.len(),
                files: 1,
                skipped: Vec::new(),
            })
        }
        (ExportFormat::AegisEncrypted, Some(password)) => {
            let bytes = aegis::export_encrypted(accounts, password).map_err(ExportError::Build)?;
            one_file(&bytes, destination)
        }
        (ExportFormat::AegisPlain, _) => {
            let bytes = aegis::export_plain(accounts).map_err(ExportError::Build)?;
            one_file(&bytes, destination)
        }
        (ExportFormat::Otpauth, _) => one_file(otpauth_list(accounts).as_bytes(), destination),
        (ExportFormat::Qr, _) => folder(account_qr_codes(accounts)?, Vec::new(), destination),
        (ExportFormat::MigrationQr, _) => {
            let (files, skipped) = migration_qr_codes(accounts)?;
            if files.is_empty() {
                return Err(ExportError::NoneFit);
            }
            folder(files, skipped, destination)
        }
        (ExportFormat::Mamori | ExportFormat::AegisEncrypted, None) => {
            Err(ExportError::PasswordRequired)
        }
    }
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
