//! The account list: one row per account with its icon (custom, or the letter avatar), its
//! tags, its code in large grouped digits, a countdown that turns urgent in the last 5 seconds
//! (with the next code beside it), a copy button, the count of unused backup codes; HOTP rows
//! get a "next code" button instead of a countdown. Pinned accounts come first (marked by a bar
//! on the row's edge); a right click opens the row's menu (pin, details, move to the trash).
//! Tag chips above the list show one tag's accounts.

use egui::{Color32, RichText, Sense};

use mamori::account::{Account, AccountId, OtpKind};
use mamori::otp;

use super::View;
use crate::gui::command::Command;
use crate::gui::settings::SortOrder;
use crate::gui::state::Session;

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

/// The accounts matching `search` (issuer, name and tags, case- and width-insensitive) and
/// carrying `tag` (when a chip is chosen), pinned ones first, each group in the chosen order.
pub fn ordered<'a>(
    accounts: &'a [Account],
    search: &str,
    tag: Option<&str>,
    sort: SortOrder,
) -> Vec<&'a Account> {
    let search = search.trim();
    let mut rows: Vec<&Account> = mamori::accounts::pinned_first(accounts)
        .into_iter()
        .map(|i| &accounts[i])
        .filter(|a| search.is_empty() || a.matches(search))
        .filter(|a| tag.is_none_or(|t| a.has_tag(t)))
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
        SortOrder::Issuer => rows.sort_by_key(|a| (!a.pinned, key(a, &a.issuer, &a.name))),
        SortOrder::Name => rows.sort_by_key(|a| (!a.pinned, key(a, &a.name, &a.issuer))),
    }
    rows
}

/// The tag chips above the list: "All" and one per tag in use; a click shows only that tag's
/// accounts (again: all of them). Nothing when no account has a tag.
pub fn tag_chips_ui(ui: &mut egui::Ui, view: &View, session: &mut Session) {
    let tags = mamori::accounts::all_tags(session.vault.accounts());
    if tags.is_empty() {
        session.tag_filter = None;
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        if ui
            .selectable_label(session.tag_filter.is_none(), view.t("gui-tags-all"))
            .clicked()
        {
            session.tag_filter = None;
        }
        for tag in tags {
            let chosen = session
                .tag_filter
                .as_deref()
                .is_some_and(|t| mamori::account::fold(t) == mamori::account::fold(&tag));
            if ui.selectable_label(chosen, &tag).clicked() {
                session.tag_filter = (!chosen).then_some(tag);
            }
        }
    });
    ui.add_space(2.0);
}

/// Side of the icon in a row, in points.
pub const ICON_SIZE: f32 = 32.0;

/// The texture of an account's icon (its custom icon, else the bundled one for its issuer),
/// made once and kept while the PNG stays the same.
pub fn icon_texture(
    ctx: &egui::Context,
    cache: &mut std::collections::HashMap<AccountId, (u64, egui::TextureHandle)>,
    account: &Account,
) -> Option<egui::TextureHandle> {
    use std::hash::{Hash as _, Hasher as _};
    let png = match account.icon.as_deref() {
        Some(png) => png,
        None => mamori::icon::bundled(&account.issuer)?.png,
    };
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    png.hash(&mut hasher);
    let hash = hasher.finish();
    if let Some((known, texture)) = cache.get(&account.id)
        && *known == hash
    {
        return Some(texture.clone());
    }
    let rgba = image::load_from_memory(png).ok()?.to_rgba8();
    let image = egui::ColorImage::from_rgba_unmultiplied(
        [rgba.width() as usize, rgba.height() as usize],
        rgba.as_raw(),
    );
    let texture = ctx.load_texture(
        format!("icon-{}", account.id),
        image,
        egui::TextureOptions::LINEAR,
    );
    cache.insert(account.id.clone(), (hash, texture.clone()));
    Some(texture)
}

