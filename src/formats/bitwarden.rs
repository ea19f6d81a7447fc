//! Bitwarden exports (docs/formats.md §8): the unencrypted JSON export and the CSV export. Only
//! items with a non-empty `login.totp` (`login_totp`) produce entries.
//!
//! The `totp` value is an `otpauth://` URI (its label wins; item name and user name fill an
//! empty label), a bare Base32 key (SHA1/6/30; issuer = item name, account = user name), or
//! `steam://KEY` (a Steam Guard key; issuer = item name, or `Steam`).
//!
//! The password-protected JSON export is read: PBKDF2-SHA256 or Argon2id (settings checked
//! against the ceilings before deriving) gives a key that HKDF-Expand stretches into an AES
//! key and an HMAC key; `encKeyValidation_DO_NOT_EDIT` checks the password (its MAC fails for a
//! wrong one) and `data` holds the plain JSON export. An account-restricted export (encrypted
//! with the Bitwarden account's key) only opens inside Bitwarden: recognised and explained.
//! Folders (and an organisation export's collections) become tags, favourites pinned accounts,
//! the item's notes the note. Lost in conversion: passwords, URIs, custom fields.

use std::collections::HashMap;

use serde_json::Value;
use zeroize::Zeroizing;

use super::crypto::{
    Argon2Params, Ceilings, Prf, argon2id, cbc_open, hkdf_expand, hmac_sha256_verify, pbkdf2,
};
use super::{
    Entry, EntryError, Format, ImportError, Item, Parsed, Sniff, check_entry_count, csv_records,
    int_field, json, str_field,
};
use crate::account::OtpParams;
use crate::secret::Secret;
use crate::uri::KeyUri;

const NAME: &str = "Bitwarden";

/// A JSON object with `items` and `encrypted` (or `passwordProtected`).
pub fn detect_json(sniff: &Sniff) -> bool {
    sniff.json.as_ref().is_some_and(|j| {
        j.get("encrypted").is_some_and(Value::is_boolean)
            && (j.get("items").is_some()
                || j.get("passwordProtected").is_some()
                || j.get("data").is_some())
    })
}

/// A CSV whose header has a `login_totp` column.
pub fn detect_csv(sniff: &Sniff) -> bool {
    !sniff.looks_like_json()
        && sniff.first_line().is_some_and(|l| {
            l.split(',')
                .any(|c| c.trim().trim_matches('"') == "login_totp")
        })
}

/// Reads the JSON export.
pub fn import_json(bytes: &[u8], password: Option<&str>) -> Result<Parsed, ImportError> {
    let text = super::text::decode(bytes).ok_or_else(|| ImportError::damaged(NAME, "not text"))?;
    let root = json::parse(&text, NAME)?;
    drop(text);
    if root.get("encrypted").and_then(Value::as_bool) == Some(true) {
        if root.get("passwordProtected").and_then(Value::as_bool) != Some(true) {
            return Err(ImportError::Unsupported("bitwarden-account"));
        }
        let plain = decrypt_export(&root, password)?;
        let text = std::str::from_utf8(&plain)
            .map_err(|_| ImportError::damaged(NAME, "the decrypted export is not UTF-8 text"))?;
        let inner = json::parse(text, NAME)?;
        if inner.get("encrypted").and_then(Value::as_bool) == Some(true) {
            return Err(ImportError::damaged(
                NAME,
                "an encrypted export inside another",
            ));
        }
        return read_items(&inner);
    }
    read_items(&root)
}

