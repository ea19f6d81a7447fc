//! The rules for changing the account list, written once. The window and the command line both
//! call these inside [`crate::vault::Vault::update`], so the same change made in either leaves
//! the same vault: the duplicate rule, the HOTP counter, how backup codes are read and compared,
//! and when an account's `updated` time moves.
//!
//! Every operation that changes an account sets its `updated` to the `now` the caller passes;
//! reordering changes no account and sets nothing.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::account::{Account, AccountId, BackupCode, OtpKind, OtpParams, Trashed, fold};
use crate::i18n::{Lang, Localize, tr};
use crate::otp::{self, Code};
use crate::vault::VaultError;

/// Why an operation on the account list was refused. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountsError {
    /// No account has this id (another process may have removed it meanwhile).
    NotFound,
    /// The key is already in the vault as this account.
    Duplicate {
        /// The existing account's label.
        label: String,
        /// The existing account's id.
        id: AccountId,
    },
    /// The account is TOTP: it has no "next code" to advance to.
    NotHotp,
    /// The text held no backup code.
    NoBackupCodes,
    /// The account has no backup code like this one.
    UnknownBackupCode {
        /// The account's label.
        label: String,
    },
    /// The backup code was already used at this time (Unix seconds).
    BackupCodeUsed {
        /// When it was marked used.
        when: u64,
    },
    /// A tag was empty (or only spaces).
    EmptyTag,
    /// A tag was longer than [`MAX_TAG_CHARS`] characters.
    TagTooLong {
        /// The tag's first characters.
        start: String,
    },
    /// The account already has [`MAX_TAGS`] tags.
    TooManyTags,
    /// No account in the trash has this id.
    NotInTrash,
}

impl Localize for AccountsError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            AccountsError::NotFound => tr(lang, "accounts-not-found", &[]),
            AccountsError::Duplicate { label, id } => {
                tr(lang, "accounts-duplicate", &[("label", label), ("id", id)])
            }
            AccountsError::NotHotp => tr(lang, "accounts-not-hotp", &[]),
            AccountsError::NoBackupCodes => tr(lang, "accounts-no-backup-codes", &[]),
            AccountsError::UnknownBackupCode { label } => {
                tr(lang, "accounts-unknown-backup-code", &[("label", label)])
            }
            AccountsError::BackupCodeUsed { when } => tr(
                lang,
                "accounts-backup-code-used",
                &[("when", &crate::time::local_minutes(lang, *when))],
            ),
            AccountsError::EmptyTag => tr(lang, "accounts-empty-tag", &[]),
            AccountsError::TagTooLong { start } => tr(
                lang,
                "accounts-tag-too-long",
                &[("tag", start), ("max", &MAX_TAG_CHARS.to_string())],
            ),
            AccountsError::TooManyTags => tr(
                lang,
                "accounts-too-many-tags",
                &[("max", &MAX_TAGS.to_string())],
            ),
            AccountsError::NotInTrash => tr(lang, "accounts-not-in-trash", &[]),
        }
    }
}

/// A change to the vault's accounts that did not happen: a rule refused it, or it could not be
/// saved. What a shell's `Vault::update` closure returns when it has no error type of its own.
#[derive(Debug)]
pub enum ChangeError {
    /// A rule of this module refused the change.
    Refused(AccountsError),
    /// The vault could not be read back or saved.
    Vault(VaultError),
}

impl From<AccountsError> for ChangeError {
    fn from(error: AccountsError) -> ChangeError {
        ChangeError::Refused(error)
    }
}

impl From<VaultError> for ChangeError {
    fn from(error: VaultError) -> ChangeError {
        ChangeError::Vault(error)
    }
}

impl Localize for ChangeError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            ChangeError::Refused(e) => e.localize(lang),
            ChangeError::Vault(e) => e.localize(lang),
        }
    }
}

crate::localized_error!(AccountsError, ChangeError);

