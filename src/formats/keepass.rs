//! KeePassXC / KeePass OTP attributes in a CSV export (docs/formats.md §12). KDBX files themselves
//! are out of scope.
//!
//! A CSV is read when its header has one of the OTP columns: `TOTP` or `otp` (KeePassXC: an
//! `otpauth://` URI, a KeeOtp query string `key=…&size=…&step=…&otpHashMode=…`, or a bare
//! Base32 key), `TOTP Seed` with `TOTP Settings` (`period;digits`, `period;S` for Steam), or
//! KeePass 2.47+'s `TimeOtp-Secret-Base32` / `-Secret` / `-Secret-Hex` / `-Secret-Base64` with
//! `TimeOtp-Length`, `-Period`, `-Algorithm`, and `HmacOtp-Secret*` with `HmacOtp-Counter`.
//! Issuer = `Title` (KeePass 1.x: `Account`), account = `Username` (`Login Name`), unless an
//! `otpauth://` label says otherwise. The spec notes none of this was checked against a real
//! database export. Lost in conversion: passwords, URLs, groups; the entry's notes are kept.
//! Columns are looked up by name through a hash map built once from the header, so a file of
//! a hundred thousand columns costs no more per row than one of ten.

use std::collections::HashMap;

use super::{
    Entry, EntryError, Format, ImportError, Item, Parsed, Sniff, check_entry_count, csv_records,
    otp_params,
};
use crate::account::{Algorithm, OtpKind, OtpParams};
use crate::secret::Secret;
use crate::uri::KeyUri;

const NAME: &str = "KeePass CSV";

const OTP_COLUMNS: &[&str] = &[
    "totp",
    "otp",
    "totp seed",
    "timeotp-secret-base32",
    "timeotp-secret",
    "timeotp-secret-hex",
    "timeotp-secret-base64",
    "hmacotp-secret-base32",
    "hmacotp-secret",
    "hmacotp-secret-hex",
    "hmacotp-secret-base64",
];

/// Every column Mamori reads, lower case: the header is searched for these only, so a header of
/// millions of cells costs no memory.
const READ_COLUMNS: &[&str] = &[
    "title",
    "account",
    "username",
    "user name",
    "login name",
    "notes",
    "comments",
    "totp",
    "otp",
    "totp seed",
    "totp settings",
    "timeotp-secret-base32",
    "timeotp-secret",
    "timeotp-secret-hex",
    "timeotp-secret-base64",
    "timeotp-length",
    "timeotp-period",
    "timeotp-algorithm",
    "hmacotp-secret-base32",
    "hmacotp-secret",
    "hmacotp-secret-hex",
    "hmacotp-secret-base64",
    "hmacotp-counter",
];

/// A CSV header with an OTP column. Looks at the cells in place: the first line of any file
/// is checked, and a 64 MiB line of commas must not become millions of strings.
pub fn detect(sniff: &Sniff) -> bool {
    !sniff.looks_like_json()
        && sniff.first_line().is_some_and(|l| {
            l.contains(',')
                && l.split(',').any(|cell| {
                    let cell = cell.trim().trim_matches('"');
                    OTP_COLUMNS.iter().any(|c| cell.eq_ignore_ascii_case(c))
                })
        })
}

