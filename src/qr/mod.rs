//! Finding every QR code in an 8-bit grey image.
//!
//! Strategy (`docs/qr-decoding.md`), each step only when the ones before found nothing:
//!
//! 1. rxing's zxing-cpp-port reader in multi-symbol mode (TryHarder, QR only) at full
//!    resolution, never downscaled: every symbol on the screen, not just the first;
//! 2. the same on the inverted image (light modules on a dark page);
//! 3. on small images only (under 2 MP: photos and cropped files, not screenshots), what rxing's
//!    single-symbol helper adds: its Java port on the normal pass's black matrix, then both ports
//!    on it flipped (reads a camera photo the multi reader misses);
//! 4. on small images only, rqrr as it is, with a white border and ×2 upscale, then with a local
//!    adaptive threshold. Every rqrr call runs inside `catch_unwind`: rqrr 0.11 panics on some
//!    inputs.
//!
//! What each step earns, measured on `tests/fixtures/qr-samples` at 0° (141 images; the
//! `qr_samples` integration test prints it):
//!
//! | steps | real samples read |
//! |---|---|
//! | 1-2 (rxing multi, normal and inverted) | 125 |
//! | 1-3 (+ rxing single helper) | 126 |
//! | 1-4 (+ rqrr on small images) | 130 (zxing-cpp: 127) |
//!
//! With `scan::scan_image`'s enlarged second look at QR-shaped regions, Mamori reads 194 of the
//! 196 synthetic screenshots and all 66 harder ones (`qr_synthetic` tests; zxing-cpp: 193 and
//! 66), with both codes on every two-code screen. Screenshots stop after step 2: on a cluttered
//! 4K screen with no code, step 3 alone took longer than steps 1 and 2 together, for nothing
//! (see `benches/qr.rs`).
//!
//! The regions come from the first pass's own finder-pattern search (its loop over pattern
//! triples is written out in [`Pass::read`], so the search runs once), and only where the
//! triple frames something data-like ([`frames_data`]): the "scan with your phone" icons on
//! half of the synthetic screens no longer cost an enlarged look each.
//!
//! On two cores the steps run side by side with the same results: a screen of 2 MP or more as
//! two overlapping halves at once (then the inverted halves; a half-size copy only after a
//! finder pattern as wide as a code larger than the overlap), a smaller image's normal and
//! inverted passes at once, rqrr's passes as two chains (plain then padded; adaptive). On a
//! large image the inverted pass reads the normal pass's black matrix flipped, as zxing-cpp
//! does, instead of binarising again; a smaller image's inverted pixels are binarised on their
//! own, which reads two rotated samples more. Measured numbers: `docs/qr-decoding.md`.
//!
//! Without rqrr's plain pass step 4 reads one real and three rotated samples fewer, so it stays;
//! rqrr on the inverted image read nothing the other steps do not (every sample set), so it is
//! gone, and with it one rqrr pass on every photo no step reads. Screenshots (2 MP and more)
//! never reach rqrr: its cascade costs about 0.5 s on a 4K screen with no code.
//!
//! The API takes an image and returns results, with no global state, so callers can run it on
//! any thread.

mod binarizer;
mod upscale;

use std::panic::{AssertUnwindSafe, catch_unwind};

use image::GrayImage;
use rxing::common::{BitMatrix, DetectorRXingResult as _};

use binarizer::FastHybrid;
use rxing::qrcode::cpp_port::decoder;
use rxing::qrcode::cpp_port::detector::{self, FinderPatternSet};
use rxing::{BarcodeFormat, BinaryBitmap, DecodeHints, Reader as _};

/// Images under this many pixels also go through the rqrr passes.
const SMALL_IMAGE_PIXELS: u64 = 2_000_000;

/// Images under this many pixels read their normal and inverted passes one after the other even
/// on two cores.
const SEQUENTIAL_PIXELS: u64 = 300_000;

/// One decoded QR code.
#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    /// The text it holds, exactly as encoded.
    pub text: String,
    /// Where it is: left, top, width, height in pixels (approximate, from the finder patterns).
    pub bounds: Option<[u32; 4]>,
}

/// Converts RGBA pixels to grey (ITU-R BT.601 weights) with an integer loop; about half the
/// time of `DynamicImage::to_luma8` on a 4K screenshot.
pub fn rgba_to_gray(width: u32, height: u32, rgba: &[u8]) -> GrayImage {
    let grey = lumas(rgba, 4).collect();
    GrayImage::from_raw(width, height, grey).unwrap_or_else(|| GrayImage::new(0, 0))
}

/// The [`luma`] of each pixel of `channels` bytes (RGB or RGBA; alpha is ignored).
pub fn lumas(pixels: &[u8], channels: usize) -> impl Iterator<Item = u8> + '_ {
    pixels
        .chunks_exact(channels)
        .map(|px| luma(px[0], px[1], px[2]))
}

/// BT.601 luma of one pixel in integer arithmetic.
#[inline]
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 77 + u32::from(g) * 150 + u32::from(b) * 29 + 128) >> 8) as u8
}

/// Which fallbacks [`decode_with`] runs after rxing's multi-symbol reader (normal and inverted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fallbacks {
    /// Step 3: rxing's single-symbol helper (its Java port, on both polarities).
    pub rxing_single: bool,
    /// Step 4: rqrr's upscale and adaptive passes on small images.
    pub rqrr: bool,
}

impl Fallbacks {
    /// Every step: what [`decode`] runs.
    pub const ALL: Fallbacks = Fallbacks {
        rxing_single: true,
        rqrr: true,
    };
    /// rxing's multi-symbol reader alone (normal, then inverted).
    pub const NONE: Fallbacks = Fallbacks {
        rxing_single: false,
        rqrr: false,
    };
}

