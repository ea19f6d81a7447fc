//! CSV read with memory bounded by the file, for the CSV importers (KeePass, Bitwarden). The
//! csv crate keeps two copies of the first record as its header row (even when told there is
//! none) and grows a record by doubling a zero-filled buffer: a crafted 64 MiB line of commas
//! cost 800 MB. So the header is checked before the crate sees it (at most [`MAX_COLUMNS`]
//! columns in [`MAX_HEADER_BYTES`]) and read into a record of its own, and the rows into one
//! record allocated once, at the most any row of the file can need ([`record_for`]):
//! zero-filled memory costs nothing until a row uses it.

use csv::StringRecord;

/// Most columns a header may have (KeePass and Bitwarden write about 10 to 30).
pub const MAX_COLUMNS: usize = 1000;

/// Longest header (the first record), in bytes.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// A reader of `text` whose first record (the header, read by the caller) is within
/// [`MAX_COLUMNS`] and [`MAX_HEADER_BYTES`]; rows may have any length. `Err` says which limit
/// the header passes.
pub fn reader(text: &str) -> Result<csv::Reader<&[u8]>, String> {
    // The first record ends at the first line break outside quotes.
    let (mut columns, mut quoted, mut length) = (1usize, false, 0usize);
    for byte in text.bytes().take(MAX_HEADER_BYTES + 1) {
        match byte {
            b'"' => quoted = !quoted,
            b',' if !quoted => columns += 1,
            b'\n' if !quoted => break,
            _ => {}
        }
        length += 1;
    }
    if length > MAX_HEADER_BYTES || columns > MAX_COLUMNS {
        return Err(format!(
            "its header is not a CSV header of at most {MAX_COLUMNS} columns in {} KiB",
            MAX_HEADER_BYTES / 1024
        ));
    }
    Ok(csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes()))
}

/// An empty record that holds any record of `text` without growing.
pub fn record_for(text: &str) -> StringRecord {
    let separators = text.bytes().filter(|b| matches!(b, b',' | b'\n')).count();
    StringRecord::with_capacity(text.len(), separators + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_of_every_shape_fit_without_growing() {
        let text = "a,\"b,\nc\",d\n\"\"\"q\"\"\",,\n,,,,\nlast";
        let mut reader = reader(text).unwrap();
        let mut header = StringRecord::new();
        assert!(reader.read_record(&mut header).unwrap());
        assert_eq!(header.iter().collect::<Vec<_>>(), ["a", "b,\nc", "d"]);
        let mut record = record_for(text);
        let mut rows = Vec::new();
        while reader.read_record(&mut record).unwrap() {
            rows.push(record.iter().map(str::to_string).collect::<Vec<_>>());
        }
        assert_eq!(
            rows,
            [
                vec!["\"q\"", "", ""],
                vec!["", "", "", "", ""],
                vec!["last"],
            ]
        );
    }

    #[test]
    fn headers_beyond_the_limits_are_refused() {
        let columns = |n: usize| format!("{}\nrow\n", vec!["c"; n].join(","));
        assert!(reader(&columns(MAX_COLUMNS)).is_ok());
        let error = reader(&columns(MAX_COLUMNS + 1)).err().unwrap();
        assert!(error.contains("at most 1000 columns in 64 KiB"), "{error}");
        assert!(reader(&format!("{}\n", "x".repeat(MAX_HEADER_BYTES))).is_ok());
        assert!(reader(&"x".repeat(MAX_HEADER_BYTES + 1)).is_err());
        assert!(reader(&",".repeat(MAX_COLUMNS)).is_err());
        // Quoted commas and line breaks are part of a cell.
        let quoted = format!("\"{}\n\",b\n{}", ",".repeat(5000), ",".repeat(5000));
        assert!(reader(&quoted).is_ok());
    }
}
