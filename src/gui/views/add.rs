//! The add dialog: every way in, each one step — scan the screens, paste (an image or a key
//! URI), open or drop an image file, or type the key. Codes found are listed with where they
//! were (a thumbnail of the screen around them) so the user picks the right one; the chosen
//! account shows its live code before it is saved, for the service's "verify" step.

use egui::RichText;

use mamori::account::{Account, Algorithm, MAX_DIGITS, OtpKind, OtpParams};
use mamori::otp;
use mamori::secret::Secret;

use super::View;
use crate::gui::command::Command;
use crate::gui::state::add::{AddDialog, AddTab, Draft, ManualForm};
use crate::gui::state::forms::RegionSelect;

/// Draws the dialog.
pub fn ui(
    ctx: &egui::Context,
    view: &View,
    dialog: &mut AddDialog,
    accounts: &[Account],
    out: &mut Vec<Command>,
) {
    let title = view.t("gui-add-title");
    let shown = super::dialog::show(ctx, "add", 520.0, &title, &view.t("gui-cancel"), |ui| {
        if let Some(draft) = &mut dialog.chosen {
            if confirm_ui(ui, view, draft, accounts, out) {
                dialog.chosen = None;
                dialog.manual.focus = dialog.tab == AddTab::Manual;
            }
            return;
        }
        ui.horizontal_wrapped(|ui| {
            for (tab, key) in [
                (AddTab::Scan, "gui-tab-scan"),
                (AddTab::Paste, "gui-tab-paste"),
                (AddTab::File, "gui-tab-file"),
                (AddTab::Manual, "gui-tab-manual"),
            ] {
                if ui
                    .selectable_label(dialog.tab == tab, view.t(key))
                    .clicked()
                {
                    dialog.tab = tab;
                    dialog.message = None;
                    dialog.manual.focus = tab == AddTab::Manual;
                }
            }
        });
        if ui
            .link(view.t("gui-add-import-link"))
            .on_hover_text(view.t("gui-import-explain"))
            .clicked()
        {
            out.push(Command::OpenImport);
        }
        ui.separator();
        match dialog.tab {
            AddTab::Scan => {
                crate::gui::kinsoku::label(ui, view.t("gui-scan-explain"));
                if ui
                    .add_enabled(!view.busy, egui::Button::new(view.t("gui-scan-start")))
                    .clicked()
                {
                    out.push(Command::ScanScreens);
                }
                if !dialog.captures.is_empty()
                    && dialog.candidates.is_empty()
                    && ui.button(view.t("gui-select-region")).clicked()
                {
                    dialog.region = Some(RegionSelect::new(std::mem::take(&mut dialog.captures)));
                }
            }
            AddTab::Paste => {
                crate::gui::kinsoku::label(ui, view.t("gui-paste-explain"));
                if ui
                    .add_enabled(!view.busy, egui::Button::new(view.t("gui-paste-now")))
                    .clicked()
                {
                    out.push(Command::Paste);
                }
            }
            AddTab::File => {
                crate::gui::kinsoku::label(ui, view.t("gui-file-explain"));
                if ui
                    .add_enabled(!view.busy, egui::Button::new(view.t("gui-file-choose")))
                    .clicked()
                {
                    out.push(Command::ChooseImage);
                }
                if let Some(path) = super::path_entry_ui(
                    ui,
                    view,
                    &mut dialog.path_entry,
                    "gui-path-image-explain",
                    Some("mamori scan --add FILE"),
                ) {
                    out.push(Command::ScanFile(path));
                }
            }
            AddTab::Manual => {
                manual_ui(ui, view, &mut dialog.manual, accounts, out);
            }
        }
        if dialog.waiting {
            ui.horizontal(|ui| {
                ui.spinner();
                crate::gui::kinsoku::label(ui, view.t("gui-scanning"));
            });
        }
        if let Some(message) = &dialog.message {
            ui.add_space(4.0);
            crate::gui::kinsoku::label(
                ui,
                RichText::new(message).color(egui::Color32::from_rgb(0xc0, 0x50, 0x20)),
            );
        }
        if !dialog.candidates.is_empty() {
            candidates_ui(ui, view, dialog, accounts, out);
        }
    });
    if shown.close_clicked || (shown.dismissed && !view.busy) {
        out.push(Command::CloseDialogs);
    }
}

