//! What the window draws. Each view reads the state and pushes [`Command`]s; none of them
//! changes the vault itself.

pub mod accounts;
pub mod activity;
pub mod add;
pub mod dialog;
pub mod manage;
pub mod password;
pub mod quick_pick;
pub mod region;
pub mod settings;
pub mod transfer;
pub mod trash;
pub mod unlock;
pub mod welcome;

use std::path::Path;

use egui::RichText;

use mamori::i18n::{Lang, Localize, tr};

use super::command::Command;
use super::settings::Settings;
use super::state::{ClockStatus, Session};
use crate::gui::state::forms::PathEntry;

/// What every view needs to know about this frame.
pub struct View<'a> {
    /// The language.
    pub lang: Lang,
    /// Unix time codes are generated for: now (injected), plus the measured clock offset when
    /// the user turned that on.
    pub now: f64,
    /// A background job runs.
    pub busy: bool,
    /// The preferences.
    pub settings: &'a Settings,
    /// The administrator's policy: what the settings dialog shows as fixed.
    pub policy: &'a mamori::policy::Policy,
    /// What the last clock check found.
    pub clock: &'a ClockStatus,
    /// What codes are generated with: the measured offset, nothing, or an offset over 10
    /// minutes waiting for the user's confirmation.
    pub clock_correction: mamori::clock_check::Correction,
    /// Why `settings.json` (at this path) could not be read, until new settings are saved.
    pub settings_unreadable: Option<(&'a mamori::settings::Unreadable, &'a std::path::Path)>,
}

impl View<'_> {
    /// The message `key` in the window's language.
    pub fn t(&self, key: &str) -> String {
        tr(self.lang, key, &[])
    }

    /// The message `key` with arguments.
    pub fn tf(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        tr(self.lang, key, args)
    }
}

/// The clock warning ("codes may be rejected: your clock is 43 s slow") while the measured
/// offset is over [`mamori::clock_check::WARN_OFFSET_SECONDS`], and, whenever codes are
/// generated with the offset applied (or the setting waits for an offset over 10 minutes to be
/// confirmed), a line that says so. None can be dismissed: each stays true until the clock or
/// the setting changes.
pub fn clock_banner_ui(ui: &mut egui::Ui, view: &View) {
    use mamori::clock_check::{Correction, MAX_UNASKED_OFFSET_SECONDS};
    let ClockStatus::Measured(reading) = view.clock else {
        return;
    };
    let drift = mamori::clock_check::describe(reading.offset_seconds).localize(view.lang);
    let correcting = view.clock_correction != Correction::None;
    if !reading.needs_attention() && !correcting {
        return;
    }
    egui::Frame::group(ui.style())
        .fill(ui.visuals().extreme_bg_color)
        .stroke(egui::Stroke::new(1.5, ui.visuals().warn_fg_color))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            if reading.needs_attention() {
                crate::gui::kinsoku::label(
                    ui,
                    RichText::new(view.tf(
                        "gui-clock-off",
                        &[("drift", &drift), ("server", &reading.server)],
                    ))
                    .color(ui.visuals().warn_fg_color)
                    .strong(),
                );
            }
            let minutes = MAX_UNASKED_OFFSET_SECONDS / 60.0;
            let line = match view.clock_correction {
                Correction::None => return,
                Correction::Applied(_) => view.tf("gui-clock-corrected", &[("drift", &drift)]),
                Correction::NeedsConfirmation(_) => view.tf(
                    "gui-clock-needs-confirmation",
                    &[("drift", &drift), ("minutes", &minutes)],
                ),
            };
            crate::gui::kinsoku::label(ui, line);
        });
}

