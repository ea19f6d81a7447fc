//! Stratum (formerly Authenticator Pro) backups (docs/formats.md §14): the plain JSON backup,
//! the current encrypted file (`AUTHENTICATORPRO`, Argon2id + AES-256-GCM) and the legacy one
//! (`AuthenticatorPro`, PBKDF2-HMAC-SHA1 + AES-256-CBC).
//!
//! Categories become tags, custom icons (`Icon` = `@` + a `CustomIcons` id) become the entry's
//! icon, `Ranking` orders the entries. Lost in conversion: Stratum's bundled icon names and its
//! copy counts; mOTP and Yandex entries are rejected.

use std::collections::HashMap;

use data_encoding::BASE64;
use serde_json::Value;
use zeroize::Zeroizing;

use super::crypto::{Argon2Params, Prf, argon2id, cbc_open, gcm_open, pbkdf2};
use super::{
    Entry, EntryError, Format, ImportError, Item, Parsed, Sniff, check_entry_count, int_field,
    json, otp_params, period_field, str_field,
};
use crate::account::{Algorithm, OtpKind};
use crate::secret::Secret;

const NAME: &str = "Stratum";

/// The current encrypted file: header, 16-byte salt, 12-byte nonce, GCM ciphertext and tag.
const HEADER: &[u8] = b"AUTHENTICATORPRO";
const SALT: usize = 16;
const NONCE: usize = 12;
const TAG: usize = 16;
/// Stratum's fixed Argon2id settings: 3 passes over 64 MiB in 4 lanes.
const ARGON2: (u64, u64, u64) = (64 * 1024, 3, 4);

/// The legacy encrypted file: header, 20-byte salt, 16-byte IV, CBC ciphertext.
const LEGACY_HEADER: &[u8] = b"AuthenticatorPro";
const LEGACY_SALT: usize = 20;
const LEGACY_IV: usize = 16;
const LEGACY_ITERATIONS: u64 = 64_000;

/// Custom icon references start with this (`Icon: "@<id>"`).
const CUSTOM_ICON: char = '@';

/// A JSON object with `Authenticators`, or a file that starts with either encrypted header.
pub fn detect(sniff: &Sniff) -> bool {
    sniff.bytes.starts_with(HEADER)
        || sniff.bytes.starts_with(LEGACY_HEADER)
        || sniff
            .json
            .as_ref()
            .is_some_and(|j| j.get("Authenticators").is_some_and(Value::is_array))
}

/// Reads a plain or encrypted Stratum backup.
pub fn import(bytes: &[u8], password: Option<&str>) -> Result<Parsed, ImportError> {
    let plain = if let Some(body) = bytes.strip_prefix(HEADER) {
        if body.len() < SALT + NONCE + TAG {
            return Err(ImportError::damaged(
                NAME,
                "too short for an encrypted backup",
            ));
        }
        let password = password.ok_or(ImportError::PasswordRequired)?;
        let (m_kib, t, p) = ARGON2;
        let params = Argon2Params::check(NAME, m_kib, t, p)?;
        let key = argon2id::<32>(NAME, password.as_bytes(), &body[..SALT], params)?;
        gcm_open(
            key.as_slice(),
            &body[SALT..SALT + NONCE],
            &body[SALT + NONCE..],
        )
        .ok_or(ImportError::WrongPassword)?
    } else if let Some(body) = bytes.strip_prefix(LEGACY_HEADER) {
        let ciphertext = body.get(LEGACY_SALT + LEGACY_IV..).unwrap_or_default();
        if ciphertext.is_empty() || ciphertext.len() % 16 != 0 {
            return Err(ImportError::damaged(
                NAME,
                "the encrypted backup is cut short",
            ));
        }
        let password = password.ok_or(ImportError::PasswordRequired)?;
        let salt = &body[..LEGACY_SALT];
        let key = pbkdf2(NAME, Prf::Sha1, password, salt, LEGACY_ITERATIONS)?;
        let iv = &body[LEGACY_SALT..LEGACY_SALT + LEGACY_IV];
        let plain = cbc_open(key.as_slice(), iv, ciphertext).ok_or(ImportError::WrongPassword)?;
        // CBC has no tag: a wrong key that passes the padding check (1 in 256) gives no JSON.
        let root = json::parse_bytes(&plain, NAME).map_err(|_| ImportError::WrongPassword)?;
        return read_backup(&root);
    } else {
        let text = super::text::decode(bytes)
            .ok_or_else(|| ImportError::damaged(NAME, "neither JSON nor an encrypted backup"))?;
        return read_backup(&json::parse(text.trim_start(), NAME)?);
    };
    read_backup(&json::parse_bytes(&plain, NAME)?)
}

