//! The primitives encrypted exports use (AES-256-GCM, scrypt, PBKDF2), with ceilings on every
//! key-derivation setting read from a file (docs/formats.md §1 "Hardening"): a crafted file must not
//! exhaust memory or hang the program. Each derivation is checked before it runs, and a file
//! that offers several (Aegis password slots) is checked as a whole first ([`ScryptParams`],
//! [`Ceilings::SCRYPT_MAX_WORK`]). Derived keys and plaintexts are zeroized.

use aes_gcm::aead::{Aead as _, KeyInit as _, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use zeroize::Zeroizing;

use super::ImportError;

/// The ceilings on key-derivation settings taken from files.
#[derive(Clone, Copy, Debug)]
pub struct Ceilings;

impl Ceilings {
    /// Largest scrypt N (2^20).
    pub const SCRYPT_MAX_LOG_N: u8 = 20;
    /// Largest scrypt r × p.
    pub const SCRYPT_MAX_RP: u64 = 64;
    /// Largest scrypt memory (128 × r × N bytes): 256 MiB, twice Mamori's own Aegis export
    /// (N = 2^17, r = 8) and eight times the Aegis app's (N = 2^15). With the file itself this
    /// keeps an import within 512 MiB.
    pub const SCRYPT_MAX_BYTES: u64 = 256 << 20;
    /// Most scrypt work one file may ask for, all password slots together, as N × r × p
    /// (each unit mixes one 128-byte block): 2^23, eight times Mamori's own export, about 2 s
    /// on a 2-core laptop. The Aegis app's own vault is 2^18.
    pub const SCRYPT_MAX_WORK: u64 = 1 << 23;
    /// Most password slots of one file that are tried (the Aegis app writes one, two with a
    /// backup password).
    pub const MAX_PASSWORD_SLOTS: usize = 8;
    /// Largest PBKDF2 iteration count.
    pub const PBKDF2_MAX_ITERATIONS: u64 = 10_000_000;
}

/// How many key derivations ran on this thread (tests check that hostile files are refused
/// before any).
#[cfg(test)]
pub fn derivations() -> usize {
    DERIVATIONS.with(std::cell::Cell::get)
}

#[cfg(test)]
thread_local! {
    static DERIVATIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn count_derivation() {
    #[cfg(test)]
    DERIVATIONS.with(|d| d.set(d.get() + 1));
}

/// AES-256-GCM decryption of `ciphertext` (with its 16-byte tag at the end), no associated
/// data; `None` when the tag does not verify.
pub fn gcm_open(key: &[u8], nonce: &[u8], ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let nonce: [u8; 12] = nonce.try_into().ok()?;
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    cipher
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad: &[],
            },
        )
        .ok()
        .map(Zeroizing::new)
}

/// AES-256-GCM encryption; the result ends with the 16-byte tag.
pub fn gcm_seal(key: &[u8], nonce: &[u8; 12], plaintext: &[u8]) -> Option<Vec<u8>> {
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    cipher
        .encrypt(
            &Nonce::from(*nonce),
            Payload {
                msg: plaintext,
                aad: &[],
            },
        )
        .ok()
}

/// scrypt settings read from a file, within the per-derivation ceilings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScryptParams {
    n: u64,
    r: u64,
    p: u64,
}

impl ScryptParams {
    /// Checks N, r and p against the ceilings (no work is done).
    pub fn check(
        format: &'static str,
        n: u64,
        r: u64,
        p: u64,
    ) -> Result<ScryptParams, ImportError> {
        if n < 2 || !n.is_power_of_two() || r == 0 || p == 0 {
            return Err(ImportError::damaged(
                format,
                format!("scrypt N={n} r={r} p={p}"),
            ));
        }
        if n.trailing_zeros() > u32::from(Ceilings::SCRYPT_MAX_LOG_N)
            || r.saturating_mul(p) > Ceilings::SCRYPT_MAX_RP
            || 128u64.saturating_mul(r).saturating_mul(n) > Ceilings::SCRYPT_MAX_BYTES
            || n.saturating_mul(r).saturating_mul(p) > Ceilings::SCRYPT_MAX_WORK
        {
            return Err(ImportError::KdfTooExpensive {
                format,
                detail: format!(
                    "scrypt N={n} r={r} p={p}; at most {} MiB and N×r×p = {}",
                    Ceilings::SCRYPT_MAX_BYTES >> 20,
                    Ceilings::SCRYPT_MAX_WORK
                ),
            });
        }
        Ok(ScryptParams { n, r, p })
    }