/// Reads the CSV.
pub fn import(bytes: &[u8], _password: Option<&str>) -> Result<Parsed, ImportError> {
    let text = super::text::decode(bytes).ok_or_else(|| ImportError::damaged(NAME, "not text"))?;
    let mut reader = csv_records::reader(&text).map_err(|e| ImportError::damaged(NAME, e))?;
    let damaged = |e: csv::Error| ImportError::damaged(NAME, e);
    let mut header = csv::StringRecord::new();
    reader.read_record(&mut header).map_err(damaged)?;
    // Column name (one of READ_COLUMNS) → its first position.
    let mut columns: HashMap<&str, usize> = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim();
        if let Some(name) = READ_COLUMNS.iter().find(|c| h.eq_ignore_ascii_case(c)) {
            columns.entry(name).or_insert(i);
        }
    }
    if !OTP_COLUMNS.iter().any(|c| columns.contains_key(*c)) {
        return Err(ImportError::damaged(NAME, "no OTP column"));
    }
    let mut items = Vec::new();
    let mut record = csv_records::record_for(&text);
    while reader.read_record(&mut record).map_err(damaged)? {
        let field = |names: &[&str]| -> String {
            names
                .iter()
                .find_map(|n| {
                    columns
                        .get(*n)
                        .and_then(|&i| record.get(i))
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                })
                .unwrap_or("")
                .to_string()
        };
        let title = field(&["title", "account"]);
        let user = field(&["username", "user name", "login name"]);
        let notes = field(&["notes", "comments"]);
        let read = read_row(&field, &title, &user);
        match read {
            None => {}
            Some(Ok(mut entry)) => {
                entry.note = notes;
                items.push(Item::Entry(entry));
            }
            Some(Err(reason)) => items.push(Item::rejected(&title, &user, reason)),
        }
        check_entry_count(items.len())?;
    }
    Ok(Parsed::new(Format::KeePassCsv, items))
}

/// One row: `None` when it has no OTP value at all.
fn read_row(
    field: &dyn Fn(&[&str]) -> String,
    title: &str,
    user: &str,
) -> Option<Result<Entry, EntryError>> {
    let otp = zeroize::Zeroizing::new(field(&["totp", "otp"]));
    if !otp.is_empty() {
        return Some(read_otp_value(&otp, title, user));
    }
    let seed = zeroize::Zeroizing::new(field(&["totp seed"]));
    if !seed.is_empty() {
        return Some(
            tray_totp(&seed, &field(&["totp settings"])).map(|o| Entry::new(title, user, o)),
        );
    }
    for (prefix, hotp) in [("timeotp", false), ("hmacotp", true)] {
        let Some(secret) = secret_field(field, prefix) else {
            continue;
        };
        let result = secret.and_then(|secret| {
            let num = |name: &str, default: u64| -> Result<u64, EntryError> {
                let v = field(&[&format!("{prefix}-{name}")]);
                if v.is_empty() {
                    return Ok(default);
                }
                v.parse().map_err(|_| EntryError::BadValue {
                    field: "KeePass OTP field",
                    value: v,
                })
            };
            if hotp {
                let counter = num("counter", 0)?;
                otp_params(secret, OtpKind::Hotp { counter }, Algorithm::Sha1, 6)
            } else {
                let period = u32::try_from(num("period", 30)?).unwrap_or(0);
                let algorithm = match field(&["timeotp-algorithm"]).to_ascii_uppercase().as_str() {
                    "" | "HMAC-SHA-1" => Algorithm::Sha1,
                    "HMAC-SHA-256" => Algorithm::Sha256,
                    "HMAC-SHA-512" => Algorithm::Sha512,
                    other => return Err(EntryError::UnsupportedAlgorithm(other.to_string())),
                };
                otp_params(
                    secret,
                    OtpKind::Totp { period },
                    algorithm,
                    num("length", 6)?,
                )
            }
        });
        return Some(result.map(|o| Entry::new(title, user, o)));
    }
    None
}

/// The KeePass secret of `prefix` in whichever encoding the row has; `None`: no such column.
fn secret_field(
    field: &dyn Fn(&[&str]) -> String,
    prefix: &str,
) -> Option<Result<Secret, EntryError>> {
    let bad = |encoding: &str| EntryError::BadValue {
        field: "KeePass OTP secret",
        value: format!("(not {encoding})"),
    };
    let non_empty = |bytes: Vec<u8>| {
        if bytes.is_empty() {
            Err(EntryError::Secret(crate::secret::SecretError::Empty))
        } else {
            Ok(Secret::from_bytes(bytes))
        }
    };
    let get = |suffix: &str| {
        let v = zeroize::Zeroizing::new(field(&[&format!("{prefix}-secret{suffix}")]));
        (!v.is_empty()).then_some(v)
    };
    if let Some(v) = get("-base32") {
        return Some(
            Secret::from_base32(&v)
                .map(|(s, _)| s)
                .map_err(EntryError::Secret),
        );
    }
    if let Some(v) = get("-hex") {
        return Some(
            data_encoding::HEXLOWER_PERMISSIVE
                .decode(v.as_bytes())
                .map_err(|_| bad("hex"))
                .and_then(non_empty),
        );
    }
    if let Some(v) = get("-base64") {
        return Some(
            data_encoding::BASE64
                .decode(v.as_bytes())
                .map_err(|_| bad("base64"))
                .and_then(non_empty),
        );
    }
    get("").map(|v| non_empty(v.as_bytes().to_vec()))
}

