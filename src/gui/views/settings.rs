//! The settings dialog: language, theme, password (set, change, remove), auto-lock, clipboard
//! clearing, hiding codes for screen sharing, starting minimized.

use egui::RichText;
use mamori::i18n::Localize;

use super::View;
use super::password::labelled as labelled_password;
use super::welcome::strength_ui;
use crate::gui::command::Command;
use crate::gui::settings::{AUTO_LOCK_RANGE, CLIPBOARD_CLEAR_RANGE, Settings, Theme};
use crate::gui::state::settings::SettingsDialog;

/// Draws the dialog.
pub fn ui(ctx: &egui::Context, view: &View, dialog: &mut SettingsDialog, out: &mut Vec<Command>) {
    let before = dialog.draft.clone();
    let shown = super::dialog::show(
        ctx,
        "settings",
        480.0,
        &view.t("gui-settings"),
        &view.t("gui-close"),
        |ui| {
            unreadable_ui(ui, view);
            preferences_ui(ui, view, &mut dialog.draft);
            ui.separator();
            let encrypted = dialog.encrypted;
            backups_ui(
                ui,
                view,
                &mut dialog.draft,
                &mut dialog.path_entry,
                encrypted,
                out,
            );
            if let Some(on) = dialog.start_at_login {
                let mut wanted = on;
                if ui
                    .checkbox(&mut wanted, view.t("gui-start-at-login"))
                    .changed()
                {
                    out.push(Command::SetStartAtLogin(wanted));
                }
            }
            ui.separator();
            clock_ui(ui, view, dialog, out);
            ui.separator();
            password_ui(ui, view, dialog, out);
        },
    );
    if dialog.draft != before {
        out.push(Command::ApplySettings(dialog.draft.clone()));
    }
    if shown.close_clicked || shown.dismissed {
        out.push(Command::CloseDialogs);
    }
}

/// `settings.json` could not be read: why, that the defaults are in use, and that a change
/// here keeps that file aside rather than overwriting it.
fn unreadable_ui(ui: &mut egui::Ui, view: &View) {
    let Some((why, path)) = view.settings_unreadable else {
        return;
    };
    let file = mamori::settings::UnreadableFile { path, why };
    let warning = RichText::new(file.localize(view.lang)).color(ui.visuals().warn_fg_color);
    crate::gui::kinsoku::label(ui, warning);
    // Only a text that is not settings is kept aside; a file the system will not read stays.
    if why.is_content() {
        let kept = mamori::settings::kept_unreadable_path(path);
        crate::gui::kinsoku::label(
            ui,
            view.tf("gui-settings-unreadable-keep", &[("kept", &kept.display())]),
        );
    }
    ui.separator();
}

/// The clock check: on/off, the time servers, what the last check found, "check now", and
/// generating codes with the measured offset applied.
fn clock_ui(ui: &mut egui::Ui, view: &View, dialog: &mut SettingsDialog, out: &mut Vec<Command>) {
    use crate::gui::state::ClockStatus;
    ui.strong(view.t("gui-clock"));
    let draft = &mut dialog.draft.clock;
    fixed_by_policy(ui, view, "clock_check", |ui| {
        crate::gui::kinsoku::checkbox(ui, &mut draft.clock_check, view.t("gui-clock-check"));
    });
    let servers_fixed = view.policy.fixes("time_servers");
    if servers_fixed {
        admin_note(ui, view);
    }
    ui.add_enabled_ui(draft.clock_check && !servers_fixed, |ui| {
        let label = crate::gui::kinsoku::label(ui, view.t("gui-clock-servers"));
        let edit = ui
            .add(
                egui::TextEdit::multiline(&mut dialog.time_servers)
                    .desired_rows(3)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        if edit.changed() {
            draft.time_servers = dialog
                .time_servers
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(str::to_string)
                .collect();
        }
        ui.horizontal_wrapped(|ui| {
            let status = match view.clock {
                ClockStatus::Off => view.t("gui-clock-status-off"),
                ClockStatus::Checking => view.t("gui-clock-status-checking"),
                ClockStatus::Measured(reading) => view.tf(
                    "gui-clock-status-measured",
                    &[
                        (
                            "drift",
                            &mamori::clock_check::describe(reading.offset_seconds)
                                .localize(view.lang),
                        ),
                        ("server", &reading.server),
                    ],
                ),
                ClockStatus::Failed(e) => e.localize(view.lang),
            };
            if *view.clock == ClockStatus::Checking {
                ui.spinner();
            }
            ui.label(status);
            if ui
                .add_enabled(
                    *view.clock != ClockStatus::Checking,
                    egui::Button::new(view.t("gui-clock-check-now")),
                )
                .clicked()
            {
                out.push(Command::CheckClock);
            }
        });
        crate::gui::kinsoku::checkbox(ui, &mut draft.apply_offset, view.t("gui-clock-apply"));
        if let mamori::clock_check::Correction::NeedsConfirmation(offset) = view.clock_correction {
            confirm_offset_ui(ui, view, offset, out);
        }
    });
    crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-clock-note")).small().weak());
}

/// An offset over 10 minutes is applied only once the user says yes: the question, and the
/// button that says it.
fn confirm_offset_ui(ui: &mut egui::Ui, view: &View, offset: f64, out: &mut Vec<Command>) {
    let drift = mamori::clock_check::describe(offset).localize(view.lang);
    let minutes = mamori::clock_check::MAX_UNASKED_OFFSET_SECONDS / 60.0;
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, ui.visuals().warn_fg_color))
        .show(ui, |ui| {
            crate::gui::kinsoku::label(
                ui,
                view.tf(
                    "gui-clock-confirm-question",
                    &[("drift", &drift), ("minutes", &minutes)],
                ),
            );
            if ui.button(view.t("gui-clock-confirm")).clicked() {
                out.push(Command::ConfirmClockOffset(offset));
            }
        });
}

