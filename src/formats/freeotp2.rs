//! FreeOTP 2 backups (`externalBackup.xml`, docs/formats.md §10): a Java-serialised
//! `HashMap<String, String>` ([`super::java_map`]) whose `masterKey` holds a 32-byte master key
//! wrapped under PBKDF2 of the password, and whose tokens are a key (`<uuid>`, the secret
//! wrapped under the master key) and metadata (`<uuid>-token`, FreeOTP's token JSON).
//!
//! Every wrapped key is AES-256-GCM with its `mToken` as associated data and the nonce inside
//! DER-encoded GCM parameters. Tokens are imported in the order of their metadata's key (the
//! map itself has no order). Lost in conversion: FreeOTP's icons and colours.

use std::collections::HashMap;

use serde_json::Value;
use zeroize::Zeroizing;

use super::crypto::{Prf, gcm_open_with, pbkdf2};
use super::freeotp::{Counter, first_nonempty, signed_bytes, token_params};
use super::java_map;
use super::{
    EntryError, Format, ImportError, Item, Parsed, Sniff, check_entry_count, int_field, json,
    str_field,
};
use crate::secret::Secret;

const NAME: &str = "FreeOTP 2";
const MASTER_KEY: &str = "masterKey";
const TOKEN_SUFFIX: &str = "-token";

/// A file that starts like a Java serialisation stream.
pub fn detect(sniff: &Sniff) -> bool {
    java_map::is_java_stream(sniff.bytes)
}

/// Reads a FreeOTP 2 backup with `password`.
pub fn import(bytes: &[u8], password: Option<&str>) -> Result<Parsed, ImportError> {
    let pairs = java_map::read_string_map(bytes).map_err(|e| ImportError::damaged(NAME, e))?;
    check_entry_count(pairs.len() / 2)?;
    // Keys are unique in a map; hashed, as every import's lookups are.
    let values: HashMap<&str, &str> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let master = values
        .get(MASTER_KEY)
        .ok_or_else(|| ImportError::damaged(NAME, "no masterKey"))?;
    let master: Value = json::parse(master, NAME)?;
    let password = password.ok_or(ImportError::PasswordRequired)?;
    let master_key = unwrap_master_key(&master, password)?;

    let mut tokens: Vec<(&str, &str)> = pairs
        .iter()
        .filter_map(|(k, v)| Some((k.strip_suffix(TOKEN_SUFFIX)?, v.as_str())))
        .collect();
    tokens.sort_unstable_by_key(|(uuid, _)| *uuid);
    let items = tokens
        .into_iter()
        .map(|(uuid, metadata)| read_token(metadata, values.get(uuid).copied(), &master_key))
        .collect();
    Ok(Parsed::new(Format::FreeOtp2, items))
}

/// The master key: PBKDF2 of the password (the salt's length in key bytes) unwraps it.
fn unwrap_master_key(master: &Value, password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let prf = match str_field(master, "mAlgorithm")
        .to_ascii_lowercase()
        .as_str()
    {
        "pbkdf2withhmacsha1" => Prf::Sha1,
        "pbkdf2withhmacsha512" => Prf::Sha512,
        "pbkdf2withhmacsha256" => Prf::Sha256,
        other => {
            return Err(ImportError::damaged(
                NAME,
                format!("an unknown key derivation {other:?}"),
            ));
        }
    };
    let salt = master
        .get("mSalt")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::damaged(NAME, "no mSalt"))
        .and_then(|s| signed_bytes(s, "mSalt").map_err(|_| ImportError::damaged(NAME, "mSalt")))?;
    // Mamori derives 32-byte keys: FreeOTP's salt is 32 bytes, and so is its key.
    if salt.len() != 32 {
        return Err(ImportError::damaged(
            NAME,
            format!("a {}-byte salt, not 32", salt.len()),
        ));
    }
    let iterations = int_field(master, "mIterations", 0, 1..=u64::MAX)
        .map_err(|_| ImportError::damaged(NAME, "mIterations"))?;
    let key = pbkdf2(NAME, prf, password, &salt, iterations)?;
    let wrapped = master
        .get("mEncryptedKey")
        .ok_or_else(|| ImportError::damaged(NAME, "no mEncryptedKey"))?;
    let parts = Wrapped::read(wrapped).map_err(|detail| ImportError::damaged(NAME, detail))?;
    parts.open(key.as_slice()).ok_or(ImportError::WrongPassword)
}

