//! Synthetic desktop screenshots with `otpauth://` QR codes, for Mamori's QR tests and the
//! `qr_corpus` benchmark (`docs/qr-decoding.md` describes the corpus and what Mamori reads of it).
//!
//! Real screenshots of setup pages cannot be shared or regenerated, so the corpus is drawn:
//! 7 categories (`clean`, `jpeg`, `hidpi`, `dark`, `inverted`, `blur`, `two`) × 4 screens
//! (1920×1080, 2560×1440, 3840×2160, and a 5760×2160 desktop of a 4K and a 1080p monitor) ×
//! module sizes 2-8 px = 196 screens. Everything follows from the seed: the same seed gives the
//! same pixels, the same payloads and the same manifest. Each screen gets its own random stream
//! forked from the seed in a fixed order, so the screens can be drawn in parallel and still come
//! out the same.
//!
//! A test-support crate, not part of Mamori: a dev-dependency only, built with the dependency
//! profile (optimised even in test builds), sharing Mamori's versions of `image`, `qrcode` and
//! `serde_json`.

// Pixel loops index parallel arrays; drawing helpers take a rectangle plus colours.
#![allow(clippy::needless_range_loop, clippy::too_many_arguments)]

mod canvas;
mod desktop;
mod payload;
mod rng;
mod screen;

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::{ImageEncoder, RgbImage};
use serde::{Deserialize, Serialize};

use crate::rng::Rng;
use crate::screen::{Spec, render};

/// The screen categories, in generation order.
pub const CATEGORIES: [&str; 7] = ["clean", "jpeg", "hidpi", "dark", "inverted", "blur", "two"];

/// The screen sizes, in generation order.
pub const RESOLUTIONS: [&str; 4] = ["1080p", "1440p", "4k", "dual5760"];

/// Module sizes in pixels, one screen each per category and screen size.
pub const MODULE_SIZES: std::ops::RangeInclusive<i64> = 2..=8;

/// Bumped whenever a change here changes the pictures, so a corpus cached by an older
/// generator is not reused (it is part of the folder name of [`cached`]).
pub const GENERATOR_VERSION: u32 = 1;

/// One screen, as listed in `manifest.jsonl` (one JSON object a line, in generation order).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Entry {
    /// Path relative to the corpus folder, e.g. `4k/blur_m2_0.png`.
    pub file: String,
    /// One of [`CATEGORIES`].
    pub category: String,
    /// One of [`RESOLUTIONS`].
    pub res: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Module size in output pixels (on `hidpi` screens: after the downscale).
    pub module_px: f64,
    /// Error-correction level: `L`, `M`, `Q` or `H`.
    pub ec_level: String,
    /// QR version of each code (negative for Micro QR, which is never drawn).
    pub qr_version: Vec<i16>,
    /// The exact text of each code: one, or two on `two` screens.
    pub payloads: Vec<String>,
    /// x, y, width, height of each code including its quiet zone, in output pixels.
    pub qr_boxes: Vec<[u32; 4]>,
    /// JPEG quality of `jpeg` screens.
    pub jpeg_quality: Option<u8>,
    /// Gaussian blur σ of `blur` screens.
    pub blur_sigma: Option<f64>,
}

/// Draws the 196 screens of `seed` into `out` (created if missing): per screen an image and a
/// `.txt` with its payloads one a line, and `manifest.jsonl`. Uses every core.
pub fn generate(out: &Path, seed: u64) -> io::Result<Vec<Entry>> {
    // Every screen's stream is forked from the master in this fixed order, whatever the order
    // the screens are then drawn in.
    let mut master = Rng::new(seed);
    let mut jobs = Vec::new();
    for res in RESOLUTIONS {
        fs::create_dir_all(out.join(res))?;
        for category in CATEGORIES {
            for module in MODULE_SIZES {
                let rng = master.fork(jobs.len() as u64);
                jobs.push((res, category, module, rng));
            }
        }
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<io::Result<Entry>>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((res, category, module, rng)) = jobs.get(i) else {
                        break;
                    };
                    let spec = Spec {
                        category,
                        res,
                        module: *module,
                    };
                    let entry = draw_and_save(out, &spec, &mut rng.clone());
                    if let Ok(mut done) = done.lock() {
                        done[i] = Some(entry);
                    }
                }
            });
        }
    });
    let done = done
        .into_inner()
        .map_err(|_| io::Error::other("a drawing thread panicked"))?;
    let mut entries = Vec::with_capacity(done.len());
    for entry in done {
        entries.push(entry.ok_or_else(|| io::Error::other("a screen was not drawn"))??);
    }
    let mut manifest = BufWriter::new(fs::File::create(out.join("manifest.jsonl"))?);
    for entry in &entries {
        writeln!(manifest, "{}", serde_json::to_string(entry)?)?;
    }
    manifest.flush()?;
    Ok(entries)
}