/// The plain export inside a password-protected one (docs/formats.md §8).
fn decrypt_export(root: &Value, password: Option<&str>) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let number = |field: &'static str| {
        int_field(root, field, 0, 0..=u64::MAX)
            .map_err(|_| ImportError::damaged(NAME, format!("{field} is not a number")))
    };
    let salt = str_field(root, "salt");
    let validation = EncString::parse(str_field(root, "encKeyValidation_DO_NOT_EDIT"))?;
    let data = EncString::parse(str_field(root, "data"))?;
    enum Kdf {
        Pbkdf2(u64),
        Argon2(Argon2Params),
    }
    let kdf = match number("kdfType")? {
        0 => {
            let iterations = number("kdfIterations")?;
            // Checked by `pbkdf2` before it runs; checked here too, so that a missing password
            // is asked for only once the file is known to be within bounds.
            if iterations == 0 || iterations > Ceilings::PBKDF2_MAX_ITERATIONS {
                return Err(ImportError::KdfTooExpensive {
                    format: NAME,
                    detail: format!("PBKDF2 iterations={iterations}"),
                });
            }
            Kdf::Pbkdf2(iterations)
        }
        1 => Kdf::Argon2(Argon2Params::check(
            NAME,
            number("kdfMemory")?.saturating_mul(1024),
            number("kdfIterations")?,
            number("kdfParallelism")?,
        )?),
        other => {
            return Err(ImportError::UnsupportedVersion {
                format: NAME,
                version: format!("kdfType {other}"),
            });
        }
    };
    let password = password.ok_or(ImportError::PasswordRequired)?;
    let key = match kdf {
        Kdf::Pbkdf2(iterations) => {
            pbkdf2(NAME, Prf::Sha256, password, salt.as_bytes(), iterations)?
        }
        Kdf::Argon2(params) => {
            use sha2::Digest as _;
            let salt_hash = sha2::Sha256::digest(salt.as_bytes());
            argon2id::<32>(NAME, password.as_bytes(), &salt_hash, params)?
        }
    };
    let stretched = |info: &[u8]| {
        hkdf_expand(key.as_slice(), info).ok_or_else(|| ImportError::damaged(NAME, "HKDF"))
    };
    let (enc_key, mac_key) = (stretched(b"enc")?, stretched(b"mac")?);
    validation.open(enc_key.as_slice(), mac_key.as_slice())?;
    data.open(enc_key.as_slice(), mac_key.as_slice())
}

/// A Bitwarden type-2 `EncString`: `2.IV|CIPHERTEXT|MAC`, base64 each (AES-256-CBC with
/// HMAC-SHA-256 over IV and ciphertext).
struct EncString {
    iv: Vec<u8>,
    data: Vec<u8>,
    mac: Vec<u8>,
}

impl EncString {
    fn parse(text: &str) -> Result<EncString, ImportError> {
        let body = text.trim().strip_prefix("2.").ok_or_else(|| {
            ImportError::damaged(NAME, "not an AES-CBC + HMAC cipher string (type 2)")
        })?;
        let mut parts = body
            .split('|')
            .map(|p| data_encoding::BASE64.decode(p.as_bytes()));
        let mut next = || {
            parts
                .next()
                .and_then(Result::ok)
                .ok_or_else(|| ImportError::damaged(NAME, "a cipher string is malformed"))
        };
        let (iv, data, mac) = (next()?, next()?, next()?);
        if iv.len() != 16 || mac.len() != 32 || data.is_empty() || data.len() % 16 != 0 {
            return Err(ImportError::damaged(NAME, "a cipher string is truncated"));
        }
        Ok(EncString { iv, data, mac })
    }

    /// The plaintext; a MAC that does not verify is the wrong password.
    fn open(&self, enc_key: &[u8], mac_key: &[u8]) -> Result<Zeroizing<Vec<u8>>, ImportError> {
        if !hmac_sha256_verify(mac_key, &[&self.iv, &self.data], &self.mac) {
            return Err(ImportError::WrongPassword);
        }
        cbc_open(enc_key, &self.iv, &self.data).ok_or_else(|| {
            ImportError::damaged(NAME, "the password is right but the data is damaged")
        })
    }
}

