//! What views ask for ([`Command`], applied once after the frame that produced it) and what
//! background jobs bring back ([`Done`]). Views push commands; only the app applies them.

use std::path::PathBuf;
use std::sync::Arc;

use image::GrayImage;
use zeroize::Zeroizing;

use mamori::account::AccountId;
use mamori::scan::{CaptureError, ImageScan, Screen};
use mamori::vault::opening::Opened;
use mamori::vault::{Vault, VaultError};

use super::file_dialogs::Picked;
use super::settings::Settings;
use super::state::add::{AddTab, Draft};

/// What a view asks for. Applied once, after the frame that produced it.
pub enum Command {
    /// Create the vault, with this password or none.
    CreateVault(Option<Zeroizing<String>>),
    /// Unlock with this password.
    Unlock(Zeroizing<String>),
    /// Forget the key and show the unlock screen.
    Lock,
    /// Copy an account's current code.
    CopyCode(AccountId),
    /// Copy a TOTP account's next code (offered when the current one was about to expire).
    CopyNextCode(AccountId),
    /// The quick pick's choice: copy this account's code and close the quick pick.
    QuickPickChoose(AccountId),
    /// Turn start at login (hidden) on or off.
    SetStartAtLogin(bool),
    /// Close the quick pick (Esc).
    QuickPickClose,
    /// Copy a text (a key, a URI) the user asked for.
    CopyText(Zeroizing<String>),
    /// HOTP: use up the next code and show it.
    NextHotpCode(AccountId),
    /// Open the add dialog on a tab.
    OpenAdd(AddTab),
    /// Capture every screen (hiding the window) and scan it.
    ScanScreens,
    /// Scan what the clipboard holds (the "Paste from clipboard" button).
    Paste,
    /// Scan a text pasted with Ctrl+V (egui-winit's `Event::Paste`): `otpauth://` lines, or a
    /// bare key, which opens "Enter key" with it filled in.
    PasteText(Zeroizing<String>),
    /// Scan an image pasted with Ctrl+V after PrintScreen (egui-winit's `Event::PasteImage`,
    /// sent instead of a key press when the clipboard holds an image and no text).
    PasteImage(Arc<egui::ColorImage>),
    /// Ask for an image file and scan it.
    ChooseImage,
    /// Scan an image file (dropped on the window or chosen).
    ScanFile(PathBuf),
    /// Scan a region of a capture, enlarged.
    ScanRegion(GrayImage),
    /// Add accounts.
    AddAccounts(Vec<Draft>),
    /// Open the account's details.
    Manage(AccountId),
    /// Change labels and note.
    EditLabels {
        /// Which account.
        id: AccountId,
        /// New issuer.
        issuer: String,
        /// New account name.
        name: String,
        /// New note.
        note: String,
    },
    /// Move an account to the trash (undo possible for a while, restore for 30 days).
    Delete(AccountId),
    /// Put the last account moved to the trash back where it was.
    UndoDelete,
    /// Pin an account (listed first) or unpin it.
    SetPinned(AccountId, bool),
    /// Add a tag to an account.
    AddTag(AccountId, String),
    /// Remove a tag from an account.
    RemoveTag(AccountId, String),
    /// Ask for a picture to make the icon of the account whose details are open.
    ChooseIcon,
    /// Make the picture in this file the account's icon.
    SetIconFile(AccountId, PathBuf),
    /// Go back to the bundled icon or letter avatar.
    ClearIcon(AccountId),
    /// Open the trash.
    OpenTrash,
    /// Put an account from the trash back in the list.
    RestoreFromTrash(AccountId),
    /// Delete everything in the trash for good.
    EmptyTrash,
    /// Move an account in the manual order.
    Move {
        /// Position now.
        from: usize,
        /// Position wanted.
        to: usize,
    },
    /// Show the account's key and QR code (after the password, if the vault has one).
    RevealKey(AccountId, Option<Zeroizing<String>>),
    /// Add the backup codes in this text (one a line).
    AddBackupCodes(AccountId, String),
    /// Mark the account's backup code at `index` used or unused.
    SetBackupCodeUsed {
        /// The account.
        id: AccountId,
        /// Position in its list of backup codes.
        index: usize,
        /// Used (true) or unused again.
        used: bool,
    },
    /// Open the settings.
    OpenSettings,
    /// Open the activity log and vault health page.
    OpenActivity,
    /// Save new settings.
    ApplySettings(Settings),
    /// Ask for the automatic-backup folder.
    ChooseBackupFolder,
    /// Ask the time servers again how far off the clock is.
    CheckClock,
    /// The user confirmed this measured offset (over 10 minutes) for codes.
    ConfirmClockOffset(f64),
    /// Set, change or remove the password.
    ChangePassword {
        /// The current password (checked again before changing anything).
        current: Option<Zeroizing<String>>,
        /// The new password; `None` removes it.
        new: Option<Zeroizing<String>>,
    },
    /// Leave region selection.
    CloseRegion,
    /// Open the import dialog.
    OpenImport,
    /// Ask for a file to import.
    ChooseImport,
    /// Read a file to import (with the file's password, once asked for).
    ReadImport(PathBuf, Option<Zeroizing<String>>),
    /// Save the import shown in the preview.
    CommitImport,
    /// Open the export dialog.
    OpenExport,
    /// Export as the export dialog says: to the path typed there (no file dialog could be
    /// shown: a file, or for QR pictures the folder to write them in), else to one asked for
    /// in a file dialog; with a password vault, after its password (given here) is checked.
    ExportTarget(Option<PathBuf>, Option<Zeroizing<String>>),
    /// Export to this file or folder, as the export dialog says.
    ExportTo(PathBuf),
    /// Show the Google Authenticator transfer codes (after the vault password, if any).
    ShowTransferCodes(Option<Zeroizing<String>>),
    /// Close whatever dialog is open.
    CloseDialogs,
}

