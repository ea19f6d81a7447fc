//! Mamori against zxing-cpp on every QR corpus, in the same run: what each reads and how long
//! each takes per image, decoded from memory (file decoding excluded on both sides).
//!
//! - `real`: the 141 samples of `tests/fixtures/qr-samples` at 0°, and `rotated`: the same at
//!   90/180/270° (423 images);
//! - `synthetic`: the 196 screenshots of `tests/support/qrgen` (seed 20240601), and `hard`: its
//!   66 harder ones (JPEG-compressed HiDPI pages with long payloads, two-monitor desktops with
//!   small modules);
//! - `no-code`: 56 of the synthetic screens (every size; clean, JPEG, dark and HiDPI) with their
//!   codes painted out, for the time a screen without a code costs.
//!
//! Mamori is timed through `mamori::scan::scan_image`, what `mamori scan` and the window run
//! (every pass and fallback), with as many threads as the process may use: run it under
//! `taskset -c 1` for one core. zxing-cpp is `target/peers/zxing-reader --time`, built by
//! `benches/peers/build-zxing.sh` (its ReadBarcodes with default options, QR only, always one
//! core); without it only Mamori's side is printed. `benches/qr-peers.sh` runs both ways and the
//! whole-process comparison.
//!
//! ```sh
//! benches/peers/build-zxing.sh
//! taskset -c 1 cargo bench --bench qr_corpus     # one core
//! cargo bench --bench qr_corpus                  # every core
//! ```
//! `QR_REPS` (default 3) sets the runs per image (the median is kept); `QR_SETS=real,hard`
//! picks sets.
//!
//! Then criterion measures each group (a set, or a screen size of one) as one benchmark per
//! reader: `qr_corpus/<set>/<group>/mamori-<N>-core` (N the cores the process may use), one
//! iteration reading every image of the group through `scan_image`, and
//! `qr_corpus/<set>/<group>/zxing-cpp`, the same images decoded `iters` times by the
//! reader in one process (`--time iters`; its per-image medians, decoding only, summed). Its
//! estimates and change reports are criterion's own (`target/criterion/`). `QR_CRITERION=0`
//! skips this part; arguments after `--` go to criterion (`-- no-code` filters).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::Criterion;

/// The seed of `tests/integration/qr_synthetic.rs` and `docs/qr-decoding.md`.
const SEED: u64 = 20240601;

/// One image to read and what it must yield.
struct Case {
    set: &'static str,
    /// A group for the time table: the screen size, or the sample folder.
    group: String,
    path: PathBuf,
    check: Check,
}

enum Check {
    /// Every one of these texts.
    All(Vec<String>),
    /// One expected text of a real sample.
    Sample(qrgen::Sample),
    /// Nothing at all.
    Nothing,
}

impl Check {
    fn read(&self, texts: &[String]) -> bool {
        match self {
            Check::All(payloads) => payloads.iter().all(|p| texts.contains(p)),
            Check::Sample(sample) => texts.iter().any(|t| sample.is_expected(t)),
            Check::Nothing => texts.is_empty(),
        }
    }
    fn wrong(&self, texts: &[String]) -> usize {
        match self {
            Check::All(payloads) => texts.iter().filter(|t| !payloads.contains(t)).count(),
            Check::Sample(sample) => texts.iter().filter(|t| sample.is_wrong(t)).count(),
            Check::Nothing => texts.len(),
        }
    }
}

/// What one reader made of one case.
struct Outcome {
    ms: f64,
    read: bool,
    wrong: usize,
}

fn scratch() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("qr-corpus-bench")
}

