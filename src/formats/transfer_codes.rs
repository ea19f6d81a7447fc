//! Google Authenticator transfer codes as import entries: each code's accounts (decoded by
//! [`crate::uri::migration`]) become entries, its unreadable ones rejected entries, and which
//! codes of which exports were seen becomes a notice (formats.md §4 "Batches"). Shared by the
//! readers of text lines ([`super::otpauth_list`]) and of QR pictures ([`super::qr_image`]).

use super::{Entry, EntryError, Item, Notice};
use crate::uri::migration::{self, Batch, EntryProblem};

/// Which transfer codes of which exports were seen (formats.md §4 "Batches").
#[derive(Debug, Default)]
pub struct Batches {
    seen: Vec<Batch>,
}

impl Batches {
    /// Records one code.
    pub fn record(&mut self, batch: Batch) {
        if !self.seen.contains(&batch) {
            self.seen.push(batch);
        }
    }

    /// What to tell the user: missing codes, mixed exports.
    pub fn notices(&self) -> Vec<Notice> {
        let Some(first) = self.seen.first() else {
            return Vec::new();
        };
        if self.seen.iter().any(|b| b.id != first.id) {
            return vec![Notice::MixedBatches];
        }
        let size = first.size.max(1);
        if size == 1 {
            return Vec::new();
        }
        let missing = (0..size.min(1000))
            .filter(|i| !self.seen.iter().any(|b| b.index == *i))
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
