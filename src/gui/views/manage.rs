//! An account's details: edit issuer, name and note; move it in the list; pin it, tag it and
//! give it an icon from a picture; move it to the trash (with confirmation, undo afterwards and
//! restore for 30 days); show its key and QR code for moving it to another device
//! (behind the password when the vault has one); keep its one-time backup codes.

use egui::RichText;
use zeroize::Zeroizing;

use mamori::account::Account;
use mamori::uri;

use super::View;
use crate::gui::command::Command;
use crate::gui::state::manage::ManageDialog;

/// The QR code of a key URI as an image, 4 pixels a module with a quiet zone.
pub fn qr_image(text: &str) -> Option<egui::ColorImage> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let image = code
        .render::<image::Luma<u8>>()
        .module_dimensions(4, 4)
        .quiet_zone(true)
        .build();
    Some(egui::ColorImage::from_gray(
        [image.width() as usize, image.height() as usize],
        image.as_raw(),
    ))
}

/// A Base32 key in groups of four, for reading it out or typing it on a phone.
pub fn grouped_key(key: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(key.len() + key.len() / 4));
    for (i, c) in key.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Draws the dialog.
#[allow(clippy::too_many_arguments)]
pub fn ui(
    ctx: &egui::Context,
    view: &View,
    dialog: &mut ManageDialog,
    account: &Account,
    index: usize,
    count: usize,
    encrypted: bool,
    icon: Option<&egui::TextureHandle>,
    out: &mut Vec<Command>,
) {
    let shown = super::dialog::show(
        ctx,
        "manage",
        480.0,
        &super::accounts::title(account),
        &view.t("gui-close"),
        |ui| {
            labels_ui(ui, view, dialog, account, index, count, out);
            ui.separator();
            organise_ui(ui, view, dialog, account, icon, out);
            ui.separator();
            key_ui(ui, view, dialog, account, encrypted, out);
            ui.separator();
            backup_codes_ui(ui, view, dialog, account, encrypted, out);
            ui.separator();
            delete_ui(ui, view, dialog, account, out);
        },
    );
    if shown.close_clicked || shown.dismissed {
        out.push(Command::CloseDialogs);
    }
}

fn labels_ui(
    ui: &mut egui::Ui,
    view: &View,
    dialog: &mut ManageDialog,
    account: &Account,
    index: usize,
    count: usize,
    out: &mut Vec<Command>,
) {
    egui::Grid::new("labels-grid")
        .num_columns(2)
        .show(ui, |ui| {
            let l = crate::gui::kinsoku::label(ui, view.t("gui-issuer"));
            ui.text_edit_singleline(&mut dialog.issuer)
                .labelled_by(l.id);
            ui.end_row();
            let l = crate::gui::kinsoku::label(ui, view.t("gui-account-name"));
            ui.text_edit_singleline(&mut dialog.name).labelled_by(l.id);
            ui.end_row();
            let l = crate::gui::kinsoku::label(ui, view.t("gui-note"));
            ui.add(egui::TextEdit::multiline(&mut dialog.note).desired_rows(2))
                .labelled_by(l.id);
            ui.end_row();
        });
    let changed = dialog.issuer != account.issuer
        || dialog.name != account.name
        || dialog.note != account.note;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(changed, egui::Button::new(view.t("gui-save")))
            .clicked()
        {
            out.push(Command::EditLabels {
                id: account.id.clone(),
                issuer: dialog.issuer.clone(),
                name: dialog.name.clone(),
                note: dialog.note.clone(),
            });
        }
        if ui
            .add_enabled(index > 0, egui::Button::new(view.t("gui-move-up")))
            .clicked()
        {
            out.push(Command::Move {
                from: index,
                to: index - 1,
            });
        }
        if ui
            .add_enabled(
                index + 1 < count,
                egui::Button::new(view.t("gui-move-down")),
            )
            .clicked()
        {
            out.push(Command::Move {
                from: index,
                to: index + 1,
            });
        }
    });
}

