//! The window's state and the one place where things happen.
//!
//! Views draw from the state and push [`Command`]s; [`MamoriApp::apply`] carries them out after
//! the frame (the pattern of egui's demo app). Work that takes time — the KDF, screen capture,
//! QR decoding, reading image files — runs on the [`Worker`] and comes back as a [`Done`].

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use image::GrayImage;
use zeroize::Zeroizing;

use mamori::account::{Account, AccountId, OtpKind};
use mamori::accounts::{self, AddRules, ChangeError, NewAccount};
use mamori::clock_check::{ClockError, ClockReading, Correction, Recheck, RecheckSchedule};
use mamori::formats::export::{self, ExportFormat};
use mamori::i18n::{Lang, Localize, tr};
use mamori::scan::{self, CaptureError, ImageScan, Screen};
use mamori::vault::opening::{self, Opened};
use mamori::vault::{LockedVault, SaveKind, Vault, VaultError};

use super::env::Env;
use super::file_dialogs::{Picked, Request};
use super::settings::Settings;
use super::toasts::{ToastAction, Toasts};
use super::views::add::{AddDialog, AddTab, Draft};
use super::views::manage::ManageDialog;
use super::views::settings::SettingsDialog;
use super::views::transfer::{ExportDialog, ImportDialog, TransferPager};
use super::worker::Worker;
use super::{style, views};

/// File name endings of the pictures Mamori scans (the file dialog's filter, and how a dropped
/// file is told from a backup to import).
/// The endings of the image files Mamori reads (the import registry's QR image entry).
fn image_extensions() -> impl Iterator<Item = &'static str> {
    mamori::formats::info(mamori::formats::Format::QrImage).extensions()
}

/// Checks `password` against the vault file at `path` again (before showing keys, changing the
/// password, or showing transfer codes), without touching the open vault.
fn password_opens(path: &std::path::Path, password: &str) -> Result<(), VaultError> {
    LockedVault::read(path)?.unlock(Some(password)).map(|_| ())
}

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
    /// Remove an account (undo possible for a while).
    Delete(AccountId),
    /// Put the last removed account back.
    UndoDelete,
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
    /// An export finished: what to tell the user, or why it failed.
    Exported(Result<String, String>),
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
}

/// Where the window is.
pub enum Phase {
    /// No vault yet: create one.
    Welcome(views::welcome::WelcomeForm),
    /// A password vault waits for its password.
    Unlock(views::unlock::UnlockForm),
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
    filtered_for: String,
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
    /// With "hide codes": rows the user revealed.
    pub revealed: HashSet<AccountId>,
    /// HOTP codes shown after "next code".
    pub hotp_codes: Vec<(AccountId, String)>,
    /// The last removed account and its position, for undo.
    pub removed: Option<(usize, Account)>,
    /// Messages shown above the list until dismissed (read-only vault, older copy).
    pub banners: Vec<String>,
    /// The vault file's modification time and length when last looked at.
    file_stamp: Option<(Option<std::time::SystemTime>, u64)>,
    /// When to look at the vault file again.
    next_file_check: f64,
}

/// What identifies a version of the vault file cheaply (no read): modified time and length.
fn file_stamp(path: &std::path::Path) -> Option<(Option<std::time::SystemTime>, u64)> {
    std::fs::metadata(path)
        .ok()
        .map(|m| (m.modified().ok(), m.len()))
}

impl Session {
    fn new(vault: Vault) -> Session {
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
            revealed: HashSet::new(),
            hotp_codes: Vec::new(),
            removed: None,
            banners: Vec::new(),
        }
    }

    /// Closes every dialog.
    pub fn close_dialogs(&mut self) {
        self.add = None;
        self.manage = None;
        self.settings = None;
        self.import = None;
        self.export = None;
        self.pager = None;
    }

    /// True when a dialog is open over the list.
    pub fn dialog_open(&self) -> bool {
        self.add.is_some()
            || self.manage.is_some()
            || self.settings.is_some()
            || self.import.is_some()
            || self.export.is_some()
            || self.pager.is_some()
    }
}

/// A code copied to the clipboard, to clear later if it is still there.
struct Copied {
    text: Zeroizing<String>,
    clear_at: Option<f64>,
}

/// The desktop app.
pub struct MamoriApp {
    pub(crate) env: Env,
    pub(crate) settings: Settings,
    pub(crate) phase: Phase,
    pub(crate) toasts: Toasts,
    worker: Worker<Done>,
    commands: Vec<Command>,
    copied: Option<Copied>,
    last_input: f64,
    /// The window was hidden for a screen capture and must come back.
    hidden_for_capture: bool,
    applied_theme: Option<super::settings::Theme>,
    /// Whether the window was last told to keep out of captures.
    applied_protection: Option<bool>,
    /// The screen locked while a job held the vault: lock as soon as it is back.
    screen_lock_pending: bool,
    /// Which screen the last frame showed (welcome, unlock, open, …), to notice a change.
    shown_phase: std::mem::Discriminant<Phase>,
    clock_status: ClockStatus,
    clock_worker: Worker<Result<ClockReading, ClockError>>,
    /// When to check the clock again (hourly, and after the wall clock jumps).
    clock_schedule: RecheckSchedule,
    /// An offset over 10 minutes the user said yes to, this session.
    confirmed_offset: Option<f64>,
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

impl MamoriApp {
    /// A window over `env`, with the saved settings, on the first screen the vault calls for.
    pub fn new(ctx: &egui::Context, env: Env) -> MamoriApp {
        let settings = env
            .settings_path
            .as_deref()
            .map(Settings::load)
            .unwrap_or_default();
        style::install(ctx);
        let now = env.clock.now();
        let mut app = MamoriApp {
            env,
            settings,
            phase: Phase::Busy,
            toasts: Toasts::default(),
            worker: Worker::default(),
            commands: Vec::new(),
            copied: None,
            last_input: now,
            hidden_for_capture: false,
            applied_theme: None,
            applied_protection: None,
            screen_lock_pending: false,
            shown_phase: std::mem::discriminant(&Phase::Busy),
            clock_status: ClockStatus::Off,
            clock_worker: Worker::default(),
            clock_schedule: RecheckSchedule::default(),
            confirmed_offset: None,
        };
        app.phase = app.first_phase();
        app.check_clock(ctx);
        app
    }

    /// Shows the window in `lang` (from `--lang`) until the user picks a language.
    pub fn override_lang(&mut self, lang: Lang) {
        self.settings.language = Some(match lang {
            Lang::En => "en".into(),
            Lang::Ja => "ja".into(),
        });
    }

    /// The language of the window.
    pub fn lang(&self) -> Lang {
        self.settings.lang()
    }

    fn first_phase(&self) -> Phase {
        let path = &self.env.vault_path;
        if !path.exists() {
            return Phase::Welcome(Default::default());
        }
        match opening::read(path) {
            Ok(locked) if locked.needs_password() => Phase::Unlock(Default::default()),
            Ok(locked) => match opening::unlock(locked, None, self.env.seen_file.clone()) {
                Ok(opened) => self.open_session(opened),
                Err(e) => Phase::Broken(super::advised(self.lang(), &e)),
            },
            Err(e) => Phase::Broken(super::advised(self.lang(), &e)),
        }
    }

