//! Aegis vaults, plain and encrypted (docs/formats.md §5): reading file version 1 with content
//! versions 1-3, and writing version 1 / content 3 (Mamori's recommended portable export,
//! docs/formats.md §16).
//!
//! Encrypted vaults: each password slot (type 1) derives a key with scrypt (N, r, p from the
//! file) that unwraps the master key with AES-256-GCM; the master key decrypts `db`. Biometric
//! and raw slots are skipped. Before any derivation runs (and before a password is asked for)
//! every password slot is checked: each against the scrypt ceilings, at most
//! [`Ceilings::MAX_PASSWORD_SLOTS`] of them, and all together within
//! [`Ceilings::SCRYPT_MAX_WORK`].
//!
//! Kept both ways: groups (Mamori's tags; v2's `group` string too), favourites (pinned) and
//! icons (PNG and JPEG; an SVG icon is left out, as Mamori does not draw SVG). Lost in
//! conversion (import): entry UUIDs; Steam, mOTP and Yandex entries are rejected as
//! unsupported types. The note is kept. Nothing Mamori keeps is lost on export: backup codes
//! travel in the note as a block ([`super::note_block`]), which the import turns back into
//! backup codes.

use std::collections::HashMap;

use data_encoding::{BASE64, HEXLOWER};
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::crypto::{Ceilings, ScryptParams, gcm_open, gcm_seal, random, scrypt, scrypt_checked};
use super::{
    Entry, EntryError, Format, ImportError, Item, Parsed, Sniff, algorithm, check_entry_count,
    default_digits, int_field, json, named_kind, note_block, otp_params, str_field,
};
use crate::account::{Account, OtpKind};
use crate::secret::Secret;

const NAME: &str = "Aegis";

/// A JSON object with `version`, `header` and `db`.
pub fn detect(sniff: &Sniff) -> bool {
    sniff.json.as_ref().is_some_and(|j| {
        j.is_object()
            && j.get("version").is_some()
            && j.get("header").is_some()
            && j.get("db").is_some()
    })
}

fn hex(value: &Value, field: &str) -> Result<Vec<u8>, ImportError> {
    let text = value.get(field).and_then(Value::as_str).unwrap_or("");
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(text.as_bytes())
        .map_err(|_| ImportError::damaged(NAME, format!("{field} is not hex")))
}

/// Reads an Aegis vault.
pub fn import(bytes: &[u8], password: Option<&str>) -> Result<Parsed, ImportError> {
    let text = super::text::decode(bytes).ok_or_else(|| ImportError::damaged(NAME, "not text"))?;
    let mut root = json::parse(&text, NAME)?;
    drop(text);
    let version = root.get("version").and_then(Value::as_u64);
    match version {
        Some(1) => {}
        Some(v) => {
            return Err(ImportError::UnsupportedVersion {
                format: NAME,
                version: v.to_string(),
            });
        }
        None => return Err(ImportError::damaged(NAME, "no version")),
    }
    if root.get("header").is_none() {
        return Err(ImportError::damaged(NAME, "no header"));
    }
    match root.get_mut("db").map(Value::take) {
        Some(db @ Value::Object(_)) => read_db(&db),
        Some(Value::String(encoded)) => {
            let slots = password_slots(&root["header"])?;
            let (nonce, tag) = (
                hex(&root["header"]["params"], "nonce")?,
                hex(&root["header"]["params"], "tag")?,
            );
            // Only the ciphertext and the slots are needed from here: the key derivation's
            // memory is not added to the file's.
            drop(root);
            let password = password.ok_or(ImportError::PasswordRequired)?;
            let master = unlock(&slots, password)?;
            let mut ciphertext = data_encoding::BASE64
                .decode(encoded.trim().as_bytes())
                .map_err(|_| ImportError::damaged(NAME, "db is not base64"))?;
            drop(encoded);
            ciphertext.extend(tag);
            let plaintext = gcm_open(&master, &nonce, &ciphertext).ok_or_else(|| {
                ImportError::damaged(NAME, "db does not decrypt with the master key")
            })?;
            drop(ciphertext);
            read_db(&json::parse_bytes(&plaintext, NAME)?)
        }
        Some(_) => Err(ImportError::damaged(
            NAME,
            "db is neither an object nor a string",
        )),
        None => Err(ImportError::damaged(NAME, "no db")),
    }
}