/// What a finished job brings back.
pub enum Done {
    /// The vault was created.
    Created(Result<Vault, VaultError>),
    /// The vault was unlocked (or not).
    Unlocked(Result<Opened, VaultError>),
    /// Screens were captured and scanned.
    Screens(Result<(Vec<Screen>, Vec<ImageScan>), CaptureError>),
    /// An image (file, clipboard or region) or a pasted text was scanned.
    Image(Result<ImageScan, String>),
    /// The pasted text is a key by itself: open "Enter key" with it.
    PastedKey(Zeroizing<String>),
    /// A file dialog closed (or could not be shown).
    Picked(PickFor, Picked),
    /// The password was checked for revealing a key.
    KeyRevealed(AccountId, bool),
    /// A file to import was read.
    ImportRead(
        PathBuf,
        Result<mamori::formats::Parsed, mamori::formats::ImportError>,
    ),
    /// An import was saved on the worker (or not); the session it took comes back either way.
    ImportCommitted(
        Box<super::state::Session>,
        Result<mamori::formats::Report, VaultError>,
    ),
    /// An export finished: what to tell the user, or why it failed.
    Exported(Result<(String, mamori::vault::activity::What), String>),
    /// The password was checked before showing the transfer codes.
    TransferUnlocked(bool),
    /// The password was checked before an export (to this typed path, or through the dialog).
    ExportUnlocked(bool, Option<PathBuf>),
    /// The password was changed; the vault comes back either way.
    PasswordChanged(Box<Vault>, Result<(), VaultError>),
}

/// What a file dialog was opened for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickFor {
    /// An image to scan.
    ScanImage,
    /// A file to import.
    Import,
    /// Where to export.
    Export,
    /// The automatic-backup folder.
    BackupFolder,
    /// A picture for the icon of the account whose details are open.
    Icon,
}
