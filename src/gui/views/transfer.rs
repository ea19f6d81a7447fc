//! Moving accounts in and out: the import dialog (file chosen or dropped, format detected,
//! password asked when the file is encrypted, the per-entry report shown before anything is
//! saved), the export dialog (all accounts, those the list shows now or those with a tag; as a
//! Mamori backup, Aegis, `otpauth://` list, QR codes, Google Authenticator transfer codes;
//! plain-key formats only after an explicit warning), and the
//! transfer-code pager that shows Google Authenticator migration QR codes one by one, large,
//! for a phone to scan.

use egui::RichText;

use mamori::account::Account;
use mamori::formats::export::{ExportFormat, Selection};
use mamori::formats::{self, Outcome, Parsed, Report};
use mamori::i18n::Localize as _;

use super::View;
use super::password::labelled as labelled_password;
use crate::gui::command::Command;
use crate::gui::state::transfer::{ExportDialog, ExportScope, ImportDialog, TransferPager};

/// Draws the import dialog.
pub fn import_ui(
    ctx: &egui::Context,
    view: &View,
    dialog: &mut ImportDialog,
    out: &mut Vec<Command>,
) {
    let title = view.t("gui-import-title");
    let shown = super::dialog::show(ctx, "import", 520.0, &title, &view.t("gui-cancel"), |ui| {
        crate::gui::kinsoku::label(ui, view.t("gui-import-explain"));
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!view.busy, egui::Button::new(view.t("gui-import-choose")))
                .clicked()
            {
                out.push(Command::ChooseImport);
            }
            if let Some(path) = &dialog.path {
                ui.label(RichText::new(path.display().to_string()).weak());
            }
        });
        if let Some(path) = super::path_entry_ui(
            ui,
            view,
            &mut dialog.path_entry,
            "gui-path-import-explain",
            Some("mamori import FILE"),
        ) {
            out.push(Command::ReadImport(path, None));
        }
        if dialog.needs_password {
            crate::gui::kinsoku::label(ui, view.t("gui-import-password-explain"));
            let (_, field) = labelled_password(
                ui,
                view,
                &view.t("gui-import-password"),
                &mut dialog.password,
            );
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui
                .add_enabled(
                    !view.busy && !dialog.password.is_empty(),
                    egui::Button::new(view.t("gui-import-open")),
                )
                .clicked()
                || entered)
                && !dialog.password.is_empty()
                && let Some(path) = &dialog.path
            {
                out.push(Command::ReadImport(
                    path.clone(),
                    Some(dialog.password.clone()),
                ));
            }
        }
        if dialog.waiting {
            ui.horizontal(|ui| {
                ui.spinner();
                crate::gui::kinsoku::label(ui, view.t("gui-working"));
            });
        }
        if let Some(error) = &dialog.error {
            crate::gui::kinsoku::label(ui, RichText::new(error).color(super::accounts::URGENT));
        }
        if let Some((parsed, report)) = &dialog.preview {
            report_ui(ui, view, parsed, report);
            let count = report.imported();
            if count == 0 {
                crate::gui::kinsoku::label(
                    ui,
                    RichText::new(view.t("gui-import-nothing")).strong(),
                );
            } else if ui
                .add_enabled(
                    !view.busy,
                    egui::Button::new(
                        RichText::new(view.tf("gui-import-commit", &[("count", &count)])).strong(),
                    ),
                )
                .clicked()
            {
                out.push(Command::CommitImport);
            }
        }
    });
    if shown.close_clicked || (shown.dismissed && !view.busy) {
        out.push(Command::CloseDialogs);
    }
}

fn report_ui(ui: &mut egui::Ui, view: &View, parsed: &Parsed, report: &Report) {
    ui.add_space(4.0);
    crate::gui::kinsoku::label(
        ui,
        RichText::new(view.tf(
            "gui-import-summary",
            &[
                ("format", &formats::info(parsed.format).name),
                ("imported", &report.imported()),
                ("duplicates", &report.duplicates()),
                ("rejected", &report.rejected()),
            ],
        ))
        .strong(),
    );
    for notice in &parsed.notices {
        crate::gui::kinsoku::label(ui, RichText::new(notice.localize(view.lang)).small());
    }
    egui::ScrollArea::vertical()
        .max_height(240.0)
        .show(ui, |ui| {
            for line in &report.lines {
                let (mark, detail) = match &line.outcome {
                    Outcome::Imported => (view.t("gui-import-will-add"), String::new()),
                    Outcome::Duplicate(existing) => (
                        view.t("gui-import-duplicate"),
                        view.tf("gui-import-duplicate-of", &[("label", existing)]),
                    ),
                    Outcome::Rejected(reason) => {
                        (view.t("gui-import-rejected"), reason.localize(view.lang))
                    }
                    Outcome::Trashed => (view.t("gui-import-to-trash"), String::new()),
                };
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(mark).strong());
                    ui.label(line.label());
                    if !detail.is_empty() {
                        ui.label(RichText::new(detail).weak());
                    }
                });
            }
        });
}

