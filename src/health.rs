//! Vault health: what is worth fixing in a vault that works today. The rules live here, once;
//! `mamori doctor` lists the findings and the window shows them in a panel (and the backup
//! reminder as a banner).
//!
//! - keys shorter than 128 bits (RFC 4226 asks for 128, recommends 160; 80-bit keys are
//!   common and work, so this is a warning);
//! - the same key under two or more accounts (a duplicate import, or a service that reused
//!   a key);
//! - accounts whose backup codes are all used (the next lost phone locks the user out);
//! - no export or backup in the last N days (N from the settings; off by default when
//!   automatic backups are on).

use std::collections::HashMap;

use crate::account::Account;
use crate::i18n::{Lang, Localize, tr};
use crate::vault::activity::{Event, What};

/// Keys shorter than this many bits are reported.
pub const MIN_KEY_BITS: usize = 128;
/// The reminder's default period when automatic backups are off.
pub const DEFAULT_REMINDER_DAYS: u32 = 30;

/// One thing to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// A key shorter than [`MIN_KEY_BITS`].
    ShortKey {
        /// The account.
        label: String,
        /// Its key's length.
        bits: usize,
    },
    /// The same key under several accounts.
    SameKey {
        /// The accounts, in vault order.
        labels: Vec<String>,
    },
    /// Every backup code of the account is used.
    BackupCodesUsedUp {
        /// The account.
        label: String,
    },
    /// No export or backup in the last `days` days (`last`: when the last one was, if ever).
    NoRecentBackup {
        /// The reminder's period.
        days: u32,
        /// Unix time of the last export, if any.
        last: Option<u64>,
    },
}

impl Finding {
    /// A stable id for JSON.
    pub fn id(&self) -> &'static str {
        match self {
            Finding::ShortKey { .. } => "short_key",
            Finding::SameKey { .. } => "same_key",
            Finding::BackupCodesUsedUp { .. } => "backup_codes_used_up",
            Finding::NoRecentBackup { .. } => "no_recent_backup",
        }
    }
}

/// The reminder period in force: `setting` when the user chose one (0: off), else
/// [`DEFAULT_REMINDER_DAYS`] without automatic backups and off with them.
pub fn reminder_days(setting: Option<u32>, automatic_backups: bool) -> u32 {
    match setting {
        Some(days) => days,
        None if automatic_backups => 0,
        None => DEFAULT_REMINDER_DAYS,
    }
}

/// When the vault was last exported (any format) according to its activity log.
pub fn last_export(activity: &[Event]) -> Option<u64> {
    activity
        .iter()
        .filter(|e| matches!(e.what, What::Exported { .. }))
        .map(|e| e.at)
        .max()
}

/// Every finding for these accounts and this activity log at `now`, with the backup reminder
/// after `reminder_days` days (0: off). The reminder counts from the last export, or from the
/// first event of the log when there was none (a new vault is not reminded at once).
pub fn check(
    accounts: &[Account],
    activity: &[Event],
    reminder_days: u32,
    now: u64,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for account in accounts {
        let bits = account.otp.secret.bits();
        if bits < MIN_KEY_BITS {
            findings.push(Finding::ShortKey {
                label: account.label(),
                bits,
            });
        }
    }
    let mut by_key: HashMap<&[u8], Vec<String>> = HashMap::new();
    let mut order = Vec::new();
    for account in accounts {
        let key = account.otp.secret.as_bytes();
        let labels = by_key.entry(key).or_default();
        if labels.is_empty() {
            order.push(key);
        }
        labels.push(account.label());
    }
    for key in order {
        if let Some(labels) = by_key.remove(key)
            && labels.len() > 1
        {
            findings.push(Finding::SameKey { labels });
        }
    }
    for account in accounts {
        if !account.backup_codes.is_empty() && account.unused_backup_codes().next().is_none() {
            findings.push(Finding::BackupCodesUsedUp {
                label: account.label(),
            });
        }
    }
    if !accounts.is_empty() {
        findings.extend(backup_reminder(activity, reminder_days, now));
    }
    findings
}

/// The backup reminder alone (cheap enough for every frame): due when the last export, or
/// the log's first event when there was none, is more than `reminder_days` days before `now`
/// (0: never).
pub fn backup_reminder(activity: &[Event], reminder_days: u32, now: u64) -> Option<Finding> {
    if reminder_days == 0 {
        return None;
    }
    let last = last_export(activity);
    let since = last.or_else(|| activity.first().map(|e| e.at));
    let due = since.is_none_or(|t| now.saturating_sub(t) > u64::from(reminder_days) * 86_400);
    due.then_some(Finding::NoRecentBackup {
        days: reminder_days,
        last,
    })
}