/// An account about to be added: what a key URI, a typed key or an import entry gives.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Service name (trimmed when added).
    pub issuer: String,
    /// Account name (trimmed when added).
    pub name: String,
    /// How codes are computed; an HOTP counter is the next code's.
    pub otp: OtpParams,
    /// Free text.
    pub note: String,
    /// One-time recovery codes brought along (an import), kept as given.
    pub backup_codes: Vec<BackupCode>,
    /// Tags brought along (an import's groups); cleaned as [`set_tags`] does, bad ones dropped.
    pub tags: Vec<String>,
    /// Listed first (an import's favourite or pin).
    pub pinned: bool,
    /// A custom icon already made by [`crate::icon`] (PNG, [`crate::account::ICON_SIDE`]).
    pub icon: Option<Vec<u8>>,
}

impl NewAccount {
    /// An account with labels and key only.
    pub fn new(issuer: &str, name: &str, otp: OtpParams) -> NewAccount {
        NewAccount {
            issuer: issuer.to_string(),
            name: name.to_string(),
            otp,
            note: String::new(),
            backup_codes: Vec::new(),
            tags: Vec::new(),
            pinned: false,
            icon: None,
        }
    }
}

/// How an account is added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddRules {
    /// Add it even when the same key is already in the vault.
    pub allow_duplicate: bool,
    /// The user was shown the account's HOTP code before saving (to finish the service's
    /// verify step): that code is used up, so the counter moves past it.
    pub hotp_code_shown: bool,
}

/// Adds accounts to a list, finding duplicates by a hash of the key, not by a scan of the list:
/// an import of many entries into a large vault stays linear. Build one per `Vault::update`.
pub struct Adder<'a> {
    accounts: &'a mut Vec<Account>,
    /// Key hash → indexes of the accounts with that hash (compared in full with `same_key`).
    index: HashMap<u64, Vec<usize>>,
    hasher_keys: std::hash::RandomState,
    now: u64,
}

impl<'a> Adder<'a> {
    /// Indexes `accounts`; accounts added through it are created at `now`.
    pub fn new(accounts: &'a mut Vec<Account>, now: u64) -> Adder<'a> {
        let hasher_keys = std::hash::RandomState::new();
        let mut index: HashMap<u64, Vec<usize>> = HashMap::with_capacity(accounts.len());
        for (i, account) in accounts.iter().enumerate() {
            index
                .entry(key_hash(&hasher_keys, &account.otp))
                .or_default()
                .push(i);
        }
        Adder {
            accounts,
            index,
            hasher_keys,
            now,
        }
    }

    /// The account already holding this key, if any.
    pub fn existing(&self, otp: &OtpParams) -> Option<&Account> {
        self.index
            .get(&key_hash(&self.hasher_keys, otp))?
            .iter()
            .map(|&i| &self.accounts[i])
            .find(|a| a.otp.same_key(otp))
    }

    /// Adds the account unless its key is already in the list (see [`AddRules`]). Labels are
    /// trimmed; an HOTP code shown before saving moves the counter on.
    pub fn add(&mut self, new: NewAccount, rules: AddRules) -> Result<&Account, AccountsError> {
        if !rules.allow_duplicate
            && let Some(existing) = self.existing(&new.otp)
        {
            return Err(AccountsError::Duplicate {
                label: existing.label(),
                id: existing.id.clone(),
            });
        }
        let mut account = Account::new(
            new.issuer.trim().to_string(),
            new.name.trim().to_string(),
            new.otp,
            self.now,
        );
        account.note = new.note;
        account.backup_codes = new.backup_codes;
        account.pinned = new.pinned;
        account.icon = new.icon;
        for tag in &new.tags {
            // An imported group name that breaks a tag rule is left out, not the account.
            let _ = add_tag(&mut account.tags, tag);
        }
        if rules.hotp_code_shown
            && let OtpKind::Hotp { counter } = &mut account.otp.kind
        {
            *counter = counter.saturating_add(1);
        }
        let hash = key_hash(&self.hasher_keys, &account.otp);
        self.index
            .entry(hash)
            .or_default()
            .push(self.accounts.len());
        self.accounts.push(account);
        Ok(&self.accounts[self.accounts.len() - 1])
    }
}

/// A hash of what [`OtpParams::same_key`] compares (the HOTP counter left out), keyed per
/// `Adder` so that nothing derived from a key outlives it in a predictable form.
fn key_hash(keys: &std::hash::RandomState, otp: &OtpParams) -> u64 {
    let mut hasher: DefaultHasher = std::hash::BuildHasher::build_hasher(keys);
    match otp.kind {
        OtpKind::Totp { period } => (0u8, period).hash(&mut hasher),
        OtpKind::Hotp { .. } => (1u8, 0u32).hash(&mut hasher),
        OtpKind::Steam { period } => (2u8, period).hash(&mut hasher),
    }
    otp.secret.as_bytes().hash(&mut hasher);
    otp.algorithm.as_str().hash(&mut hasher);
    otp.digits.hash(&mut hasher);
    hasher.finish()
}

/// Adds one account: [`Adder::add`] for a single account.
pub fn add(
    accounts: &mut Vec<Account>,
    new: NewAccount,
    rules: AddRules,
    now: u64,
) -> Result<Account, AccountsError> {
    Adder::new(accounts, now).add(new, rules).cloned()
}

fn find_mut<'a>(
    accounts: &'a mut [Account],
    id: &AccountId,
) -> Result<&'a mut Account, AccountsError> {
    accounts
        .iter_mut()
        .find(|a| &a.id == id)
        .ok_or(AccountsError::NotFound)
}