    fn open_session(&self, opened: Opened) -> Phase {
        let lang = self.lang();
        let mut session = Session::new(opened.vault);
        for notice in opened.notices {
            session.banners.push(notice.localize(lang));
        }
        Phase::Open(Box::new(session))
    }

    /// The time now, from the injected clock.
    pub fn now(&self) -> f64 {
        self.env.clock.now()
    }

    /// The time codes are generated for: now, plus the measured clock offset when the user
    /// turned that on (Settings; a banner says so whenever it is applied).
    pub fn code_time(&self) -> f64 {
        self.now() + self.clock_correction().seconds()
    }

    /// The offset applied to codes: the library's rule over the setting, the last measurement
    /// and what the user confirmed (over 10 minutes is applied only once confirmed).
    fn clock_correction(&self) -> Correction {
        let reading = match &self.clock_status {
            ClockStatus::Measured(reading) => Some(reading),
            _ => None,
        };
        mamori::clock_check::correction(
            self.settings.clock.apply_offset,
            reading,
            self.confirmed_offset,
        )
    }

    /// What the last clock check found.
    #[cfg(test)]
    pub fn clock_status(&self) -> &ClockStatus {
        &self.clock_status
    }

    /// A clock check runs in the background.
    #[cfg(test)]
    pub fn clock_check_running(&self) -> bool {
        self.clock_worker.busy()
    }

    /// Starts a clock check in the background (when it is on and none runs), showing
    /// "checking" until it ends.
    fn check_clock(&mut self, ctx: &egui::Context) {
        if self.start_clock_check(ctx) {
            self.clock_status = ClockStatus::Checking;
        }
    }

    /// Starts a clock check, keeping what the last one found on screen meanwhile; false when
    /// the check is off or one already runs.
    fn start_clock_check(&mut self, ctx: &egui::Context) -> bool {
        let servers = self.settings.clock.servers();
        if servers.is_empty() {
            self.clock_schedule
                .checked(self.now(), self.env.clock.monotonic());
            self.clock_status = ClockStatus::Off;
            return false;
        }
        if self.clock_worker.busy() {
            return false;
        }
        self.clock_schedule
            .checked(self.now(), self.env.clock.monotonic());
        let time_check = Arc::clone(&self.env.time_check);
        self.clock_worker
            .spawn(ctx, move || time_check.measure(&servers));
        true
    }

    /// Checks the clock again every hour (the last result stays meanwhile) and after the wall
    /// clock jumps (resume from sleep, time set): then the last result no longer holds. Runs
    /// every frame; the window's own ticks (at most a minute apart) are soon enough.
    fn recheck_clock(&mut self, ctx: &egui::Context) {
        match self
            .clock_schedule
            .due(self.now(), self.env.clock.monotonic())
        {
            Some(Recheck::ClockJumped) => self.check_clock(ctx),
            Some(Recheck::Hourly) => {
                self.start_clock_check(ctx);
            }
            None => {}
        }
    }

    /// The open session, if the vault is open.
    pub fn session(&self) -> Option<&Session> {
        match &self.phase {
            Phase::Open(session) => Some(session),
            _ => None,
        }
    }

    /// Queues a command (tests and keyboard shortcuts use this too).
    pub fn push(&mut self, command: Command) {
        self.commands.push(command);
    }

    fn save_settings(&mut self) {
        if let Some(path) = &self.env.settings_path
            && let Err(e) = self.settings.save(path)
        {
            let lang = self.lang();
            self.toasts.error(tr(
                lang,
                "gui-settings-not-saved",
                &[
                    ("path", &path.display()),
                    ("detail", &VaultError::Io(e).localize(lang)),
                ],
            ));
        }
    }

    /// Runs one vault change (an operation of [`mamori::accounts`]) and reports a refusal or a
    /// failure as a toast. `Some` with the operation's answer when it was saved.
    fn change_vault<T>(
        &mut self,
        kind: SaveKind,
        change: impl FnOnce(&mut Vec<Account>) -> Result<T, ChangeError>,
    ) -> Option<T> {
        let lang = self.lang();
        let Phase::Open(session) = &mut self.phase else {
            return None;
        };
        match session.vault.update(kind, change) {
            Ok(answer) => {
                if kind == SaveKind::Structural
                    && let Some(folder) = &self.settings.backup_folder
                {
                    let keep = self.settings.backup_keep.max(1) as usize;
                    if let Err(e) =
                        mamori::vault::backups::copy_to_folder(&session.vault, folder, keep)
                    {
                        self.toasts.error(tr(
                            lang,
                            "gui-auto-backup-failed",
                            &[("detail", &VaultError::Io(e).localize(lang))],
                        ));
                    }
                }
                Some(answer)
            }
            Err(e) => {
                self.toasts.error(e.localize(lang));
                None
            }
        }
    }

    fn copy(&mut self, text: Zeroizing<String>, said: &str) {
        let lang = self.lang();
        let now = self.now();
        match self.env.clipboard.copy(&text) {
            Ok(()) => {
                let seconds = self.settings.clipboard_clear_seconds;
                let clear_at = (seconds > 0).then(|| now + f64::from(seconds));
                self.copied = Some(Copied { text, clear_at });
                let message = if seconds > 0 {
                    tr(lang, "gui-copied-clears", &[("seconds", &seconds)])
                } else {
                    tr(lang, "gui-copied", &[])
                };
                self.toasts.info(format!("{said} {message}"));
            }
            Err(e) => self.toasts.error(e.localize(lang)),
        }
    }

    /// Clears our text from the clipboard if it is still there (after the delay, on lock, on
    /// quit). Returns false when the clipboard could not be cleared.
    fn clear_clipboard(&mut self, reason_due: bool) -> bool {
        let Some(copied) = self.copied.take() else {
            return true;
        };
        if !reason_due {
            self.copied = Some(copied);
            return true;
        }
        if self.env.clipboard.holds(&copied.text) && self.env.clipboard.clear().is_err() {
            let lang = self.lang();
            self.toasts
                .error(tr(lang, "gui-clipboard-not-cleared", &[]));
            return false;
        }
        true
    }

    fn lock(&mut self) {
        self.clear_clipboard(true);
        let encrypted = matches!(&self.phase, Phase::Open(s) if s.vault.is_encrypted());
        if encrypted {
            // Dropping the session zeroizes the master key, the secrets and every field.
            self.phase = Phase::Unlock(Default::default());
        }
    }

    /// Applies the commands views pushed this frame.
    fn apply_all(&mut self, ctx: &egui::Context) {
        for command in std::mem::take(&mut self.commands) {
            self.apply(ctx, command);
        }
    }