/// An `otp`/`TOTP` value: URI, KeeOtp query string or bare Base32.
pub fn read_otp_value(value: &str, title: &str, user: &str) -> Result<Entry, EntryError> {
    if value.to_ascii_lowercase().starts_with("otpauth://") {
        // `encoder=steam` makes it a Steam key (the URI parser reads it).
        let key = value.parse::<KeyUri>()?;
        let issuer = if key.issuer.is_empty() {
            title.to_string()
        } else {
            key.issuer
        };
        let name = if key.name.is_empty() {
            user.to_string()
        } else {
            key.name
        };
        return Ok(Entry::new(issuer, name, key.otp));
    }
    if value.contains("key=") {
        return keeotp(value).map(|o| Entry::new(title, user, o));
    }
    let (secret, _) = Secret::from_base32(value)?;
    Ok(Entry::new(title, user, OtpParams::totp(secret)))
}

/// KeeOtp: `key=BASE32&size=8&step=30&otpHashMode=sha256`.
fn keeotp(value: &str) -> Result<OtpParams, EntryError> {
    let mut key = None;
    let (mut digits, mut period, mut algorithm) = (6u64, 30u64, Algorithm::Sha1);
    for pair in value.split('&') {
        let (name, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_encoding::percent_decode_str(v).decode_utf8_lossy();
        let number = |field: &'static str| {
            v.trim().parse::<u64>().map_err(|_| EntryError::BadValue {
                field,
                value: v.to_string(),
            })
        };
        match name.trim().to_ascii_lowercase().as_str() {
            "key" => key = Some(zeroize::Zeroizing::new(v.to_string())),
            "size" => digits = number("size")?,
            "step" => period = number("step")?,
            "otphashmode" => algorithm = super::algorithm(&v)?,
            "type" if !v.eq_ignore_ascii_case("totp") => {
                return Err(EntryError::UnsupportedType(v.to_string()));
            }
            _ => {}
        }
    }
    let key = key.ok_or(EntryError::Missing("key"))?;
    let (secret, _) = Secret::from_base32(&key)?;
    let period = u32::try_from(period).unwrap_or(0);
    otp_params(secret, OtpKind::Totp { period }, algorithm, digits)
}

/// TrayTOTP: `TOTP Seed` plus `TOTP Settings` = `period;digits` or `period;S`.
fn tray_totp(seed: &str, settings: &str) -> Result<OtpParams, EntryError> {
    let (secret, _) = Secret::from_base32(seed)?;
    if settings.is_empty() {
        return Ok(OtpParams::totp(secret));
    }
    let (period, digits) = settings.split_once(';').unwrap_or((settings, "6"));
    let bad = || EntryError::BadValue {
        field: "TOTP Settings",
        value: settings.to_string(),
    };
    let period: u32 = period.trim().parse().map_err(|_| bad())?;
    if digits.trim().eq_ignore_ascii_case("s") {
        return otp_params(
            secret,
            OtpKind::Steam { period },
            Algorithm::Sha1,
            u64::from(crate::account::STEAM_DIGITS),
        );
    }
    let digits: u64 = digits.trim().parse().map_err(|_| bad())?;
    otp_params(secret, OtpKind::Totp { period }, Algorithm::Sha1, digits)
}
