//! Account icons: a custom icon made from an image file (or an icon an import carried), the
//! bundled icon of a well-known service matched by issuer ([`bundled`]: about 75 services from
//! simple-icons, CC0, pre-rendered to PNG by `assets/icons/services/render.py`), and the
//! letter avatar otherwise.
//!
//! A custom icon is stored in the vault as a PNG of [`ICON_SIDE`] × [`ICON_SIDE`] pixels (the
//! picture scaled to fit, centred on a transparent square), so a large photo never bloats the
//! vault. Input is bounded: at most [`MAX_ICON_FILE`] bytes and [`MAX_ICON_SOURCE_SIDE`] pixels
//! a side, checked from the header before decoding.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbaImage, imageops};

pub use crate::account::ICON_SIDE;
use crate::account::fold;
use crate::i18n::{Lang, Localize, tr};

/// Largest image file read for an icon: 4 MiB.
pub const MAX_ICON_FILE: u64 = 4 * 1024 * 1024;
/// Largest width or height of the picture an icon is made from.
pub const MAX_ICON_SOURCE_SIDE: u32 = 4096;

/// Why an image could not become an icon. Nothing was changed.
#[derive(Debug)]
pub enum IconError {
    /// The file could not be read.
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The OS's reason.
        reason: String,
    },
    /// Larger than [`MAX_ICON_FILE`] bytes or [`MAX_ICON_SOURCE_SIDE`] pixels a side.
    TooLarge,
    /// Not a PNG, JPEG, WebP, BMP or GIF picture.
    NotAnImage,
    /// A known format, but broken or truncated.
    Damaged(String),
}

impl Localize for IconError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            IconError::Unreadable { path, reason } => tr(
                lang,
                "icon-unreadable",
                &[("path", &path.display()), ("reason", reason)],
            ),
            IconError::TooLarge => tr(
                lang,
                "icon-too-large",
                &[
                    ("mib", &(MAX_ICON_FILE >> 20)),
                    ("side", &MAX_ICON_SOURCE_SIDE),
                ],
            ),
            IconError::NotAnImage => tr(lang, "icon-not-an-image", &[]),
            IconError::Damaged(detail) => tr(lang, "icon-damaged", &[("detail", detail)]),
        }
    }
}

crate::localized_error!(IconError);

/// Largest width or height of an icon an import carries (Aegis writes at most a few hundred
/// pixels); larger ones are left out, so a file of many crafted icons stays cheap.
pub const MAX_IMPORTED_ICON_SIDE: u32 = 512;
/// Most pixels all the icons of one import may decode to together: 64 icons of the largest
/// size, a thousand of Aegis' usual 128 × 128. Icons beyond it are left out (the accounts are
/// imported).
pub const MAX_IMPORTED_ICON_PIXELS: u64 = 16 * 1024 * 1024;

/// Width × height of a picture from its header, without decoding it.
pub fn source_pixels(bytes: &[u8]) -> Option<(u32, u32)> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

/// Reads an image file and makes the icon ([`from_image`]).
pub fn from_file(path: &Path) -> Result<Vec<u8>, IconError> {
    let bytes = crate::fsio::read_capped(path, MAX_ICON_FILE + 1).map_err(|failure| {
        IconError::Unreadable {
            path: path.to_path_buf(),
            reason: failure.source.to_string(),
        }
    })?;
    from_image(&bytes)
}

/// Makes a custom icon from a picture (PNG, JPEG, WebP, BMP or GIF bytes): scaled to fit
/// [`ICON_SIDE`] pixels, centred on a transparent square, as PNG. Decoding runs inside
/// `catch_unwind`, so a decoder bug on a hostile file is an error, never a crash.
pub fn from_image(bytes: &[u8]) -> Result<Vec<u8>, IconError> {
    if bytes.len() as u64 > MAX_ICON_FILE {
        return Err(IconError::TooLarge);
    }
    let picture = std::panic::catch_unwind(|| decode(bytes))
        .unwrap_or_else(|_| Err(IconError::Damaged("the decoder failed".into())))?;
    Ok(encode_png(&square(&picture)))
}

fn decode(bytes: &[u8]) -> Result<DynamicImage, IconError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| IconError::NotAnImage)?;
    if reader.format().is_none() {
        return Err(IconError::NotAnImage);
    }
    let (width, height) = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| IconError::NotAnImage)?
        .into_dimensions()
        .map_err(|e| IconError::Damaged(e.to_string()))?;
    if width.max(height) > MAX_ICON_SOURCE_SIDE {
        return Err(IconError::TooLarge);
    }
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_ICON_SOURCE_SIDE);
    limits.max_image_height = Some(MAX_ICON_SOURCE_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => IconError::TooLarge,
        image::ImageError::Unsupported(_) => IconError::NotAnImage,
        other => IconError::Damaged(other.to_string()),
    })
}

