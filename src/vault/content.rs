//! The payload: content JSON with the accounts, the trash and the activity log
//! (`content_version` 2; 1 had no `steam` kind, no organisation, no trash and no `activity`).
//! Entries use the field names of `docs/formats.md` §1 plus `id`, `created`, `updated`, `note`,
//! `backup_codes`, `tags`, `pinned` and `icon` (Base64 PNG); trash entries add `trashed_at`.
//! Secrets are upper-case Base32. Version 1 content reads as untagged, unpinned accounts, an
//! empty trash and an empty log. The serialised text is zeroized after use.

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize as _, Zeroizing};

use data_encoding::BASE64;

use crate::account::{
    Account, AccountId, Algorithm, BackupCode, MAX_DIGITS, OtpKind, OtpParams, Trashed,
};
use crate::secret::Secret;

use super::activity::Event;
use super::container::CONTENT_VERSION;

#[derive(Serialize, Deserialize)]
struct Content {
    content_version: u32,
    entries: Vec<Entry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    trash: Vec<Entry>,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pinned: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    icon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    trashed_at: Option<u64>,
}

fn is_false(value: &bool) -> bool {
    !value
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

/// The content JSON for these accounts, this trash and this activity log.
pub fn to_json(
    accounts: &[Account],
    trash: &[Trashed],
    activity: &[Event],
) -> Result<Zeroizing<Vec<u8>>, ContentError> {
    let content = Content {
        activity: activity.to_vec(),
        content_version: CONTENT_VERSION,
        entries: accounts.iter().map(|a| entry(a, None)).collect(),
        trash: trash
            .iter()
            .map(|t| entry(&t.account, Some(t.trashed_at)))
            .collect(),
    };
    serde_json::to_vec(&content)
        .map(Zeroizing::new)
        .map_err(|e| ContentError(e.to_string()))
}

fn entry(a: &Account, trashed_at: Option<u64>) -> Entry {
    Entry {
        id: a.id.clone(),
        kind: a.otp.kind.name().to_string(),
        issuer: a.issuer.clone(),
        account: a.name.clone(),
        secret: a.otp.secret.to_base32().to_string(),
        algorithm: a.otp.algorithm,
        digits: a.otp.digits,
        period: a.otp.kind.period(),
        counter: a.otp.kind.counter(),
        note: a.note.clone(),
        backup_codes: a.backup_codes.clone(),
        created: a.created,
        updated: a.updated,
        tags: a.tags.clone(),
        pinned: a.pinned,
        icon: a.icon.as_deref().map(|png| BASE64.encode(png)),
        trashed_at,
    }
}

/// What decrypted content holds.
#[derive(Debug)]
pub struct Decoded {
    /// Its `content_version`.
    pub version: u32,
    /// The accounts, in the user's order.
    pub accounts: Vec<Account>,
    /// The trash, newest first.
    pub trash: Vec<Trashed>,
    /// The activity log, oldest first.
    pub activity: Vec<Event>,
}

/// The accounts, trash and activity log in decrypted content JSON, and its `content_version`.
pub fn from_json(bytes: &[u8]) -> Result<Decoded, ContentError> {
    let content: Content =
        serde_json::from_slice(bytes).map_err(|e| ContentError(e.to_string()))?;
    let accounts = content
        .entries
        .iter()
        .map(account)
        .collect::<Result<Vec<_>, _>>()?;
    let trash = content
        .trash
        .iter()
        .map(|entry| {
            Ok(Trashed {
                account: account(entry)?,
                trashed_at: entry.trashed_at.unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut activity = content.activity;
    super::activity::append(&mut activity, []);
    Ok(Decoded {
        version: content.content_version,
        accounts,
        trash,
        activity,
    })
}

fn account(entry: &Entry) -> Result<Account, ContentError> {
    let bad = |what: &str| ContentError(format!("entry {}: {what}", entry.id));
    let kind = match entry.kind.as_str() {
        "totp" => OtpKind::Totp {
            period: entry
                .period
                .filter(|p| *p > 0)
                .ok_or_else(|| bad("period"))?,
        },
        "steam" => OtpKind::Steam {
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
    Ok(Account {
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
        tags: entry.tags.clone(),
        pinned: entry.pinned,
        icon: match &entry.icon {
            Some(text) => Some(BASE64.decode(text.as_bytes()).map_err(|_| bad("icon"))?),
            None => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Steam is stored as its own kind (content version 2) and reads back unchanged.
    #[test]
    fn steam_accounts_keep_their_kind() {
        let (secret, _) = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let account = Account::new("Steam".into(), "gaben".into(), OtpParams::steam(secret), 7);
        let json = to_json(std::slice::from_ref(&account), &[], &[]).unwrap();
        let text = std::str::from_utf8(&json).unwrap();
        assert!(text.contains(r#""content_version":2"#), "{text}");
        assert!(text.contains(r#""kind":"steam""#), "{text}");
        assert!(text.contains(r#""period":30"#), "{text}");
        let read = from_json(&json).unwrap();
        assert_eq!((read.version, read.accounts), (2, vec![account]));
    }
}
