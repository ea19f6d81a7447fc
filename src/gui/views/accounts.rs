//! The account list: one row per account with its code in large grouped digits, a countdown
//! that turns urgent in the last 5 seconds (with the next code beside it), a copy button, the
//! count of unused backup codes; HOTP rows get a "next code" button instead of a countdown.

use egui::{Color32, RichText, Sense};

use mamori::account::{Account, AccountId, OtpKind};
use mamori::otp;

use super::View;
use crate::gui::app::{Command, Session};
use crate::gui::settings::SortOrder;

/// Seconds before the change when a countdown turns urgent.
pub const URGENT_SECONDS: u32 = 5;
/// Colour of an urgent countdown.
pub const URGENT: Color32 = Color32::from_rgb(0xd0, 0x40, 0x30);

/// The row's title: issuer, or the account name when there is no issuer.
pub fn title(account: &Account) -> String {
    if account.issuer.is_empty() {
        account.name.clone()
    } else if account.name.is_empty() {
        account.issuer.clone()
    } else {
        format!("{} ({})", account.issuer, account.name)
    }
}

/// The accounts matching `search` (issuer and name, case- and width-insensitive), in the
/// chosen order.
pub fn ordered<'a>(accounts: &'a [Account], search: &str, sort: SortOrder) -> Vec<&'a Account> {
    let search = search.trim();
    let mut rows: Vec<&Account> = accounts
        .iter()
        .filter(|a| search.is_empty() || a.matches(search))
        .collect();
    let key = |a: &Account, first: &str, second: &str| {
        (
            mamori::account::fold(first),
            mamori::account::fold(second),
            a.created,
        )
    };
    match sort {
        SortOrder::Manual => {}
        SortOrder::Issuer => rows.sort_by_key(|a| key(a, &a.issuer, &a.name)),
        SortOrder::Name => rows.sort_by_key(|a| key(a, &a.name, &a.issuer)),
    }
    rows
}

/// What a row shows for its code right now.
pub struct RowCode {
    /// The code grouped for reading, or dots when hidden.
    pub text: String,
    /// Seconds left (TOTP).
    pub remaining: Option<u32>,
    /// The period (TOTP).
    pub period: Option<u32>,
    /// The next code, during the last seconds.
    pub next: Option<String>,
}

/// The code of `account` at `now` as the row shows it.
pub fn row_code(account: &Account, session: &Session, now: f64, hide: bool) -> RowCode {
    let at = now.max(0.0) as u64;
    let hidden = hide && !session.revealed.contains(&account.id);
    let dots = |digits: u8| otp::group_digits(&"•".repeat(usize::from(digits)));
    match account.otp.kind {
        OtpKind::Totp { period } => {
            let code = otp::generate(&account.otp, at);
            let remaining = code.remaining.unwrap_or(period);
            let next = (remaining <= URGENT_SECONDS && !hidden)
                .then(|| otp::generate(&account.otp, at + u64::from(remaining)).grouped());
            RowCode {
                text: if hidden {
                    dots(account.otp.digits)
                } else {
                    code.grouped()
                },
                remaining: Some(remaining),
                period: Some(period),
                next,
            }
        }
        OtpKind::Hotp { .. } => {
            let shown = session
                .hotp_codes
                .iter()
                .find(|(id, _)| *id == account.id)
                .map(|(_, code)| otp::group_digits(code));
            RowCode {
                text: match shown {
                    Some(code) if !hidden => code,
                    _ => dots(account.otp.digits),
                },
                remaining: None,
                period: None,
                next: None,
            }
        }
    }
}

/// Draws the list (or the empty state).
pub fn list_ui(ui: &mut egui::Ui, view: &View, session: &mut Session, out: &mut Vec<Command>) {
    if session.vault.accounts().is_empty() {
        empty_ui(ui, view, out);
        return;
    }
    let sort = view.settings.sort;
    let rows: Vec<(usize, AccountId)> = {
        let all = session.vault.accounts();
        ordered(all, &session.search, sort)
            .into_iter()
            .filter_map(|a| {
                all.iter()
                    .position(|b| b.id == a.id)
                    .map(|i| (i, a.id.clone()))
            })
            .collect()
    };
    if rows.is_empty() {
        ui.add_space(20.0);
        ui.vertical_centered(|ui| {
            ui.label(view.tf("gui-no-match", &[("query", &session.search.trim())]));
        });
        return;
    }
    let draggable = sort == SortOrder::Manual && session.search.trim().is_empty();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (index, id) in rows {
                let Some(account) = session.vault.accounts().get(index) else {
                    continue;
                };
                let code = row_code(account, session, view.now, view.settings.hide_codes);
                let selected = session.selected.as_ref() == Some(&id);
                row_ui(ui, view, account, index, &code, selected, draggable, out);
            }
        });
}

