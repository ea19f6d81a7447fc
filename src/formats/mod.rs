//! Other apps' export formats (`docs/formats.md`). One module per format.

pub mod google_migration;
