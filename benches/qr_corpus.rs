//! Decode time per image on the synthetic screenshots of `../shared/tools/qrbench` (the same
//! images `peers.py` times zxing-cpp on), as median / p95 per resolution, one core, from an
//! in-memory grey image (file decoding excluded, as in the peers' numbers).
//!
//! ```sh
//! QRBENCH_SYNTH=target/tmp/qrbench-synth-20240601 taskset -c 1 cargo bench --bench qr_corpus
//! ```
//! (`cargo test --test integration synthetic` generates that folder.) Without `QRBENCH_SYNTH`
//! it says so and does nothing.

use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let Some(dir) = std::env::var_os("QRBENCH_SYNTH") else {
        println!("qr_corpus: set QRBENCH_SYNTH to a qrgen corpus folder to run");
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let manifest =
        std::fs::read_to_string(dir.join("manifest.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    let mut times: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for line in manifest.lines() {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        let file = entry["file"].as_str().unwrap_or_default();
        let res = entry["res"].as_str().unwrap_or_default().to_string();
        let category = entry["category"].as_str().unwrap_or_default().to_string();
        let image =
            mamori::image_file::load_gray(&dir.join(file)).unwrap_or_else(|e| panic!("{e}"));
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
