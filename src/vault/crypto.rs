//! The vault's cryptography (`docs/vault.md` §2, §4): Argon2id turns a password into a key
//! encryption key (KEK); AES-256-GCM wraps the master key under it and encrypts the payload
//! under the master key. Every key type here is zeroized on drop and prints `[redacted]`.

use std::fmt;

use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use unicode_normalization::UnicodeNormalization as _;
use zeroize::Zeroizing;

/// Length of the master key and KEK.
pub const KEY_LEN: usize = 32;
/// AES-GCM nonce length.
pub const NONCE_LEN: usize = 12;
/// AES-GCM tag length.
pub const TAG_LEN: usize = 16;
/// A wrapped master key: 32 bytes of ciphertext plus the tag.
pub const WRAPPED_LEN: usize = KEY_LEN + TAG_LEN;
/// Salt length written for new password slots.
pub const SALT_LEN: usize = 32;

/// Argon2id settings of a password slot, as stored in the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
    /// Salt (16-64 bytes).
    pub salt: Vec<u8>,
}

/// Default cost for new password slots: 256 MiB, 3 passes, 4 lanes (about 0.3 s on two cores).
pub const DEFAULT_M_KIB: u32 = 262_144;
/// Default passes.
pub const DEFAULT_T: u32 = 3;
/// Default lanes.
pub const DEFAULT_P: u32 = 4;
/// Never write a slot cheaper than this (RFC 9106's second recommended option): 64 MiB ...
pub const FLOOR_M_KIB: u32 = 65_536;
/// ... and 3 passes.
pub const FLOOR_T: u32 = 3;

/// The most memory a stored setting may ask for: 2 GiB.
pub const CEILING_M_KIB: u32 = 2_097_152;
/// The most memory × passes (KiB × passes) a stored setting may ask for: 8 × the default's.
pub const CEILING_WORK: u64 = 8 * DEFAULT_M_KIB as u64 * DEFAULT_T as u64;

/// Fallbacks when the default does not fit in memory: the same memory × passes product.
const OUT_OF_MEMORY_FALLBACKS: [(u32, u32); 2] = [(131_072, 6), (65_536, 12)];

impl KdfParams {
    /// The default settings with a fresh random salt.
    pub fn new_default() -> Result<KdfParams, CryptoError> {
        KdfParams::with_cost(DEFAULT_M_KIB, DEFAULT_T, DEFAULT_P)
    }

    /// Chosen settings with a fresh random salt; refused below the write floor.
    pub fn with_cost(m_kib: u32, t: u32, p: u32) -> Result<KdfParams, CryptoError> {
        if m_kib < FLOOR_M_KIB || t < FLOOR_T {
            return Err(CryptoError::BelowFloor);
        }
        Ok(KdfParams {
            m_kib,
            t,
            p,
            salt: random_bytes(SALT_LEN)?,
        })
    }

    /// The bounds every stored setting must meet before any KDF runs (docs/vault.md §3 step 4),
    /// so a crafted file cannot exhaust memory or hang the program: at most [`CEILING_M_KIB`] of
    /// memory and [`CEILING_WORK`] of memory × passes (eight times the default's work: about
    /// 4 s here, where a crafted 4 GiB × 4 file used to cost 4.2 GB and 28 s before "wrong
    /// password").
    pub fn within_safe_range(&self) -> bool {
        (8_192..=CEILING_M_KIB).contains(&self.m_kib)
            && (1..=32).contains(&self.t)
            && (1..=16).contains(&self.p)
            && u64::from(self.m_kib) * u64::from(self.t) <= CEILING_WORK
            && (16..=64).contains(&self.salt.len())
    }

    /// True when cheaper than the current default (the slot is re-wrapped after unlocking).
    pub fn below_default(&self) -> bool {
        u64::from(self.m_kib) * u64::from(self.t) < u64::from(DEFAULT_M_KIB) * u64::from(DEFAULT_T)
    }
}