/// Every QR code in `image`, each text once, in the order found.
pub fn decode(image: &GrayImage) -> Vec<Symbol> {
    decode_with(image, Fallbacks::ALL)
}

/// [`decode`] with chosen fallbacks; benchmarks and the sample tests use it to measure what
/// each step earns.
pub fn decode_with(image: &GrayImage, fallbacks: Fallbacks) -> Vec<Symbol> {
    decode_passes(image, fallbacks, RqrrPasses::All, Threads::Available).symbols
}

/// What [`decode_and_locate`] found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decoded {
    /// Every QR code read, as [`decode`] returns them.
    pub symbols: Vec<Symbol>,
    /// When nothing was read: the QR-shaped regions, as [`qr_shaped_regions`] gives them.
    pub regions: Vec<[u32; 4]>,
}

/// [`decode`], and when it reads nothing, the regions [`qr_shaped_regions`] would find, taken
/// from the first pass's own binarised image (no second binarisation). What `mamori scan` and
/// the window run first.
pub fn decode_and_locate(image: &GrayImage) -> Decoded {
    decode_passes(image, Fallbacks::ALL, RqrrPasses::All, Threads::Available)
}

/// Which of rqrr's passes [`rqrr_rescue`] runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RqrrPasses {
    /// Plain, padded and enlarged ×2, adaptive threshold: a whole small image.
    All,
    /// The same without the ×2 enlargement: a region already enlarged from a screenshot (the
    /// ×2 would cost 120-160 ms a region on a 4K screen; its adaptive threshold is what reads
    /// a blurred 2-px code there).
    NoUpscale,
    /// The plain pass alone: a region already enlarged from a photo, whose other passes ran on
    /// the whole photo. It reads one rotated sample more; the others took 20-50 ms a photo for
    /// nothing more.
    PlainOnly,
}

/// How many threads a decoding step may use.
#[derive(Clone, Copy)]
enum Threads {
    /// [`available_threads`], asked only where a step could use a second thread: asking reads
    /// cgroup files, about 80 µs, which a small photo read in one pass never needs.
    Available,
    /// This many: one a region when several are read at once (the tests compare one core
    /// with two).
    Exactly(usize),
}

impl Threads {
    fn get(self) -> usize {
        match self {
            Threads::Available => available_threads(),
            Threads::Exactly(threads) => threads,
        }
    }
}

/// How many threads decoding may use: the cores this process may run on (a `taskset` or a
/// container's quota included), asked once.
fn available_threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `a` and `b`, at once on two threads when `threads` allows, else one after the other with
/// `b` skipped when `skip_b(&a)` says so. A panic in either counts as its default.
fn both<A, B>(
    threads: usize,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
    skip_b: impl FnOnce(&A) -> bool,
) -> (A, B)
where
    A: Send + Default,
    B: Send + Default,
{
    if threads < 2 {
        let a = a();
        let b = if skip_b(&a) { B::default() } else { b() };
        return (a, b);
    }
    std::thread::scope(|scope| {
        let second = scope.spawn(b);
        let a = a();
        (a, second.join().unwrap_or_default())
    })
}

/// The decoding steps of the module comment. On two cores the normal and inverted passes run
/// at once (the inverted one would otherwise wait for the normal one to fail), as do the
/// small-image fallbacks.
fn decode_passes(
    image: &GrayImage,
    fallbacks: Fallbacks,
    rqrr: RqrrPasses,
    threads: Threads,
) -> Decoded {
    if image.width() == 0 || image.height() == 0 {
        return Decoded::default();
    }
    let pixels = u64::from(image.width()) * u64::from(image.height());
    let small = pixels < SMALL_IMAGE_PIXELS;
    // A small image's normal pass, kept binarised for step 3.
    let mut normal_pass = None;
    let Decoded {
        mut symbols,
        regions,
    } = if pixels >= SPLIT_PIXELS && threads.get() >= 2 {
        split_passes(image, threads.get())
    } else if pixels >= SPLIT_PIXELS {
        // One core, a large image: the inverted pass on the normal pass's black matrix
        // flipped, as the split passes do.
        let (normal, pass) = rxing_pass(image, [0, 0, image.width(), image.height()]);
        let mut normal = normal.decoded();
        if normal.symbols.is_empty() {
            normal.symbols = pass.map(|mut p| p.inverted().symbols).unwrap_or_default();
        }
        normal
    } else {
        // A smaller image: the inverted pixels binarised on their own, which reads two rotated
        // samples the flipped black matrix misses; at once with the normal pass on two cores,
        // on one only when the normal pass read nothing. Under 0.3 MP a pass takes less than
        // a second thread costs to start (with its own malloc arena, whose pages are touched
        // anew), so the inverted pass waits for the normal one to fail.
        let first_threads = if pixels < SEQUENTIAL_PIXELS {
            1
        } else {
            threads.get()
        };
        let ((normal, pass), inverted) = both(
            first_threads,
            || rxing_pass(image, [0, 0, image.width(), image.height()]),
            || rxing_multi(image, true).symbols,
            |(normal, _)| !normal.symbols.is_empty(),
        );
        normal_pass = pass;
        let mut normal = normal.decoded();
        if normal.symbols.is_empty() {
            normal.symbols = inverted;
        }
        normal
    };
    // Step 3 first, alone: it is quick, and when it reads the code nothing waits for rqrr (on
    // a photo it reads, rqrr's passes took 40 ms more).
    if symbols.is_empty() && small && fallbacks.rxing_single {
        symbols = normal_pass
            .map(|mut pass| java_port(&mut pass))
            .unwrap_or_default();
    }
    if symbols.is_empty() && small && fallbacks.rqrr {
        symbols = rqrr_rescue(image, rqrr, threads.get());
    }
    let mut unique: Vec<Symbol> = Vec::with_capacity(symbols.len());
    merge(&mut unique, symbols);
    let regions = if unique.is_empty() {
        regions
    } else {
        Vec::new()
    };
    Decoded {
        symbols: unique,
        regions,
    }
}

