//! Selecting a region of a screen capture when scanning found nothing: the capture fills the
//! window (made full-screen), the user drags a box round the code, and Mamori decodes that
//! region enlarged — which rescues codes that are tiny or partly hidden.

use egui::{Color32, Pos2, Rect, Sense, Stroke};

use super::View;
use crate::gui::command::Command;
use crate::gui::state::forms::RegionSelect;

pub use mamori::qr::enlarged_region;

/// Draws the selection over the whole window.
pub fn ui(ctx: &egui::Context, view: &View, region: &mut RegionSelect, out: &mut Vec<Command>) {
    if !region.fullscreen {
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
        region.fullscreen = true;
    }
    let mut close = ctx.input(|i| i.key_pressed(egui::Key::Escape));
    let mut chosen = None;
    egui::Area::new(egui::Id::unique("region-select"))
        .order(egui::Order::Foreground)
        .fixed_pos(Pos2::ZERO)
        .show(ctx, |ui| {
            let screen_rect = ctx.content_rect();
            ui.painter()
                .rect_filled(screen_rect, 0.0, Color32::from_black_alpha(230));
            let Some(screen) = region.screens.get(region.current) else {
                close = true;
                return;
            };
            if region
                .texture
                .as_ref()
                .is_none_or(|(i, _)| *i != region.current)
            {
                let image = egui::ColorImage::from_gray(
                    [
                        screen.image.width() as usize,
                        screen.image.height() as usize,
                    ],
                    screen.image.as_raw(),
                );
                let texture =
                    ctx.load_texture("region-capture", image, egui::TextureOptions::LINEAR);
                region.texture = Some((region.current, texture));
            }
            let bar = 40.0;
            ui.horizontal(|ui| {
                ui.add_space(8.0);
                ui.label(
                    egui::RichText::new(view.t("gui-region-explain"))
                        .color(Color32::WHITE)
                        .strong(),
                );
                if region.screens.len() > 1 {
                    for i in 0..region.screens.len() {
                        let label = view.tf("gui-region-screen", &[("number", &(i + 1))]);
                        if ui.selectable_label(region.current == i, label).clicked() {
                            region.current = i;
                        }
                    }
                }
                if ui.button(view.t("gui-cancel")).clicked() {
                    close = true;
                }
            });
            let area = Rect::from_min_max(screen_rect.min + egui::vec2(0.0, bar), screen_rect.max);
            let (w, h) = (screen.image.width() as f32, screen.image.height() as f32);
            let scale = (area.width() / w).min(area.height() / h);
            let shown = Rect::from_center_size(area.center(), egui::vec2(w * scale, h * scale));
            if let Some((_, texture)) = &region.texture {
                ui.painter().image(
                    texture.id(),
                    shown,
                    Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
                    Color32::WHITE,
                );
            }
            let response = ui
                .interact(shown, egui::Id::unique("region-drag"), Sense::drag())
                .on_hover_cursor(egui::CursorIcon::Crosshair);
            if response.drag_started() {
                region.drag_from = response.interact_pointer_pos();
            }
            if let (Some(from), Some(to)) = (region.drag_from, ui.input(|i| i.pointer.latest_pos()))
            {
                let selection = Rect::from_two_pos(from, to).intersect(shown);
                ui.painter().rect_stroke(
                    selection,
                    0.0,
                    Stroke::new(2.0, Color32::from_rgb(0x40, 0xa0, 0xff)),
                    egui::StrokeKind::Outside,
                );
                if response.drag_stopped() {
                    region.drag_from = None;
                    if selection.width() > 8.0 && selection.height() > 8.0 {
                        let to_image = |p: Pos2| ((p - shown.min) / scale).max(egui::Vec2::ZERO);
                        let a = to_image(selection.min);
                        let b = to_image(selection.max);
                        chosen = Some(enlarged_region(
                            &screen.image,
                            [
                                a.x as u32,
                                a.y as u32,
                                (b.x - a.x) as u32,
                                (b.y - a.y) as u32,
                            ],
                        ));
                    }
                }
            }
        });
    if let Some(image) = chosen {
        out.push(Command::ScanRegion(image));
        close = true;
    }
    if close {
        ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
        out.push(Command::CloseRegion);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_region_is_cut_out_and_enlarged() {
        let mut image = image::GrayImage::from_pixel(400, 300, image::Luma([255]));
        image.put_pixel(110, 60, image::Luma([0]));
        let out = enlarged_region(&image, [100, 50, 60, 40]);
        assert_eq!(out.height(), 160); // 40 × 4 (capped)
        assert_eq!(out.width(), 240);
        assert!(
            out.pixels().any(|p| p.0[0] < 128),
            "the dark pixel is inside"
        );
        // Out-of-range selections are clamped, never a panic.
        let edge = enlarged_region(&image, [399, 299, 500, 500]);
        assert!(edge.width() >= 1 && edge.height() >= 1);
    }
}