    /// The work of one derivation, N × r × p (see [`Ceilings::SCRYPT_MAX_WORK`]).
    pub fn work(self) -> u64 {
        self.n * self.r * self.p
    }
}

/// scrypt to 32 bytes with checked settings.
pub fn scrypt_checked(
    format: &'static str,
    password: &str,
    salt: &[u8],
    params: ScryptParams,
) -> Result<Zeroizing<[u8; 32]>, ImportError> {
    let ScryptParams { n, r, p } = params;
    let too_expensive = || ImportError::KdfTooExpensive {
        format,
        detail: format!("scrypt N={n} r={r} p={p}"),
    };
    let log_n = n.trailing_zeros() as u8;
    let params = scrypt::Params::new(log_n, r as u32, p as u32).map_err(|_| too_expensive())?;
    let mut out = Zeroizing::new([0u8; 32]);
    count_derivation();
    scrypt::scrypt(password.as_bytes(), salt, &params, out.as_mut_slice())
        .map_err(|_| too_expensive())?;
    Ok(out)
}

/// scrypt to 32 bytes, refusing settings above the ceilings before any work.
pub fn scrypt(
    format: &'static str,
    password: &str,
    salt: &[u8],
    n: u64,
    r: u64,
    p: u64,
) -> Result<Zeroizing<[u8; 32]>, ImportError> {
    scrypt_checked(
        format,
        password,
        salt,
        ScryptParams::check(format, n, r, p)?,
    )
}

/// The PBKDF2 hash functions formats use.
#[derive(Clone, Copy, Debug)]
pub enum Prf {
    /// HMAC-SHA-1 (andOTP).
    Sha1,
    /// HMAC-SHA-256 (2FAS).
    Sha256,
}

/// PBKDF2 to 32 bytes, refusing iteration counts outside 1..=10 million before any work.
pub fn pbkdf2(
    format: &'static str,
    prf: Prf,
    password: &str,
    salt: &[u8],
    iterations: u64,
) -> Result<Zeroizing<[u8; 32]>, ImportError> {
    if iterations == 0 || iterations > Ceilings::PBKDF2_MAX_ITERATIONS {
        return Err(ImportError::KdfTooExpensive {
            format,
            detail: format!("PBKDF2 iterations={iterations}"),
        });
    }
    let mut out = Zeroizing::new([0u8; 32]);
    let rounds = iterations as u32;
    count_derivation();
    match prf {
        Prf::Sha1 => {
            pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password.as_bytes(), salt, rounds, out.as_mut_slice())
        }
        Prf::Sha256 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
            password.as_bytes(),
            salt,
            rounds,
            out.as_mut_slice(),
        ),
    }
    Ok(out)
}

/// Fresh random bytes (for exports).
pub fn random<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_refuse_before_deriving() {
        let big = scrypt("Aegis", "pw", b"salt", 1 << 24, 8, 1);
        assert!(
            matches!(big, Err(ImportError::KdfTooExpensive { .. })),
            "{big:?}"
        );
        let rp = scrypt("Aegis", "pw", b"salt", 1 << 10, 64, 64);
        assert!(matches!(rp, Err(ImportError::KdfTooExpensive { .. })));
        let odd = scrypt("Aegis", "pw", b"salt", 1000, 8, 1);
        assert!(matches!(odd, Err(ImportError::Damaged { .. })));
        let many = pbkdf2("andOTP", Prf::Sha1, "pw", b"s", 20_000_000);
        assert!(matches!(many, Err(ImportError::KdfTooExpensive { .. })));
        assert!(pbkdf2("andOTP", Prf::Sha1, "pw", b"s", 0).is_err());
    }

    #[test]
    fn rfc_vectors() {
        // RFC 7914 §12, first vector.
        let key = scrypt("t", "", b"", 16, 1, 1).unwrap();
        assert_eq!(&key[..8], &[0x77, 0xd6, 0x57, 0x62, 0x38, 0x65, 0x7b, 0x20]);
        // RFC 6070: PBKDF2-HMAC-SHA1, "password"/"salt", 2 iterations.
        let key = pbkdf2("t", Prf::Sha1, "password", b"salt", 2).unwrap();
        assert_eq!(&key[..4], &[0xea, 0x6c, 0x01, 0x4d]);
    }
}