    fn apply(&mut self, ctx: &egui::Context, command: Command) {
        let lang = self.lang();
        match command {
            Command::CreateVault(password) => {
                let path = self.env.vault_path.clone();
                self.worker.spawn(ctx, move || {
                    Done::Created(Vault::create(
                        &path,
                        password.as_deref().map(String::as_str),
                    ))
                });
            }
            Command::Unlock(password) => {
                let path = self.env.vault_path.clone();
                let seen = self.env.seen_file.clone();
                self.worker.spawn(ctx, move || {
                    Done::Unlocked(
                        opening::read(&path)
                            .and_then(|locked| opening::unlock(locked, Some(&password), seen)),
                    )
                });
            }
            Command::Lock => self.lock(),
            Command::CopyCode(id) => self.copy_code(id, false),
            Command::CopyNextCode(id) => self.copy_code(id, true),
            Command::CopyText(text) => {
                let said = tr(lang, "gui-key-copied", &[]);
                self.copy(text, &said);
            }
            Command::NextHotpCode(id) => {
                let now = self.now() as u64;
                let shown = self.change_vault(SaveKind::Routine, |accounts| {
                    Ok(accounts::next_hotp_code(accounts, &id, now)?.code)
                });
                if let Some(code) = shown
                    && let Phase::Open(session) = &mut self.phase
                {
                    session.hotp_codes.retain(|(i, _)| *i != id);
                    session.hotp_codes.push((id.clone(), code.clone()));
                    session.revealed.insert(id.clone());
                    let label = session
                        .vault
                        .accounts()
                        .iter()
                        .find(|a| a.id == id)
                        .map(views::accounts::title)
                        .unwrap_or_default();
                    let said = tr(lang, "gui-code-copied-for", &[("label", &label)]);
                    self.copy(Zeroizing::new(code), &said);
                }
            }
            Command::OpenAdd(tab) => {
                if let Phase::Open(session) = &mut self.phase {
                    session.manage = None;
                    session.settings = None;
                    session.add.get_or_insert_with(AddDialog::default).tab = tab;
                }
            }
            Command::ScanScreens => {
                self.open_add_busy(AddTab::Scan);
                // Hide the window so that its own pixels do not cover what is behind it.
                ctx.send_viewport_cmd(egui::ViewportCommand::Visible(false));
                self.hidden_for_capture = true;
                let screens = self.env.screens.clone();
                let delay = self.env.capture_delay;
                self.worker.spawn(ctx, move || {
                    std::thread::sleep(delay);
                    Done::Screens(screens.capture().map(|captures| {
                        let scans = captures
                            .iter()
                            .enumerate()
                            .map(|(i, s)| {
                                scan::scan_image(&scan::screen_label(lang, i, &s.name), &s.image)
                            })
                            .collect();
                        (captures, scans)
                    }))
                });
            }
            Command::Paste => match self.env.clipboard.read() {
                Ok(mamori::capture::ClipboardContent::Text(text)) => {
                    self.paste_text(ctx, Zeroizing::new(text));
                }
                Ok(mamori::capture::ClipboardContent::Image(image)) => {
                    self.open_add_busy(AddTab::Paste);
                    let source = tr(lang, "gui-source-clipboard", &[]);
                    self.worker.spawn(ctx, move || {
                        Done::Image(Ok(scan::scan_image(&source, &image)))
                    });
                }
                Err(e) => {
                    self.open_add_busy(AddTab::Paste);
                    self.finish_image_scan(Err(e.localize(lang)));
                }
            },
            Command::PasteText(text) => self.paste_text(ctx, text),
            Command::PasteImage(image) => {
                self.open_add_busy(AddTab::Paste);
                let source = tr(lang, "gui-source-clipboard", &[]);
                self.worker.spawn(ctx, move || {
                    // Premultiplied RGBA; a pasted screenshot is opaque, so the same as straight.
                    let [width, height] = image.size;
                    let gray =
                        mamori::qr::rgba_to_gray(width as u32, height as u32, image.as_raw());
                    Done::Image(Ok(scan::scan_image(&source, &gray)))
                });
            }
            Command::ChooseImage => self.pick_file(ctx, PickFor::ScanImage),
            Command::ScanFile(path) => {
                self.open_add_busy(AddTab::File);
                self.worker.spawn(ctx, move || {
                    let source = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    Done::Image(
                        mamori::image_file::load_gray(&path)
                            .map(|image| scan::scan_image(&source, &image))
                            .map_err(|e| e.localize(lang)),
                    )
                });
            }
            Command::ScanRegion(region) => {
                self.open_add_busy(AddTab::Scan);
                let source = tr(lang, "gui-source-region", &[]);
                self.worker.spawn(ctx, move || {
                    Done::Image(Ok(scan::scan_image(&source, &region)))
                });
            }
            Command::AddAccounts(drafts) => self.add_accounts(drafts),
            Command::Manage(id) => {
                if let Phase::Open(session) = &mut self.phase
                    && let Some(account) = session.vault.accounts().iter().find(|a| a.id == id)
                {
                    session.manage = Some(ManageDialog::new(account));
                    session.add = None;
                    session.settings = None;
                }
            }
            Command::EditLabels {
                id,
                issuer,
                name,
                note,
            } => {
                let now = self.now() as u64;
                let edit = accounts::Edit {
                    issuer: Some(issuer),
                    name: Some(name),
                    note: Some(note),
                };
                if self
                    .change_vault(SaveKind::Structural, |accounts| {
                        Ok(accounts::edit(accounts, &id, edit, now)?)
                    })
                    .is_some()
                {
                    self.toasts.info(tr(lang, "gui-saved", &[]));
                    if let Phase::Open(session) = &mut self.phase {
                        session.manage = None;
                    }
                }
            }
            Command::Delete(id) => {
                let removed = self.change_vault(SaveKind::Structural, |accounts| {
                    Ok(accounts::delete(accounts, &id)?)
                });
                if let Some((index, account)) = removed
                    && let Phase::Open(session) = &mut self.phase
                {
                    session.manage = None;
                    self.toasts.undo(tr(
                        lang,
                        "gui-deleted",
                        &[("label", &super::views::accounts::title(&account))],
                    ));
                    session.removed = Some((index, account));
                }
            }
            Command::UndoDelete => {
                let Some((index, account)) = (match &mut self.phase {
                    Phase::Open(session) => session.removed.take(),
                    _ => None,
                }) else {
                    return;
                };
                if self
                    .change_vault(SaveKind::Structural, |accounts| {
                        accounts::undelete(accounts, index, account);
                        Ok(())
                    })
                    .is_some()
                {
                    self.toasts.info(tr(lang, "gui-restored", &[]));
                }
            }
            Command::Move { from, to } => {
                self.change_vault(SaveKind::Routine, |accounts| {
                    accounts::reorder(accounts, from, to);
                    Ok(())
                });
            }
            Command::RevealKey(id, password) => match password {
                None => {
                    if let Phase::Open(session) = &mut self.phase
                        && let Some(manage) = &mut session.manage
                    {
                        manage.key_shown = true;
                    }
                }
                Some(password) => {
                    self.check_password(ctx, password, move |ok| Done::KeyRevealed(id, ok));
                }
            },
            Command::AddBackupCodes(id, text) => {
                let now = self.now() as u64;
                if let Some(added) = self.change_vault(SaveKind::Structural, |accounts| {
                    Ok(accounts::add_backup_codes(accounts, &id, &text, now)?)
                }) {
                    self.toasts.info(tr(
                        lang,
                        "gui-backup-added",
                        &[("count", &added.added), ("unused", &added.unused)],
                    ));
                    if let Phase::Open(session) = &mut self.phase
                        && let Some(manage) = &mut session.manage
                    {
                        manage.backup_input.clear();
                    }
                }
            }
            Command::SetBackupCodeUsed { id, index, used } => {
                let now = self.now() as u64;
                self.change_vault(SaveKind::Structural, |accounts| {
                    Ok(accounts::set_backup_code_used(
                        accounts, &id, index, used, now,
                    )?)
                });
            }
            Command::OpenSettings => {
                let encrypted = matches!(&self.phase, Phase::Open(s) if s.vault.is_encrypted());
                if let Phase::Open(session) = &mut self.phase {
                    session.add = None;
                    session.manage = None;
                    session.settings = Some(SettingsDialog::new(&self.settings, encrypted));
                }
            }
            Command::ChooseBackupFolder => self.pick_file(ctx, PickFor::BackupFolder),
            Command::ApplySettings(settings) => {
                let recheck = settings.clock.servers() != self.settings.clock.servers();
                self.settings = settings;
                self.save_settings();
                if recheck {
                    self.check_clock(ctx);
                }
            }
            Command::CheckClock => self.check_clock(ctx),
            Command::ConfirmClockOffset(offset) => self.confirmed_offset = Some(offset),
            Command::ChangePassword { current, new } => {
                let phase = std::mem::replace(&mut self.phase, Phase::Busy);
                let Phase::Open(session) = phase else {
                    self.phase = phase;
                    return;
                };
                let mut vault = session.vault;
                let path = self.env.vault_path.clone();
                self.worker.spawn(ctx, move || {
                    if let Some(current) = &current
                        && let Err(e) = password_opens(&path, current)
                    {
                        return Done::PasswordChanged(Box::new(vault), Err(e));
                    }
                    let result = vault
                        .change_password(new.as_deref().map(String::as_str))
                        .map(|_| ());
                    Done::PasswordChanged(Box::new(vault), result)
                });
            }
            Command::CloseRegion => {
                if let Phase::Open(session) = &mut self.phase
                    && let Some(dialog) = &mut session.add
                {
                    dialog.region = None;
                }
            }
            Command::CloseDialogs => {
                if let Phase::Open(session) = &mut self.phase {
                    session.close_dialogs();
                }
            }
            Command::OpenImport => {
                if let Phase::Open(session) = &mut self.phase {
                    session.close_dialogs();
                    session.import = Some(ImportDialog::default());
                }
            }
            Command::ChooseImport => self.pick_file(ctx, PickFor::Import),
            Command::ReadImport(path, password) => {
                if let Phase::Open(session) = &mut self.phase {
                    let dialog = session.import.get_or_insert_with(ImportDialog::default);
                    dialog.path = Some(path.clone());
                    dialog.waiting = true;
                    dialog.error = None;
                    dialog.preview = None;
                }
                self.worker.spawn(ctx, move || {
                    let result = mamori::formats::read_import_file(&path).and_then(|bytes| {
                        mamori::formats::detect_and_import(
                            &bytes,
                            password.as_deref().map(String::as_str),
                        )
                    });
                    Done::ImportRead(path, result)
                });
            }
            Command::CommitImport => {
                let now = self.now() as u64;
                let Some(parsed) = (match &mut self.phase {
                    Phase::Open(session) => session
                        .import
                        .as_mut()
                        .and_then(|d| d.preview.take())
                        .map(|(parsed, _)| parsed),
                    _ => None,
                }) else {
                    return;
                };
                if let Some(report) = self.change_vault(SaveKind::Structural, |accounts| {
                    Ok(mamori::formats::apply(&parsed, accounts, now))
                }) {
                    self.toasts.info(tr(
                        lang,
                        "gui-import-done",
                        &[
                            ("imported", &report.imported()),
                            ("duplicates", &report.duplicates()),
                            ("rejected", &report.rejected()),
                        ],
                    ));
                    if let Phase::Open(session) = &mut self.phase {
                        session.import = None;
                    }
                }
            }
            Command::OpenExport => {
                if let Phase::Open(session) = &mut self.phase {
                    session.close_dialogs();
                    session.export = Some(ExportDialog::default());
                }
            }
            Command::ExportTarget(typed, None) => self.export_typed_or_chosen(ctx, typed),
            // A password vault: the password again before any key leaves (an unlocked window
            // must not hand every key to whoever sits at it).
            Command::ExportTarget(typed, Some(password)) => {
                self.check_password(ctx, password, move |ok| Done::ExportUnlocked(ok, typed));
            }
            Command::ExportTo(target) => {
                let Some((choice, password, accounts)) = self.session().and_then(|s| {
                    s.export
                        .as_ref()
                        .map(|d| (d.choice, d.password.clone(), s.vault.accounts().to_vec()))
                }) else {
                    return;
                };
                self.worker.spawn(ctx, move || {
                    Done::Exported(export_to(lang, choice, &accounts, &password, &target))
                });
            }
            Command::ShowTransferCodes(password) => match password {
                None => self.show_transfer_codes(),
                Some(password) => self.check_password(ctx, password, Done::TransferUnlocked),
            },
        }
    }