/// True when something shaped like a QR code (three finder patterns that could frame a symbol)
/// is in the image even though nothing could be read: worth telling the user to zoom in rather
/// than "no code". Uses rxing's finder-pattern search, about one decoding pass; call it only
/// after [`decode`] found nothing.
pub fn looks_like_a_qr_code(image: &GrayImage) -> bool {
    !qr_shaped_regions(image).is_empty()
}

/// The regions of the image framed by QR-shaped finder-pattern triples (at most
/// [`MAX_REGIONS`], each with room for the quiet zone), for a second, enlarged look when
/// nothing could be read. Empty when nothing QR-shaped is there.
pub fn qr_shaped_regions(image: &GrayImage) -> Vec<[u32; 4]> {
    let Some(pass) = Pass::new(image, [0, 0, image.width(), image.height()], false) else {
        return Vec::new();
    };
    catch_unwind(AssertUnwindSafe(|| {
        let matrix = pass.bitmap.get_black_matrix();
        let mut regions = Vec::new();
        for set in finder_triples(matrix).0 {
            add_region(&mut regions, matrix, &set);
        }
        regions
    }))
    .unwrap_or_default()
}

/// rxing's finder-pattern search (zxing-cpp port, TryHarder) on `matrix`: the triples that
/// could frame a QR code, and the widest pattern in pixels (0 when none).
fn finder_triples(matrix: &BitMatrix) -> (detector::FinderPatternSets, u32) {
    let mut patterns = detector::FindFinderPatterns(matrix, true, 0);
    let widest = patterns
        .iter()
        .map(|p| p.size.max(0) as u32)
        .max()
        .unwrap_or(0);
    (detector::GenerateFinderPatternSets(&mut patterns), widest)
}

/// Adds the region framed by the finder patterns `set` (with room for the quiet zone) to
/// `regions`, each once and at most [`MAX_REGIONS`], when what they frame looks like a
/// symbol's data ([`frames_data`]).
fn add_region(regions: &mut Vec<[u32; 4]>, matrix: &BitMatrix, set: &FinderPatternSet) {
    if regions.len() >= MAX_REGIONS || !frames_data(matrix, set) {
        return;
    }
    let corners = [set.bl, set.tl, set.tr];
    let xs = corners.iter().map(|c| c.p.x);
    let ys = corners.iter().map(|c| c.p.y);
    let (x0, x1) = (xs.clone().fold(f32::MAX, f32::min), xs.fold(0.0, f32::max));
    let (y0, y1) = (ys.clone().fold(f32::MAX, f32::min), ys.fold(0.0, f32::max));
    // The centres of the finder patterns are 3.5 modules in from the symbol's edges; the
    // region adds those, the quiet zone and a margin for a skewed symbol.
    let size = corners.iter().map(|c| c.size).max().unwrap_or(7).max(7) as f32;
    let pad = size * 1.5 + (x1 - x0).max(y1 - y0) * 0.15;
    let left = (x0 - pad).max(0.0) as u32;
    let top = (y0 - pad).max(0.0) as u32;
    let right = ((x1 + pad) as u32).min(matrix.width());
    let bottom = ((y1 + pad) as u32).min(matrix.height());
    if right > left && bottom > top {
        let region = [left, top, right - left, bottom - top];
        if !regions.contains(&region) {
            regions.push(region);
        }
    }
}

/// True when the part of `matrix` framed by the finder patterns `set` looks like a symbol's
/// data: between 15 % and 85 % of its modules dark, sampled at module centres outside the
/// finder corners. A QR code's mask keeps its data near half dark, even blurred; a "scan with
/// your phone" icon drawn as three finder squares on an empty tile is almost all light. This
/// keeps such icons out of the enlarged second look (7-22 ms each on a screen with no code).
fn frames_data(matrix: &BitMatrix, set: &FinderPatternSet) -> bool {
    let (tl, tr, bl) = (set.tl, set.tr, set.bl);
    let module = (tl.size + tr.size + bl.size) as f32 / 21.0;
    if module <= 0.0 {
        return true;
    }
    let (ux, uy) = (tr.p.x - tl.p.x, tr.p.y - tl.p.y);
    let (vx, vy) = (bl.p.x - tl.p.x, bl.p.y - tl.p.y);
    let span = ((ux.hypot(uy) + vx.hypot(vy)) / 2.0 / module).round();
    // Modules between the finder centres: dimension - 7, for versions 1 to 40.
    let between = span.clamp(14.0, 170.0);
    let dimension = between as i32 + 7;
    let step = (dimension / 40).max(1) as usize;
    let in_finder =
        |i: i32, j: i32| (i < 8 && (j < 8 || j >= dimension - 8)) || (i >= dimension - 8 && j < 8);
    let (mut dark, mut total) = (0u32, 0u32);
    for j in (0..dimension).step_by(step) {
        for i in (0..dimension).step_by(step) {
            if in_finder(i, j) {
                continue;
            }
            let (s, t) = ((i as f32 - 3.0) / between, (j as f32 - 3.0) / between);
            let (x, y) = (tl.p.x + s * ux + t * vx, tl.p.y + s * uy + t * vy);
            if x < 0.0 || y < 0.0 {
                continue;
            }
            if let Some(black) = matrix.try_get(x as u32, y as u32) {
                total += 1;
                dark += u32::from(black);
            }
        }
    }
    if total == 0 {
        return true;
    }
    let share = dark as f32 / total as f32;
    (0.15..=0.85).contains(&share)
}

