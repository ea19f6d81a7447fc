//! The window's state, apart from the code that changes it: where the window is ([`Phase`]),
//! the open vault with its dialogs ([`Session`]), and each dialog's own state in the files
//! below. Views draw it and push commands; the app's actions change it.

pub mod add;
pub mod forms;
pub mod manage;
pub mod quick_pick;
pub mod settings;
pub mod transfer;

use std::collections::HashSet;

use mamori::account::AccountId;
use mamori::clock_check::{ClockError, ClockReading};
use mamori::formats::export::Selection;
use mamori::vault::Vault;

use add::AddDialog;
use forms::{UnlockForm, WelcomeForm};
use manage::ManageDialog;
use settings::SettingsDialog;
use transfer::{ExportDialog, ImportDialog, TransferPager};

/// Where the window is.
pub enum Phase {
    /// No vault yet: create one.
    Welcome(WelcomeForm),
    /// A password vault waits for its password.
    Unlock(UnlockForm),
    /// The vault is open.
    Open(Box<Session>),
    /// The vault cannot be read at all; the message says why and what to do.
    Broken(String),
    /// A job holds the vault (a password change).
    Busy,
}

/// An open vault and the state of the screens over it.
pub struct Session {
    /// The vault.
    pub vault: Vault,
    /// The search field's text.
    pub search: String,
    /// Ask the search field to take focus next frame.
    pub focus_search: bool,
    /// The row Enter copies.
    pub selected: Option<AccountId>,
    /// Scroll the selected row into view next frame.
    pub scroll_to_selected: bool,
    /// The search the selection was last checked against.
    pub(crate) filtered_for: String,
    /// The add dialog, when open.
    pub add: Option<AddDialog>,
    /// The details dialog, when open.
    pub manage: Option<ManageDialog>,
    /// The settings dialog, when open.
    pub settings: Option<SettingsDialog>,
    /// The import dialog, when open.
    pub import: Option<ImportDialog>,
    /// The export dialog, when open.
    pub export: Option<ExportDialog>,
    /// The transfer codes, when showing.
    pub pager: Option<TransferPager>,
    /// The activity log and vault health page, when open.
    pub activity: bool,
    /// With "hide codes": rows the user revealed.
    pub revealed: HashSet<AccountId>,
    /// HOTP codes shown after "next code".
    pub hotp_codes: Vec<(AccountId, String)>,
    /// The last account moved to the trash and where it was, for undo.
    pub removed: Option<(usize, AccountId)>,
    /// The tag chip chosen above the list: only accounts with this tag show.
    pub tag_filter: Option<String>,
    /// The trash view, when open.
    pub trash: Option<TrashView>,
    /// Custom icons as textures, by account (with a hash of the PNG, to notice a change).
    pub(crate) icons: std::collections::HashMap<AccountId, (u64, egui::TextureHandle)>,
    /// Messages shown above the list until dismissed (read-only vault, older copy).
    pub banners: Vec<String>,
    /// The vault file's modification time and length when last looked at.
    pub(crate) file_stamp: Option<(Option<std::time::SystemTime>, u64)>,
    /// When to look at the vault file again.
    pub(crate) next_file_check: f64,
}

/// What identifies a version of the vault file cheaply (no read): modified time and length.
pub(crate) fn file_stamp(path: &std::path::Path) -> Option<(Option<std::time::SystemTime>, u64)> {
    std::fs::metadata(path)
        .ok()
        .map(|m| (m.modified().ok(), m.len()))
}

impl Session {
    /// The state over a vault just opened.
    pub fn new(vault: Vault) -> Session {
        Session {
            file_stamp: file_stamp(vault.path()),
            next_file_check: 0.0,
            vault,
            search: String::new(),
            focus_search: false,
            selected: None,
            scroll_to_selected: false,
            filtered_for: String::new(),
            add: None,
            manage: None,
            settings: None,
            import: None,
            export: None,
            pager: None,
            activity: false,
            revealed: HashSet::new(),
            hotp_codes: Vec::new(),
            removed: None,
            tag_filter: None,
            trash: None,
            icons: std::collections::HashMap::new(),
            banners: Vec::new(),
        }
    }

    /// The accounts the list shows now, as a [`Selection`]: the search text and the tag chip
    /// (the same rule as `views::accounts::ordered`).
    pub fn shown(&self) -> Selection {
        let search = self.search.trim();
        Selection {
            tags: self.tag_filter.iter().cloned().collect(),
            queries: if search.is_empty() {
                Vec::new()
            } else {
                vec![search.to_string()]
            },
        }
    }

    /// The accounts the export dialog is set to write (every account when it is closed).
    pub fn export_selection(&self) -> Selection {
        self.export
            .as_ref()
            .map(|d| d.selection(&self.shown()))
            .unwrap_or_default()
    }

    /// Closes every dialog.
    pub fn close_dialogs(&mut self) {
        self.add = None;
        self.manage = None;
        self.settings = None;
        self.import = None;
        self.export = None;
        self.pager = None;
        self.trash = None;
        self.activity = false;
    }

    /// True when a dialog is open over the list.
    pub fn dialog_open(&self) -> bool {
        self.add.is_some()
            || self.manage.is_some()
            || self.settings.is_some()
            || self.import.is_some()
            || self.export.is_some()
            || self.pager.is_some()
            || self.trash.is_some()
            || self.activity
    }
}

/// The trash view's state.
#[derive(Debug, Default)]
pub struct TrashView {
    /// Asking "really empty the trash?".
    pub confirm_empty: bool,
}

/// What the time servers said of the system clock (issue: "my code is rejected").
#[derive(Clone, Debug, PartialEq)]
pub enum ClockStatus {
    /// The check is off (no servers, or switched off in Settings).
    Off,
    /// A check is running (it never blocks the window; at most
    /// [`mamori::clock_check::CHECK_TIMEOUT`]).
    Checking,
    /// The last answer.
    Measured(ClockReading),
    /// No usable answer (offline, port 123 blocked, …).
    Failed(ClockError),
}
