//! What the window draws. Each view reads the state and pushes [`Command`]s; none of them
//! changes the vault itself.

pub mod accounts;
pub mod add;
pub mod manage;
pub mod region;
pub mod settings;
pub mod transfer;
pub mod unlock;
pub mod welcome;

use std::path::Path;

use egui::RichText;

use mamori::i18n::{Lang, Localize, tr};

use super::app::{ClockStatus, Command, Session};
use super::settings::Settings;

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
    /// What the last clock check found.
    pub clock: &'a ClockStatus,
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
/// offset is over [`mamori::clock::WARN_OFFSET_SECONDS`], and, whenever codes are generated with
/// the offset applied, a line that says so. Neither can be dismissed: both stay true until the
/// clock or the setting changes.
pub fn clock_banner_ui(ui: &mut egui::Ui, view: &View) {
    let ClockStatus::Measured(reading) = view.clock else {
        return;
    };
    let drift = mamori::clock::describe(reading.offset_seconds).localize(view.lang);
    // The same condition as `MamoriApp::clock_correction`: a measurement, and the setting on.
    let correcting = view.settings.clock.apply_offset;
    if !reading.needs_attention() && !correcting {
        return;
    }
    egui::Frame::group(ui.style())
        .fill(ui.visuals().extreme_bg_color)
        .stroke(egui::Stroke::new(1.5, ui.visuals().warn_fg_color))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            if reading.needs_attention() {
                ui.label(
                    RichText::new(view.tf(
                        "gui-clock-off",
                        &[("drift", &drift), ("server", &reading.server)],
                    ))
                    .color(ui.visuals().warn_fg_color)
                    .strong(),
                );
            }
            if correcting {
                ui.label(view.tf("gui-clock-corrected", &[("drift", &drift)]));
            }
        });
}

/// A centred column for the welcome and unlock screens.
pub fn centered_column(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui)) {
    egui::CentralPanel::default().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space((ui.available_height() * 0.12).min(80.0));
            ui.set_max_width(420.0);
            add(ui);
        });
    });
}

/// The open vault: toolbar, banners, account list, and any dialog.
pub fn main_ui(ui: &mut egui::Ui, view: &View, session: &mut Session, out: &mut Vec<Command>) {
    toolbar(ui, view, session, out);
    egui::CentralPanel::default().show(ui, |ui| {
        clock_banner_ui(ui, view);
        session.banners.retain(|banner| {
            let mut keep = true;
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(banner).strong());
                    if ui.small_button(view.t("gui-dismiss")).clicked() {
                        keep = false;
                    }
                });
            });
            keep
        });
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
    if let Some(dialog) = &mut session.export {
        transfer::export_ui(ui.ctx(), view, dialog, session.vault.is_encrypted(), out);
    }
    if let Some(pager) = &mut session.pager {
        transfer::pager_ui(ui.ctx(), view, pager, out);
    }
}

fn toolbar(ui: &mut egui::Ui, view: &View, session: &mut Session, out: &mut Vec<Command>) {
    egui::Panel::top("toolbar").show(ui, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            if ui
                .button(RichText::new(view.t("gui-add")).strong())
                .on_hover_text(view.t("gui-add-hint"))
                .clicked()
            {
                out.push(Command::OpenAdd(add::AddTab::Scan));
            }
            let label = ui.label(view.t("gui-search"));
            // The search field takes what the Lock and Menu buttons leave, measured in the
            // current language (Japanese labels are wider).
            let button_width = |text: &str| {
                let galley = ui.painter().layout_no_wrap(
                    text.to_owned(),
                    egui::TextStyle::Button.resolve(ui.style()),
                    egui::Color32::PLACEHOLDER,
                );
                galley.size().x + 2.0 * ui.spacing().button_padding.x + ui.spacing().item_spacing.x
            };
            let mut buttons = button_width(&view.t("gui-menu"));
            if session.vault.is_encrypted() {
                buttons += button_width(&view.t("gui-lock"));
            }
            let search = egui::TextEdit::singleline(&mut session.search)
                .hint_text(view.t("gui-search-hint"))
                .desired_width((ui.available_width() - buttons - 12.0).max(80.0));
            let response = ui.add(search.id_salt("search")).labelled_by(label.id);
            let response = response.on_hover_text(view.t("gui-search-tooltip"));
            if session.focus_search {
                response.request_focus();
                session.focus_search = false;
            }
            if response.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                session.search.clear();
            }
            if session.vault.is_encrypted()
                && ui
                    .button(view.t("gui-lock"))
                    .on_hover_text(view.t("gui-lock-hint"))
                    .clicked()
            {
                out.push(Command::Lock);
            }
            ui.menu_button(view.t("gui-menu"), |ui| {
                if ui.button(view.t("gui-import")).clicked() {
                    out.push(Command::OpenImport);
                }
                if ui.button(view.t("gui-export")).clicked() {
                    out.push(Command::OpenExport);
                }
                if ui.button(view.t("gui-settings")).clicked() {
                    out.push(Command::OpenSettings);
                }
            });
        });
        ui.add_space(4.0);
    });
}

/// The vault cannot be opened.
pub fn broken_ui(ui: &mut egui::Ui, view: &View, message: &str, path: &Path) {
    centered_column(ui, |ui| {
        ui.heading(view.t("gui-broken-title"));
        ui.add_space(8.0);
        ui.label(message);
        ui.add_space(8.0);
        ui.label(view.tf("gui-broken-path", &[("path", &path.display())]));
        ui.label(view.t("gui-broken-hint"));
    });
}

/// Waiting for a job that holds the vault.
pub fn busy_ui(ui: &mut egui::Ui, view: &View) {
    centered_column(ui, |ui| {
        ui.spinner();
        ui.label(view.t("gui-working"));
    });
}
