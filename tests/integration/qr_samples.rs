//! QR decoding on real images: `tests/fixtures/qr-samples` (141 photos and screenshots from
//! zxing-cpp's test suite, at 0°; its README gives the licence and provenance). zxing-cpp itself
//! reads 127; Mamori must read at least 130 (`docs/qr-decoding.md`).

use std::path::{Path, PathBuf};

use mamori::qr::{self, Fallbacks};

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/qr-samples")
}

fn samples() -> Vec<qrgen::Sample> {
    qrgen::real_samples(&samples_dir()).unwrap_or_else(|e| panic!("{e}"))
}

struct Tally {
    read: usize,
    wrong: Vec<String>,
}

fn tally(fallbacks: Fallbacks, samples: &[qrgen::Sample]) -> Tally {
    let mut tally = Tally {
        read: 0,
        wrong: Vec::new(),
    };
    for sample in samples {
        let image = mamori::image_file::load_gray(&sample.path).unwrap_or_else(|e| panic!("{e}"));
        let mut ok = false;
        for symbol in qr::decode_with(&image, fallbacks) {
            if sample.is_expected(&symbol.text) {
                ok = true;
            } else if sample.is_wrong(&symbol.text) {
                tally
                    .wrong
                    .push(format!("{}: {:?}", sample.path.display(), symbol.text));
            }
        }
        tally.read += usize::from(ok);
    }
    tally
}

#[test]
fn real_samples_at_least_130_of_141_and_no_wrong_text() {
    let samples = samples();
    assert_eq!(samples.len(), 141);
    let all = tally(Fallbacks::ALL, &samples);
    let multi_only = tally(Fallbacks::NONE, &samples);
    let with_single = tally(
        Fallbacks {
            rxing_single: true,
            rqrr: false,
        },
        &samples,
    );
    eprintln!(
        "real samples at 0°: rxing multi {} / + single helper {} / + rqrr rescue {} of 141",
        multi_only.read, with_single.read, all.read
    );
    assert!(all.wrong.is_empty(), "wrong texts: {:?}", all.wrong);
    assert!(all.read >= 130, "read {} of 141", all.read);
}

/// Decoding never panics, whatever the orientation (rqrr panics on some rotated photos).
#[test]
fn rotated_samples_never_panic() {
    let mut read = 0;
    let samples = samples();
    for sample in &samples {
        let image = mamori::image_file::load_gray(&sample.path).unwrap();
        for rotated in [
            image::imageops::rotate90(&image),
            image::imageops::rotate180(&image),
            image::imageops::rotate270(&image),
        ] {
            read += usize::from(!qr::decode(&rotated).is_empty());
        }
    }
    eprintln!(
        "rotated 90/180/270°: {read} of {} decoded",
        samples.len() * 3
    );
    assert!(read >= 370, "{read}");
}
