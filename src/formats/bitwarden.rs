//! Bitwarden exports (docs/formats.md §8): the unencrypted JSON export and the CSV export. Only
//! items with a non-empty `login.totp` (`login_totp`) produce entries.
//!
//! The `totp` value is an `otpauth://` URI (its label wins; item name and user name fill an
//! empty label), a bare Base32 key (SHA1/6/30; issuer = item name, account = user name), or
//! `steam://KEY` (a Steam Guard key; issuer = item name, or `Steam`). Password-protected and
//! account-restricted encrypted exports are recognised and explained, not read (the spec marks
//! them unverified against a sample). Lost in conversion: passwords, URIs, folders, custom
//! fields; the item's notes are kept as the note.

use serde_json::Value;
use zeroize::Zeroizing;

use super::{
    Entry, EntryError, Format, ImportError, Item, Parsed, Sniff, check_entry_count, csv_records,
    json, str_field,
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
pub fn import_json(bytes: &[u8], _password: Option<&str>) -> Result<Parsed, ImportError> {
    let text = super::text::decode(bytes).ok_or_else(|| ImportError::damaged(NAME, "not text"))?;
    let root = json::parse(&text, NAME)?;
    drop(text);
    if root.get("encrypted").and_then(Value::as_bool) == Some(true) {
        return Err(ImportError::Unsupported(
            if root.get("passwordProtected").and_then(Value::as_bool) == Some(true) {
                "bitwarden-encrypted"
            } else {
                "bitwarden-account"
            },
        ));
    }
    let items = root
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::damaged(NAME, "items is not a list"))?;
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