    /// Copies an account's code (TOTP: the current one, or the next; HOTP: the one shown) and
    /// says whose it was. A TOTP code copied in its last seconds comes with an offer of the next.
    fn copy_code(&mut self, id: AccountId, next: bool) {
        let lang = self.lang();
        let at = self.code_time().max(0.0) as u64;
        let Some(session) = self.session() else {
            return;
        };
        let Some(account) = session.vault.accounts().iter().find(|a| a.id == id) else {
            return;
        };
        let label = views::accounts::title(account);
        let (code, remaining) = match account.otp.kind {
            OtpKind::Totp { .. } => {
                let now = mamori::otp::generate(&account.otp, at);
                let left = u64::from(now.remaining.unwrap_or(0));
                if next {
                    (mamori::otp::generate(&account.otp, at + left).code, None)
                } else {
                    (now.code, now.remaining)
                }
            }
            OtpKind::Hotp { .. } => (
                session
                    .hotp_codes
                    .iter()
                    .find(|(i, _)| *i == id)
                    .map(|(_, c)| c.clone())
                    .unwrap_or_default(),
                None,
            ),
        };
        if let Phase::Open(session) = &mut self.phase {
            session.selected = Some(id.clone());
            session.revealed.insert(id.clone());
        }
        if code.is_empty() {
            return;
        }
        let key = if next {
            "gui-next-code-copied-for"
        } else {
            "gui-code-copied-for"
        };
        let said = tr(lang, key, &[("label", &label)]);
        self.copy(Zeroizing::new(code), &said);
        if let Some(left) = remaining
            && left <= views::accounts::URGENT_SECONDS
        {
            self.toasts
                .offer_next(tr(lang, "gui-code-expiring", &[("seconds", &left)]), id);
        }
    }