/// Below this width the settings stop being a two-column grid: each label stands above its
/// controls, which wrap, rather than pushing the dialog past the window's edge (a Japanese row
/// such as 「並び順 ◉手動 ○サービス名 ○アカウント名」 alone is about 380 points).
const STACK_BELOW: f32 = 480.0;

/// One settings row: the label, then its controls (given the label's id to be labelled by);
/// a grid row when `stacked` is false, else the label above its wrapped controls.
fn row(
    ui: &mut egui::Ui,
    stacked: bool,
    label: impl Into<egui::WidgetText>,
    controls: impl FnOnce(&mut egui::Ui, egui::Id),
) {
    let label = crate::gui::kinsoku::label(ui, label);
    if stacked {
        ui.horizontal_wrapped(|ui| {
            ui.add_space(12.0);
            controls(ui, label.id);
        });
    } else {
        ui.horizontal(|ui| controls(ui, label.id));
        ui.end_row();
    }
}

fn preferences_ui(ui: &mut egui::Ui, view: &View, draft: &mut Settings) {
    let stacked = ui.available_width() < STACK_BELOW;
    let mut rows = |ui: &mut egui::Ui| {
        row(ui, stacked, view.t("gui-language"), |ui, _| {
            let current = draft.lang();
            if ui
                .selectable_label(current == mamori::i18n::Lang::Ja, "日本語")
                .clicked()
            {
                draft.language = Some("ja".into());
            }
            if ui
                .selectable_label(current == mamori::i18n::Lang::En, "English")
                .clicked()
            {
                draft.language = Some("en".into());
            }
        });
        row(ui, stacked, view.t("gui-theme"), |ui, _| {
            crate::gui::kinsoku::radio_value(
                ui,
                &mut draft.theme,
                Theme::System,
                view.t("gui-theme-system"),
            );
            crate::gui::kinsoku::radio_value(
                ui,
                &mut draft.theme,
                Theme::Light,
                view.t("gui-theme-light"),
            );
            crate::gui::kinsoku::radio_value(
                ui,
                &mut draft.theme,
                Theme::Dark,
                view.t("gui-theme-dark"),
            );
        });
        row(ui, stacked, view.t("gui-sort"), |ui, _| {
            use crate::gui::settings::SortOrder;
            crate::gui::kinsoku::radio_value(
                ui,
                &mut draft.sort,
                SortOrder::Manual,
                view.t("gui-sort-manual"),
            );
            crate::gui::kinsoku::radio_value(
                ui,
                &mut draft.sort,
                SortOrder::Issuer,
                view.t("gui-sort-issuer"),
            );
            crate::gui::kinsoku::radio_value(
                ui,
                &mut draft.sort,
                SortOrder::Name,
                view.t("gui-sort-name"),
            );
        });
        // 「無操作時の自動ロック □しない 5 分後」: the label, the control and the unit after
        // it read as one phrase in both languages.
        row(ui, stacked, view.t("gui-auto-lock"), |ui, label| {
            fixed_by_policy(ui, view, "auto_lock_minutes", |ui| {
                optional_number(
                    ui,
                    view,
                    label,
                    &mut draft.auto_lock_minutes,
                    AUTO_LOCK_RANGE,
                    5,
                    "gui-minutes",
                );
            });
        });
        row(ui, stacked, view.t("gui-clipboard-clear"), |ui, label| {
            fixed_by_policy(ui, view, "clipboard_clear_seconds", |ui| {
                optional_number(
                    ui,
                    view,
                    label,
                    &mut draft.clipboard_clear_seconds,
                    CLIPBOARD_CLEAR_RANGE,
                    30,
                    "gui-seconds",
                );
            });
        });
    };
    if stacked {
        rows(ui);
    } else {
        egui::Grid::new("settings-grid")
            .num_columns(2)
            .show(ui, rows);
    }
    crate::gui::kinsoku::checkbox(ui, &mut draft.hide_codes, view.t("gui-hide-codes"));
    crate::gui::kinsoku::checkbox(
        ui,
        &mut draft.start_minimized,
        view.t("gui-start-minimized"),
    );
    crate::gui::kinsoku::checkbox(ui, &mut draft.close_to_tray, view.t("gui-close-to-tray"));
    hotkey_ui(ui, view, draft);
    fixed_by_policy(ui, view, "capture_protection", |ui| {
        crate::gui::kinsoku::checkbox(
            ui,
            &mut draft.capture_protection,
            view.t("gui-capture-protection"),
        );
    });
    if let Err(reason) = crate::gui::capture_protection::availability() {
        crate::gui::kinsoku::label(
            ui,
            RichText::new(view.t(reason.message_key())).small().weak(),
        );
    }
    crate::gui::kinsoku::label(
        ui,
        RichText::new(view.t("gui-clipboard-note")).small().weak(),
    );
}

