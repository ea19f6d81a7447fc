//! Enlarging a grey image by bilinear interpolation, for the readers' enlarged looks (a region
//! of small modules, rqrr's padded copy).
//!
//! Samples as `image::imageops::resize` with `FilterType::Triangle` does when enlarging (pixel
//! centres at half-pixel offsets, edges clamped), in fixed point on one grey channel instead of
//! floating point on four: 10 ns a pixel came to under 1, and on a small photo no reader could
//! read the two enlargements had been 40 % of the time. Values differ from `image`'s by at most
//! one grey level (a unit test checks), from rounding the weights to 1/256.

use image::GrayImage;

/// One output column or row: the two input pixels it lies between and the weight of the
/// second, in 1/256.
#[derive(Clone, Copy)]
struct Tap {
    first: usize,
    second: usize,
    weight: u32,
}

/// The taps of `new` output pixels sampling `old` input pixels.
fn taps(old: u32, new: u32) -> Vec<Tap> {
    let ratio = f64::from(old) / f64::from(new);
    let last = old as usize - 1;
    (0..new)
        .map(|out| {
            // Where the output pixel's centre falls, measured from input pixel centres.
            let at = (f64::from(out) + 0.5) * ratio - 0.5;
            if at <= 0.0 {
                return Tap {
                    first: 0,
                    second: 0,
                    weight: 0,
                };
            }
            let first = (at.floor() as usize).min(last);
            let weight = ((at - at.floor()) * 256.0).round() as u32;
            Tap {
                first,
                second: (first + 1).min(last),
                weight,
            }
        })
        .collect()
}

/// `image` enlarged to `width` × `height` (each at least the image's own; a smaller size, or an
/// empty image, goes through `image`'s resize).
pub(super) fn bilinear(image: &GrayImage, width: u32, height: u32) -> GrayImage {
    let (old_width, old_height) = image.dimensions();
    if width < old_width || height < old_height || old_width == 0 || old_height == 0 {
        return image::imageops::resize(
            image,
            width,
            height,
            image::imageops::FilterType::Triangle,
        );
    }
    let columns = taps(old_width, width);
    let rows = taps(old_height, height);
    let src = image.as_raw();
    let stride = old_width as usize;
    let mut out = Vec::with_capacity(width as usize * height as usize);
    // One input-width row blended vertically (×256), then sampled across.
    let mut blended = vec![0u32; stride];
    for row in &rows {
        let top = &src[row.first * stride..][..stride];
        let bottom = &src[row.second * stride..][..stride];
        let (keep, take) = (256 - row.weight, row.weight);
        for ((sum, &a), &b) in blended.iter_mut().zip(top).zip(bottom) {
            *sum = u32::from(a) * keep + u32::from(b) * take;
        }
        out.extend(columns.iter().map(|column| {
            let left = blended[column.first] * (256 - column.weight);
            let right = blended[column.second] * column.weight;
            ((left + right + 32_768) >> 16) as u8
        }));
    }
    GrayImage::from_raw(width, height, out).unwrap_or_else(|| GrayImage::new(0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_images_triangle_resize_within_one_level() {
        // Noise, edges and flat areas, enlarged by whole and fractional factors.
        let mut state = 0x2545_f491_u32;
        let image = GrayImage::from_fn(61, 47, |x, y| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let noise = (state >> 24) as u8;
            image::Luma([match (x / 10 + y / 10) % 3 {
                0 => noise,
                1 => 255,
                _ => (x * 4) as u8,
            }])
        });
        for (width, height) in [(61, 47), (122, 94), (200, 160), (244, 188), (75, 300)] {
            let ours = bilinear(&image, width, height);
            let theirs = image::imageops::resize(
                &image,
                width,
                height,
                image::imageops::FilterType::Triangle,
            );
            assert_eq!(ours.dimensions(), (width, height));
            let worst = ours
                .as_raw()
                .iter()
                .zip(theirs.as_raw())
                .map(|(a, b)| a.abs_diff(*b))
                .max();
            assert!(worst <= Some(1), "{width}×{height}: off by {worst:?}");
        }
    }

    #[test]
    fn shrinking_and_single_pixels_still_work() {
        let dot = GrayImage::from_pixel(1, 1, image::Luma([77]));
        assert!(bilinear(&dot, 3, 2).pixels().all(|p| p.0 == [77]));
        let wide = GrayImage::from_pixel(10, 4, image::Luma([9]));
        assert_eq!(bilinear(&wide, 5, 8).dimensions(), (5, 8));
    }
}
