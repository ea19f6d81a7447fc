//! An account: what a service issued (key and code parameters), how the user labels it, and
//! the one-time backup codes the service handed out with it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// The HMAC hash a key uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Algorithm {
    /// HMAC-SHA-1, what nearly every service uses.
    #[default]
    #[serde(rename = "SHA1")]
    Sha1,
    /// HMAC-SHA-256.
    #[serde(rename = "SHA256")]
    Sha256,
    /// HMAC-SHA-512.
    #[serde(rename = "SHA512")]
    Sha512,
}

impl Algorithm {
    /// Every algorithm, in the order they are offered.
    pub const ALL: [Algorithm; 3] = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];

    /// `SHA1`, `SHA256` or `SHA512`, as URIs write them.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Reads the spellings seen in the wild: `SHA1`, `sha256`, `SHA-512`, `HmacSHA1`,
    /// `Algorithm.sha1` (Ente), in any case.
    pub fn parse(text: &str) -> Option<Algorithm> {
        let mut lower = text.trim().to_ascii_lowercase();
        for prefix in ["algorithm.", "hmac-", "hmac"] {
            if let Some(rest) = lower.strip_prefix(prefix) {
                lower = rest.to_string();
            }
        }
        match lower.replace(['-', '_'], "").as_str() {
            "sha1" => Some(Algorithm::Sha1),
            "sha256" => Some(Algorithm::Sha256),
            "sha512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Time-based or counter-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OtpKind {
    /// TOTP (RFC 6238): a new code every `period` seconds.
    Totp {
        /// Seconds per code, > 0.
        period: u32,
    },
    /// HOTP (RFC 4226): a new code each time the counter moves.
    Hotp {
        /// The counter the **next** code uses.
        counter: u64,
    },
    /// Steam Guard: TOTP whose code is written with Steam's 26-character alphabet
    /// ([`crate::otp::STEAM_ALPHABET`]) instead of decimal digits (docs/formats.md §1, §15).
    Steam {
        /// Seconds per code, > 0 (Steam uses 30).
        period: u32,
    },
}

impl OtpKind {
    /// `totp`, `hotp` or `steam`.
    pub fn name(self) -> &'static str {
        match self {
            OtpKind::Totp { .. } => "totp",
            OtpKind::Hotp { .. } => "hotp",
            OtpKind::Steam { .. } => "steam",
        }
    }

    /// The period of a time-based kind (TOTP, Steam); `None` for HOTP.
    pub fn period(self) -> Option<u32> {
        match self {
            OtpKind::Totp { period } | OtpKind::Steam { period } => Some(period),
            OtpKind::Hotp { .. } => None,
        }
    }

    /// The counter of HOTP; `None` for the time-based kinds.
    pub fn counter(self) -> Option<u64> {
        match self {
            OtpKind::Hotp { counter } => Some(counter),
            OtpKind::Totp { .. } | OtpKind::Steam { .. } => None,
        }
    }
}

/// Default code length.
pub const DEFAULT_DIGITS: u8 = 6;
/// Length of a Steam Guard code (characters of Steam's alphabet).
pub const STEAM_DIGITS: u8 = 5;
/// Default TOTP period in seconds.
pub const DEFAULT_PERIOD: u32 = 30;
/// Shortest code length accepted from a URI or import (Bitwarden documents 1-10).
pub const MIN_DIGITS: u8 = 1;
/// Longest code length: a 31-bit truncated HMAC has at most 10 decimal digits.
pub const MAX_DIGITS: u8 = 10;

/// Everything needed to compute codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtpParams {
    /// The key.
    pub secret: Secret,
    /// TOTP or HOTP, with period or counter.
    pub kind: OtpKind,
    /// HMAC hash.
    pub algorithm: Algorithm,
    /// Code length, 1..=10.
    pub digits: u8,
}

impl OtpParams {
    /// A standard 6-digit, 30-second SHA-1 TOTP for `secret`.
    pub fn totp(secret: Secret) -> OtpParams {
        OtpParams {
            secret,
            kind: OtpKind::Totp {
                period: DEFAULT_PERIOD,
            },
            algorithm: Algorithm::Sha1,
            digits: DEFAULT_DIGITS,
        }
    }