/// The HOTP account's code at its counter, which then moves on (the code is used up once
/// shown).
pub fn next_hotp_code(
    accounts: &mut [Account],
    id: &AccountId,
    now: u64,
) -> Result<Code, AccountsError> {
    let account = find_mut(accounts, id)?;
    let code = otp::generate(&account.otp, now);
    let OtpKind::Hotp { counter } = &mut account.otp.kind else {
        return Err(AccountsError::NotHotp);
    };
    *counter = counter.saturating_add(1);
    account.updated = now;
    Ok(code)
}

/// New labels and note for an account; `None` leaves that field as it is.
#[derive(Debug, Clone, Default)]
pub struct Edit {
    /// Service name (trimmed).
    pub issuer: Option<String>,
    /// Account name (trimmed).
    pub name: Option<String>,
    /// Note (kept as typed).
    pub note: Option<String>,
}

/// Changes an account's labels and note. Returns the account as it now is.
pub fn edit(
    accounts: &mut [Account],
    id: &AccountId,
    edit: Edit,
    now: u64,
) -> Result<Account, AccountsError> {
    let account = find_mut(accounts, id)?;
    if let Some(issuer) = edit.issuer {
        account.issuer = issuer.trim().to_string();
    }
    if let Some(name) = edit.name {
        account.name = name.trim().to_string();
    }
    if let Some(note) = edit.note {
        account.note = note;
    }
    account.updated = now;
    Ok(account.clone())
}

/// Removes an account; returns where it was and the account, so it can be put back.
pub fn delete(
    accounts: &mut Vec<Account>,
    id: &AccountId,
) -> Result<(usize, Account), AccountsError> {
    let index = accounts
        .iter()
        .position(|a| &a.id == id)
        .ok_or(AccountsError::NotFound)?;
    Ok((index, accounts.remove(index)))
}

/// Puts a deleted account back where it was (or last, when the list got shorter). Nothing
/// happens when an account with its id is already there.
pub fn undelete(accounts: &mut Vec<Account>, index: usize, account: Account) {
    if !accounts.iter().any(|a| a.id == account.id) {
        accounts.insert(index.min(accounts.len()), account);
    }
}

/// Moves the account at `from` to `to` (list positions). Out-of-range positions change nothing.
pub fn reorder(accounts: &mut Vec<Account>, from: usize, to: usize) {
    if from < accounts.len() && to < accounts.len() && from != to {
        let account = accounts.remove(from);
        accounts.insert(to, account);
    }
}

/// The backup codes in text a service gave (pasted, or a file): one a line, trimmed; blank
/// lines, lines of only spaces or hyphens, and a byte-order mark are skipped. Each is kept as
/// the service printed it (`1234-5678`).
pub fn parse_backup_codes(text: &str) -> Vec<String> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .filter(|line| !BackupCode::normalized(line).is_empty())
        .map(str::to_string)
        .collect()
}

