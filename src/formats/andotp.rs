//! andOTP backups (docs/formats.md §7): the plain JSON array, the current encrypted file
//! (iterations, salt, nonce, AES-256-GCM under PBKDF2-HMAC-SHA1) and the old encrypted file
//! (AES-256-GCM under SHA-256 of the password). Encrypted files have no header: the current
//! layout is tried first, then the old one.
//!
//! Without `issuer`, old files put `Issuer - account` into `label`: split at the first ` - `.
//! Tags are kept. Lost in conversion: thumbnails (the name of an andOTP icon, no picture), usage
//! statistics; Steam and mOTP entries are rejected.

use serde_json::Value;
use sha2::Digest as _;
use zeroize::Zeroizing;

use super::crypto::{Ceilings, Prf, gcm_open, pbkdf2};
use super::{
    Entry, EntryError, Format, ImportError, Item, Parsed, Sniff, algorithm, check_entry_count,
    default_digits, int_field, json, named_kind, otp_params, str_field,
};
use crate::secret::Secret;

const NAME: &str = "andOTP";
const HEADER: usize = 4 + 12 + 12;
const TAG: usize = 16;

/// A JSON array whose first object has `secret` and `type` (and `label` or `algorithm`).
pub fn detect(sniff: &Sniff) -> bool {
    sniff
        .json
        .as_ref()
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .is_some_and(|e| {
            e.get("secret").is_some()
                && e.get("type").is_some()
                && (e.get("label").is_some() || e.get("algorithm").is_some())
        })
}

/// Binary, not text: possibly an encrypted backup (asks for a password).
pub fn maybe_encrypted(sniff: &Sniff) -> bool {
    sniff.text.is_none() && sniff.bytes.len() > 12 + TAG
}

/// Reads a plain or encrypted andOTP backup.
pub fn import(bytes: &[u8], password: Option<&str>) -> Result<Parsed, ImportError> {
    if let Some(text) = super::text::decode(bytes) {
        let trimmed = text.trim_start();
        if trimmed.starts_with('[') || trimmed.starts_with('{') {
            return read_array(&json::parse(trimmed, NAME)?);
        }
    }
    if bytes.len() <= 12 + TAG {
        return Err(ImportError::damaged(
            NAME,
            "too short for an encrypted backup",
        ));
    }
    let password = password.ok_or(ImportError::PasswordRequired)?;
    let plain = decrypt(bytes, password)?;
    read_array(&json::parse_bytes(&plain, NAME)?)
}

fn decrypt(bytes: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    if bytes.len() > HEADER + TAG {
        let iterations = u64::from(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]));
        if (1..=Ceilings::PBKDF2_MAX_ITERATIONS).contains(&iterations) {
            let key = pbkdf2(NAME, Prf::Sha1, password, &bytes[4..16], iterations)?;
            if let Some(plain) = gcm_open(key.as_slice(), &bytes[16..28], &bytes[28..]) {
                return Ok(plain);
            }
        }
    }
    let key: Zeroizing<[u8; 32]> = Zeroizing::new(sha2::Sha256::digest(password.as_bytes()).into());
    gcm_open(key.as_slice(), &bytes[..12], &bytes[12..]).ok_or(ImportError::WrongPassword)
}

fn read_array(root: &Value) -> Result<Parsed, ImportError> {
    let entries = root
        .as_array()
        .ok_or_else(|| ImportError::damaged(NAME, "not a list of entries"))?;
    check_entry_count(entries.len())?;
    Ok(Parsed::new(
        Format::AndOtp,
        entries.iter().map(read_entry).collect(),
    ))
}

fn names(entry: &Value) -> (String, String) {
    let label = str_field(entry, "label");
    match entry.get("issuer").and_then(Value::as_str) {
        Some(issuer) => (issuer.to_string(), label.to_string()),
        None => match label.split_once(" - ") {
            Some((issuer, rest)) => {
                // Very old files: `Issuer - Issuer:account`.
                let account = rest.strip_prefix(&format!("{issuer}:")).unwrap_or(rest);
                (issuer.to_string(), account.trim_start().to_string())
            }
            None => (String::new(), label.to_string()),
        },
    }
}

fn read_entry(entry: &Value) -> Item {
    let (issuer, name) = names(entry);
    match convert(entry) {
        Ok(otp) => {
            let mut read = Entry::new(issuer, name, otp);
            read.tags = entry
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            Item::Entry(read)
        }
        Err(reason) => Item::rejected(&issuer, &name, reason),
    }
}

fn convert(entry: &Value) -> Result<crate::account::OtpParams, EntryError> {
    if !entry.is_object() {
        return Err(EntryError::Shape);
    }
    let kind = named_kind(str_field(entry, "type"), entry)?;
    let secret_text = Zeroizing::new(str_field(entry, "secret").to_string());
    let (secret, _) = Secret::from_base32(&secret_text)?;
    let algorithm = algorithm(str_field(entry, "algorithm"))?;
    let digits = int_field(entry, "digits", default_digits(kind), 0..=u64::MAX)?;
    otp_params(secret, kind, algorithm, digits)
}
