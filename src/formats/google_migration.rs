//! Google Authenticator's transfer codes as a file format (`docs/formats.md` §4): importing a
//! text file of `otpauth-migration://` lines, and writing accounts as transfer codes. Decoding
//! one code is [`crate::uri::migration`]'s job; turning a code into import entries, with the
//! batches seen, is [`super::transfer_codes`]'s.
//!
//! Writing ([`encode_batches`]): only what Google Authenticator handles reliably fits —
//! SHA1, 6 or 8 digits, 30 s TOTP or HOTP; other accounts are reported, never squeezed in.
//! Accounts are split into codes of [`PER_CODE`] (as Aegis does) so a phone can scan each.

use prost::Message;

use super::{Format, ImportError, Parsed, Sniff, otpauth_list, text};
use crate::account::{Algorithm, OtpKind, OtpParams};
use crate::i18n::{Lang, Localize, tr};
use crate::uri::migration::{self, Parameters, Payload, SCHEME};

/// Accounts per transfer QR code when writing.
pub const PER_CODE: usize = 10;

/// The first content line is an `otpauth-migration://` URI (possibly after a prefix such as
/// `QR-Code:`).
pub fn detect(sniff: &Sniff) -> bool {
    sniff.first_line().is_some_and(|l| {
        // Each `://`, checked for the scheme before it: linear, and no copy of the line.
        let scheme = SCHEME.trim_end_matches("://");
        l.match_indices("://").any(|(at, _)| {
            at.checked_sub(scheme.len())
                .and_then(|start| l.get(start..at))
                .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
        })
    })
}

/// Reads a text file of transfer URIs, one a line (other `otpauth://` lines too).
pub fn import(bytes: &[u8], _password: Option<&str>) -> Result<Parsed, ImportError> {
    let text = text::decode(bytes)
        .ok_or_else(|| ImportError::damaged("Google Authenticator", "not text"))?;
    let parsed = otpauth_list::read_lines(&text, Format::GoogleMigration)?;
    // A file of one transfer URI that cannot be read is a damaged file, not an empty one.
    if parsed.items.is_empty()
        && let Some(line) = text::content_lines(&text).next()
        && let Err(e) = migration::parse(
            line.get(line.to_ascii_lowercase().find(SCHEME).unwrap_or(0)..)
                .unwrap_or(line),
        )
    {
        return Err(ImportError::damaged("Google Authenticator", e));
    }
    Ok(parsed)
}

/// Why an account cannot go into a transfer code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotExportable {
    /// Google Authenticator only reliably handles SHA1.
    Algorithm(Algorithm),
    /// Only 6 or 8 digits exist in the format.
    Digits(u8),
    /// Every TOTP is 30 s in the format.
    Period(u32),
    /// The counter does not fit the format's signed 64-bit field.
    Counter(u64),
    /// A Steam Guard account: the format has no Steam kind.
    Steam,
}

impl Localize for NotExportable {
    fn localize(&self, lang: Lang) -> String {
        match self {
            NotExportable::Algorithm(a) => tr(lang, "migration-export-algorithm", &[("value", a)]),
            NotExportable::Digits(d) => tr(lang, "migration-export-digits", &[("value", d)]),
            NotExportable::Period(p) => tr(lang, "migration-export-period", &[("value", p)]),
            NotExportable::Counter(c) => tr(lang, "migration-export-counter", &[("value", c)]),
            NotExportable::Steam => tr(lang, "migration-export-steam", &[]),
        }
    }
}

/// The transfer code's digits, type and counter fields for `otp`, or why it does not fit.
fn transfer_fields(otp: &OtpParams) -> Result<(i32, i32, i64), NotExportable> {
    if let OtpKind::Steam { .. } = otp.kind {
        return Err(NotExportable::Steam);
    }
    if otp.algorithm != Algorithm::Sha1 {
        return Err(NotExportable::Algorithm(otp.algorithm));
    }
    let digits = match otp.digits {
        6 => 1,
        8 => 2,
        other => return Err(NotExportable::Digits(other)),
    };
    let (kind, counter) = match otp.kind {
        OtpKind::Totp { period: 30 } => (2, 0),
        OtpKind::Totp { period } | OtpKind::Steam { period } => {
            return Err(NotExportable::Period(period));
        }
        OtpKind::Hotp { counter } => (
            1,
            i64::try_from(counter).map_err(|_| NotExportable::Counter(counter))?,
        ),
    };
    Ok((digits, kind, counter))
}

/// Whether an account with these code settings fits a transfer code, or why not.
pub fn fits(otp: &OtpParams) -> Result<(), NotExportable> {
    transfer_fields(otp).map(|_| ())
}

/// The transfer parameters of one account, or why it does not fit.
pub fn to_parameters(
    issuer: &str,
    name: &str,
    otp: &OtpParams,
) -> Result<Parameters, NotExportable> {
    let (digits, kind, counter) = transfer_fields(otp)?;
    Ok(Parameters {
        secret: otp.secret.as_bytes().to_vec(),
        name: name.to_string(),
        issuer: issuer.to_string(),
        algorithm: 1,
        digits,
        kind,
        counter,
    })
}

/// The transfer URIs for `accounts` (issuer, name, parameters), [`PER_CODE`] accounts a code,
/// with a fresh random batch id; and the accounts that do not fit, with the reason.
pub fn encode_batches<'a>(
    accounts: impl IntoIterator<Item = (&'a str, &'a str, &'a OtpParams)>,
) -> (
    Vec<zeroize::Zeroizing<String>>,
    Vec<(String, NotExportable)>,
) {
    let mut fitting = Vec::new();
    let mut skipped = Vec::new();
    for (issuer, name, otp) in accounts {
        match to_parameters(issuer, name, otp) {
            Ok(p) => fitting.push(p),
            Err(why) => skipped.push((crate::account::label(issuer, name), why)),
        }
    }
    let mut id_bytes = [0u8; 4];
    // Without randomness the id only has to differ between exports: the clock will do.
    if getrandom::fill(&mut id_bytes).is_err() {
        id_bytes = (crate::time::unix_now() as u32).to_le_bytes();
    }
    let batch_id = i32::from_le_bytes(id_bytes);
    let chunks: Vec<&[Parameters]> = fitting.chunks(PER_CODE).collect();
    let size = chunks.len() as i32;
    let uris = chunks
        .iter()
        .enumerate()
        .map(|(index, chunk)| {
            let payload = Payload {
                otp_parameters: chunk.to_vec(),
                version: 1,
                batch_size: size,
                batch_index: index as i32,
                batch_id,
            };
            let bytes = zeroize::Zeroizing::new(payload.encode_to_vec());
            let data = zeroize::Zeroizing::new(data_encoding::BASE64.encode(&bytes));
            let encoded =
                percent_encoding::utf8_percent_encode(&data, percent_encoding::NON_ALPHANUMERIC);
            zeroize::Zeroizing::new(format!("{SCHEME}offline?data={encoded}"))
        })
        .collect();
    (uris, skipped)
}
