//! Other apps' export formats (`docs/formats.md`): one module per format, a registry that says
//! what each can do, content-based detection, and the per-entry import report.
//!
//! Import is detect → (password, if the file is encrypted) → decrypt → convert:
//!
//! ```
//! use mamori::formats::{self, Format};
//! let file = b"otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example\r\n";
//! let format = formats::detect(file).unwrap();
//! assert_eq!(format, Format::UriList);
//! let parsed = formats::import(file, format, None).unwrap();
//! let (mut accounts, mut trash) = (Vec::new(), Vec::new());
//! let report = formats::apply(&parsed, &mut accounts, &mut trash, 0);
//! assert_eq!(report.imported(), 1);
//! assert_eq!(accounts[0].issuer, "Example");
//! ```
//!
//! Every importer turns its file into [`Item`]s: an [`Entry`] (the common model of docs/formats.md
//! §1) or a [`Rejected`] entry with its reason, so one bad entry never sinks a file.
//! [`apply`] then adds the entries to an account list, skipping exact duplicates, and returns
//! a [`Report`] naming every entry. Errors that concern the whole file ([`ImportError`]: wrong
//! password, damaged file, unknown version) leave the account list untouched.
//!
//! Bounds: a crafted file must neither hang Mamori nor exhaust memory, so every file up to
//! [`MAX_IMPORT_BYTES`] imports or fails within 10 s of CPU and 512 MiB (measured by
//! `benches/hostile-imports.sh`). An import reads at most [`MAX_IMPORT_ENTRIES`] entries
//! carrying at most [`MAX_IMPORT_TEXT`], JSON within [`json::MAX_VALUES`] values, key URIs
//! within [`crate::uri::MAX_PARAMETERS`] parameters, and derives keys within the [`Ceilings`]
//! (per slot and per file, checked before any derivation runs); lookups (duplicates, columns,
//! parameters, batches) are hashed.

pub mod aegis;
pub mod andotp;
pub mod authenticator_ext;
pub mod bitwarden;
mod crypto;
mod csv_records;
pub mod ente;
pub mod export;
pub mod freeotp;
pub mod freeotp2;
pub mod google_migration;
mod java_map;
pub mod json;
pub mod keepass;
pub mod note_block;
pub mod otpauth_list;
pub mod qr_image;
mod read;
mod secretstream;
pub mod stratum;
mod text;
pub mod transfer_codes;
pub mod twofas;
pub mod winauth_xml;
pub mod zipped_uri_list;

use std::borrow::Cow;

use serde_json::Value;

use crate::account::{Account, BackupCode, OtpParams, label};
use crate::i18n::{Lang, Localize, tr};
use crate::secret::SecretError;
use crate::uri::UriError;

pub use crypto::Ceilings;
pub use read::{read_import, read_import_file};

/// Largest file any importer reads (a thousand accounts with icons is far below this).
pub const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

/// Most entries (read or rejected) one import reads: far more than anyone's accounts, few
/// enough that a file of tiny crafted entries cannot exhaust memory. A file with more is
/// refused whole ([`ImportError::TooManyEntries`]).
pub const MAX_IMPORT_ENTRIES: usize = 10_000;

/// Most bytes (names, notes, keys, backup codes) the entries of one import may carry together:
/// 16 MiB, a hundred times a large real export. Accounts are copied a few times while the vault
/// is saved, so this, not the file size, bounds the memory an import adds to the vault.
pub const MAX_IMPORT_TEXT: usize = 16 << 20;

/// The error for a file of `count` entries so far, if that is more than [`MAX_IMPORT_ENTRIES`].
pub(crate) fn check_entry_count(count: usize) -> Result<(), ImportError> {
    if count > MAX_IMPORT_ENTRIES {
        Err(ImportError::TooManyEntries {
            limit: MAX_IMPORT_ENTRIES,
        })
    } else {
        Ok(())
    }
}

/// The formats Mamori reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `otpauth://` lines: generic text, WinAuth, Ente Auth plain, FreeOTP+ key URIs (§3, §9,
    /// §11).
    UriList,
    /// Google Authenticator `otpauth-migration://` lines (§4).
    GoogleMigration,
    /// A picture of QR codes (key URIs or Google Authenticator transfer codes).
    QrImage,
    /// Aegis vault, plain or encrypted (§5).
    Aegis,
    /// 2FAS `.2fas`, plain or encrypted (§6).
    TwoFas,
    /// andOTP JSON, or its encrypted backups (§7).
    AndOtp,
    /// Bitwarden JSON (§8).
    Bitwarden,
    /// Bitwarden CSV (§8).
    BitwardenCsv,
    /// FreeOTP+ JSON (§10).
    FreeOtpPlus,
    /// FreeOTP 2 `externalBackup.xml` (§10).
    FreeOtp2,
    /// Stratum / Authenticator Pro backup, plain or encrypted (§14).
    Stratum,
    /// The Authenticator browser extension's backup (§13).
    AuthenticatorExt,
    /// A CSV export of KeePassXC/KeePass with OTP columns (§12).
    KeePassCsv,
    /// Ente Auth's encrypted export (§9).
    EnteEncrypted,
    /// A ZIP of `otpauth://` lists, plain or with a password: WinAuth (§11), Authenticator Plus
    /// (§14).
    ZipUriList,
    /// WinAuth's own configuration file `winauth.xml`, plain or protected by a password (§11).
    WinAuthXml,
}

