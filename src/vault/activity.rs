//! The activity log: what was done with the vault, kept inside the encrypted content (content
//! version 2, `activity`), so it answers "who exported what, when" without leaking anything
//! to someone who only has the file. A bounded ring: the newest [`MAX_EVENTS`] events.
//!
//! Failed unlocks cannot be written into a vault nobody could open; they are counted beside
//! the seen generations in the settings folder ([`failed_unlocks`]) and the count goes into
//! the next `unlocked` event.

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Localize, tr};

/// The most events kept; older ones are dropped first.
pub const MAX_EVENTS: usize = 1_000;
/// The most account labels one event keeps (the count is always complete).
pub const MAX_LABELS: usize = 20;

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Unix time.
    pub at: u64,
    /// The operating-system user who did it (as the shell reported it).
    #[serde(default)]
    pub user: String,
    /// Which program: `cli` or `window`.
    #[serde(default)]
    pub program: String,
    /// What happened.
    #[serde(flatten)]
    pub what: What,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum What {
    /// The vault was created.
    Created {
        /// With a password.
        encrypted: bool,
    },
    /// Opened with its password.
    Unlocked {
        /// Wrong passwords tried on this machine since the previous unlock.
        #[serde(default)]
        failed_attempts: u32,
        /// Further unlocks by the same user and program right after this one, folded into it
        /// (`at` is then the latest), so that a script running `mamori code` every minute does
        /// not push the exports out of the log.
        #[serde(default, skip_serializing_if = "is_zero")]
        again: u32,
    },
    /// The password was set, changed or removed.
    PasswordChanged {
        /// A password protects it now.
        encrypted: bool,
    },
    /// Accounts added by hand (or by scanning).
    AccountsAdded {
        /// How many.
        count: usize,
        /// Their labels (at most [`MAX_LABELS`]).
        labels: Vec<String>,
    },
    /// Accounts removed.
    AccountsRemoved {
        /// How many.
        count: usize,
        /// Their labels (at most [`MAX_LABELS`]).
        labels: Vec<String>,
    },
    /// Accounts imported from another app's file.
    Imported {
        /// The import format's id.
        format: String,
        /// How many accounts were added.
        count: usize,
        /// Their labels (at most [`MAX_LABELS`]).
        labels: Vec<String>,
    },
    /// Accounts exported.
    Exported {
        /// The export format's id.
        format: String,
        /// How many accounts were written.
        count: usize,
        /// The keys were written in the clear.
        plain: bool,
    },
    /// An account's key or its QR code was shown.
    KeyShown {
        /// The account.
        label: String,
    },
    /// The vault was restored from a backup.
    Restored {
        /// The backup's file name.
        from: String,
    },
    /// An event of a newer Mamori.
    #[serde(other)]
    Other,
}

impl What {
    /// The event's id as stored (`created`, `exported`, …).
    pub fn id(&self) -> &'static str {
        match self {
            What::Created { .. } => "created",
            What::Unlocked { .. } => "unlocked",
            What::PasswordChanged { .. } => "password_changed",
            What::AccountsAdded { .. } => "accounts_added",
            What::AccountsRemoved { .. } => "accounts_removed",
            What::Imported { .. } => "imported",
            What::Exported { .. } => "exported",
            What::KeyShown { .. } => "key_shown",
            What::Restored { .. } => "restored",
            What::Other => "other",
        }
    }
}

