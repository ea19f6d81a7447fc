//! Mamori's core: one-time codes, `otpauth://` key URIs, accounts and the encrypted vault.
//!
//! This library knows nothing about windows or command lines; the `mamori` binary's `cli` and
//! `gui` modules are thin shells over it, and `cargo check --lib --no-default-features` proves
//! the core builds without any GUI crate.
//!
//! - [`secret`]: key bytes, lenient Base32 reading, zeroized, never printed.
//! - [`otp`]: HOTP/TOTP codes (RFC 4226 / RFC 6238) at a time the caller passes in.
//! - [`uri`]: reading and writing `otpauth://` URIs as `docs/formats.md` §3 describes.
//! - [`account`]: an account (labels, key parameters, note, backup codes).
//! - [`vault`]: the vault file (`docs/vault.md`): encryption, atomic saves, backups, locking.
//! - [`i18n`]: English and Japanese message catalogues.
//!
//! ```
//! use mamori::uri::KeyUri;
//! let key: KeyUri = "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example"
//!     .parse()
//!     .unwrap();
//! assert_eq!(key.issuer, "Example");
//! assert_eq!(mamori::otp::generate(&key.otp, 1_700_000_000).code, "324550");
//! ```

pub mod account;
pub mod i18n;
pub mod otp;
pub mod secret;
pub mod time;
pub mod uri;
pub mod vault;
