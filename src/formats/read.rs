//! Reading an import file, the same way for both shells: at most [`MAX_IMPORT_BYTES`] (one
//! byte more is read to tell a file that is too large), and one wording when it cannot be read.

use std::io::Read;
use std::path::Path;

use super::{ImportError, MAX_IMPORT_BYTES};

/// Reads an import from `reader` (a file, standard input); `path` names it in errors.
pub fn read_import(reader: impl Read, path: &Path) -> Result<Vec<u8>, ImportError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_IMPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(path, &e))?;
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(ImportError::TooLarge);
    }
    Ok(bytes)
}

/// Reads the import file at `path`.
pub fn read_import_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    let file = std::fs::File::open(path).map_err(|e| unreadable(path, &e))?;
    read_import(file, path)
}

fn unreadable(path: &Path, error: &std::io::Error) -> ImportError {
    ImportError::Unreadable {
        path: path.to_path_buf(),
        reason: error.to_string(),
        kind: error.kind(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_or_a_missing_file_says_it_cannot_be_read() {
        let dir = tempfile::tempdir().unwrap();
        for path in [dir.path().to_path_buf(), dir.path().join("missing.json")] {
            let error = read_import_file(&path).unwrap_err();
            assert!(matches!(error, ImportError::Unreadable { .. }), "{error:?}");
            assert!(error.to_string().starts_with("Cannot read "), "{error}");
        }
    }

    #[test]
    fn one_byte_over_the_cap_is_too_large() {
        let at_cap = std::io::repeat(b'a').take(MAX_IMPORT_BYTES);
        assert_eq!(
            read_import(at_cap, Path::new("-")).unwrap().len() as u64,
            MAX_IMPORT_BYTES
        );
        let over = std::io::repeat(b'a').take(MAX_IMPORT_BYTES + 1);
        assert!(matches!(
            read_import(over, Path::new("-")),
            Err(ImportError::TooLarge)
        ));
    }
}