/// Labels for an event: at most [`MAX_LABELS`].
pub fn labels<'a>(labels: impl IntoIterator<Item = String> + 'a) -> Vec<String> {
    labels.into_iter().take(MAX_LABELS).collect()
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Appends `events` to `log` and drops the oldest beyond [`MAX_EVENTS`]. An unlock without
/// failed attempts that follows an unlock by the same user and program is folded into it.
pub fn append(log: &mut Vec<Event>, events: impl IntoIterator<Item = Event>) {
    for event in events {
        if let (
            What::Unlocked {
                failed_attempts: 0, ..
            },
            Some(Event {
                at,
                user,
                program,
                what: What::Unlocked { again, .. },
            }),
        ) = (&event.what, log.last_mut())
            && *user == event.user
            && *program == event.program
        {
            *at = event.at;
            *again = again.saturating_add(1);
            continue;
        }
        log.push(event);
    }
    if log.len() > MAX_EVENTS {
        let excess = log.len() - MAX_EVENTS;
        log.drain(..excess);
    }
}

/// Who is doing things in this process (set by the shell when it opens the vault).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Actor {
    /// The operating-system user.
    pub user: String,
    /// `cli` or `window`.
    pub program: String,
}

impl Actor {
    /// The current OS user (`USER`, or `USERNAME` on Windows) running `program`.
    pub fn current(program: &str) -> Actor {
        let user = ["USER", "USERNAME", "LOGNAME"]
            .iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
            .unwrap_or_default();
        Actor {
            user,
            program: program.to_string(),
        }
    }
}

impl Localize for What {
    fn localize(&self, lang: Lang) -> String {
        let list = |labels: &[String], count: usize| {
            let mut text = labels.join(", ");
            if count > labels.len() {
                text.push_str(&tr(
                    lang,
                    "activity-and-more",
                    &[("count", &(count - labels.len()))],
                ));
            }
            text
        };
        match self {
            What::Created { encrypted: true } => tr(lang, "activity-created-encrypted", &[]),
            What::Created { encrypted: false } => tr(lang, "activity-created-plain", &[]),
            What::Unlocked {
                failed_attempts,
                again,
            } => {
                let mut text = match failed_attempts {
                    0 => tr(lang, "activity-unlocked", &[]),
                    n => tr(lang, "activity-unlocked-after-failures", &[("count", n)]),
                };
                if *again > 0 {
                    text.push_str(&tr(
                        lang,
                        "activity-unlocked-again",
                        &[("count", &(again + 1))],
                    ));
                }
                text
            }
            What::PasswordChanged { encrypted: true } => tr(lang, "activity-password-changed", &[]),
            What::PasswordChanged { encrypted: false } => {
                tr(lang, "activity-password-removed", &[])
            }
            What::AccountsAdded { count, labels } => tr(
                lang,
                "activity-accounts-added",
                &[("count", count), ("labels", &list(labels, *count))],
            ),
            What::AccountsRemoved { count, labels } => tr(
                lang,
                "activity-accounts-removed",
                &[("count", count), ("labels", &list(labels, *count))],
            ),
            What::Imported {
                format,
                count,
                labels,
            } => tr(
                lang,
                "activity-imported",
                &[
                    ("count", count),
                    ("format", format),
                    ("labels", &list(labels, *count)),
                ],
            ),
            What::Exported {
                format,
                count,
                plain: true,
            } => tr(
                lang,
                "activity-exported-plain",
                &[("count", count), ("format", format)],
            ),
            What::Exported { format, count, .. } => tr(
                lang,
                "activity-exported",
                &[("count", count), ("format", format)],
            ),
            What::KeyShown { label } => tr(lang, "activity-key-shown", &[("label", label)]),
            What::Restored { from } => tr(lang, "activity-restored", &[("from", from)]),
            What::Other => tr(lang, "activity-other", &[]),
        }
    }
}

/// Wrong passwords tried since the last unlock, per vault, in a small file beside the seen
/// generations (settings folder). Holds vault ids and numbers only.
pub mod failed_unlocks {
    use std::collections::BTreeMap;
    use std::path::Path;

    use crate::fsio::DiskStorage;

    /// The file name in the settings folder.
    pub const FILE_NAME: &str = "failed-unlocks.json";
    const MAX_FILE: u64 = 64 * 1024;