/// What the registry knows about one format: the capabilities the shells need without knowing
/// the format (the GNOME Authenticator pattern, `docs/architecture.md` §3).
pub struct FormatInfo {
    /// The format.
    pub format: Format,
    /// Name on the command line (`--format`).
    pub id: &'static str,
    /// Other accepted names.
    pub aliases: &'static [&'static str],
    /// Name shown to people.
    pub name: &'static str,
    /// File names the app usually writes (for file dialogs; detection never relies on them).
    pub patterns: &'static [&'static str],
    /// True when the format has an encrypted variant (a password may be asked).
    pub encryptable: bool,
    /// True when the content looks like this format.
    pub detect: fn(&Sniff) -> bool,
    /// Reads the file; `password` is used for encrypted variants.
    pub import: fn(&[u8], Option<&str>) -> Result<Parsed, ImportError>,
}

impl std::fmt::Debug for FormatInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormatInfo").field("id", &self.id).finish()
    }
}

/// Every importable format, in detection order (most specific first).
pub static REGISTRY: &[FormatInfo] = &[
    FormatInfo {
        format: Format::Aegis,
        id: "aegis",
        aliases: &[],
        name: "Aegis",
        patterns: &["aegis-export-*.json", "aegis-backup-*.json", "*.json"],
        encryptable: true,
        detect: aegis::detect,
        import: aegis::import,
    },
    FormatInfo {
        format: Format::TwoFas,
        id: "2fas",
        aliases: &["twofas"],
        name: "2FAS",
        patterns: &["*.2fas"],
        encryptable: true,
        detect: twofas::detect,
        import: twofas::import,
    },
    FormatInfo {
        format: Format::FreeOtpPlus,
        id: "freeotp-plus",
        aliases: &["freeotp+", "freeotp"],
        name: "FreeOTP+",
        patterns: &["freeotp-backup.json", "*.json"],
        encryptable: false,
        detect: freeotp::detect,
        import: freeotp::import,
    },
    FormatInfo {
        format: Format::FreeOtp2,
        id: "freeotp2",
        aliases: &["freeotp-2"],
        name: "FreeOTP 2",
        patterns: &["externalBackup.xml", "*.xml"],
        encryptable: true,
        detect: freeotp2::detect,
        import: freeotp2::import,
    },
    FormatInfo {
        format: Format::Stratum,
        id: "stratum",
        aliases: &["authenticator-pro", "authenticatorpro"],
        name: "Stratum / Authenticator Pro",
        patterns: &["*.authpro", "*.json"],
        encryptable: true,
        detect: stratum::detect,
        import: stratum::import,
    },
    FormatInfo {
        format: Format::Bitwarden,
        id: "bitwarden",
        aliases: &[],
        name: "Bitwarden (JSON)",
        patterns: &["bitwarden_export_*.json"],
        encryptable: true,
        detect: bitwarden::detect_json,
        import: bitwarden::import_json,
    },
    FormatInfo {
        format: Format::EnteEncrypted,
        id: "ente-encrypted",
        aliases: &[],
        name: "Ente Auth (encrypted)",
        patterns: &["ente-auth-codes-*.txt"],
        encryptable: true,
        detect: ente::detect_encrypted,
        import: ente::import_encrypted,
    },
    FormatInfo {
        format: Format::AndOtp,
        id: "andotp",
        aliases: &[],
        name: "andOTP",
        patterns: &["otp_accounts*.json", "otp_accounts*.json.aes"],
        encryptable: true,
        detect: andotp::detect,
        import: andotp::import,
    },
    FormatInfo {
        format: Format::AuthenticatorExt,
        id: "authenticator-ext",
        aliases: &["authenticator.cc", "authenticator"],
        name: "Authenticator (browser extension)",
        patterns: &["authenticator.txt", "*.json"],
        encryptable: true,
        detect: authenticator_ext::detect,
        import: authenticator_ext::import,
    },
    FormatInfo {
        format: Format::BitwardenCsv,
        id: "bitwarden-csv",
        aliases: &[],
        name: "Bitwarden (CSV)",
        patterns: &["bitwarden_export_*.csv"],
        encryptable: false,
        detect: bitwarden::detect_csv,
        import: bitwarden::import_csv,
    },
    FormatInfo {
        format: Format::KeePassCsv,
        id: "keepass-csv",
        aliases: &["keepassxc-csv", "keepass", "keepassxc"],
        name: "KeePassXC / KeePass (CSV)",
        patterns: &["*.csv"],
        encryptable: false,
        detect: keepass::detect,
        import: keepass::import,
    },
    FormatInfo {
        format: Format::GoogleMigration,
        id: "migration",
        aliases: &["google", "google-authenticator", "otpauth-migration"],
        name: "Google Authenticator (otpauth-migration)",
        patterns: &["*.txt"],
        encryptable: false,
        detect: google_migration::detect,
        import: google_migration::import,
    },
    FormatInfo {
        format: Format::WinAuthXml,
        id: "winauth-xml",
        aliases: &["winauth.xml"],
        name: "WinAuth (winauth.xml)",
        patterns: &["winauth.xml", "*.xml"],
        encryptable: true,
        detect: winauth_xml::detect,
        import: winauth_xml::import,
    },
    FormatInfo {
        format: Format::UriList,
        id: "otpauth",
        aliases: &["uri", "text", "winauth", "ente", "freeotp-uri"],
        name: "otpauth:// list (WinAuth, Ente Auth, FreeOTP+, text)",
        patterns: &["*.txt", "ente-auth-codes-*.txt"],
        encryptable: false,
        detect: otpauth_list::detect,
        import: otpauth_list::import,
    },
    FormatInfo {
        format: Format::ZipUriList,
        id: "zip",
        aliases: &["winauth-zip", "authenticator-plus"],
        name: "WinAuth / Authenticator Plus (ZIP)",
        patterns: &["*.zip"],
        encryptable: true,
        detect: zipped_uri_list::detect,
        import: zipped_uri_list::import,
    },
    FormatInfo {
        format: Format::QrImage,
        id: "qr-image",
        aliases: &["image", "qr"],
        name: "QR code image",
        patterns: &["*.png", "*.jpg", "*.jpeg", "*.webp", "*.bmp", "*.gif"],
        encryptable: false,
        detect: qr_image::detect,
        import: qr_image::import,
    },
];

