//! The Authenticator browser extension's backup (authenticator.cc, docs/formats.md §13): a JSON
//! object whose keys are entry ids and whose values are entries.
//!
//! Read: the plain backup (`totp`, `hotp`, `steam`, and hex-secret `hex`/`hhex` entries), in
//! `index` order; keys that are not entries (`UserSettings`, key objects) are ignored; and the
//! current encrypted backup (v3): each `Key` object turns the password into a passphrase
//! (Argon2id, t = 2, m = 19 456 KiB, p = 1, salted with the key's `salt` text; the passphrase is
//! the hash in PHC base64), checked against the key's `hash` (an Argon2 PHC string whose
//! settings are checked against the ceilings first); each `EncOTPStorage` entry is CryptoJS
//! passphrase AES (OpenSSL `Salted__`, `EVP_BytesToKey` MD5, AES-256-CBC) of a plain entry.
//! The older encrypted backups are read too: v1 entries' secrets are CryptoJS strings of the
//! password, v2's of a passphrase kept under the password in `key.enc`. Lost in conversion:
//! pinned state; Battle.net and GOST entries are rejected.

use serde_json::Value;
use zeroize::Zeroizing;

use super::crypto::{Argon2Params, Ceilings, argon2id, cbc_open, evp_bytes_to_key};
use super::{
    Entry, EntryError, Format, ImportError, Item, Parsed, Sniff, algorithm, check_entry_count,
    default_digits, int_field, json, otp_params, period_field, str_field,
};
use crate::account::OtpKind;
use crate::secret::Secret;

const NAME: &str = "Authenticator";

fn is_entry_like(value: &Value) -> bool {
    value.is_object()
        && (value.get("dataType").is_some()
            || (value.get("secret").is_some()
                && (value.get("hash").is_some()
                    || value.get("type").is_some()
                    || value.get("encrypted").is_some())))
}

/// A JSON object whose values have `secret` with `hash`/`type`/`encrypted`, or `dataType`.
pub fn detect(sniff: &Sniff) -> bool {
    sniff
        .json
        .as_ref()
        .and_then(Value::as_object)
        .is_some_and(|o| o.values().any(is_entry_like))
}

/// Reads a plain backup, or an encrypted one (v3, or the older v1/v2) with its password.
pub fn import(bytes: &[u8], password: Option<&str>) -> Result<Parsed, ImportError> {
    let text = super::text::decode(bytes).ok_or_else(|| ImportError::damaged(NAME, "not text"))?;
    let root = json::parse(&text, NAME)?;
    drop(text);
    let object = root
        .as_object()
        .ok_or_else(|| ImportError::damaged(NAME, "not a JSON object"))?;
    if object
        .values()
        .any(|v| str_field(v, "dataType") == "EncOTPStorage")
    {
        return import_v3(object, password);
    }
    let entries = plain_entries(object)?;
    let older = object.contains_key("enc")
        || object.get("key").is_some_and(|k| k.get("enc").is_some())
        || entries.iter().any(|v| is_encrypted(v));
    if older {
        return import_older(object, entries, password);
    }
    Ok(Parsed::new(
        Format::AuthenticatorExt,
        entries.into_iter().map(read_entry).collect(),
    ))
}

/// The values that are entries (not `Key` or `UserSettings` objects), in `index` order.
fn plain_entries(object: &serde_json::Map<String, Value>) -> Result<Vec<&Value>, ImportError> {
    let mut entries: Vec<&Value> = object
        .values()
        .filter(|v| {
            v.is_object()
                && v.get("secret").is_some()
                && !matches!(str_field(v, "dataType"), "Key" | "UserSettings")
        })
        .collect();
    check_entry_count(entries.len())?;
    entries.sort_by_key(|v| v.get("index").and_then(Value::as_u64).unwrap_or(u64::MAX));
    Ok(entries)
}

fn is_encrypted(entry: &Value) -> bool {
    entry.get("encrypted").and_then(Value::as_bool) == Some(true)
}

