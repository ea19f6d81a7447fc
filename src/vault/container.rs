//! The vault file's byte layout (format 1.0, `docs/vault.md` §2) and the structural checks of
//! §3 steps 1-5, which run before any password is asked for.
//!
//! ```text
//! offset  size  field
//! 0       8     magic 89 4D 41 4D 4F 52 49 0A ("\x89MAMORI\n")
//! 8       2     format_major = 1     (offsets 0-11 are frozen for every version)
//! 10      2     format_minor = 0
//! 12      4     header_len H, 2 <= H <= 65,536
//! 16      H     header: compact UTF-8 JSON
//! 16+H    32    SHA-256 of bytes [0, 16+H)
//! 48+H    P     AES-256-GCM ciphertext + tag of the content JSON
//! ```
//! Integers are little-endian. Bytes `[0, 48+H)` are the payload's associated data.

use data_encoding::{BASE64, HEXLOWER};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::crypto::{KEY_LEN, KdfParams, NONCE_LEN, WRAPPED_LEN};

/// The first eight bytes of every vault.
pub const MAGIC: [u8; 8] = *b"\x89MAMORI\n";
/// The format this build writes.
pub const FORMAT_MAJOR: u16 = 1;
/// The minor version this build writes.
pub const FORMAT_MINOR: u16 = 0;
/// The content (payload JSON) version this build writes: 2 adds the `steam` kind, tags, pins,
/// icons, the trash and the activity log (version 1 content reads unchanged).
pub const CONTENT_VERSION: u32 = 2;
/// Bytes before the header.
pub const PREFIX_LEN: usize = 16;
/// The header checksum.
pub const CHECKSUM_LEN: usize = 32;
/// Smallest allowed header.
pub const MIN_HEADER: usize = 2;
/// Largest allowed header.
pub const MAX_HEADER: usize = 65_536;
/// Largest file read (the read cap).
pub const MAX_FILE: u64 = 64 * 1024 * 1024;
/// Most key slots in one vault.
pub const MAX_SLOTS: usize = 8;

/// Why a file is not a usable vault, found before unlocking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Shorter than the fixed prefix or the magic differs.
    NotAVault,
    /// `format_major` newer than this build.
    NewerFormat(u16),
    /// `header_len` out of range or the file ends inside the header.
    Truncated,
    /// The header checksum does not match.
    HeaderChecksum,
    /// The header is intact by its checksum but not a valid header (a crafted file or a bug).
    HeaderContent(String),
    /// KDF settings beyond the safe ceilings.
    KdfOutOfRange,
    /// The file length is not 48 + H + P.
    Length,
    /// Larger than the read cap.
    TooLarge,
}

/// The header JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// 16 random bytes, hex; fixed for the life of the vault.
    pub vault_id: String,
    /// +1 on every save.
    pub generation: u64,
    /// Informational: which program wrote the file.
    pub written_by: String,
    /// Version of the payload JSON.
    pub content_version: u32,
    /// How the payload is encrypted.
    pub payload: PayloadInfo,
    /// Key slots, each wrapping the same master key. Kept as JSON so that unknown kinds are
    /// copied unchanged on save.
    pub slots: Vec<Value>,
}

/// `payload` object of the header.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PayloadInfo {
    /// Always `aes-256-gcm`.
    pub cipher: String,
    /// Base64 of the 12-byte nonce.
    pub nonce: String,
    /// Ciphertext length including the tag.
    pub len: u64,
}

/// A key slot as understood by this build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The master key wrapped under a password-derived KEK.
    Password {
        /// 16 bytes, hex.
        id: String,
        /// Argon2id settings.
        kdf: KdfParams,
        /// Wrap nonce.
        nonce: [u8; NONCE_LEN],
        /// Wrapped master key (48 bytes).
        wrapped: Vec<u8>,
    },
    /// No password: the master key itself (integrity, not confidentiality).
    Plain {
        /// 16 bytes, hex.
        id: String,
        /// The master key.
        key: Vec<u8>,
    },
    /// A kind this build does not know or use (`keyring`, `recovery`, future kinds).
    Other {
        /// Its `kind`.
        kind: String,
    },
}

