//! Integration tests: the real `mamori` binary on real files in temporary folders. One test
//! binary, one module per area (the ripgrep layout).

// Test helpers panic on any failure, which is what a test should do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared helpers: temporary vault folders, running the binary, a seeded random source.
mod util;

// Commands end to end as a user runs them: init, add, code, list, rename, remove, backup codes,
// passwd, restore, exit codes, JSON shapes, English and Japanese messages.
mod cli;
// Codes against independent implementations: oathtool (TOTP/HOTP, 6-8 digits) and Python's
// hmac (9-10 digits); the Argon2id wrapper against the reference argon2 CLI.
mod cross_check;
// Damaged, truncated, future and wrong-password vaults through the binary: clear errors, exit
// codes, no panic, files unchanged.
mod damaged_vaults;
// kill -9 during saves, and two processes writing at once.
mod crash_and_concurrency;
// QR decoding on the real samples in ../shared/testdata/qr-samples.
mod qr_samples;