/// How many QR-shaped regions are looked at again, enlarged.
pub const MAX_REGIONS: usize = 4;

/// A selected region's smaller side is enlarged to at least this many pixels (at most ×4; a
/// large region in [`decode_regions`] at most ×2).
pub const ENLARGE_TO: u32 = 900;

/// The part `[x, y, w, h]` of `image`, enlarged so its smaller side is at least
/// [`ENLARGE_TO`] pixels (at most ×4), ready to scan: a code drawn at 1.25 pixels a module (a
/// browser zoomed to 67-80 %) comes out at 4 to 5 pixels a module, which the readers handle.
/// Used for the window's "select a region" and for [`decode_regions`].
pub fn enlarged_region(image: &GrayImage, [x, y, w, h]: [u32; 4]) -> GrayImage {
    enlarge(image, [x, y, w, h], MAX_ENLARGEMENT).0
}

/// The most a region is enlarged by: 1.25 px a module become 5.
const MAX_ENLARGEMENT: f32 = 4.0;

/// The most a large region (smaller side at least [`LARGE_REGION`] pixels) is enlarged by in
/// [`decode_regions`]. Such a region frames large modules (a 2FA code of version 10 or less at
/// 1.3 px a module is under 80 px): on the 141 real samples and 423 rotated ones (the regions
/// that changed were 190-260 px), ×2 read one of each more than ×4 did (131 and 393 → 132 and
/// 394), in 17-22 % less time, where ×1.5 and ×3 read fewer. Small regions, the small codes
/// this look exists for, keep ×4 whatever the image's size (a 1600 × 1000 window capture
/// included).
const MAX_LARGE_REGION_ENLARGEMENT: f32 = 2.0;

/// See [`MAX_LARGE_REGION_ENLARGEMENT`].
const LARGE_REGION: u32 = 150;

/// [`enlarged_region`] at most ×`most`, and the factor it was enlarged by.
fn enlarge(image: &GrayImage, [x, y, w, h]: [u32; 4], most: f32) -> (GrayImage, f32) {
    let x = x.min(image.width().saturating_sub(1));
    let y = y.min(image.height().saturating_sub(1));
    let w = w.clamp(1, image.width() - x);
    let h = h.clamp(1, image.height() - y);
    let crop = image::imageops::crop_imm(image, x, y, w, h).to_image();
    let factor = (ENLARGE_TO as f32 / w.min(h) as f32).clamp(1.0, most);
    if factor <= 1.0 {
        return (crop, 1.0);
    }
    let (nw, nh) = ((w as f32 * factor) as u32, (h as f32 * factor) as u32);
    (upscale::bilinear(&crop, nw, nh), factor)
}

/// Reads the codes in `regions` of `image` (from [`qr_shaped_regions`]), each enlarged as
/// [`enlarged_region`] does (a large region at most ×2: [`MAX_LARGE_REGION_ENLARGEMENT`]) and
/// read with steps 1, 2 and 4 of [`decode`] (see the comment inside for which of rqrr's
/// passes); bounds are given in `image`'s pixels.
pub fn decode_regions(image: &GrayImage, regions: &[[u32; 4]]) -> Vec<Symbol> {
    let regions = &regions[..regions.len().min(MAX_REGIONS)];
    // rxing's multi-symbol reader, then rqrr. The single-symbol helper read nothing more in
    // any region of any sample set.
    let fallbacks = Fallbacks {
        rxing_single: false,
        rqrr: true,
    };
    let small = u64::from(image.width()) * u64::from(image.height()) < SMALL_IMAGE_PIXELS;
    let rqrr = if small {
        RqrrPasses::PlainOnly
    } else {
        RqrrPasses::NoUpscale
    };
    // One region a thread when there are several (each then decodes on one), else the one
    // region's passes side by side.
    let threads = available_threads();
    let per_region = Threads::Exactly(if regions.len() > 1 { 1 } else { threads });
    let read = |&[left, top, width, height]: &[u32; 4]| {
        let most = if width.min(height) >= LARGE_REGION {
            MAX_LARGE_REGION_ENLARGEMENT
        } else {
            MAX_ENLARGEMENT
        };
        let (enlarged, factor) = enlarge(image, [left, top, width, height], most);
        let back = |v: u32| (v as f32 / factor) as u32;
        let mut symbols = decode_passes(&enlarged, fallbacks, rqrr, per_region).symbols;
        for symbol in &mut symbols {
            symbol.bounds = symbol
                .bounds
                .map(|[x, y, w, h]| [left + back(x), top + back(y), back(w), back(h)]);
        }
        symbols
    };
    let per_region_symbols: Vec<Vec<Symbol>> = if threads < 2 || regions.len() < 2 {
        regions.iter().map(read).collect()
    } else {
        let chunk = regions.len().div_ceil(threads.min(regions.len()));
        std::thread::scope(|scope| {
            let workers: Vec<_> = regions
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().map(read).collect::<Vec<_>>()))
                .collect();
            workers
                .into_iter()
                .flat_map(|worker| worker.join().unwrap_or_default())
                .collect()
        })
    };
    let mut found: Vec<Symbol> = Vec::new();
    merge(&mut found, per_region_symbols.into_iter().flatten());
    found
}

fn hints() -> DecodeHints {
    DecodeHints {
        TryHarder: Some(true),
        PossibleFormats: Some([BarcodeFormat::QR_CODE].into_iter().collect()),
        ..Default::default()
    }
}

