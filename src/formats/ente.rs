//! Ente Auth (docs/formats.md §9). The plain-text export is a list of `otpauth://` URIs read by
//! [`super::otpauth_list`]; this module reads Ente's `codeDisplay` parameter and recognises
//! the encrypted export.
//!
//! The encrypted export (Argon2id + libsodium secretstream XChaCha20-Poly1305) is recognised
//! and explained but not read: the spec marks it unverified against a sample, so the user is
//! asked to export the plain text instead. From `codeDisplay` (plain): tags, the pinned state and
//! the note are kept (a block of backup codes at the note's end, [`super::note_block`], as Mamori
//! writes into Aegis notes, becomes the account's backup codes), and entries in Ente's bin go
//! to Mamori's trash. Lost in conversion: icons (Ente names a bundled icon, the file carries no
//! picture).

use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::{ImportError, Parsed, Sniff};

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

/// A JSON object with `kdfParams`, `encryptedData` and `encryptionNonce`.
pub fn detect_encrypted(sniff: &Sniff) -> bool {
    sniff.json.as_ref().is_some_and(|j| {
        j.get("kdfParams").is_some()
            && j.get("encryptedData").is_some()
            && j.get("encryptionNonce").is_some()
    })
}

/// Explains that the encrypted export cannot be read yet.
pub fn import_encrypted(_bytes: &[u8], _password: Option<&str>) -> Result<Parsed, ImportError> {
    Err(ImportError::Unsupported("ente-encrypted"))
}