/// Errors of the primitives. None of them carries key material.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CryptoError {
    /// The operating system's random number generator failed.
    Random,
    /// Argon2 could not allocate its memory, even at the fallback settings.
    OutOfMemory,
    /// Argon2 refused the settings.
    Kdf(String),
    /// Settings below the write floor were asked for.
    BelowFloor,
}

/// Fills a fresh buffer from the OS random number generator.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, CryptoError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|_| CryptoError::Random)?;
    Ok(bytes)
}

/// A 256-bit key (master key or KEK).
#[derive(Clone, PartialEq, Eq)]
pub struct Key(Zeroizing<[u8; KEY_LEN]>);

impl Key {
    /// A fresh random key.
    pub fn random() -> Result<Key, CryptoError> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(&mut key[..]).map_err(|_| CryptoError::Random)?;
        Ok(Key(key))
    }

    /// A key from exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<Key> {
        let array: [u8; KEY_LEN] = bytes.try_into().ok()?;
        Some(Key(Zeroizing::new(array)))
    }

    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    fn cipher(&self) -> Option<Aes256Gcm> {
        Aes256Gcm::new_from_slice(&self.0[..]).ok()
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Argon2id v0x13 of the NFC-normalised password: the KEK. Runs for a noticeable time (0.3 s at
/// the default); callers keep it off any UI thread.
pub fn derive_kek(password: &str, params: &KdfParams) -> Result<Key, CryptoError> {
    let normalized: Zeroizing<String> = Zeroizing::new(password.nfc().collect());
    let argon_params = argon2::Params::new(params.m_kib, params.t, params.p, Some(KEY_LEN))
        .map_err(|e| CryptoError::Kdf(e.to_string()))?;
    let argon = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon_params,
    );
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    match argon.hash_password_into(normalized.as_bytes(), &params.salt, &mut out[..]) {
        Ok(()) => Ok(Key(out)),
        Err(argon2::Error::OutOfMemory) => Err(CryptoError::OutOfMemory),
        Err(e) => Err(CryptoError::Kdf(e.to_string())),
    }
}

/// Settings and KEK for a new password slot: the default cost, or on an out-of-memory machine
/// the fallbacks of docs/vault.md §4 (the returned settings say which was used).
pub fn new_password_kek(password: &str) -> Result<(KdfParams, Key), CryptoError> {
    let params = KdfParams::new_default()?;
    match derive_kek(password, &params) {
        Err(CryptoError::OutOfMemory) => {}
        other => return other.map(|kek| (params, kek)),
    }
    for (m_kib, t) in OUT_OF_MEMORY_FALLBACKS {
        let params = KdfParams::with_cost(m_kib, t, DEFAULT_P)?;
        match derive_kek(password, &params) {
            Err(CryptoError::OutOfMemory) => continue,
            other => return other.map(|kek| (params, kek)),
        }
    }
    Err(CryptoError::OutOfMemory)
}

/// Associated data binding a wrapped key to its slot.
fn slot_aad(kind: &str, id: &str) -> Vec<u8> {
    format!("mamori/v1/slot:{kind}:{id}").into_bytes()
}

/// AES-256-GCM(kek, fresh nonce, master key) for slot `kind`/`id`: (nonce, 48 wrapped bytes).
pub fn wrap_key(
    kek: &Key,
    master: &Key,
    kind: &str,
    id: &str,
) -> Result<([u8; NONCE_LEN], Vec<u8>), CryptoError> {
    let nonce = random_nonce()?;
    let aad = slot_aad(kind, id);
    let cipher = kek.cipher().ok_or(CryptoError::Random)?;
    let wrapped = cipher
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: &master.0[..],
                aad: &aad,
            },
        )
        .map_err(|_| CryptoError::Random)?;
    Ok((nonce, wrapped))
}