impl Localize for Finding {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Finding::ShortKey { label, bits } => tr(
                lang,
                "health-short-key",
                &[("label", label), ("bits", bits), ("min", &MIN_KEY_BITS)],
            ),
            Finding::SameKey { labels } => {
                tr(lang, "health-same-key", &[("labels", &labels.join(", "))])
            }
            Finding::BackupCodesUsedUp { label } => {
                tr(lang, "health-backup-codes-used-up", &[("label", label)])
            }
            Finding::NoRecentBackup { days, last: None } => {
                tr(lang, "health-no-backup-ever", &[("days", days)])
            }
            Finding::NoRecentBackup {
                days,
                last: Some(at),
            } => tr(
                lang,
                "health-no-recent-backup",
                &[("days", days), ("date", &crate::time::rfc3339(*at))],
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::account::{BackupCode, OtpParams};
    use crate::secret::Secret;
    use crate::vault::{SaveKind, Vault, VaultError};

    const DAY: u64 = 86_400;

    fn account(issuer: &str, key: &str) -> Account {
        let (secret, _) = Secret::from_base32(key).unwrap();
        Account::new(issuer.into(), "alice".into(), OtpParams::totp(secret), 1)
    }

    #[test]
    fn findings_on_a_crafted_vault() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.mamori");
        let mut vault = Vault::create(&path, None).unwrap();
        let long = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"; // 160 bits
        vault
            .update(SaveKind::Structural, |accounts| {
                accounts.push(account("Short", "JBSWY3DPEHPK3PXP")); // 80 bits
                accounts.push(account("GitHub", long));
                accounts.push(account("GitHub copy", long));
                let mut codes = account("Bank", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
                codes.backup_codes = vec![
                    BackupCode {
                        code: "1111".into(),
                        used_at: Some(5),
                    },
                    BackupCode {
                        code: "2222".into(),
                        used_at: Some(6),
                    },
                ];
                accounts.push(codes);
                let mut some_left = account("Mail", "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U");
                some_left.backup_codes = vec![BackupCode {
                    code: "3333".into(),
                    used_at: None,
                }];
                accounts.push(some_left);
                Ok::<_, VaultError>(())
            })
            .unwrap();
        // The file is read back, as doctor and the window read it.
        drop(vault);
        let vault = crate::vault::LockedVault::read(&path)
            .unwrap()
            .unlock(None)
            .unwrap();
        let created = vault.activity()[0].at;
        let findings = check(vault.accounts(), vault.activity(), 30, created + DAY);
        assert_eq!(
            findings,
            [
                Finding::ShortKey {
                    label: "Short:alice".into(),
                    bits: 80
                },
                Finding::SameKey {
                    labels: vec!["GitHub:alice".into(), "GitHub copy:alice".into()]
                },
                Finding::BackupCodesUsedUp {
                    label: "Bank:alice".into()
                },
            ]
        );
        // 31 days after creation without an export: the reminder; an export resets it.
        let later = created + 31 * DAY;
        let findings = check(vault.accounts(), vault.activity(), 30, later);
        assert_eq!(
            findings.last(),
            Some(&Finding::NoRecentBackup {
                days: 30,
                last: None
            })
        );
        assert_eq!(
            findings.last().unwrap().localize(Lang::En),
            "No export or backup of the vault in the last 30 days: export an encrypted backup \
             and keep it somewhere safe."
        );
        assert!(check(vault.accounts(), vault.activity(), 0, later).len() == 3);
        let mut activity = vault.activity().to_vec();
        activity.push(Event {
            at: later - DAY,
            user: String::new(),
            program: String::new(),
            what: What::Exported {
                format: "mamori".into(),
                count: 5,
                plain: false,
            },
        });
        assert_eq!(check(vault.accounts(), &activity, 30, later).len(), 3);
        assert_eq!(last_export(&activity), Some(later - DAY));
        for finding in check(vault.accounts(), vault.activity(), 30, later) {
            for lang in [Lang::En, Lang::Ja] {
                assert!(!finding.localize(lang).contains('{'), "{finding:?}");
            }
        }
    }

    #[test]
    fn the_reminder_is_off_by_default_with_automatic_backups() {
        assert_eq!(reminder_days(None, false), DEFAULT_REMINDER_DAYS);
        assert_eq!(reminder_days(None, true), 0);
        assert_eq!(reminder_days(Some(7), true), 7);
        assert_eq!(reminder_days(Some(0), false), 0);
    }
}