/// The older encrypted backups (docs/formats.md §13): entries marked `encrypted` whose `secret`
/// is a CryptoJS string. v1 encrypts each with the password itself; v2 has a `key: { enc, hash }`
/// (or, through a bug, top-level `enc` and `hash`) whose `enc`, opened with the password, gives
/// bytes whose lower-case hex is the passphrase of the secrets. There is no key derivation to
/// bound (one MD5 round per entry). The password is wrong when `enc` does not open or when no
/// secret does; a single secret that does not open is rejected on its own.
fn import_older(
    object: &serde_json::Map<String, Value>,
    entries: Vec<&Value>,
    password: Option<&str>,
) -> Result<Parsed, ImportError> {
    let enc = object
        .get("key")
        .and_then(|k| k.get("enc"))
        .or_else(|| object.get("enc"))
        .and_then(Value::as_str);
    let password = password.ok_or(ImportError::PasswordRequired)?;
    let passphrase = match enc {
        Some(enc) => {
            let raw = cryptojs_open(enc, password.as_bytes()).ok_or(ImportError::WrongPassword)?;
            Zeroizing::new(data_encoding::HEXLOWER.encode(&raw).into_bytes())
        }
        None => Zeroizing::new(password.as_bytes().to_vec()),
    };
    let (mut encrypted, mut opened) = (0, 0);
    let mut items = Vec::with_capacity(entries.len());
    for entry in entries {
        if !is_encrypted(entry) {
            items.push(read_entry(entry));
            continue;
        }
        encrypted += 1;
        let secret = cryptojs_open(str_field(entry, "secret"), &passphrase)
            .and_then(|plain| String::from_utf8(plain.to_vec()).ok())
            .map(Zeroizing::new);
        match secret {
            Some(secret) => {
                opened += 1;
                let mut plain = entry.clone();
                plain["secret"] = Value::String(secret.to_string());
                items.push(read_entry(&plain));
                if let Some(Value::String(text)) = plain.get_mut("secret") {
                    zeroize::Zeroize::zeroize(text);
                }
            }
            None => items.push(Item::rejected(
                str_field(entry, "issuer"),
                str_field(entry, "account"),
                EntryError::BadValue {
                    field: "secret",
                    value: "(does not decrypt)".into(),
                },
            )),
        }
    }
    if encrypted > 0 && opened == 0 {
        return Err(ImportError::WrongPassword);
    }
    Ok(Parsed::new(Format::AuthenticatorExt, items))
}

/// The Argon2id settings the extension derives a passphrase with.
const PASSPHRASE_ARGON2: (u64, u64, u64) = (19_456, 2, 1);

/// Most key objects one backup may use (the extension has one key at a time).
const MAX_KEYS: usize = 8;

/// A v3 key object: its id, salt text and the PHC hash that checks the passphrase.
struct Key<'v> {
    id: &'v str,
    salt: &'v str,
    check: Phc,
}

