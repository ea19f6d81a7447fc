//! rxing's `HybridBinarizer` (zxing's local-average threshold: a black point for each 8×8
//! block, each block thresholded at the mean of the 5×5 black points around it), computed a
//! row of 64-pixel words at a time instead of one `BitMatrix::set` a pixel, and on a view of
//! the image instead of a packed copy of it. The black matrix is the same bit for bit (the
//! tests compare it with rxing's on noise, gradients, odd sizes, crops and inverted views), so
//! every reader sees exactly what it saw before; it took a third of the decoding time.

use std::borrow::Cow;
use std::sync::OnceLock;

use image::GrayImage;
use rxing::common::{BitArray, BitMatrix, HybridBinarizer, LineOrientation, Result};
use rxing::{Binarizer, Luma8Source, LuminanceSource as _};

/// The block side, in pixels.
const BLOCK: usize = 8;
/// Blocks whose pixels vary by no more than this are taken as all light or all dark.
const MIN_DYNAMIC_RANGE: u8 = 24;
/// Below this side rxing falls back to a global histogram; so does this binarizer.
const MINIMUM_DIMENSION: usize = BLOCK * 5;

/// The grey pixels of a part of an image: rows `stride` apart from `start`, inverted or not.
struct Pixels<'a> {
    data: Cow<'a, [u8]>,
    start: usize,
    stride: usize,
    width: usize,
    height: usize,
}

impl Pixels<'_> {
    fn row(&self, y: usize) -> &[u8] {
        let from = self.start + y * self.stride;
        &self.data[from..from + self.width]
    }
}

/// A [`Binarizer`] for the part `[x, y, w, h]` of a grey image: this module's threshold for
/// the black matrix, rxing's `HybridBinarizer` for everything else (rows for 1D readers, a
/// binarizer for a transformed source).
pub(super) struct FastHybrid<'a>(Inner<'a>);

enum Inner<'a> {
    /// A part of an image this module thresholds.
    Part {
        plain: HybridBinarizer<Luma8Source<'a>>,
        pixels: Pixels<'a>,
        matrix: OnceLock<BitMatrix>,
    },
    /// rxing's own, for a source made by a reader (a crop or a rotation of the bitmap).
    Plain(HybridBinarizer<Luma8Source<'a>>),
}

impl<'a> FastHybrid<'a> {
    /// The part `[x, y, w, h]` of `image` (a view, no copy; an inverted part is copied
    /// inverted), or `None` when it does not fit in the image.
    pub(super) fn new(image: &'a GrayImage, part: [u32; 4], inverted: bool) -> Option<Self> {
        let [x, y, w, h] = part.map(|v| v as usize);
        let (width, height) = (image.width() as usize, image.height() as usize);
        if w == 0 || h == 0 || x + w > width || y + h > height {
            return None;
        }
        let whole = Luma8Source::new_with_slice(image.as_raw(), image.width(), image.height());
        let mut source = whole.ok()?.crop(x, y, w, h).ok()?;
        let pixels = if inverted {
            source.invert();
            let mut copy = Vec::with_capacity(w * h);
            for row in image.as_raw().chunks_exact(width).skip(y).take(h) {
                copy.extend(row[x..x + w].iter().map(|v| 255 - v));
            }
            Pixels {
                data: Cow::Owned(copy),
                start: 0,
                stride: w,
                width: w,
                height: h,
            }
        } else {
            Pixels {
                data: Cow::Borrowed(image.as_raw()),
                start: y * width + x,
                stride: width,
                width: w,
                height: h,
            }
        };
        Some(FastHybrid(Inner::Part {
            plain: HybridBinarizer::new(source),
            pixels,
            matrix: OnceLock::new(),
        }))
    }

    fn plain(&self) -> &HybridBinarizer<Luma8Source<'a>> {
        match &self.0 {
            Inner::Part { plain, .. } | Inner::Plain(plain) => plain,
        }
    }
}

