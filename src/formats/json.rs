//! JSON read with a bound on its size in memory. A parsed JSON tree costs far more than its
//! text: a 64 MiB file of `0,` is 32 million values (1 GiB as `serde_json::Value`s), and of
//! `{"a":0},` 8 million maps (several GiB). So the text's values and objects are counted in
//! one pass over the bytes first, and a file with more than any export holds is refused before
//! the tree is built.

use serde_json::Value;

use super::{ImportError, MAX_IMPORT_ENTRIES};

/// Most JSON values (numbers, strings, lists, objects, …) one file may hold: 50 per entry at
/// [`MAX_IMPORT_ENTRIES`]. An Aegis entry has about 20, a Bitwarden login with its URIs 30.
pub const MAX_VALUES: usize = 50 * MAX_IMPORT_ENTRIES;

/// Most JSON objects one file may hold: 10 per entry (an Aegis entry has 2, a Bitwarden login 4
/// or 5). An object is the costly value: tens of bytes of text become a map node of 600.
pub const MAX_OBJECTS: usize = 10 * MAX_IMPORT_ENTRIES;

/// Refuses JSON text with more than [`MAX_VALUES`] values or [`MAX_OBJECTS`] objects. Counts
/// without parsing (commas, brackets and braces outside strings), so it costs one pass and no
/// memory; what it lets through may still fail to parse.
pub fn check_size(text: &[u8]) -> Result<(), ImportError> {
    let (mut values, mut objects) = (1usize, 0usize);
    let mut in_string = false;
    let mut escaped = false;
    for &byte in text {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b',' | b'[' => values += 1,
            b'{' => {
                values += 1;
                objects += 1;
            }
            _ => continue,
        }
        if values > MAX_VALUES || objects > MAX_OBJECTS {
            return Err(ImportError::JsonTooLarge);
        }
    }
    Ok(())
}

/// `text` as JSON, within the bounds of [`check_size`]; a syntax error is damage to a file of
/// `format`.
pub fn parse(text: &str, format: &'static str) -> Result<Value, ImportError> {
    check_size(text.as_bytes())?;
    serde_json::from_str(text).map_err(|e| ImportError::damaged(format, e))
}

/// [`parse`] for bytes (a decrypted payload).
pub fn parse_bytes(bytes: &[u8], format: &'static str) -> Result<Value, ImportError> {
    check_size(bytes)?;
    serde_json::from_slice(bytes).map_err(|e| ImportError::damaged(format, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_objects_are_counted_outside_strings_only() {
        let list = |n: usize, item: &str| format!("[{}]", vec![item; n].join(","));
        assert_eq!(check_size(list(MAX_VALUES - 1, "0").as_bytes()), Ok(()));
        assert_eq!(
            check_size(list(MAX_VALUES, "0").as_bytes()),
            Err(ImportError::JsonTooLarge)
        );
        assert_eq!(check_size(list(MAX_OBJECTS, "{}").as_bytes()), Ok(()));
        assert_eq!(
            check_size(list(MAX_OBJECTS + 1, "{}").as_bytes()),
            Err(ImportError::JsonTooLarge)
        );
        // Commas, brackets and escaped quotes inside strings are text, not values.
        let text = format!(
            r#"["{}\"{}", 1]"#,
            ",".repeat(MAX_VALUES),
            "{".repeat(MAX_OBJECTS)
        );
        assert_eq!(check_size(text.as_bytes()), Ok(()));
        assert_eq!(parse(&text, "t").unwrap()[1], 1);
        assert!(matches!(
            parse("[1,", "t"),
            Err(ImportError::Damaged { format: "t", .. })
        ));
    }
}