/// Which accounts to export: all, the ones the list shows now (when its search or a tag chip
/// narrows it), or those with one tag; each with its count. Returns the accounts chosen.
fn scope_ui(
    ui: &mut egui::Ui,
    view: &View,
    dialog: &mut ExportDialog,
    accounts: &[Account],
    shown: &Selection,
) -> Vec<Account> {
    let tags = mamori::accounts::all_tags(accounts);
    // A choice that no longer means anything (the filter cleared, the tag gone) falls back.
    match &dialog.scope {
        ExportScope::Shown if shown.is_everything() => dialog.scope = ExportScope::All,
        ExportScope::Tag(tag) if !tags.contains(tag) => dialog.scope = ExportScope::All,
        _ => {}
    }
    let count = |selection: &Selection| accounts.iter().filter(|a| selection.takes(a)).count();
    crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-export-accounts")).strong());
    crate::gui::kinsoku::radio_value(
        ui,
        &mut dialog.scope,
        ExportScope::All,
        view.tf("gui-export-scope-all", &[("count", &accounts.len())]),
    );
    if !shown.is_everything() {
        crate::gui::kinsoku::radio_value(
            ui,
            &mut dialog.scope,
            ExportScope::Shown,
            view.tf("gui-export-scope-shown", &[("count", &count(shown))]),
        );
    }
    if let Some(first) = tags.first() {
        let tag_text = |tag: &str| {
            let selection = Selection {
                tags: vec![tag.to_string()],
                queries: Vec::new(),
            };
            view.tf(
                "gui-export-scope-tag-count",
                &[("tag", &tag), ("count", &count(&selection))],
            )
        };
        ui.horizontal(|ui| {
            let current = match &dialog.scope {
                ExportScope::Tag(tag) => tag.clone(),
                _ => first.clone(),
            };
            crate::gui::kinsoku::radio_value(
                ui,
                &mut dialog.scope,
                ExportScope::Tag(current.clone()),
                view.t("gui-export-scope-tag"),
            );
            let combo = egui::ComboBox::from_id_salt("export-tag")
                .selected_text(tag_text(&current))
                .show_ui(ui, |ui| {
                    for tag in &tags {
                        ui.selectable_value(
                            &mut dialog.scope,
                            ExportScope::Tag(tag.clone()),
                            tag_text(tag),
                        );
                    }
                });
            // The radio button beside it says what it is; screen readers get the same name.
            let name = view.t("gui-tags");
            combo
                .response
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, &name));
        });
    }
    let selected = dialog.selection(shown).select(accounts);
    if selected.is_empty() {
        crate::gui::kinsoku::label(
            ui,
            RichText::new(view.t("gui-export-nothing-selected")).color(super::accounts::URGENT),
        );
    }
    selected
}

/// Draws the export dialog. `accounts` are the vault's, `shown` the list's filter: the dialog
/// chooses among them ([`scope_ui`]); under the format choice, a line for each thing of the
/// chosen accounts the format cannot hold (notes, backup codes, …).
pub fn export_ui(
    ctx: &egui::Context,
    view: &View,
    dialog: &mut ExportDialog,
    accounts: &[Account],
    shown: &Selection,
    encrypted_vault: bool,
    out: &mut Vec<Command>,
) {
    let title = view.t("gui-export-title");
    let shown = super::dialog::show(ctx, "export", 520.0, &title, &view.t("gui-close"), |ui| {
        // Every way out of this dialog hands over keys: with a password vault, each needs
        // the vault password again, as showing one key does.
        if encrypted_vault {
            crate::gui::kinsoku::label(
                ui,
                RichText::new(view.t("gui-export-vault-password-explain")).small(),
            );
            labelled_password(
                ui,
                view,
                // Not a bare "Password": it sits above the export file's own password fields.
                &view.t("gui-password-section"),
                &mut dialog.vault_password,
            );
            ui.separator();
        }
        let selected = scope_ui(ui, view, dialog, accounts, shown);
        let accounts = selected.as_slice();
        ui.separator();
        let vault_ok = !encrypted_vault || !dialog.vault_password.is_empty();
        // Nothing chosen: nothing to save or show.
        let vault_ok = vault_ok && !accounts.is_empty();
        let vault_password = || encrypted_vault.then(|| dialog.vault_password.clone());
        for format in ExportFormat::all() {
            crate::gui::kinsoku::radio_value(
                ui,
                &mut dialog.choice,
                format,
                format.localize(view.lang),
            );
        }
        for lost in mamori::formats::export::losses(dialog.choice, accounts) {
            let text = RichText::new(lost.localize(view.lang)).color(ui.visuals().warn_fg_color);
            crate::gui::kinsoku::label(ui, text);
        }
        ui.separator();
        let ready = if !dialog.choice.plain_secrets() {
            labelled_password(
                ui,
                view,
                &view.t("gui-export-password"),
                &mut dialog.password,
            );
            super::welcome::strength_ui(ui, view, &dialog.password);
            labelled_password(ui, view, &view.t("gui-password-repeat"), &mut dialog.repeat);
            let matching = *dialog.password == *dialog.repeat;
            if !dialog.repeat.is_empty() && !matching {
                crate::gui::kinsoku::label(
                    ui,
                    RichText::new(view.t("gui-password-mismatch")).color(super::accounts::URGENT),
                );
            }
            !dialog.password.is_empty() && matching
        } else {
            crate::gui::kinsoku::label(
                ui,
                RichText::new(view.t("gui-export-plain-warning")).color(super::accounts::URGENT),
            );
            crate::gui::kinsoku::checkbox(
                ui,
                &mut dialog.accept_plain,
                view.t("gui-export-plain-accept"),
            );
            dialog.accept_plain
        };
        if let Some(error) = &dialog.error {
            crate::gui::kinsoku::label(ui, RichText::new(error).color(super::accounts::URGENT));
        }
        if ui
            .add_enabled(
                ready && vault_ok && !view.busy,
                egui::Button::new(view.t("gui-export-save")),
            )
            .clicked()
        {
            out.push(Command::ExportTarget(None, vault_password()));
        }
        if let Some(path) = super::path_entry_ui(
            ui,
            view,
            &mut dialog.path_entry,
            "gui-path-export-explain",
            Some("mamori export --format FORMAT --output FILE"),
        ) {
            out.push(Command::ExportTarget(Some(path), vault_password()));
        }
        ui.separator();
        crate::gui::kinsoku::label(
            ui,
            RichText::new(view.t("gui-transfer-codes-title")).strong(),
        );
        crate::gui::kinsoku::label(ui, view.t("gui-transfer-codes-explain"));
        if ui
            .add_enabled(
                !view.busy && vault_ok,
                egui::Button::new(view.t("gui-transfer-codes-show")),
            )
            .clicked()
        {
            out.push(Command::ShowTransferCodes(vault_password()));
        }
    });
    if shown.close_clicked || (shown.dismissed && !view.busy) {
        out.push(Command::CloseDialogs);
    }
}