fn read_backup(root: &Value) -> Result<Parsed, ImportError> {
    let authenticators = root
        .get("Authenticators")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::damaged(NAME, "no list of Authenticators"))?;
    check_entry_count(authenticators.len())?;
    let list = |field: &str| {
        root.get(field)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    // Category id → (its place in Stratum's category list, name).
    let categories: HashMap<&str, (u64, &str)> = list("Categories")
        .iter()
        .map(|c| {
            let rank = int_field(c, "Ranking", 0, 0..=u64::MAX).unwrap_or(0);
            (str_field(c, "Id"), (rank, str_field(c, "Name")))
        })
        .collect();
    // Tags by the exact secret string (Stratum's key for an account), in category order.
    let mut tags: HashMap<&str, Vec<(u64, &str)>> = HashMap::new();
    for link in list("AuthenticatorCategories") {
        if let Some(category) = categories.get(str_field(link, "CategoryId")) {
            tags.entry(str_field(link, "AuthenticatorSecret"))
                .or_default()
                .push(*category);
        }
    }
    let icons: HashMap<&str, &str> = list("CustomIcons")
        .iter()
        .map(|i| (str_field(i, "Id"), str_field(i, "Data")))
        .collect();

    let mut ordered: Vec<&Value> = authenticators.iter().collect();
    // Stable: entries of equal rank keep file order.
    ordered.sort_by_key(|a| int_field(a, "Ranking", 0, 0..=u64::MAX).unwrap_or(0));
    let items = ordered
        .into_iter()
        .map(|auth| {
            let issuer = str_field(auth, "Issuer");
            let name = str_field(auth, "Username");
            match convert(auth) {
                Ok(otp) => {
                    let mut entry = Entry::new(issuer, name, otp);
                    if let Some(links) = tags.get_mut(str_field(auth, "Secret")) {
                        links.sort_by_key(|(rank, _)| *rank);
                        links.dedup();
                        entry.tags = links.iter().map(|(_, n)| n.to_string()).collect();
                    }
                    entry.icon = str_field(auth, "Icon")
                        .strip_prefix(CUSTOM_ICON)
                        .and_then(|id| icons.get(id))
                        .and_then(|b64| BASE64.decode(b64.trim().as_bytes()).ok());
                    Item::Entry(entry)
                }
                Err(reason) => Item::rejected(issuer, name, reason),
            }
        })
        .collect();
    Ok(Parsed::new(Format::Stratum, items))
}

fn convert(auth: &Value) -> Result<crate::account::OtpParams, EntryError> {
    if !auth.is_object() {
        return Err(EntryError::Shape);
    }
    let kind = match int_field(auth, "Type", 0, 0..=u64::MAX)? {
        1 => OtpKind::Hotp {
            counter: int_field(auth, "Counter", 0, 0..=u64::MAX)?,
        },
        2 => OtpKind::Totp {
            period: period_field(auth, "Period")?,
        },
        4 => OtpKind::Steam {
            period: period_field(auth, "Period")?,
        },
        3 => return Err(EntryError::UnsupportedType("motp".into())),
        5 => return Err(EntryError::UnsupportedType("yandex".into())),
        0 => return Err(EntryError::Missing("Type")),
        other => {
            return Err(EntryError::BadValue {
                field: "Type",
                value: other.to_string(),
            });
        }
    };
    let algorithm = match int_field(auth, "Algorithm", 0, 0..=u64::MAX)? {
        0 => Algorithm::Sha1,
        1 => Algorithm::Sha256,
        2 => Algorithm::Sha512,
        other => return Err(EntryError::UnsupportedAlgorithm(other.to_string())),
    };
    let secret_text = Zeroizing::new(str_field(auth, "Secret").to_string());
    let (secret, _) = Secret::from_base32(&secret_text)?;
    let digits = int_field(auth, "Digits", super::default_digits(kind), 0..=u64::MAX)?;
    otp_params(secret, kind, algorithm, digits)
}
