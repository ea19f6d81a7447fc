//! Pictures of QR codes (a screenshot of Google Authenticator's transfer screen, a saved
//! enrolment code): every code in the image is decoded with [`crate::scan`], key URIs and
//! transfer codes alike. Lost in conversion: nothing beyond what the codes' formats lose.

use std::path::Path;

use super::otpauth_list::read_uri_line;
use super::transfer_codes::{self, Batches};
use super::{EntryError, Format, ImportError, Item, Parsed, Sniff};
use crate::scan::{self, Payload};

/// PNG, JPEG, GIF, BMP or WebP by their magic bytes.
pub fn detect(sniff: &Sniff) -> bool {
    let b = sniff.bytes;
    b.starts_with(b"\x89PNG\r\n\x1a\n")
        || b.starts_with(&[0xFF, 0xD8, 0xFF])
        || b.starts_with(b"GIF8")
        || b.starts_with(b"BM")
        || (b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP"))
}

/// Decodes every QR code of the image. An image without codes gives no entries.
pub fn import(bytes: &[u8], _password: Option<&str>) -> Result<Parsed, ImportError> {
    let image = crate::image_file::decode_gray(Path::new("image"), bytes)
        .map_err(|e| ImportError::damaged("QR image", e))?;
    let found = scan::scan_image("image", &image);
    let mut parsed = Parsed::new(Format::QrImage, Vec::new());
    let mut batches = Batches::default();
    for (number, code) in found.found.iter().enumerate() {
        match &code.payload {
            Payload::Key(_) | Payload::BadKey(_) => {
                parsed.items.push(read_uri_line(&code.text, number + 1));
            }
            Payload::Migration(_) | Payload::BadMigration(_) => {
                transfer_codes::read_code(&code.text, &mut parsed.items, &mut batches);
            }
            Payload::NotAKey => parsed.items.push(Item::rejected(
                "",
                &format!("#{}", number + 1),
                EntryError::Uri(crate::uri::UriError::NotOtpauth),
            )),
        }
    }
    parsed.notices.extend(batches.notices());
    Ok(parsed)
}