    /// Opens the desktop's file dialog for `purpose` on the worker (the window keeps painting
    /// while it is open); [`Done::Picked`] brings the answer back.
    fn pick_file(&mut self, ctx: &egui::Context, purpose: PickFor) {
        let lang = self.lang();
        let all_files = (tr(lang, "gui-all-files", &[]), vec!["*".to_string()]);
        let owned = |extensions: &mut dyn Iterator<Item = &'static str>| {
            extensions.map(str::to_string).collect::<Vec<_>>()
        };
        let (request, title, filters) = match purpose {
            PickFor::ScanImage => (
                Request::Image,
                tr(lang, "gui-open-image-title", &[]),
                vec![
                    (
                        tr(lang, "gui-image-files", &[]),
                        owned(&mut image_extensions()),
                    ),
                    all_files,
                ],
            ),
            // What the import registry says other apps write, then anything (detection reads
            // the content, never the name).
            PickFor::Import => (
                Request::Import,
                tr(lang, "gui-import-title", &[]),
                vec![
                    (
                        tr(lang, "gui-import-files", &[]),
                        owned(&mut mamori::formats::import_extensions().into_iter()),
                    ),
                    all_files,
                ],
            ),
            PickFor::BackupFolder => (
                Request::Folder,
                tr(lang, "gui-auto-backup", &[]),
                Vec::new(),
            ),
            PickFor::Export => {
                let Some(choice) = self
                    .session()
                    .and_then(|s| s.export.as_ref())
                    .map(|d| d.choice)
                else {
                    return;
                };
                let name = choice.suggested_name();
                let (request, filters) = if choice.writes_images() {
                    (Request::Folder, Vec::new())
                } else {
                    let ext = name.rsplit_once('.').map(|(_, e)| e.to_string());
                    let filters = ext
                        .map(|e| vec![(choice.localize(lang), vec![e])])
                        .unwrap_or_default();
                    (Request::SaveFile(name.to_string()), filters)
                };
                (request, tr(lang, "gui-export-title", &[]), filters)
            }
        };
        let dialogs = Arc::clone(&self.env.file_dialogs);
        self.worker.spawn(ctx, move || {
            Done::Picked(purpose, dialogs.pick(&request, &title, &filters))
        });
    }

    /// A file dialog's answer: carry on with the path, or, when no dialog could be shown, open
    /// the path field in the dialog that asked.
    fn picked(&mut self, purpose: PickFor, picked: Picked) {
        let path = match picked {
            Picked::Chosen(path) => path,
            Picked::Cancelled => return,
            Picked::Unavailable => {
                if let Phase::Open(session) = &mut self.phase {
                    let entry = match purpose {
                        PickFor::ScanImage => {
                            let dialog = session.add.get_or_insert_with(AddDialog::default);
                            dialog.tab = AddTab::File;
                            Some(&mut dialog.path_entry)
                        }
                        PickFor::Import => session.import.as_mut().map(|d| &mut d.path_entry),
                        PickFor::Export => session.export.as_mut().map(|d| &mut d.path_entry),
                        PickFor::BackupFolder => {
                            session.settings.as_mut().map(|d| &mut d.path_entry)
                        }
                    };
                    if let Some(entry) = entry {
                        entry.open();
                    }
                }
                return;
            }
        };
        let command = match purpose {
            PickFor::ScanImage => Command::ScanFile(path),
            PickFor::Import => Command::ReadImport(path, None),
            PickFor::Export => Command::ExportTo(self.export_target(path)),
            PickFor::BackupFolder => {
                let Some(mut settings) = self
                    .session()
                    .and_then(|s| s.settings.as_ref())
                    .map(|d| d.draft.clone())
                else {
                    return;
                };
                settings.backup_folder = Some(path);
                if let Phase::Open(session) = &mut self.phase
                    && let Some(dialog) = &mut session.settings
                {
                    dialog.draft = settings.clone();
                }
                Command::ApplySettings(settings)
            }
        };
        self.push(command);
    }

    /// Exports to the typed path, or asks for one with a file dialog.
    fn export_typed_or_chosen(&mut self, ctx: &egui::Context, typed: Option<PathBuf>) {
        match typed {
            Some(path) => {
                let target = self.export_target(path);
                self.push(Command::ExportTo(target));
            }
            None => self.pick_file(ctx, PickFor::Export),
        }
    }

    /// Where an export goes: the chosen file, or, for QR pictures, a new folder inside the
    /// chosen one.
    pub fn export_target(&self, chosen: PathBuf) -> PathBuf {
        match self.session().and_then(|s| s.export.as_ref()) {
            Some(dialog) if dialog.choice.writes_images() => {
                chosen.join(dialog.choice.suggested_name())
            }
            _ => chosen,
        }
    }

    /// Checks `password` against the vault file on the worker (the KDF takes a moment) before
    /// a key leaves: showing it, exporting, the transfer codes. `done` turns the answer into
    /// the job's result.
    fn check_password(
        &mut self,
        ctx: &egui::Context,
        password: Zeroizing<String>,
        done: impl FnOnce(bool) -> Done + Send + 'static,
    ) {
        let path = self.env.vault_path.clone();
        self.worker
            .spawn(ctx, move || done(password_opens(&path, &password).is_ok()));
    }

    fn show_transfer_codes(&mut self) {
        let lang = self.lang();
        if let Phase::Open(session) = &mut self.phase {
            let pager = TransferPager::new(lang, session.vault.accounts());
            session.close_dialogs();
            session.pager = Some(pager);
        }
    }

    /// Scans a pasted text on the worker: its `otpauth` lines, else a bare key (opened in
    /// "Enter key"), else a message that names neither the text nor any part of it.
    fn paste_text(&mut self, ctx: &egui::Context, text: Zeroizing<String>) {
        self.open_add_busy(AddTab::Paste);
        let lang = self.lang();
        self.worker.spawn(ctx, move || {
            let source = tr(lang, "gui-source-clipboard", &[]);
            let scan = scan::scan_text(&source, &text);
            if scan
                .found
                .iter()
                .any(|f| !matches!(f.payload, scan::Payload::NotAKey))
            {
                Done::Image(Ok(scan))
            } else if mamori::secret::is_pasted_key(&text) {
                Done::PastedKey(Zeroizing::new(mamori::secret::key_text(&text).to_string()))
            } else {
                Done::Image(Err(tr(lang, "gui-paste-not-a-key", &[])))
            }
        });
    }

    fn open_add_busy(&mut self, tab: AddTab) {
        if let Phase::Open(session) = &mut self.phase {
            let dialog = session.add.get_or_insert_with(AddDialog::default);
            dialog.tab = tab;
            dialog.message = None;
            dialog.waiting = true;
        }
    }