/// Draws the path field with what to do instead (`explain_key`: type the path or drop the file;
/// `command`: the same from a terminal). Returns the path when the user pressed Enter or Open.
pub fn path_entry_ui(
    ui: &mut egui::Ui,
    view: &View,
    entry: &mut PathEntry,
    explain_key: &str,
    command: Option<&str>,
) -> Option<std::path::PathBuf> {
    if !entry.shown {
        return None;
    }
    let mut chosen = None;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        crate::gui::kinsoku::label(ui, view.t("gui-no-file-dialog"));
        crate::gui::kinsoku::label(ui, view.t(explain_key));
        ui.horizontal(|ui| {
            let open = view.t("gui-path-open");
            let button_width = ui
                .painter()
                .layout_no_wrap(
                    open.clone(),
                    egui::TextStyle::Button.resolve(ui.style()),
                    egui::Color32::PLACEHOLDER,
                )
                .size()
                .x
                + 3.0 * ui.spacing().button_padding.x;
            let field = ui.add(
                egui::TextEdit::singleline(&mut entry.text)
                    .hint_text(view.t("gui-path-hint"))
                    .desired_width((ui.available_width() - button_width).max(80.0)),
            );
            if std::mem::take(&mut entry.focus) {
                field.request_focus();
            }
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let typed = crate::gui::file_dialogs::typed_path(&entry.text);
            if (ui
                .add_enabled(typed.is_some(), egui::Button::new(open))
                .clicked()
                || entered)
                && typed.is_some()
            {
                chosen = typed;
            }
        });
        if let Some(command) = command {
            crate::gui::kinsoku::label(
                ui,
                RichText::new(view.tf("gui-path-command", &[("command", &command)])).small(),
            );
        }
    });
    chosen
}

/// A centred column for the welcome and unlock screens.
pub fn centered_column(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui)) {
    egui::CentralPanel::default().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space((ui.available_height() * 0.12).min(80.0));
            // Never wider than the window (at its 380-point minimum the column was laid out
            // 420 wide and centred, cutting both edges off).
            ui.set_max_width(ui.available_width().min(420.0));
            add(ui);
        });
    });
}

/// The open vault: toolbar, banners, account list, and any dialog.
pub fn main_ui(ui: &mut egui::Ui, view: &View, session: &mut Session, out: &mut Vec<Command>) {
    toolbar(ui, view, session, out);
    egui::CentralPanel::default().show(ui, |ui| {
        clock_banner_ui(ui, view);
        activity::reminder_banner_ui(ui, view, session, out);
        session.banners.retain(|banner| {
            let mut keep = true;
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    crate::gui::kinsoku::label(ui, RichText::new(banner).strong());
                    if ui.small_button(view.t("gui-dismiss")).clicked() {
                        keep = false;
                    }
                });
            });
            keep
        });
        accounts::tag_chips_ui(ui, view, session);
        accounts::list_ui(ui, view, session, out);
    });
    if let Some(dialog) = &mut session.add {
        if let Some(region) = &mut dialog.region {
            region::ui(ui.ctx(), view, region, out);
        } else {
            add::ui(ui.ctx(), view, dialog, session.vault.accounts(), out);
        }
    }
    if let Some(dialog) = &mut session.manage {
        let encrypted = session.vault.is_encrypted();
        let accounts = session.vault.accounts();
        match accounts.iter().position(|a| a.id == dialog.id) {
            Some(index) => manage::ui(
                ui.ctx(),
                view,
                dialog,
                &accounts[index],
                index,
                accounts.len(),
                encrypted,
                accounts::icon_texture(ui.ctx(), &mut session.icons, &accounts[index]).as_ref(),
                out,
            ),
            None => out.push(Command::CloseDialogs),
        }
    }
    if let Some(dialog) = &mut session.settings {
        settings::ui(ui.ctx(), view, dialog, out);
    }
    if let Some(dialog) = &mut session.import {
        transfer::import_ui(ui.ctx(), view, dialog, out);
    }
    let shown = session.shown();
    if let Some(dialog) = &mut session.export {
        let (accounts, encrypted) = (session.vault.accounts(), session.vault.is_encrypted());
        transfer::export_ui(ui.ctx(), view, dialog, accounts, &shown, encrypted, out);
    }
    if let Some(pager) = &mut session.pager {
        transfer::pager_ui(ui.ctx(), view, pager, out);
    }
    if let Some(trash_view) = &mut session.trash {
        trash::ui(ui.ctx(), view, trash_view, session.vault.trash(), out);
    }
    if session.activity {
        activity::ui(ui.ctx(), view, session, out);
    }
}