/// The corpus of `seed` under `scratch` (e.g. the test scratch folder `CARGO_TARGET_TMPDIR`),
/// generated on first use into a temporary folder and renamed into place when complete, so an
/// interrupted run never leaves half a corpus and two processes may ask at once.
pub fn cached(scratch: &Path, seed: u64) -> io::Result<PathBuf> {
    let out = scratch.join(format!("synthetic-screens-v{GENERATOR_VERSION}-seed{seed}"));
    if out.join("manifest.jsonl").is_file() {
        return Ok(out);
    }
    let partial = scratch.join(format!(
        "synthetic-screens-v{GENERATOR_VERSION}-seed{seed}.partial-{}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&partial);
    generate(&partial, seed)?;
    if let Err(e) = fs::rename(&partial, &out) {
        // Another process finished first: use its corpus.
        let _ = fs::remove_dir_all(&partial);
        if !out.join("manifest.jsonl").is_file() {
            return Err(e);
        }
    }
    Ok(out)
}

/// The entries of a corpus folder's `manifest.jsonl`, in generation order.
pub fn read_manifest(dir: &Path) -> io::Result<Vec<Entry>> {
    fs::read_to_string(dir.join("manifest.jsonl"))?
        .lines()
        .map(|line| serde_json::from_str(line).map_err(io::Error::from))
        .collect()
}

/// Draws one screen and writes its image and payload text; returns its manifest entry.
fn draw_and_save(out: &Path, spec: &Spec, rng: &mut Rng) -> io::Result<Entry> {
    let r = render(spec, rng);
    let ext = if r.jpeg_quality.is_some() {
        "jpg"
    } else {
        "png"
    };
    // The `_0` suffix: one screen per cell (the benchmark that first used this corpus could
    // draw several).
    let stem = format!("{}/{}_m{}_0", spec.res, spec.category, spec.module);
    let file = format!("{stem}.{ext}");
    save(&r.img, &out.join(&file), r.jpeg_quality)?;
    fs::write(
        out.join(format!("{stem}.txt")),
        r.payloads.join("\n") + "\n",
    )?;
    Ok(Entry {
        file,
        category: spec.category.to_string(),
        res: spec.res.to_string(),
        width: r.img.width(),
        height: r.img.height(),
        module_px: r.module_px,
        ec_level: r.ec,
        qr_version: r.versions,
        payloads: r.payloads,
        qr_boxes: r.boxes,
        jpeg_quality: r.jpeg_quality,
        blur_sigma: r.blur_sigma,
    })
}

/// PNG (fast compression, adaptive filter) or JPEG at the screen's quality.
fn save(img: &RgbImage, path: &Path, jpeg_quality: Option<u8>) -> io::Result<()> {
    let mut f = BufWriter::new(fs::File::create(path)?);
    match jpeg_quality {
        Some(q) => JpegEncoder::new_with_quality(&mut f, q).encode_image(img),
        None => PngEncoder::new_with_quality(&mut f, CompressionType::Fast, PngFilter::Adaptive)
            .write_image(
                img.as_raw(),
                img.width(),
                img.height(),
                image::ExtendedColorType::Rgb8,
            ),
    }
    .map_err(io::Error::other)?;
    f.flush()
}