/// Draws an account's icon: the texture of its custom or bundled icon, else the letter avatar
/// (issuer's first letter on a colour fixed by the issuer).
pub fn icon_ui(ui: &mut egui::Ui, account: &Account, texture: Option<&egui::TextureHandle>) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(ICON_SIZE, ICON_SIZE), Sense::hover());
    if let Some(texture) = texture {
        ui.painter().image(
            texture.id(),
            rect,
            egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
            Color32::WHITE,
        );
        return;
    }
    let avatar = mamori::icon::avatar(&account.issuer, &account.name);
    let [r, g, b] = avatar.rgb;
    ui.painter()
        .circle_filled(rect.center(), ICON_SIZE / 2.0, Color32::from_rgb(r, g, b));
    ui.painter().text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        &avatar.letter,
        egui::FontId::proportional(ICON_SIZE * 0.55),
        Color32::WHITE,
    );
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
        OtpKind::Totp { period } | OtpKind::Steam { period } => {
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

/// Height of a row when the code sits beside the names. Every row has the same height, kept
/// while the next code shows in the last seconds, so the list never shifts under the pointer.
pub const ROW_HEIGHT: f32 = 72.0;
/// Height of a row in a narrow window, where the code sits under the names.
pub const NARROW_ROW_HEIGHT: f32 = 96.0;
/// Below this width (in points) the code goes under the names.
pub const NARROW_BELOW: f32 = 440.0;
/// Height of a row's content: the code in large digits with the next code under it.
const CONTENT_HEIGHT: f32 = 50.0;
/// Room left under the last row so that a toast never covers it.
const TOAST_ROOM: f32 = 64.0;

/// Draws the list (or the empty state). Only the rows in view are laid out and painted, so an
/// idle window with 500 accounts costs what one with 10 does.
pub fn list_ui(ui: &mut egui::Ui, view: &View, session: &mut Session, out: &mut Vec<Command>) {
    if session.vault.accounts().is_empty() {
        empty_ui(ui, view, out);
        return;
    }
    let sort = view.settings.sort;
    let rows: Vec<(usize, AccountId)> = {
        let all = session.vault.accounts();
        let position: std::collections::HashMap<&AccountId, usize> =
            all.iter().enumerate().map(|(i, a)| (&a.id, i)).collect();
        ordered(all, &session.search, session.tag_filter.as_deref(), sort)
            .into_iter()
            .filter_map(|a| position.get(&a.id).map(|i| (*i, a.id.clone())))
            .collect()
    };
    if rows.is_empty() {
        ui.add_space(20.0);
        ui.vertical_centered(|ui| {
            crate::gui::kinsoku::label(
                ui,
                view.tf("gui-no-match", &[("query", &session.search.trim())]),
            );
        });
        return;
    }
    let draggable = sort == SortOrder::Manual
        && session.search.trim().is_empty()
        && session.tag_filter.is_none();
    let narrow = ui.available_width() < NARROW_BELOW;
    let row_height = if narrow {
        NARROW_ROW_HEIGHT
    } else {
        ROW_HEIGHT
    };
    let spacing = ui.spacing().item_spacing.y;
    let scroll_to = std::mem::take(&mut session.scroll_to_selected)
        .then(|| {
            session
                .selected
                .as_ref()
                .and_then(|id| rows.iter().position(|(_, r)| r == id))
        })
        .flatten();
    // One row more than there are accounts: blank room for the toasts at the end.
    let extra = (TOAST_ROOM / (row_height + spacing)).ceil() as usize;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show_rows(ui, row_height, rows.len() + extra, |ui, range| {
            let first_top = ui.max_rect().top() - range.start as f32 * (row_height + spacing);
            if let Some(position) = scroll_to {
                let top = first_top + position as f32 * (row_height + spacing);
                let rect = egui::Rect::from_min_size(
                    egui::pos2(ui.max_rect().left(), top),
                    egui::vec2(ui.max_rect().width(), row_height),
                );
                ui.scroll_to_rect(rect, None);
            }
            for position in range {
                let Some((index, id)) = rows.get(position) else {
                    ui.allocate_space(egui::vec2(ui.available_width(), row_height));
                    continue;
                };
                let Some(account) = session.vault.accounts().get(*index) else {
                    continue;
                };
                let code = row_code(account, session, view.now, view.settings.hide_codes);
                let icon = icon_texture(ui.ctx(), &mut session.icons, account);
                let row = Row {
                    account,
                    icon: icon.as_ref(),
                    index: *index,
                    code: &code,
                    selected: session.selected.as_ref() == Some(id),
                    draggable,
                    narrow,
                    height: row_height,
                };
                row_ui(ui, view, &row, out);
            }
        });
}

/// One row to draw.
struct Row<'a> {
    account: &'a Account,
    /// The custom icon's texture, if the account has one.
    icon: Option<&'a egui::TextureHandle>,
    /// Position in the vault's order (for drag and drop).
    index: usize,
    code: &'a RowCode,
    selected: bool,
    draggable: bool,
    /// Code under the names instead of beside them.
    narrow: bool,
    height: f32,
}