fn real_cases(rotated: bool) -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qr-samples");
    let samples = qrgen::real_samples(&dir).unwrap_or_else(|e| panic!("{e}"));
    let mut cases = Vec::new();
    for sample in samples {
        let group = sample
            .path
            .parent()
            .and_then(|p| p.file_name())
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !rotated {
            // stb_image, which zxing-cpp's reader loads files with, has no WebP: both sides
            // read a lossless PNG copy of those.
            let mut path = sample.path.clone();
            if path.extension().is_some_and(|e| e == "webp") {
                let out = scratch().join("webp-as-png").join(&group);
                std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
                path = out.join(path.with_extension("png").file_name().unwrap_or_default());
                if !path.is_file() {
                    let grey = mamori::image_file::load_gray(&sample.path)
                        .unwrap_or_else(|e| panic!("{e}"));
                    grey.save(&path).unwrap_or_else(|e| panic!("{e}"));
                }
            }
            cases.push(Case {
                set: "real",
                group,
                path,
                check: Check::Sample(sample),
            });
            continue;
        }
        // zxing-cpp reads files, so the rotations are written once, losslessly.
        let out = scratch().join("rotated").join(&group);
        std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
        let stem = sample
            .path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy();
        let mut image = None;
        for angle in [90, 180, 270] {
            let path = out.join(format!("{stem}-{angle}.png"));
            if !path.is_file() {
                let grey = image.get_or_insert_with(|| {
                    mamori::image_file::load_gray(&sample.path).unwrap_or_else(|e| panic!("{e}"))
                });
                let turned = match angle {
                    90 => image::imageops::rotate90(grey),
                    180 => image::imageops::rotate180(grey),
                    _ => image::imageops::rotate270(grey),
                };
                turned.save(&path).unwrap_or_else(|e| panic!("{e}"));
            }
            cases.push(Case {
                set: "rotated",
                group: group.clone(),
                path,
                check: Check::Sample(sample.clone()),
            });
        }
    }
    cases
}

fn synthetic_cases(set: &'static str, dir: &Path) -> Vec<Case> {
    qrgen::read_manifest(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|entry| Case {
            set,
            group: entry.res.clone(),
            path: dir.join(&entry.file),
            check: Check::All(entry.payloads),
        })
        .collect()
}

/// Screens of the synthetic corpus with each code's box filled with the colour at its corner.
fn no_code_cases(dir: &Path) -> Vec<Case> {
    let out = scratch().join("no-code");
    std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{e}"));
    let mut cases = Vec::new();
    for entry in qrgen::read_manifest(dir).unwrap_or_else(|e| panic!("{e}")) {
        if !matches!(entry.category.as_str(), "clean" | "jpeg" | "dark" | "hidpi") {
            continue;
        }
        let name = entry.file.replace(['/', '.'], "_") + ".png";
        let path = out.join(&name);
        if !path.is_file() {
            let mut grey = mamori::image_file::load_gray(&dir.join(&entry.file))
                .unwrap_or_else(|e| panic!("{e}"));
            for [x, y, w, h] in &entry.qr_boxes {
                let fill = *grey.get_pixel(x.saturating_sub(2), y.saturating_sub(2));
                for yy in *y..(y + h).min(grey.height()) {
                    for xx in *x..(x + w).min(grey.width()) {
                        grey.put_pixel(xx, yy, fill);
                    }
                }
            }
            grey.save(&path).unwrap_or_else(|e| panic!("{e}"));
        }
        cases.push(Case {
            set: "no-code",
            group: entry.res.clone(),
            path,
            check: Check::Nothing,
        });
    }
    cases
}

fn mamori_outcomes(cases: &[Case], reps: usize) -> Vec<Outcome> {
    cases
        .iter()
        .map(|case| {
            let image = mamori::image_file::load_gray(&case.path).unwrap_or_else(|e| panic!("{e}"));
            let mut texts = Vec::new();
            let mut times: Vec<f64> = (0..reps)
                .map(|_| {
                    let start = Instant::now();
                    let scan = mamori::scan::scan_image("bench", std::hint::black_box(&image));
                    let ms = start.elapsed().as_secs_f64() * 1000.0;
                    texts = scan.found.into_iter().map(|f| f.text).collect();
                    ms
                })
                .collect();
            times.sort_by(f64::total_cmp);
            Outcome {
                ms: times[times.len() / 2],
                read: case.check.read(&texts),
                wrong: case.check.wrong(&texts),
            }
        })
        .collect()
}