/// The registry entry of `format`. Every format has one (`every_format_has_one_registry_entry`
/// checks it); the first entry stands in only if that test were ignored.
pub fn info(format: Format) -> &'static FormatInfo {
    REGISTRY
        .iter()
        .find(|i| i.format == format)
        .unwrap_or(&REGISTRY[0])
}

impl FormatInfo {
    /// The file endings of its usual file names (`json`, `2fas`, `aes`…), for file dialogs.
    pub fn extensions(&self) -> impl Iterator<Item = &'static str> {
        self.patterns
            .iter()
            .filter_map(|pattern| pattern.rsplit_once('.').map(|(_, ext)| ext))
    }
}

/// Every file ending an importable file usually has, once each, for an import file dialog.
pub fn import_extensions() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = REGISTRY.iter().flat_map(FormatInfo::extensions).collect();
    all.sort_unstable();
    all.dedup();
    all
}

impl Format {
    /// The format named `name` (its id or an alias, any case).
    pub fn from_name(name: &str) -> Option<Format> {
        let name = name.trim().to_ascii_lowercase();
        REGISTRY
            .iter()
            .find(|i| i.id == name || i.aliases.contains(&name.as_str()))
            .map(|i| i.format)
    }

    /// The command-line name.
    pub fn id(self) -> &'static str {
        info(self).id
    }

    /// The name shown to people.
    pub fn name(self) -> &'static str {
        info(self).name
    }
}

/// A file's content, looked at once for every detector: text without BOM, parsed JSON.
#[derive(Debug)]
pub struct Sniff<'a> {
    /// The raw bytes.
    pub bytes: &'a [u8],
    /// The bytes as text (UTF-8 or UTF-16 with BOM), without BOM; `None` for binary. Borrowed
    /// from `bytes` when they are UTF-8 already.
    pub text: Option<Cow<'a, str>>,
    /// The text as JSON, if it is JSON within the bounds of [`json::check_size`].
    pub json: Option<Value>,
}

impl<'a> Sniff<'a> {
    /// Looks at `bytes`.
    pub fn new(bytes: &'a [u8]) -> Sniff<'a> {
        let text = text::decode(bytes);
        let json = text
            .as_deref()
            .and_then(json_text)
            .filter(|t| json::check_size(t.as_bytes()).is_ok())
            .and_then(|t| serde_json::from_str(t).ok());
        Sniff { bytes, text, json }
    }

    /// True when the text starts (after white space) with `{` or `[`: JSON, parsed or not (a
    /// file over the bounds of [`json::check_size`] has no [`Sniff::json`] but is still no CSV).
    pub fn looks_like_json(&self) -> bool {
        self.text.as_deref().and_then(json_text).is_some()
    }

    /// The first line that is neither blank nor a `#` comment, trimmed.
    pub fn first_line(&self) -> Option<&str> {
        self.text.as_deref().and_then(|t| {
            t.lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with('#'))
        })
    }
}

