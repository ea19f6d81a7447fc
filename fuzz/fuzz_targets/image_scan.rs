//! Any bytes as a pasted or opened image: the loader (PNG, JPEG, WebP, BMP, GIF), the decoder
//! with every fallback, and payload classification must never panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(image) = mamori::image_file::decode_gray(Path::new("fuzz.png"), data) {
        // Keep each input cheap: huge declared sizes are the loader's limits' job.
        if u64::from(image.width()) * u64::from(image.height()) <= 4_000_000 {
            let _ = mamori::scan::scan_image("fuzz", &image);
        }
    }
    // The text side: anything a QR code could hold.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = mamori::scan::classify(text);
    }
});
