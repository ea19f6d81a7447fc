//! The Authenticator browser extension's backup (authenticator.cc, docs/formats.md §13): a JSON
//! object whose keys are entry ids and whose values are entries.
//!
//! Read: the plain backup (`totp`, `hotp`, and hex-secret `hex`/`hhex` entries), in `index`
//! order; keys that are not entries (`UserSettings`, key objects) are ignored. Encrypted
//! backups (v1-v3) are recognised and explained, not read: the spec marks them unverified
//! against a sample. Lost in conversion: pinned state; Steam, Battle.net and GOST entries are
//! rejected.

use serde_json::Value;
use zeroize::Zeroizing;

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

/// Reads a plain backup.
pub fn import(bytes: &[u8], _password: Option<&str>) -> Result<Parsed, ImportError> {
    let text = super::text::decode(bytes).ok_or_else(|| ImportError::damaged(NAME, "not text"))?;
    let root = json::parse(&text, NAME)?;
    drop(text);
    let object = root
        .as_object()
        .ok_or_else(|| ImportError::damaged(NAME, "not a JSON object"))?;
    let encrypted = object.contains_key("enc")
        || object.get("key").is_some_and(|k| k.get("enc").is_some())
        || object.values().any(|v| {
            str_field(v, "dataType") == "EncOTPStorage"
                || v.get("encrypted").and_then(Value::as_bool) == Some(true)
        });
    if encrypted {
        return Err(ImportError::Unsupported("authenticator-encrypted"));
    }
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
    Ok(Parsed::new(
        Format::AuthenticatorExt,
        entries.into_iter().map(read_entry).collect(),
    ))
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
