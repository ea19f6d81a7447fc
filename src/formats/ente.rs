//! Ente Auth (docs/formats.md §9). The plain-text export is a list of `otpauth://` URIs read by
//! [`super::otpauth_list`]; this module reads Ente's `codeDisplay` parameter and the encrypted
//! export.
//!
//! The encrypted export is a JSON object: Argon2id (libsodium `crypto_pwhash`, memory in
//! bytes, checked against the ceilings before deriving) turns the password into the key of a
//! libsodium secretstream ([`super::secretstream`]) whose one message is the plain-text export.
//! A MAC that does not verify is the wrong password. From `codeDisplay`: tags, the pinned state
//! and the note are kept (a block of backup codes at the note's end, [`super::note_block`], as
//! Mamori writes into Aegis notes, becomes the account's backup codes), and entries in Ente's bin
//! go to Mamori's trash. Lost in conversion: icons (Ente names a bundled icon, the file carries
//! no picture).

use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::crypto::{Argon2Params, argon2id};
use super::secretstream::{self, Pull, StreamError};
use super::{Format, ImportError, Parsed, Sniff, int_field, json, str_field};

const NAME: &str = "Ente Auth";

/// Ente's per-entry metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeDisplay {
    /// In Ente's bin.
    pub trashed: bool,
    /// Pinned to the top of Ente's list.
    pub pinned: bool,
    /// Ente's tags.
    pub tags: Vec<String>,
    /// The entry's note.
    pub note: String,
}

impl CodeDisplay {
    /// The `codeDisplay` parameter of a URI line, if present and readable.
    pub fn from_uri(line: &str) -> Option<CodeDisplay> {
        let query = line.split_once('?')?.1;
        let raw = query.split('&').find_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            name.eq_ignore_ascii_case("codeDisplay").then_some(value)
        })?;
        let json = percent_decode_str(raw).decode_utf8().ok()?;
        let value = super::json::parse(&json, "Ente Auth").ok()?;
        Some(CodeDisplay {
            trashed: value
                .get("trashed")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            pinned: value
                .get("pinned")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            tags: value
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            note: value
                .get("note")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        })
    }
}

/// What Mamori writes into `codeDisplay` (Ente's own key order; the keys it leaves out take
/// Ente's defaults).
#[derive(serde::Serialize)]
struct WrittenDisplay<'a> {
    pinned: bool,
    trashed: bool,
    tags: &'a [String],
}

impl CodeDisplay {
    /// The `&codeDisplay=…` parameter that carries an account's tags and pinned state in an
    /// `otpauth://` list (docs/formats.md §9, §16): percent-encoded JSON
    /// `{"pinned":…,"trashed":false,"tags":[…]}`, read back by Ente Auth and by
    /// [`CodeDisplay::from_uri`]. Other apps ignore parameters they do not know.
    pub fn uri_parameter(pinned: bool, tags: &[String]) -> String {
        let display = WrittenDisplay {
            pinned,
            trashed: false,
            tags,
        };
        // Serialising three plain fields cannot fail; an empty object would only lose them.
        let json = serde_json::to_string(&display).unwrap_or_else(|_| "{}".into());
        format!(
            "&codeDisplay={}",
            percent_encoding::utf8_percent_encode(&json, percent_encoding::NON_ALPHANUMERIC)
        )
    }
}

/// A JSON object with `kdfParams`, `encryptedData` and `encryptionNonce`.
pub fn detect_encrypted(sniff: &Sniff) -> bool {
    sniff.json.as_ref().is_some_and(|j| {
        j.get("kdfParams").is_some()
            && j.get("encryptedData").is_some()
            && j.get("encryptionNonce").is_some()
    })
}

/// Reads the encrypted export: checks its shape and KDF settings, then (with a password)
/// derives the key and reads the plain-text export inside.
pub fn import_encrypted(bytes: &[u8], password: Option<&str>) -> Result<Parsed, ImportError> {
    let text = super::text::decode(bytes).ok_or_else(|| ImportError::damaged(NAME, "not text"))?;
    let root = json::parse(&text, NAME)?;
    drop(text);
    let version = root.get("version").and_then(Value::as_u64).unwrap_or(1);
    if version != 1 {
        return Err(ImportError::UnsupportedVersion {
            format: NAME,
            version: version.to_string(),
        });
    }
    let kdf = root.get("kdfParams").unwrap_or(&Value::Null);
    let number = |field: &'static str| {
        int_field(kdf, field, 0, 0..=u64::MAX)
            .map_err(|_| ImportError::damaged(NAME, format!("kdfParams.{field}")))
    };
    // libsodium's memory limit is in bytes; Argon2 counts KiB.
    let params = Argon2Params::check(NAME, number("memLimit")? / 1024, number("opsLimit")?, 1)?;
    let base64 = |value: &Value, field: &'static str| {
        data_encoding::BASE64
            .decode(str_field(value, field).trim().as_bytes())
            .map_err(|_| ImportError::damaged(NAME, format!("{field} is not base64")))
    };
    let salt = base64(kdf, "salt")?;
    let header: [u8; secretstream::HEADER_BYTES] = base64(&root, "encryptionNonce")?
        .try_into()
        .map_err(|_| ImportError::damaged(NAME, "encryptionNonce is not 24 bytes"))?;
    let data = base64(&root, "encryptedData")?;
    if data.len() < secretstream::ABYTES {
        return Err(ImportError::damaged(NAME, "encryptedData is truncated"));
    }
    let password = password.ok_or(ImportError::PasswordRequired)?;
    let key = argon2id::<32>(NAME, password.as_bytes(), &salt, params)?;
    let (plain, _tag) = Pull::new(&key, &header)
        .pull_first(&data)
        .map_err(|e| match e {
            StreamError::Forged => ImportError::WrongPassword,
            StreamError::Truncated => ImportError::damaged(NAME, "encryptedData is truncated"),
        })?;
    let text = std::str::from_utf8(&plain)
        .map_err(|_| ImportError::damaged(NAME, "the decrypted export is not UTF-8 text"))?;
    super::otpauth_list::read_lines(text, Format::EnteEncrypted)
}
