//! The window's comings and goings: shown, hidden (`--hidden`, or the quick pick closed over a
//! hidden window), brought forward by a second start, and the quick pick, which borrows the
//! main window (smaller, on top, centred, titled "Mamori Quick Pick") and gives it back.

use std::sync::mpsc::Receiver;

use egui::ViewportCommand;

use mamori::account::{AccountId, OtpKind};
use mamori::i18n::tr;

use super::{Command, MamoriApp, Phase};
use crate::gui::hidden_start::HiddenStart;
use crate::gui::hotkey::Hotkey;
use crate::gui::instance::Request;
use crate::gui::state::quick_pick::{self, Before, QuickPick};

/// The main window's size when nothing better is known (matches `gui::run`).
const MAIN_SIZE: egui::Vec2 = egui::vec2(560.0, 640.0);

/// How the window starts and what it listens to, handed over by `gui::run`.
pub struct Attachments {
    /// Requests from later starts and from the global hotkey.
    pub requests: Receiver<Request>,
    /// The global hotkey, where the system has them.
    pub hotkey: Option<Hotkey>,
    /// Started with `--hidden` (or `--quick-pick` with none running).
    pub hidden: bool,
    /// X11 kept the window unmapped (see [`crate::gui::hidden_start`]).
    pub hidden_start: Option<HiddenStart>,
    /// Show the quick pick first.
    pub quick_pick: bool,
    /// The tray icon, where there is a tray.
    pub tray: Option<crate::gui::tray::Tray>,
}

impl MamoriApp {
    /// Connects the window to its requests and hotkey and applies how it starts.
    pub fn attach(&mut self, ctx: &egui::Context, attachments: Attachments) {
        self.requests = Some(attachments.requests);
        self.tray = attachments.tray;
        self.hidden_start = attachments.hidden_start;
        self.window_shown = !attachments.hidden;
        // No X11 hint: the first frame maps the window, and hides it again at once.
        self.hide_after_first_frame = attachments.hidden && self.hidden_start.is_none();
        if let Some(mut hotkey) = attachments.hotkey {
            if let Err(problem) = hotkey.set(&self.settings.quick_pick_hotkey) {
                self.toasts.info(problem.message(self.lang()));
            }
            self.hotkey = Some(hotkey);
        }
        if attachments.quick_pick {
            self.open_quick_pick(ctx);
        }
    }

    /// The window is on the screen (as itself or as the quick pick).
    pub fn window_shown(&self) -> bool {
        self.window_shown || self.quick_pick.is_some()
    }

    /// The quick pick, while it is shown.
    #[cfg(test)]
    pub fn quick_pick(&self) -> Option<&QuickPick> {
        self.quick_pick.as_ref()
    }

    /// Handles what later starts and the hotkey asked for since the last frame.
    pub(super) fn take_requests(&mut self, ctx: &egui::Context) {
        let requests: Vec<Request> = self
            .requests
            .as_ref()
            .map(|r| r.try_iter().collect())
            .unwrap_or_default();
        for request in requests {
            match request {
                Request::Show => self.show_main(ctx),
                Request::QuickPick => self.open_quick_pick(ctx),
                Request::ToggleWindow if self.window_shown() => self.hide_main(ctx),
                Request::ToggleWindow => self.show_main(ctx),
                Request::Lock => {
                    self.lock();
                    ctx.request_repaint();
                }
                Request::Quit => {
                    self.quitting = true;
                    ctx.send_viewport_cmd(ViewportCommand::Close);
                }
            }
        }
    }

    /// Hides the window (to the tray); the quick pick goes back first.
    pub(super) fn hide_main(&mut self, ctx: &egui::Context) {
        self.close_quick_pick(ctx);
        ctx.send_viewport_cmd(ViewportCommand::Visible(false));
        self.window_shown = false;
        self.tray_notice = false;
    }