/// The master key from a wrapped slot, or `None` when the KEK is wrong (wrong password) or
/// the slot was altered.
pub fn unwrap_key(
    kek: &Key,
    nonce: &[u8; NONCE_LEN],
    wrapped: &[u8],
    kind: &str,
    id: &str,
) -> Option<Key> {
    let aad = slot_aad(kind, id);
    let plain = Zeroizing::new(
        kek.cipher()?
            .decrypt(
                &Nonce::from(*nonce),
                Payload {
                    msg: wrapped,
                    aad: &aad,
                },
            )
            .ok()?,
    );
    Key::from_slice(&plain)
}

/// A fresh random 96-bit nonce.
pub fn random_nonce() -> Result<[u8; NONCE_LEN], CryptoError> {
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut nonce).map_err(|_| CryptoError::Random)?;
    Ok(nonce)
}

/// Encrypts the payload; the result is the plaintext length plus [`TAG_LEN`].
pub fn seal(
    master: &Key,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    master
        .cipher()
        .ok_or(CryptoError::Random)?
        .encrypt(
            &Nonce::from(*nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Random)
}

/// Decrypts the payload, or `None` when the tag does not verify.
pub fn open(
    master: &Key,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    ciphertext: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    master
        .cipher()?
        .decrypt(
            &Nonce::from(*nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
        .map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap(salt: &[u8]) -> KdfParams {
        KdfParams {
            m_kib: 8_192,
            t: 1,
            p: 1,
            salt: salt.to_vec(),
        }
    }

    #[test]
    fn nfc_and_nfd_passwords_derive_the_same_key() {
        let params = cheap(&[7u8; 16]);
        // "パスワード" with the voiced marks precomposed (NFC) and as combining marks (NFD).
        let nfc = "\u{30D1}\u{30B9}\u{30EF}\u{30FC}\u{30C9}";
        let nfd = "\u{30CF}\u{309A}\u{30B9}\u{30EF}\u{30FC}\u{30C8}\u{3099}";
        assert_ne!(nfc, nfd);
        assert_eq!(
            derive_kek(nfc, &params).unwrap(),
            derive_kek(nfd, &params).unwrap()
        );
        assert_ne!(
            derive_kek(nfc, &params).unwrap(),
            derive_kek("password", &params).unwrap()
        );
    }

    #[test]
    fn wrapped_keys_are_bound_to_their_slot() {
        let kek = Key::random().unwrap();
        let master = Key::random().unwrap();
        let (nonce, wrapped) = wrap_key(&kek, &master, "password", "aa").unwrap();
        assert_eq!(wrapped.len(), WRAPPED_LEN);
        assert_eq!(
            unwrap_key(&kek, &nonce, &wrapped, "password", "aa"),
            Some(master)
        );
        assert_eq!(unwrap_key(&kek, &nonce, &wrapped, "password", "bb"), None);
        let other = Key::random().unwrap();
        assert_eq!(unwrap_key(&other, &nonce, &wrapped, "password", "aa"), None);
    }

    #[test]
    fn safe_range_and_write_floor() {
        assert!(KdfParams::new_default().unwrap().within_safe_range());
        let mut p = cheap(&[0; 32]);
        assert!(p.within_safe_range());
        // 2 GiB at most, and 2 GiB × 3 passes (8 × the default's work) at most.
        p.m_kib = 2_097_153;
        assert!(!p.within_safe_range());
        p.m_kib = 2_097_152;
        p.t = 3;
        assert!(p.within_safe_range());
        p.t = 4;
        assert!(!p.within_safe_range());
        // What a crafted file used (4 GiB × 4 passes) is refused before any work.
        p.m_kib = 4_194_304;
        p.t = 4;
        assert!(!p.within_safe_range());
        assert_eq!(
            KdfParams::with_cost(32_768, 3, 1),
            Err(CryptoError::BelowFloor)
        );
        assert!(!cheap(&[0; 15]).within_safe_range());
    }

    #[test]
    fn keys_do_not_print() {
        assert_eq!(format!("{:?}", Key::random().unwrap()), "[redacted]");
    }
}