/// Pin, tags and icon.
fn organise_ui(
    ui: &mut egui::Ui,
    view: &View,
    dialog: &mut ManageDialog,
    account: &Account,
    icon: Option<&egui::TextureHandle>,
    out: &mut Vec<Command>,
) {
    let mut pinned = account.pinned;
    if ui
        .checkbox(&mut pinned, view.t("gui-pinned"))
        .on_hover_text(view.t("gui-pinned-hint"))
        .changed()
    {
        out.push(Command::SetPinned(account.id.clone(), pinned));
    }
    crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-tags")).strong());
    if account.tags.is_empty() {
        crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-tags-none")).weak());
    } else {
        ui.horizontal_wrapped(|ui| {
            for tag in &account.tags {
                if ui
                    .button(format!("{tag} ×"))
                    .on_hover_text(view.t("gui-tag-remove-hint"))
                    .clicked()
                {
                    out.push(Command::RemoveTag(account.id.clone(), tag.clone()));
                }
            }
        });
    }
    ui.horizontal(|ui| {
        let l = crate::gui::kinsoku::label(ui, view.t("gui-tag-new"));
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut dialog.new_tag)
                    .hint_text(view.t("gui-tag-new-hint"))
                    .desired_width(160.0),
            )
            .labelled_by(l.id);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let typed = !dialog.new_tag.trim().is_empty();
        let clicked = ui
            .add_enabled(typed, egui::Button::new(view.t("gui-tag-add")))
            .clicked();
        if clicked || (entered && typed) {
            out.push(Command::AddTag(account.id.clone(), dialog.new_tag.clone()));
        }
    });
    crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-icon")).strong());
    ui.horizontal(|ui| {
        super::accounts::icon_ui(ui, account, icon);
        if ui
            .button(view.t("gui-icon-choose-button"))
            .on_hover_text(view.t("gui-icon-choose-hint"))
            .clicked()
        {
            dialog.icon_error = None;
            out.push(Command::ChooseIcon);
        }
        if account.icon.is_some() && ui.button(view.t("gui-icon-remove")).clicked() {
            out.push(Command::ClearIcon(account.id.clone()));
        }
    });
    if let Some(path) = super::path_entry_ui(
        ui,
        view,
        &mut dialog.icon_path,
        "gui-icon-path-explain",
        None,
    ) {
        out.push(Command::SetIconFile(account.id.clone(), path));
    }
    if let Some(error) = &dialog.icon_error {
        crate::gui::kinsoku::label(ui, RichText::new(error).color(super::accounts::URGENT));
    }
}

fn key_ui(
    ui: &mut egui::Ui,
    view: &View,
    dialog: &mut ManageDialog,
    account: &Account,
    encrypted: bool,
    out: &mut Vec<Command>,
) {
    crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-transfer-title")).strong());
    if !dialog.key_shown {
        crate::gui::kinsoku::label(ui, view.t("gui-transfer-explain"));
        if encrypted {
            let l = crate::gui::kinsoku::label(ui, view.t("gui-password-section"));
            let field = super::password::field(ui, view, &mut dialog.password, 240.0, true)
                .labelled_by(l.id);
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if let Some(error) = &dialog.password_error {
                crate::gui::kinsoku::label(ui, RichText::new(error).color(super::accounts::URGENT));
            }
            if (ui
                .add_enabled(!view.busy, egui::Button::new(view.t("gui-show-key")))
                .clicked()
                || entered)
                && !dialog.password.is_empty()
            {
                out.push(Command::RevealKey(
                    account.id.clone(),
                    Some(dialog.password.clone()),
                ));
                dialog.password.clear();
            }
        } else if ui.button(view.t("gui-show-key")).clicked() {
            out.push(Command::RevealKey(account.id.clone(), None));
        }
        return;
    }
    let key_uri = uri::to_uri(&account.issuer, &account.name, &account.otp);
    if dialog.qr.is_none()
        && let Some(image) = qr_image(&key_uri)
    {
        dialog.qr = Some(
            ui.ctx()
                .load_texture("account-qr", image, egui::TextureOptions::NEAREST),
        );
    }
    if let Some(texture) = &dialog.qr {
        ui.add(egui::Image::new(texture).max_width(240.0))
            .on_hover_text(view.t("gui-qr-hint"));
    }
    let key = account.otp.secret.to_base32();
    ui.horizontal_wrapped(|ui| {
        crate::gui::kinsoku::label(ui, view.t("gui-key"));
        ui.label(RichText::new(&*grouped_key(&key)).monospace());
    });
    ui.horizontal(|ui| {
        if ui.button(view.t("gui-copy-key")).clicked() {
            out.push(Command::CopyText(key.clone()));
        }
        if ui.button(view.t("gui-copy-uri")).clicked() {
            out.push(Command::CopyText(key_uri.clone()));
        }
        if ui.button(view.t("gui-hide-key")).clicked() {
            dialog.key_shown = false;
            dialog.qr = None;
        }
    });
}