/// What adding backup codes did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupCodesAdded {
    /// Codes new to the account (codes it had already are not added twice).
    pub added: usize,
    /// Unused codes the account now has.
    pub unused: usize,
}

/// Adds the backup codes in `text` ([`parse_backup_codes`]) that the account does not have
/// yet (compared by [`BackupCode::normalized`]: `1234 5678`, `1234-5678` and `12345678` are one
/// code).
pub fn add_backup_codes(
    accounts: &mut [Account],
    id: &AccountId,
    text: &str,
    now: u64,
) -> Result<BackupCodesAdded, AccountsError> {
    let codes = parse_backup_codes(text);
    if codes.is_empty() {
        return Err(AccountsError::NoBackupCodes);
    }
    let account = find_mut(accounts, id)?;
    let mut added = 0;
    for code in codes {
        let key = BackupCode::normalized(&code);
        if !account
            .backup_codes
            .iter()
            .any(|c| BackupCode::normalized(&c.code) == key)
        {
            account.backup_codes.push(BackupCode {
                code,
                used_at: None,
            });
            added += 1;
        }
    }
    account.updated = now;
    Ok(BackupCodesAdded {
        added,
        unused: account.unused_backup_codes().count(),
    })
}

/// Marks the backup code (typed in any spacing or case) used. Returns how many unused codes
/// are left.
pub fn use_backup_code(
    accounts: &mut [Account],
    id: &AccountId,
    code: &str,
    now: u64,
) -> Result<usize, AccountsError> {
    let account = find_mut(accounts, id)?;
    let key = BackupCode::normalized(code);
    let label = account.label();
    let Some(index) = account
        .backup_codes
        .iter()
        .position(|c| BackupCode::normalized(&c.code) == key)
    else {
        return Err(AccountsError::UnknownBackupCode { label });
    };
    if let Some(when) = account.backup_codes[index].used_at {
        return Err(AccountsError::BackupCodeUsed { when });
    }
    set_backup_code_used(accounts, id, index, true, now)
}

/// Marks the account's backup code at `index` used (at `now`) or unused again. Returns how
/// many unused codes are left.
pub fn set_backup_code_used(
    accounts: &mut [Account],
    id: &AccountId,
    index: usize,
    used: bool,
    now: u64,
) -> Result<usize, AccountsError> {
    let account = find_mut(accounts, id)?;
    let label = account.label();
    let code = account
        .backup_codes
        .get_mut(index)
        .ok_or(AccountsError::UnknownBackupCode { label })?;
    code.used_at = used.then_some(now);
    account.updated = now;
    Ok(account.unused_backup_codes().count())
}

/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 64;
/// Most tags on one account.
pub const MAX_TAGS: usize = 32;

/// Adds `tag` (trimmed) to `tags` unless it is there already in another case or width.
fn add_tag(tags: &mut Vec<String>, tag: &str) -> Result<(), AccountsError> {
    let tag = tag.trim();
    if tag.is_empty() {
        return Err(AccountsError::EmptyTag);
    }
    if tag.chars().count() > MAX_TAG_CHARS {
        return Err(AccountsError::TagTooLong {
            start: tag.chars().take(16).collect::<String>() + "…",
        });
    }
    let key = fold(tag);
    if !tags.iter().any(|t| fold(t) == key) {
        if tags.len() >= MAX_TAGS {
            return Err(AccountsError::TooManyTags);
        }
        tags.push(tag.to_string());
    }
    Ok(())
}

/// Adds the tags in `add` and takes away those in `remove` (both compared case- and
/// width-insensitively; tags are trimmed, at most [`MAX_TAG_CHARS`] characters, at most
/// [`MAX_TAGS`] an account). Nothing changes when one tag is refused. Returns the account.
pub fn set_tags(
    accounts: &mut [Account],
    id: &AccountId,
    add: &[String],
    remove: &[String],
    now: u64,
) -> Result<Account, AccountsError> {
    let account = find_mut(accounts, id)?;
    let mut tags = account.tags.clone();
    let removed: Vec<String> = remove.iter().map(|t| fold(t.trim())).collect();
    tags.retain(|t| !removed.contains(&fold(t)));
    for tag in add {
        add_tag(&mut tags, tag)?;
    }
    if tags != account.tags {
        account.tags = tags;
        account.updated = now;
    }
    Ok(account.clone())
}

