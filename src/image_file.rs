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
    std::panic::catch_unwind(|| {
        png_gray(path, bytes)
            .or_else(|| jpeg_gray(path, bytes))
            .unwrap_or_else(|| decode(path, bytes).map(to_gray))
    })
    .unwrap_or_else(|_| {
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
    if let Some((width, height)) = dimensions(bytes) {
        check_size(path, width.into(), height.into())?;
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

/// An 8-bit PNG (or one of fewer bits: grey or palette samples unpacked and looked up in a
/// table of greys), not interlaced, decoded a row at a time straight to grey: never the
/// full-size RGB or RGBA copy `image` decodes to (33 MB for a 4K screenshot, most of a small
/// photo's page faults). The grey is the same as [`to_gray`]'s. `None` for anything else
/// (16-bit, interlaced, not a PNG), which [`decode`] then reads.
fn png_gray(path: &Path, bytes: &[u8]) -> Option<Result<GrayImage, ImageError>> {
    use png::{BitDepth, ColorType, Transformations};

    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return None;
    }
    let damaged = |error: png::DecodingError| match error {
        png::DecodingError::LimitsExceeded => ImageError::TooLarge(path.to_path_buf()),
        other => ImageError::Damaged {
            path: path.to_path_buf(),
            detail: other.to_string(),
        },
    };
    let limits = png::Limits {
        bytes: usize::try_from(MAX_ALLOC).unwrap_or(usize::MAX),
    };
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), limits);
    // The colour profile is never used; unread, a crafted one cannot cost memory to inflate.
    decoder.set_ignore_iccp_chunk(true);
    let header = match decoder.read_header_info() {
        Ok(header) => header,
        Err(error) => return Some(Err(damaged(error))),
    };
    let (width, height) = (header.width, header.height);
    if let Err(too_large) = check_size(path, width.into(), height.into()) {
        return Some(Err(too_large));
    }
    if header.interlaced || header.bit_depth == BitDepth::Sixteen {
        return None;
    }
    // Palette indices and grey samples of fewer than 8 bits (codes saved as 1-bit grey or 2-bit
    // palettes, most PNG codes) are read as packed and looked up in a table of greys; anything
    // else is decoded to 8 bits a sample.
    let bits = header.bit_depth as u8;
    let grey_samples = header.color_type == ColorType::Grayscale;
    let packed = header.color_type == ColorType::Indexed || (grey_samples && bits < 8);
    decoder.set_transformations(if packed {
        Transformations::IDENTITY
    } else {
        Transformations::EXPAND
    });
    let mut reader = match decoder.read_info() {
        Ok(reader) => reader,
        Err(error) => return Some(Err(damaged(error))),
    };
    let greys = match (packed, reader.info().palette.as_deref()) {
        (false, _) => None,
        (true, _) if grey_samples => Some(grey_levels(bits)),
        (true, Some(rgb)) => Some(grey_palette(rgb)),
        (true, None) => return None,
    };
    let channels = match (greys.is_some(), reader.output_color_type()) {
        (true, _) => 1,
        (false, (ColorType::Grayscale, BitDepth::Eight)) => 1,
        (false, (ColorType::GrayscaleAlpha, BitDepth::Eight)) => 2,
        (false, (ColorType::Rgb, BitDepth::Eight)) => 3,
        (false, (ColorType::Rgba, BitDepth::Eight)) => 4,
        _ => return None,
    };
    let mut grey = Vec::with_capacity(width as usize * height as usize);
    loop {
        let row = match reader.next_row() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(error) => return Some(Err(damaged(error))),
        };
        let data = row.data();
        match (&greys, channels) {
            (Some(greys), _) => unpack_row(&mut grey, data, bits, width as usize, greys),
            (None, 1 | 2) => grey.extend(data.chunks_exact(channels).map(|px| px[0])),
            (None, _) => grey.extend(crate::qr::lumas(data, channels)),
        }
    }
    Some(grey_image(path, width, height, grey))
}

/// Width × height grey pixels as an image, or why not: fewer than the header said.
fn grey_image(
    path: &Path,
    width: u32,
    height: u32,
    grey: Vec<u8>,
) -> Result<GrayImage, ImageError> {
    GrayImage::from_raw(width, height, grey).ok_or_else(|| ImageError::Damaged {
        path: path.to_path_buf(),
        detail: "fewer pixels than its header says".into(),
    })
}