fn backups_ui(
    ui: &mut egui::Ui,
    view: &View,
    draft: &mut Settings,
    path_entry: &mut crate::gui::state::forms::PathEntry,
    encrypted: bool,
    out: &mut Vec<Command>,
) {
    crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-auto-backup")).strong());
    // Say what is true: the copies are exactly the vault file, encrypted only if it is.
    if encrypted {
        crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-auto-backup-explain")).small());
    } else {
        crate::gui::kinsoku::label(
            ui,
            RichText::new(view.t("gui-auto-backup-explain-plain"))
                .small()
                .color(ui.visuals().warn_fg_color),
        );
    }
    match &draft.backup_folder {
        Some(folder) => {
            crate::gui::kinsoku::label(
                ui,
                view.tf("gui-auto-backup-to", &[("path", &folder.display())]),
            );
            ui.horizontal(|ui| {
                let label = crate::gui::kinsoku::label(ui, view.t("gui-auto-backup-keep"));
                ui.add(egui::DragValue::new(&mut draft.backup_keep).range(1..=100))
                    .labelled_by(label.id);
                if ui.button(view.t("gui-auto-backup-change")).clicked() {
                    out.push(Command::ChooseBackupFolder);
                }
                if ui.button(view.t("gui-auto-backup-off")).clicked() {
                    draft.backup_folder = None;
                }
            });
        }
        None => {
            if ui.button(view.t("gui-auto-backup-choose")).clicked() {
                out.push(Command::ChooseBackupFolder);
            }
        }
    }
    if let Some(folder) =
        super::path_entry_ui(ui, view, path_entry, "gui-path-folder-explain", None)
    {
        draft.backup_folder = Some(folder);
        *path_entry = crate::gui::state::forms::PathEntry::default();
    }
    // The export reminder: off by default with automatic backups, 30 days without.
    let mut days =
        mamori::health::reminder_days(draft.backup_reminder_days, draft.backup_folder.is_some());
    let before = days;
    ui.horizontal(|ui| {
        let label = crate::gui::kinsoku::label(ui, view.t("gui-backup-reminder"));
        optional_number(
            ui,
            view,
            label.id,
            &mut days,
            1..=365,
            mamori::health::DEFAULT_REMINDER_DAYS,
            "gui-days",
        );
    });
    if days != before {
        draft.backup_reminder_days = Some(days);
    }
}

/// Draws `add` disabled, followed by "Set by your administrator", when the policy fixes
/// `setting` (its `settings.json` name); as usual otherwise.
fn fixed_by_policy(ui: &mut egui::Ui, view: &View, setting: &str, add: impl FnOnce(&mut egui::Ui)) {
    if !view.policy.fixes(setting) {
        add(ui);
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(false, add);
        admin_note(ui, view);
    });
}

