//! The quick pick window: a search field with the keyboard focus, the accounts it leaves with
//! their codes, ↑/↓ to move, Enter to copy the highlighted code, Esc to close. The filter is
//! the main list's ([`super::accounts::ordered`]): case- and width-insensitive.

use egui::RichText;

use super::View;
use super::accounts::{ordered, row_code, title};
use crate::gui::command::Command;
use crate::gui::state::Session;
use crate::gui::state::quick_pick::QuickPick;

/// How many rows the quick pick lists at most (the search narrows it down).
const MAX_ROWS: usize = 8;

/// Draws the quick pick over the open `session`.
pub fn ui(
    ui: &mut egui::Ui,
    view: &View,
    session: &Session,
    pick: &mut QuickPick,
    out: &mut Vec<Command>,
) {
    let (up, down, enter, escape) = ui.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp),
            i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown),
            i.key_pressed(egui::Key::Enter),
            i.key_pressed(egui::Key::Escape),
        )
    });
    let before = pick.search.clone();
    egui::CentralPanel::default().show(ui, |ui| {
        let label = crate::gui::kinsoku::label(ui, view.t("gui-quick-pick-search"));
        let field = egui::TextEdit::singleline(&mut pick.search)
            .hint_text(view.t("gui-quick-pick-hint"))
            .desired_width(f32::INFINITY)
            .id_salt("quick-pick-search")
            .show(ui)
            .response
            .response
            .clone()
            .labelled_by(label.id);
        if pick.focus {
            field.request_focus();
            pick.focus = false;
        }
        let rows = ordered(
            session.vault.accounts(),
            &pick.search,
            None,
            view.settings.sort,
        );
        if pick.search != before {
            pick.selected = 0;
        }
        if down {
            pick.selected = (pick.selected + 1).min(rows.len().min(MAX_ROWS).saturating_sub(1));
        }
        if up {
            pick.selected = pick.selected.saturating_sub(1);
        }
        ui.add_space(6.0);
        if rows.is_empty() {
            crate::gui::kinsoku::label(ui, view.t("gui-quick-pick-none"));
        }
        for (index, account) in rows.iter().take(MAX_ROWS).enumerate() {
            let code = row_code(account, session, view.now, view.settings.hide_codes);
            let selected = index == pick.selected;
            let row = ui.horizontal(|ui| {
                let text = RichText::new(title(account));
                let response =
                    ui.selectable_label(selected, if selected { text.strong() } else { text });
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(RichText::new(&code.text).monospace().size(18.0));
                });
                response
            });
            if row.inner.clicked() {
                out.push(Command::QuickPickChoose(account.id.clone()));
            }
        }
        ui.add_space(6.0);
        ui.separator();
        crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-quick-pick-keys")).weak());
        if enter && let Some(account) = rows.get(pick.selected) {
            out.push(Command::QuickPickChoose(account.id.clone()));
        }
    });
    if escape {
        out.push(Command::QuickPickClose);
    }
}

/// The quick pick over a locked vault: the password first, in the same small window.
pub fn locked_ui(
    ui: &mut egui::Ui,
    view: &View,
    form: &mut crate::gui::state::forms::UnlockForm,
    out: &mut Vec<Command>,
) {
    super::unlock::ui(ui, view, form, out);
    if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
        out.push(Command::QuickPickClose);
    }
}
