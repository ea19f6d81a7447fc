//! Any bytes as an import file: detection and every importer (with and without a password)
//! must return a result or an error, never panic; whatever is read must apply to an account
//! list and produce codes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mamori::formats::{self, REGISTRY};

fuzz_target!(|data: &[u8]| {
    let _ = formats::detect(data);
    for info in REGISTRY {
        // Image decoding is covered by the image_scan target and slow: only real images.
        if info.format == formats::Format::QrImage && !(info.detect)(&formats::Sniff::new(data)) {
            continue;
        }
        // A password is passed so encrypted layouts are exercised; the KDF ceilings keep each
        // run bounded.
        for password in [None, Some("fuzz")] {
            if let Ok(parsed) = formats::import(data, info.format, password) {
                let mut accounts = Vec::new();
                let report = formats::apply(&parsed, &mut accounts, &mut Vec::new(), 0);
                assert_eq!(report.lines.len(), parsed.items.len());
                for account in &accounts {
                    let _ = mamori::otp::generate(&account.otp, 1_700_000_000);
                }
            }
        }
    }
});
