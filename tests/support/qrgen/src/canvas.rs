//! The pixels of one synthetic screen: an RGB canvas with the few drawing operations the
//! desktop scenes need (filled and outlined rectangles, blends, gradients, noise, soft blobs),
//! rectangles that know when they overlap, and the Gaussian blur of the `blur` screens. Nothing
//! here draws at random by itself: randomness comes in only through the [`Rng`] passed in, so the
//! same calls give the same pixels.

use image::RgbImage;

use crate::rng::Rng;

/// An RGB colour.
pub(crate) type Rgb = [u8; 3];

pub(crate) struct Canvas {
    pub(crate) w: i64,
    pub(crate) h: i64,
    pub(crate) buf: Vec<u8>,
}

impl Canvas {
    pub(crate) fn new(w: i64, h: i64, c: Rgb) -> Self {
        let mut buf = vec![0u8; (w * h * 3) as usize];
        for px in buf.chunks_exact_mut(3) {
            px.copy_from_slice(&c);
        }
        Canvas { w, h, buf }
    }

    pub(crate) fn clip(&self, x: i64, y: i64, w: i64, h: i64) -> Option<(i64, i64, i64, i64)> {
        let x0 = x.max(0);
        let y0 = y.max(0);
        let x1 = (x + w).min(self.w);
        let y1 = (y + h).min(self.h);
        if x1 <= x0 || y1 <= y0 {
            None
        } else {
            Some((x0, y0, x1, y1))
        }
    }

    pub(crate) fn rect(&mut self, x: i64, y: i64, w: i64, h: i64, c: Rgb) {
        if let Some((x0, y0, x1, y1)) = self.clip(x, y, w, h) {
            for yy in y0..y1 {
                let row = &mut self.buf
                    [((yy * self.w + x0) * 3) as usize..((yy * self.w + x1) * 3) as usize];
                for px in row.chunks_exact_mut(3) {
                    px.copy_from_slice(&c);
                }
            }
        }
    }

    pub(crate) fn outline(&mut self, x: i64, y: i64, w: i64, h: i64, t: i64, c: Rgb) {
        self.rect(x, y, w, t, c);
        self.rect(x, y + h - t, w, t, c);
        self.rect(x, y, t, h, c);
        self.rect(x + w - t, y, t, h, c);
    }

    /// Alpha-blend a flat colour (drop shadows, overlays).
    pub(crate) fn blend(&mut self, x: i64, y: i64, w: i64, h: i64, c: Rgb, a: f64) {
        if let Some((x0, y0, x1, y1)) = self.clip(x, y, w, h) {
            for yy in y0..y1 {
                for xx in x0..x1 {
                    let i = ((yy * self.w + xx) * 3) as usize;
                    for k in 0..3 {
                        let v = self.buf[i + k] as f64 * (1.0 - a) + c[k] as f64 * a;
                        self.buf[i + k] = v.round() as u8;
                    }
                }
            }
        }
    }

    pub(crate) fn gradient(
        &mut self,
        x: i64,
        y: i64,
        w: i64,
        h: i64,
        c0: Rgb,
        c1: Rgb,
        vertical: bool,
    ) {
        if let Some((x0, y0, x1, y1)) = self.clip(x, y, w, h) {
            for yy in y0..y1 {
                for xx in x0..x1 {
                    let t = if vertical {
                        (yy - y) as f64 / h.max(1) as f64
                    } else {
                        (xx - x) as f64 / w.max(1) as f64
                    };
                    let i = ((yy * self.w + xx) * 3) as usize;
                    for k in 0..3 {
                        self.buf[i + k] =
                            (c0[k] as f64 * (1.0 - t) + c1[k] as f64 * t).round() as u8;
                    }
                }
            }
        }
    }

    /// Add uniform noise of +-amp to a region (photos, textured wallpaper).
    pub(crate) fn noise(&mut self, x: i64, y: i64, w: i64, h: i64, amp: i64, rng: &mut Rng) {
        if let Some((x0, y0, x1, y1)) = self.clip(x, y, w, h) {
            for yy in y0..y1 {
                for xx in x0..x1 {
                    let i = ((yy * self.w + xx) * 3) as usize;
                    let r = rng.next_u64();
                    for k in 0..3 {
                        let n = ((r >> (k * 16)) & 0xFFFF) as i64 % (2 * amp + 1) - amp;
                        self.buf[i + k] = (self.buf[i + k] as i64 + n).clamp(0, 255) as u8;
                    }
                }
            }
        }
    }

    /// Soft "blob" for photos: radial falloff of a colour.
    pub(crate) fn blob(&mut self, cx: i64, cy: i64, r: i64, c: Rgb, clip: (i64, i64, i64, i64)) {
        let (bx, by, bw, bh) = clip;
        if let Some((x0, y0, x1, y1)) = self.clip(cx - r, cy - r, 2 * r, 2 * r) {
            for yy in y0.max(by)..y1.min(by + bh) {
                for xx in x0.max(bx)..x1.min(bx + bw) {
                    let d = (((xx - cx).pow(2) + (yy - cy).pow(2)) as f64).sqrt() / r as f64;
                    if d < 1.0 {
                        let a = (1.0 - d) * 0.8;
                        let i = ((yy * self.w + xx) * 3) as usize;
                        for k in 0..3 {
                            self.buf[i + k] =
                                (self.buf[i + k] as f64 * (1.0 - a) + c[k] as f64 * a) as u8;
                        }
                    }
                }
            }
        }
    }

    pub(crate) fn into_image(self) -> RgbImage {
        RgbImage::from_raw(self.w as u32, self.h as u32, self.buf).expect("canvas size")
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Rect {
    pub(crate) x: i64,
    pub(crate) y: i64,
    pub(crate) w: i64,
    pub(crate) h: i64,
}

impl Rect {
    pub(crate) fn overlaps(&self, o: &Rect, pad: i64) -> bool {
        self.x < o.x + o.w + pad
            && o.x < self.x + self.w + pad
            && self.y < o.y + o.h + pad
            && o.y < self.y + self.h + pad
    }
}

/// Separable Gaussian blur (own implementation: deterministic, fast enough).
pub(crate) fn gaussian_blur(img: &RgbImage, sigma: f64) -> RgbImage {
    let r = (3.0 * sigma).ceil() as i64;
    let mut k: Vec<f32> = (-r..=r)
        .map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp() as f32)
        .collect();
    let sum: f32 = k.iter().sum();
    k.iter_mut().for_each(|v| *v /= sum);
    let (w, h) = (img.width() as i64, img.height() as i64);
    let src = img.as_raw();
    let mut tmp = vec![0f32; (w * h * 3) as usize];
    for y in 0..h {
        for x in 0..w {
            for ch in 0..3 {
                let mut acc = 0f32;
                for (i, kv) in k.iter().enumerate() {
                    let xx = (x + i as i64 - r).clamp(0, w - 1);
                    acc += kv * src[((y * w + xx) * 3 + ch) as usize] as f32;
                }
                tmp[((y * w + x) * 3 + ch) as usize] = acc;
            }
        }
    }
    let mut out = vec![0u8; (w * h * 3) as usize];
    for y in 0..h {
        for x in 0..w {
            for ch in 0..3 {
                let mut acc = 0f32;
                for (i, kv) in k.iter().enumerate() {
                    let yy = (y + i as i64 - r).clamp(0, h - 1);
                    acc += kv * tmp[((yy * w + x) * 3 + ch) as usize];
                }
                out[((y * w + x) * 3 + ch) as usize] = acc.round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    RgbImage::from_raw(w as u32, h as u32, out).unwrap()
}