/// The items of a plain JSON export.
fn read_items(root: &Value) -> Result<Parsed, ImportError> {
    let items = root
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::damaged(NAME, "items is not a list"))?;
    // Folder (personal export) and collection (organisation export) names by id.
    let names = |list: &str| -> HashMap<&str, &str> {
        root.get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|f| Some((f.get("id")?.as_str()?, f.get("name")?.as_str()?)))
            .collect()
    };
    let (folders, collections) = (names("folders"), names("collections"));
    let mut out = Vec::new();
    for item in items {
        let login = item.get("login").unwrap_or(&Value::Null);
        let totp = Zeroizing::new(str_field(login, "totp").trim().to_string());
        if totp.is_empty() {
            continue;
        }
        let mut read = read_totp(&totp, str_field(item, "name"), str_field(login, "username"));
        if let Item::Entry(entry) = &mut read {
            entry.note = str_field(item, "notes").to_string();
            entry.pinned = item.get("favorite").and_then(Value::as_bool) == Some(true);
            let folder = item
                .get("folderId")
                .and_then(Value::as_str)
                .and_then(|id| folders.get(id));
            let in_collections = item
                .get("collectionIds")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter_map(|id| collections.get(id));
            entry.tags = folder
                .into_iter()
                .chain(in_collections)
                .map(|name| name.to_string())
                .collect();
        }
        out.push(read);
        check_entry_count(out.len())?;
    }
    Ok(Parsed::new(Format::Bitwarden, out))
}

/// Reads the CSV export (columns found by header name, never by position).
pub fn import_csv(bytes: &[u8], _password: Option<&str>) -> Result<Parsed, ImportError> {
    let text = super::text::decode(bytes).ok_or_else(|| ImportError::damaged(NAME, "not text"))?;
    let mut reader = csv_records::reader(&text).map_err(|e| ImportError::damaged(NAME, e))?;
    let damaged = |e: csv::Error| ImportError::damaged(NAME, e);
    let mut header = csv::StringRecord::new();
    reader.read_record(&mut header).map_err(damaged)?;
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    let totp_col =
        column("login_totp").ok_or_else(|| ImportError::damaged(NAME, "no login_totp column"))?;
    let (name_col, user_col, notes_col) =
        (column("name"), column("login_username"), column("notes"));
    // `folder` in a personal export, `collections` (comma-separated) in an organisation's.
    let (folder_col, collections_col, favorite_col) =
        (column("folder"), column("collections"), column("favorite"));
    let mut out = Vec::new();
    let mut record = csv_records::record_for(&text);
    while reader.read_record(&mut record).map_err(damaged)? {
        let get = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("");
        let totp = Zeroizing::new(get(Some(totp_col)).trim().to_string());
        if totp.is_empty() {
            continue;
        }
        let mut read = read_totp(&totp, get(name_col), get(user_col));
        if let Item::Entry(entry) = &mut read {
            entry.note = get(notes_col).to_string();
            entry.pinned = get(favorite_col).trim() == "1";
            entry.tags = std::iter::once(get(folder_col))
                .chain(get(collections_col).split(','))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
        }
        out.push(read);
        check_entry_count(out.len())?;
    }
    Ok(Parsed::new(Format::BitwardenCsv, out))
}

/// One `totp` value in any of its three forms.
pub fn read_totp(totp: &str, item_name: &str, username: &str) -> Item {
    let lower = totp.to_ascii_lowercase();
    if lower.starts_with("otpauth://") {
        return match totp.parse::<KeyUri>() {
            Ok(key) => {
                let (mut issuer, mut name) = (key.issuer, key.name);
                if issuer.is_empty() && name.is_empty() {
                    issuer = item_name.to_string();
                    name = username.to_string();
                } else if name.is_empty() {
                    name = username.to_string();
                }
                Item::Entry(Entry::new(issuer, name, key.otp))
            }
            Err(e) => Item::rejected(item_name, username, EntryError::from(e)),
        };
    }
    if lower.starts_with("steam://") {
        let issuer = if item_name.is_empty() {
            "Steam"
        } else {
            item_name
        };
        return match Secret::from_base32(&totp["steam://".len()..]) {
            Ok((secret, _)) => Item::Entry(Entry::new(issuer, username, OtpParams::steam(secret))),
            Err(e) => Item::rejected(issuer, username, EntryError::Secret(e)),
        };
    }
    match Secret::from_base32(totp) {
        Ok((secret, _)) => Item::Entry(Entry::new(item_name, username, OtpParams::totp(secret))),
        Err(e) => Item::rejected(item_name, username, EntryError::Secret(e)),
    }
}
