//! The details dialog's state. [`crate::gui::views::manage`] draws it.

use zeroize::Zeroizing;

use egui::TextureHandle;
use mamori::account::{Account, AccountId};

/// The details dialog's state.
pub struct ManageDialog {
    /// The account shown.
    pub id: AccountId,
    /// Issuer being edited.
    pub issuer: String,
    /// Account name being edited.
    pub name: String,
    /// Note being edited.
    pub note: String,
    /// Asking "really delete?".
    pub confirm_delete: bool,
    /// The key and QR code are showing (password checked).
    pub key_shown: bool,
    /// The password typed to show the key.
    pub password: Zeroizing<String>,
    /// Why the password was refused.
    pub password_error: Option<String>,
    /// Backup codes being pasted.
    pub backup_input: String,
    /// A tag being typed.
    pub new_tag: String,
    /// The path field for the icon picture when no file dialog can be shown.
    pub icon_path: super::forms::PathEntry,
    /// Why the picture chosen for the icon was refused.
    pub icon_error: Option<String>,
    pub(crate) qr: Option<TextureHandle>,
}

impl ManageDialog {
    /// The dialog for `account`.
    pub fn new(account: &Account) -> ManageDialog {
        ManageDialog {
            id: account.id.clone(),
            issuer: account.issuer.clone(),
            name: account.name.clone(),
            note: account.note.clone(),
            confirm_delete: false,
            key_shown: false,
            password: Zeroizing::new(String::with_capacity(256)),
            password_error: None,
            backup_input: String::new(),
            new_tag: String::new(),
            icon_path: super::forms::PathEntry::default(),
            icon_error: None,
            qr: None,
        }
    }
}