/// The toolbar: Add and the search field on the left, Lock and Menu on the right. The buttons
/// are placed first, so they stay on the window at its smallest size in either language; the
/// search field takes what is left.
fn toolbar(ui: &mut egui::Ui, view: &View, session: &mut Session, out: &mut Vec<Command>) {
    egui::Panel::top("toolbar").show(ui, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            if ui
                .button(RichText::new(view.t("gui-add")).strong())
                .on_hover_text(view.t("gui-add-hint"))
                .clicked()
            {
                out.push(Command::OpenAdd(crate::gui::state::add::AddTab::Scan));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.menu_button(view.t("gui-menu"), |ui| {
                    if ui.button(view.t("gui-import")).clicked() {
                        out.push(Command::OpenImport);
                    }
                    if ui.button(view.t("gui-export")).clicked() {
                        out.push(Command::OpenExport);
                    }
                    let binned = session.vault.trash().len();
                    if ui
                        .button(view.tf("gui-trash", &[("count", &binned)]))
                        .clicked()
                    {
                        out.push(Command::OpenTrash);
                    }
                    if ui.button(view.t("gui-settings")).clicked() {
                        out.push(Command::OpenSettings);
                    }
                    if ui.button(view.t("gui-activity")).clicked() {
                        out.push(Command::OpenActivity);
                    }
                });
                if session.vault.is_encrypted()
                    && ui
                        .button(view.t("gui-lock"))
                        .on_hover_text(view.t("gui-lock-hint"))
                        .clicked()
                {
                    out.push(Command::Lock);
                }
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    search_ui(ui, view, session);
                });
            });
        });
        ui.add_space(4.0);
    });
}

/// The search field (Ctrl+F focuses it with the old query selected; Esc clears it).
fn search_ui(ui: &mut egui::Ui, view: &View, session: &mut Session) {
    let label = crate::gui::kinsoku::label(ui, view.t("gui-search"));
    let search = egui::TextEdit::singleline(&mut session.search)
        .hint_text(view.t("gui-search-hint"))
        .desired_width(ui.available_width().max(40.0));
    let output = search.id_salt("search").show(ui);
    let response = output
        .response
        .response
        .clone()
        .labelled_by(label.id)
        .on_hover_text(view.t("gui-search-tooltip"));
    if std::mem::take(&mut session.focus_search) {
        response.request_focus();
        let mut state = output.state;
        state
            .cursor
            .set_char_range(Some(egui::text::CCursorRange::select_all_str(
                &session.search,
            )));
        state.store(ui.ctx(), response.id);
    }
    if response.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
        session.search.clear();
    }
}

/// The vault cannot be opened.
pub fn broken_ui(ui: &mut egui::Ui, view: &View, message: &str, path: &Path) {
    centered_column(ui, |ui| {
        ui.heading(view.t("gui-broken-title"));
        ui.add_space(8.0);
        crate::gui::kinsoku::label(ui, message);
        ui.add_space(8.0);
        crate::gui::kinsoku::label(ui, view.tf("gui-broken-path", &[("path", &path.display())]));
        crate::gui::kinsoku::label(ui, view.t("gui-broken-hint"));
    });
}

/// Waiting for a job that holds the vault.
pub fn busy_ui(ui: &mut egui::Ui, view: &View) {
    centered_column(ui, |ui| {
        ui.spinner();
        crate::gui::kinsoku::label(ui, view.t("gui-working"));
    });
}
