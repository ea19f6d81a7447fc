//! 2FAS backups (`.2fas`, docs/formats.md §6): schema versions 1-4, plain and encrypted.
//!
//! Encrypted files hold `servicesEncrypted` and `reference` as `DATA:SALT:IV` (base64 each);
//! the key is PBKDF2-HMAC-SHA256 (10 000 iterations) of the password with SALT, DATA is
//! AES-256-GCM ciphertext plus tag. A tag failure on `reference` means a wrong password.
//!
//! Mapping: issuer = service `name` (fallback `otp.issuer`), account = `otp.account` (fallback
//! `otp.label` without its `issuer:` prefix). Schema 1 has no parameters (SHA1/6/30 TOTP);
//! schema 2 has no type, so HOTP accounts come out as TOTP — that is what the file says.
//! Groups become tags (a service's `groupId` names one of the file's `groups`). Lost in
//! conversion: order, icons (the file names a brand icon, it carries no picture) and badges;
//! SHA224/SHA384 and Steam entries are rejected.

use serde_json::Value;

use super::crypto::{Prf, gcm_open, pbkdf2};
use super::{
    Entry, EntryError, Format, ImportError, Item, Parsed, Sniff, algorithm, check_entry_count,
    default_digits, int_field, json, otp_params, period_field, str_field,
};
use crate::account::OtpKind;
use crate::secret::Secret;

const NAME: &str = "2FAS";
/// PBKDF2 iterations 2FAS uses.
pub const ITERATIONS: u64 = 10_000;

/// A JSON object with `schemaVersion` and `services`.
pub fn detect(sniff: &Sniff) -> bool {
    sniff
        .json
        .as_ref()
        .is_some_and(|j| j.get("schemaVersion").is_some() && j.get("services").is_some())
}

/// Reads a 2FAS backup.
pub fn import(bytes: &[u8], password: Option<&str>) -> Result<Parsed, ImportError> {
    let text = super::text::decode(bytes).ok_or_else(|| ImportError::damaged(NAME, "not text"))?;
    let mut root = json::parse(&text, NAME)?;
    drop(text);
    let schema = root
        .get("schemaVersion")
        .and_then(Value::as_u64)
        .ok_or_else(|| ImportError::damaged(NAME, "no schemaVersion"))?;
    if !(1..=4).contains(&schema) {
        return Err(ImportError::UnsupportedVersion {
            format: NAME,
            version: schema.to_string(),
        });
    }
    let services: Vec<Value> = match root.get("servicesEncrypted").and_then(Value::as_str) {
        Some(blob) => {
            let password = password.ok_or(ImportError::PasswordRequired)?;
            let reference = root
                .get("reference")
                .and_then(Value::as_str)
                .ok_or_else(|| ImportError::damaged(NAME, "no reference"))?;
            let (_, salt, _) = split_blob(blob)?;
            let key = pbkdf2(NAME, Prf::Sha256, password, &salt, ITERATIONS)?;
            let (data, _, iv) = split_blob(reference)?;
            gcm_open(key.as_slice(), &iv, &data).ok_or(ImportError::WrongPassword)?;
            let (data, _, iv) = split_blob(blob)?;
            let plain = gcm_open(key.as_slice(), &iv, &data)
                .ok_or_else(|| ImportError::damaged(NAME, "servicesEncrypted does not decrypt"))?;
            match json::parse_bytes(&plain, NAME)? {
                Value::Array(services) => services,
                _ => return Err(ImportError::damaged(NAME, "services is not a list")),
            }
        }
        None => match root.get_mut("services").map(Value::take) {
            Some(Value::Array(services)) => services,
            _ => return Err(ImportError::damaged(NAME, "services is not a list")),
        },
    };
    check_entry_count(services.len())?;
    let groups: std::collections::HashMap<&str, &str> = root
        .get("groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|g| Some((g.get("id")?.as_str()?, g.get("name")?.as_str()?)))
        .collect();
    Ok(Parsed::new(
        Format::TwoFas,
        services
            .iter()
            .map(|s| {
                let mut item = read_service(s, schema);
                if let Item::Entry(entry) = &mut item
                    && let Some(group) = s
                        .get("groupId")
                        .and_then(Value::as_str)
                        .and_then(|id| groups.get(id))
                {
                    entry.tags.push(group.to_string());
                }
                item
            })
            .collect(),
    ))
}

/// The three parts of an encrypted field.
type Blob = (Vec<u8>, Vec<u8>, Vec<u8>);

/// `DATA:SALT:IV`, each standard base64.
fn split_blob(blob: &str) -> Result<Blob, ImportError> {
    let parts: Vec<&str> = blob.split(':').collect();
    let [data, salt, iv] = parts.as_slice() else {
        return Err(ImportError::damaged(
            NAME,
            "encrypted field is not DATA:SALT:IV",
        ));
    };
    let b64 = |t: &str| {
        data_encoding::BASE64
            .decode(t.trim().as_bytes())
            .map_err(|_| ImportError::damaged(NAME, "encrypted field is not base64"))
    };
    Ok((b64(data)?, b64(salt)?, b64(iv)?))
}

fn names(service: &Value) -> (String, String) {
    let otp = service.get("otp").unwrap_or(&Value::Null);
    let mut issuer = str_field(service, "name").to_string();
    if issuer.is_empty() {
        issuer = str_field(otp, "issuer").to_string();
    }
    let mut account = str_field(otp, "account").to_string();
    if account.is_empty() {
        let label = str_field(otp, "label");
        account = label
            .strip_prefix(&format!("{issuer}:"))
            .unwrap_or(label)
            .trim_start()
            .to_string();
    }
    (issuer, account)
}

fn read_service(service: &Value, schema: u64) -> Item {
    let (issuer, account) = names(service);
    match convert(service, schema) {
        Ok(otp) => Item::Entry(Entry::new(issuer, account, otp)),
        Err(reason) => Item::rejected(&issuer, &account, reason),
    }
}

fn convert(service: &Value, schema: u64) -> Result<crate::account::OtpParams, EntryError> {
    if !service.is_object() {
        return Err(EntryError::Shape);
    }
    let secret_text = zeroize::Zeroizing::new(str_field(service, "secret").to_string());
    let (secret, _) = Secret::from_base32(&secret_text)?;
    let otp = service.get("otp").unwrap_or(&Value::Null);
    if schema == 1 {
        return otp_params(
            secret,
            OtpKind::Totp { period: 30 },
            crate::account::Algorithm::Sha1,
            6,
        );
    }
    let kind = match str_field(otp, "tokenType").to_ascii_uppercase().as_str() {
        "" | "TOTP" => OtpKind::Totp {
            period: period_field(otp, "period")?,
        },
        "HOTP" => OtpKind::Hotp {
            counter: int_field(otp, "counter", 0, 0..=u64::MAX)?,
        },
        "STEAM" => OtpKind::Steam {
            period: period_field(otp, "period")?,
        },
        other => return Err(EntryError::UnsupportedType(other.to_ascii_lowercase())),
    };
    let algorithm = algorithm(str_field(otp, "algorithm"))?;
    let digits = int_field(otp, "digits", default_digits(kind), 0..=u64::MAX)?;
    otp_params(secret, kind, algorithm, digits)
}