/// `text` from its first `{` or `[`, if that is how it starts (after white space).
fn json_text(text: &str) -> Option<&str> {
    let t = text.trim_start();
    (t.starts_with('{') || t.starts_with('[')).then_some(t)
}

/// The format of `bytes`, judged by content (never by file name). `None`: not recognised.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let sniff = Sniff::new(bytes);
    if let Some(found) = REGISTRY.iter().find(|i| (i.detect)(&sniff)) {
        return Some(found.format);
    }
    // docs/formats.md §2: anything else binary that is not JSON may be an encrypted andOTP backup.
    andotp::maybe_encrypted(&sniff).then_some(Format::AndOtp)
}

/// Reads `bytes` as `format`. An encrypted file without `password` gives
/// [`ImportError::PasswordRequired`] before any key derivation runs.
pub fn import(bytes: &[u8], format: Format, password: Option<&str>) -> Result<Parsed, ImportError> {
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge);
    }
    let parsed = (info(format).import)(bytes, password)?;
    // Each importer stops as soon as it passes the limit; this is the rule for all of them.
    check_entry_count(parsed.items.len())?;
    if parsed.kept_len() > MAX_IMPORT_TEXT {
        return Err(ImportError::TooMuchText {
            mib: MAX_IMPORT_TEXT >> 20,
        });
    }
    Ok(parsed)
}

/// Detects and reads in one step.
pub fn detect_and_import(bytes: &[u8], password: Option<&str>) -> Result<Parsed, ImportError> {
    let format = detect(bytes).ok_or_else(|| not_recognised(bytes))?;
    import(bytes, format, password)
}

/// The error for an unrecognised file, naming the formats Mamori knows about but cannot read.
fn not_recognised(bytes: &[u8]) -> ImportError {
    let sniff = Sniff::new(bytes);
    let head = sniff.text.as_deref().unwrap_or("").trim_start();
    if let Some(json) = json_text(head)
        && let Err(too_large) = json::check_size(json.as_bytes())
    {
        return too_large;
    }
    if head.starts_with("-----BEGIN PGP MESSAGE-----") {
        return ImportError::Unsupported("pgp");
    }
    if sniff.json.is_some() {
        return ImportError::UnknownJson;
    }
    ImportError::NotRecognised
}

/// One account read from a file, in the common model of docs/formats.md §1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Service name (may be empty).
    pub issuer: String,
    /// Account name (may be empty).
    pub name: String,
    /// Key and code parameters.
    pub otp: OtpParams,
    /// Free text the format carried.
    pub note: String,
    /// Backup codes, from a block in the note ([`note_block`]).
    pub backup_codes: Vec<BackupCode>,
    /// The format's groups or tags the entry is in, by name.
    pub tags: Vec<String>,
    /// A favourite or pinned entry.
    pub pinned: bool,
    /// The image the format carried as the entry's icon (PNG, JPEG, WebP, BMP or GIF bytes),
    /// made into a custom icon on import ([`crate::icon::from_image`]); one that cannot be read
    /// is left out, not the entry.
    pub icon: Option<Vec<u8>>,
    /// The entry was in the app's bin: it goes to Mamori's trash.
    pub trashed: bool,
}

impl Entry {
    /// An entry without a note or backup codes.
    pub fn new(issuer: impl Into<String>, name: impl Into<String>, otp: OtpParams) -> Entry {
        Entry {
            issuer: issuer.into(),
            name: name.into(),
            otp,
            note: String::new(),
            backup_codes: Vec::new(),
            tags: Vec::new(),
            pinned: false,
            icon: None,
            trashed: false,
        }
    }

    /// Sets the note from a format's note field, taking out a block of backup codes
    /// ([`note_block`]) if it ends with one.
    pub fn set_note_with_codes(&mut self, text: &str) {
        let (note, codes) = note_block::split(text);
        self.note = note;
        self.backup_codes = codes;
    }
}

/// An entry that could not be read, named as well as the file allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    /// Service name, if known.
    pub issuer: String,
    /// Account name, if known.
    pub name: String,
    /// Why.
    pub reason: EntryError,
}

/// One entry of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// Read.
    Entry(Entry),
    /// Could not be read.
    Rejected(Rejected),
}

impl Item {
    /// A rejected entry.
    pub fn rejected(issuer: &str, name: &str, reason: EntryError) -> Item {
        Item::Rejected(Rejected {
            issuer: issuer.to_string(),
            name: name.to_string(),
            reason,
        })
    }
}

