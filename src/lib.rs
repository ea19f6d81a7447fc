//! Mamori's core: one-time codes, `otpauth://` key URIs, accounts and the encrypted vault.
//!
//! This library knows nothing about windows or command lines; the `mamori` binary's `cli` and
//! `gui` modules are thin shells over it, and `cargo check --lib --no-default-features` proves
//! the core builds without any GUI crate.
//!
//! - [`secret`]: key bytes, lenient Base32 reading, zeroized, never printed.
//! - [`otp`]: HOTP/TOTP codes (RFC 4226 / RFC 6238) at a time the caller passes in.
//! - [`uri`]: reading and writing `otpauth://` URIs as `docs/formats.md` §3 describes.
//! - [`account`]: an account (labels, key parameters, note, backup codes, tags, pin, icon)
//!   and the trash; [`icon`]: custom icons from pictures, the letter avatar.
//! - [`vault`]: the vault file (`docs/vault.md`): encryption, atomic saves, backups, locking.
//! - [`paths`]: every per-user path, installed or portable (the settings folder, the default
//!   vault); [`fsio`]: capped reads and the atomic, durable writes every saved file goes
//!   through.
//! - [`qr`]: every QR code in a grey image (rxing, with rqrr as a fallback for small images).
//! - [`scan`]: what the codes in an image or on each screen hold (key URIs, Google
//!   Authenticator transfer codes); [`image_file`] reads PNG/JPEG/WebP/BMP/GIF files and
//!   `capture` (feature `capture`) the screens and the clipboard.
//! - [`formats`]: other apps' export formats.
//! - [`clock_check`]: is the clock right? An SNTP check against time servers, and the rules
//!   for using what it measures (two servers must agree; large offsets need confirming).
//! - [`settings`]: the one `settings.json` schema, read key by key by the window and the
//!   command line alike.
//! - [`policy`]: the managed policy an administrator sets (registry, managed preferences,
//!   `/etc/mamori/policy.json`) and what it allows.
//! - [`health`]: what is worth fixing in a working vault (short or shared keys, used-up
//!   backup codes, no recent export).
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
pub mod accounts;
pub mod advice;
pub mod autostart;
#[cfg(feature = "capture")]
pub mod capture;
pub mod clock_check;
pub mod formats;
pub mod fsio;
pub mod health;
pub mod i18n;
pub mod icon;
pub mod image_file;
pub mod otp;
pub mod paths;
pub mod policy;
pub mod qr;
pub mod scan;
pub mod secret;
pub mod settings;
pub mod time;
pub mod uri;
pub mod vault;
