//! The one Java serialisation FreeOTP 2 writes (docs/formats.md §10): a
//! `java.util.HashMap<String, String>` through `ObjectOutputStream`. A small reader of exactly
//! that stream, not a general Java deserialiser: anything else in the stream is damage.
//!
//! Layout (Java Object Serialization Specification §6.4): magic `AC ED`, version 5, `TC_OBJECT`,
//! the class descriptor of `java.util.HashMap` (its two fields `loadFactor` and `threshold`,
//! `TC_ENDBLOCKDATA`, no superclass), the two field values, a block of data with the capacity
//! and the size, then `size` keys and values: `TC_STRING` (2-byte length), `TC_LONGSTRING`
//! (8-byte length) or `TC_REFERENCE` to a string read before, in modified UTF-8, and
//! `TC_ENDBLOCKDATA`. A `java.lang.Boolean` value (FreeOTP's `restoreComplete` flag) reads as
//! `true` or `false`.

const MAGIC: [u8; 4] = [0xAC, 0xED, 0x00, 0x05];
const TC_NULL: u8 = 0x70;
const TC_REFERENCE: u8 = 0x71;
const TC_CLASSDESC: u8 = 0x72;
const TC_OBJECT: u8 = 0x73;
const TC_STRING: u8 = 0x74;
const TC_BLOCKDATA: u8 = 0x77;
const TC_ENDBLOCKDATA: u8 = 0x78;
const TC_LONGSTRING: u8 = 0x7C;
/// The first handle a stream assigns.
const BASE_HANDLE: u32 = 0x7E_0000;

/// True when `bytes` start like a Java serialisation stream.
pub fn is_java_stream(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC)
}

/// The pairs of a serialised `HashMap<String, String>`, in stream order, or what is wrong with
/// the stream. A null key or value reads as an empty string.
pub fn read_string_map(bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4)? != MAGIC {
        return Err("not a Java serialisation stream".into());
    }
    r.expect(TC_OBJECT, "an object")?;
    r.expect(TC_CLASSDESC, "a class description")?;
    let class = r.utf()?;
    if class != "java.util.HashMap" {
        return Err(format!("a serialised {class}, not a java.util.HashMap"));
    }
    r.take(8)?; // serialVersionUID
    r.take(1)?; // flags
    let fields = r.u16()?;
    let mut primitive_bytes = 0usize;
    for _ in 0..fields {
        let code = r.u8()?;
        r.utf()?;
        primitive_bytes += match code {
            b'F' | b'I' => 4,
            _ => return Err(format!("an unexpected HashMap field of type {code:#04x}")),
        };
    }
    r.expect(TC_ENDBLOCKDATA, "the end of the class annotation")?;
    r.expect(TC_NULL, "no superclass")?;
    // Handles so far: the class description, then the map itself.
    let mut handles: Vec<Option<String>> = vec![None, None];
    r.take(primitive_bytes)?;
    r.expect(TC_BLOCKDATA, "the map's size block")?;
    let block = usize::from(r.u8()?);
    if block < 8 {
        return Err("a size block too short".into());
    }
    let data = r.take(block)?;
    let size = i32::from_be_bytes([data[4], data[5], data[6], data[7]]);
    let size = usize::try_from(size).map_err(|_| format!("a negative map size {size}"))?;
    // Every pair takes at least two bytes; a larger count is a lie, not an allocation.
    if size > r.remaining() / 2 {
        return Err(format!("a map size of {size} beyond the end of the file"));
    }
    let mut pairs = Vec::with_capacity(size);
    for _ in 0..size {
        let key = r.value(&mut handles)?;
        let value = r.value(&mut handles)?;
        pairs.push((key, value));
    }
    r.expect(TC_ENDBLOCKDATA, "the end of the map")?;
    Ok(pairs)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if n > self.remaining() {
            return Err("the file is cut short".into());
        }
        let out = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn expect(&mut self, code: u8, what: &str) -> Result<(), String> {
        let found = self.u8()?;
        if found == code {
            Ok(())
        } else {
            Err(format!("{what} expected, found {found:#04x}"))
        }
    }

    fn utf(&mut self) -> Result<String, String> {
        let len = usize::from(self.u16()?);
        modified_utf8(self.take(len)?)
    }

    /// A string, a long string, a reference to one read before, a `java.lang.Boolean` (as
    /// `true`/`false`), or null (empty). `handles` holds every object read so far, strings by
    /// their text.
    fn value(&mut self, handles: &mut Vec<Option<String>>) -> Result<String, String> {
        let text = match self.u8()? {
            TC_STRING => self.utf()?,
            TC_LONGSTRING => {
                let b = self.take(8)?;
                let len = u64::from_be_bytes(b.try_into().unwrap_or_default());
                let len = usize::try_from(len)
                    .ok()
                    .filter(|l| *l <= self.remaining())
                    .ok_or("the file is cut short")?;
                modified_utf8(self.take(len)?)?
            }
            TC_REFERENCE => {
                let handle = self.handle()?;
                return handles
                    .get(handle)
                    .cloned()
                    .flatten()
                    .ok_or_else(|| "a reference to an unknown object".to_string());
            }
            TC_OBJECT => return self.boolean(handles),
            TC_NULL => return Ok(String::new()),
            other => return Err(format!("a string expected, found {other:#04x}")),
        };
        handles.push(Some(text.clone()));
        Ok(text)
    }

    /// The index of a `TC_REFERENCE`'s handle.
    fn handle(&mut self) -> Result<usize, String> {
        let b = self.take(4)?;
        let handle = u32::from_be_bytes(b.try_into().unwrap_or_default());
        handle
            .checked_sub(BASE_HANDLE)
            .map(|i| i as usize)
            .ok_or_else(|| format!("a reference to an unknown object {handle:#x}"))
    }

    /// A `java.lang.Boolean` after its `TC_OBJECT`: its class description (new, or a reference
    /// to one read before) and its one byte.
    fn boolean(&mut self, handles: &mut Vec<Option<String>>) -> Result<String, String> {
        match self.u8()? {
            TC_CLASSDESC => {
                let class = self.utf()?;
                if class != "java.lang.Boolean" {
                    return Err(format!("a serialised {class} in the map"));
                }
                self.take(8 + 1)?; // serialVersionUID, flags
                if self.u16()? != 1 || self.u8()? != b'Z' || self.utf()? != "value" {
                    return Err("a java.lang.Boolean of an unknown shape".into());
                }
                self.expect(TC_ENDBLOCKDATA, "the end of the class annotation")?;
                self.expect(TC_NULL, "no superclass")?;
                handles.push(None);
            }
            TC_REFERENCE => {
                self.handle()?;
            }
            other => return Err(format!("a class description expected, found {other:#04x}")),
        }
        handles.push(None);
        Ok(if self.u8()? == 0 { "false" } else { "true" }.to_string())
    }
}

