//! The payload: content JSON with the accounts (`content_version` 2; version 1 had no
//! `activity`, which reads as an empty log). Entries use the field names
//! of `docs/formats.md` §1 plus `id`, `created`, `updated`, `note` and `backup_codes`; secrets
//! are upper-case Base32. The serialised text is zeroized after use.

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize as _, Zeroizing};

use crate::account::{Account, AccountId, Algorithm, BackupCode, MAX_DIGITS, OtpKind, OtpParams};
use crate::secret::Secret;

use super::activity::Event;
use super::container::CONTENT_VERSION;

#[derive(Serialize, Deserialize)]
struct Content {
    content_version: u32,
    entries: Vec<Entry>,
    /// The activity log, oldest first (content version 2).
    #[serde(default)]
    activity: Vec<Event>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    id: AccountId,
    kind: String,
    issuer: String,
    account: String,
    secret: String,
    algorithm: Algorithm,
    digits: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    backup_codes: Vec<BackupCode>,
    created: u64,
    updated: u64,
}

impl Drop for Entry {
    fn drop(&mut self) {
        self.secret.zeroize();
        for code in &mut self.backup_codes {
            code.code.zeroize();
        }
    }
}

/// Why decrypted content could not be read (a bug or a file written by a newer version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError(pub String);

/// The content JSON for these accounts, with an empty activity log.
pub fn to_json(accounts: &[Account]) -> Result<Zeroizing<Vec<u8>>, ContentError> {
    to_json_with(accounts, &[])
}

/// The content JSON for these accounts and this activity log.
pub fn to_json_with(
    accounts: &[Account],
    activity: &[Event],
) -> Result<Zeroizing<Vec<u8>>, ContentError> {
    let content = Content {
        activity: activity.to_vec(),
        content_version: CONTENT_VERSION,
        entries: accounts
            .iter()
            .map(|a| Entry {
                id: a.id.clone(),
                kind: a.otp.kind.name().to_string(),
                issuer: a.issuer.clone(),
                account: a.name.clone(),
                secret: a.otp.secret.to_base32().to_string(),
                algorithm: a.otp.algorithm,
                digits: a.otp.digits,
                period: match a.otp.kind {
                    OtpKind::Totp { period } => Some(period),
                    OtpKind::Hotp { .. } => None,
                },
                counter: match a.otp.kind {
                    OtpKind::Hotp { counter } => Some(counter),
                    OtpKind::Totp { .. } => None,
                },
                note: a.note.clone(),
                backup_codes: a.backup_codes.clone(),
                created: a.created,
                updated: a.updated,
            })
            .collect(),
    };
    serde_json::to_vec(&content)
        .map(Zeroizing::new)
        .map_err(|e| ContentError(e.to_string()))
}

/// The accounts in decrypted content JSON, and its `content_version`.
pub fn from_json(bytes: &[u8]) -> Result<(u32, Vec<Account>), ContentError> {
    from_json_with(bytes).map(|(version, accounts, _)| (version, accounts))
}

/// The accounts, the activity log and the `content_version` of decrypted content JSON.
pub fn from_json_with(bytes: &[u8]) -> Result<(u32, Vec<Account>, Vec<Event>), ContentError> {
    let content: Content =
        serde_json::from_slice(bytes).map_err(|e| ContentError(e.to_string()))?;
    let mut accounts = Vec::with_capacity(content.entries.len());
    for entry in &content.entries {
        let bad = |what: &str| ContentError(format!("entry {}: {what}", entry.id));
        let kind = match entry.kind.as_str() {
            "totp" => OtpKind::Totp {
                period: entry
                    .period
                    .filter(|p| *p > 0)
                    .ok_or_else(|| bad("period"))?,
            },
            "hotp" => OtpKind::Hotp {
                counter: entry.counter.ok_or_else(|| bad("counter"))?,
            },
            _ => return Err(bad("kind")),
        };
        if entry.digits == 0 || entry.digits > MAX_DIGITS {
            return Err(bad("digits"));
        }
        let secret = data_encoding::BASE32_NOPAD
            .decode(entry.secret.as_bytes())
            .map_err(|_| bad("secret"))?;
        accounts.push(Account {
            id: entry.id.clone(),
            issuer: entry.issuer.clone(),
            name: entry.account.clone(),
            otp: OtpParams {
                secret: Secret::from_bytes(secret),
                kind,
                algorithm: entry.algorithm,
                digits: entry.digits,
            },
            note: entry.note.clone(),
            backup_codes: entry.backup_codes.clone(),
            created: entry.created,
            updated: entry.updated,
        });
    }
    let mut activity = content.activity;
    super::activity::append(&mut activity, []);
    Ok((content.content_version, accounts, activity))
}
