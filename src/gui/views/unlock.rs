//! The unlock screen of a password vault. A wrong password says so and keeps the field; the
//! KDF runs on the worker while a spinner turns.

use egui::RichText;

use super::{View, centered_column};
use crate::gui::command::Command;
use crate::gui::state::forms::UnlockForm;

/// Draws the unlock screen.
pub fn ui(ui: &mut egui::Ui, view: &View, form: &mut UnlockForm, out: &mut Vec<Command>) {
    centered_column(ui, |ui| {
        ui.heading(view.t("gui-unlock-title"));
        ui.add_space(8.0);
        let label = crate::gui::kinsoku::label(ui, view.t("gui-password"));
        let field = super::password::field(ui, view, &mut form.password, 280.0, !view.busy)
            .labelled_by(label.id);
        if form.focus && !view.busy {
            field.request_focus();
            form.focus = false;
        }
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if let Some(error) = &form.error {
            crate::gui::kinsoku::label(
                ui,
                RichText::new(error).color(egui::Color32::from_rgb(0xd0, 0x30, 0x30)),
            );
        }
        ui.add_space(6.0);
        let button = ui.add_enabled(
            !view.busy && !form.password.is_empty(),
            egui::Button::new(RichText::new(view.t("gui-unlock")).strong()),
        );
        if view.busy {
            ui.spinner();
            crate::gui::kinsoku::label(ui, view.t("gui-unlocking"));
        }
        if (button.clicked() || entered) && !view.busy && !form.password.is_empty() {
            form.error = None;
            out.push(Command::Unlock(form.password.clone()));
        }
    });
}
