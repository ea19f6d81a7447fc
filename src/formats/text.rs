//! Text files as Windows tools write them: a UTF-8 byte-order mark (Notepad), UTF-16 with a
//! byte-order mark (Notepad's "Unicode"), CRLF line ends.

use std::borrow::Cow;

/// The text of `bytes` without its byte-order mark, or `None` when it is not text. UTF-8 is
/// borrowed, not copied (import files may be 64 MiB).
pub fn decode(bytes: &[u8]) -> Option<Cow<'_, str>> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return std::str::from_utf8(rest).ok().map(Cow::Borrowed);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes).map(Cow::Owned);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes).map(Cow::Owned);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    // NUL bytes and most control characters mean binary, not text.
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return None;
    }
    Some(Cow::Borrowed(text))
}

fn utf16(bytes: &[u8], read: fn([u8; 2]) -> u16) -> Option<String> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    char::decode_utf16(bytes.chunks_exact(2).map(|c| read([c[0], c[1]])))
        .collect::<Result<String, _>>()
        .ok()
}

/// The lines of `text` that are neither blank nor `#` comments, trimmed (CRLF-safe).
pub fn content_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_marks_and_line_ends() {
        assert_eq!(decode(b"\xEF\xBB\xBFabc\r\n").as_deref(), Some("abc\r\n"));
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("日本".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16le).as_deref(), Some("日本"));
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("a".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&utf16be).as_deref(), Some("a"));
        assert_eq!(decode(b"\x00\x01binary"), None);
        assert_eq!(decode(&[0xFF, 0x00, 0x01]), None);
        let lines: Vec<&str> = content_lines("# c\r\n\r\n a \r\nb").collect();
        assert_eq!(lines, ["a", "b"]);
    }
}
