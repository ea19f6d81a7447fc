//! The trash: accounts deleted in the last 30 days, each with when it goes for good and a
//! Restore button; "Empty trash now" (after a confirmation) deletes them all.

use egui::RichText;

use mamori::account::Trashed;

use super::View;
use crate::gui::command::Command;
use crate::gui::state::TrashView;

/// The day of a Unix time, as `2026-12-06` (UTC).
fn day(secs: u64) -> String {
    mamori::time::rfc3339(secs).chars().take(10).collect()
}

/// Draws the trash view.
pub fn ui(
    ctx: &egui::Context,
    view: &View,
    state: &mut TrashView,
    trash: &[Trashed],
    out: &mut Vec<Command>,
) {
    let shown = super::dialog::show(
        ctx,
        "trash",
        480.0,
        &view.tf("gui-trash", &[("count", &trash.len())]),
        &view.t("gui-close"),
        |ui| {
            if trash.is_empty() {
                crate::gui::kinsoku::label(ui, view.t("gui-trash-empty"));
                return;
            }
            crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-trash-explain")).weak());
            ui.add_space(4.0);
            for binned in trash {
                let account = &binned.account;
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.horizontal(|ui| {
                        super::accounts::icon_ui(ui, account, None);
                        ui.vertical(|ui| {
                            ui.label(RichText::new(super::accounts::title(account)).strong());
                            ui.label(
                                RichText::new(view.tf(
                                    "gui-trash-dates",
                                    &[
                                        ("when", &day(binned.trashed_at)),
                                        ("purged", &day(binned.purged_at())),
                                    ],
                                ))
                                .small(),
                            );
                        });
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            if ui
                                .button(view.t("gui-trash-restore"))
                                .on_hover_text(super::accounts::title(account))
                                .clicked()
                            {
                                out.push(Command::RestoreFromTrash(account.id.clone()));
                            }
                        });
                    });
                });
            }
            ui.add_space(8.0);
            if !state.confirm_empty {
                if ui.button(view.t("gui-trash-empty-now")).clicked() {
                    state.confirm_empty = true;
                }
                return;
            }
            crate::gui::kinsoku::label(
                ui,
                RichText::new(view.tf("gui-trash-empty-confirm", &[("count", &trash.len())]))
                    .color(super::accounts::URGENT),
            );
            ui.horizontal(|ui| {
                if ui.button(view.t("gui-trash-empty-yes")).clicked() {
                    out.push(Command::EmptyTrash);
                }
                if ui.button(view.t("gui-cancel")).clicked() {
                    state.confirm_empty = false;
                }
            });
        },
    );
    if shown.close_clicked || shown.dismissed {
        out.push(Command::CloseDialogs);
    }
}
