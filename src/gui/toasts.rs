//! Short messages at the bottom of the window ("Copied", "Deleted — Undo"), each shown for a
//! few seconds.

use egui::{Align2, Color32, RichText};

use mamori::account::AccountId;
use mamori::i18n::{Lang, tr};

/// How long a toast stays, in seconds.
const SHOW_FOR: f64 = 4.0;
/// A toast with an undo button stays longer.
const UNDO_FOR: f64 = 10.0;

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Info,
    Error,
    Undo,
    /// A code copied in its last seconds, with a button that copies the account's next code.
    OfferNext(AccountId),
}

/// A button the user pressed in a toast.
#[derive(Clone, Debug, PartialEq)]
pub enum ToastAction {
    /// Undo the last removal.
    Undo,
    /// Copy this account's next code (the one copied was about to expire).
    CopyNext(AccountId),
}

#[derive(Clone, Debug)]
struct Toast {
    text: String,
    kind: Kind,
    /// When it was first drawn (set on the first frame, from the injected clock).
    shown_at: Option<f64>,
}

/// The toasts waiting or showing.
#[derive(Debug, Default)]
pub struct Toasts {
    toasts: Vec<Toast>,
}

impl Toasts {
    fn push(&mut self, text: String, kind: Kind) {
        // A new undo replaces the old one: only the last removal can be undone.
        if kind == Kind::Undo {
            self.toasts.retain(|t| t.kind != Kind::Undo);
        }
        self.toasts.push(Toast {
            text,
            kind,
            shown_at: None,
        });
        if self.toasts.len() > 3 {
            self.toasts.remove(0);
        }
    }

    /// A confirmation.
    pub fn info(&mut self, text: String) {
        self.push(text, Kind::Info);
    }

    /// Something went wrong.
    pub fn error(&mut self, text: String) {
        self.push(text, Kind::Error);
    }

    /// A removal that can be undone.
    pub fn undo(&mut self, text: String) {
        self.push(text, Kind::Undo);
    }

    /// A code copied in its last seconds, offering the next one.
    pub fn offer_next(&mut self, text: String, id: AccountId) {
        self.toasts
            .retain(|t| !matches!(t.kind, Kind::OfferNext(_)));
        self.push(text, Kind::OfferNext(id));
    }

    /// When the next toast disappears.
    pub fn next_change(&self, now: f64) -> Option<f64> {
        self.toasts
            .iter()
            .map(|t| t.shown_at.unwrap_or(now) + duration(&t.kind))
            .reduce(f64::min)
    }

    /// Draws the toasts; returns the button the user pressed, if any.
    pub fn ui(&mut self, ui: &mut egui::Ui, lang: Lang, now: f64) -> Option<ToastAction> {
        for toast in &mut self.toasts {
            toast.shown_at.get_or_insert(now);
        }
        self.toasts
            .retain(|t| now < t.shown_at.unwrap_or(now) + duration(&t.kind));
        if self.toasts.is_empty() {
            return None;
        }
        let mut action = None;
        // A long message (a path, an error) wraps inside the window instead of running off
        // both sides of it.
        let max_width = (ui.ctx().content_rect().width() - 48.0).max(160.0);
        egui::Area::new(egui::Id::unique("toasts"))
            .anchor(Align2::CENTER_BOTTOM, [0.0, -16.0])
            .order(egui::Order::Tooltip)
            .show(ui.ctx(), |ui| {
                for toast in &self.toasts {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.set_max_width(max_width);
                        ui.horizontal(|ui| {
                            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
                            let text = RichText::new(&toast.text);
                            let text = match toast.kind {
                                Kind::Error => text.color(Color32::from_rgb(0xd0, 0x30, 0x30)),
                                _ => text,
                            };
                            crate::gui::kinsoku::label(ui, text);
                            match &toast.kind {
                                Kind::Undo if ui.button(tr(lang, "gui-undo", &[])).clicked() => {
                                    action = Some(ToastAction::Undo);
                                }
                                Kind::OfferNext(id)
                                    if ui.button(tr(lang, "gui-copy-next", &[])).clicked() =>
                                {
                                    action = Some(ToastAction::CopyNext(id.clone()));
                                }
                                _ => {}
                            }
                        });
                    });
                }
            });
        match &action {
            Some(ToastAction::Undo) => self.toasts.retain(|t| t.kind != Kind::Undo),
            Some(ToastAction::CopyNext(_)) => {
                self.toasts
                    .retain(|t| !matches!(t.kind, Kind::OfferNext(_)));
            }
            None => {}
        }
        action
    }
}

fn duration(kind: &Kind) -> f64 {
    match kind {
        Kind::Undo => UNDO_FOR,
        Kind::OfferNext(_) => f64::from(crate::gui::views::accounts::URGENT_SECONDS) + 1.0,
        Kind::Error => SHOW_FOR * 2.0,
        Kind::Info => SHOW_FOR,
    }
}