    fn finish_image_scan(&mut self, result: Result<ImageScan, String>) {
        let lang = self.lang();
        if let Phase::Open(session) = &mut self.phase {
            let dialog = session.add.get_or_insert_with(AddDialog::default);
            dialog.waiting = false;
            match result {
                Ok(scan) => dialog.take_results(lang, &[scan], &[]),
                Err(message) => {
                    dialog.message = Some(message);
                    // A mistyped path: back into the field to correct it.
                    if dialog.path_entry.shown {
                        dialog.path_entry.open();
                    }
                }
            }
        }
    }

    fn add_accounts(&mut self, drafts: Vec<Draft>) {
        let lang = self.lang();
        let now = self.now() as u64;
        let saved = self.change_vault(SaveKind::Structural, |accounts| {
            let mut adder = accounts::Adder::new(accounts, now);
            let (mut added, mut duplicates) = (Vec::new(), 0usize);
            for draft in drafts {
                let rules = AddRules {
                    allow_duplicate: draft.allow_duplicate,
                    hotp_code_shown: draft.hotp_code_shown,
                };
                let new = NewAccount::new(&draft.issuer, &draft.name, draft.otp.clone());
                match adder.add(new, rules) {
                    Ok(account) => added.push(super::views::accounts::title(account)),
                    Err(_) => duplicates += 1,
                }
            }
            Ok((added, duplicates))
        });
        let Some((added, duplicates)) = saved else {
            return;
        };
        let message = match added.as_slice() {
            [one] => tr(lang, "gui-added-one", &[("label", one)]),
            many => tr(lang, "gui-added-many", &[("count", &many.len())]),
        };
        if duplicates > 0 {
            self.toasts.info(format!(
                "{message} {}",
                tr(lang, "gui-skipped-duplicates", &[("count", &duplicates)])
            ));
        } else {
            self.toasts.info(message);
        }
        if let Phase::Open(session) = &mut self.phase {
            session.add = None;
        }
    }

    /// A background job panicked (a bug, perhaps on a hostile file): nothing it was doing took
    /// effect. The window comes back if it hid for a capture, no dialog stays waiting, a
    /// password change that lost the vault reopens it from disk, and the user is told.
    fn job_panicked(&mut self, ctx: &egui::Context) {
        if self.hidden_for_capture {
            ctx.send_viewport_cmd(egui::ViewportCommand::Visible(true));
            self.hidden_for_capture = false;
        }
        match &mut self.phase {
            Phase::Busy => self.phase = self.first_phase(),
            Phase::Open(session) => {
                if let Some(dialog) = &mut session.add {
                    dialog.waiting = false;
                }
                if let Some(dialog) = &mut session.import {
                    dialog.waiting = false;
                }
            }
            _ => {}
        }
        let lang = self.lang();
        self.toasts.error(tr(lang, "gui-job-failed", &[]));
    }

    /// Handles finished jobs; runs in `logic`, which eframe calls even while the window is
    /// hidden for a capture.
    fn poll_jobs(&mut self, ctx: &egui::Context) {
        if let Some(result) = self.clock_worker.finished().pop()
            && !self.settings.clock.servers().is_empty()
        {
            // An hourly re-check that heard nothing (offline for a while) leaves the last
            // measurement standing; anything the servers said replaces it.
            let offline_recheck = matches!(self.clock_status, ClockStatus::Measured(_))
                && result.as_ref().is_err_and(ClockError::heard_nothing);
            if !offline_recheck {
                self.clock_status = match result {
                    Ok(reading) => ClockStatus::Measured(reading),
                    Err(e) => ClockStatus::Failed(e),
                };
            }
        }
        if self.clock_worker.panicked() > 0 {
            self.clock_status = ClockStatus::Off;
        }
        if self.worker.panicked() > 0 {
            self.job_panicked(ctx);
        }
        let lang = self.lang();
        for done in self.worker.finished() {
            match done {
                Done::Created(Ok(vault)) => {
                    let message = if vault.is_encrypted() {
                        tr(lang, "gui-created-encrypted", &[])
                    } else {
                        tr(lang, "gui-created-plain", &[])
                    };
                    self.toasts.info(message);
                    self.phase = Phase::Open(Box::new(Session::new(vault)));
                }
                Done::Created(Err(e)) => {
                    if let Phase::Welcome(form) = &mut self.phase {
                        form.error = Some(e.localize(lang));
                    }
                }
                Done::Unlocked(Ok(opened)) => {
                    self.last_input = self.now();
                    self.phase = self.open_session(opened);
                }
                Done::Unlocked(Err(e)) => {
                    if let Phase::Unlock(form) = &mut self.phase {
                        // Unlocking changes nothing, so "the vault was not changed" is noise.
                        form.error = Some(match e {
                            VaultError::WrongPassword => tr(lang, "gui-unlock-wrong-password", &[]),
                            e => e.localize(lang),
                        });
                        form.focus = true;
                    }
                }
                Done::Screens(result) => {
                    if self.hidden_for_capture {
                        ctx.send_viewport_cmd(egui::ViewportCommand::Visible(true));
                        ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
                        self.hidden_for_capture = false;
                    }
                    if let Phase::Open(session) = &mut self.phase {
                        let dialog = session.add.get_or_insert_with(AddDialog::default);
                        dialog.waiting = false;
                        match result {
                            Ok((captures, scans)) => dialog.take_results(lang, &scans, &captures),
                            Err(e) => dialog.message = Some(super::advised(lang, &e)),
                        }
                    }
                }
                Done::Image(result) => self.finish_image_scan(result),
                Done::Picked(purpose, picked) => self.picked(purpose, picked),
                Done::PastedKey(key) => {
                    if let Phase::Open(session) = &mut self.phase {
                        let dialog = session.add.get_or_insert_with(AddDialog::default);
                        dialog.waiting = false;
                        dialog.message = None;
                        dialog.chosen = None;
                        dialog.candidates.clear();
                        dialog.tab = AddTab::Manual;
                        dialog.manual.key = key;
                        dialog.manual.focus = true;
                    }
                }
                Done::KeyRevealed(id, ok) => {
                    if let Phase::Open(session) = &mut self.phase
                        && let Some(manage) = &mut session.manage
                        && manage.id == id
                    {
                        manage.key_shown = ok;
                        manage.password_error = (!ok).then(|| tr(lang, "gui-wrong-password", &[]));
                    }
                }
                Done::ImportRead(path, result) => {
                    if let Phase::Open(session) = &mut self.phase {
                        let dialog = session.import.get_or_insert_with(ImportDialog::default);
                        dialog.waiting = false;
                        dialog.path = Some(path);
                        match result {
                            Ok(parsed) => {
                                let mut copy = session.vault.accounts().to_vec();
                                let now = self.env.clock.now() as u64;
                                let report = mamori::formats::apply(&parsed, &mut copy, now);
                                dialog.needs_password = false;
                                dialog.password.clear();
                                dialog.preview = Some((parsed, report));
                            }
                            Err(mamori::formats::ImportError::PasswordRequired) => {
                                dialog.needs_password = true;
                            }
                            Err(e) => {
                                dialog.needs_password |= e.is_password_problem();
                                dialog.error = Some(e.localize(lang));
                                if dialog.path_entry.shown && !dialog.needs_password {
                                    dialog.path_entry.open();
                                }
                            }
                        }
                    }
                }
                Done::Exported(result) => match result {
                    Ok(message) => {
                        self.toasts.info(message);
                        if let Phase::Open(session) = &mut self.phase {
                            session.export = None;
                        }
                    }
                    Err(message) => {
                        if let Phase::Open(session) = &mut self.phase
                            && let Some(dialog) = &mut session.export
                        {
                            dialog.error = Some(message);
                        }
                    }
                },
                Done::ExportUnlocked(true, typed) => self.export_typed_or_chosen(ctx, typed),
                Done::ExportUnlocked(false, _) => {
                    if let Phase::Open(session) = &mut self.phase
                        && let Some(dialog) = &mut session.export
                    {
                        dialog.error = Some(tr(lang, "gui-wrong-password", &[]));
                    }
                }
                Done::TransferUnlocked(ok) => {
                    if ok {
                        self.show_transfer_codes();
                    } else if let Phase::Open(session) = &mut self.phase
                        && let Some(dialog) = &mut session.export
                    {
                        dialog.error = Some(tr(lang, "gui-wrong-password", &[]));
                    }
                }
                Done::PasswordChanged(vault, result) => {
                    let mut session = Session::new(*vault);
                    match result {
                        Ok(()) => {
                            let key = if session.vault.is_encrypted() {
                                "gui-password-set"
                            } else {
                                "gui-password-removed"
                            };
                            self.toasts.info(tr(lang, key, &[]));
                        }
                        Err(e) => {
                            let mut dialog =
                                SettingsDialog::new(&self.settings, session.vault.is_encrypted());
                            dialog.password_error = Some(e.localize(lang));
                            session.settings = Some(dialog);
                        }
                    }
                    self.phase = Phase::Open(Box::new(session));
                }
            }
        }
    }