impl<'a> Binarizer for FastHybrid<'a> {
    type Source = Luma8Source<'a>;

    fn get_luminance_source(&self) -> &Self::Source {
        self.plain().get_luminance_source()
    }

    fn get_black_row(&self, y: usize) -> Result<Cow<'_, BitArray>> {
        self.plain().get_black_row(y)
    }

    fn get_black_row_from_matrix(&self, y: usize) -> Result<Cow<'_, BitArray>> {
        match &self.0 {
            Inner::Part { matrix, .. } if matrix.get().is_some() => {
                Ok(Cow::Owned(self.get_black_matrix()?.getRow(y as u32)))
            }
            _ => self.plain().get_black_row_from_matrix(y),
        }
    }

    fn get_black_matrix(&self) -> Result<&BitMatrix> {
        match &self.0 {
            Inner::Part {
                pixels, matrix: m, ..
            } if pixels.width >= MINIMUM_DIMENSION && pixels.height >= MINIMUM_DIMENSION => {
                if let Some(done) = m.get() {
                    return Ok(done);
                }
                let computed = threshold(pixels)?;
                Ok(m.get_or_init(|| computed))
            }
            _ => self.plain().get_black_matrix(),
        }
    }

    fn get_black_line(&self, l: usize, lt: LineOrientation) -> Result<Cow<'_, BitArray>> {
        self.plain().get_black_line(l, lt)
    }

    fn create_binarizer(&self, source: Self::Source) -> Self {
        FastHybrid(Inner::Plain(HybridBinarizer::new(source)))
    }

    fn get_width(&self) -> usize {
        self.plain().get_width()
    }

    fn get_height(&self) -> usize {
        self.plain().get_height()
    }
}

/// The black matrix of `pixels` (at least 40 × 40), as rxing's `HybridBinarizer` computes it.
fn threshold(pixels: &Pixels) -> Result<BitMatrix> {
    let (width, height) = (pixels.width, pixels.height);
    let sub_width = width.div_ceil(BLOCK);
    let sub_height = height.div_ceil(BLOCK);
    let points = black_points(pixels, sub_width, sub_height);
    // Each block's threshold: the mean of the 5×5 black points around it (clamped to the
    // grid), as a byte.
    let block_thresholds = |by: usize| -> Vec<u8> {
        let top = by.clamp(2, sub_height - 3);
        (0..sub_width)
            .map(|bx| {
                let left = bx.clamp(2, sub_width - 3);
                let mut sum = 0;
                for row in top - 2..=top + 2 {
                    sum += points[row * sub_width + left - 2..=row * sub_width + left + 2]
                        .iter()
                        .sum::<u32>();
                }
                (sum / 25).min(255) as u8
            })
            .collect()
    };
    // A pixel is black when it is at or under the threshold of any block that covers it.
    // Blocks tile the image from the top left, except the last column and row of blocks,
    // which end at the image's edge and so overlap the ones before when a side is not a
    // multiple of 8; where two overlap, the higher threshold decides.
    let per_pixel = |block: &[u8]| -> Vec<u8> {
        let mut thresholds: Vec<u8> = (0..width)
            .map(|x| block[(x / BLOCK).min(sub_width - 1)])
            .collect();
        let last = block[sub_width - 1];
        for t in &mut thresholds[width - BLOCK..] {
            *t = (*t).max(last);
        }
        thresholds
    };
    let last_row = per_pixel(&block_thresholds(sub_height - 1));
    let mut matrix = BitMatrix::new(width as u32, height as u32)?;
    let mut row_bits = BitArray::with_size(width);
    let mut words = vec![0usize; width.div_ceil(usize::BITS as usize)];
    for by in 0..sub_height {
        let last = by + 1 == sub_height;
        let rows = if last {
            // The last row of blocks: the rows the one before did not cover.
            (by * BLOCK).min(height)..height
        } else {
            by * BLOCK..(by + 1) * BLOCK
        };
        let own_row;
        let own: &[u8] = if last {
            &last_row
        } else {
            own_row = per_pixel(&block_thresholds(by));
            &own_row
        };
        // Only the rows the last row of blocks also covers (at most the last 8) take the
        // higher of the two thresholds; the last row of blocks is its own.
        let merged: Option<Vec<u8>> = (!last && rows.end > height - BLOCK)
            .then(|| own.iter().zip(&last_row).map(|(a, b)| *a.max(b)).collect());
        for y in rows {
            let thresholds = match &merged {
                Some(merged) if y >= height - BLOCK => merged,
                _ => own,
            };
            pack_row(pixels.row(y), thresholds, &mut words);
            for (i, word) in words.iter().enumerate() {
                row_bits.setBulk(i * usize::BITS as usize, *word);
            }
            matrix.setRow(y as u32, &row_bits);
        }
    }
    Ok(matrix)
}

