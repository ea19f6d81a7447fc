//! Fonts and looks: the bundled Japanese font (so Japanese renders on a machine without a CJK
//! font, and in tests) and slightly larger text than egui's default.

use std::sync::{Arc, OnceLock};

use egui::epaint::text::FontTweak;
use egui::{FontData, FontDefinitions, FontFamily};

/// Noto Sans CJK JP, subset to JIS X 0208 (`assets/fonts/README.md`), zlib-compressed (3.66 MB
/// → 2.99 MB of the binary; inflating it takes milliseconds, once per process).
const CJK_FONT_ZLIB: &[u8] =
    include_bytes!("../../assets/fonts/NotoSansCJKjp-Mamori-subset.otf.zz");

/// The bundled Japanese font, inflated on first use. Empty if the embedded data were damaged
/// (a build problem): Latin text then still renders with Hack.
pub fn cjk_font() -> &'static [u8] {
    static FONT: OnceLock<Vec<u8>> = OnceLock::new();
    FONT.get_or_init(|| {
        miniz_oxide::inflate::decompress_to_vec_zlib(CJK_FONT_ZLIB).unwrap_or_default()
    })
}

/// The window icon (`assets/icons/`).
pub const ICON_PNG: &[u8] = include_bytes!("../../assets/icons/hicolor/256x256/apps/mamori.png");

/// Fonts: Noto Sans CJK JP for all text (Latin and Japanese alike, one look in both languages),
/// egui's Hack for the codes (monospaced digits do not jump as they change), and egui's five
/// icon glyphs. egui's own Ubuntu Light is left out (0.36 MB). Then text sizes and spacing.
pub fn install(ctx: &egui::Context) {
    let mut fonts = FontDefinitions::empty();
    fonts.font_data.insert(
        "noto-sans-cjk-jp".into(),
        Arc::new(FontData::from_static(cjk_font())),
    );
    fonts.font_data.insert(
        "hack".into(),
        Arc::new(FontData::from_static(epaint_default_fonts::HACK_REGULAR)),
    );
    fonts.font_data.insert(
        "egui-icons".into(),
        Arc::new(
            FontData::from_static(epaint_default_fonts::EGUI_ICONS).tweak(FontTweak {
                scale: 0.90,
                ..Default::default()
            }),
        ),
    );
    fonts.families.insert(
        FontFamily::Proportional,
        vec!["noto-sans-cjk-jp".into(), "egui-icons".into()],
    );
    fonts.families.insert(
        FontFamily::Monospace,
        vec![
            "hack".into(),
            "noto-sans-cjk-jp".into(),
            "egui-icons".into(),
        ],
    );
    ctx.set_fonts(fonts);
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
