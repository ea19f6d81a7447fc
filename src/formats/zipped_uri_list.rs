//! ZIP archives of `otpauth://` lists (docs/formats.md §11, §14): WinAuth's ZIP export (one
//! `.txt` entry, optionally protected with a ZipCrypto password) and Authenticator Plus's
//! (`Accounts.txt`, ZipCrypto or WinZip AES). Every `.txt` entry is read as a URI list
//! ([`super::otpauth_list`]), in archive order; other entries are ignored.
//!
//! Bounds: at most [`MAX_ZIP_ENTRIES`] entries, and the text of all `.txt` entries together at
//! most [`MAX_IMPORT_BYTES`] once decompressed (a ZIP bomb is refused, not inflated). A
//! password that ZipCrypto's one check byte lets through by chance still fails the entry's
//! CRC, and is reported as the wrong password like the check itself.

use std::io::{Cursor, Read};

use zip::result::ZipError;

use super::{Format, ImportError, MAX_IMPORT_BYTES, Parsed, Sniff, otpauth_list, text};

const NAME: &str = "ZIP";

/// Most entries of an archive looked at (WinAuth writes one, Authenticator Plus two).
pub const MAX_ZIP_ENTRIES: usize = 1_000;

/// A local file header at the start: `PK\x03\x04`.
pub fn detect(sniff: &Sniff) -> bool {
    sniff.bytes.starts_with(b"PK\x03\x04")
}

fn damaged(error: impl std::fmt::Display) -> ImportError {
    ImportError::damaged(NAME, error)
}

/// Reads every `.txt` entry; a password is needed as soon as one of them is encrypted.
pub fn import(bytes: &[u8], password: Option<&str>) -> Result<Parsed, ImportError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| match e {
        ZipError::InvalidArchive(_) | ZipError::Io(_) => {
            damaged("the archive is truncated or damaged (its directory cannot be read)")
        }
        other => damaged(other),
    })?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(damaged(format!(
            "{} entries; at most {MAX_ZIP_ENTRIES} are read",
            archive.len()
        )));
    }
    let mut texts = Vec::new();
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(damaged)?;
        let name = entry.name().map_err(damaged)?.to_ascii_lowercase();
        if !entry.is_dir() && name.ends_with(".txt") {
            texts.push((index, entry.encrypted()));
        }
    }
    if texts.is_empty() {
        return Err(damaged("the archive holds no .txt file"));
    }
    if texts.iter().any(|(_, encrypted)| *encrypted) && password.is_none() {
        return Err(ImportError::PasswordRequired);
    }
    let mut parsed = Parsed::new(Format::ZipUriList, Vec::new());
    let mut budget = MAX_IMPORT_BYTES;
    for (index, encrypted) in texts {
        let entry = match (encrypted, password) {
            (true, Some(password)) => archive.by_index_decrypt(index, password.as_bytes()),
            _ => archive.by_index(index),
        };
        let mut entry = entry.map_err(|e| match e {
            ZipError::InvalidPassword => ImportError::WrongPassword,
            other => damaged(other),
        })?;
        let mut content = zeroize::Zeroizing::new(Vec::new());
        let read = (&mut entry)
            .take(budget + 1)
            .read_to_end(&mut content)
            .map_err(|e| {
                if encrypted {
                    // A wrong password that passed the check byte inflates garbage: a bad
                    // deflate stream or CRC.
                    ImportError::WrongPassword
                } else {
                    damaged(e)
                }
            })?;
        if read as u64 > budget {
            return Err(damaged(format!(
                "its text is larger than {} MiB once unpacked",
                MAX_IMPORT_BYTES >> 20
            )));
        }
        budget -= read as u64;
        let text = text::decode(&content).ok_or_else(|| damaged("a .txt entry is not text"))?;
        let part = otpauth_list::read_lines(&text, Format::ZipUriList)?;
        parsed.items.extend(part.items);
        parsed.notices.extend(part.notices);
        super::check_entry_count(parsed.items.len())?;
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ZIP whose one entry claims to be far larger than the text budget is refused while
    /// inflating, without inflating it all.
    #[test]
    fn a_zip_bomb_is_refused() {
        use std::io::Write as _;
        let mut buffer = Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut buffer);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        writer.start_file("bomb.txt", options).unwrap();
        let line = [b'#'; 1 << 20];
        for _ in 0..(MAX_IMPORT_BYTES >> 20) + 1 {
            writer.write_all(&line).unwrap();
        }
        writer.finish().unwrap();
        let bytes = buffer.into_inner();
        assert!(bytes.len() < 1 << 20, "{}", bytes.len());
        let refused = import(&bytes, None);
        assert!(
            matches!(&refused, Err(ImportError::Damaged { detail, .. }) if detail.contains("64 MiB once unpacked")),
            "{refused:?}"
        );
    }
}