/// One password slot, read and checked.
struct PasswordSlot {
    params: ScryptParams,
    salt: Vec<u8>,
    /// The wrapped master key followed by its tag.
    wrapped: Vec<u8>,
    nonce: Vec<u8>,
}

/// The password slots of `header`, each checked against the scrypt ceilings and all of them
/// against the slot and work limits, before any key is derived.
fn password_slots(header: &Value) -> Result<Vec<PasswordSlot>, ImportError> {
    let slots = header
        .get("slots")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::damaged(NAME, "encrypted db without slots"))?;
    if header.get("params").is_none() {
        return Err(ImportError::damaged(NAME, "encrypted db without params"));
    }
    let password_slots: Vec<&Value> = slots
        .iter()
        .filter(|s| s.get("type").and_then(Value::as_u64) == Some(1))
        .collect();
    if password_slots.is_empty() {
        return Err(ImportError::damaged(
            NAME,
            "no password slot (biometric-only vault)",
        ));
    }
    if password_slots.len() > Ceilings::MAX_PASSWORD_SLOTS {
        return Err(ImportError::KdfTooExpensive {
            format: NAME,
            detail: format!(
                "{} password slots; at most {} are tried",
                password_slots.len(),
                Ceilings::MAX_PASSWORD_SLOTS
            ),
        });
    }
    let mut read = Vec::with_capacity(password_slots.len());
    for slot in password_slots {
        let number = |field: &str| slot.get(field).and_then(Value::as_u64).unwrap_or(0);
        let params = ScryptParams::check(NAME, number("n"), number("r"), number("p"))?;
        let key_params = slot.get("key_params").unwrap_or(&Value::Null);
        let mut wrapped = hex(slot, "key")?;
        wrapped.extend(hex(key_params, "tag")?);
        read.push(PasswordSlot {
            params,
            salt: hex(slot, "salt")?,
            wrapped,
            nonce: hex(key_params, "nonce")?,
        });
    }
    let work: u64 = read.iter().map(|s| s.params.work()).sum();
    if work > Ceilings::SCRYPT_MAX_WORK {
        return Err(ImportError::KdfTooExpensive {
            format: NAME,
            detail: format!(
                "{} password slots asking for scrypt work N×r×p = {work} together; at most {}",
                read.len(),
                Ceilings::SCRYPT_MAX_WORK
            ),
        });
    }
    Ok(read)
}

/// The master key, from the first slot `password` opens.
fn unlock(slots: &[PasswordSlot], password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    for slot in slots {
        let key = scrypt_checked(NAME, password, &slot.salt, slot.params)?;
        if let Some(master) = gcm_open(key.as_slice(), &slot.nonce, &slot.wrapped) {
            return Ok(master);
        }
    }
    Err(ImportError::WrongPassword)
}

fn read_db(db: &Value) -> Result<Parsed, ImportError> {
    let version = db.get("version").and_then(Value::as_u64).unwrap_or(0);
    if !(1..=3).contains(&version) {
        return Err(ImportError::UnsupportedVersion {
            format: NAME,
            version: format!("db {version}"),
        });
    }
    let entries = db
        .get("entries")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::damaged(NAME, "db has no entries list"))?;
    check_entry_count(entries.len())?;
    // v3: group UUID → name; UUIDs not in the list are ignored (formats.md §5).
    let groups: HashMap<&str, &str> = db
        .get("groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|g| Some((g.get("uuid")?.as_str()?, g.get("name")?.as_str()?)))
        .collect();
    Ok(Parsed::new(
        Format::Aegis,
        entries.iter().map(|e| read_entry(e, &groups)).collect(),
    ))
}

