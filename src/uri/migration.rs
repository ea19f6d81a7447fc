//! Google Authenticator's transfer codes, `otpauth-migration://offline?data=<base64 protobuf>`
//! (`docs/formats.md` §4): the payload decoded into key URIs, beside the `otpauth://` parser
//! because a transfer code is a bundle of key URIs. Scanning ([`crate::scan`]) and importing
//! ([`crate::formats`]) both read codes through here; writing them is the export's job
//! (`formats::google_migration`).
//!
//! Each code decodes on its own; its accounts come with the batch position so callers can say
//! which codes of a multi-code export are still missing. Lost in conversion: nothing Mamori
//! keeps (the format has no period field: every TOTP is 30 s). MD5 entries and unknown types
//! are reported per entry, never guessed.
//!
//! The payload is walked field by field and each account converted as it is met, so a crafted
//! payload of millions of empty accounts is refused at [`MAX_ACCOUNTS`] instead of being
//! decoded whole first.

use percent_encoding::percent_decode;
use prost::Message;

use crate::account::{Algorithm, OtpKind, OtpParams};
use crate::i18n::{Lang, Localize, tr};
use crate::secret::Secret;
use crate::uri::KeyUri;

/// The scheme of a transfer code.
pub const SCHEME: &str = "otpauth-migration://";

/// Most accounts one transfer code may hold. Google Authenticator puts about ten in each QR
/// code; a payload beyond this is not a transfer code.
pub const MAX_ACCOUNTS: usize = 10_000;

/// `MigrationPayload` (proto3).
#[derive(Clone, PartialEq, Message)]
pub struct Payload {
    /// The accounts.
    #[prost(message, repeated, tag = "1")]
    pub otp_parameters: Vec<Parameters>,
    /// 1 in current exports.
    #[prost(int32, tag = "2")]
    pub version: i32,
    /// Number of QR codes in the export.
    #[prost(int32, tag = "3")]
    pub batch_size: i32,
    /// 0-based index of this QR code.
    #[prost(int32, tag = "4")]
    pub batch_index: i32,
    /// Shared by all QR codes of one export.
    #[prost(int32, tag = "5")]
    pub batch_id: i32,
}

/// `OtpParameters` (proto3).
#[derive(Clone, PartialEq, Message)]
pub struct Parameters {
    /// Raw key bytes.
    #[prost(bytes = "vec", tag = "1")]
    pub secret: Vec<u8>,
    /// Account, often `Issuer:account`.
    #[prost(string, tag = "2")]
    pub name: String,
    /// Issuer (may be empty).
    #[prost(string, tag = "3")]
    pub issuer: String,
    /// 0 unspecified (SHA1), 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5.
    #[prost(int32, tag = "4")]
    pub algorithm: i32,
    /// 0 unspecified (6), 1 six, 2 eight.
    #[prost(int32, tag = "5")]
    pub digits: i32,
    /// 0 unspecified (TOTP), 1 HOTP, 2 TOTP.
    #[prost(int32, tag = "6")]
    pub kind: i32,
    /// HOTP counter.
    #[prost(int64, tag = "7")]
    pub counter: i64,
}

/// Where one QR code sits in a multi-code export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Batch {
    /// 0-based index of this code.
    pub index: i32,
    /// Codes in the export.
    pub size: i32,
    /// Export id.
    pub id: i32,
}

/// One decoded transfer QR code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    /// Accounts that could be read.
    pub accounts: Vec<KeyUri>,
    /// Entries that could not, with the reason (label, problem).
    pub rejected: Vec<(String, EntryProblem)>,
    /// Position in the export.
    pub batch: Batch,
}

/// Why one entry of a transfer code was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryProblem {
    /// MD5 has no standard meaning for one-time codes.
    Md5,
    /// An algorithm, digits or type value this format does not define.
    Unknown(&'static str, i32),
    /// No key bytes.
    EmptySecret,
    /// The whole transfer code could not be read.
    Payload(MigrationError),
}

