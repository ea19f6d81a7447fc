//! The window's frame loop and the one place where things happen.
//!
//! Views draw from the state ([`super::state`]) and push [`Command`]s; [`MamoriApp::apply`]
//! routes each, after the frame, to the actions of its area (one file each below). Work that
//! takes time — the KDF, screen capture, QR decoding, reading and writing files — runs on the
//! [`Worker`] and comes back as a [`Done`] (`jobs`). This file keeps what every frame does:
//! keyboard, dropped files, locking, following the vault file, theme and repaint.

/// The [`views::View`] of `app` for this frame: the one place it is built (the window and the
/// quick pick). A macro, not a method, so that it borrows only the fields it reads and the
/// caller can still borrow `phase` or `quick_pick` mutably beside it.
macro_rules! view {
    ($app:expr, $lang:expr, $busy:expr) => {
        $crate::gui::views::View {
            lang: $lang,
            now: $app.code_time(),
            busy: $busy,
            settings: &$app.settings,
            policy: &$app.env.policy,
            clock: &$app.clock_status,
            clock_correction: $app.clock_correction(),
            settings_unreadable: $app
                .settings_unreadable
                .as_ref()
                .zip($app.env.settings_path.as_deref()),
        }
    };
}

mod account_actions;
mod add_actions;
mod jobs;
mod organise_actions;
mod settings_actions;
mod transfer_actions;
mod vault_actions;
mod window_actions;

pub use window_actions::Attachments;

use std::path::PathBuf;
use std::sync::Arc;

use zeroize::Zeroizing;

use mamori::account::{Account, AccountId, OtpKind, Trashed};
use mamori::accounts::{self, AddRules, ChangeError, NewAccount};
use mamori::clock_check::{ClockError, ClockReading, Correction, Recheck, RecheckSchedule};
use mamori::formats::export::{self, ExportFormat};
use mamori::i18n::{Lang, Localize, tr};
use mamori::scan::{self, ImageScan};
use mamori::vault::opening::{self, Opened};
use mamori::vault::{LockedVault, SaveKind, Vault, VaultError};

pub use super::command::{Command, Done, PickFor};
use super::env::Env;
use super::file_dialogs::{Picked, Request};
use super::settings::Settings;
use super::state::add::{AddDialog, AddTab, Draft};
use super::state::file_stamp;
use super::state::manage::ManageDialog;
use super::state::settings::SettingsDialog;
use super::state::transfer::{ExportDialog, ImportDialog, TransferPager};
pub use super::state::{ClockStatus, Phase, Session};
use super::toasts::{ToastAction, Toasts};
use super::worker::Worker;
use super::{style, views};

/// The endings of the image files Mamori reads (the import registry's QR image entry).
fn image_extensions() -> impl Iterator<Item = &'static str> {
    mamori::formats::info(mamori::formats::Format::QrImage).extensions()
}

/// Checks `password` against the vault file at `path` again (before showing keys, changing the
/// password, or showing transfer codes), without touching the open vault.
fn password_opens(path: &std::path::Path, password: &str) -> Result<(), VaultError> {
    LockedVault::read(path)?.unlock(Some(password)).map(|_| ())
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
    /// Requests from later starts and the global hotkey ([`super::instance`]).
    requests: Option<std::sync::mpsc::Receiver<super::instance::Request>>,
    /// The global quick-pick shortcut, where the system has them.
    hotkey: Option<super::hotkey::Hotkey>,
    /// The main window is on the screen (false while hidden).
    window_shown: bool,
    /// X11 keeps the window of a hidden start unmapped until it is first shown.
    hidden_start: Option<super::hidden_start::HiddenStart>,
    /// A hidden start elsewhere: hide the window its first frame maps.
    hide_after_first_frame: bool,
    /// The quick pick, while shown.
    quick_pick: Option<super::state::quick_pick::QuickPick>,
    /// The tray icon, where there is a tray.
    tray: Option<super::tray::Tray>,
    /// The first close to the tray: the notice is up.
    tray_notice: bool,
    /// Quit was chosen in the tray: the close goes through.
    quitting: bool,
    /// Why `settings.json` could not be read at start (the defaults are in use), until
    /// settings are saved (which keeps that file aside).
    settings_unreadable: Option<mamori::settings::Unreadable>,
}

impl MamoriApp {
    /// A window over `env`, with the saved settings, on the first screen the vault calls for.
    pub fn new(ctx: &egui::Context, env: Env) -> MamoriApp {
        let loaded = env
            .settings_path
            .as_deref()
            .map(Settings::load_reporting)
            .unwrap_or_default();
        let mut settings = loaded.settings;
        env.policy.apply(&mut settings);
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
            requests: None,
            hotkey: None,
            window_shown: true,
            hidden_start: None,
            hide_after_first_frame: false,
            quick_pick: None,
            tray: None,
            tray_notice: false,
            quitting: false,
            settings_unreadable: loaded.unreadable,
        };
        if let (Some(why), Some(path)) = (&app.settings_unreadable, &app.env.settings_path) {
            let lang = app.lang();
            let text = mamori::settings::UnreadableFile { path, why }.localize(lang);
            app.toasts.error(text);
        }
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

    /// The time now, from the injected clock.
    pub fn now(&self) -> f64 {
        self.env.clock.now()
    }