/// An Argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$SALT$HASH`), settings checked.
struct Phc {
    params: Argon2Params,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

impl Phc {
    fn parse(text: &str) -> Result<Phc, ImportError> {
        let bad = || ImportError::damaged(NAME, "a key's hash is not an Argon2id PHC string");
        let fields: Vec<&str> = text.split('$').collect();
        let ["", "argon2id", "v=19", settings, salt, hash] = fields.as_slice() else {
            return Err(bad());
        };
        let (mut m, mut t, mut p) = (None, None, None);
        for pair in settings.split(',') {
            let (name, value) = pair.split_once('=').ok_or_else(bad)?;
            let value: u64 = value.parse().map_err(|_| bad())?;
            match name {
                "m" => m = Some(value),
                "t" => t = Some(value),
                "p" => p = Some(value),
                _ => return Err(bad()),
            }
        }
        let params = Argon2Params::check(
            NAME,
            m.ok_or_else(bad)?,
            t.ok_or_else(bad)?,
            p.ok_or_else(bad)?,
        )?;
        let decode = |s: &str| {
            data_encoding::BASE64_NOPAD
                .decode(s.as_bytes())
                .map_err(|_| bad())
        };
        let (salt, hash) = (decode(salt)?, decode(hash)?);
        if hash.is_empty() || hash.len() > 64 {
            return Err(bad());
        }
        Ok(Phc { params, salt, hash })
    }
}

/// The current encrypted backup: keys checked as a whole before any derivation, then each key
/// unlocked once and its entries decrypted.
fn import_v3(
    object: &serde_json::Map<String, Value>,
    password: Option<&str>,
) -> Result<Parsed, ImportError> {
    let mut encrypted: Vec<&Value> = object
        .values()
        .filter(|v| str_field(v, "dataType") == "EncOTPStorage")
        .collect();
    check_entry_count(encrypted.len())?;
    encrypted.sort_by_key(|v| v.get("index").and_then(Value::as_u64).unwrap_or(u64::MAX));
    let mut keys: Vec<Key> = Vec::new();
    for entry in &encrypted {
        let id = str_field(entry, "keyId");
        if keys.iter().any(|k| k.id == id) {
            continue;
        }
        let key = object
            .get(id)
            .filter(|k| str_field(k, "dataType") == "Key")
            .or_else(|| {
                object
                    .values()
                    .find(|k| str_field(k, "dataType") == "Key" && str_field(k, "id") == id)
            })
            .ok_or_else(|| ImportError::damaged(NAME, format!("no key {id} for an entry")))?;
        keys.push(Key {
            id,
            salt: str_field(key, "salt"),
            check: Phc::parse(str_field(key, "hash"))?,
        });
        if keys.len() > MAX_KEYS {
            return Err(ImportError::damaged(
                NAME,
                format!("more than {MAX_KEYS} keys"),
            ));
        }
    }
    // Each key costs the passphrase derivation and its check.
    let (m, t, _) = PASSPHRASE_ARGON2;
    let work: u64 = keys
        .iter()
        .map(|k| m * t + u64::from(k.check.params.m_kib()) * u64::from(k.check.params.t()))
        .sum();
    if work > Ceilings::ARGON2_MAX_WORK {
        return Err(ImportError::KdfTooExpensive {
            format: NAME,
            detail: format!(
                "{} keys, Argon2 memory × passes = {} MiB",
                keys.len(),
                work >> 10
            ),
        });
    }
    let password = password.ok_or(ImportError::PasswordRequired)?;
    let mut passphrases = Vec::with_capacity(keys.len());
    for key in &keys {
        passphrases.push((key.id, unlock(key, password)?));
    }
    let items = encrypted
        .into_iter()
        .map(|entry| {
            let id = str_field(entry, "keyId");
            let passphrase = passphrases
                .iter()
                .find(|(k, _)| *k == id)
                .map(|(_, p)| p.as_bytes())
                .unwrap_or_default();
            match cryptojs_open(str_field(entry, "data"), passphrase)
                .and_then(|plain| super::json::parse(std::str::from_utf8(&plain).ok()?, NAME).ok())
            {
                Some(plain) => read_entry(&plain),
                None => Item::rejected(
                    "",
                    &format!(
                        "#{}",
                        entry.get("index").and_then(Value::as_u64).unwrap_or(0) + 1
                    ),
                    EntryError::BadValue {
                        field: "data",
                        value: "(does not decrypt)".into(),
                    },
                ),
            }
        })
        .collect();
    Ok(Parsed::new(Format::AuthenticatorExt, items))
}

/// The passphrase of `key` for `password`, or the wrong-password error.
fn unlock(key: &Key, password: &str) -> Result<Zeroizing<String>, ImportError> {
    let (m, t, p) = PASSPHRASE_ARGON2;
    let params = Argon2Params::check(NAME, m, t, p)?;
    let hash = argon2id::<32>(NAME, password.as_bytes(), key.salt.as_bytes(), params)?;
    let passphrase = Zeroizing::new(data_encoding::BASE64_NOPAD.encode(hash.as_slice()));
    let check = &key.check;
    let mut out = Zeroizing::new(vec![0u8; check.hash.len()]);
    let argon = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(
            check.params.m_kib(),
            check.params.t(),
            check.params.p(),
            Some(check.hash.len()),
        )
        .map_err(|e| ImportError::damaged(NAME, format!("Argon2id: {e}")))?,
    );
    argon
        .hash_password_into(passphrase.as_bytes(), &check.salt, &mut out)
        .map_err(|e| ImportError::damaged(NAME, format!("Argon2id: {e}")))?;
    if out.as_slice() != check.hash.as_slice() {
        return Err(ImportError::WrongPassword);
    }
    Ok(passphrase)
}