    fn read(path: &Path) -> BTreeMap<String, u32> {
        crate::fsio::read_capped(path, MAX_FILE)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    fn write(path: &Path, counts: &BTreeMap<String, u32>) {
        if let (Some(dir), Ok(bytes)) = (path.parent(), serde_json::to_vec(counts)) {
            let _ = crate::fsio::create_private_dir(dir);
            let _ =
                crate::fsio::atomic_write(&DiskStorage, path, ".failed.tmp", &bytes, true, &|_| {
                    true
                });
        }
    }

    /// Counts one wrong password for `vault_id`. Failures to write are ignored.
    pub fn record(path: &Path, vault_id: &str) {
        let mut counts = read(path);
        let count = counts.entry(vault_id.to_string()).or_insert(0);
        *count = count.saturating_add(1);
        // A file that only grows: keep the 100 vaults with counts (ids are random).
        if counts.len() > 100 {
            let first = counts.keys().next().cloned().unwrap_or_default();
            counts.remove(&first);
        }
        write(path, &counts);
    }

    /// The count for `vault_id`, reset to zero.
    pub fn take(path: &Path, vault_id: &str) -> u32 {
        let mut counts = read(path);
        match counts.remove(vault_id) {
            Some(count) => {
                write(path, &counts);
                count
            }
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::account::{Account, OtpParams};
    use crate::secret::Secret;
    use crate::vault::crypto::{DEFAULT_P, FLOOR_M_KIB, FLOOR_T, KdfParams};
    use crate::vault::{LockedVault, SaveKind, Vault, VaultError, opening};

    fn account(issuer: &str) -> Account {
        let (secret, _) = Secret::from_base32("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").unwrap();
        Account::new(issuer.into(), "alice".into(), OtpParams::totp(secret), 1)
    }

    fn ids(vault: &Vault) -> Vec<&'static str> {
        vault.activity().iter().map(|e| e.what.id()).collect()
    }

    #[test]
    fn the_log_survives_save_reload_and_password_change() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.mamori");
        let kdf = KdfParams::with_cost(FLOOR_M_KIB, FLOOR_T, DEFAULT_P).unwrap();
        let mut vault = Vault::create_with_kdf(&path, "first password", kdf).unwrap();
        vault.set_actor(Actor {
            user: "admin".into(),
            program: "cli".into(),
        });
        vault
            .update(SaveKind::Structural, |accounts| {
                accounts.extend([account("GitHub"), account("GitLab")]);
                Ok::<_, VaultError>(())
            })
            .unwrap();
        vault
            .update_importing(SaveKind::Structural, "aegis", |accounts, _| {
                accounts.push(account("Slack"));
                Ok::<_, VaultError>(())
            })
            .unwrap();
        vault
            .update(SaveKind::Structural, |accounts| {
                accounts.retain(|a| a.issuer != "GitLab");
                Ok::<_, VaultError>(())
            })
            .unwrap();
        // A routine change that adds or removes nothing records nothing.
        vault
            .update(SaveKind::Routine, |_| Ok::<_, VaultError>(()))
            .unwrap();
        vault
            .record(What::Exported {
                format: "otpauth".into(),
                count: 2,
                plain: true,
            })
            .unwrap();
        vault
            .record(What::KeyShown {
                label: "GitHub:alice".into(),
            })
            .unwrap();
        vault.change_password(Some("second password")).unwrap();
        let expected = [
            "created",
            "accounts_added",
            "imported",
            "accounts_removed",
            "exported",
            "key_shown",
            "password_changed",
        ];
        assert_eq!(ids(&vault), expected);
        let log = vault.activity().to_vec();
        assert_eq!(
            log[1].what,
            What::AccountsAdded {
                count: 2,
                labels: vec!["GitHub:alice".into(), "GitLab:alice".into()]
            }
        );
        assert_eq!(
            log[2].what,
            What::Imported {
                format: "aegis".into(),
                count: 1,
                labels: vec!["Slack:alice".into()]
            }
        );
        assert_eq!(
            (log[4].user.as_str(), log[4].program.as_str()),
            ("admin", "cli")
        );
        drop(vault);

        // Read back from disk with the new password: the same log, and the plaintext file
        // holds none of it.
        let bytes = std::fs::read(&path).unwrap();
        assert!(!bytes.windows(7).any(|w| w == b"otpauth"));
        let reopened = LockedVault::read(&path)
            .unwrap()
            .unlock(Some("second password"))
            .unwrap();
        assert_eq!(reopened.activity(), &log[..]);
        assert_eq!(reopened.header().content_version, 2);
    }

    #[test]
    fn wrong_passwords_are_counted_outside_the_vault_and_shown_on_the_next_unlock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vault.mamori");
        let seen = dir.path().join("config/seen-generations.json");
        let kdf = KdfParams::with_cost(FLOOR_M_KIB, FLOOR_T, DEFAULT_P).unwrap();
        drop(Vault::create_with_kdf(&path, "right password", kdf).unwrap());
        let before = std::fs::read(&path).unwrap();
        for _ in 0..3 {
            let locked = opening::read(&path).unwrap();
            let result =
                opening::unlock(locked, Some("wrong"), Some(seen.clone()), Actor::default());
            assert!(matches!(result, Err(VaultError::WrongPassword)));
        }
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "the vault is untouched"
        );
        let open = |expect: Option<u32>| {
            let locked = opening::read(&path).unwrap();
            let opened = opening::unlock(
                locked,
                Some("right password"),
                Some(seen.clone()),
                Actor::default(),
            )
            .unwrap();
            let failed = opened.notices.iter().find_map(|n| match n {
                opening::Notice::FailedAttempts(n) => Some(*n),
                _ => None,
            });
            assert_eq!(failed, expect);
            if expect.is_some() {
                let words = opened.notices.iter().map(|n| n.localize(Lang::En));
                assert!(words.into_iter().any(
                    |w| w == "3 failed attempt(s) to unlock this vault since the last unlock."
                ));
            }
            opened.vault
        };
        let vault = open(Some(3));
        assert_eq!(
            vault.activity().last().unwrap().what,
            What::Unlocked {
                failed_attempts: 3,
                again: 0
            }
        );
        // The count starts again; a plain unlock right after is folded into one event.
        let vault = open(None);
        assert_eq!(ids(&vault), ["created", "unlocked"]);
        assert_eq!(
            vault.activity().last().unwrap().what,
            What::Unlocked {
                failed_attempts: 3,
                again: 1
            }
        );
    }

    #[test]
    fn the_log_is_a_ring_of_the_newest_events() {
        let event = |at| Event {
            at,
            user: String::new(),
            program: String::new(),
            what: What::KeyShown {
                label: format!("{at}"),
            },
        };
        let mut log = Vec::new();
        append(&mut log, (0..1500).map(event));
        assert_eq!(log.len(), MAX_EVENTS);
        assert_eq!(log[0].at, 500);
        assert_eq!(log[MAX_EVENTS - 1].at, 1499);
        // An event of a newer Mamori reads as "other" and keeps its place.
        let json = br#"{"content_version":2,"entries":[],"activity":[
            {"at":5,"user":"u","program":"cli","event":"teleported","where":"mars"},
            {"at":6,"event":"unlocked"}]}"#;
        let activity = crate::vault::content::from_json(json).unwrap().activity;
        assert_eq!(activity[0].what, What::Other);
        assert_eq!(
            activity[1].what,
            What::Unlocked {
                failed_attempts: 0,
                again: 0
            }
        );
        // Version 1 content has no log: an empty one.
        let decoded =
            crate::vault::content::from_json(br#"{"content_version":1,"entries":[]}"#).unwrap();
        assert_eq!((decoded.version, decoded.activity.len()), (1, 0));
    }
}