/// What a file held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The format it was read as.
    pub format: Format,
    /// Every entry, in file order.
    pub items: Vec<Item>,
    /// Things about the whole file worth telling (batches of a transfer export, …).
    pub notices: Vec<Notice>,
}

impl Parsed {
    /// A result without notices.
    pub fn new(format: Format, items: Vec<Item>) -> Parsed {
        Parsed {
            format,
            items,
            notices: Vec::new(),
        }
    }

    /// The bytes the items carry into a vault and a report: names, notes, keys and backup codes.
    pub fn kept_len(&self) -> usize {
        self.items
            .iter()
            .map(|item| match item {
                Item::Entry(e) => {
                    e.issuer.len()
                        + e.name.len()
                        + e.note.len()
                        + e.tags.iter().map(String::len).sum::<usize>()
                        + e.otp.secret.as_bytes().len()
                        + e.backup_codes.iter().map(|c| c.code.len()).sum::<usize>()
                }
                Item::Rejected(r) => r.issuer.len() + r.name.len(),
            })
            .sum()
    }

    /// The entries that were read.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.items.iter().filter_map(|i| match i {
            Item::Entry(e) => Some(e),
            Item::Rejected(_) => None,
        })
    }
}

/// A remark about a whole file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Google Authenticator transfer codes: which of a multi-code export were read.
    Batches {
        /// Codes in the export.
        size: i32,
        /// 1-based numbers of the codes not in this file.
        missing: Vec<i32>,
    },
    /// Transfer codes from different exports were mixed.
    MixedBatches,
    /// HOTP counters were converted from FreeOTP's stored value (+1).
    FreeOtpCounters,
    /// The file's groups/tags, favourites and icons were not kept.
    GroupsDropped,
}

impl Localize for Notice {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Notice::Batches { size, missing } => {
                let list = crate::i18n::join_list(lang, missing);
                if missing.is_empty() {
                    tr(lang, "import-batches-complete", &[("size", size)])
                } else {
                    tr(
                        lang,
                        "import-batches-missing",
                        &[("size", size), ("missing", &list)],
                    )
                }
            }
            Notice::MixedBatches => tr(lang, "import-batches-mixed", &[]),
            Notice::FreeOtpCounters => tr(lang, "import-freeotp-counters", &[]),
            Notice::GroupsDropped => tr(lang, "import-groups-dropped", &[]),
        }
    }
}

/// Why one entry could not be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryError {
    /// Its `otpauth://` URI was refused.
    Uri(UriError),
    /// Its key is not valid Base32 (or empty).
    Secret(SecretError),
    /// A kind Mamori does not compute (mOTP, Yandex, Battle.net, …).
    UnsupportedType(String),
    /// An algorithm outside SHA1/SHA256/SHA512 (MD5, SHA224, GOST, …).
    UnsupportedAlgorithm(String),
    /// A field with a value out of range or of the wrong kind.
    BadValue {
        /// Field name as the format spells it.
        field: &'static str,
        /// What it held.
        value: String,
    },
    /// A required field is missing.
    Missing(&'static str),
    /// A Google Authenticator entry problem.
    Migration(crate::uri::migration::EntryProblem),
    /// The entry is not an object of the expected shape.
    Shape,
    /// The entry is protected on its own and could not be opened: `password` (not the password
    /// given), `winauth-dpapi`, `winauth-dpapi-elsewhere`, `winauth-yubikey`.
    Protected(&'static str),
}

impl From<UriError> for EntryError {
    fn from(e: UriError) -> EntryError {
        match e {
            UriError::UnsupportedType(t) => EntryError::UnsupportedType(t),
            other => EntryError::Uri(other),
        }
    }
}

impl From<SecretError> for EntryError {
    fn from(e: SecretError) -> EntryError {
        EntryError::Secret(e)
    }
}

impl Localize for EntryError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            EntryError::Uri(e) => e.localize(lang),
            EntryError::Secret(e) => e.localize(lang),
            EntryError::UnsupportedType(t) => {
                tr(lang, "import-entry-unsupported-type", &[("type", t)])
            }
            EntryError::UnsupportedAlgorithm(a) => {
                tr(lang, "import-entry-unsupported-algorithm", &[("value", a)])
            }
            EntryError::BadValue { field, value } => tr(
                lang,
                "import-entry-bad-value",
                &[("field", field), ("value", value)],
            ),
            EntryError::Missing(field) => tr(lang, "import-entry-missing", &[("field", field)]),
            EntryError::Migration(p) => p.localize(lang),
            EntryError::Shape => tr(lang, "import-entry-shape", &[]),
            EntryError::Protected(what) => tr(lang, &format!("import-entry-protected-{what}"), &[]),
        }
    }
}

