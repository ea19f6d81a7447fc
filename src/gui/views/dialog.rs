//! The frame every dialog shares: a title, a body that scrolls inside the window, and a footer
//! button (Close, Cancel) that always stays visible.
//!
//! egui's [`egui::Modal`] centres itself on every frame, so a dialog whose content grows (a
//! spinner, an error line, a revealed QR code) moved its buttons under the pointer, and one taller
//! than the window lost its title and Close button off the edges. These dialogs hang from a fixed
//! point near the top and grow downwards, are never taller than the window, and open scrolled to
//! the top.

use egui::{Align2, Id, ScrollArea, Ui, Vec2};

/// The gap kept between a dialog and the window's edges, in points.
const MARGIN: f32 = 16.0;

/// Height kept for the title and the footer, outside the scrolling body.
const CHROME: f32 = 96.0;

/// What a dialog reports after a frame.
pub struct Shown {
    /// The footer's button (Close, Cancel) was pressed.
    pub close_clicked: bool,
    /// Escape or a click outside the dialog asked to close it.
    pub dismissed: bool,
}

/// Shows a dialog named `name` (unique per kind of dialog), at most `width` wide: `title` above,
/// `body` in a scroll area, and below it the one footer button, `close_label`.
pub fn show(
    ctx: &egui::Context,
    name: &str,
    width: f32,
    title: &str,
    close_label: &str,
    body: impl FnOnce(&mut Ui),
) -> Shown {
    let id = Id::unique(("dialog", name));
    let screen = ctx.content_rect();
    let top = (screen.height() * 0.05).clamp(MARGIN / 2.0, 40.0);
    // Shown last pass too? Otherwise it has just opened: start at the top of its content.
    let pass = ctx.cumulative_pass_nr();
    let key = id.with("pass");
    let shown_before: Option<u64> = ctx.data_mut(|d| {
        let last = d.get_temp(key);
        d.insert_temp(key, pass);
        last
    });
    let just_opened = shown_before.is_none_or(|p| p + 1 < pass);
    let area = egui::Modal::default_area(id).anchor(Align2::CENTER_TOP, Vec2::new(0.0, top));
    let modal = egui::Modal::new(id).area(area).show(ctx, |ui| {
        ui.set_width(width.min(screen.width() - 2.0 * MARGIN - 16.0).max(120.0));
        ui.heading(title);
        ui.add_space(4.0);
        let mut scroll = ScrollArea::vertical()
            .id_salt(id.with("body"))
            .max_height((screen.height() - top - MARGIN - CHROME).max(80.0))
            .auto_shrink([false, true]);
        if just_opened {
            scroll = scroll.vertical_scroll_offset(0.0);
        }
        scroll.show(ui, body);
        ui.separator();
        ui.button(close_label).clicked()
    });
    Shown {
        close_clicked: modal.inner,
        dismissed: modal.should_close(),
    }
}