impl Slot {
    /// The JSON form written in the header.
    pub fn to_json(&self, original: Option<&Value>) -> Value {
        match self {
            Slot::Password {
                id,
                kdf,
                nonce,
                wrapped,
            } => serde_json::json!({
                "kind": "password",
                "id": id,
                "kdf": {
                    "alg": "argon2id",
                    "v": 19,
                    "m_kib": kdf.m_kib,
                    "t": kdf.t,
                    "p": kdf.p,
                    "salt": BASE64.encode(&kdf.salt),
                },
                "nonce": BASE64.encode(nonce),
                "wrapped": BASE64.encode(wrapped),
            }),
            Slot::Plain { id, key } => serde_json::json!({
                "kind": "plain",
                "id": id,
                "key": BASE64.encode(key),
            }),
            Slot::Other { .. } => original.cloned().unwrap_or(Value::Null),
        }
    }

    /// Reads one slot, checking every decoded length before any cryptography runs.
    pub fn from_json(value: &Value) -> Result<Slot, Refusal> {
        let bad = |what: &str| Refusal::HeaderContent(format!("slot: {what}"));
        let object = value.as_object().ok_or_else(|| bad("not an object"))?;
        let kind = object
            .get("kind")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no kind"))?;
        let id = object
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no id"))?;
        if id.len() != 32 || HEXLOWER.decode(id.as_bytes()).is_err() {
            return Err(bad("id is not 16 bytes of hex"));
        }
        let b64 = |field: &str, len: Option<usize>| -> Result<Vec<u8>, Refusal> {
            let text = object
                .get(field)
                .and_then(Value::as_str)
                .ok_or_else(|| bad(&format!("no {field}")))?;
            let bytes = BASE64
                .decode(text.as_bytes())
                .map_err(|_| bad(&format!("{field} is not base64")))?;
            match len {
                Some(n) if bytes.len() != n => Err(bad(&format!("{field} has the wrong length"))),
                _ => Ok(bytes),
            }
        };
        match kind {
            "password" => {
                let kdf = object.get("kdf").ok_or_else(|| bad("no kdf"))?;
                let number = |field: &str| -> Result<u32, Refusal> {
                    kdf.get(field)
                        .and_then(Value::as_u64)
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or_else(|| bad(&format!("kdf.{field} missing or not a number")))
                };
                if kdf.get("alg").and_then(Value::as_str) != Some("argon2id")
                    || kdf.get("v").and_then(Value::as_u64) != Some(19)
                {
                    return Err(Refusal::KdfOutOfRange);
                }
                let salt_text = kdf
                    .get("salt")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("no kdf.salt"))?;
                let salt = BASE64
                    .decode(salt_text.as_bytes())
                    .map_err(|_| bad("kdf.salt is not base64"))?;
                let kdf = KdfParams {
                    m_kib: number("m_kib")?,
                    t: number("t")?,
                    p: number("p")?,
                    salt,
                };
                if !kdf.within_safe_range() {
                    return Err(Refusal::KdfOutOfRange);
                }
                let nonce_bytes = b64("nonce", Some(NONCE_LEN))?;
                let mut nonce = [0u8; NONCE_LEN];
                nonce.copy_from_slice(&nonce_bytes);
                Ok(Slot::Password {
                    id: id.to_string(),
                    kdf,
                    nonce,
                    wrapped: b64("wrapped", Some(WRAPPED_LEN))?,
                })
            }
            "plain" => Ok(Slot::Plain {
                id: id.to_string(),
                key: b64("key", Some(KEY_LEN))?,
            }),
            other => Ok(Slot::Other {
                kind: other.to_string(),
            }),
        }
    }
}

/// A file that passed the structural checks.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// `format_minor` of the file.
    pub minor: u16,
    /// The header.
    pub header: Header,
    /// The slots, parsed (same order as `header.slots`).
    pub slots: Vec<Slot>,
    /// The payload nonce.
    pub payload_nonce: [u8; NONCE_LEN],
    /// Length of `[0, 48+H)`: the associated data is `bytes[..aad_len]`.
    pub aad_len: usize,
}

/// SHA-256 of some bytes.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn read_u16(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

