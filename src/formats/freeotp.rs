//! FreeOTP+ JSON export (docs/formats.md §10): `{ "tokens": [...], "tokenOrder": [...] }`.
//!
//! Secrets are arrays of signed bytes. Issuer = `issuerAlt`, else `issuerExt`, else
//! `issuerInt`; account = `labelAlt`, else `label`. Counter convention: FreeOTP stores the URI
//! counter minus one, so the imported counter is the stored value + 1 (the report says so).
//! Every token is imported, in file order. A token whose `issuerExt` is `Steam` is a Steam
//! account, as in FreeOTP. Lost in conversion: icons and colours.

use serde_json::Value;

use super::{
    Entry, EntryError, Format, ImportError, Item, Notice, Parsed, Sniff, algorithm,
    check_entry_count, default_digits, int_field, json, otp_params, period_field, str_field,
};
use crate::account::OtpKind;
use crate::secret::Secret;

const NAME: &str = "FreeOTP+";

/// A JSON object with `tokens` (a list).
pub fn detect(sniff: &Sniff) -> bool {
    sniff
        .json
        .as_ref()
        .is_some_and(|j| j.get("tokens").is_some_and(Value::is_array))
}

/// Reads the JSON export.
pub fn import(bytes: &[u8], _password: Option<&str>) -> Result<Parsed, ImportError> {
    let text = super::text::decode(bytes).ok_or_else(|| ImportError::damaged(NAME, "not text"))?;
    let root = json::parse(&text, NAME)?;
    drop(text);
    let tokens = root
        .get("tokens")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::damaged(NAME, "tokens is not a list"))?;
    check_entry_count(tokens.len())?;
    let items: Vec<Item> = tokens.iter().map(read_token).collect();
    let mut parsed = Parsed::new(Format::FreeOtpPlus, items);
    if tokens
        .iter()
        .any(|t| str_field(t, "type").eq_ignore_ascii_case("HOTP"))
    {
        parsed.notices.push(Notice::FreeOtpCounters);
    }
    Ok(parsed)
}

pub(crate) fn first_nonempty<'a>(token: &'a Value, fields: &[&str]) -> &'a str {
    fields
        .iter()
        .map(|f| str_field(token, f))
        .find(|s| !s.is_empty())
        .unwrap_or("")
}

fn read_token(token: &Value) -> Item {
    let issuer = first_nonempty(token, &["issuerAlt", "issuerExt", "issuerInt"]);
    let name = first_nonempty(token, &["labelAlt", "label"]);
    match convert(token) {
        Ok(otp) => Item::Entry(Entry::new(issuer, name, otp)),
        Err(reason) => Item::rejected(issuer, name, reason),
    }
}

fn convert(token: &Value) -> Result<crate::account::OtpParams, EntryError> {
    if !token.is_object() {
        return Err(EntryError::Shape);
    }
    let bytes = token
        .get("secret")
        .and_then(Value::as_array)
        .ok_or(EntryError::Missing("secret"))?;
    let mut secret = signed_bytes(bytes, "secret")?;
    if secret.is_empty() {
        return Err(EntryError::Secret(crate::secret::SecretError::Empty));
    }
    let secret = Secret::from_bytes(std::mem::take(&mut *secret));
    token_params(token, secret, Counter::StoredMinusOne)
}

/// An array of Java bytes (-128..=127; 128..=255 taken as unsigned) as bytes.
pub(crate) fn signed_bytes(
    values: &[Value],
    field: &'static str,
) -> Result<zeroize::Zeroizing<Vec<u8>>, EntryError> {
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(values.len()));
    for b in values {
        let n = b
            .as_i64()
            .filter(|n| (-128..=255).contains(n))
            .ok_or_else(|| EntryError::BadValue {
                field,
                value: b.to_string(),
            })?;
        out.push(n as u8);
    }
    Ok(out)
}

/// What a token's `counter` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Counter {
    /// FreeOTP+ (and FreeOTP 1): the URI counter minus one, so -1 for a new token.
    StoredMinusOne,
    /// FreeOTP 2: the URI counter itself.
    AsIs,
}

/// The code parameters of a FreeOTP token (FreeOTP+ and FreeOTP 2 share the fields) with its
/// key.
pub(crate) fn token_params(
    token: &Value,
    secret: Secret,
    convention: Counter,
) -> Result<crate::account::OtpParams, EntryError> {
    let kind = match str_field(token, "type").to_ascii_uppercase().as_str() {
        // FreeOTP computes Steam codes for a token whose label issuer is `Steam`.
        "" | "TOTP" if str_field(token, "issuerExt") == "Steam" => OtpKind::Steam {
            period: period_field(token, "period")?,
        },
        "" | "TOTP" => OtpKind::Totp {
            period: period_field(token, "period")?,
        },
        "HOTP" => {
            let offset = match convention {
                Counter::StoredMinusOne => 1,
                Counter::AsIs => 0,
            };
            let counter = match token.get("counter") {
                None | Some(Value::Null) => 0,
                Some(v) => v
                    .as_i64()
                    .and_then(|n| n.checked_add(offset))
                    .and_then(|n| u64::try_from(n).ok())
                    .ok_or_else(|| EntryError::BadValue {
                        field: "counter",
                        value: v.to_string(),
                    })?,
            };
            OtpKind::Hotp { counter }
        }
        other => return Err(EntryError::UnsupportedType(other.to_ascii_lowercase())),
    };
    let algorithm = algorithm(str_field(token, "algo"))?;
    // FreeOTP draws 5 Steam characters whatever `digits` says.
    let digits = match kind {
        OtpKind::Steam { .. } => default_digits(kind),
        _ => int_field(token, "digits", default_digits(kind), 0..=u64::MAX)?,
    };
    otp_params(secret, kind, algorithm, digits)
}