fn read_token(metadata: &str, key: Option<&str>, master_key: &[u8]) -> Item {
    // Each JSON text within json::check_size's bounds, like a whole file's.
    let token = json::parse(metadata, NAME).unwrap_or(Value::Null);
    let issuer = first_nonempty(&token, &["issuerAlt", "issuerExt", "issuerInt"]);
    let name = first_nonempty(&token, &["labelAlt", "label"]);
    match convert(&token, key, master_key) {
        Ok(otp) => Item::Entry(super::Entry::new(issuer, name, otp)),
        Err(reason) => Item::rejected(issuer, name, reason),
    }
}

fn convert(
    token: &Value,
    key: Option<&str>,
    master_key: &[u8],
) -> Result<crate::account::OtpParams, EntryError> {
    if !token.is_object() {
        return Err(EntryError::Shape);
    }
    let key =
        json::parse(key.ok_or(EntryError::Missing("key"))?, NAME).map_err(|_| EntryError::Shape)?;
    // The wrapped key is itself JSON text inside the `key` field.
    let wrapped = json::parse(str_field(&key, "key"), NAME).map_err(|_| EntryError::Shape)?;
    let parts = Wrapped::read(&wrapped).map_err(|_| EntryError::Shape)?;
    let mut secret = parts.open(master_key).ok_or(EntryError::BadValue {
        field: "key",
        value: "does not open with the master key".into(),
    })?;
    if secret.is_empty() {
        return Err(EntryError::Secret(crate::secret::SecretError::Empty));
    }
    let secret = Secret::from_bytes(std::mem::take(&mut *secret));
    token_params(token, secret, Counter::AsIs)
}

/// FreeOTP's `EncryptedKey`: AES-GCM ciphertext and tag, the DER GCM parameters, and the
/// associated data (`mToken`).
struct Wrapped {
    ciphertext: Zeroizing<Vec<u8>>,
    nonce: [u8; 12],
    aad: String,
}

impl Wrapped {
    fn read(value: &Value) -> Result<Wrapped, String> {
        let cipher = str_field(value, "mCipher");
        if !cipher.eq_ignore_ascii_case("AES/GCM/NoPadding") {
            return Err(format!("an unknown cipher {cipher:?}"));
        }
        let bytes = |field: &'static str| {
            value
                .get(field)
                .and_then(Value::as_array)
                .ok_or_else(|| format!("no {field}"))
                .and_then(|a| signed_bytes(a, field).map_err(|_| format!("a bad {field}")))
        };
        let parameters = bytes("mParameters")?;
        let nonce = gcm_nonce(&parameters).ok_or("GCM parameters without a 12-byte nonce")?;
        Ok(Wrapped {
            ciphertext: bytes("mCipherText")?,
            nonce,
            aad: str_field(value, "mToken").to_string(),
        })
    }

    fn open(&self, key: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        gcm_open_with(key, &self.nonce, &self.ciphertext, self.aad.as_bytes())
    }
}

/// The nonce of DER-encoded GCM parameters: `SEQUENCE { OCTET STRING nonce, INTEGER tagLen }`
/// as Java writes them, or the bare OCTET STRING.
fn gcm_nonce(der: &[u8]) -> Option<[u8; 12]> {
    let inner = match der {
        [0x30, len, rest @ ..] if usize::from(*len) == rest.len() => rest,
        other => other,
    };
    match inner {
        [0x04, 12, nonce @ ..] if nonce.len() >= 12 => nonce[..12].try_into().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::gcm_nonce;

    #[test]
    fn gcm_parameters_as_java_and_android_write_them() {
        let nonce: Vec<u8> = (1..=12).collect();
        let mut java = vec![0x30, 17, 0x04, 12];
        java.extend(&nonce);
        java.extend([0x02, 0x01, 0x10]);
        assert_eq!(gcm_nonce(&java).unwrap().to_vec(), nonce);
        let mut bare = vec![0x04, 12];
        bare.extend(&nonce);
        assert_eq!(gcm_nonce(&bare).unwrap().to_vec(), nonce);
        assert_eq!(gcm_nonce(&[0x30, 3, 0x04, 1, 0]), None);
        assert_eq!(gcm_nonce(&[]), None);
    }
}