fn bounds_of(points: &[rxing::Point]) -> Option<[u32; 4]> {
    if points.is_empty() {
        return None;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for p in points {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    let clamp = |v: f32| v.max(0.0) as u32;
    Some([clamp(x0), clamp(y0), clamp(x1 - x0), clamp(y1 - y0)])
}

/// Step 1 (or 2 with `inverted`, the inverted pixels binarised on their own): every symbol,
/// zxing-cpp port, and the QR-shaped regions it could not read.
fn rxing_multi(image: &GrayImage, inverted: bool) -> Reading {
    Pass::new(image, [0, 0, image.width(), image.height()], inverted)
        .map(|mut pass| pass.read())
        .unwrap_or_default()
}

/// The normal pass over the part `[x, y, w, h]` of `image`, and the binarised part for
/// [`Pass::inverted`].
fn rxing_pass(image: &GrayImage, part: [u32; 4]) -> (Reading, Option<Pass<'_>>) {
    match Pass::new(image, part, false) {
        Some(mut pass) => (pass.read(), Some(pass)),
        None => (Reading::default(), None),
    }
}

/// What one read of a binarised image found.
#[derive(Default)]
struct Reading {
    /// Every symbol read, bounds in the whole image's pixels.
    symbols: Vec<Symbol>,
    /// The QR-shaped regions whose symbol could not be read (as [`add_region`] adds them), in
    /// the whole image's pixels.
    unread: Vec<[u32; 4]>,
    /// The widest finder pattern seen, in pixels; 0 when none.
    widest_finder: u32,
}

impl Reading {
    /// As [`Decoded`]: the regions only when nothing was read.
    fn decoded(self) -> Decoded {
        let regions = if self.symbols.is_empty() {
            self.unread
        } else {
            Vec::new()
        };
        Decoded {
            symbols: self.symbols,
            regions,
        }
    }
}

/// A binarised part of an image at `origin`, kept so the inverted pass reads the same black
/// matrix flipped instead of binarising the inverted pixels again (as zxing-cpp's `tryInvert`
/// does): on a 4K screen with no code, one binarisation of each half saved.
struct Pass<'a> {
    bitmap: BinaryBitmap<FastHybrid<'a>>,
    origin: [u32; 2],
}

impl<'a> Pass<'a> {
    /// The part `[x, y, w, h]` of `image` (a view, no copy), to be binarised on its first
    /// read; with `inverted_source`, its pixels inverted before they are binarised.
    fn new(image: &'a GrayImage, part: [u32; 4], inverted_source: bool) -> Option<Pass<'a>> {
        let [x, y, ..] = part;
        Some(Pass {
            bitmap: BinaryBitmap::new(FastHybrid::new(image, part, inverted_source)?),
            origin: [x, y],
        })
    }

    /// Every symbol in the bitmap as it stands, what rxing's multi-symbol QR reader (zxing-cpp
    /// port, TryHarder) finds, and in the same finder-pattern search the regions it could not
    /// read and the widest pattern: its loop over finder-pattern triples, written out here
    /// so that the search is not run a second time to locate regions.
    fn read(&mut self) -> Reading {
        let reading = catch_unwind(AssertUnwindSafe(|| {
            let matrix = self.bitmap.get_black_matrix();
            let (sets, widest_finder) = finder_triples(matrix);
            let mut reading = Reading {
                widest_finder,
                ..Reading::default()
            };
            let mut used = Vec::new();
            for set in sets {
                let corners = [set.bl, set.tl, set.tr];
                if corners.iter().any(|c| used.contains(c)) {
                    continue;
                }
                let symbol = detector::SampleQR(matrix, &set).ok().and_then(|sampled| {
                    let result = decoder::Decode(sampled.getBits()).ok()?;
                    result.isValid().then(|| Symbol {
                        text: result.text(),
                        bounds: bounds_of(sampled.getPoints()),
                    })
                });
                match symbol {
                    Some(symbol) => {
                        used.extend(corners);
                        reading.symbols.push(symbol);
                    }
                    None => add_region(&mut reading.unread, matrix, &set),
                }
            }
            reading
        }));
        let mut reading = reading.unwrap_or_default();
        for symbol in &mut reading.symbols {
            symbol.bounds = symbol.bounds.map(|b| self.in_image(b));
        }
        reading.unread = reading.unread.iter().map(|&b| self.in_image(b)).collect();
        reading
    }

    /// `[x, y, w, h]` in this part's pixels, in the whole image's.
    fn in_image(&self, [x, y, w, h]: [u32; 4]) -> [u32; 4] {
        [x + self.origin[0], y + self.origin[1], w, h]
    }

    /// Step 2: the black matrix flipped (light modules on a dark page), read again.
    fn inverted(&mut self) -> Reading {
        let flipped = catch_unwind(AssertUnwindSafe(|| self.bitmap.invert()));
        if flipped.is_err() {
            return Reading::default();
        }
        self.read()
    }
}

/// `image` at half its width and height, each pixel the mean of four (an integer loop: a
/// tenth of the time of a filtered resize on a 4K screen).
fn half_size(image: &GrayImage) -> GrayImage {
    let (w, h) = (image.width() / 2, image.height() / 2);
    let stride = image.width() as usize;
    let src = image.as_raw();
    let mut out = Vec::with_capacity(w as usize * h as usize);
    for y in 0..h as usize {
        let (top, bottom) = (&src[2 * y * stride..], &src[(2 * y + 1) * stride..]);
        for x in 0..w as usize {
            let sum = u16::from(top[2 * x])
                + u16::from(top[2 * x + 1])
                + u16::from(bottom[2 * x])
                + u16::from(bottom[2 * x + 1]);
            out.push(((sum + 2) / 4) as u8);
        }
    }
    GrayImage::from_raw(w, h, out).unwrap_or_else(|| GrayImage::new(0, 0))
}

/// Screenshots from this many pixels up are read in two overlapping halves at once on two
/// cores.
const SPLIT_PIXELS: u64 = 2_000_000;

/// The two halves of a large image, split across its longer side, each reaching half the
/// shorter side past the middle: a code up to that size (1080 px on a 4K screen, larger than
/// any setup page draws one) lies whole in one half or the other.
fn halves(width: u32, height: u32) -> [[u32; 4]; 2] {
    let long = width.max(height);
    let overlap = width.min(height) / 2;
    let cut = long / 2;
    let (first_end, second_start) = (
        (cut + overlap / 2).min(long),
        cut.saturating_sub(overlap / 2),
    );
    if width >= height {
        [
            [0, 0, first_end, height],
            [second_start, 0, width - second_start, height],
        ]
    } else {
        [
            [0, 0, width, first_end],
            [0, second_start, width, height - second_start],
        ]
    }
}

/// Steps 1 and 2 on a large image with two cores: the normal pass over its two [`halves`] at
/// once (views of the image, not copies); when that reads nothing, the inverted pass over each
/// half's black matrix flipped (no second binarisation). A code larger than the overlap lies
/// whole in neither half, but its modules are large enough for a half-size copy, which is read
/// when either half saw a finder pattern that large (normal and inverted at once, each only
/// for the polarity that saw one). Each text once.
fn split_passes(image: &GrayImage, threads: usize) -> Decoded {
    let [first, second] = halves(image.width(), image.height());
    let ((first_read, first_pass), (second_read, second_pass)) = both(
        threads,
        || rxing_pass(image, first),
        || rxing_pass(image, second),
        |_| false,
    );
    let overlap = image.width().min(image.height()) / 2;
    let normal_large =
        larger_than_overlap(&first_read, overlap) || larger_than_overlap(&second_read, overlap);
    let mut normal = first_read.decoded();
    let other = second_read.decoded();
    merge(&mut normal.symbols, other.symbols);
    if !normal.symbols.is_empty() {
        normal.regions.clear();
        return normal;
    }
    for region in other.regions {
        if !normal.regions.contains(&region) {
            normal.regions.push(region);
        }
    }
    normal.regions.truncate(MAX_REGIONS);
    let flipped = |pass: Option<Pass>| pass.map(|mut p| p.inverted()).unwrap_or_default();
    let (first_inverted, second_inverted) = both(
        threads,
        || flipped(first_pass),
        || flipped(second_pass),
        |_| false,
    );
    let inverted_large = larger_than_overlap(&first_inverted, overlap)
        || larger_than_overlap(&second_inverted, overlap);
    let mut symbols = first_inverted.symbols;
    merge(&mut symbols, second_inverted.symbols);
    if symbols.is_empty() && (normal_large || inverted_large) {
        let half = half_size(image);
        let read_half = |inverted: bool, wanted: bool| -> Vec<Symbol> {
            if !wanted {
                return Vec::new();
            }
            let mut found = rxing_multi(&half, inverted).symbols;
            for symbol in &mut found {
                symbol.bounds = symbol.bounds.map(|b| b.map(|v| v * 2));
            }
            found
        };
        let (normal_half, inverted_half) = both(
            threads,
            || read_half(false, normal_large),
            || read_half(true, inverted_large),
            |_| false,
        );
        symbols = normal_half;
        merge(&mut symbols, inverted_half);
    }
    if !symbols.is_empty() {
        normal.regions.clear();
    }
    normal.symbols = symbols;
    normal
}

/// True when `reading` saw a finder pattern as wide as one of a code larger than `overlap`
/// pixels: at least 7 of its modules, of which a version 40 code has 177 across. A 45°-turned
/// pattern measures wider and a turned code needs less than the overlap, hence 32, not 25.
fn larger_than_overlap(reading: &Reading, overlap: u32) -> bool {
    reading.widest_finder.saturating_mul(32) >= overlap
}

/// Adds each of `more` whose text `symbols` lacks (so each text once, the first kept).
fn merge(symbols: &mut Vec<Symbol>, more: impl IntoIterator<Item = Symbol>) {
    for symbol in more {
        if !symbols.iter().any(|s| s.text == symbol.text) {
            symbols.push(symbol);
        }
    }
}

/// Step 3: rxing's port of the Java reader (its one-symbol helper's second reader, which reads
/// a camera photo the zxing-cpp port misses) on the normal pass's black matrix, then the
/// zxing-cpp port and the Java port on it flipped: what the helper does, without binarising
/// the image again or repeating the zxing-cpp port's normal pass.
fn java_port(pass: &mut Pass) -> Vec<Symbol> {
    let hints = hints();
    let java = |pass: &mut Pass| {
        let read = catch_unwind(AssertUnwindSafe(|| {
            rxing::qrcode::QRCodeReader.decode_with_hints(&mut pass.bitmap, &hints)
        }));
        match read {
            Ok(Ok(r)) => vec![Symbol {
                text: r.getText().to_string(),
                bounds: bounds_of(r.getPoints()).map(|b| pass.in_image(b)),
            }],
            _ => Vec::new(),
        }
    };
    let normal = java(pass);
    if !normal.is_empty() {
        return normal;
    }
    let flipped = pass.inverted().symbols;
    if !flipped.is_empty() {
        return flipped;
    }
    java(pass)
}

/// Step 4: rqrr as it is, on a padded ×2 copy, then with an adaptive threshold, stopping at the
/// first that reads something. On two cores as two chains at once (plain then padded; adaptive),
/// with the same result.
fn rqrr_rescue(image: &GrayImage, passes: RqrrPasses, threads: usize) -> Vec<Symbol> {
    let plain = || rqrr_decode(RqrrInput::Grey(image));
    if passes == RqrrPasses::PlainOnly {
        return plain();
    }
    let upscale = passes == RqrrPasses::All;
    let padded = || rqrr_decode(RqrrInput::Grey(&pad_and_upscale(image, upscale)));
    let adaptive = || {
        let radius = ((image.width().min(image.height()) / 60) as usize).max(12);
        let black = adaptive_threshold(image, radius, 10);
        rqrr_decode(RqrrInput::Bitmap(
            image.width() as usize,
            image.height() as usize,
            &black,
        ))
    };
    // Plain then padded, each only when the one before read nothing; the adaptive pass too,
    // at once on a second core (its result is used only when the chain read nothing, so the
    // result is the one core's).
    let (chain, adaptive_read) = both(
        threads,
        || {
            let plain_read = plain();
            if plain_read.is_empty() {
                padded()
            } else {
                plain_read
            }
        },
        adaptive,
        |chain: &Vec<Symbol>| !chain.is_empty(),
    );
    if chain.is_empty() {
        adaptive_read
    } else {
        chain
    }
}

fn rqrr_symbol(text: String, bounds: &[rqrr::Point; 4]) -> Symbol {
    let xs = bounds.iter().map(|p| p.x);
    let ys = bounds.iter().map(|p| p.y);
    let (x0, x1) = (xs.clone().min().unwrap_or(0), xs.max().unwrap_or(0));
    let (y0, y1) = (ys.clone().min().unwrap_or(0), ys.max().unwrap_or(0));
    let clamp = |v: i32| v.max(0) as u32;
    Symbol {
        text,
        bounds: Some([clamp(x0), clamp(y0), clamp(x1 - x0), clamp(y1 - y0)]),
    }
}

/// What rqrr reads: grey pixels (its own threshold) or pixels already made black or white.
enum RqrrInput<'a> {
    Grey(&'a GrayImage),
    Bitmap(usize, usize, &'a [bool]),
}

/// Every grid rqrr finds and decodes; a panic inside rqrr counts as nothing found.
fn rqrr_decode(input: RqrrInput<'_>) -> Vec<Symbol> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut prepared = match input {
            RqrrInput::Grey(image) => {
                let (w, h) = (image.width() as usize, image.height() as usize);
                let data = image.as_raw();
                rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| data[y * w + x])
            }
            RqrrInput::Bitmap(w, h, black) => {
                rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| black[y * w + x])
            }
        };
        let grids = prepared.detect_grids();
        grids
            .iter()
            .filter_map(|g| {
                g.decode()
                    .ok()
                    .map(|(_, text)| rqrr_symbol(text, &g.bounds))
            })
            .collect()
    }))
    .unwrap_or_default()
}