    /// The window's close button: with a tray icon (and the setting on) the window goes to
    /// the tray instead of quitting; the first time, a notice says where it went.
    pub(super) fn close_to_tray(&mut self, ctx: &egui::Context) {
        let close = ctx.input(|i| i.viewport().close_requested());
        if !close || self.quitting || self.tray.is_none() || !self.settings.close_to_tray {
            return;
        }
        ctx.send_viewport_cmd(ViewportCommand::CancelClose);
        if self.quick_pick.is_some() {
            self.close_quick_pick(ctx);
        } else if !self.settings.tray_notice_shown && self.window_shown {
            self.tray_notice = true;
        } else {
            self.hide_main(ctx);
        }
    }

    /// The first close to the tray: where the window went and how to get it back.
    pub(super) fn tray_notice_ui(&mut self, ui: &mut egui::Ui) {
        if !self.tray_notice {
            return;
        }
        let lang = self.lang();
        let keys = self.settings.quick_pick_hotkey.clone();
        let mut ok = false;
        egui::Modal::new(egui::Id::unique("tray-notice")).show(ui.ctx(), |ui| {
            ui.set_max_width(360.0);
            ui.heading(tr(lang, "gui-tray-notice-title", &[]));
            crate::gui::kinsoku::label(ui, tr(lang, "gui-tray-notice", &[("keys", &keys)]));
            ok = ui.button(tr(lang, "gui-tray-notice-ok", &[])).clicked()
                || ui.input(|i| i.key_pressed(egui::Key::Enter));
        });
        if ok {
            self.settings.tray_notice_shown = true;
            self.save_settings();
            let ctx = ui.ctx().clone();
            self.hide_main(&ctx);
        }
    }

    /// Lets the next frame paint and map the window.
    fn reveal(&mut self) {
        if let Some(hidden) = self.hidden_start.take() {
            hidden.reveal();
        }
        self.hide_after_first_frame = false;
    }

    /// Brings the main window forward (giving it back from the quick pick first).
    pub fn show_main(&mut self, ctx: &egui::Context) {
        if let Some(pick) = self.quick_pick.take() {
            self.restore_main(ctx, pick.before);
        }
        self.reveal();
        self.window_shown = true;
        ctx.send_viewport_cmd(ViewportCommand::Visible(true));
        ctx.send_viewport_cmd(ViewportCommand::Minimized(false));
        ctx.send_viewport_cmd(ViewportCommand::Focus);
        ctx.request_repaint();
    }

    /// Shows the quick pick: the window shrinks, goes on top, centred on its monitor, with the
    /// search field (or, over a locked vault, the password field) focused. Without a vault to
    /// pick from (welcome, unreadable) the main window comes forward instead.
    pub fn open_quick_pick(&mut self, ctx: &egui::Context) {
        if matches!(self.phase, Phase::Welcome(_) | Phase::Broken(_)) {
            self.show_main(ctx);
            return;
        }
        if let Phase::Unlock(form) = &mut self.phase {
            form.focus = true;
        }
        if let Some(pick) = &mut self.quick_pick {
            pick.focus = true;
        } else {
            let (outer, inner, monitor) = ctx.input(|i| {
                let v = i.viewport();
                (v.outer_rect, v.inner_rect, v.monitor_size)
            });
            let before = Before {
                shown: self.window_shown,
                outer: outer.filter(|_| self.window_shown),
                inner_size: inner.map(|r| r.size()),
            };
            self.quick_pick = Some(QuickPick::new(before));
            let title = tr(self.lang(), "gui-quick-pick-title", &[]);
            ctx.send_viewport_cmd(ViewportCommand::Title(title));
            ctx.send_viewport_cmd(ViewportCommand::WindowLevel(egui::WindowLevel::AlwaysOnTop));
            ctx.send_viewport_cmd(ViewportCommand::InnerSize(quick_pick::SIZE));
            if let Some(monitor) = monitor {
                let at = ((monitor - quick_pick::SIZE) / 2.0).max(egui::Vec2::ZERO);
                ctx.send_viewport_cmd(ViewportCommand::OuterPosition(at.to_pos2()));
            }
        }
        self.reveal();
        ctx.send_viewport_cmd(ViewportCommand::Visible(true));
        ctx.send_viewport_cmd(ViewportCommand::Minimized(false));
        ctx.send_viewport_cmd(ViewportCommand::Focus);
        ctx.request_repaint();
    }