fn candidates_ui(
    ui: &mut egui::Ui,
    view: &View,
    dialog: &mut AddDialog,
    accounts: &[Account],
    out: &mut Vec<Command>,
) {
    ui.add_space(6.0);
    crate::gui::kinsoku::label(
        ui,
        RichText::new(view.tf("gui-found-count", &[("count", &dialog.candidates.len())])).strong(),
    );
    let mut picked = None;
    let mut new_ones = 0usize;
    egui::ScrollArea::vertical()
        .max_height(300.0)
        .show(ui, |ui| {
            for (i, candidate) in dialog.candidates.iter_mut().enumerate() {
                let existing = candidate.draft.duplicate_of(accounts);
                new_ones += usize::from(existing.is_none());
                ui.horizontal(|ui| {
                    if let Some(image) = candidate.thumbnail.take() {
                        candidate.texture = Some(ui.ctx().load_texture(
                            format!("candidate-{i}"),
                            image,
                            egui::TextureOptions::LINEAR,
                        ));
                    }
                    if let Some(texture) = &candidate.texture {
                        ui.add(egui::Image::new(texture).max_width(120.0))
                            .on_hover_text(&candidate.source);
                    }
                    ui.vertical(|ui| {
                        ui.label(RichText::new(label(&candidate.draft)).strong());
                        ui.label(RichText::new(&candidate.source).weak().small());
                        if let Some(existing) = existing {
                            ui.label(
                                RichText::new(view.tf(
                                    "gui-duplicate",
                                    &[("label", &super::accounts::title(existing))],
                                ))
                                .small(),
                            );
                        }
                    });
                    if ui.button(view.t("gui-use-this")).clicked() {
                        picked = Some(i);
                    }
                });
                ui.separator();
            }
        });
    if let Some(i) = picked {
        // The list stays: Back on the confirmation returns to it.
        dialog.chosen = dialog.candidates.get(i).map(|c| c.draft.clone());
    } else if dialog.candidates.len() > 1
        && new_ones > 0
        && ui
            .button(view.tf("gui-add-all", &[("count", &new_ones)]))
            .clicked()
    {
        out.push(Command::AddAccounts(
            dialog.candidates.iter().map(|c| c.draft.clone()).collect(),
        ));
    }
}

fn label(draft: &Draft) -> String {
    match (draft.issuer.is_empty(), draft.name.is_empty()) {
        (false, false) => format!("{} ({})", draft.issuer, draft.name),
        (false, true) => draft.issuer.clone(),
        _ => draft.name.clone(),
    }
}

/// The live code of a draft, large, with seconds left.
fn live_code_ui(ui: &mut egui::Ui, view: &View, otp_params: &OtpParams) {
    let code = otp::generate(otp_params, view.now.max(0.0) as u64);
    ui.horizontal(|ui| {
        crate::gui::kinsoku::label(ui, view.t("gui-current-code"));
        let urgent = code
            .remaining
            .is_some_and(|r| r <= super::accounts::URGENT_SECONDS);
        let text = RichText::new(code.grouped()).monospace().size(30.0);
        ui.label(if urgent {
            text.color(super::accounts::URGENT)
        } else {
            text.strong()
        });
        if let Some(left) = code.remaining {
            crate::gui::kinsoku::label(ui, view.tf("gui-seconds-left", &[("seconds", &left)]));
        }
    });
}

/// The confirmation step. Returns true when the user goes back.
fn confirm_ui(
    ui: &mut egui::Ui,
    view: &View,
    draft: &mut Draft,
    accounts: &[Account],
    out: &mut Vec<Command>,
) -> bool {
    crate::gui::kinsoku::label(ui, view.t("gui-confirm-explain"));
    egui::Grid::new("confirm-grid")
        .num_columns(2)
        .show(ui, |ui| {
            let l = crate::gui::kinsoku::label(ui, view.t("gui-issuer"));
            let first = ui.text_edit_singleline(&mut draft.issuer).labelled_by(l.id);
            // The confirmation opens with the keyboard in its first field, so Enter saves.
            if ui.memory(|m| m.focused().is_none()) {
                first.request_focus();
            }
            ui.end_row();
            let l = crate::gui::kinsoku::label(ui, view.t("gui-account-name"));
            ui.text_edit_singleline(&mut draft.name).labelled_by(l.id);
            ui.end_row();
        });
    ui.label(
        RichText::new(view.tf(
            "gui-params",
            &[
                ("kind", &draft.otp.kind.name().to_uppercase()),
                ("algorithm", &draft.otp.algorithm.as_str()),
                ("digits", &draft.otp.digits),
            ],
        ))
        .small()
        .weak(),
    );
    live_code_ui(ui, view, &draft.otp);
    if matches!(draft.otp.kind, OtpKind::Hotp { .. }) {
        draft.hotp_code_shown = true;
        crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-hotp-verify-note")).small());
    }
    notes_ui(ui, draft);
    let duplicate = duplicate_ui(ui, view, draft, accounts);
    let mut back = false;
    ui.horizontal(|ui| {
        let can_save = !duplicate || draft.allow_duplicate;
        let save = ui.add_enabled(
            can_save,
            egui::Button::new(RichText::new(view.t("gui-save-account")).strong()),
        );
        if save.clicked() || (can_save && enter_pressed(ui)) {
            out.push(Command::AddAccounts(vec![draft.clone()]));
        }
        if ui.button(view.t("gui-back")).clicked() {
            back = true;
        }
    });
    back
}

/// Enter was pressed this frame (in a single-line field or on no widget): the dialog's default
/// button.
fn enter_pressed(ui: &egui::Ui) -> bool {
    ui.input(|i| i.key_pressed(egui::Key::Enter) && i.modifiers.is_none())
}