crate::localized_error!(EntryError);

/// Why a whole file could not be imported. Nothing is imported from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// The content matches no known format.
    NotRecognised,
    /// JSON, but of no shape Mamori knows.
    UnknownJson,
    /// Known, but not readable by Mamori: `pgp`, `bitwarden-account`, `winauth-dpapi`,
    /// `winauth-dpapi-elsewhere`, `winauth-yubikey`.
    Unsupported(&'static str),
    /// The file is encrypted and no password was given.
    PasswordRequired,
    /// The password does not open the file.
    WrongPassword,
    /// The file is truncated or damaged, or does not have the shape its format requires.
    Damaged {
        /// Format name.
        format: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// A version of the format Mamori does not know.
    UnsupportedVersion {
        /// Format name.
        format: &'static str,
        /// The version found.
        version: String,
    },
    /// Key derivation settings beyond the ceilings of docs/formats.md §1.
    KdfTooExpensive {
        /// Format name.
        format: &'static str,
        /// The settings found.
        detail: String,
    },
    /// The file is larger than [`MAX_IMPORT_BYTES`].
    TooLarge,
    /// The file could not be read at all (missing, a folder, no permission).
    Unreadable {
        /// The file, as the user named it.
        path: std::path::PathBuf,
        /// The system's reason, in English.
        reason: String,
        /// The kind of the system's error, for the reason in other languages.
        kind: std::io::ErrorKind,
    },
    /// The file holds more than [`MAX_IMPORT_ENTRIES`] entries.
    TooManyEntries {
        /// The limit.
        limit: usize,
    },
    /// The file's JSON has more values or objects than any export ([`json::MAX_VALUES`],
    /// [`json::MAX_OBJECTS`]).
    JsonTooLarge,
    /// The entries carry more than [`MAX_IMPORT_TEXT`] of names, notes, keys and backup codes.
    TooMuchText {
        /// The limit in MiB.
        mib: usize,
    },
}

impl ImportError {
    /// True for a missing or wrong password (exit code 3 on the command line).
    pub fn is_password_problem(&self) -> bool {
        matches!(
            self,
            ImportError::PasswordRequired | ImportError::WrongPassword
        )
    }

    /// A damage error.
    pub fn damaged(format: &'static str, detail: impl std::fmt::Display) -> ImportError {
        ImportError::Damaged {
            format,
            detail: detail.to_string(),
        }
    }
}

impl crate::advice::Advise for ImportError {
    fn advice(&self) -> Option<crate::advice::Advice> {
        use crate::advice::Advice;
        match self {
            ImportError::NotRecognised | ImportError::UnknownJson => Some(Advice::NameTheFormat),
            ImportError::PasswordRequired => Some(Advice::GiveFilePassword),
            _ => None,
        }
    }
}

impl Localize for ImportError {
    fn localize(&self, lang: Lang) -> String {
        let formats = crate::i18n::join_list(lang, REGISTRY.iter().map(|i| i.id));
        match self {
            ImportError::NotRecognised => {
                tr(lang, "import-not-recognised", &[("formats", &formats)])
            }
            ImportError::UnknownJson => tr(lang, "import-unknown-json", &[("formats", &formats)]),
            ImportError::Unsupported(what) => tr(lang, &format!("import-unsupported-{what}"), &[]),
            ImportError::PasswordRequired => tr(lang, "import-password-required", &[]),
            ImportError::WrongPassword => tr(lang, "import-wrong-password", &[]),
            ImportError::Damaged { format, detail } => tr(
                lang,
                "import-damaged",
                &[("format", format), ("detail", detail)],
            ),
            ImportError::UnsupportedVersion { format, version } => tr(
                lang,
                "import-unsupported-version",
                &[("format", format), ("version", version)],
            ),
            ImportError::KdfTooExpensive { format, detail } => tr(
                lang,
                "import-kdf-too-expensive",
                &[("format", format), ("detail", detail)],
            ),
            ImportError::TooLarge => tr(
                lang,
                "import-too-large",
                &[("mib", &(MAX_IMPORT_BYTES / 1024 / 1024))],
            ),
            ImportError::Unreadable { path, reason, kind } => tr(
                lang,
                "import-unreadable",
                &[
                    ("path", &path.display()),
                    ("reason", &crate::i18n::os_error_text(lang, *kind, reason)),
                ],
            ),
            ImportError::TooManyEntries { limit } => {
                tr(lang, "import-too-many-entries", &[("limit", limit)])
            }
            ImportError::TooMuchText { mib } => tr(lang, "import-too-much-text", &[("mib", mib)]),
            ImportError::JsonTooLarge => tr(
                lang,
                "import-json-too-large",
                &[
                    ("values", &json::MAX_VALUES),
                    ("objects", &json::MAX_OBJECTS),
                ],
            ),
        }
    }
}

crate::localized_error!(ImportError);

/// What happened to one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Added to the accounts.
    Imported,
    /// The same key is already there (or earlier in the file), under this label.
    Duplicate(String),
    /// Not imported, and why.
    Rejected(EntryError),
    /// It was in the app's bin: put in Mamori's trash.
    Trashed,
}

