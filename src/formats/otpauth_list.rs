//! Text files of `otpauth://` key URIs, one a line (docs/formats.md §3, §9, §11): generic lists,
//! WinAuth's text export, Ente Auth's plain export, FreeOTP+'s "key URI" export, Authenticator
//! Plus `Accounts.txt`. `otpauth-migration://` lines in the same file are read too.
//!
//! Tolerated: a UTF-8 BOM or UTF-16 text (Notepad), CRLF, blank lines and `#` comments, labels
//! with raw or percent-encoded Japanese, unencoded `#` in labels (Ente, WinAuth), Ente's
//! `codeDisplay` metadata (its `note` is kept, with a block of backup codes in it read back as
//! backup codes, see [`super::note_block`]; its tags and pin too, and `trashed` entries go to
//! Mamori's trash) and its old `issuer=…period=` bug. WinAuth's Battle.net lines are plain
//! 8-digit TOTP; its Steam lines (issuer `Steam` with a `deviceid`) are Steam. Lost in
//! conversion: icons (`image`, `icon`), WinAuth's `serial`, `deviceid` and `data` parameters.

use percent_encoding::percent_decode_str;

use super::transfer_codes::{self, Batches};
use super::{Entry, EntryError, Format, ImportError, Item, Parsed, Sniff, ente, text};
use crate::uri::{KeyUri, UriError};

const SCHEME: &str = "otpauth://";

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// The first content line is an `otpauth://` URI.
pub fn detect(sniff: &Sniff) -> bool {
    sniff
        .first_line()
        .is_some_and(|l| starts_with_ignore_case(l, SCHEME))
}

/// Reads the file.
pub fn import(bytes: &[u8], _password: Option<&str>) -> Result<Parsed, ImportError> {
    let text = text::decode(bytes).ok_or_else(|| ImportError::damaged("otpauth", "not text"))?;
    read_lines(&text, Format::UriList)
}

/// Reads every content line as a key URI or a Google Authenticator transfer URI; refuses the
/// file as soon as it holds more than [`super::MAX_IMPORT_ENTRIES`] entries.
pub fn read_lines(text: &str, format: Format) -> Result<Parsed, ImportError> {
    let mut parsed = Parsed::new(format, Vec::new());
    let mut batches = Batches::default();
    for (index, line) in text::content_lines(text).enumerate() {
        if let Some(start) = find_ignore_case(line, crate::uri::migration::SCHEME) {
            transfer_codes::read_code(&line[start..], &mut parsed.items, &mut batches);
        } else {
            parsed.items.push(read_uri_line(line, index + 1));
        }
        super::check_entry_count(parsed.items.len())?;
    }
    parsed.notices.extend(batches.notices());
    Ok(parsed)
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .to_ascii_lowercase()
        .find(needle)
        .filter(|i| haystack.is_char_boundary(*i))
}

/// One `otpauth://` line as an entry (or its rejection).
pub fn read_uri_line(line: &str, number: usize) -> Item {
    let line = line.trim();
    if !starts_with_ignore_case(line, SCHEME) {
        return Item::rejected(
            "",
            &format!("#{number}"),
            EntryError::Uri(UriError::NotOtpauth),
        );
    }
    let parsed = line.parse::<KeyUri>().or_else(|first| {
        // Ente builds labels by joining strings: a raw `#` may still upset a field.
        if line.contains('#') {
            line.replace('#', "%23")
                .parse::<KeyUri>()
                .map_err(|_| first)
        } else {
            Err(first)
        }
    });
    let display = ente::CodeDisplay::from_uri(line);
    match parsed {
        Ok(key) => {
            let mut issuer = key.issuer;
            // An old Ente bug wrote `issuer=Name period=30…` into the issuer.
            if let Some(cut) = issuer.find("period=") {
                issuer.truncate(cut);
                issuer = issuer.trim_end_matches(['&', ' ']).to_string();
            }
            let mut entry = Entry::new(issuer, key.name, key.otp);
            if let Some(d) = display {
                entry.set_note_with_codes(&d.note);
                entry.tags = d.tags;
                entry.pinned = d.pinned;
                entry.trashed = d.trashed;
            }
            Item::Entry(entry)
        }
        Err(error) => {
            let (issuer, name) = rough_label(line);
            Item::rejected(&issuer, &name, EntryError::from(error))
        }
    }
}