/// Why a transfer code could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MigrationError {
    /// Not an `otpauth-migration://` URI.
    NotMigration,
    /// No `data=` parameter.
    MissingData,
    /// `data` is not base64.
    NotBase64,
    /// The decoded bytes are not a migration payload (truncated or damaged).
    Damaged(String),
    /// More than [`MAX_ACCOUNTS`] accounts in one code.
    TooManyAccounts {
        /// The limit.
        limit: usize,
    },
}

/// Reads one `otpauth-migration://offline?data=…` text.
pub fn parse(text: &str) -> Result<Migration, MigrationError> {
    let text = text.trim();
    let Some(rest) = text
        .get(..SCHEME.len())
        .filter(|s| s.eq_ignore_ascii_case(SCHEME))
        .map(|_| &text[SCHEME.len()..])
    else {
        return Err(MigrationError::NotMigration);
    };
    let query = rest.split_once('?').map(|(_, q)| q).unwrap_or("");
    let data = query
        .split('&')
        .find_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            name.eq_ignore_ascii_case("data").then_some(value)
        })
        .ok_or(MigrationError::MissingData)?;
    let bytes = decode_data(data).ok_or(MigrationError::NotBase64)?;
    let mut migration = Migration {
        accounts: Vec::new(),
        rejected: Vec::new(),
        batch: Batch {
            index: 0,
            size: 0,
            id: 0,
        },
    };
    let damaged = |detail: &str| MigrationError::Damaged(detail.to_string());
    let mut fields = Fields { rest: &bytes };
    while let Some(field) = fields.next_field().map_err(damaged)? {
        match field {
            (1, Value::Bytes(message)) => {
                if migration.accounts.len() + migration.rejected.len() >= MAX_ACCOUNTS {
                    return Err(MigrationError::TooManyAccounts {
                        limit: MAX_ACCOUNTS,
                    });
                }
                let entry = Parameters::decode(message)
                    .map_err(|e| MigrationError::Damaged(e.to_string()))?;
                let (issuer, name) = split_name(&entry.issuer, &entry.name);
                match convert(&entry) {
                    Ok(otp) => migration.accounts.push(KeyUri {
                        issuer,
                        name,
                        otp,
                        warnings: Vec::new(),
                    }),
                    Err(problem) => migration
                        .rejected
                        .push((crate::account::label(&issuer, &name), problem)),
                }
            }
            // int32 fields: the low 32 bits of the varint, as protobuf defines.
            (2, Value::Varint(_)) => {}
            (3, Value::Varint(v)) => migration.batch.size = v as i32,
            (4, Value::Varint(v)) => migration.batch.index = v as i32,
            (5, Value::Varint(v)) => migration.batch.id = v as i32,
            (1..=5, _) => return Err(damaged("a field has the wrong wire type")),
            _ => {}
        }
    }
    migration.batch.size = migration.batch.size.max(1);
    Ok(migration)
}

/// One top-level protobuf field's value.
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// The top-level fields of a protobuf message, one at a time (protobuf wire format: a varint
/// key `field << 3 | wire type`, then the value). Groups (wire types 3 and 4, deprecated and
/// never in a transfer code) are refused.
struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    fn varint(&mut self) -> Result<u64, &'static str> {
        let mut value = 0u64;
        for i in 0..10 {
            let (&byte, rest) = self.rest.split_first().ok_or("truncated varint")?;
            self.rest = rest;
            if i == 9 && byte > 1 {
                return Err("varint too long");
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("varint too long")
    }

    fn take(&mut self, len: u64) -> Result<&'a [u8], &'static str> {
        let len = usize::try_from(len).map_err(|_| "length too large")?;
        if len > self.rest.len() {
            return Err("truncated field");
        }
        let (value, rest) = self.rest.split_at(len);
        self.rest = rest;
        Ok(value)
    }

    fn next_field(&mut self) -> Result<Option<(u64, Value<'a>)>, &'static str> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let number = key >> 3;
        if number == 0 || number > u64::from(u32::MAX >> 3) {
            return Err("invalid field number");
        }
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed
            }
            2 => {
                let len = self.varint()?;
                Value::Bytes(self.take(len)?)
            }
            5 => {
                self.take(4)?;
                Value::Fixed
            }
            _ => return Err("unsupported wire type"),
        };
        Ok(Some((number, value)))
    }
}