    /// An image file dropped on the window is scanned like one chosen in the dialog.
    fn dropped_files(&mut self, ctx: &egui::Context) {
        if !matches!(self.phase, Phase::Open(_)) {
            return;
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        // One file at a time: the first one dropped. Pictures are scanned for QR codes unless
        // the import dialog is open; anything else is imported (another app's backup).
        if let Some(path) = dropped.into_iter().next() {
            let importing = self.session().is_some_and(|s| s.import.is_some());
            let picture = path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| image_extensions().any(|x| x == e.to_ascii_lowercase()));
            if picture && !importing {
                self.push(Command::ScanFile(path));
            } else {
                if !importing {
                    self.push(Command::OpenImport);
                }
                self.push(Command::ReadImport(path, None));
            }
        }
        let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
        if hovering {
            let text = tr(self.lang(), "gui-drop-here", &[]);
            let painter = ctx.layer_painter(egui::LayerId::new(
                egui::Order::Foreground,
                egui::Id::unique("drop-overlay"),
            ));
            let rect = ctx.content_rect();
            painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(180));
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                text,
                egui::FontId::proportional(22.0),
                egui::Color32::WHITE,
            );
        }
    }

    fn keyboard(&mut self, ctx: &egui::Context) {
        let Phase::Open(session) = &self.phase else {
            return;
        };
        let dialog_open = session.dialog_open();
        let command = egui::Modifiers::COMMAND;
        let (find, new, lock, enter, up, down, escape) = ctx.input_mut(|i| {
            (
                i.consume_key(command, egui::Key::F),
                i.consume_key(command, egui::Key::N),
                i.consume_key(command, egui::Key::L),
                i.key_pressed(egui::Key::Enter),
                i.key_pressed(egui::Key::ArrowUp),
                i.key_pressed(egui::Key::ArrowDown),
                i.key_pressed(egui::Key::Escape),
            )
        });
        // egui-winit turns Ctrl+V (Cmd+V, Shift+Insert) into `Event::Paste` with the clipboard's
        // text, or `Event::PasteImage` when it holds only an image (after PrintScreen); the key
        // press itself never arrives. A text field takes pasted text; anything else is scanned.
        let text_focused = ctx.memory(|m| m.focused().is_some()) && ctx.egui_wants_keyboard_input();
        let pasted: Vec<Command> = ctx.input(|i| {
            i.events
                .iter()
                .filter_map(|event| match event {
                    egui::Event::Paste(text) if !text_focused => {
                        Some(Command::PasteText(Zeroizing::new(text.clone())))
                    }
                    egui::Event::PasteImage(image) => Some(Command::PasteImage(Arc::clone(image))),
                    _ => None,
                })
                .take(1)
                .collect()
        });
        if lock {
            self.push(Command::Lock);
        }
        if new {
            self.push(Command::OpenAdd(AddTab::Scan));
        }
        if find && let Phase::Open(session) = &mut self.phase {
            session.focus_search = true;
        }
        self.commands.extend(pasted);
        if dialog_open {
            return;
        }
        let visible = self.visible_ids();
        if let Phase::Open(session) = &mut self.phase {
            if escape && !text_focused {
                session.search.clear();
            }
            if up || down {
                let current = session
                    .selected
                    .as_ref()
                    .and_then(|id| visible.iter().position(|v| v == id));
                let next = match (current, down) {
                    (None, _) => 0,
                    (Some(i), true) => (i + 1).min(visible.len().saturating_sub(1)),
                    (Some(i), false) => i.saturating_sub(1),
                };
                session.selected = visible.get(next).cloned();
                session.scroll_to_selected = true;
            }
            if enter {
                let target = session
                    .selected
                    .clone()
                    .filter(|id| visible.contains(id))
                    .or_else(|| visible.first().cloned());
                if let Some(id) = target {
                    self.push(Command::CopyCode(id));
                }
            }
        }
    }

    /// After the search changed: the selection stays on a row the list shows (the first one when
    /// the selected row was filtered out) and is scrolled into view, so Enter never copies a
    /// code the user cannot see.
    fn keep_selection_visible(&mut self, ctx: &egui::Context) {
        let changed = self.session().is_some_and(|s| s.search != s.filtered_for);
        if !changed {
            return;
        }
        let visible = self.visible_ids();
        if let Phase::Open(session) = &mut self.phase {
            session.filtered_for = session.search.clone();
            let still_shown = session
                .selected
                .as_ref()
                .is_some_and(|id| visible.contains(id));
            if !still_shown {
                session.selected = if session.search.trim().is_empty() {
                    None
                } else {
                    visible.first().cloned()
                };
            }
            session.scroll_to_selected = session.selected.is_some();
            ctx.request_repaint();
        }
    }

    /// Follows changes other programs make to the vault file (`mamori add` in a terminal, a
    /// second window): once a second the file's time and size are compared, and when they
    /// changed the vault is read again. Dialogs, the search and the selection stay as they are.
    fn follow_vault_file(&mut self) {
        let now = self.now();
        let lang = self.lang();
        let Phase::Open(session) = &mut self.phase else {
            return;
        };
        if now < session.next_file_check {
            return;
        }
        session.next_file_check = now + 1.0;
        let stamp = file_stamp(session.vault.path());
        if stamp == session.file_stamp {
            return;
        }
        session.file_stamp = stamp;
        if let Err(e) = session.vault.refresh() {
            let message = e.localize(lang);
            if !session.banners.contains(&message) {
                session.banners.push(message);
            }
        }
    }

    /// The ids of the rows the list shows now (search applied, in display order).
    pub fn visible_ids(&self) -> Vec<AccountId> {
        self.session()
            .map(|s| {
                views::accounts::ordered(s.vault.accounts(), &s.search, self.settings.sort)
                    .into_iter()
                    .map(|a| a.id.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn idle_lock(&mut self, ctx: &egui::Context) {
        let now = self.now();
        let minutes = self.settings.auto_lock_minutes;
        // The deadline is checked against the input before this frame: a key pressed in the
        // very frame that reaches it does not cancel the lock.
        let idle_too_long = now - self.last_input > f64::from(minutes) * 60.0;
        let active =
            ctx.input(|i| !i.events.is_empty() || i.pointer.is_moving() || i.pointer.any_down());
        if active {
            self.last_input = now;
        }
        // The screen locked (where the desktop says so): lock too, unless automatic locking
        // is set to "never". A signal that arrives while a job holds the vault (a password
        // change) waits for the vault to come back instead of being dropped.
        if self.env.screen_locks.try_iter().count() > 0 {
            self.screen_lock_pending = true;
        }
        let lockable = matches!(&self.phase, Phase::Open(s) if s.vault.is_encrypted());
        let screen_locked = self.screen_lock_pending && !matches!(self.phase, Phase::Busy);
        if screen_locked {
            self.screen_lock_pending = false;
        }
        let reason = if screen_locked {
            "gui-screen-locked"
        } else {
            "gui-auto-locked"
        };
        if minutes > 0 && lockable && (screen_locked || idle_too_long) {
            self.lock();
            self.toasts.info(tr(self.lang(), reason, &[]));
        }
    }

    /// When the window moves to another screen (unlocked, locked, created), egui's state of
    /// every text field is dropped: its undo history holds copies of what was typed, the
    /// password included.
    fn forget_text_fields_on_screen_change(&mut self, ctx: &egui::Context) {
        let now_shown = std::mem::discriminant(&self.phase);
        if now_shown != self.shown_phase {
            self.shown_phase = now_shown;
            ctx.data_mut(|d| d.remove_by_type::<egui::text_edit::TextEditState>());
        }
    }

    /// Keeps the window out of screenshots and screen sharing while the setting says so and
    /// the system can ([`super::capture_protection`]).
    fn apply_capture_protection(&mut self, ctx: &egui::Context) {
        let wanted = super::capture_protection::wanted(self.settings.capture_protection);
        if self.applied_protection != Some(wanted) {
            ctx.send_viewport_cmd(egui::ViewportCommand::ContentProtected(wanted));
            self.applied_protection = Some(wanted);
        }
    }

    fn apply_theme(&mut self, ctx: &egui::Context) {
        if self.applied_theme != Some(self.settings.theme) {
            ctx.set_theme(match self.settings.theme {
                super::settings::Theme::System => egui::ThemePreference::System,
                super::settings::Theme::Light => egui::ThemePreference::Light,
                super::settings::Theme::Dark => egui::ThemePreference::Dark,
            });
            self.applied_theme = Some(self.settings.theme);
        }
    }

    /// When the next repaint is needed without input: the next second boundary while codes
    /// are on screen, the clipboard deadline, the auto-lock deadline, a toast's end.
    fn schedule_repaint(&self, ctx: &egui::Context) {
        let now = self.now();
        let mut wait: f64 = 60.0;
        if matches!(self.phase, Phase::Open(_)) {
            wait = wait.min(1.0 - now.fract() + 0.01);
        }
        if let Some(Copied {
            clear_at: Some(at), ..
        }) = &self.copied
        {
            wait = wait.min((at - now).max(0.0));
        }
        if let Some(end) = self.toasts.next_change(now) {
            wait = wait.min((end - now).max(0.0));
        }
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait.max(0.01)));
    }
}

impl eframe::App for MamoriApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll_jobs(ctx);
        self.recheck_clock(ctx);
        let now = self.now();
        let due = self
            .copied
            .as_ref()
            .and_then(|c| c.clear_at)
            .is_some_and(|at| now >= at);
        if due {
            self.clear_clipboard(true);
        }
        self.idle_lock(ctx);
        self.forget_text_fields_on_screen_change(ctx);
        self.follow_vault_file();
        self.apply_theme(ctx);
        self.apply_capture_protection(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.keyboard(&ctx);
        self.dropped_files(&ctx);
        let lang = self.lang();
        let now = self.now();
        let busy = self.worker.busy();
        let mut commands = Vec::new();
        let view = views::View {
            lang,
            now: self.code_time(),
            busy,
            settings: &self.settings,
            clock: &self.clock_status,
            clock_correction: self.clock_correction(),
        };
        match &mut self.phase {
            Phase::Welcome(form) => views::welcome::ui(ui, &view, form, &mut commands),
            Phase::Unlock(form) => views::unlock::ui(ui, &view, form, &mut commands),
            Phase::Open(session) => views::main_ui(ui, &view, session, &mut commands),
            Phase::Broken(message) => views::broken_ui(ui, &view, message, &self.env.vault_path),
            Phase::Busy => views::busy_ui(ui, &view),
        }
        match self.toasts.ui(ui, lang, now) {
            Some(ToastAction::Undo) => commands.push(Command::UndoDelete),
            Some(ToastAction::CopyNext(id)) => commands.push(Command::CopyNextCode(id)),
            None => {}
        }
        self.commands.extend(commands);
        self.keep_selection_visible(&ctx);
        self.apply_all(&ctx);
        self.schedule_repaint(&ctx);
    }

    /// Only the window's size and position are kept on disk (`window.ron`, mode 0600), never
    /// egui's memory: it holds text-field state (cursor positions, undo history) that can
    /// reveal a password's length or copies of it.
    fn persist_egui_memory(&self) -> bool {
        false
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.clear_clipboard(true);
    }
}

/// Writes `accounts` as `format` to `target` (a file, or a folder for QR codes) through the
/// library's one export dispatch, protected by `password` when the format is written under one.
/// Returns what to tell the user.
fn export_to(
    lang: Lang,
    format: ExportFormat,
    accounts: &[Account],
    password: &str,
    target: &std::path::Path,
) -> Result<String, String> {
    let written = export::write(
        format,
        accounts,
        Some(password),
        export::Destination::Path(target),
    )
    .map_err(|e| e.localize(lang))?;
    let key = if format.plain_secrets() {
        "gui-export-written-plain"
    } else {
        "gui-export-written"
    };
    let mut message = tr(
        lang,
        key,
        &[("count", &written.accounts), ("path", &target.display())],
    );
    for (label, why) in written.skipped {
        message.push('\n');
        message.push_str(&format!("{label}: {}", why.localize(lang)));
    }
    Ok(message)
}