/// "Set by your administrator", small.
fn admin_note(ui: &mut egui::Ui, view: &View) {
    ui.label(RichText::new(view.t("policy-set-by-admin")).small().weak());
}

/// A "never" checkbox and a number in `range` (0 stands for never).
fn optional_number(
    ui: &mut egui::Ui,
    view: &View,
    label: egui::Id,
    value: &mut u32,
    range: std::ops::RangeInclusive<u32>,
    default: u32,
    unit: &str,
) {
    let mut never = *value == 0;
    if crate::gui::kinsoku::checkbox(ui, &mut never, view.t("gui-never")).changed() {
        *value = if never { 0 } else { default };
    }
    if *value > 0 {
        ui.add(egui::DragValue::new(value).range(range))
            .labelled_by(label);
        crate::gui::kinsoku::label(ui, view.t(unit));
    }
}

fn password_ui(
    ui: &mut egui::Ui,
    view: &View,
    dialog: &mut SettingsDialog,
    out: &mut Vec<Command>,
) {
    crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-password-section")).strong());
    crate::gui::kinsoku::label(
        ui,
        view.t(if dialog.encrypted {
            "gui-password-is-set"
        } else {
            "gui-password-not-set"
        }),
    );
    if dialog.encrypted {
        labelled_password(
            ui,
            view,
            &view.t("gui-password-current"),
            &mut dialog.current,
        );
    }
    labelled_password(ui, view, &view.t("gui-password-new"), &mut dialog.new);
    strength_ui(ui, view, &dialog.new);
    labelled_password(ui, view, &view.t("gui-password-repeat"), &mut dialog.repeat);
    let matching = *dialog.new == *dialog.repeat;
    if !dialog.repeat.is_empty() && !matching {
        crate::gui::kinsoku::label(
            ui,
            RichText::new(view.t("gui-password-mismatch")).color(super::accounts::URGENT),
        );
    }
    if let Some(error) = &dialog.password_error {
        crate::gui::kinsoku::label(ui, RichText::new(error).color(super::accounts::URGENT));
    }
    let current_ok = !dialog.encrypted || !dialog.current.is_empty();
    ui.horizontal(|ui| {
        let label = if dialog.encrypted {
            "gui-password-change"
        } else {
            "gui-password-set-button"
        };
        if ui
            .add_enabled(
                !view.busy && current_ok && !dialog.new.is_empty() && matching,
                egui::Button::new(view.t(label)),
            )
            .clicked()
        {
            out.push(Command::ChangePassword {
                current: dialog.encrypted.then(|| dialog.current.clone()),
                new: Some(dialog.new.clone()),
            });
        }
        let required = view.policy.require_password == Some(true);
        if dialog.encrypted
            && ui
                .add_enabled(
                    !view.busy && current_ok && !required,
                    egui::Button::new(view.t("gui-password-remove")),
                )
                .on_hover_text(view.t("gui-password-remove-hint"))
                .clicked()
        {
            out.push(Command::ChangePassword {
                current: Some(dialog.current.clone()),
                new: None,
            });
        }
        if view.busy {
            ui.spinner();
        }
    });
    if dialog.encrypted && view.policy.require_password == Some(true) {
        crate::gui::kinsoku::label(
            ui,
            RichText::new(view.t("gui-policy-password-required"))
                .small()
                .weak(),
        );
    }
}

/// The quick pick's global shortcut: typed as text (`Ctrl+Alt+M`); a text that is not a
/// shortcut is said under the field and not applied, a clash is said when applied.
fn hotkey_ui(ui: &mut egui::Ui, view: &View, draft: &mut crate::gui::settings::Settings) {
    ui.horizontal(|ui| {
        let label = crate::gui::kinsoku::label(ui, view.t("gui-quick-pick-hotkey"));
        ui.add(
            egui::TextEdit::singleline(&mut draft.quick_pick_hotkey)
                .desired_width(160.0)
                .id_salt("quick-pick-hotkey"),
        )
        .labelled_by(label.id);
    });
    let text = draft.quick_pick_hotkey.trim();
    let problem = (!text.is_empty())
        .then(|| crate::gui::hotkey::parse(text).err())
        .flatten();
    match problem {
        Some(problem) => {
            crate::gui::kinsoku::label(
                ui,
                RichText::new(problem.message(view.lang))
                    .small()
                    .color(egui::Color32::from_rgb(0xd0, 0x30, 0x30)),
            );
        }
        None => {
            crate::gui::kinsoku::label(
                ui,
                RichText::new(view.t("gui-quick-pick-hotkey-help"))
                    .small()
                    .weak(),
            );
        }
    }
}