/// Runs the checks of docs/vault.md §3 steps 1-5 in order.
pub fn parse(bytes: &[u8]) -> Result<Parsed, Refusal> {
    // Step 1.
    if bytes.len() < PREFIX_LEN + CHECKSUM_LEN || bytes[..8] != MAGIC {
        return Err(Refusal::NotAVault);
    }
    if bytes.len() as u64 > MAX_FILE {
        return Err(Refusal::TooLarge);
    }
    let major = read_u16(bytes, 8);
    let minor = read_u16(bytes, 10);
    if major > FORMAT_MAJOR {
        return Err(Refusal::NewerFormat(major));
    }
    // Step 2.
    let header_len = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]) as usize;
    if !(MIN_HEADER..=MAX_HEADER).contains(&header_len)
        || bytes.len() < PREFIX_LEN + header_len + CHECKSUM_LEN
    {
        return Err(Refusal::Truncated);
    }
    // Step 3.
    let checked = PREFIX_LEN + header_len;
    if sha256(&bytes[..checked]) != bytes[checked..checked + CHECKSUM_LEN] {
        return Err(Refusal::HeaderChecksum);
    }
    if major != FORMAT_MAJOR {
        return Err(Refusal::HeaderContent(format!("format_major {major}")));
    }
    let header_json = &bytes[PREFIX_LEN..checked];
    let header: Header = if minor > FORMAT_MINOR {
        serde_json::from_slice(header_json)
    } else {
        // Unknown fields are allowed only from a newer minor version.
        serde_json::from_slice::<StrictHeader>(header_json).map(StrictHeader::into_header)
    }
    .map_err(|e| Refusal::HeaderContent(e.to_string()))?;
    if header.vault_id.len() != 32 || HEXLOWER.decode(header.vault_id.as_bytes()).is_err() {
        return Err(Refusal::HeaderContent("vault_id".into()));
    }
    if header.payload.cipher != "aes-256-gcm" {
        return Err(Refusal::HeaderContent("payload.cipher".into()));
    }
    let nonce_bytes = BASE64
        .decode(header.payload.nonce.as_bytes())
        .map_err(|_| Refusal::HeaderContent("payload.nonce".into()))?;
    let payload_nonce: [u8; NONCE_LEN] = nonce_bytes
        .as_slice()
        .try_into()
        .map_err(|_| Refusal::HeaderContent("payload.nonce length".into()))?;
    if header.slots.is_empty() || header.slots.len() > MAX_SLOTS {
        return Err(Refusal::HeaderContent("slots: 1 to 8 expected".into()));
    }
    // Step 4 runs inside `Slot::from_json` (KDF bounds), before anything expensive.
    let slots = header
        .slots
        .iter()
        .map(Slot::from_json)
        .collect::<Result<Vec<_>, _>>()?;
    let passwords = slots
        .iter()
        .filter(|s| matches!(s, Slot::Password { .. }))
        .count();
    let plains = slots
        .iter()
        .filter(|s| matches!(s, Slot::Plain { .. }))
        .count();
    if passwords > 1 || (plains == 1 && slots.len() != 1) || plains > 1 {
        return Err(Refusal::HeaderContent("slots: invalid combination".into()));
    }
    // Step 5.
    let aad_len = checked + CHECKSUM_LEN;
    if (bytes.len() - aad_len) as u64 != header.payload.len {
        return Err(Refusal::Length);
    }
    Ok(Parsed {
        minor,
        header,
        slots,
        payload_nonce,
        aad_len,
    })
}

/// The header as this build writes it, refusing unknown fields (same minor version).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StrictHeader {
    vault_id: String,
    generation: u64,
    written_by: String,
    content_version: u32,
    payload: StrictPayload,
    slots: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StrictPayload {
    cipher: String,
    nonce: String,
    len: u64,
}

impl StrictHeader {
    fn into_header(self) -> Header {
        Header {
            vault_id: self.vault_id,
            generation: self.generation,
            written_by: self.written_by,
            content_version: self.content_version,
            payload: PayloadInfo {
                cipher: self.payload.cipher,
                nonce: self.payload.nonce,
                len: self.payload.len,
            },
            slots: self.slots,
        }
    }
}

/// Lays out prefix, header and checksum; the caller appends the payload, whose associated data
/// is the returned bytes.
pub fn write_prefix(header: &Header) -> Result<Vec<u8>, serde_json::Error> {
    let json = serde_json::to_vec(header)?;
    let mut out = Vec::with_capacity(PREFIX_LEN + json.len() + CHECKSUM_LEN);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_MAJOR.to_le_bytes());
    out.extend_from_slice(&FORMAT_MINOR.to_le_bytes());
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    let checksum = sha256(&out);
    out.extend_from_slice(&checksum);
    Ok(out)
}
