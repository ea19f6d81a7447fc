//! QR decoding on the synthetic screenshots of `tests/support/qrgen` (seed 20240601: 196
//! screens from 1080p to a 5760×2160 dual-monitor desktop; clean, JPEG, HiDPI, dark, inverted,
//! blurred and two-code screens; `docs/qr-decoding.md`). zxing-cpp reads 193; so must Mamori,
//! with both codes on every two-code screen and no wrong text.
//!
//! The corpus is generated on first use into the test scratch folder under `target/` and reused
//! after that.

use std::path::{Path, PathBuf};

/// The seed of the corpus every number in `docs/qr-decoding.md` was measured on.
const SEED: u64 = 20240601;

fn corpus() -> PathBuf {
    let started = std::time::Instant::now();
    let dir = qrgen::cached(Path::new(env!("CARGO_TARGET_TMPDIR")), SEED)
        .unwrap_or_else(|e| panic!("generating the synthetic screenshots: {e}"));
    eprintln!(
        "synthetic corpus ready in {:.1} s: {}",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    dir
}

/// The texts of every QR code Mamori finds in the image at `path`.
fn texts(path: &Path) -> Vec<String> {
    let image = mamori::image_file::load_gray(path).unwrap();
    mamori::qr::decode(&image)
        .into_iter()
        .map(|s| s.text)
        .collect()
}

#[test]
fn synthetic_screenshots_at_least_193_of_196_with_both_codes_on_two_code_screens() {
    let dir = corpus();
    let entries = qrgen::read_manifest(&dir).unwrap();
    assert_eq!(entries.len(), 196);
    // The screens' decoded texts, interleaved over the cores: this is the longest test and one
    // of the last to start.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut decoded: Vec<(usize, Vec<String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|first| {
                let (dir, entries) = (&dir, &entries);
                scope.spawn(move || {
                    (first..entries.len())
                        .step_by(threads)
                        .map(|i| (i, texts(&dir.join(&entries[i].file))))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap())
            .collect()
    });
    decoded.sort_unstable_by_key(|(i, _)| *i);
    let (mut read, mut two_both, mut two_total) = (0, 0, 0);
    let mut wrong = Vec::new();
    let mut missed = Vec::new();
    for (entry, (_, texts)) in entries.iter().zip(&decoded) {
        wrong.extend(
            texts
                .iter()
                .filter(|t| !entry.payloads.contains(t))
                .map(|t| format!("{}: {t}", entry.file)),
        );
        let all = entry.payloads.iter().all(|p| texts.contains(p));
        if all {
            read += 1;
        } else {
            missed.push(entry.file.clone());
        }
        if entry.category == "two" {
            two_total += 1;
            two_both += usize::from(all);
        }
    }
    eprintln!(
        "synthetic: {read} of 196 (two-code screens: {two_both} of {two_total}); missed {missed:?}"
    );
    assert!(wrong.is_empty(), "{wrong:?}");
    assert_eq!(two_both, two_total);
    assert!(read >= 193, "read {read} of 196: missed {missed:?}");
}