/// CryptoJS `AES.decrypt(text, passphrase)`: base64 of `Salted__`, an 8-byte salt and the
/// AES-256-CBC ciphertext, key and IV from `EVP_BytesToKey`.
fn cryptojs_open(text: &str, passphrase: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let raw = data_encoding::BASE64.decode(text.trim().as_bytes()).ok()?;
    let rest = raw.strip_prefix(b"Salted__")?;
    let (salt, ciphertext) = rest.split_at_checked(8)?;
    let derived = evp_bytes_to_key(passphrase, salt);
    cbc_open(&derived[..32], &derived[32..], ciphertext)
}

fn read_entry(value: &Value) -> Item {
    let issuer = str_field(value, "issuer");
    let account = str_field(value, "account");
    match convert(value) {
        Ok(otp) => Item::Entry(Entry::new(issuer, account, otp)),
        Err(reason) => Item::rejected(issuer, account, reason),
    }
}

fn convert(value: &Value) -> Result<crate::account::OtpParams, EntryError> {
    let text = Zeroizing::new(str_field(value, "secret").trim().to_string());
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("blz-") || lower.starts_with("bliz-") {
        return Err(EntryError::UnsupportedType("battle".into()));
    }
    let kind_name = match str_field(value, "type") {
        "" => "totp".to_string(),
        t => t.to_ascii_lowercase(),
    };
    // A `stm-` prefix marks a Steam key whatever the type says (the extension's own rule).
    let steam = kind_name == "steam" || lower.starts_with("stm-");
    let text = match text.get(..4) {
        Some(prefix) if prefix.eq_ignore_ascii_case("stm-") => {
            Zeroizing::new(text[4..].to_string())
        }
        _ => text,
    };
    let (hex, hotp) = match kind_name.as_str() {
        "totp" | "steam" => (false, false),
        "hotp" => (false, true),
        "hex" => (true, false),
        "hhex" => (true, true),
        other => return Err(EntryError::UnsupportedType(other.to_string())),
    };
    let secret = if hex {
        let bytes = data_encoding::HEXLOWER_PERMISSIVE
            .decode(text.as_bytes())
            .map_err(|_| EntryError::BadValue {
                field: "secret",
                value: "(not hex)".into(),
            })?;
        if bytes.is_empty() {
            return Err(EntryError::Secret(crate::secret::SecretError::Empty));
        }
        Secret::from_bytes(bytes)
    } else {
        Secret::from_base32(&text)?.0
    };
    let kind = if hotp {
        OtpKind::Hotp {
            counter: int_field(value, "counter", 0, 0..=u64::MAX)?,
        }
    } else if steam {
        OtpKind::Steam {
            period: period_field(value, "period")?,
        }
    } else {
        OtpKind::Totp {
            period: period_field(value, "period")?,
        }
    };
    let algorithm = algorithm(str_field(value, "algorithm"))?;
    let digits = int_field(value, "digits", default_digits(kind), 0..=u64::MAX)?;
    otp_params(secret, kind, algorithm, digits)
}