/// Every tag in use, each once (the first spelling met), sorted case-insensitively.
pub fn all_tags(accounts: &[Account]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut tags: Vec<String> = accounts
        .iter()
        .flat_map(|a| &a.tags)
        .filter(|t| seen.insert(fold(t)))
        .cloned()
        .collect();
    tags.sort_by_key(|t| fold(t));
    tags
}

/// Pins the account (listed first) or unpins it. Returns the account.
pub fn set_pinned(
    accounts: &mut [Account],
    id: &AccountId,
    pinned: bool,
    now: u64,
) -> Result<Account, AccountsError> {
    let account = find_mut(accounts, id)?;
    if account.pinned != pinned {
        account.pinned = pinned;
        account.updated = now;
    }
    Ok(account.clone())
}

/// Sets the account's custom icon (a PNG made by [`crate::icon`]) or, with `None`, goes back
/// to the bundled icon or letter avatar.
pub fn set_icon(
    accounts: &mut [Account],
    id: &AccountId,
    icon: Option<Vec<u8>>,
    now: u64,
) -> Result<(), AccountsError> {
    let account = find_mut(accounts, id)?;
    account.icon = icon;
    account.updated = now;
    Ok(())
}

/// The list positions of `accounts` in display order: pinned accounts first, each group in the
/// user's order.
pub fn pinned_first(accounts: &[Account]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..accounts.len()).collect();
    order.sort_by_key(|&i| !accounts[i].pinned);
    order
}

/// Moves the account into the trash (newest first), where it stays for
/// [`crate::account::TRASH_SECONDS`]. Returns where it was in the list, for an undo.
pub fn trash(
    accounts: &mut Vec<Account>,
    trash: &mut Vec<Trashed>,
    id: &AccountId,
    now: u64,
) -> Result<usize, AccountsError> {
    let (index, account) = delete(accounts, id)?;
    trash.insert(
        0,
        Trashed {
            account,
            trashed_at: now,
        },
    );
    Ok(index)
}

/// Takes the account out of the trash and puts it back in the list, at `index` when given (an
/// undo) or last. Its key may be in the list again meanwhile: both are kept, as the user asked
/// for this one back. Returns the account.
pub fn restore(
    accounts: &mut Vec<Account>,
    trash: &mut Vec<Trashed>,
    id: &AccountId,
    index: Option<usize>,
) -> Result<Account, AccountsError> {
    let at = trash
        .iter()
        .position(|t| &t.account.id == id)
        .ok_or(AccountsError::NotInTrash)?;
    let account = trash.remove(at).account;
    let index = index.unwrap_or(accounts.len());
    undelete(accounts, index, account.clone());
    Ok(account)
}

/// Deletes everything in the trash for good. Returns how many accounts that was.
pub fn empty_trash(trash: &mut Vec<Trashed>) -> usize {
    let count = trash.len();
    trash.clear();
    count
}

