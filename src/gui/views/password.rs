//! Password fields: hidden text with a button that shows it, and a warning when Caps Lock seems
//! to be on. Every password field in the window is drawn here.
//!
//! egui (like winit) does not report the Caps Lock state, so it is inferred the way browsers
//! did: a letter typed in upper case without Shift, or in lower case with Shift, means Caps Lock
//! is on; the opposite means it is off. The guess is shared by all fields (Caps Lock is global)
//! and kept until the next letter says otherwise.

use egui::{Id, Response, RichText, Ui};
use zeroize::Zeroizing;

use super::View;

fn caps_id() -> Id {
    Id::unique("caps-lock-guess")
}

/// What the letters typed this frame say about Caps Lock, if anything.
fn caps_from_input(ui: &Ui) -> Option<bool> {
    ui.input(|i| {
        i.events.iter().rev().find_map(|event| match event {
            egui::Event::Text(text) => {
                let mut letters = text.chars().filter(|c| c.is_ascii_alphabetic());
                let letter = letters.next()?;
                Some(letter.is_ascii_uppercase() != i.modifiers.shift)
            }
            _ => None,
        })
    })
}

/// A password field `width` wide with a show/hide button; under it, "Caps Lock is on" while
/// the typing suggests so. Returns the text field's response.
pub fn field(
    ui: &mut Ui,
    view: &View,
    text: &mut Zeroizing<String>,
    width: f32,
    enabled: bool,
) -> Response {
    let show_id = ui.next_auto_id().with("show-password");
    let mut shown = ui.data(|d| d.get_temp::<bool>(show_id).unwrap_or(false));
    let response = ui
        .horizontal(|ui| {
            let toggle_text = if shown {
                view.t("gui-password-hide")
            } else {
                view.t("gui-password-show")
            };
            let field = ui.add_enabled(
                enabled,
                egui::TextEdit::singleline(&mut **text)
                    .password(!shown)
                    .desired_width(width),
            );
            if ui
                .add_enabled(enabled, egui::Button::new(toggle_text).small())
                .clicked()
            {
                shown = !shown;
            }
            field
        })
        .inner;
    ui.data_mut(|d| d.insert_temp(show_id, shown));
    if response.has_focus()
        && let Some(caps) = caps_from_input(ui)
    {
        ui.data_mut(|d| d.insert_temp(caps_id(), caps));
    }
    let caps_on = ui.data(|d| d.get_temp::<bool>(caps_id()).unwrap_or(false));
    if caps_on && response.has_focus() {
        crate::gui::kinsoku::label(
            ui,
            RichText::new(view.t("gui-caps-lock"))
                .small()
                .color(ui.visuals().warn_fg_color),
        );
    }
    response
}

/// A label and a password field under it; returns the label's and the field's responses.
pub fn labelled(
    ui: &mut Ui,
    view: &View,
    label: &str,
    text: &mut Zeroizing<String>,
) -> (Response, Response) {
    let label = ui.label(label);
    let field = field(ui, view, text, 280.0, true).labelled_by(label.id);
    (label, field)
}