/// The picture scaled to fit the icon square, centred, the rest transparent.
fn square(picture: &DynamicImage) -> RgbaImage {
    let (w, h) = (picture.width().max(1), picture.height().max(1));
    let scale = f64::from(ICON_SIDE) / f64::from(w.max(h));
    let (sw, sh) = (
        ((f64::from(w) * scale).round() as u32).clamp(1, ICON_SIDE),
        ((f64::from(h) * scale).round() as u32).clamp(1, ICON_SIDE),
    );
    let scaled = imageops::resize(&picture.to_rgba8(), sw, sh, imageops::FilterType::Triangle);
    let mut out = RgbaImage::new(ICON_SIDE, ICON_SIDE);
    imageops::overlay(
        &mut out,
        &scaled,
        i64::from((ICON_SIDE - sw) / 2),
        i64::from((ICON_SIDE - sh) / 2),
    );
    out
}

fn encode_png(image: &RgbaImage) -> Vec<u8> {
    let mut png = Vec::new();
    // Encoding an in-memory RGBA buffer into a Vec cannot fail.
    let _ = image.write_to(&mut Cursor::new(&mut png), ImageFormat::Png);
    png
}

/// A service icon bundled with Mamori (simple-icons, CC0: `assets/icons/services/`).
#[derive(Debug)]
pub struct Bundled {
    /// simple-icons' name for it (`github`).
    pub slug: &'static str,
    /// The service's name (`GitHub`).
    pub title: &'static str,
    /// A 64 × 64 PNG: the brand glyph on a round plate.
    pub png: &'static [u8],
}

/// Slug, title, the issuer names that match (folded, letters and digits only), PNG; written by
/// `assets/icons/services/render.py`.
type Row = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [u8],
);
static BUNDLED: &[Row] = &include!("../assets/icons/services/table.rs");

/// Every bundled icon, in the table's order.
pub fn all_bundled() -> impl Iterator<Item = Bundled> {
    BUNDLED
        .iter()
        .map(|(slug, title, _, png)| Bundled { slug, title, png })
}

/// The issuer folded to what the table holds: lower case, full-width letters as ASCII, only
/// letters and digits.
fn icon_key(text: &str) -> String {
    fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The bundled icon for an issuer: the whole name (`GitHub`, `Google Workspace`), else its
/// first word (`GitHub Enterprise`), else the name before a dot (`github.com`), each compared
/// case-, width- and punctuation-insensitively.
pub fn bundled(issuer: &str) -> Option<Bundled> {
    let issuer = issuer.trim();
    if issuer.is_empty() {
        return None;
    }
    let first_word = issuer.split_whitespace().next().unwrap_or("");
    let before_dot = issuer.split('.').next().unwrap_or("");
    [issuer, first_word, before_dot]
        .iter()
        .map(|candidate| icon_key(candidate))
        .filter(|key| !key.is_empty())
        .find_map(|key| {
            BUNDLED
                .iter()
                .find(|(_, _, names, _)| names.contains(&key.as_str()))
        })
        .map(|(slug, title, _, png)| Bundled { slug, title, png })
}

/// The letter avatar shown when an account has no custom or bundled icon: the first letter or
/// digit of the issuer (or of the name when there is no issuer), and a colour that is always
/// the same for the same issuer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Avatar {
    /// One character, upper case where the script has case; `?` when there is none.
    pub letter: String,
    /// Background colour (sRGB); white text reads on every one.
    pub rgb: [u8; 3],
}

/// Twelve background colours, dark enough for white text (WCAG AA at the avatar's size).
const AVATAR_COLOURS: [[u8; 3]; 12] = [
    [0xC6, 0x28, 0x28],
    [0xAD, 0x14, 0x57],
    [0x6A, 0x1B, 0x9A],
    [0x45, 0x27, 0xA0],
    [0x28, 0x35, 0x93],
    [0x15, 0x65, 0xC0],
    [0x02, 0x77, 0xBD],
    [0x00, 0x69, 0x5C],
    [0x2E, 0x7D, 0x32],
    [0x55, 0x8B, 0x2F],
    [0xBF, 0x36, 0x0C],
    [0x4E, 0x34, 0x2E],
];