    /// A Steam Guard key: SHA-1, 30 seconds, 5 characters (docs/formats.md §5 "Fixed values").
    pub fn steam(secret: Secret) -> OtpParams {
        OtpParams {
            secret,
            kind: OtpKind::Steam {
                period: DEFAULT_PERIOD,
            },
            algorithm: Algorithm::Sha1,
            digits: STEAM_DIGITS,
        }
    }

    /// True when both describe the same key producing the same codes (the duplicate test).
    /// HOTP counters are ignored: the same key at another counter is still the same account.
    pub fn same_key(&self, other: &OtpParams) -> bool {
        let same_kind = match (self.kind, other.kind) {
            (OtpKind::Totp { period: a }, OtpKind::Totp { period: b }) => a == b,
            (OtpKind::Hotp { .. }, OtpKind::Hotp { .. }) => true,
            (OtpKind::Steam { period: a }, OtpKind::Steam { period: b }) => a == b,
            _ => false,
        };
        same_kind
            && self.secret == other.secret
            && self.algorithm == other.algorithm
            && self.digits == other.digits
    }
}

/// A stable account id: 16 random bytes as 32 hex digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(pub String);

impl AccountId {
    /// A fresh random id.
    pub fn random() -> AccountId {
        let mut bytes = [0u8; 16];
        // getrandom only fails when the OS has no entropy source at all; fall back to the
        // clock so an id is still unique in practice rather than aborting an import.
        if getrandom::fill(&mut bytes).is_err() {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            bytes = nanos.to_le_bytes();
        }
        AccountId(data_encoding::HEXLOWER.encode(&bytes))
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One one-time backup (recovery) code a service gave for an account. A code logs in without
/// the authenticator, so it is treated like a key: zeroized when dropped, `[redacted]` in
/// `Debug` output.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupCode {
    /// The code as the service printed it (trimmed).
    pub code: String,
    /// When it was marked used (Unix seconds), or `None` while unused.
    pub used_at: Option<u64>,
}

impl Drop for BackupCode {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.code);
    }
}

impl fmt::Debug for BackupCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackupCode")
            .field("code", &"[redacted]")
            .field("used_at", &self.used_at)
            .finish()
    }
}

impl BackupCode {
    /// The code reduced to what identifies it: no spaces or hyphens, upper case. `1234 5678`,
    /// `1234-5678` and `12345678` are the same code.
    pub fn normalized(code: &str) -> String {
        code.chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_uppercase)
            .collect()
    }
}

/// An account in the vault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Stable id, fixed when the account is created.
    pub id: AccountId,
    /// Service name; may be empty.
    pub issuer: String,
    /// Account name at the service (user name, e-mail); may be empty.
    pub name: String,
    /// How codes are computed.
    pub otp: OtpParams,
    /// Free text.
    pub note: String,
    /// One-time recovery codes, in the order given.
    pub backup_codes: Vec<BackupCode>,
    /// When the account was added (Unix seconds).
    pub created: u64,
    /// When it last changed (Unix seconds).
    pub updated: u64,
    /// The user's tags, several per account, in the order added ([`crate::accounts::set_tags`]
    /// keeps them trimmed, non-empty and without case-insensitive repeats).
    pub tags: Vec<String>,
    /// Listed before the others.
    pub pinned: bool,
    /// A custom icon: a PNG of at most [`ICON_SIDE`] pixels a side ([`crate::icon`]), or `None`
    /// for the bundled icon matching the issuer or the letter avatar.
    pub icon: Option<Vec<u8>>,
}

/// Width and height of a custom icon as stored.
pub const ICON_SIDE: u32 = 64;

/// How long a deleted account stays in the trash before a save purges it: 30 days.
pub const TRASH_SECONDS: u64 = 30 * 24 * 60 * 60;

/// A deleted account, kept (encrypted with the others) for [`TRASH_SECONDS`] so it can be
/// restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trashed {
    /// The account as it was.
    pub account: Account,
    /// When it was deleted (Unix seconds).
    pub trashed_at: u64,
}

