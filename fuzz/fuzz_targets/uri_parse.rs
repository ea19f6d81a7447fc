//! Any bytes as a key URI: parsing must never panic, and whatever parses must write back to a
//! URI that parses to the same key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mamori::uri::{KeyUri, to_uri};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Exercise every branch, not only inputs that happen to start with the scheme.
    for candidate in [text.to_string(), format!("otpauth://totp/{text}"), format!("otpauth://hotp/x?{text}")] {
        if let Ok(key) = candidate.parse::<KeyUri>() {
            let written = to_uri(&key.issuer, &key.name, &key.otp);
            let again: KeyUri = written.parse().expect("a written URI parses");
            assert_eq!(again.otp, key.otp, "{}", &*written);
            let _ = mamori::otp::generate(&key.otp, 1_700_000_000);
        }
    }
});
