//! QR decoding on the synthetic screenshots of `../shared/tools/qrbench` (seed 20240601: 196
//! screens from 1080p to a 5760×2160 dual-monitor desktop; clean, JPEG, HiDPI, dark, inverted,
//! blurred and two-code screens). zxing-cpp reads 193; so must Mamori, with both codes on every
//! two-code screen and no wrong text.
//!
//! The corpus is generated on first use (about a minute, plus building `qrgen` once) into the
//! test scratch folder under `target/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

const SEED: &str = "20240601";

#[derive(Deserialize)]
struct Entry {
    file: String,
    category: String,
    payloads: Vec<String>,
}

fn corpus() -> PathBuf {
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/qrbench");
    assert!(
        tool.is_dir(),
        "{} is missing: the tests need ../shared beside the repository",
        tool.display()
    );
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let out = scratch.join(format!("qrbench-synth-{SEED}"));
    if out.join("manifest.jsonl").is_file() {
        return out;
    }
    let target = scratch.join("qrbench-target");
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--release",
            "--locked",
            "--bin",
            "qrgen",
            "--manifest-path",
        ])
        .arg(tool.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .unwrap();
    assert!(status.success(), "building qrgen failed");
    let partial = scratch.join(format!("qrbench-synth-{SEED}.partial"));
    let _ = std::fs::remove_dir_all(&partial);
    let status = Command::new(target.join("release/qrgen"))
        .arg("--out")
        .arg(&partial)
        .args(["--seed", SEED])
        .status()
        .unwrap();
    assert!(status.success(), "qrgen failed");
    std::fs::rename(&partial, &out).unwrap();
    out
}

#[test]
fn synthetic_screenshots_at_least_193_of_196_with_both_codes_on_two_code_screens() {
    let dir = corpus();
    let manifest = std::fs::read_to_string(dir.join("manifest.jsonl")).unwrap();
    let entries: Vec<Entry> = manifest
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
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
