//! The real samples (`tests/fixtures/qr-samples`: photos and screenshots from zxing-cpp's test
//! suite) with their expected texts, and what counts as reading one: shared by the
//! `qr_samples` test and the `qr_corpus` benchmark.

use std::io;
use std::path::{Path, PathBuf};

/// One sample image.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The image file.
    pub path: PathBuf,
    /// The expected text, as bytes (some samples hold Shift-JIS or Latin-1 text).
    pub expected: Vec<u8>,
    /// A part of a structured-append set (`qrcode-7`): any non-empty part of the joined text
    /// counts.
    pub structured: bool,
}

/// Images that hold more than the expected code: `16.webp` is a "double QR" (a small code drawn
/// inside a large one); the expected text is the inner code's, and a multi-symbol reader rightly
/// also returns the outer one.
const ALSO_PRESENT: [(&str, &str); 1] = [(
    "qrcode-2/16.webp",
    "[外側QRコード]\r\n \r\n*ﾀﾞﾌﾞﾙQR*\r\nhttp://d-qr.net/ex/",
)];

impl Sample {
    /// Whether `text`, read from this image, is the expected text.
    pub fn is_expected(&self, text: &str) -> bool {
        let text = text.as_bytes();
        if self.structured {
            !text.is_empty() && self.expected.windows(text.len()).any(|w| w == text)
        } else {
            text == self.expected.as_slice()
        }
    }

    /// Whether `text` is neither expected nor known to be in the image too: a wrong read.
    pub fn is_wrong(&self, text: &str) -> bool {
        !self.is_expected(text)
            && !ALSO_PRESENT
                .iter()
                .any(|(file, also)| self.path.ends_with(file) && text == *also)
    }
}

/// Every sample image under `dir` (one folder a set) with its expected text, sorted by path.
pub fn real_samples(dir: &Path) -> io::Result<Vec<Sample>> {
    let mut all = Vec::new();
    for folder in std::fs::read_dir(dir)?.flatten() {
        if !folder.path().is_dir() {
            continue;
        }
        let structured = folder.file_name() == "qrcode-7";
        for file in std::fs::read_dir(folder.path())?.flatten() {
            let path = file.path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "png" | "jpg" | "jpeg" | "webp" | "gif" | "bmp") {
                continue;
            }
            // Structured append (qrcode-7/01-01.png …): the expected text is the joined 01.txt.
            let stem = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let text_file = match stem.split_once('-') {
                Some((set, _)) if structured => path.with_file_name(format!("{set}.txt")),
                _ => path.with_extension("txt"),
            };
            let expected = std::fs::read(text_file)?;
            all.push(Sample {
                path,
                expected,
                structured,
            });
        }
    }
    all.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(all)
}
