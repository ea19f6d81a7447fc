//! Google Authenticator transfer codes as import entries: each code's accounts (decoded by
//! [`crate::uri::migration`]) become entries, its unreadable ones rejected entries, and which
//! codes of which exports were seen becomes a notice (docs/formats.md §4 "Batches"). Shared by the
//! readers of text lines ([`super::otpauth_list`]) and of QR pictures ([`super::qr_image`]).

use std::collections::HashSet;

use super::{Entry, EntryError, Item, Notice};
use crate::uri::migration::{self, Batch, EntryProblem};

/// Most missing codes a notice lists.
const MAX_LISTED_MISSING: i32 = 1000;

/// Which transfer codes of which exports were seen.
#[derive(Debug, Default)]
pub struct Batches {
    first: Option<Batch>,
    mixed: bool,
    /// Indices seen of the first export's codes.
    indices: HashSet<i32>,
}

impl Batches {
    /// Records one code.
    pub fn record(&mut self, batch: Batch) {
        let first = *self.first.get_or_insert(batch);
        if batch.id != first.id {
            self.mixed = true;
        }
        self.indices.insert(batch.index);
    }

    /// What to tell the user: missing codes, mixed exports.
    pub fn notices(&self) -> Vec<Notice> {
        let Some(first) = self.first else {
            return Vec::new();
        };
        if self.mixed {
            return vec![Notice::MixedBatches];
        }
        let size = first.size.max(1);
        if size == 1 {
            return Vec::new();
        }
        let missing = (0..size.min(MAX_LISTED_MISSING))
            .filter(|i| !self.indices.contains(i))
            .map(|i| i + 1)
            .collect();
        vec![Notice::Batches { size, missing }]
    }
}

/// Reads one transfer URI into `items`; a payload that cannot be read becomes one rejected
/// item.
pub fn read_code(text: &str, items: &mut Vec<Item>, batches: &mut Batches) {
    match migration::parse(text) {
        Ok(migration) => {
            batches.record(migration.batch);
            for key in migration.accounts {
                items.push(Item::Entry(Entry::new(key.issuer, key.name, key.otp)));
            }
            for (label, problem) in migration.rejected {
                let (issuer, name) = label.split_once(':').unwrap_or(("", label.as_str()));
                items.push(Item::rejected(issuer, name, EntryError::Migration(problem)));
            }
        }
        Err(e) => items.push(Item::rejected(
            "",
            "otpauth-migration://",
            EntryError::Migration(EntryProblem::Payload(e)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(index: i32, size: i32, id: i32) -> Batch {
        Batch { index, size, id }
    }

    #[test]
    fn missing_codes_and_mixed_exports() {
        let mut batches = Batches::default();
        assert!(batches.notices().is_empty());
        batches.record(batch(0, 3, 7));
        batches.record(batch(2, 3, 7));
        batches.record(batch(2, 3, 7));
        assert_eq!(
            batches.notices(),
            vec![Notice::Batches {
                size: 3,
                missing: vec![2]
            }]
        );
        batches.record(batch(1, 3, 8));
        assert_eq!(batches.notices(), vec![Notice::MixedBatches]);
        let mut single = Batches::default();
        single.record(batch(0, 1, 1));
        assert!(single.notices().is_empty());
    }

    /// Codes are looked up by hash (a list searched for each code took minutes for a file of
    /// 200 000 codes), and the notice lists at most 1000 missing ones.
    #[test]
    fn many_codes_are_recorded_once_each() {
        let mut batches = Batches::default();
        for index in (0..400_000).step_by(2) {
            batches.record(batch(index, 400_000, 5));
            batches.record(batch(index, 400_000, 5));
        }
        assert_eq!(batches.indices.len(), 200_000);
        let notices = batches.notices();
        let [Notice::Batches { size, missing }] = notices.as_slice() else {
            panic!("{notices:?}");
        };
        assert_eq!(*size, 400_000);
        assert_eq!(missing.len(), 500);
        assert_eq!(missing[..3], [2, 4, 6]);
    }
}