/// Bit `x` of `words` set where `row[x] <= thresholds[x]`: a byte of 0 or 1 a pixel (which
/// the compiler turns into vector compares), then eight such bytes into one byte of bits with
/// a multiplication (byte k lands on bit k).
fn pack_row(row: &[u8], thresholds: &[u8], words: &mut [usize]) {
    let bits = usize::BITS as usize;
    let mut flags = [0u8; 64];
    for ((word, pixels), limits) in words
        .iter_mut()
        .zip(row.chunks(bits))
        .zip(thresholds.chunks(bits))
    {
        let flags = &mut flags[..bits];
        flags.fill(0);
        for ((flag, pixel), limit) in flags.iter_mut().zip(pixels).zip(limits) {
            *flag = u8::from(pixel <= limit);
        }
        let mut packed = 0usize;
        for (i, eight) in flags.chunks_exact(8).enumerate() {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(eight);
            let byte = u64::from_le_bytes(bytes).wrapping_mul(0x0102_0408_1020_4080) >> 56;
            packed |= (byte as usize) << (8 * i);
        }
        *word = packed;
    }
}

/// One black point for each 8×8 block (the last column and row of blocks end at the image's
/// edge), as rxing's `calculateBlackPoints`: the block's mean, or, where it hardly varies, half
/// its minimum raised to its neighbours' estimate when that is above the minimum.
fn black_points(pixels: &Pixels, sub_width: usize, sub_height: usize) -> Vec<u32> {
    let max_x = pixels.width - BLOCK;
    let max_y = pixels.height - BLOCK;
    let mut points = vec![0u32; sub_width * sub_height];
    // Sum, minimum and maximum of each block of a row of blocks, a pixel row at a time.
    let mut sums = vec![0u32; sub_width];
    let mut mins = vec![u8::MAX; sub_width];
    let mut maxs = vec![u8::MIN; sub_width];
    for by in 0..sub_height {
        let top = (by * BLOCK).min(max_y);
        sums.fill(0);
        mins.fill(u8::MAX);
        maxs.fill(u8::MIN);
        for y in top..top + BLOCK {
            let row = pixels.row(y);
            // The whole blocks, then one ending at the edge: the last block when the width is
            // not a multiple of 8 (overlapping the one before), else one too many, which the
            // zip with `sub_width` sums leaves out.
            let blocks = row
                .chunks_exact(BLOCK)
                .chain(std::iter::once(&row[max_x..]));
            for (((block, sum), min), max) in blocks
                .zip(sums.iter_mut())
                .zip(mins.iter_mut())
                .zip(maxs.iter_mut())
            {
                *sum += block.iter().map(|&p| u32::from(p)).sum::<u32>();
                *min = block.iter().fold(*min, |m, &p| m.min(p));
                *max = block.iter().fold(*max, |m, &p| m.max(p));
            }
        }
        for bx in 0..sub_width {
            let (sum, min, max) = (sums[bx], mins[bx], maxs[bx]);
            // rxing stops tracking the minimum and maximum once they differ by more than 24;
            // the sum is complete either way, and the minimum is used only when they do not.
            let mut average = sum >> 6;
            if max - min <= MIN_DYNAMIC_RANGE {
                average = u32::from(min) / 2;
                if by > 0 && bx > 0 {
                    let neighbours = (points[(by - 1) * sub_width + bx]
                        + 2 * points[by * sub_width + bx - 1]
                        + points[(by - 1) * sub_width + bx - 1])
                        / 4;
                    if u32::from(min) < neighbours {
                        average = neighbours;
                    }
                }
            }
            points[by * sub_width + bx] = average;
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use rxing::BinaryBitmap;

    /// A small deterministic generator (xorshift), so the noise is the same on every run.
    fn noise(seed: u64) -> impl FnMut() -> u8 {
        let mut state = seed | 1;
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        }
    }

    fn rxing_matrix(image: &GrayImage, part: [u32; 4], inverted: bool) -> BitMatrix {
        let [x, y, w, h] = part.map(|v| v as usize);
        let whole =
            Luma8Source::new_with_slice(image.as_raw(), image.width(), image.height()).unwrap();
        let mut source = whole.crop(x, y, w, h).unwrap();
        if inverted {
            source.invert();
        }
        BinaryBitmap::new(HybridBinarizer::new(source))
            .get_black_matrix()
            .clone()
    }

    fn fast_matrix(image: &GrayImage, part: [u32; 4], inverted: bool) -> BitMatrix {
        let fast = FastHybrid::new(image, part, inverted).unwrap();
        BinaryBitmap::new(fast).get_black_matrix().clone()
    }

    fn images() -> Vec<GrayImage> {
        let mut next = noise(7);
        let mut out = Vec::new();
        for (w, h) in [
            (40, 40),
            (41, 47),
            (64, 64),
            (100, 63),
            (333, 257),
            (517, 129),
        ] {
            // Noise with light and dark areas, flat areas (the low-contrast branch) and
            // gradients.
            out.push(GrayImage::from_fn(w, h, |x, y| {
                let v = match (x / 37 + y / 23) % 4 {
                    0 => next(),
                    1 => 200 + next() % 10,
                    2 => ((x * 3 + y * 5) % 256) as u8,
                    _ => 30 + next() % 20,
                };
                image::Luma([v])
            }));
        }
        // A QR code on a page.
        let code = qrcode::QrCode::new(b"otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP").unwrap();
        let mut page = GrayImage::from_pixel(301, 277, image::Luma([230]));
        let symbol = code
            .render::<image::Luma<u8>>()
            .module_dimensions(3, 3)
            .build();
        image::imageops::replace(&mut page, &symbol, 21, 13);
        out.push(page);
        out
    }

    #[test]
    fn the_black_matrix_is_rxings_bit_for_bit() {
        for image in images() {
            let (w, h) = image.dimensions();
            let mut parts = vec![[0, 0, w, h]];
            if w > 50 && h > 50 {
                parts.push([3, 5, w - 9, h - 7]);
                parts.push([w / 3, 1, w - w / 3, h / 2 + 20]);
            }
            for part in parts {
                for inverted in [false, true] {
                    let ours = fast_matrix(&image, part, inverted);
                    let theirs = rxing_matrix(&image, part, inverted);
                    assert!(ours == theirs, "{w}x{h} {part:?} inverted {inverted}");
                }
            }
        }
    }

    #[test]
    fn small_and_misplaced_parts() {
        let image = GrayImage::from_fn(30, 20, |x, y| image::Luma([(x * 8 + y) as u8]));
        // Under 40 px: rxing's global histogram, as before.
        let ours = fast_matrix(&image, [0, 0, 30, 20], false);
        assert!(ours == rxing_matrix(&image, [0, 0, 30, 20], false));
        assert!(FastHybrid::new(&image, [10, 0, 30, 20], false).is_none());
        assert!(FastHybrid::new(&image, [0, 0, 0, 20], false).is_none());
    }
}