/// Java's modified UTF-8: UTF-8 whose supplementary characters are surrogate pairs of three
/// bytes each and whose NUL is `C0 80`.
fn modified_utf8(bytes: &[u8]) -> Result<String, String> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let bad = || "a string that is not modified UTF-8".to_string();
    let mut units = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let continuation = |k: usize| {
            bytes
                .get(i + k)
                .filter(|c| *c & 0xC0 == 0x80)
                .map(|c| u16::from(c & 0x3F))
        };
        let (unit, len) = match b {
            0x01..=0x7F => (u16::from(b), 1),
            0xC0..=0xDF => (
                u16::from(b & 0x1F) << 6 | continuation(1).ok_or_else(bad)?,
                2,
            ),
            0xE0..=0xEF => (
                u16::from(b & 0x0F) << 12
                    | continuation(1).ok_or_else(bad)? << 6
                    | continuation(2).ok_or_else(bad)?,
                3,
            ),
            _ => return Err(bad()),
        };
        units.push(unit);
        i += len;
    }
    String::from_utf16(&units).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `ObjectOutputStream` writes for `{"a": "b", "c": <the same "b" object>}`, a long
    /// string and a supplementary character, as Java 17 wrote it.
    fn stream(pairs: &[&[u8]], size: u8) -> Vec<u8> {
        let mut s = MAGIC.to_vec();
        s.extend([TC_OBJECT, TC_CLASSDESC, 0x00, 0x11]);
        s.extend(b"java.util.HashMap");
        s.extend([
            0x05, 0x07, 0xDA, 0xC1, 0xC3, 0x16, 0x60, 0xD1, 0x03, 0x00, 0x02,
        ]);
        s.extend(b"F\x00\x0aloadFactorI\x00\x09threshold");
        s.extend([TC_ENDBLOCKDATA, TC_NULL]);
        s.extend([0x3F, 0x40, 0, 0, 0, 0, 0, 12]);
        s.extend([TC_BLOCKDATA, 8, 0, 0, 0, 16, 0, 0, 0, size]);
        for p in pairs {
            s.extend(*p);
        }
        s.push(TC_ENDBLOCKDATA);
        s
    }

    #[test]
    fn reads_strings_references_and_modified_utf8() {
        let bytes = stream(
            &[
                b"\x74\x00\x01a",
                b"\x74\x00\x01b",
                b"\x74\x00\x01c",
                b"\x71\x00\x7e\x00\x03",
                b"\x74\x00\x02\xC0\x80",
                b"\x7C\x00\x00\x00\x00\x00\x00\x00\x06\xED\xA0\xBD\xED\xB8\x80",
            ],
            3,
        );
        let pairs = read_string_map(&bytes).unwrap();
        assert_eq!(
            pairs,
            [
                ("a".into(), "b".into()),
                ("c".into(), "b".into()),
                ("\0".into(), "\u{1F600}".into())
            ]
        );
    }

    #[test]
    fn damage_is_named_never_a_panic() {
        let good = stream(&[b"\x74\x00\x01a", b"\x74\x00\x01b"], 1);
        for cut in 0..good.len() {
            assert!(read_string_map(&good[..cut]).is_err(), "cut at {cut}");
        }
        let huge = stream(&[], 0xFF);
        assert!(
            read_string_map(&huge)
                .unwrap_err()
                .contains("beyond the end")
        );
        let reference = stream(&[b"\x71\x00\x7e\x00\x09", b"\x70"], 1);
        let boolean = stream(
            &[
                b"\x74\x00\x0frestoreComplete",
                b"\x73\x72\x00\x11java.lang.Boolean\xcd\x20\x72\x80\xd5\x9c\xfa\xee\x02\x00\x01Z\x00\x05value\x78\x70\x01",
                b"\x74\x00\x01k",
                b"\x71\x00\x7e\x00\x02",
            ],
            2,
        );
        assert_eq!(
            read_string_map(&boolean).unwrap(),
            [
                ("restoreComplete".into(), "true".into()),
                ("k".into(), "restoreComplete".into())
            ]
        );
        assert!(
            read_string_map(&reference)
                .unwrap_err()
                .contains("unknown object")
        );
        let mut other = good.clone();
        other[7] = b'X';
        assert!(read_string_map(&other).is_err());
    }
}