fn read_entry(value: &Value, groups: &HashMap<&str, &str>) -> Item {
    let issuer = str_field(value, "issuer");
    let name = str_field(value, "name");
    match convert(value) {
        Ok(mut entry) => {
            entry.set_note_with_codes(str_field(value, "note"));
            read_organisation(value, groups, &mut entry);
            Item::Entry(entry)
        }
        Err(reason) => Item::rejected(issuer, name, reason),
    }
}

/// Groups (v3 UUIDs, v2 `group` name), `favorite` and `icon` (Base64) onto the entry.
fn read_organisation(value: &Value, groups: &HashMap<&str, &str>, entry: &mut Entry) {
    let v3 = value
        .get("groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|uuid| groups.get(uuid).copied());
    let v2 = value.get("group").and_then(Value::as_str);
    entry.tags = v3.chain(v2).map(str::to_string).collect();
    entry.pinned = value
        .get("favorite")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    entry.icon = value
        .get("icon")
        .and_then(Value::as_str)
        .and_then(|b64| BASE64.decode(b64.trim().as_bytes()).ok());
}

fn convert(value: &Value) -> Result<Entry, EntryError> {
    if !value.is_object() {
        return Err(EntryError::Shape);
    }
    let info = value.get("info").ok_or(EntryError::Missing("info"))?;
    let secret_text = Zeroizing::new(str_field(info, "secret").to_string());
    let (secret, _) = Secret::from_base32(&secret_text)?;
    let kind = named_kind(str_field(value, "type"), info)?;
    let algorithm = algorithm(str_field(info, "algo"))?;
    let digits = int_field(info, "digits", default_digits(kind), 0..=u64::MAX)?;
    let otp = otp_params(secret, kind, algorithm, digits)?;
    Ok(Entry::new(
        str_field(value, "issuer"),
        str_field(value, "name"),
        otp,
    ))
}

/// A random version-4 UUID, as Aegis writes for entries and slots.
fn uuid() -> Result<String, getrandom::Error> {
    let mut b = random::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = data_encoding::HEXLOWER.encode(&b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    ))
}

/// The `db` object (content version 3) for `accounts`: tags become groups, pinned accounts
/// favourites, custom icons PNG icons. Holds secrets: zeroized on drop.
pub fn db_json(accounts: &[Account]) -> Result<Zeroizing<Vec<u8>>, ExportError> {
    let mut entries = Vec::with_capacity(accounts.len());
    let mut groups: Vec<(String, String)> = Vec::new();
    for tag in crate::accounts::all_tags(accounts) {
        groups.push((tag, uuid().map_err(|_| ExportError::Random)?));
    }
    let group_ids = |account: &Account| -> Vec<&str> {
        groups
            .iter()
            .filter(|(tag, _)| account.has_tag(tag))
            .map(|(_, id)| id.as_str())
            .collect()
    };
    for account in accounts {
        let otp = &account.otp;
        let mut info = json!({
            "secret": &*otp.secret.to_base32(),
            "algo": otp.algorithm.as_str(),
            "digits": otp.digits,
        });
        let kind = match otp.kind {
            OtpKind::Totp { period } => {
                info["period"] = json!(period);
                "totp"
            }
            OtpKind::Hotp { counter } => {
                info["counter"] = json!(counter);
                "hotp"
            }
            OtpKind::Steam { period } => {
                info["period"] = json!(period);
                "steam"
            }
        };
        entries.push(json!({
            "type": kind,
            "uuid": uuid().map_err(|_| ExportError::Random)?,
            "name": account.name,
            "issuer": account.issuer,
            "note": note_block::join(&account.note, &account.backup_codes),
            "favorite": account.pinned,
            "icon": account.icon.as_deref().map(|png| BASE64.encode(png)),
            "icon_mime": account.icon.as_ref().map(|_| "image/png"),
            "icon_hash": account
                .icon
                .as_deref()
                .map(|png| HEXLOWER.encode(&crate::vault::container::sha256(png))),
            "info": info,
            "groups": group_ids(account),
        }));
    }
    let groups: Vec<Value> = groups
        .iter()
        .map(|(name, id)| json!({ "uuid": id, "name": name }))
        .collect();
    let db = json!({ "version": 3, "entries": entries, "groups": groups });
    let bytes = serde_json::to_vec_pretty(&db).map_err(|e| ExportError::Json(e.to_string()))?;
    Ok(Zeroizing::new(bytes))
}

