//! Decode time per image on the synthetic screenshots of `tests/support/qrgen` (seed 20240601,
//! the corpus `docs/qr-decoding.md` compares Mamori and zxing-cpp on), as median / p95 per
//! resolution, from an in-memory grey image (file decoding excluded, as in the peers' numbers).
//! Pin it to one core for single-threaded times:
//!
//! ```sh
//! taskset -c 1 cargo bench --bench qr_corpus
//! ```
//! The corpus is the one `cargo test --test integration qr_synthetic` uses (under `target/tmp`);
//! whichever runs first generates it.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

/// The seed of `tests/integration/qr_synthetic.rs` and `docs/qr-decoding.md`.
const SEED: u64 = 20240601;

fn main() {
    let dir = qrgen::cached(Path::new(env!("CARGO_TARGET_TMPDIR")), SEED)
        .unwrap_or_else(|e| panic!("generating the synthetic screenshots: {e}"));
    let entries = qrgen::read_manifest(&dir).unwrap_or_else(|e| panic!("{e}"));
    let mut times: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for entry in entries {
        let (res, category) = (entry.res, entry.category);
        let image =
            mamori::image_file::load_gray(&dir.join(&entry.file)).unwrap_or_else(|e| panic!("{e}"));
        let mut runs: Vec<f64> = (0..3)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(mamori::qr::decode(&image));
                start.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        times.entry(res.clone()).or_default().push(runs[1]);
        if res == "4k" {
            times
                .entry(format!("4k/{category}"))
                .or_default()
                .push(runs[1]);
        }
    }
    for (res, mut list) in times {
        list.sort_by(f64::total_cmp);
        let median = list[list.len() / 2];
        let p95 = list[(list.len() * 95 / 100).min(list.len() - 1)];
        println!(
            "{res}: median {median:.1} ms, p95 {p95:.1} ms over {} images",
            list.len()
        );
    }
}