/// [`MAX_SIDE`] and [`MAX_PIXELS`], from the sizes a header claims, before anything is decoded.
fn check_size(path: &Path, width: u64, height: u64) -> Result<(), ImageError> {
    let side = u64::from(MAX_SIDE);
    if width > side || height > side || width * height > MAX_PIXELS {
        return Err(ImageError::TooLarge(path.to_path_buf()));
    }
    Ok(())
}

/// A JPEG in YCbCr or grey decoded straight to its luma (Y) channel: the chroma is never
/// transformed, upsampled or converted to RGB, and the file is not copied first as `image`
/// does: a 1440p screenshot loads in 5 ms instead of 12. In grey areas (where codes are) Y is
/// the grey [`to_gray`] computes from the RGB `image` decodes to, within one level; beside
/// saturated colours it is truer, as that RGB is rebuilt from chroma at a quarter of the
/// resolution and clipped. `None` for anything else (CMYK, RGB JPEGs, not a JPEG), which
/// [`decode`] then reads.
fn jpeg_gray(path: &Path, bytes: &[u8]) -> Option<Result<GrayImage, ImageError>> {
    use zune_core::colorspace::ColorSpace;

    if !bytes.starts_with(&[0xff, 0xd8]) {
        return None;
    }
    // zune's own size limits off (JPEG's is 65535 a side): the sizes are checked below, as for
    // every format, so an oversized file is "too large", not "damaged".
    let options = zune_core::options::DecoderOptions::default()
        .set_strict_mode(false)
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX))
        .jpeg_set_out_colorspace(ColorSpace::Luma);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(
        zune_core::bytestream::ZCursor::new(bytes),
        options,
    );
    // Any error (a damaged file, an arithmetic-coded or lossless one) is left to [`decode`],
    // which reads it through `image` as before and says what is wrong in the same words.
    decoder.decode_headers().ok()?;
    let (width, height) = decoder.dimensions()?;
    if let Err(too_large) = check_size(path, width as u64, height as u64) {
        return Some(Err(too_large));
    }
    if !matches!(
        decoder.input_colorspace()?,
        ColorSpace::YCbCr | ColorSpace::Luma
    ) {
        return None;
    }
    let grey = decoder.decode().ok()?;
    let (width, height) = (u32::try_from(width).ok()?, u32::try_from(height).ok()?);
    Some(grey_image(path, width, height, grey))
}

/// Appends the grey of each of the first `width` samples of a packed PNG row: `bits` (1, 2, 4
/// or 8) a sample, the first in the high bits of its byte, looked up in `greys`.
fn unpack_row(grey: &mut Vec<u8>, row: &[u8], bits: u8, width: usize, greys: &[u8; 256]) {
    let start = grey.len();
    grey.resize(start + width, 0);
    let out = &mut grey[start..];
    match bits {
        1 => unpack::<1>(out, row, greys),
        2 => unpack::<2>(out, row, greys),
        4 => unpack::<4>(out, row, greys),
        _ => unpack::<8>(out, row, greys),
    }
}

/// [`unpack_row`] for one sample size, so the loop over a byte's samples unrolls.
fn unpack<const BITS: usize>(out: &mut [u8], row: &[u8], greys: &[u8; 256]) {
    let mask = (1 << BITS) - 1;
    for (pixels, &byte) in out.chunks_mut(8 / BITS).zip(row) {
        for (k, pixel) in pixels.iter_mut().enumerate() {
            *pixel = greys[(usize::from(byte) >> (8 - BITS * (k + 1))) & mask];
        }
    }
}

/// The grey of each value of a `bits`-bit grey sample, scaled to 0-255 as `png` expands them.
fn grey_levels(bits: u8) -> [u8; 256] {
    let top = (1u16 << bits) - 1;
    let mut greys = [0; 256];
    for (value, slot) in greys.iter_mut().enumerate().take(usize::from(top) + 1) {
        *slot = (value as u16 * 255 / top) as u8;
    }
    greys
}

/// The grey of each entry of a PNG palette (RGB triples), with black for indices past its end,
/// as `png` expands them.
fn grey_palette(rgb: &[u8]) -> [u8; 256] {
    let mut grey = [0; 256];
    for (slot, luma) in grey.iter_mut().zip(crate::qr::lumas(rgb, 3)) {
        *slot = luma;
    }
    grey
}