fn row_ui(ui: &mut egui::Ui, view: &View, row: &Row, out: &mut Vec<Command>) {
    let account = row.account;
    let (rect, _) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), row.height), Sense::hover());
    if !ui.is_rect_visible(rect) {
        return;
    }
    // The row senses clicks behind its children: a click on a button goes to the button, a
    // click anywhere else on the row copies.
    let response = ui.interact(
        rect,
        egui::Id::unique(("account-row", &account.id)),
        Sense::click(),
    );
    let visuals = ui.visuals();
    let stroke = if row.selected {
        visuals.selection.stroke
    } else {
        visuals.widgets.noninteractive.bg_stroke
    };
    let fill = if response.hovered() {
        visuals.faint_bg_color
    } else {
        Color32::TRANSPARENT
    };
    ui.painter().rect(
        rect,
        visuals.widgets.noninteractive.corner_radius,
        fill,
        stroke,
        egui::StrokeKind::Inside,
    );
    if account.pinned {
        let bar = egui::Rect::from_min_size(rect.min, egui::vec2(4.0, rect.height()));
        ui.painter()
            .rect_filled(bar, 2.0, visuals.selection.bg_fill);
    }
    let inner = rect.shrink2(egui::vec2(10.0, 6.0));
    // The content, centred in the row: the code column (large code, next code under it) is
    // CONTENT_HEIGHT tall; a narrow row adds the names above it.
    let content_height = if row.narrow {
        CONTENT_HEIGHT + 32.0
    } else {
        CONTENT_HEIGHT
    };
    let content = egui::Rect::from_center_size(
        inner.center(),
        egui::vec2(inner.width(), content_height.min(inner.height())),
    );
    let mut child = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(content)
            .layout(egui::Layout::left_to_right(egui::Align::Center)),
    );
    child.set_clip_rect(inner.intersect(ui.clip_rect()));
    if row.narrow {
        child.vertical(|ui| {
            ui.horizontal(|ui| {
                handle_ui(ui, view, row);
                icon_ui(ui, account, row.icon);
                names_ui(ui, view, account);
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                code_side_ui(ui, view, row, out);
            });
        });
    } else {
        child.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            code_side_ui(ui, view, row, out);
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                handle_ui(ui, view, row);
                icon_ui(ui, account, row.icon);
                names_ui(ui, view, account);
            });
        });
    }
    response.context_menu(|ui| {
        let pin = if account.pinned {
            view.t("gui-unpin")
        } else {
            view.t("gui-pin")
        };
        if ui.button(pin).clicked() {
            out.push(Command::SetPinned(account.id.clone(), !account.pinned));
        }
        if ui.button(view.t("gui-row-details")).clicked() {
            out.push(Command::Manage(account.id.clone()));
        }
        if ui.button(view.t("gui-move-to-trash")).clicked() {
            out.push(Command::Delete(account.id.clone()));
        }
    });
    if response.clicked() {
        match row.code.remaining {
            Some(_) => out.push(Command::CopyCode(account.id.clone())),
            None => out.push(Command::Manage(account.id.clone())),
        }
    }
    if row.draggable
        && let Some(from) = response.dnd_release_payload::<usize>()
    {
        out.push(Command::Move {
            from: *from,
            to: row.index,
        });
    }
}