#[allow(clippy::too_many_arguments)]
fn row_ui(
    ui: &mut egui::Ui,
    view: &View,
    account: &Account,
    index: usize,
    code: &RowCode,
    selected: bool,
    draggable: bool,
    out: &mut Vec<Command>,
) {
    let urgent = code.remaining.is_some_and(|r| r <= URGENT_SECONDS);
    let mut frame = egui::Frame::group(ui.style()).inner_margin(egui::Margin::symmetric(10, 8));
    if selected {
        frame = frame.stroke(ui.visuals().selection.stroke);
    }
    // The row senses clicks behind its children: a click on a button goes to the button, a
    // click anywhere else on the row copies.
    let row = ui.scope_builder(egui::UiBuilder::new().sense(Sense::click()), |ui| {
        frame.show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                if draggable {
                    let handle_id = egui::Id::unique(("drag-row", index));
                    ui.dnd_drag_source(handle_id, index, |ui| {
                        ui.label(RichText::new("≡").size(20.0).weak())
                            .on_hover_text(view.t("gui-drag-hint"));
                    });
                }
                ui.vertical(|ui| {
                    let issuer = if account.issuer.is_empty() {
                        account.name.as_str()
                    } else {
                        account.issuer.as_str()
                    };
                    ui.label(RichText::new(issuer).strong());
                    if !account.issuer.is_empty() && !account.name.is_empty() {
                        ui.label(RichText::new(&account.name).weak());
                    }
                    let unused = account.unused_backup_codes().count();
                    if !account.backup_codes.is_empty() {
                        ui.label(
                            RichText::new(view.tf("gui-backup-count", &[("count", &unused)]))
                                .small(),
                        );
                    }
                });
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
                    if ui
                        .button("⋯")
                        .on_hover_text(view.t("gui-details"))
                        .clicked()
                    {
                        out.push(Command::Manage(account.id.clone()));
                    }
                    match code.remaining {
                        Some(_) => {
                            if ui
                                .button(view.t("gui-copy"))
                                .on_hover_text(view.t("gui-copy-hint"))
                                .clicked()
                            {
                                out.push(Command::CopyCode(account.id.clone()));
                            }
                        }
                        None => {
                            if ui
                                .button(view.t("gui-next-code"))
                                .on_hover_text(view.t("gui-next-code-hint"))
                                .clicked()
                            {
                                out.push(Command::NextHotpCode(account.id.clone()));
                            }
                        }
                    }
                    if let (Some(remaining), Some(period)) = (code.remaining, code.period) {
                        ui.allocate_ui_with_layout(
                            egui::vec2(60.0, 40.0),
                            egui::Layout::top_down(egui::Align::Center),
                            |ui| countdown_ui(ui, view, remaining, period, view.now),
                        );
                    }
                    let width = 24.0 + 17.0 * code.text.chars().count() as f32;
                    ui.allocate_ui_with_layout(
                        egui::vec2(width, 48.0),
                        egui::Layout::top_down(egui::Align::Max),
                        |ui| {
                            let color = if urgent {
                                URGENT
                            } else {
                                ui.visuals().strong_text_color()
                            };
                            let big = ui.add(
                                egui::Label::new(
                                    RichText::new(&code.text)
                                        .monospace()
                                        .size(28.0)
                                        .color(color),
                                )
                                .sense(Sense::click()),
                            );
                            if big.clicked() {
                                out.push(Command::CopyCode(account.id.clone()));
                            }
                            if let Some(next) = &code.next {
                                ui.label(
                                    RichText::new(view.tf("gui-next", &[("code", next)]))
                                        .monospace()
                                        .small(),
                                );
                            }
                        },
                    );
                });
            });
        })
    });
    let response = row.response;
    if response.clicked() {
        match code.remaining {
            Some(_) => out.push(Command::CopyCode(account.id.clone())),
            None => out.push(Command::Manage(account.id.clone())),
        }
    }
    if draggable && let Some(from) = response.dnd_release_payload::<usize>() {
        out.push(Command::Move {
            from: *from,
            to: index,
        });
    }
}

/// A bar that empties as the period runs out, with the seconds left.
fn countdown_ui(ui: &mut egui::Ui, view: &View, remaining: u32, period: u32, now: f64) {
    let elapsed_fraction = now.fract() as f32;
    let left = (remaining as f32 - elapsed_fraction).max(0.0) / period.max(1) as f32;
    let urgent = remaining <= URGENT_SECONDS;
    let fill = if urgent {
        URGENT
    } else {
        ui.visuals().selection.bg_fill
    };
    ui.add(
        egui::ProgressBar::new(left)
            .desired_width(56.0)
            .desired_height(6.0)
            .fill(fill),
    );
    ui.label(RichText::new(view.tf("gui-seconds-left", &[("seconds", &remaining)])).small());
}

fn empty_ui(ui: &mut egui::Ui, view: &View, out: &mut Vec<Command>) {
    ui.vertical_centered(|ui| {
        ui.add_space(40.0);
        ui.heading(view.t("gui-empty-title"));
        ui.add_space(8.0);
        ui.label(view.t("gui-empty-intro"));
        ui.add_space(12.0);
        if ui.button(view.t("gui-add-scan")).clicked() {
            out.push(Command::ScanScreens);
        }
        if ui.button(view.t("gui-add-paste")).clicked() {
            out.push(Command::Paste);
        }
        if ui.button(view.t("gui-add-file")).clicked() {
            out.push(Command::ChooseImage);
        }
        if ui.button(view.t("gui-add-manual")).clicked() {
            out.push(Command::OpenAdd(super::add::AddTab::Manual));
        }
        if ui.button(view.t("gui-add-import-link")).clicked() {
            out.push(Command::OpenImport);
        }
        ui.add_space(8.0);
        ui.label(RichText::new(view.t("gui-empty-drop")).weak());
    });
}