    /// The time codes are generated for: now, plus the measured clock offset when the user
    /// turned that on (Settings; a banner says so whenever it is applied).
    pub fn code_time(&self) -> f64 {
        self.now() + self.clock_correction().seconds()
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

    /// Applies the commands views pushed this frame.
    fn apply_all(&mut self, ctx: &egui::Context) {
        for command in std::mem::take(&mut self.commands) {
            self.apply(ctx, command);
        }
    }

    /// Routes a command to the actions of its area, one file each (`vault_actions`,
    /// `account_actions`, `add_actions`, `transfer_actions`, `settings_actions`).
    fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            command @ (Command::CreateVault(..)
            | Command::Unlock(..)
            | Command::Lock
            | Command::ChangePassword { .. }) => self.apply_vault(ctx, command),
            command @ (Command::CopyCode(..)
            | Command::CopyNextCode(..)
            | Command::CopyText(..)
            | Command::NextHotpCode(..)
            | Command::Manage(..)
            | Command::EditLabels { .. }
            | Command::Delete(..)
            | Command::UndoDelete
            | Command::Move { .. }
            | Command::RevealKey(..)
            | Command::AddBackupCodes(..)
            | Command::SetBackupCodeUsed { .. }) => self.apply_account(ctx, command),
            command @ (Command::SetPinned(..)
            | Command::AddTag(..)
            | Command::RemoveTag(..)
            | Command::ChooseIcon
            | Command::SetIconFile(..)
            | Command::ClearIcon(..)
            | Command::OpenTrash
            | Command::RestoreFromTrash(..)
            | Command::EmptyTrash) => self.apply_organise(ctx, command),
            command @ (Command::OpenAdd(..)
            | Command::ScanScreens
            | Command::Paste
            | Command::PasteText(..)
            | Command::PasteImage(..)
            | Command::ChooseImage
            | Command::ScanFile(..)
            | Command::ScanRegion(..)
            | Command::AddAccounts(..)
            | Command::CloseRegion) => self.apply_add(ctx, command),
            command @ (Command::OpenImport
            | Command::ChooseImport
            | Command::ReadImport(..)
            | Command::CommitImport
            | Command::OpenExport
            | Command::ExportTarget(..)
            | Command::ExportTo(..)
            | Command::ShowTransferCodes(..)) => self.apply_transfer(ctx, command),
            command @ (Command::OpenSettings
            | Command::OpenActivity
            | Command::ChooseBackupFolder
            | Command::ApplySettings(..)
            | Command::SetStartAtLogin(..)
            | Command::CheckClock
            | Command::ConfirmClockOffset(..)) => self.apply_settings(ctx, command),
            Command::QuickPickChoose(id) => self.quick_pick_choose(ctx, id),
            Command::QuickPickClose => self.close_quick_pick(ctx),
            Command::CloseDialogs => {
                if let Phase::Open(session) = &mut self.phase {
                    session.close_dialogs();
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
                views::accounts::ordered(
                    s.vault.accounts(),
                    &s.search,
                    s.tag_filter.as_deref(),
                    self.settings.sort,
                )
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
        let on_screen_lock = self.env.policy.locks_on_screen_lock(minutes);
        if lockable && ((screen_locked && on_screen_lock) || (minutes > 0 && idle_too_long)) {
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
        // Hidden, nothing is painted: no countdown to follow, only deadlines (clipboard,
        // auto-lock) wake the window.
        if matches!(self.phase, Phase::Open(_)) && self.window_shown() {
            wait = wait.min(1.0 - now.fract() + 0.01);
        }
        if matches!(&self.phase, Phase::Open(s) if s.vault.is_encrypted())
            && self.settings.auto_lock_minutes > 0
        {
            let lock_at = self.last_input + f64::from(self.settings.auto_lock_minutes) * 60.0;
            wait = wait.min((lock_at - now).max(0.0) + 0.05);
        }
        if let Some(Copied {
            clear_at: Some(at), ..
        }) = &self.copied
        {
            wait = wait.min((at - now).max(0.0));
        }
        if self.window_shown()
            && let Some(end) = self.toasts.next_change(now)
        {
            wait = wait.min((end - now).max(0.0));
        }
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait.max(0.01)));
    }
}

impl eframe::App for MamoriApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.take_requests(ctx);
        self.close_to_tray(ctx);
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
        if std::mem::take(&mut self.hide_after_first_frame) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Visible(false));
        }
        if !self.window_shown() {
            // Hidden: nothing to draw; only the deadlines are kept.
            self.schedule_repaint(&ctx);
            return;
        }
        if self.quick_pick.is_some() {
            self.quick_pick_ui(ui);
            self.apply_all(&ctx);
            self.schedule_repaint(&ctx);
            return;
        }
        self.tray_notice_ui(ui);
        self.keyboard(&ctx);
        self.dropped_files(&ctx);
        let lang = self.lang();
        let now = self.now();
        let busy = self.worker.busy();
        let mut commands = Vec::new();
        let view = view!(self, lang, busy);
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
) -> Result<(String, mamori::vault::activity::What), String> {
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
    let exported = mamori::vault::activity::What::Exported {
        format: format.info().id.to_string(),
        count: written.accounts,
        plain: format.plain_secrets(),
    };
    Ok((message, exported))
}