/// The payload bytes of a `data=` value: percent-decoded only (never form-decoded: a `+` is
/// base64, and a space means a `+` was form-decoded on the way), then standard or URL-safe
/// base64, padded or not. One pass builds the base64 text, so a long value is copied once.
fn decode_data(data: &str) -> Option<Vec<u8>> {
    let mut normalized = Vec::with_capacity(data.len());
    for byte in percent_decode(data.as_bytes()) {
        match byte {
            b'-' | b' ' => normalized.push(b'+'),
            b'_' => normalized.push(b'/'),
            b'=' => {}
            other => normalized.push(other),
        }
    }
    let start = normalized.iter().position(|b| !b.is_ascii_whitespace())?;
    let end = normalized.iter().rposition(|b| !b.is_ascii_whitespace())? + 1;
    data_encoding::BASE64_NOPAD
        .decode(&normalized[start..end])
        .ok()
}

/// docs/formats.md §4 "Name handling".
fn split_name(issuer: &str, name: &str) -> (String, String) {
    if issuer.is_empty() {
        if let Some((prefix, rest)) = name.split_once(':') {
            return (prefix.to_string(), rest.trim_start().to_string());
        }
        return (String::new(), name.to_string());
    }
    let account = name
        .strip_prefix(issuer)
        .and_then(|rest| rest.strip_prefix(':'))
        .map(|rest| rest.trim_start().to_string())
        .unwrap_or_else(|| name.to_string());
    (issuer.to_string(), account)
}

fn convert(entry: &Parameters) -> Result<OtpParams, EntryProblem> {
    if entry.secret.is_empty() {
        return Err(EntryProblem::EmptySecret);
    }
    let algorithm = match entry.algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        4 => return Err(EntryProblem::Md5),
        other => return Err(EntryProblem::Unknown("algorithm", other)),
    };
    let digits = match entry.digits {
        0 | 1 => 6,
        2 => 8,
        other => return Err(EntryProblem::Unknown("digits", other)),
    };
    let kind = match entry.kind {
        0 | 2 => OtpKind::Totp { period: 30 },
        1 => OtpKind::Hotp {
            counter: u64::try_from(entry.counter).unwrap_or(0),
        },
        other => return Err(EntryProblem::Unknown("type", other)),
    };
    Ok(OtpParams {
        secret: Secret::from_bytes(entry.secret.clone()),
        kind,
        algorithm,
        digits,
    })
}

impl Localize for MigrationError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            MigrationError::NotMigration => tr(lang, "migration-not-migration", &[]),
            MigrationError::MissingData => tr(lang, "migration-missing-data", &[]),
            MigrationError::NotBase64 => tr(lang, "migration-not-base64", &[]),
            MigrationError::Damaged(detail) => tr(lang, "migration-damaged", &[("detail", detail)]),
            MigrationError::TooManyAccounts { limit } => {
                tr(lang, "migration-too-many-accounts", &[("limit", limit)])
            }
        }
    }
}

crate::localized_error!(MigrationError);

impl Localize for EntryProblem {
    fn localize(&self, lang: Lang) -> String {
        match self {
            EntryProblem::Md5 => tr(lang, "migration-md5", &[]),
            EntryProblem::Unknown(field, value) => tr(
                lang,
                "migration-unknown-value",
                &[("field", field), ("value", value)],
            ),
            EntryProblem::EmptySecret => tr(lang, "migration-empty-secret", &[]),
            EntryProblem::Payload(e) => e.localize(lang),
        }
    }
}