/// Why an export could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportError {
    /// The system's random number generator failed.
    Random,
    /// Serialising failed.
    Json(String),
    /// Encryption failed.
    Crypto,
}

/// A plain Aegis vault (secrets in the clear).
pub fn export_plain(accounts: &[Account]) -> Result<Zeroizing<Vec<u8>>, ExportError> {
    let db = db_json(accounts)?;
    let db: Value = serde_json::from_slice(&db).map_err(|e| ExportError::Json(e.to_string()))?;
    let root = json!({ "version": 1, "header": { "slots": null, "params": null }, "db": db });
    serde_json::to_vec_pretty(&root)
        .map(Zeroizing::new)
        .map_err(|e| ExportError::Json(e.to_string()))
}

/// scrypt cost of the encrypted exports: N = 2^17 (r = 8, p = 1), four times what the Aegis
/// app writes itself (2^15), as an export file leaves the device and may be attacked offline
/// for long. Aegis reads N, r and p from the file's slot, so it opens these; the key takes
/// 128 MiB and about half a second to derive on a phone (OWASP's scrypt minimum is N = 2^17).
pub const SCRYPT_N: u64 = 131_072;

/// An encrypted Aegis vault with one password slot (docs/formats.md §5 "Writing Aegis").
pub fn export_encrypted(accounts: &[Account], password: &str) -> Result<Vec<u8>, ExportError> {
    let master = Zeroizing::new(random::<32>().map_err(|_| ExportError::Random)?);
    let salt = random::<32>().map_err(|_| ExportError::Random)?;
    let key_nonce = random::<12>().map_err(|_| ExportError::Random)?;
    let db_nonce = random::<12>().map_err(|_| ExportError::Random)?;
    let key = scrypt(NAME, password, &salt, SCRYPT_N, 8, 1).map_err(|_| ExportError::Crypto)?;
    let wrapped =
        gcm_seal(key.as_slice(), &key_nonce, master.as_slice()).ok_or(ExportError::Crypto)?;
    let db = db_json(accounts)?;
    let sealed = gcm_seal(master.as_slice(), &db_nonce, &db).ok_or(ExportError::Crypto)?;
    let (body, tag) = sealed.split_at(sealed.len() - 16);
    let (wrapped_key, key_tag) = wrapped.split_at(wrapped.len() - 16);
    let hex = |b: &[u8]| data_encoding::HEXLOWER.encode(b);
    let root = json!({
        "version": 1,
        "header": {
            "slots": [{
                "type": 1,
                "uuid": uuid().map_err(|_| ExportError::Random)?,
                "key": hex(wrapped_key),
                "key_params": { "nonce": hex(&key_nonce), "tag": hex(key_tag) },
                "n": SCRYPT_N, "r": 8, "p": 1,
                "salt": hex(&salt),
                "repaired": true,
                "is_backup": false,
            }],
            "params": { "nonce": hex(&db_nonce), "tag": hex(tag) },
        },
        "db": data_encoding::BASE64.encode(body),
    });
    serde_json::to_vec_pretty(&root).map_err(|e| ExportError::Json(e.to_string()))
}

impl crate::i18n::Localize for ExportError {
    fn localize(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::tr;
        match self {
            ExportError::Random => tr(lang, "export-random", &[]),
            ExportError::Json(detail) => tr(lang, "export-internal", &[("detail", detail)]),
            ExportError::Crypto => tr(lang, "export-internal", &[("detail", &"encryption")]),
        }
    }
}

crate::localized_error!(ExportError);