impl Trashed {
    /// When a save purges it (Unix seconds).
    pub fn purged_at(&self) -> u64 {
        self.trashed_at.saturating_add(TRASH_SECONDS)
    }

    /// True once it has been in the trash for [`TRASH_SECONDS`].
    pub fn expired(&self, now: u64) -> bool {
        now >= self.purged_at()
    }
}

impl Account {
    /// A new account with a fresh id, added at `now`.
    pub fn new(issuer: String, name: String, otp: OtpParams, now: u64) -> Account {
        Account {
            id: AccountId::random(),
            issuer,
            name,
            otp,
            note: String::new(),
            backup_codes: Vec::new(),
            created: now,
            updated: now,
            tags: Vec::new(),
            pinned: false,
            icon: None,
        }
    }

    /// `issuer:name`, or just the name when there is no issuer.
    pub fn label(&self) -> String {
        label(&self.issuer, &self.name)
    }

    /// True when `query` (case-insensitive) is a substring of issuer, name or a tag, or equals
    /// the id. Full-width letters match their ASCII forms, so `ｋｉｎｔｏｎｅ` finds `kintone`.
    pub fn matches(&self, query: &str) -> bool {
        let query = fold(query);
        self.id.0 == query
            || fold(&self.issuer).contains(&query)
            || fold(&self.name).contains(&query)
            || self.tags.iter().any(|t| fold(t).contains(&query))
    }

    /// True when the account has this tag (compared case- and width-insensitively).
    pub fn has_tag(&self, tag: &str) -> bool {
        let tag = fold(tag.trim());
        self.tags.iter().any(|t| fold(t) == tag)
    }

    /// Backup codes not used yet.
    pub fn unused_backup_codes(&self) -> impl Iterator<Item = &BackupCode> {
        self.backup_codes.iter().filter(|c| c.used_at.is_none())
    }
}

/// `issuer:name`, or `name` alone when the issuer is empty.
pub fn label(issuer: &str, name: &str) -> String {
    if issuer.is_empty() {
        name.to_string()
    } else {
        format!("{issuer}:{name}")
    }
}

/// Lower-cases and maps full-width ASCII (U+FF01..U+FF5E) and the ideographic space to ASCII,
/// for searching.
pub fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_codes_never_print() {
        let code = BackupCode {
            code: "1234-5678".into(),
            used_at: None,
        };
        let shown = format!("{code:?}");
        assert!(!shown.contains("1234"), "{shown}");
        assert!(shown.contains("redacted"), "{shown}");
    }

    #[test]
    fn algorithm_spellings_from_the_wild() {
        for (text, want) in [
            ("SHA1", Algorithm::Sha1),
            ("sha256", Algorithm::Sha256),
            ("SHA-512", Algorithm::Sha512),
            ("HmacSHA1", Algorithm::Sha1),
            ("HMAC-SHA-256", Algorithm::Sha256),
            ("Algorithm.sha1", Algorithm::Sha1),
        ] {
            assert_eq!(Algorithm::parse(text), Some(want), "{text}");
        }
        assert_eq!(Algorithm::parse("MD5"), None);
        assert_eq!(Algorithm::parse(""), None);
    }

    #[test]
    fn search_folds_case_and_width() {
        let (secret, _) = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let account = Account::new(
            "Kintone".into(),
            "admin@example.com".into(),
            OtpParams::totp(secret),
            0,
        );
        assert!(account.matches("ｋｉｎｔｏｎｅ"));
        assert!(account.matches("KINT"));
        assert!(account.matches("ADMIN@"));
        assert!(!account.matches("slack"));
        assert!(account.matches(&account.id.0.clone()));
        let mut tagged = account.clone();
        tagged.tags = vec!["Work".into()];
        assert!(tagged.matches("ｗｏｒｋ") && tagged.has_tag(" work "));
        assert!(!account.matches("work") && !account.has_tag("work"));
    }

    #[test]
    fn backup_codes_compare_without_separators() {
        assert_eq!(BackupCode::normalized("1234 5678"), "12345678");
        assert_eq!(BackupCode::normalized("abcd-efgh"), "ABCDEFGH");
    }
}