/// One line of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportLine {
    /// Service name.
    pub issuer: String,
    /// Account name.
    pub name: String,
    /// What happened.
    pub outcome: Outcome,
}

impl ReportLine {
    /// `issuer:name` (or the name), as the user knows the entry.
    pub fn label(&self) -> String {
        label(&self.issuer, &self.name)
    }
}

/// The per-entry report of an import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// One line per entry, in file order.
    pub lines: Vec<ReportLine>,
}

impl Report {
    /// Entries added.
    pub fn imported(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Imported))
    }

    /// Entries skipped as exact duplicates.
    pub fn duplicates(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Duplicate(_)))
    }

    /// Entries put in the trash (they were in the app's bin).
    pub fn trashed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Trashed))
    }

    /// Entries rejected.
    pub fn rejected(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Rejected(_)))
    }

    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.lines.iter().filter(|l| f(&l.outcome)).count()
    }
}

/// Adds the entries of `parsed` to `accounts` (new accounts created at `now`), skipping exact
/// duplicates (same key and code parameters, docs/formats.md §1) of accounts already there or of
/// earlier entries, and reports every entry. Entries that were in the app's bin go to `trash`
/// (deleted at `now`) instead, unless their key is already in the list or the trash. Tags, pins
/// and icons come along; an icon that cannot be read, is larger than
/// [`crate::icon::MAX_IMPORTED_ICON_SIDE`] or comes after
/// [`crate::icon::MAX_IMPORTED_ICON_PIXELS`] is left out. Meant to run inside `Vault::update_with_trash`, so the
/// whole import is one atomic save; run it on copies for a dry run. Duplicates are found
/// through a hash of the key, so the time is linear in accounts plus entries.
pub fn apply(
    parsed: &Parsed,
    accounts: &mut Vec<Account>,
    trash: &mut Vec<crate::account::Trashed>,
    now: u64,
) -> Report {
    let mut report = Report::default();
    let mut binned: Vec<crate::account::Trashed> = Vec::new();
    let mut icon_pixels_left = crate::icon::MAX_IMPORTED_ICON_PIXELS;
    let mut icon = |bytes: &[u8]| {
        let (w, h) = crate::icon::source_pixels(bytes)?;
        let pixels = u64::from(w) * u64::from(h);
        if w.max(h) > crate::icon::MAX_IMPORTED_ICON_SIDE || pixels > icon_pixels_left {
            return None;
        }
        icon_pixels_left -= pixels;
        crate::icon::from_image(bytes).ok()
    };
    let mut adder = crate::accounts::Adder::new(accounts, now);
    for item in &parsed.items {
        let line = match item {
            Item::Rejected(r) => ReportLine {
                issuer: r.issuer.clone(),
                name: r.name.clone(),
                outcome: Outcome::Rejected(r.reason.clone()),
            },
            Item::Entry(entry) => {
                let new = crate::accounts::NewAccount {
                    issuer: entry.issuer.clone(),
                    name: entry.name.clone(),
                    otp: entry.otp.clone(),
                    note: entry.note.clone(),
                    backup_codes: entry.backup_codes.clone(),
                    tags: entry.tags.clone(),
                    pinned: entry.pinned,
                    icon: entry.icon.as_deref().and_then(&mut icon),
                };
                if entry.trashed {
                    // Already in the list or the trash (an import made twice): nothing to add.
                    let known = adder.existing(&new.otp).map(Account::label).or_else(|| {
                        trash
                            .iter()
                            .chain(&binned)
                            .find(|t| t.account.otp.same_key(&new.otp))
                            .map(|t| t.account.label())
                    });
                    let outcome = match known {
                        Some(label) => Outcome::Duplicate(label),
                        None => {
                            binned.extend(trashed(new, now));
                            Outcome::Trashed
                        }
                    };
                    report.lines.push(ReportLine {
                        issuer: entry.issuer.clone(),
                        name: entry.name.clone(),
                        outcome,
                    });
                    continue;
                }
                let outcome = match adder.add(new, crate::accounts::AddRules::default()) {
                    Ok(_) => Outcome::Imported,
                    Err(crate::accounts::AccountsError::Duplicate { label, .. }) => {
                        Outcome::Duplicate(label)
                    }
                    // `add` refuses nothing else.
                    Err(_) => continue,
                };
                ReportLine {
                    issuer: entry.issuer.clone(),
                    name: entry.name.clone(),
                    outcome,
                }
            }
        };
        report.lines.push(line);
    }
    for binned in binned.into_iter().rev() {
        trash.insert(0, binned);
    }
    report
}

