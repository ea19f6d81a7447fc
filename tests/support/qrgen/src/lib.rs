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
mod samples;
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

pub use crate::samples::{Sample, real_samples};

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
    /// One of [`CATEGORIES`], or of [`HARD_CASES`].
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
    /// JPEG quality of `jpeg` and `jpeg-hidpi` screens.
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
        for category in CATEGORIES {
            for module in MODULE_SIZES {
                let rng = master.fork(jobs.len() as u64);
                jobs.push(Job {
                    res,
                    category,
                    module: module as f64,
                    variant: 0,
                    rng,
                });
            }
        }
    }
    draw_all(out, jobs)
}

/// The harder cases of the second corpus, in generation order: (category, screens, module
/// sizes, screens per cell).
///
/// - `jpeg-hidpi`: a page at 200 % scaling saved as JPEG quality 60-80: the code drawn at a
///   fractional module size 1.5× larger and downscaled (edges interpolated, modules misaligned),
///   holding a long Japanese label (400-550 bytes, QR version 14 and up), then compressed.
/// - `two-small`: the 4K + 1080p two-monitor desktop with one code on each monitor, 2-3.5 px a
///   module.
pub const HARD_CASES: [(&str, &[&str], &[f64], u32); 2] = [
    (
        "jpeg-hidpi",
        &["1440p", "4k", "dual5760"],
        &[2.5, 3.0, 3.5, 4.0, 4.5, 5.0],
        3,
    ),
    ("two-small", &["dual5760"], &[2.0, 2.5, 3.0, 3.5], 3),
];

/// Draws the 66 screens of [`HARD_CASES`] for `seed` into `out`, as [`generate`] does.
pub fn generate_hard(out: &Path, seed: u64) -> io::Result<Vec<Entry>> {
    let mut master = Rng::new(seed);
    let mut jobs = Vec::new();
    for (category, screens, modules, variants) in HARD_CASES {
        for &res in screens {
            for &module in modules {
                for variant in 0..variants {
                    let rng = master.fork(jobs.len() as u64);
                    jobs.push(Job {
                        res,
                        category,
                        module,
                        variant,
                        rng,
                    });
                }
            }
        }
    }
    draw_all(out, jobs)
}

/// One screen to draw, with its own random stream.
struct Job {
    res: &'static str,
    category: &'static str,
    module: f64,
    variant: u32,
    rng: Rng,
}

/// Draws `jobs` on every core and writes the manifest in job order.
fn draw_all(out: &Path, jobs: Vec<Job>) -> io::Result<Vec<Entry>> {
    for job in &jobs {
        fs::create_dir_all(out.join(job.res))?;
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
                    let Some(job) = jobs.get(i) else {
                        break;
                    };
                    let spec = Spec {
                        category: job.category,
                        res: job.res,
                        module: job.module,
                    };
                    let entry = draw_and_save(out, &spec, job.variant, &mut job.rng.clone());
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
    cached_as(scratch, "synthetic-screens", seed, generate)
}

/// [`generate_hard`]'s corpus, cached as [`cached`] caches the first.
pub fn cached_hard(scratch: &Path, seed: u64) -> io::Result<PathBuf> {
    cached_as(scratch, "synthetic-hard", seed, generate_hard)
}

fn cached_as(
    scratch: &Path,
    name: &str,
    seed: u64,
    generate: fn(&Path, u64) -> io::Result<Vec<Entry>>,
) -> io::Result<PathBuf> {
    let out = scratch.join(format!("{name}-v{GENERATOR_VERSION}-seed{seed}"));
    if out.join("manifest.jsonl").is_file() {
        return Ok(out);
    }
    let partial = scratch.join(format!(
        "{name}-v{GENERATOR_VERSION}-seed{seed}.partial-{}",
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
fn draw_and_save(out: &Path, spec: &Spec, variant: u32, rng: &mut Rng) -> io::Result<Entry> {
    let r = render(spec, rng);
    let ext = if r.jpeg_quality.is_some() {
        "jpg"
    } else {
        "png"
    };
    // The suffix numbers the screens of one cell (the first corpus has one a cell). A module
    // size prints as `m2` or `m2.5`.
    let stem = format!("{}/{}_m{}_{variant}", spec.res, spec.category, spec.module);
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