/// The draft's warnings (orange) and facts (a quiet line each).
fn notes_ui(ui: &mut egui::Ui, draft: &Draft) {
    for warning in &draft.warnings {
        crate::gui::kinsoku::label(
            ui,
            RichText::new(warning).color(egui::Color32::from_rgb(0xc0, 0x80, 0x20)),
        );
    }
    for info in &draft.info {
        crate::gui::kinsoku::label(ui, RichText::new(info).small().weak());
    }
}

/// When the key is already in the vault: names the account and asks, as the scan path does.
/// Returns whether it is a duplicate.
fn duplicate_ui(ui: &mut egui::Ui, view: &View, draft: &mut Draft, accounts: &[Account]) -> bool {
    let Some(existing) = draft.duplicate_of(accounts) else {
        return false;
    };
    crate::gui::kinsoku::label(
        ui,
        RichText::new(view.tf(
            "gui-duplicate",
            &[("label", &super::accounts::title(existing))],
        ))
        .color(egui::Color32::from_rgb(0xc0, 0x50, 0x20)),
    );
    ui.checkbox(&mut draft.allow_duplicate, view.t("gui-add-anyway"));
    true
}

fn manual_ui(
    ui: &mut egui::Ui,
    view: &View,
    form: &mut ManualForm,
    accounts: &[Account],
    out: &mut Vec<Command>,
) {
    egui::Grid::new("manual-grid")
        .num_columns(2)
        .show(ui, |ui| {
            let l = crate::gui::kinsoku::label(ui, view.t("gui-issuer"));
            let issuer = ui.text_edit_singleline(&mut form.issuer).labelled_by(l.id);
            ui.end_row();
            let l = crate::gui::kinsoku::label(ui, view.t("gui-account-name"));
            ui.text_edit_singleline(&mut form.name).labelled_by(l.id);
            ui.end_row();
            let l = crate::gui::kinsoku::label(ui, view.t("gui-key"));
            let key = ui
                .add(egui::TextEdit::singleline(&mut *form.key).hint_text("JBSW Y3DP EHPK 3PXP"))
                .labelled_by(l.id);
            ui.end_row();
            // Focus the first field to fill in: the key when the names are there, else the
            // service name (also after a pasted key was filled in).
            if std::mem::take(&mut form.focus) {
                if form.key.is_empty() && !form.issuer.is_empty() {
                    key.request_focus();
                } else {
                    issuer.request_focus();
                }
            }
        });
    crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-key-hint")).small().weak());
    egui::CollapsingHeader::new(view.t("gui-advanced"))
        .id_salt("advanced")
        .show(ui, |ui| {
            egui::Grid::new("advanced-grid")
                .num_columns(2)
                .show(ui, |ui| {
                    crate::gui::kinsoku::label(ui, view.t("gui-type"));
                    ui.horizontal(|ui| {
                        ui.radio_value(&mut form.hotp, false, view.t("gui-type-totp"));
                        ui.radio_value(&mut form.hotp, true, view.t("gui-type-hotp"));
                    });
                    ui.end_row();
                    crate::gui::kinsoku::label(ui, view.t("gui-algorithm"));
                    ui.horizontal(|ui| {
                        for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
                            ui.radio_value(&mut form.algorithm, algorithm, algorithm.as_str());
                        }
                    });
                    ui.end_row();
                    let l = crate::gui::kinsoku::label(ui, view.t("gui-digits"));
                    ui.add(egui::DragValue::new(&mut form.digits).range(6..=MAX_DIGITS))
                        .labelled_by(l.id);
                    ui.end_row();
                    if form.hotp {
                        let l = crate::gui::kinsoku::label(ui, view.t("gui-counter"));
                        ui.add(egui::DragValue::new(&mut form.counter))
                            .labelled_by(l.id);
                    } else {
                        let l = crate::gui::kinsoku::label(ui, view.t("gui-period"));
                        ui.add(egui::DragValue::new(&mut form.period).range(1..=86_400))
                            .labelled_by(l.id);
                    }
                    ui.end_row();
                });
        });
    match form.draft(view.lang) {
        Ok(mut draft) => {
            live_code_ui(ui, view, &draft.otp);
            notes_ui(ui, &draft);
            let duplicate = duplicate_ui(ui, view, &mut draft, accounts);
            form.allow_duplicate = draft.allow_duplicate;
            let can_save = !duplicate || draft.allow_duplicate;
            let save = ui.add_enabled(
                can_save,
                egui::Button::new(RichText::new(view.t("gui-save-account")).strong()),
            );
            if save.clicked() || (can_save && enter_pressed(ui)) {
                out.push(Command::AddAccounts(vec![draft]));
            }
        }
        Err(reason) => {
            // A good key still waiting for its name is the next step, not an error.
            if Secret::from_pasted(&form.key).is_ok() {
                crate::gui::kinsoku::label(ui, reason);
            } else if !form.key.is_empty() {
                crate::gui::kinsoku::label(
                    ui,
                    RichText::new(reason).color(egui::Color32::from_rgb(0xc0, 0x50, 0x20)),
                );
            }
        }
    }
}
