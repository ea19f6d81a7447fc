//! Reading image files (PNG, JPEG, WebP, BMP, GIF) to scan, by content rather than by file
//! name, with limits so a crafted file cannot exhaust memory.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{DynamicImage, GrayImage, ImageReader, Limits};

use crate::i18n::{Lang, Localize, tr};

/// Largest file read (a 5-monitor PNG screenshot is well under this).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Largest width or height accepted.
pub const MAX_SIDE: u32 = 32_768;
/// Most memory the decoder may allocate.
pub const MAX_ALLOC: u64 = 1024 * 1024 * 1024;

/// Why an image could not be read.
#[derive(Debug)]
pub enum ImageError {
    /// The file could not be read.
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The OS's reason.
        source: std::io::Error,
    },
    /// Not a PNG, JPEG, WebP, BMP or GIF.
    NotAnImage(PathBuf),
    /// A known format, but broken or truncated.
    Damaged {
        /// The file.
        path: PathBuf,
        /// The decoder's reason.
        detail: String,
    },
    /// Larger than the limits.
    TooLarge(PathBuf),
}

/// Reads an image file and converts it to grey for scanning.
pub fn load_gray(path: &Path) -> Result<GrayImage, ImageError> {
    let bytes = crate::vault::store::read_capped(path, MAX_FILE_BYTES).map_err(|f| {
        ImageError::Unreadable {
            path: path.to_path_buf(),
            source: f.source,
        }
    })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ImageError::TooLarge(path.to_path_buf()));
    }
    decode_gray(path, &bytes)
}

/// Decodes image bytes (named `path` in errors) to grey.
pub fn decode_gray(path: &Path, bytes: &[u8]) -> Result<GrayImage, ImageError> {
    let image = decode(path, bytes)?;
    Ok(to_gray(image))
}

fn decode(path: &Path, bytes: &[u8]) -> Result<DynamicImage, ImageError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ImageError::NotAnImage(path.to_path_buf()))?;
    if reader.format().is_none() {
        return Err(ImageError::NotAnImage(path.to_path_buf()));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::TooLarge(path.to_path_buf()),
        image::ImageError::Unsupported(_) => ImageError::NotAnImage(path.to_path_buf()),
        other => ImageError::Damaged {
            path: path.to_path_buf(),
            detail: other.to_string(),
        },
    })
}

/// Grey from any decoded image; RGBA goes through the fast integer loop.
pub fn to_gray(image: DynamicImage) -> GrayImage {
    match image {
        DynamicImage::ImageLuma8(grey) => grey,
        DynamicImage::ImageRgba8(rgba) => {
            crate::qr::rgba_to_gray(rgba.width(), rgba.height(), rgba.as_raw())
        }
        DynamicImage::ImageRgb8(rgb) => {
            let grey = rgb
                .as_raw()
                .chunks_exact(3)
                .map(|px| crate::qr::luma(px[0], px[1], px[2]))
                .collect();
            GrayImage::from_raw(rgb.width(), rgb.height(), grey)
                .unwrap_or_else(|| GrayImage::new(0, 0))
        }
        other => {
            let rgba = other.to_rgba8();
            crate::qr::rgba_to_gray(rgba.width(), rgba.height(), rgba.as_raw())
        }
    }
}

impl Localize for ImageError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            ImageError::Unreadable { path, source } => tr(
                lang,
                "image-unreadable",
                &[("path", &path.display()), ("reason", source)],
            ),
            ImageError::NotAnImage(path) => {
                tr(lang, "image-not-an-image", &[("path", &path.display())])
            }
            ImageError::Damaged { path, detail } => tr(
                lang,
                "image-damaged",
                &[("path", &path.display()), ("detail", detail)],
            ),
            ImageError::TooLarge(path) => tr(lang, "image-too-large", &[("path", &path.display())]),
        }
    }
}

crate::localized_error!(ImageError);
