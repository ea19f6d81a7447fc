//! Fonts and looks: the bundled Japanese font (so Japanese renders on a machine without a CJK
//! font, and in tests) and slightly larger text than egui's default.

use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
use egui::{FontData, FontFamily};

/// Noto Sans CJK JP, subset to JIS X 0208 (`assets/fonts/README.md`).
pub const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKjp-Mamori-subset.otf");

/// The window icon (`assets/icons/`).
pub const ICON_PNG: &[u8] = include_bytes!("../../assets/icons/hicolor/256x256/apps/mamori.png");

/// Adds the Japanese font after egui's own fonts, for both families, and sets text sizes.
pub fn install(ctx: &egui::Context) {
    ctx.add_font(FontInsert::new(
        "noto-sans-cjk-jp",
        FontData::from_static(CJK_FONT),
        vec![
            InsertFontFamily {
                family: FontFamily::Proportional,
                priority: FontPriority::Lowest,
            },
            InsertFontFamily {
                family: FontFamily::Monospace,
                priority: FontPriority::Lowest,
            },
        ],
    ));
    ctx.global_style_mut(|style| {
        for (text_style, font) in style.text_styles.iter_mut() {
            font.size = match text_style {
                egui::TextStyle::Heading => 22.0,
                egui::TextStyle::Small => 11.0,
                _ => 14.5,
            };
        }
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        // Text is not selectable: a click anywhere on an account row copies its code.
        style.interaction.selectable_labels = false;
        style.spacing.button_padding = egui::vec2(8.0, 4.0);
    });
}