/// The letter avatar for an account labelled `issuer` / `name`.
pub fn avatar(issuer: &str, name: &str) -> Avatar {
    let source = if issuer.trim().is_empty() {
        name
    } else {
        issuer
    };
    let folded = fold(source.trim());
    let letter = folded
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "?".to_string());
    // FNV-1a: stable across runs and platforms (the standard hasher is seeded per process).
    let hash = folded.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    Avatar {
        letter,
        rgb: AVATAR_COLOURS[hash as usize % AVATAR_COLOURS.len()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = RgbaImage::from_pixel(width, height, image::Rgba([200, 10, 10, 255]));
        encode_png(&image)
    }

    #[test]
    fn a_picture_becomes_a_square_png_of_the_icon_side_centred_and_transparent_around() {
        for bytes in [png(300, 100), {
            let mut jpeg = Vec::new();
            DynamicImage::ImageRgba8(RgbaImage::from_pixel(20, 40, image::Rgba([0, 0, 200, 255])))
                .to_rgb8()
                .write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
                .unwrap();
            jpeg
        }] {
            let icon = from_image(&bytes).unwrap();
            let back = image::load_from_memory(&icon).unwrap().to_rgba8();
            assert_eq!(back.dimensions(), (ICON_SIDE, ICON_SIDE));
            assert_eq!(back.get_pixel(ICON_SIDE / 2, ICON_SIDE / 2).0[3], 255);
            // A wide or tall picture leaves a transparent band on two sides.
            let corner = back.get_pixel(0, 0).0[3];
            assert_eq!(corner, 0);
        }
    }

    #[test]
    fn bad_pictures_are_refused_with_a_reason() {
        assert!(matches!(
            from_image(b"just some text, not a picture"),
            Err(IconError::NotAnImage)
        ));
        let whole = png(10, 10);
        assert!(matches!(
            from_image(&whole[..whole.len() / 2]),
            Err(IconError::Damaged(_))
        ));
        assert!(matches!(
            from_image(&png(MAX_ICON_SOURCE_SIDE + 1, 1)),
            Err(IconError::TooLarge)
        ));
        let huge = vec![0u8; MAX_ICON_FILE as usize + 1];
        assert!(matches!(from_image(&huge), Err(IconError::TooLarge)));
        for error in [
            IconError::TooLarge,
            IconError::NotAnImage,
            IconError::Damaged("x".into()),
            IconError::Unreadable {
                path: "a.png".into(),
                reason: "gone".into(),
            },
        ] {
            for lang in [Lang::En, Lang::Ja] {
                assert!(!error.localize(lang).starts_with("icon-"));
            }
        }
    }

    #[test]
    fn issuers_find_their_bundled_icon_and_every_bundled_icon_is_a_64_pixel_png() {
        for (issuer, slug) in [
            ("GitHub", "github"),
            ("github.com", "github"),
            ("GitHub Enterprise", "github"),
            ("Ｇｏｏｇｌｅ", "google"),
            ("Google Workspace", "google"),
            ("  okta ", "okta"),
            ("Trend Micro", "trendmicro"),
            ("1Password", "1password"),
            ("Twitter", "x"),
            ("LINE", "line"),
        ] {
            assert_eq!(bundled(issuer).map(|b| b.slug), Some(slug), "{issuer}");
        }
        for issuer in ["", "Example Co", "サイボウズ", "Microsoft", "x-ray corp"] {
            assert!(bundled(issuer).is_none(), "{issuer}");
        }
        let all: Vec<Bundled> = all_bundled().collect();
        assert!(all.len() >= 60, "{}", all.len());
        for icon in all {
            let image = image::load_from_memory(icon.png).unwrap();
            assert_eq!(
                (image.width(), image.height()),
                (ICON_SIDE, ICON_SIDE),
                "{}",
                icon.slug
            );
        }
    }

    #[test]
    fn the_size_of_a_picture_is_read_from_its_header() {
        assert_eq!(source_pixels(&png(300, 100)), Some((300, 100)));
        assert_eq!(source_pixels(b"text"), None);
    }

    #[test]
    fn the_letter_avatar_is_the_first_letter_in_a_colour_fixed_by_the_issuer() {
        let a = avatar("github", "alice");
        assert_eq!(a.letter, "G");
        assert_eq!(
            a,
            avatar("GitHub", "bob"),
            "case does not change the colour"
        );
        assert_eq!(avatar("", "alice").letter, "A");
        assert_eq!(avatar("サイボウズ", "").letter, "サ");
        assert_eq!(avatar("  ", "").letter, "?");
        assert_eq!(avatar("(1password)", "").letter, "1");
        let colours: std::collections::HashSet<[u8; 3]> = ["a", "b", "c", "d", "e", "f"]
            .iter()
            .map(|i| avatar(i, "").rgb)
            .collect();
        assert!(colours.len() > 1);
    }
}