/// Issuer and account of a URI that failed to parse, for the report: the decoded label split
/// at its first colon. Never the secret.
pub fn rough_label(line: &str) -> (String, String) {
    let rest = line.get(SCHEME.len()..).unwrap_or("");
    let path = rest.split_once('/').map(|(_, p)| p).unwrap_or("");
    let label = path.split('?').next().unwrap_or("");
    let label = percent_decode_str(label).decode_utf8_lossy();
    match label.split_once(':') {
        Some((issuer, name)) => (issuer.to_string(), name.trim_start().to_string()),
        None => (String::new(), label.into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::OtpKind;

    fn entries(text: &str) -> Vec<Item> {
        read_lines(text, Format::UriList).unwrap().items
    }

    #[test]
    fn windows_text_with_bom_crlf_comments_and_japanese() {
        let file = "\u{FEFF}# exported\r\n\r\n\
            otpauth://totp/%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE:%E5%B1%B1%E7%94%B0?secret=JBSWY3DPEHPK3PXP&issuer=%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE\r\n\
            otpauth://totp/サイボウズ:佐藤?secret=ABCDEFGHijkl2345&issuer=サイボウズ\r\n";
        let bytes = file.as_bytes();
        assert_eq!(super::super::detect(bytes), Some(Format::UriList));
        let parsed = import(bytes, None).unwrap();
        let names: Vec<(String, String)> = parsed
            .entries()
            .map(|e| (e.issuer.clone(), e.name.clone()))
            .collect();
        assert_eq!(
            names,
            [
                ("株式会社".to_string(), "山田".to_string()),
                ("サイボウズ".to_string(), "佐藤".to_string())
            ]
        );
    }

    #[test]
    fn one_bad_line_does_not_sink_the_file() {
        let items = entries(
            "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP\n\
             otpauth://totp/B:b?secret=NOT!BASE32\n\
             otpauth://yaotp/Yandex:c?secret=JBSWY3DPEHPK3PXP\n\
             not a uri\n\
             otpauth://hotp/D:d?secret=JBSWY3DPEHPK3PXP&counter=5\n",
        );
        assert_eq!(items.len(), 5);
        assert!(matches!(&items[0], Item::Entry(e) if e.issuer == "A"));
        assert!(
            matches!(&items[1], Item::Rejected(r) if r.issuer == "B" && matches!(r.reason, EntryError::Uri(UriError::Secret(_))))
        );
        assert!(
            matches!(&items[2], Item::Rejected(r) if r.reason == EntryError::UnsupportedType("yaotp".into()))
        );
        assert!(matches!(&items[3], Item::Rejected(r) if r.name == "#4"));
        assert!(matches!(&items[4], Item::Entry(e) if e.otp.kind == OtpKind::Hotp { counter: 5 }));
    }

    #[test]
    fn ente_metadata_and_bugs() {
        let items = entries(
            "otpauth://totp/Example%20Co:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Co&algorithm=Algorithm.sha1&digits=6&period=30&codeDisplay=%7B%22pinned%22%3Afalse%2C%22trashed%22%3Afalse%2C%22tags%22%3A%5B%22work%22%5D%2C%22note%22%3A%22desk%20phone%22%7D\n\
             otpauth://totp/Bin:gone?secret=JBSWY3DPEHPK3PXP&issuer=Bin&codeDisplay=%7B%22trashed%22%3Atrue%7D\n\
             otpauth://totp/Old:x?secret=JBSWY3DPEHPK3PXP&issuer=Old period=30\n\
             otpauth://totp/Hash:a#b?secret=JBSWY3DPEHPK3PXP&issuer=Hash\n",
        );
        let Item::Entry(first) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(first.note, "desk phone");
        assert_eq!(
            (first.tags.as_slice(), first.pinned),
            (&["work".to_string()][..], false)
        );
        assert!(matches!(&items[1], Item::Entry(e) if e.trashed && e.issuer == "Bin"));
        assert!(
            matches!(&items[2], Item::Entry(e) if e.issuer == "Old"),
            "{:?}",
            items[2]
        );
        assert!(
            matches!(&items[3], Item::Entry(e) if e.name == "a#b"),
            "{:?}",
            items[3]
        );
    }
}
