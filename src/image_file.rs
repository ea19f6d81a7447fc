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
/// Most pixels accepted: 64 million (five 4K monitors side by side are 41 million). Checked
/// from the header before anything is decoded, so a small file claiming 23000 × 23000 pixels
/// is refused at once instead of costing gigabytes.
pub const MAX_PIXELS: u64 = 64_000_000;
/// Most memory the decoder may allocate: 64 million pixels of 8-bit RGBA. A 16-bit image that
/// would need more is refused by the decoder.
pub const MAX_ALLOC: u64 = 512 * 1024 * 1024;

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
    let bytes =
        crate::fsio::read_capped(path, MAX_FILE_BYTES).map_err(|f| ImageError::Unreadable {
            path: path.to_path_buf(),
            source: f.source,
        })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ImageError::TooLarge(path.to_path_buf()));
    }
    decode_gray(path, &bytes)
}

/// Decodes image bytes (named `path` in errors) to grey. Decoding and conversion run inside
/// `catch_unwind`: a decoder bug on a hostile file is an error, never a crash.
pub fn decode_gray(path: &Path, bytes: &[u8]) -> Result<GrayImage, ImageError> {
    std::panic::catch_unwind(|| decode(path, bytes).map(to_gray)).unwrap_or_else(|_| {
        Err(ImageError::Damaged {
            path: path.to_path_buf(),
            detail: "the decoder failed on this file".into(),
        })
    })
}

/// Width and height from the file's header, without decoding it.
fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

fn decode(path: &Path, bytes: &[u8]) -> Result<DynamicImage, ImageError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ImageError::NotAnImage(path.to_path_buf()))?;
    if reader.format().is_none() {
        return Err(ImageError::NotAnImage(path.to_path_buf()));
    }
    if let Some((width, height)) = dimensions(bytes)
        && u64::from(width) * u64::from(height) > MAX_PIXELS
    {
        return Err(ImageError::TooLarge(path.to_path_buf()));
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
        // 16-bit, grey with alpha, float: straight to 8-bit grey (one byte a pixel), never
        // through an RGBA copy.
        other => other.to_luma8(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG chunk with its CRC (ISO 3309, as PNG specifies).
    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut crc = 0xffff_ffff_u32;
        for byte in kind.iter().chain(data) {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&(!crc).to_be_bytes());
        out
    }

    #[test]
    fn a_small_file_claiming_a_huge_16_bit_image_is_refused_before_decoding() {
        // 23000 × 23000, 16-bit RGBA: decoding it took 3.6 GB and 20 s before the pixel cap.
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&23_000u32.to_be_bytes());
        ihdr.extend_from_slice(&23_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[16, 6, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &ihdr));
        png.extend(chunk(
            b"IDAT",
            &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        ));
        png.extend(chunk(b"IEND", &[]));
        let result = decode_gray(Path::new("bomb.png"), &png);
        assert!(matches!(result, Err(ImageError::TooLarge(_))), "{result:?}");
    }

    #[test]
    fn sixteen_bit_images_become_grey_without_an_rgba_copy() {
        let image = image::ImageBuffer::<image::Rgba<u16>, _>::from_pixel(
            4,
            2,
            image::Rgba([65_535, 65_535, 65_535, 65_535]),
        );
        let grey = to_gray(DynamicImage::ImageRgba16(image));
        assert_eq!(grey.dimensions(), (4, 2));
        assert!(grey.pixels().all(|p| p.0[0] == 255));
    }
}

impl Localize for ImageError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            ImageError::Unreadable { path, source } => tr(
                lang,
                "image-unreadable",
                &[
                    ("path", &path.display()),
                    ("reason", &crate::i18n::os_error(lang, source)),
                ],
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
