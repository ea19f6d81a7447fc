//! The newest generation this user has seen of each vault (`docs/vault.md` §12): opening an
//! older copy of a vault (a restored file, a stale sync, someone swapping in an old version)
//! gets a warning. Kept in a small JSON file in the per-user config folder; it holds only vault
//! ids and numbers, nothing secret.

use std::collections::BTreeMap;
use std::path::Path;

use super::store::MAX_SEEN_FILE;
use crate::fsio::DiskStorage;

/// Records `generation` for `vault_id` in the file at `path` and returns the newest generation
/// seen before, if it was higher (the vault is an older copy). Failures to read or write the
/// file are ignored: this is a warning aid, never a reason to refuse a vault.
pub fn check_and_record(path: &Path, vault_id: &str, generation: u64) -> Option<u64> {
    let mut seen: BTreeMap<String, u64> = crate::fsio::read_capped(path, MAX_SEEN_FILE)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let previous = seen.get(vault_id).copied();
    match previous {
        Some(newest) if newest > generation => return Some(newest),
        Some(newest) if newest == generation => return None,
        _ => {}
    }
    seen.insert(vault_id.to_string(), generation);
    if let (Some(dir), Ok(bytes)) = (path.parent(), serde_json::to_vec(&seen)) {
        let _ = crate::fsio::create_private_dir(dir);
        let _ = crate::fsio::atomic_write(&DiskStorage, path, ".seen.tmp", &bytes, true, &|_| true);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_generation_is_reported_and_newer_ones_recorded() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("config/seen.json");
        assert_eq!(check_and_record(&path, "aa", 5), None);
        assert_eq!(check_and_record(&path, "aa", 5), None);
        assert_eq!(check_and_record(&path, "aa", 7), None);
        assert_eq!(check_and_record(&path, "aa", 6), Some(7));
        assert_eq!(
            check_and_record(&path, "bb", 1),
            None,
            "vaults are kept apart"
        );
        std::fs::write(&path, b"not json").unwrap();
        assert_eq!(
            check_and_record(&path, "aa", 1),
            None,
            "a broken file is replaced"
        );
        assert_eq!(check_and_record(&path, "aa", 0), Some(1));
    }
}