/// zxing-cpp's outcomes, or None when its reader is not built.
fn zxing_outcomes(cases: &[Case], reps: usize) -> Option<Vec<Outcome>> {
    let reader = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/peers/zxing-reader");
    if !reader.is_file() {
        return None;
    }
    let mut outcomes = Vec::with_capacity(cases.len());
    for chunk in cases.chunks(64) {
        let output = Command::new("taskset")
            .args(["-c", &pinned_core()])
            .arg(&reader)
            .args(["--time", &reps.to_string()])
            .args(chunk.iter().map(|c| &c.path))
            .output()
            .unwrap_or_else(|e| panic!("running {}: {e}", reader.display()));
        let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect();
        assert_eq!(lines.len(), chunk.len(), "zxing-reader skipped a file");
        for (case, line) in chunk.iter().zip(lines) {
            let texts: Vec<String> = line["texts"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            outcomes.push(Outcome {
                ms: line["ms"].as_f64().unwrap_or(f64::NAN),
                read: case.check.read(&texts),
                wrong: case.check.wrong(&texts),
            });
        }
    }
    Some(outcomes)
}

/// The core zxing-cpp is pinned to: the last one this process may use.
fn pinned_core() -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Under `taskset -c N` the process's own set is one core; pin zxing to the same one by
    // reading it back, since the number is not N's index.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Cpus_allowed_list:"))
                .map(|l| l["Cpus_allowed_list:".len()..].trim().to_string())
        })
        .map(|list| {
            list.split([',', '-'])
                .next_back()
                .unwrap_or("0")
                .to_string()
        })
        .unwrap_or_else(|| (cores - 1).to_string())
}

fn median_p95(mut list: Vec<f64>) -> String {
    if list.is_empty() {
        return "–".into();
    }
    list.sort_by(f64::total_cmp);
    let median = list[list.len() / 2];
    let p95 = list[(list.len() * 95 / 100).min(list.len() - 1)];
    format!("{median:.1} / {p95:.1}")
}

