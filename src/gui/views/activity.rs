//! The activity log and vault health page (Menu → Activity and health): what the vault's
//! health check finds ([`mamori::health`]), then the log, newest first. And the backup
//! reminder banner above the account list.

use egui::RichText;
use mamori::i18n::Localize as _;

use super::View;
use crate::gui::command::Command;
use crate::gui::state::Session;

/// The reminder period the settings ask for.
fn reminder_days(view: &View) -> u32 {
    mamori::health::reminder_days(
        view.settings.backup_reminder_days,
        view.settings.backup_folder.is_some(),
    )
}

/// "No export in N days" above the list, with a button that opens the export dialog.
pub fn reminder_banner_ui(
    ui: &mut egui::Ui,
    view: &View,
    session: &Session,
    out: &mut Vec<Command>,
) {
    if session.vault.accounts().is_empty() {
        return;
    }
    let Some(finding) = mamori::health::backup_reminder(
        session.vault.activity(),
        reminder_days(view),
        view.now as u64,
    ) else {
        return;
    };
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, ui.visuals().warn_fg_color))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            crate::gui::kinsoku::label(ui, RichText::new(finding.localize(view.lang)).strong());
            if ui.button(view.t("gui-export")).clicked() {
                out.push(Command::OpenExport);
            }
        });
}

/// Draws the page.
pub fn ui(ctx: &egui::Context, view: &View, session: &Session, out: &mut Vec<Command>) {
    let vault = &session.vault;
    let findings = mamori::health::check(
        vault.accounts(),
        vault.activity(),
        reminder_days(view),
        view.now as u64,
    );
    let shown = super::dialog::show(
        ctx,
        "activity",
        480.0,
        &view.t("gui-activity"),
        &view.t("gui-close"),
        |ui| {
            ui.strong(view.t("gui-health"));
            if findings.is_empty() {
                crate::gui::kinsoku::label(ui, view.t("gui-health-ok"));
            }
            for finding in &findings {
                crate::gui::kinsoku::label(
                    ui,
                    RichText::new(format!("⚠ {}", finding.localize(view.lang)))
                        .color(ui.visuals().warn_fg_color),
                );
            }
            ui.separator();
            ui.strong(view.t("gui-activity-log"));
            if vault.activity().is_empty() {
                crate::gui::kinsoku::label(ui, view.t("cli-log-empty"));
            }
            // One wrapped line an event (a grid would grow as wide as the longest label list).
            for event in vault.activity().iter().rev() {
                let who = match event.user.as_str() {
                    "" => String::new(),
                    user => format!("  {user}"),
                };
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(format!("{}{who}", mamori::time::rfc3339(event.at)))
                            .small()
                            .weak(),
                    );
                });
                crate::gui::kinsoku::label(ui, event.what.localize(view.lang));
            }
        },
    );
    if shown.close_clicked || shown.dismissed {
        out.push(Command::CloseDialogs);
    }
}