/// An entry from another app's bin as a trashed account: added to a scratch list for the same
/// trimming and tag rules as any account, deleted `now`.
fn trashed(new: crate::accounts::NewAccount, now: u64) -> Option<crate::account::Trashed> {
    let rules = crate::accounts::AddRules {
        allow_duplicate: true,
        ..crate::accounts::AddRules::default()
    };
    let account = crate::accounts::add(&mut Vec::new(), new, rules, now).ok()?;
    Some(crate::account::Trashed {
        account,
        trashed_at: now,
    })
}

/// Reads a JSON number field as an integer in `range`, or reports it.
pub(crate) fn int_field(
    value: &Value,
    field: &'static str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, EntryError> {
    let n = match value.get(field) {
        None | Some(Value::Null) => default,
        Some(Value::Number(n)) => n.as_u64().ok_or_else(|| EntryError::BadValue {
            field,
            value: n.to_string(),
        })?,
        Some(Value::String(s)) if s.trim().is_empty() => default,
        Some(Value::String(s)) => s.trim().parse().map_err(|_| EntryError::BadValue {
            field,
            value: s.clone(),
        })?,
        Some(other) => {
            return Err(EntryError::BadValue {
                field,
                value: other.to_string(),
            });
        }
    };
    if range.contains(&n) {
        Ok(n)
    } else {
        Err(EntryError::BadValue {
            field,
            value: n.to_string(),
        })
    }
}

/// A string field, empty when absent or not a string.
pub(crate) fn str_field<'v>(value: &'v Value, field: &str) -> &'v str {
    value.get(field).and_then(Value::as_str).unwrap_or("")
}

/// Builds code parameters from checked parts: digits 1..=10, period > 0 (docs/formats.md §1).
pub(crate) fn otp_params(
    secret: crate::secret::Secret,
    kind: crate::account::OtpKind,
    algorithm: crate::account::Algorithm,
    digits: u64,
) -> Result<OtpParams, EntryError> {
    use crate::account::{MAX_DIGITS, MIN_DIGITS};
    if !(u64::from(MIN_DIGITS)..=u64::from(MAX_DIGITS)).contains(&digits) {
        return Err(EntryError::BadValue {
            field: "digits",
            value: digits.to_string(),
        });
    }
    if kind.period() == Some(0) {
        return Err(EntryError::BadValue {
            field: "period",
            value: "0".into(),
        });
    }
    Ok(OtpParams {
        secret,
        kind,
        algorithm,
        digits: digits as u8,
    })
}

/// The code length a format means when it gives none: 5 for Steam, else 6.
pub(crate) fn default_digits(kind: crate::account::OtpKind) -> u64 {
    match kind {
        crate::account::OtpKind::Steam { .. } => u64::from(crate::account::STEAM_DIGITS),
        _ => u64::from(crate::account::DEFAULT_DIGITS),
    }
}

/// A period field (TOTP), checked: 1..=u32::MAX.
pub(crate) fn period_field(value: &Value, field: &'static str) -> Result<u32, EntryError> {
    let n = int_field(
        value,
        field,
        u64::from(crate::account::DEFAULT_PERIOD),
        1..=u64::from(u32::MAX),
    )?;
    Ok(n as u32)
}

/// The kind of code an Aegis-style entry names in `type` (`totp`, `hotp` or `steam`, any case),
/// with its `period` or `counter` read from `fields`; an empty type is missing, any other is
/// rejected by name (lower case).
pub(crate) fn named_kind(
    name: &str,
    fields: &Value,
) -> Result<crate::account::OtpKind, EntryError> {
    use crate::account::OtpKind;
    match name.to_ascii_lowercase().as_str() {
        "totp" => Ok(OtpKind::Totp {
            period: period_field(fields, "period")?,
        }),
        "hotp" => Ok(OtpKind::Hotp {
            counter: int_field(fields, "counter", 0, 0..=u64::MAX)?,
        }),
        // andOTP writes no period for Steam: 30 s.
        "steam" => Ok(OtpKind::Steam {
            period: period_field(fields, "period")?,
        }),
        "" => Err(EntryError::Missing("type")),
        other => Err(EntryError::UnsupportedType(other.to_string())),
    }
}

/// An algorithm name, or the entry's rejection.
pub(crate) fn algorithm(text: &str) -> Result<crate::account::Algorithm, EntryError> {
    if text.trim().is_empty() {
        return Ok(crate::account::Algorithm::Sha1);
    }
    crate::account::Algorithm::parse(text)
        .ok_or_else(|| EntryError::UnsupportedAlgorithm(text.to_string()))
}

#[cfg(test)]
mod tests;