#[cfg(test)]
mod tests {
    use percent_encoding::percent_decode_str;

    use super::*;

    /// The worked example of docs/formats.md §4.
    const EXAMPLE: &str = "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SEWFsaWNlQGV4YW1wbGUuY29tGgpFeGFtcGxlIENvIAEoATACCioKCkhlbGxvId6tvu8SCG9wcy1ob3RwGgpFeGFtcGxlIENvIAEoATABOAUQARgBIAAowLv4%2F%2F%2F%2F%2F%2F%2F%2FAQ%3D%3D";

    #[test]
    fn the_worked_example() {
        let migration = parse(EXAMPLE).unwrap();
        assert_eq!(
            migration.batch,
            Batch {
                index: 0,
                size: 1,
                id: -123456
            }
        );
        let [totp, hotp] = migration.accounts.as_slice() else {
            panic!("{migration:?}");
        };
        assert_eq!(
            (totp.issuer.as_str(), totp.name.as_str()),
            ("Example Co", "alice@example.com")
        );
        assert_eq!(&*totp.otp.secret.to_base32(), "JBSWY3DPEHPK3PXP");
        assert_eq!(totp.otp.kind, OtpKind::Totp { period: 30 });
        assert_eq!(
            crate::otp::generate(&totp.otp, 1_700_000_000).code,
            "324550"
        );
        assert_eq!(hotp.name, "ops-hotp");
        assert_eq!(hotp.otp.kind, OtpKind::Hotp { counter: 5 });
        assert_eq!(crate::otp::generate(&hotp.otp, 0).code, "768897");
    }

    #[test]
    fn raw_and_url_safe_base64_are_accepted() {
        let raw = percent_decode_str(EXAMPLE).decode_utf8_lossy().into_owned();
        assert_eq!(parse(&raw).unwrap().accounts.len(), 2);
        let form_decoded = raw.replace('+', " ");
        assert_eq!(parse(&form_decoded).unwrap().accounts.len(), 2);
        let data = raw.split("data=").nth(1).unwrap();
        let url_safe = data.replace('+', "-").replace('/', "_");
        let url_safe = format!(
            "otpauth-migration://offline?data={}",
            url_safe.trim_end_matches('=')
        );
        assert_eq!(parse(&url_safe).unwrap().accounts.len(), 2);
    }

    #[test]
    fn names_with_issuer_prefixes_are_split() {
        assert_eq!(
            split_name("", "Example:alice"),
            ("Example".into(), "alice".into())
        );
        assert_eq!(
            split_name("SerenityLabs", "SerenityLabs:test1@x"),
            ("SerenityLabs".into(), "test1@x".into())
        );
        assert_eq!(split_name("A", "B:c"), ("A".into(), "B:c".into()));
    }

    #[test]
    fn damaged_payloads_fail_cleanly() {
        let data = EXAMPLE.split("data=").nth(1).unwrap();
        let raw = percent_decode_str(data).decode_utf8_lossy().into_owned();
        let bytes = data_encoding::BASE64.decode(raw.as_bytes()).unwrap();
        let mut errors = 0;
        for cut in 1..bytes.len() {
            let truncated = data_encoding::BASE64.encode(&bytes[..cut]);
            match parse(&format!("otpauth-migration://offline?data={truncated}")) {
                Err(MigrationError::Damaged(_)) => errors += 1,
                Ok(_) => {}
                Err(other) => panic!("{cut}: {other:?}"),
            }
        }
        assert!(errors > bytes.len() / 2, "{errors}");
        assert_eq!(
            parse("otpauth-migration://offline?data=%%%"),
            Err(MigrationError::NotBase64)
        );
        assert_eq!(
            parse("otpauth-migration://offline"),
            Err(MigrationError::MissingData)
        );
        assert_eq!(parse("otpauth://totp/x"), Err(MigrationError::NotMigration));
    }