    /// Closes the quick pick: the window goes back to how it was (hidden again, or the main
    /// window where it stood).
    pub(super) fn close_quick_pick(&mut self, ctx: &egui::Context) {
        if let Some(pick) = self.quick_pick.take() {
            self.restore_main(ctx, pick.before);
        }
    }

    fn restore_main(&mut self, ctx: &egui::Context, before: Before) {
        if !before.shown {
            ctx.send_viewport_cmd(ViewportCommand::Visible(false));
            self.window_shown = false;
        }
        ctx.send_viewport_cmd(ViewportCommand::Title("Mamori".into()));
        ctx.send_viewport_cmd(ViewportCommand::WindowLevel(egui::WindowLevel::Normal));
        ctx.send_viewport_cmd(ViewportCommand::InnerSize(
            before.inner_size.unwrap_or(MAIN_SIZE),
        ));
        if let Some(outer) = before.outer {
            ctx.send_viewport_cmd(ViewportCommand::OuterPosition(outer.min));
        }
        // Egui's memory of the quick pick's field (what was typed) goes with it.
        ctx.data_mut(|d| d.remove_by_type::<egui::text_edit::TextEditState>());
        ctx.request_repaint();
    }

    /// Enter (or a click) in the quick pick: copies that account's code the way the main list
    /// does (concealed, cleared after the set delay) and closes the quick pick.
    pub(super) fn quick_pick_choose(&mut self, ctx: &egui::Context, id: AccountId) {
        let hotp = self.session().is_some_and(|s| {
            s.vault
                .accounts()
                .iter()
                .any(|a| a.id == id && matches!(a.otp.kind, OtpKind::Hotp { .. }))
        });
        self.apply(
            ctx,
            if hotp {
                Command::NextHotpCode(id)
            } else {
                Command::CopyCode(id)
            },
        );
        self.close_quick_pick(ctx);
    }

    /// After Settings changed the shortcut: registers the new one, or says why not.
    pub(super) fn apply_hotkey(&mut self) {
        let lang = self.lang();
        let wanted = self.settings.quick_pick_hotkey.clone();
        // Half-typed (`Ctrl+Alt+`): Settings says so under the field; nothing to register yet.
        if !wanted.trim().is_empty() && crate::gui::hotkey::parse(&wanted).is_err() {
            return;
        }
        if let Some(hotkey) = &mut self.hotkey
            && hotkey.current() != Some(wanted.trim())
            && let Err(problem) = hotkey.set(&wanted)
        {
            self.toasts.info(problem.message(lang));
        }
    }
}

impl MamoriApp {
    /// Draws the quick pick over the vault as it is: the list when open, the password first
    /// when locked, a spinner while a job holds the vault.
    pub(super) fn quick_pick_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang();
        let busy = self.worker.busy();
        let mut commands = Vec::new();
        let view = view!(self, lang, busy);
        let Some(pick) = &mut self.quick_pick else {
            return;
        };
        match &mut self.phase {
            Phase::Open(session) => {
                crate::gui::views::quick_pick::ui(ui, &view, session, pick, &mut commands);
            }
            Phase::Unlock(form) => {
                crate::gui::views::quick_pick::locked_ui(ui, &view, form, &mut commands);
            }
            Phase::Busy | Phase::Welcome(_) | Phase::Broken(_) => {
                crate::gui::views::busy_ui(ui, &view);
            }
        }
        self.commands.extend(commands);
    }
}