/// Draws the pager over the whole window.
pub fn pager_ui(
    ctx: &egui::Context,
    view: &View,
    pager: &mut TransferPager,
    out: &mut Vec<Command>,
) {
    let (left, right, escape) = ctx.input(|i| {
        (
            i.key_pressed(egui::Key::ArrowLeft),
            i.key_pressed(egui::Key::ArrowRight),
            i.key_pressed(egui::Key::Escape),
        )
    });
    let total = pager.uris.len();
    if right && pager.page + 1 < total {
        pager.page += 1;
    }
    if left && pager.page > 0 {
        pager.page -= 1;
    }
    egui::Area::new(egui::Id::unique("transfer-pager"))
        .order(egui::Order::Foreground)
        .fixed_pos(egui::Pos2::ZERO)
        .show(ctx, |ui| {
            let rect = ctx.content_rect();
            ui.painter().rect_filled(rect, 0.0, egui::Color32::WHITE);
            ui.set_min_size(rect.size());
            // A margin all round: the buttons never sit on the window's edge.
            let inner = rect.shrink(16.0);
            let mut ui = ui.new_child(egui::UiBuilder::new().max_rect(inner));
            let ui = &mut ui;
            ui.vertical_centered(|ui| {
                ui.add_space(8.0);
                let dark = egui::Color32::from_gray(20);
                if total == 0 {
                    crate::gui::kinsoku::label(
                        ui,
                        RichText::new(view.t("gui-transfer-none")).color(dark),
                    );
                } else {
                    crate::gui::kinsoku::label(
                        ui,
                        RichText::new(view.tf(
                            "gui-transfer-page",
                            &[("page", &(pager.page + 1)), ("total", &total)],
                        ))
                        .size(20.0)
                        .color(dark),
                    );
                    if pager.texture.as_ref().is_none_or(|(p, _)| *p != pager.page)
                        && let Some(uri) = pager.uris.get(pager.page)
                        && let Some(image) = super::manage::qr_image(uri)
                    {
                        let texture =
                            ctx.load_texture("transfer-code", image, egui::TextureOptions::NEAREST);
                        pager.texture = Some((pager.page, texture));
                    }
                    if let Some((_, texture)) = &pager.texture {
                        let side = (rect.height() - 130.0).min(rect.width() - 40.0).max(120.0);
                        ui.add(egui::Image::new(texture).fit_to_exact_size(egui::vec2(side, side)))
                            .on_hover_text(view.t("gui-transfer-scan-hint"));
                    }
                }
                for skipped in &pager.skipped {
                    ui.label(RichText::new(skipped).small().color(dark));
                }
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(pager.page > 0, egui::Button::new(view.t("gui-previous")))
                        .clicked()
                    {
                        pager.page -= 1;
                    }
                    if ui
                        .add_enabled(
                            pager.page + 1 < total,
                            egui::Button::new(view.t("gui-next-page")),
                        )
                        .clicked()
                    {
                        pager.page += 1;
                    }
                    if ui.button(view.t("gui-done")).clicked() {
                        out.push(Command::CloseDialogs);
                    }
                });
            });
        });
    if escape {
        out.push(Command::CloseDialogs);
    }
}