fn backup_codes_ui(
    ui: &mut egui::Ui,
    view: &View,
    dialog: &mut ManageDialog,
    account: &Account,
    encrypted: bool,
    out: &mut Vec<Command>,
) {
    let unused = account.unused_backup_codes().count();
    let title = if account.backup_codes.is_empty() {
        view.t("gui-backup-title-none")
    } else {
        view.tf(
            "gui-backup-title",
            &[("unused", &unused), ("total", &account.backup_codes.len())],
        )
    };
    crate::gui::kinsoku::label(ui, RichText::new(title).strong());
    crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-backup-explain")).small());
    // The codes log in without the authenticator: like the key, they show only after the vault
    // password is given again (anyone at an unlocked window could read them otherwise).
    let hidden = encrypted && !dialog.key_shown && !account.backup_codes.is_empty();
    if hidden {
        crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-backup-hidden")).weak());
    }
    egui::Grid::new("backup-codes")
        .num_columns(2)
        .show(ui, |ui| {
            for (i, code) in account.backup_codes.iter().enumerate() {
                if hidden {
                    break;
                }
                let mut used = code.used_at.is_some();
                let text = RichText::new(&code.code).monospace();
                let text = if used {
                    text.strikethrough().weak()
                } else {
                    text
                };
                if ui.checkbox(&mut used, text).changed() {
                    out.push(Command::SetBackupCodeUsed {
                        id: account.id.clone(),
                        index: i,
                        used,
                    });
                }
                if i % 2 == 1 {
                    ui.end_row();
                }
            }
        });
    let l = crate::gui::kinsoku::label(ui, view.t("gui-backup-paste"));
    ui.add(
        egui::TextEdit::multiline(&mut dialog.backup_input)
            .desired_rows(3)
            .hint_text("1234-5678\n9012-3456"),
    )
    .labelled_by(l.id);
    if ui
        .add_enabled(
            !dialog.backup_input.trim().is_empty(),
            egui::Button::new(view.t("gui-backup-add")),
        )
        .clicked()
    {
        out.push(Command::AddBackupCodes(
            account.id.clone(),
            dialog.backup_input.clone(),
        ));
    }
}

fn delete_ui(
    ui: &mut egui::Ui,
    view: &View,
    dialog: &mut ManageDialog,
    account: &Account,
    out: &mut Vec<Command>,
) {
    if !dialog.confirm_delete {
        if ui.button(view.t("gui-delete")).clicked() {
            dialog.confirm_delete = true;
        }
        return;
    }
    crate::gui::kinsoku::label(
        ui,
        RichText::new(view.t("gui-delete-confirm")).color(super::accounts::URGENT),
    );
    ui.horizontal(|ui| {
        if ui.button(view.t("gui-delete-yes")).clicked() {
            out.push(Command::Delete(account.id.clone()));
        }
        if ui.button(view.t("gui-cancel")).clicked() {
            dialog.confirm_delete = false;
        }
    });
}