/// Drops the accounts that have been in the trash for [`crate::account::TRASH_SECONDS`] (what
/// every save does). Returns how many.
pub fn purge_trash(trash: &mut Vec<Trashed>, now: u64) -> usize {
    let before = trash.len();
    trash.retain(|t| !t.expired(now));
    before - trash.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    /// docs/formats.md §15's key.
    fn otp(kind: OtpKind) -> OtpParams {
        OtpParams {
            kind,
            ..OtpParams::totp(Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap().0)
        }
    }

    fn hotp(counter: u64) -> OtpParams {
        otp(OtpKind::Hotp { counter })
    }

    fn list() -> Vec<Account> {
        let mut accounts = Vec::new();
        add(
            &mut accounts,
            NewAccount::new("Example", "alice", hotp(1)),
            AddRules::default(),
            10,
        )
        .unwrap();
        accounts
    }

    #[test]
    fn add_trims_labels_and_refuses_the_same_key_whatever_the_counter() {
        let mut accounts = Vec::new();
        let added = add(
            &mut accounts,
            NewAccount::new(" Example ", " alice\t", hotp(0)),
            AddRules::default(),
            5,
        )
        .unwrap();
        assert_eq!(
            (added.issuer.as_str(), added.name.as_str()),
            ("Example", "alice")
        );
        assert_eq!((added.created, added.updated), (5, 5));
        let again = add(
            &mut accounts,
            NewAccount::new("Other", "bob", hotp(7)),
            AddRules::default(),
            6,
        );
        assert_eq!(
            again.unwrap_err(),
            AccountsError::Duplicate {
                label: "Example:alice".into(),
                id: accounts[0].id.clone()
            }
        );
        let rules = AddRules {
            allow_duplicate: true,
            ..AddRules::default()
        };
        add(
            &mut accounts,
            NewAccount::new("Other", "bob", hotp(7)),
            rules,
            6,
        )
        .unwrap();
        assert_eq!(accounts.len(), 2);
        // Another period is another key.
        add(
            &mut accounts,
            NewAccount::new("", "c", otp(OtpKind::Totp { period: 60 })),
            AddRules::default(),
            6,
        )
        .unwrap();
    }

    #[test]
    fn the_hotp_counter_moves_past_a_code_shown_before_saving_only() {
        let mut accounts = Vec::new();
        let shown = AddRules {
            hotp_code_shown: true,
            allow_duplicate: true,
        };
        let unseen = AddRules {
            allow_duplicate: true,
            ..AddRules::default()
        };
        let a = add(&mut accounts, NewAccount::new("", "a", hotp(4)), shown, 1).unwrap();
        let b = add(&mut accounts, NewAccount::new("", "b", hotp(4)), unseen, 1).unwrap();
        assert_eq!(a.otp.kind, OtpKind::Hotp { counter: 5 });
        assert_eq!(b.otp.kind, OtpKind::Hotp { counter: 4 });
    }

    #[test]
    fn many_adds_find_duplicates_among_themselves() {
        let mut accounts = Vec::new();
        let mut adder = Adder::new(&mut accounts, 1);
        let mut refused = 0;
        for i in 0..2000u32 {
            let secret = Secret::from_bytes((i % 1000).to_be_bytes().to_vec());
            let new = NewAccount::new("", &i.to_string(), OtpParams::totp(secret));
            refused += usize::from(adder.add(new, AddRules::default()).is_err());
        }
        assert_eq!((accounts.len(), refused), (1000, 1000));
    }

    #[test]
    fn next_hotp_code_gives_the_code_at_the_counter_then_moves_on() {
        let mut accounts = list();
        let id = accounts[0].id.clone();
        // docs/formats.md §15: HOTP counter 1 gives 996554.
        let code = next_hotp_code(&mut accounts, &id, 99).unwrap();
        assert_eq!(code.code, "996554");
        assert_eq!(accounts[0].otp.kind, OtpKind::Hotp { counter: 2 });
        assert_eq!(accounts[0].updated, 99);
        let mut totp = Vec::new();
        add(
            &mut totp,
            NewAccount::new("", "t", otp(OtpKind::Totp { period: 30 })),
            AddRules::default(),
            1,
        )
        .unwrap();
        let id = totp[0].id.clone();
        assert_eq!(
            next_hotp_code(&mut totp, &id, 2),
            Err(AccountsError::NotHotp)
        );
        assert_eq!(totp[0].updated, 1);
    }

    #[test]
    fn edit_trims_labels_keeps_the_note_and_sets_updated() {
        let mut accounts = list();
        let id = accounts[0].id.clone();
        let edited = edit(
            &mut accounts,
            &id,
            Edit {
                name: Some(" bob ".into()),
                note: Some(" as typed ".into()),
                ..Edit::default()
            },
            50,
        )
        .unwrap();
        assert_eq!(edited.label(), "Example:bob");
        assert_eq!(edited.note, " as typed ");
        assert_eq!(accounts[0].updated, 50);
        let gone = AccountId("0".repeat(32));
        assert_eq!(
            edit(&mut accounts, &gone, Edit::default(), 51).unwrap_err(),
            AccountsError::NotFound
        );
    }

    #[test]
    fn delete_then_undelete_puts_it_back_in_place_once() {
        let mut accounts = list();
        add(
            &mut accounts,
            NewAccount::new("", "second", hotp(0)),
            AddRules {
                allow_duplicate: true,
                ..AddRules::default()
            },
            1,
        )
        .unwrap();
        let id = accounts[0].id.clone();
        let (index, account) = delete(&mut accounts, &id).unwrap();
        assert_eq!((index, accounts.len()), (0, 1));
        undelete(&mut accounts, index, account.clone());
        undelete(&mut accounts, index, account);
        assert_eq!(accounts.len(), 2);
        assert_eq!(accounts[0].id, id);
        reorder(&mut accounts, 0, 1);
        assert_eq!(accounts[1].id, id);
        reorder(&mut accounts, 0, 9);
        assert_eq!(accounts[1].id, id);
    }

    #[test]
    fn backup_codes_are_read_one_a_line_kept_as_printed_and_compared_loosely() {
        let mut accounts = list();
        let id = accounts[0].id.clone();
        let text = "\u{feff}1234-5678\r\n  \n---\nabcd efgh  \n12345678\n";
        assert_eq!(
            parse_backup_codes(text),
            ["1234-5678", "abcd efgh", "12345678"]
        );
        let added = add_backup_codes(&mut accounts, &id, text, 20).unwrap();
        assert_eq!(
            added,
            BackupCodesAdded {
                added: 2,
                unused: 2
            }
        );
        assert_eq!(accounts[0].backup_codes[1].code, "abcd efgh");
        assert_eq!(accounts[0].updated, 20);
        assert_eq!(
            add_backup_codes(&mut accounts, &id, " \n-\n", 21),
            Err(AccountsError::NoBackupCodes)
        );
        assert_eq!(use_backup_code(&mut accounts, &id, "ABCDEFGH", 30), Ok(1));
        assert_eq!(accounts[0].backup_codes[1].used_at, Some(30));
        assert_eq!(
            use_backup_code(&mut accounts, &id, "abcd-efgh", 31),
            Err(AccountsError::BackupCodeUsed { when: 30 })
        );
        assert_eq!(
            use_backup_code(&mut accounts, &id, "0000", 31),
            Err(AccountsError::UnknownBackupCode {
                label: "Example:alice".into()
            })
        );
        assert_eq!(
            set_backup_code_used(&mut accounts, &id, 1, false, 40),
            Ok(2)
        );
        assert_eq!(accounts[0].backup_codes[1].used_at, None);
        assert_eq!(accounts[0].updated, 40);
    }

    #[test]
    fn tags_are_trimmed_kept_once_whatever_the_case_and_refused_whole_when_bad() {
        let mut accounts = list();
        let id = accounts[0].id.clone();
        let tags = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let a = set_tags(
            &mut accounts,
            &id,
            &tags(&[" Work ", "work", "ＷＯＲＫ", "admin"]),
            &[],
            7,
        )
        .unwrap();
        assert_eq!(a.tags, ["Work", "admin"]);
        assert_eq!(a.updated, 7);
        assert!(accounts[0].matches("admi"));
        let a = set_tags(&mut accounts, &id, &tags(&["new"]), &tags(&["WORK"]), 8).unwrap();
        assert_eq!(a.tags, ["admin", "new"]);
        assert_eq!(
            set_tags(&mut accounts, &id, &tags(&["ok", "  "]), &[], 9),
            Err(AccountsError::EmptyTag)
        );
        let long = "x".repeat(MAX_TAG_CHARS + 1);
        assert!(matches!(
            set_tags(&mut accounts, &id, &[long], &[], 9),
            Err(AccountsError::TagTooLong { .. })
        ));
        let many: Vec<String> = (0..MAX_TAGS).map(|i| i.to_string()).collect();
        assert_eq!(
            set_tags(&mut accounts, &id, &many, &[], 9),
            Err(AccountsError::TooManyTags)
        );
        assert_eq!(accounts[0].tags, ["admin", "new"]);
        assert_eq!(accounts[0].updated, 8);
        // Nothing to change: `updated` stays.
        set_tags(&mut accounts, &id, &tags(&["Admin"]), &tags(&["gone"]), 10).unwrap();
        assert_eq!(accounts[0].updated, 8);
        assert_eq!(all_tags(&accounts), ["admin", "new"]);
    }

    #[test]
    fn pinned_accounts_come_first_in_the_users_order() {
        let mut accounts = Vec::new();
        let rules = AddRules {
            allow_duplicate: true,
            ..AddRules::default()
        };
        for name in ["a", "b", "c", "d"] {
            add(&mut accounts, NewAccount::new("", name, hotp(0)), rules, 1).unwrap();
        }
        let (c, d) = (accounts[2].id.clone(), accounts[3].id.clone());
        set_pinned(&mut accounts, &d, true, 2).unwrap();
        set_pinned(&mut accounts, &c, true, 3).unwrap();
        let names: Vec<&str> = pinned_first(&accounts)
            .into_iter()
            .map(|i| accounts[i].name.as_str())
            .collect();
        assert_eq!(names, ["c", "d", "a", "b"]);
        assert_eq!(accounts[2].updated, 3);
        set_pinned(&mut accounts, &c, false, 4).unwrap();
        assert!(!accounts[2].pinned);
    }

    #[test]
    fn the_trash_keeps_an_account_thirty_days_and_gives_it_back_in_place() {
        let mut accounts = list();
        add(
            &mut accounts,
            NewAccount::new("", "second", hotp(9)),
            AddRules {
                allow_duplicate: true,
                ..AddRules::default()
            },
            1,
        )
        .unwrap();
        let mut bin = Vec::new();
        let id = accounts[0].id.clone();
        let index = trash(&mut accounts, &mut bin, &id, 100).unwrap();
        assert_eq!((index, accounts.len(), bin.len()), (0, 1, 1));
        assert_eq!(bin[0].trashed_at, 100);
        assert_eq!(
            trash(&mut accounts, &mut bin, &id, 101),
            Err(AccountsError::NotFound)
        );
        let back = restore(&mut accounts, &mut bin, &id, Some(index)).unwrap();
        assert_eq!(
            (back.id.clone(), accounts[0].id.clone()),
            (id.clone(), id.clone())
        );
        assert!(bin.is_empty());
        assert_eq!(
            restore(&mut accounts, &mut bin, &id, None),
            Err(AccountsError::NotInTrash)
        );
        trash(&mut accounts, &mut bin, &id, 100).unwrap();
        let second = accounts[0].id.clone();
        trash(&mut accounts, &mut bin, &second, 200).unwrap();
        let thirty_days = crate::account::TRASH_SECONDS;
        assert_eq!(purge_trash(&mut bin, 100 + thirty_days - 1), 0);
        assert_eq!(purge_trash(&mut bin, 100 + thirty_days), 1);
        assert_eq!(bin[0].account.id, second);
        assert_eq!(empty_trash(&mut bin), 1);
        assert!(bin.is_empty() && accounts.is_empty());
    }

    #[test]
    fn every_error_has_words_in_both_languages() {
        let errors = [
            AccountsError::NotFound,
            AccountsError::Duplicate {
                label: "L".into(),
                id: AccountId("i".into()),
            },
            AccountsError::NotHotp,
            AccountsError::NoBackupCodes,
            AccountsError::UnknownBackupCode { label: "L".into() },
            AccountsError::BackupCodeUsed { when: 0 },
            AccountsError::EmptyTag,
            AccountsError::TagTooLong { start: "x".into() },
            AccountsError::TooManyTags,
            AccountsError::NotInTrash,
        ];
        for error in errors {
            for lang in [Lang::En, Lang::Ja] {
                let text = error.localize(lang);
                assert!(!text.starts_with("accounts-"), "{text}");
                assert!(
                    !text.contains("--"),
                    "a core message names no CLI flag: {text}"
                );
            }
        }
    }
}