    #[test]
    fn md5_entries_are_reported_not_guessed() {
        let payload = Payload {
            otp_parameters: vec![Parameters {
                secret: b"0123456789".to_vec(),
                name: "legacy".into(),
                algorithm: 4,
                ..Default::default()
            }],
            version: 1,
            batch_size: 2,
            batch_index: 1,
            batch_id: 7,
        };
        let data = data_encoding::BASE64.encode(&payload.encode_to_vec());
        let migration = parse(&format!("otpauth-migration://offline?data={data}")).unwrap();
        assert!(migration.accounts.is_empty());
        assert_eq!(
            migration.rejected,
            vec![("legacy".to_string(), EntryProblem::Md5)]
        );
        assert_eq!(
            migration.batch,
            Batch {
                index: 1,
                size: 2,
                id: 7
            }
        );
    }

    /// Every payload prost writes reads back the same through the field walker, including
    /// fields this format does not define (skipped) and negative batch ids.
    #[test]
    fn the_field_walker_reads_what_prost_writes() {
        let entry = |i: u8| Parameters {
            secret: vec![i; 10],
            name: format!("n{i}"),
            issuer: format!("I{i}"),
            algorithm: 2,
            digits: 2,
            kind: 1,
            counter: i64::from(i) * 1000,
        };
        let payload = Payload {
            otp_parameters: (1..=12).map(entry).collect(),
            version: 1,
            batch_size: 3,
            batch_index: 2,
            batch_id: -5,
        };
        let mut bytes = payload.encode_to_vec();
        // Unknown fields 9 (varint), 10 (fixed64), 11 (bytes) and 12 (fixed32).
        bytes.extend([9 << 3, 0x96, 0x01, 10 << 3 | 1, 1, 2, 3, 4, 5, 6, 7, 8]);
        bytes.extend([11 << 3 | 2, 2, b'h', b'i', 12 << 3 | 5, 1, 2, 3, 4]);
        let data = data_encoding::BASE64.encode(&bytes);
        let migration = parse(&format!("otpauth-migration://offline?data={data}")).unwrap();
        assert_eq!(
            migration.batch,
            Batch {
                index: 2,
                size: 3,
                id: -5
            }
        );
        assert_eq!(migration.accounts.len(), 12);
        let last = &migration.accounts[11];
        assert_eq!((last.issuer.as_str(), last.name.as_str()), ("I12", "n12"));
        assert_eq!(last.otp.kind, OtpKind::Hotp { counter: 12_000 });
        assert_eq!(last.otp.algorithm, Algorithm::Sha256);
        assert_eq!(last.otp.digits, 8);
        // A known field with the wrong wire type, and a group, are damage.
        for bad in [vec![2 << 3 | 2, 0], vec![1 << 3, 1], vec![7 << 3 | 3]] {
            let data = data_encoding::BASE64.encode(&bad);
            assert!(
                matches!(
                    parse(&format!("otpauth-migration://offline?data={data}")),
                    Err(MigrationError::Damaged(_))
                ),
                "{bad:?}"
            );
        }
    }

    /// A payload of more accounts than any transfer code holds is refused as soon as the limit
    /// is passed; one at the limit is read.
    #[test]
    fn accounts_beyond_the_limit_are_refused() {
        let uri = |count: usize| {
            let data = data_encoding::BASE64.encode(&[0x0a, 0x00].repeat(count));
            format!("otpauth-migration://offline?data={data}")
        };
        let at_limit = parse(&uri(MAX_ACCOUNTS)).unwrap();
        assert_eq!(at_limit.rejected.len(), MAX_ACCOUNTS);
        assert_eq!(
            parse(&uri(MAX_ACCOUNTS + 1)),
            Err(MigrationError::TooManyAccounts {
                limit: MAX_ACCOUNTS
            })
        );
        let message = MigrationError::TooManyAccounts {
            limit: MAX_ACCOUNTS,
        }
        .localize(Lang::En);
        assert!(message.contains("10000"), "{message}");
    }
}
