//! The import and export dialogs' state and the transfer-code pager's.
//! [`crate::gui::views::transfer`] draws them.

use std::path::PathBuf;

use egui::TextureHandle;
use zeroize::Zeroizing;

use mamori::account::Account;
use mamori::formats::export::{ExportFormat, Selection};
use mamori::formats::{self, Parsed, Report};
use mamori::i18n::Localize as _;

use super::forms::PathEntry;

/// The import dialog's state.
#[derive(Default)]
pub struct ImportDialog {
    /// The file being imported.
    pub path: Option<PathBuf>,
    /// The file is encrypted: ask for its password.
    pub needs_password: bool,
    /// The file's password (not the vault's).
    pub password: Zeroizing<String>,
    /// What the file holds and what importing it would do, before anything is saved.
    pub preview: Option<(Parsed, Report)>,
    /// Why the file cannot be imported.
    pub error: Option<String>,
    /// Reading or decrypting.
    pub waiting: bool,
    /// The file's path, typed, when no file dialog can be shown.
    pub path_entry: PathEntry,
}

/// The export dialog's state.
pub struct ExportDialog {
    /// The format chosen.
    pub choice: ExportFormat,
    /// The export's password.
    pub password: Zeroizing<String>,
    /// The password again.
    pub repeat: Zeroizing<String>,
    /// "I understand the file holds my keys unencrypted".
    pub accept_plain: bool,
    /// Transfer codes: asking for the vault password before showing them.
    pub vault_password: Zeroizing<String>,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// Where to save, typed, when no file dialog can be shown.
    pub path_entry: PathEntry,
    /// Which accounts to export.
    pub scope: ExportScope,
}

/// Which accounts the export dialog writes (and shows as transfer codes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ExportScope {
    /// Every account.
    #[default]
    All,
    /// The accounts the list shows now: its search text and tag chip.
    Shown,
    /// The accounts with this tag.
    Tag(String),
}

impl ExportDialog {
    /// The library's [`Selection`] for the chosen scope; `shown` is the list's own filter
    /// ([`super::Session::shown`]).
    pub fn selection(&self, shown: &Selection) -> Selection {
        match &self.scope {
            ExportScope::All => Selection::everything(),
            ExportScope::Shown => shown.clone(),
            ExportScope::Tag(tag) => Selection {
                tags: vec![tag.clone()],
                queries: Vec::new(),
            },
        }
    }
}

impl Default for ExportDialog {
    fn default() -> Self {
        ExportDialog {
            choice: ExportFormat::Mamori,
            password: Zeroizing::new(String::with_capacity(256)),
            repeat: Zeroizing::new(String::with_capacity(256)),
            accept_plain: false,
            vault_password: Zeroizing::new(String::with_capacity(256)),
            error: None,
            path_entry: PathEntry::default(),
            scope: ExportScope::All,
        }
    }
}

/// Google Authenticator transfer codes, shown one at a time and large.
pub struct TransferPager {
    /// The `otpauth-migration://` payloads.
    pub uris: Vec<Zeroizing<String>>,
    /// Accounts that do not fit the format, with the reason (already localized).
    pub skipped: Vec<String>,
    /// The code showing (0-based).
    pub page: usize,
    pub(crate) texture: Option<(usize, TextureHandle)>,
}

impl TransferPager {
    /// A pager over the transfer codes of `accounts`.
    pub fn new(view_lang: mamori::i18n::Lang, accounts: &[Account]) -> TransferPager {
        let (uris, skipped) = formats::google_migration::encode_batches(
            accounts
                .iter()
                .map(|a| (a.issuer.as_str(), a.name.as_str(), &a.otp)),
        );
        TransferPager {
            uris,
            skipped: skipped
                .into_iter()
                .map(|(label, reason)| format!("{label}: {}", reason.localize(view_lang)))
                .collect(),
            page: 0,
            texture: None,
        }
    }
}