/// Grey from any decoded image; RGBA goes through the fast integer loop.
pub fn to_gray(image: DynamicImage) -> GrayImage {
    match image {
        DynamicImage::ImageLuma8(grey) => grey,
        DynamicImage::ImageRgba8(rgba) => {
            crate::qr::rgba_to_gray(rgba.width(), rgba.height(), rgba.as_raw())
        }
        DynamicImage::ImageRgb8(rgb) => {
            let grey = crate::qr::lumas(rgb.as_raw(), 3).collect();
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

    /// A `width` × 3 PNG of `color` and `depth` whose samples run through every value.
    fn png_of(color: png::ColorType, depth: png::BitDepth) -> Vec<u8> {
        let (width, height) = (37u32, 3u32);
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(color);
        encoder.set_depth(depth);
        if color == png::ColorType::Indexed {
            let entries = 1usize << (depth as u8).min(8);
            // Fewer entries than indices, so some index past the palette's end (black).
            let rgb: Vec<u8> = (0..entries.saturating_sub(1) * 3)
                .map(|i| (i * 53 % 256) as u8)
                .collect();
            encoder.set_palette(rgb);
            encoder.set_trns(vec![0u8, 128]);
        }
        let samples = match color {
            png::ColorType::Grayscale | png::ColorType::Indexed => 1,
            png::ColorType::GrayscaleAlpha => 2,
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
        };
        let bits = samples * depth as usize;
        let row = (width as usize * bits).div_ceil(8);
        let data: Vec<u8> = (0..row * height as usize)
            .map(|i| (i * 97 % 251) as u8)
            .collect();
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&data).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn pngs_read_row_by_row_give_the_grey_of_the_full_decode() {
        use png::{BitDepth as B, ColorType as C};
        let cases = [
            (C::Grayscale, B::One),
            (C::Grayscale, B::Two),
            (C::Grayscale, B::Four),
            (C::Grayscale, B::Eight),
            (C::GrayscaleAlpha, B::Eight),
            (C::Rgb, B::Eight),
            (C::Rgba, B::Eight),
            (C::Indexed, B::One),
            (C::Indexed, B::Two),
            (C::Indexed, B::Four),
            (C::Indexed, B::Eight),
            // Not read row by row: 16-bit goes through `image`.
            (C::Rgb, B::Sixteen),
            (C::GrayscaleAlpha, B::Sixteen),
        ];
        for (color, depth) in cases {
            let bytes = png_of(color, depth);
            let path = Path::new("case.png");
            let full = decode(path, &bytes).map(to_gray).unwrap();
            let rows = png_gray(path, &bytes);
            assert_eq!(rows.is_none(), depth == B::Sixteen, "{color:?} {depth:?}");
            let grey = decode_gray(path, &bytes).unwrap();
            assert_eq!(grey, full, "{color:?} {depth:?}");
        }
        // Interlaced (Adam7) goes through `image` too: a 1 × 1 grey image, whose one pixel is
        // all of the first pass, in a stored (uncompressed) zlib stream.
        let mut ihdr = 1u32.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&1u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 1]);
        let raw = [0u8, 200];
        // Adler-32: a = 1 + Σ bytes, b = Σ of a after each byte.
        let a = (1 + u32::from(raw[0]) + u32::from(raw[1])) % 65_521;
        let b = (2 + u32::from(raw[0]) * 2 + u32::from(raw[1])) % 65_521;
        let adler = (b << 16) | a;
        let mut idat = vec![0x78, 0x01, 0x01, 2, 0, 0xfd, 0xff];
        idat.extend_from_slice(&raw);
        idat.extend_from_slice(&adler.to_be_bytes());
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &ihdr));
        png.extend(chunk(b"IDAT", &idat));
        png.extend(chunk(b"IEND", &[]));
        let path = Path::new("adam7.png");
        assert!(png_gray(path, &png).is_none());
        assert_eq!(decode_gray(path, &png).unwrap().into_raw(), [200]);
    }

    #[test]
    fn jpegs_give_their_luma_the_grey_of_the_rgb_decode_where_codes_are() {
        // `tests/fixtures/jpeg`: a black-and-white code on the left half, saturated colours on
        // the right, saved by ImageMagick as the kinds of JPEG cameras and browsers write.
        let fixtures = [
            (
                "progressive-420",
                include_bytes!("../tests/fixtures/jpeg/progressive-420.jpg").as_slice(),
            ),
            (
                "baseline-422",
                include_bytes!("../tests/fixtures/jpeg/baseline-422.jpg"),
            ),
            (
                "baseline-444",
                include_bytes!("../tests/fixtures/jpeg/baseline-444.jpg"),
            ),
            (
                "progressive-grey",
                include_bytes!("../tests/fixtures/jpeg/progressive-grey.jpg"),
            ),
        ];
        // And image's own encoder (baseline 4:2:0), colour and grey.
        let colour = image::RgbImage::from_fn(96, 48, |x, y| {
            image::Rgb(match x {
                0..48 if (x / 6 + y / 6) % 2 == 0 => [10, 10, 10],
                0..48 => [250, 250, 250],
                _ => [(x * 7) as u8, 40, (y * 5) as u8],
            })
        });
        let grey = DynamicImage::ImageRgb8(colour.clone()).to_luma8();
        let encoded: Vec<Vec<u8>> = [
            DynamicImage::ImageRgb8(colour),
            DynamicImage::ImageLuma8(grey),
        ]
        .iter()
        .map(|picture| {
            let mut bytes = Vec::new();
            picture
                .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                    &mut bytes, 70,
                ))
                .unwrap();
            bytes
        })
        .collect();
        let all = fixtures.into_iter().chain([
            ("image-420", encoded[0].as_slice()),
            ("image-grey", &encoded[1]),
        ]);
        for (name, bytes) in all {
            let path = Path::new("shot.jpg");
            let full = decode(path, bytes).map(to_gray).unwrap();
            let luma = jpeg_gray(path, bytes).unwrap().unwrap();
            assert_eq!(luma.dimensions(), (96, 48), "{name}");
            assert_eq!(full.dimensions(), (96, 48), "{name}");
            // The code and a chroma block's width past it (colour bleeds that far in the RGB
            // rebuilt from quarter-resolution chroma; Y has no such bleeding).
            let worst = (0..48)
                .flat_map(|y| (0..32).map(move |x| (x, y)))
                .map(|(x, y)| luma.get_pixel(x, y).0[0].abs_diff(full.get_pixel(x, y).0[0]))
                .max();
            assert!(worst <= Some(1), "{name}: off by {worst:?}");
            // Cut short, it reads as `image` reads it; a header alone is damaged.
            let cut = &bytes[..bytes.len() / 2];
            assert_eq!(
                decode_gray(path, cut).ok().map(|g| g.dimensions()),
                decode(path, cut).ok().map(|i| (i.width(), i.height())),
                "{name}"
            );
            assert!(
                matches!(
                    decode_gray(path, &bytes[..4]),
                    Err(ImageError::Damaged { .. })
                ),
                "{name}"
            );
        }
    }

    #[test]
    fn a_jpeg_wider_than_the_limit_is_too_large_not_damaged() {
        // A real 8 × 8 JPEG whose frame header is made to say 100 rows of 40000 pixels.
        let mut jpeg = Vec::new();
        DynamicImage::ImageLuma8(GrayImage::new(8, 8))
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new(&mut jpeg))
            .unwrap();
        let frame = jpeg.windows(2).position(|m| m == [0xff, 0xc0]).unwrap();
        jpeg[frame + 5..frame + 9].copy_from_slice(&[0, 100, 0x9c, 0x40]);
        let result = decode_gray(Path::new("wide.jpg"), &jpeg);
        assert!(matches!(result, Err(ImageError::TooLarge(_))), "{result:?}");
    }

    #[test]
    fn a_cut_png_is_damaged_and_a_huge_one_too_large() {
        let bytes = png_of(png::ColorType::Rgb, png::BitDepth::Eight);
        for cut in [bytes.len() / 2, bytes.len() - 13, 40] {
            let result = decode_gray(Path::new("cut.png"), &bytes[..cut]);
            assert!(
                matches!(result, Err(ImageError::Damaged { .. })),
                "{cut}: {result:?}"
            );
        }
        // 40000 × 1: one side over the limit, the pixel count under it.
        let mut ihdr = 40_000u32.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&1u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &ihdr));
        png.extend(chunk(b"IEND", &[]));
        let result = decode_gray(Path::new("wide.png"), &png);
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