/// A white border (codes with tight quiet zones at the image edge hide their finder patterns
/// from rqrr) and a ×2 bilinear upscale when the result is still small.
fn pad_and_upscale(image: &GrayImage, upscale: bool) -> GrayImage {
    let margin = (image.width().min(image.height()) / 10).max(8);
    let mut padded = GrayImage::from_pixel(
        image.width() + 2 * margin,
        image.height() + 2 * margin,
        image::Luma([255]),
    );
    image::imageops::replace(&mut padded, image, i64::from(margin), i64::from(margin));
    if upscale && padded.width().min(padded.height()) < 800 {
        padded = upscale::bilinear(&padded, padded.width() * 2, padded.height() * 2);
    }
    padded
}

/// Local-mean threshold over a square window (integral image): black where a pixel is more than
/// `offset` below its neighbourhood's mean.
fn adaptive_threshold(image: &GrayImage, radius: usize, offset: i64) -> Vec<bool> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let src = image.as_raw();
    let mut integral = vec![0u64; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0u64;
        for x in 0..w {
            row += u64::from(src[y * w + x]);
            integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
        }
    }
    let mut black = vec![false; w * h];
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(radius), (y + radius + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(radius), (x + radius + 1).min(w));
            let sum = (integral[y1 * (w + 1) + x1] + integral[y0 * (w + 1) + x0])
                - integral[y0 * (w + 1) + x1]
                - integral[y1 * (w + 1) + x0];
            let n = ((x1 - x0) * (y1 - y0)) as i64;
            black[y * w + x] = i64::from(src[y * w + x]) * n < sum as i64 - offset * n;
        }
    }
    black
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qr_image(text: &str, module: u32, inverted: bool) -> GrayImage {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let img = code
            .render::<image::Luma<u8>>()
            .module_dimensions(module, module)
            .build();
        let mut canvas =
            GrayImage::from_pixel(img.width() + 200, img.height() + 100, image::Luma([255]));
        image::imageops::replace(&mut canvas, &img, 150, 40);
        if inverted {
            canvas.iter_mut().for_each(|p| *p = 255 - *p);
        }
        canvas
    }

    #[test]
    fn reads_a_code_and_where_it_is() {
        let text = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example";
        let found = decode(&qr_image(text, 4, false));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, text);
        let [x, y, w, h] = found[0].bounds.unwrap();
        assert!(
            x > 150 && y > 40 && w > 50 && h > 50,
            "{:?}",
            found[0].bounds
        );
    }

    #[test]
    fn reads_inverted_codes() {
        let text = "otpauth://totp/Dark:mode?secret=JBSWY3DPEHPK3PXP";
        assert_eq!(decode(&qr_image(text, 3, true))[0].text, text);
    }

    #[test]
    fn an_empty_or_blank_image_has_no_code() {
        assert!(decode(&GrayImage::new(0, 0)).is_empty());
        let blank = GrayImage::from_pixel(640, 480, image::Luma([255]));
        assert!(decode(&blank).is_empty());
        assert!(!looks_like_a_qr_code(&blank));
    }

    #[test]
    fn a_code_with_its_data_scribbled_over_still_looks_like_one() {
        let mut image = qr_image("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP", 4, false);
        // Cover the middle (data modules) and leave the three finder patterns.
        let (x0, y0) = (150 + 4 * 12, 40 + 4 * 12);
        for y in y0..y0 + 60 {
            for x in x0..x0 + 60 {
                let v = if (x * 7 + y * 13) % 5 < 2 { 0 } else { 255 };
                image.put_pixel(x, y, image::Luma([v]));
            }
        }
        assert!(decode(&image).is_empty());
        assert!(looks_like_a_qr_code(&image));
    }

    /// A 4K screen with codes placed where the two halves meet, and one larger than their
    /// overlap: the split passes of two cores read what one core reads, with bounds in the
    /// screen's pixels.
    #[test]
    fn two_cores_read_codes_across_the_seam_and_larger_than_the_overlap() {
        let text = "otpauth://totp/Seam:a?secret=JBSWY3DPEHPK3PXP&issuer=Seam";
        let big = "otpauth://totp/Big:b?secret=GEZDGNBVGY3TQOJQ";
        let mut screen = GrayImage::from_pixel(3840, 2160, image::Luma([235]));
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let small = code
            .render::<image::Luma<u8>>()
            .module_dimensions(4, 4)
            .build();
        // Centred on the cut at x = 1920.
        let left = 1920 - small.width() / 2;
        image::imageops::replace(&mut screen, &small, i64::from(left), 300);
        let alone = screen.clone();
        let code = qrcode::QrCode::new(big.as_bytes()).unwrap();
        let large = code
            .render::<image::Luma<u8>>()
            .module_dimensions(45, 45)
            .build();
        // The symbol (inside a quiet zone of 4 modules) from x = 1250 to past 2460: in neither
        // half, which end at 2460 and start at 1380.
        let quiet = 4 * 45;
        assert!(large.width() - 2 * quiet > 1080, "{}", large.width());
        let mut both_codes = GrayImage::from_pixel(3840, 2160, image::Luma([235]));
        image::imageops::replace(&mut both_codes, &large, i64::from(1250 - quiet), 400);

        let two = |image: &GrayImage| {
            decode_passes(image, Fallbacks::ALL, RqrrPasses::All, Threads::Exactly(2))
        };
        let one = |image: &GrayImage| {
            decode_passes(image, Fallbacks::ALL, RqrrPasses::All, Threads::Exactly(1))
        };
        let seam = two(&alone).symbols;
        assert_eq!(seam.len(), 1, "{seam:?}");
        assert_eq!(seam[0].text, text);
        let [x, y, _, _] = seam[0].bounds.unwrap();
        assert!(
            (left..left + 60).contains(&x) && (300..360).contains(&y),
            "{x} {y}"
        );
        assert_eq!(one(&alone).symbols[0].text, text);
        let larger = two(&both_codes).symbols;
        assert_eq!(larger.len(), 1, "{larger:?}");
        assert_eq!(larger[0].text, big);
        let [x, y, _, _] = larger[0].bounds.unwrap();
        assert!(
            (1250..1450).contains(&x) && (500..800).contains(&y),
            "{x} {y}"
        );
        // The same light on a dark screen: only the inverted half-size copy reads it.
        let mut dark = both_codes.clone();
        dark.iter_mut().for_each(|p| *p = 255 - *p);
        let inverted = two(&dark).symbols;
        assert_eq!(inverted.len(), 1, "{inverted:?}");
        assert_eq!(inverted[0].text, big);
    }

    /// A "scan with your phone" icon, three finder squares on an empty tile (as qrgen draws
    /// it on half its screens), at 1 to 4 pixels a module.
    fn icon(image: &mut GrayImage, x: u32, y: u32, module: u32) {
        let mut square = |left: u32, top: u32, size: u32, value: u8| {
            for yy in top..top + size {
                for xx in left..left + size {
                    image.put_pixel(
                        x + xx * module / 4,
                        y + yy * module / 4,
                        image::Luma([value]),
                    );
                }
            }
        };
        // In quarter modules, so that each pixel of the tile is painted.
        square(0, 0, 21 * 4, 250);
        for (fx, fy) in [(0, 0), (14, 0), (0, 14)] {
            square(fx * 4, fy * 4, 28, 20);
            square(fx * 4 + 4, fy * 4 + 4, 20, 250);
            square(fx * 4 + 8, fy * 4 + 8, 12, 20);
        }
        square(36, 36, 12, 20);
    }

    #[test]
    fn a_three_square_icon_is_not_taken_for_a_code() {
        for module in [1, 2, 3, 4] {
            let mut screen = GrayImage::from_pixel(1920, 1080, image::Luma([200]));
            icon(&mut screen, 700, 400, module);
            let decoded = decode_and_locate(&screen);
            assert!(decoded.symbols.is_empty());
            assert!(
                decoded.regions.is_empty(),
                "{module}: {:?}",
                decoded.regions
            );
            assert!(!looks_like_a_qr_code(&screen), "{module}");
        }
        // Beside a code, only the code is QR-shaped.
        let mut screen = GrayImage::from_pixel(1920, 1080, image::Luma([200]));
        icon(&mut screen, 300, 300, 4);
        let code = qr_image("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP", 2, false);
        image::imageops::replace(&mut screen, &code, 1050, 500);
        let regions = qr_shaped_regions(&screen);
        assert_eq!(regions.len(), 1, "{regions:?}");
        assert!((1100..1300).contains(&regions[0][0]), "{regions:?}");
    }

    #[test]
    fn grey_conversion_weights() {
        let grey = rgba_to_gray(3, 1, &[255, 0, 0, 255, 0, 255, 0, 255, 255, 255, 255, 255]);
        assert_eq!(grey.as_raw(), &[77, 149, 255]);
    }
}
