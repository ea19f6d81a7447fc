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

#[test]
fn synthetic_screenshots_at_least_193_of_196_with_both_codes_on_two_code_screens() {
    let dir = corpus();
    let entries = qrgen::read_manifest(&dir).unwrap();
    assert_eq!(entries.len(), 196);
    let (mut read, mut two_both, mut two_total) = (0, 0, 0);
    let mut wrong = Vec::new();
    let mut missed = Vec::new();
    for entry in &entries {
        let image = mamori::image_file::load_gray(&dir.join(&entry.file)).unwrap();
        let texts: Vec<String> = mamori::qr::decode(&image)
            .into_iter()
            .map(|s| s.text)
            .collect();
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