fn main() {
    let reps: usize = std::env::var("QR_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let wanted =
        std::env::var("QR_SETS").unwrap_or_else(|_| "real,rotated,synthetic,hard,no-code".into());
    let wanted: Vec<&str> = wanted.split(',').collect();
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let synthetic = qrgen::cached(scratch, SEED).unwrap_or_else(|e| panic!("{e}"));
    let mut cases = Vec::new();
    for set in &wanted {
        match *set {
            "real" => cases.extend(real_cases(false)),
            "rotated" => cases.extend(real_cases(true)),
            "synthetic" => cases.extend(synthetic_cases("synthetic", &synthetic)),
            "hard" => {
                let hard = qrgen::cached_hard(scratch, SEED).unwrap_or_else(|e| panic!("{e}"));
                cases.extend(synthetic_cases("hard", &hard));
            }
            "no-code" => cases.extend(no_code_cases(&synthetic)),
            other => panic!("unknown set {other}"),
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    eprintln!(
        "{} images, {reps} runs each; Mamori on {cores} core(s)",
        cases.len()
    );
    let mamori = mamori_outcomes(&cases, reps);
    let zxing = zxing_outcomes(&cases, reps);
    if zxing.is_none() {
        eprintln!(
            "target/peers/zxing-reader missing: run benches/peers/build-zxing.sh for zxing-cpp's side"
        );
    }

    println!(
        "\n| set | images | Mamori ({cores} core) read | zxing-cpp read | only zxing-cpp | wrong (Mamori / zxing-cpp) |"
    );
    println!("|---|---|---|---|---|---|");
    for set in ["real", "rotated", "synthetic", "hard", "no-code"] {
        let index: Vec<usize> = (0..cases.len()).filter(|&i| cases[i].set == set).collect();
        if index.is_empty() {
            continue;
        }
        let count = |o: &[Outcome]| index.iter().filter(|&&i| o[i].read).count();
        let wrong = |o: &[Outcome]| index.iter().map(|&i| o[i].wrong).sum::<usize>();
        let (z_read, z_only, z_wrong) = match &zxing {
            Some(z) => {
                let only: Vec<String> = index
                    .iter()
                    .filter(|&&i| z[i].read && !mamori[i].read)
                    .map(|&i| {
                        cases[i]
                            .path
                            .file_name()
                            .unwrap_or_default()
                            .to_string_lossy()
                            .into_owned()
                    })
                    .collect();
                (
                    count(z).to_string(),
                    format!("{} {only:?}", only.len()),
                    wrong(z).to_string(),
                )
            }
            None => ("–".into(), "–".into(), "–".into()),
        };
        println!(
            "| {set} | {} | {} | {z_read} | {z_only} | {} / {z_wrong} |",
            index.len(),
            count(&mamori),
            wrong(&mamori)
        );
    }

    println!("\nms per image, median / p95 (Mamori on {cores} core; zxing-cpp on one):\n");
    println!("| set | group | Mamori | zxing-cpp |");
    println!("|---|---|---|---|");
    let groups = groups_of(&cases);
    for ((set, group), index) in &groups {
        let m = median_p95(index.iter().map(|&i| mamori[i].ms).collect());
        let z = zxing.as_ref().map_or("–".into(), |z| {
            median_p95(index.iter().map(|&i| z[i].ms).collect())
        });
        println!("| {set} | {group} | {m} | {z} |");
    }

    if std::env::var("QR_CRITERION").as_deref() != Ok("0") {
        criterion_groups(&cases, &groups);
    }
}

/// The cases of each (set, group) of the time tables.
fn groups_of(cases: &[Case]) -> BTreeMap<(&'static str, String), Vec<usize>> {
    let mut groups: BTreeMap<(&'static str, String), Vec<usize>> = BTreeMap::new();
    for (i, case) in cases.iter().enumerate() {
        let group = if matches!(case.set, "real" | "rotated") {
            "all".to_string()
        } else {
            case.group.clone()
        };
        groups.entry((case.set, group)).or_default().push(i);
    }
    groups
}

/// Criterion's measurement of every group, Mamori and zxing-cpp side by side.
fn criterion_groups(cases: &[Case], groups: &BTreeMap<(&'static str, String), Vec<usize>>) {
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let reader = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/peers/zxing-reader");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for ((set, group), index) in groups {
        let name = format!("{set}/{group}");
        let images: Vec<image::GrayImage> = index
            .iter()
            .map(|&i| {
                mamori::image_file::load_gray(&cases[i].path).unwrap_or_else(|e| panic!("{e}"))
            })
            .collect();
        let mut bench = criterion.benchmark_group(format!("qr_corpus/{name}"));
        let mamori = format!("mamori-{cores}-core");
        bench.bench_function(mamori, |b| {
            b.iter(|| {
                for image in &images {
                    std::hint::black_box(mamori::scan::scan_image("bench", image));
                }
            })
        });
        drop(images);
        if reader.is_file() {
            let paths: Vec<&Path> = index.iter().map(|&i| cases[i].path.as_path()).collect();
            bench.bench_function("zxing-cpp", |b| {
                b.iter_custom(|iters| zxing_time(&reader, &paths, iters))
            });
        }
        bench.finish();
    }
    criterion.final_summary();
}

/// The time zxing-cpp's reader takes to decode every one of `paths` `iters` times (the sum of
/// its per-image medians, times `iters`), on the pinned core.
fn zxing_time(reader: &Path, paths: &[&Path], iters: u64) -> Duration {
    let mut ms = 0.0;
    for chunk in paths.chunks(64) {
        let output = Command::new("taskset")
            .args(["-c", &pinned_core()])
            .arg(reader)
            .args(["--time", &iters.to_string()])
            .args(chunk)
            .output()
            .unwrap_or_else(|e| panic!("running {}: {e}", reader.display()));
        ms += String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["ms"].as_f64())
            .sum::<f64>();
    }
    Duration::from_secs_f64(ms * iters as f64 / 1000.0)
}