/// The drag handle (manual order only).
fn handle_ui(ui: &mut egui::Ui, view: &View, row: &Row) {
    if row.draggable {
        let handle_id = egui::Id::unique(("drag-row", row.index));
        ui.dnd_drag_source(handle_id, row.index, |ui| {
            ui.label(RichText::new("≡").size(20.0).weak())
                .on_hover_text(view.t("gui-drag-hint"));
        });
    }
}

/// Service, account and backup-code count, each on one line cut short with "…" (the whole
/// text shows on hover).
fn names_ui(ui: &mut egui::Ui, view: &View, account: &Account) {
    ui.vertical(|ui| {
        ui.spacing_mut().item_spacing.y = 2.0;
        let issuer = if account.issuer.is_empty() {
            account.name.as_str()
        } else {
            account.issuer.as_str()
        };
        ui.add(egui::Label::new(RichText::new(issuer).strong()).truncate());
        let name = (!account.issuer.is_empty() && !account.name.is_empty())
            .then_some(account.name.as_str());
        if name.is_some() || !account.tags.is_empty() {
            ui.horizontal(|ui| {
                ui.spacing_mut().item_spacing.x = 4.0;
                for tag in &account.tags {
                    ui.label(
                        RichText::new(tag)
                            .small()
                            .background_color(ui.visuals().faint_bg_color.gamma_multiply(2.0)),
                    );
                }
                if let Some(name) = name {
                    ui.add(egui::Label::new(RichText::new(name).weak()).truncate());
                }
            });
        }
        if !account.backup_codes.is_empty() {
            let unused = account.unused_backup_codes().count();
            ui.add(
                egui::Label::new(
                    RichText::new(view.tf("gui-backup-count", &[("count", &unused)])).small(),
                )
                .truncate(),
            );
        }
    });
}

/// Right to left: details, copy (or next code), countdown, the code with the next one under it
/// in the last seconds.
fn code_side_ui(ui: &mut egui::Ui, view: &View, row: &Row, out: &mut Vec<Command>) {
    let account = row.account;
    let code = row.code;
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
    let urgent = code.remaining.is_some_and(|r| r <= URGENT_SECONDS);
    let width = 24.0 + 17.0 * code.text.chars().count() as f32;
    ui.allocate_ui_with_layout(
        egui::vec2(width, CONTENT_HEIGHT),
        egui::Layout::top_down(egui::Align::Max),
        |ui| {
            ui.spacing_mut().item_spacing.y = 0.0;
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
    crate::gui::kinsoku::label(
        ui,
        RichText::new(view.tf("gui-seconds-left", &[("seconds", &remaining)])).small(),
    );
}

fn empty_ui(ui: &mut egui::Ui, view: &View, out: &mut Vec<Command>) {
    ui.vertical_centered(|ui| {
        ui.add_space(40.0);
        ui.heading(view.t("gui-empty-title"));
        ui.add_space(8.0);
        crate::gui::kinsoku::label(ui, view.t("gui-empty-intro"));
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
            out.push(Command::OpenAdd(crate::gui::state::add::AddTab::Manual));
        }
        if ui.button(view.t("gui-add-import-link")).clicked() {
            out.push(Command::OpenImport);
        }
        ui.add_space(8.0);
        crate::gui::kinsoku::label(ui, RichText::new(view.t("gui-empty-drop")).weak());
    });
}
