//! First run: create the vault, with a password (typed twice, with a strength hint) or
//! explicitly without one.

use egui::RichText;

use super::{View, centered_column};
use crate::gui::command::Command;
use crate::gui::state::forms::WelcomeForm;

/// A rough strength estimate: 0 (weak) to 3 (strong), from length and character classes.
/// Enough for a hint; the KDF does the real work.
pub fn strength(password: &str) -> u8 {
    let len = password.chars().count();
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    match (len, classes) {
        (0..=7, _) => 0,
        (8..=11, 0..=2) => 1,
        (8..=11, _) | (12..=15, 0..=1) => 2,
        (12..=15, _) => 3,
        _ => 3,
    }
}

/// The strength hint under a new-password field.
pub fn strength_ui(ui: &mut egui::Ui, view: &View, password: &str) {
    if password.is_empty() {
        return;
    }
    let (key, color) = match strength(password) {
        0 => (
            "gui-strength-weak",
            egui::Color32::from_rgb(0xd0, 0x30, 0x30),
        ),
        1 => (
            "gui-strength-fair",
            egui::Color32::from_rgb(0xd0, 0x80, 0x20),
        ),
        2 => (
            "gui-strength-good",
            egui::Color32::from_rgb(0x30, 0x90, 0x40),
        ),
        _ => (
            "gui-strength-strong",
            egui::Color32::from_rgb(0x20, 0x80, 0x30),
        ),
    };
    crate::gui::kinsoku::label(ui, RichText::new(view.t(key)).color(color));
}

/// Draws the welcome screen.
pub fn ui(ui: &mut egui::Ui, view: &View, form: &mut WelcomeForm, out: &mut Vec<Command>) {
    centered_column(ui, |ui| {
        ui.heading(view.t("gui-welcome-title"));
        ui.add_space(6.0);
        crate::gui::kinsoku::label(ui, view.t("gui-welcome-intro"));
        ui.add_space(12.0);
        crate::gui::kinsoku::radio_value(
            ui,
            &mut form.without_password,
            false,
            view.t("gui-welcome-with-password"),
        );
        // A policy that requires a password leaves only the first choice.
        let required = view.policy.require_password == Some(true);
        if required {
            form.without_password = false;
        }
        ui.add_enabled_ui(!required, |ui| {
            crate::gui::kinsoku::radio_value(
                ui,
                &mut form.without_password,
                true,
                view.t("gui-welcome-without-password"),
            );
        });
        if required {
            crate::gui::kinsoku::label(
                ui,
                RichText::new(view.t("gui-policy-password-required-new"))
                    .small()
                    .weak(),
            );
        }
        ui.add_space(8.0);
        let ready = if form.without_password {
            crate::gui::kinsoku::label(ui, view.t("gui-welcome-plain-warning"));
            crate::gui::kinsoku::checkbox(
                ui,
                &mut form.accept_plain,
                view.t("gui-welcome-plain-accept"),
            );
            form.accept_plain
        } else {
            let (_, first) =
                super::password::labelled(ui, view, &view.t("gui-password"), &mut form.password);
            if !std::mem::replace(&mut form.focused, true) {
                first.request_focus();
            }
            strength_ui(ui, view, &form.password);
            let (_, second) = super::password::labelled(
                ui,
                view,
                &view.t("gui-password-repeat"),
                &mut form.repeat,
            );
            let matching = *form.password == *form.repeat;
            if !form.repeat.is_empty() && !matching {
                crate::gui::kinsoku::label(
                    ui,
                    RichText::new(view.t("gui-password-mismatch"))
                        .color(egui::Color32::from_rgb(0xd0, 0x30, 0x30)),
                );
            }
            crate::gui::kinsoku::label(
                ui,
                RichText::new(view.t("gui-welcome-no-recovery")).small(),
            );
            let entered = (first.lost_focus() || second.lost_focus())
                && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let ok = !form.password.is_empty() && matching;
            if ok && entered && !view.busy {
                out.push(Command::CreateVault(Some(form.password.clone())));
            }
            ok
        };
        ui.add_space(8.0);
        if let Some(error) = &form.error {
            crate::gui::kinsoku::label(
                ui,
                RichText::new(error).color(egui::Color32::from_rgb(0xd0, 0x30, 0x30)),
            );
        }
        let button = ui.add_enabled(
            ready && !view.busy,
            egui::Button::new(RichText::new(view.t("gui-create-vault")).strong()),
        );
        if view.busy {
            ui.spinner();
        }
        if button.clicked() {
            form.error = None;
            let password = (!form.without_password).then(|| form.password.clone());
            out.push(Command::CreateVault(password));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::strength;

    #[test]
    fn strength_grows_with_length_and_variety() {
        assert_eq!(strength("abc"), 0);
        assert_eq!(strength("abcdefgh"), 1);
        assert_eq!(strength("abcdEFG1"), 2);
        assert_eq!(strength("abcdEFGH1234"), 3);
        assert_eq!(strength("correct horse battery staple"), 3);
    }
}
