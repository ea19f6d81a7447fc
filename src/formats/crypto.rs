//! The primitives encrypted exports use (AES-256-GCM, AES-256-CBC, Blowfish-ECB, scrypt, PBKDF2,
//! Argon2id, HKDF, OpenSSL's `EVP_BytesToKey`), with ceilings on every
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
    /// Most entries of one file that carry a key derivation of their own (WinAuth entries
    /// protected alone: PBKDF2-HMAC-SHA1, 2000 iterations to 256 bytes, about 20 ms each), so a
    /// crafted file of thousands stays within the import time bound. Far more than anyone
    /// protects one by one.
    pub const MAX_ENTRY_DERIVATIONS: usize = 128;
    /// Largest PBKDF2 iteration count.
    pub const PBKDF2_MAX_ITERATIONS: u64 = 10_000_000;
    /// Largest Argon2 memory, in KiB: 256 MiB, Ente Auth's own setting (it only ever lowers
    /// it) and four times Bitwarden's default. With the file itself this keeps an import within
    /// 512 MiB; a Bitwarden export made with more memory is refused with this limit named.
    pub const ARGON2_MAX_KIB: u64 = 256 * 1024;
    /// Most Argon2 work, memory (KiB) × passes: Ente Auth's 256 MiB × 16 passes (its other
    /// settings trade memory for passes at the same product), about 3 s here.
    pub const ARGON2_MAX_WORK: u64 = 256 * 1024 * 16;
    /// Most Argon2 lanes.
    pub const ARGON2_MAX_LANES: u64 = 16;
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
    gcm_open_with(key, nonce, ciphertext, &[])
}

/// [`gcm_open`] with associated data `aad`.
pub fn gcm_open_with(
    key: &[u8],
    nonce: &[u8],
    ciphertext: &[u8],
    aad: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let nonce: [u8; 12] = nonce.try_into().ok()?;
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    cipher
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad,
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
    /// HMAC-SHA-512 (FreeOTP 2).
    Sha512,
}

/// PBKDF2 to 32 bytes, refusing iteration counts outside 1..=10 million before any work.
pub fn pbkdf2(
    format: &'static str,
    prf: Prf,
    password: &str,
    salt: &[u8],
    iterations: u64,
) -> Result<Zeroizing<[u8; 32]>, ImportError> {
    pbkdf2_bytes::<32>(format, prf, password, salt, iterations)
}

/// [`pbkdf2`] to `N` bytes (WinAuth asks for 256 in one call: standard PBKDF2 output, block
/// after block).
pub fn pbkdf2_bytes<const N: usize>(
    format: &'static str,
    prf: Prf,
    password: &str,
    salt: &[u8],
    iterations: u64,
) -> Result<Zeroizing<[u8; N]>, ImportError> {
    if iterations == 0 || iterations > Ceilings::PBKDF2_MAX_ITERATIONS {
        return Err(ImportError::KdfTooExpensive {
            format,
            detail: format!("PBKDF2 iterations={iterations}"),
        });
    }
    let mut out = Zeroizing::new([0u8; N]);
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
        Prf::Sha512 => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(
            password.as_bytes(),
            salt,
            rounds,
            out.as_mut_slice(),
        ),
    }
    Ok(out)
}

/// Argon2id (v1.3) settings read from a file, within the ceilings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Argon2Params {
    m_kib: u32,
    t: u32,
    p: u32,
}

impl Argon2Params {
    /// Checks memory (KiB), passes and lanes against the ceilings (no work is done).
    pub fn check(
        format: &'static str,
        m_kib: u64,
        t: u64,
        p: u64,
    ) -> Result<Argon2Params, ImportError> {
        let detail = || format!("Argon2id m={m_kib} KiB t={t} p={p}");
        if t == 0 || p == 0 || m_kib < 8 * p {
            return Err(ImportError::damaged(format, detail()));
        }
        if m_kib > Ceilings::ARGON2_MAX_KIB
            || m_kib.saturating_mul(t) > Ceilings::ARGON2_MAX_WORK
            || p > Ceilings::ARGON2_MAX_LANES
        {
            return Err(ImportError::KdfTooExpensive {
                format,
                detail: format!(
                    "{}; at most {} MiB and memory × passes = {} MiB",
                    detail(),
                    Ceilings::ARGON2_MAX_KIB >> 10,
                    Ceilings::ARGON2_MAX_WORK >> 10
                ),
            });
        }
        // All three fit u32 after the checks above.
        Ok(Argon2Params {
            m_kib: m_kib as u32,
            t: t as u32,
            p: p as u32,
        })
    }
}

impl Argon2Params {
    /// Memory in KiB.
    pub fn m_kib(self) -> u32 {
        self.m_kib
    }

    /// Passes.
    pub fn t(self) -> u32 {
        self.t
    }

    /// Lanes.
    pub fn p(self) -> u32 {
        self.p
    }
}

/// Argon2id v1.3 of `password` to `N` bytes with checked settings. A salt Argon2 refuses
/// (under 8 bytes) is damage.
pub fn argon2id<const N: usize>(
    format: &'static str,
    password: &[u8],
    salt: &[u8],
    params: Argon2Params,
) -> Result<Zeroizing<[u8; N]>, ImportError> {
    let Argon2Params { m_kib, t, p } = params;
    let bad = |e: argon2::Error| ImportError::damaged(format, format!("Argon2id: {e}"));
    let argon = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(m_kib, t, p, Some(N)).map_err(bad)?,
    );
    let mut out = Zeroizing::new([0u8; N]);
    count_derivation();
    argon
        .hash_password_into(password, salt, out.as_mut_slice())
        .map_err(bad)?;
    Ok(out)
}

/// AES-256-CBC decryption with PKCS#7 padding; `None` when the key or IV has the wrong length,
/// the ciphertext is not whole blocks, or the padding is wrong (a wrong key, usually).
pub fn cbc_open(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    use aes::cipher::{BlockModeDecrypt as _, KeyIvInit as _, block_padding::Pkcs7};
    let decryptor = cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv).ok()?;
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    let len = decryptor.decrypt_padded::<Pkcs7>(&mut buffer).ok()?.len();
    buffer.truncate(len);
    Some(buffer)
}

/// Blowfish-ECB decryption in place, keyed as BouncyCastle C# keys it (WinAuth): the key
/// bytes are cycled over the 18 P-array words, 4 big-endian bytes a word, with no length limit,
/// so a key of 72 bytes or more acts as its first 72 bytes and a shorter one repeats. (OpenSSL
/// does the same up to 72 bytes; `KeyInit` refuses keys over 56.) `None` for an empty key or a
/// buffer that is not whole 8-byte blocks.
pub fn blowfish_ecb_decrypt(key: &[u8], buffer: &mut [u8]) -> Option<()> {
    use blowfish::cipher::BlockCipherDecrypt as _;
    if key.is_empty() || !buffer.len().is_multiple_of(8) {
        return None;
    }
    let mut cipher = blowfish::Blowfish::bc_init_state();
    cipher.bc_expand_key(key);
    let (blocks, rest) = blowfish::cipher::Block::<blowfish::Blowfish>::slice_as_chunks_mut(buffer);
    debug_assert!(rest.is_empty());
    cipher.decrypt_blocks(blocks);
    Some(())
}

/// [`blowfish_ecb_decrypt`] of `ciphertext` with ISO 10126-2 padding removed (random filler,
/// the last byte the pad length). `None` when the key is empty, the ciphertext is empty or not
/// whole blocks, or the pad length is not 1..=8 (BouncyCastle also accepts 0, which no
/// encryption writes: refusing it catches more wrong keys).
pub fn blowfish_ecb_open_iso10126(key: &[u8], ciphertext: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if ciphertext.is_empty() {
        return None;
    }
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    blowfish_ecb_decrypt(key, &mut buffer)?;
    let pad = usize::from(*buffer.last()?);
    if !(1..=8).contains(&pad) {
        return None;
    }
    let len = buffer.len() - pad;
    buffer.truncate(len);
    Some(buffer)
}

/// True when `tag` is HMAC-SHA-256(`key`, `parts` joined), compared in constant time.
pub fn hmac_sha256_verify(key: &[u8], parts: &[&[u8]], tag: &[u8]) -> bool {
    use pbkdf2::hmac::{self, KeyInit as _, Mac as _};
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(key) else {
        return false;
    };
    for part in parts {
        mac.update(part);
    }
    mac.verify_slice(tag).is_ok()
}

/// HKDF-Expand-SHA-256 (RFC 5869 §2.3) of the pseudorandom key `prk` to 32 bytes.
pub fn hkdf_expand(prk: &[u8], info: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
    let hkdf = hkdf::Hkdf::<sha2::Sha256>::from_prk(prk).ok()?;
    let mut out = Zeroizing::new([0u8; 32]);
    hkdf.expand(info, out.as_mut_slice()).ok()?;
    Some(out)
}

/// OpenSSL's `EVP_BytesToKey` with MD5 and one round: the 32-byte key and 16-byte IV that
/// CryptoJS (and `openssl enc -md md5`) derive from a passphrase and an 8-byte salt.
pub fn evp_bytes_to_key(passphrase: &[u8], salt: &[u8]) -> Zeroizing<[u8; 48]> {
    use md5::Digest as _;
    let mut out = Zeroizing::new([0u8; 48]);
    let mut previous: Option<md5::digest::Output<md5::Md5>> = None;
    for chunk in out.chunks_mut(16) {
        let mut hasher = md5::Md5::new();
        if let Some(previous) = &previous {
            hasher.update(previous);
        }
        hasher.update(passphrase);
        hasher.update(salt);
        let block = hasher.finalize();
        chunk.copy_from_slice(&block);
        previous = Some(block);
    }
    out
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
    fn argon2_ceilings_refuse_before_deriving() {
        let before = derivations();
        for (m, t, p) in [
            (512 * 1024, 1, 1),  // 512 MiB
            (256 * 1024, 17, 1), // Ente's memory, one pass too many
            (64 * 1024, 3, 64),  // too many lanes
        ] {
            let refused = Argon2Params::check("Ente Auth", m, t, p);
            assert!(
                matches!(refused, Err(ImportError::KdfTooExpensive { .. })),
                "{m} {t} {p}: {refused:?}"
            );
        }
        assert!(matches!(
            Argon2Params::check("Ente Auth", 1024, 0, 1),
            Err(ImportError::Damaged { .. })
        ));
        assert_eq!(derivations(), before);
        // Ente's own settings and Bitwarden's default pass.
        assert!(Argon2Params::check("Ente Auth", 256 * 1024, 16, 1).is_ok());
        assert!(Argon2Params::check("Bitwarden", 64 * 1024, 3, 4).is_ok());
    }

    #[test]
    fn rfc_vectors() {
        // Argon2id of "password" / "somesalt", 64 KiB, 2 passes, 1 lane, by Python's
        // argon2-cffi (the reference C implementation).
        let params = Argon2Params::check("t", 64, 2, 1).unwrap();
        let key = argon2id::<32>("t", b"password", b"somesalt", params).unwrap();
        assert_eq!(
            data_encoding::HEXLOWER.encode(&key[..8]),
            "16a1a498734609dd"
        );
        // RFC 5869 A.1, the expand step (PRK and info of the test case).
        let prk = data_encoding::HEXLOWER
            .decode(b"077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
            .unwrap();
        let info = data_encoding::HEXLOWER
            .decode(b"f0f1f2f3f4f5f6f7f8f9")
            .unwrap();
        let okm = hkdf_expand(&prk, &info).unwrap();
        assert_eq!(
            data_encoding::HEXLOWER.encode(&okm[..8]),
            "3cb25f25faacd57a"
        );
        // `openssl enc -aes-256-cbc -md md5 -S 0102030405060708 -pass pass:secret -P`
        let derived = evp_bytes_to_key(b"secret", &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(
            data_encoding::HEXUPPER.encode(&derived[..]),
            "C9E5A1BD216DBE1317E230CEF48F38EE7F0E17AD64022144BCCEC4A1AA2879AB\
             E24B32BBBC4EF02ECBCB6576523AD893"
        );
        // RFC 7914 §12, first vector.
        let key = scrypt("t", "", b"", 16, 1, 1).unwrap();
        assert_eq!(&key[..8], &[0x77, 0xd6, 0x57, 0x62, 0x38, 0x65, 0x7b, 0x20]);
        // RFC 6070: PBKDF2-HMAC-SHA1, "password"/"salt", 2 iterations.
        let key = pbkdf2("t", Prf::Sha1, "password", b"salt", 2).unwrap();
        assert_eq!(&key[..4], &[0xea, 0x6c, 0x01, 0x4d]);
        // The same, 25 bytes (RFC 6070's fifth vector, 4096 iterations): output past one block.
        let key = pbkdf2_bytes::<25>(
            "t",
            Prf::Sha1,
            "passwordPASSWORDpassword",
            b"saltSALTsaltSALTsaltSALTsaltSALTsalt",
            4096,
        )
        .unwrap();
        assert_eq!(
            data_encoding::HEXLOWER.encode(&key[..]),
            "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038"
        );
    }

    #[test]
    fn blowfish_keys_of_any_length() {
        let hex = |s: &str| data_encoding::HEXUPPER.decode(s.as_bytes()).unwrap();
        // Schneier's first vector: all-zero key and block.
        let mut block = hex("4EF997456198DD78");
        blowfish_ecb_decrypt(&[0; 8], &mut block).unwrap();
        assert_eq!(block, [0; 8]);
        // OpenSSL's BF_set_key / BF_ecb_encrypt (Python ctypes): a 72-byte key, a 256-byte key
        // (OpenSSL uses its first 72 bytes, BouncyCastle cycles: the same schedule) and a 20-byte
        // key (a YubiKey response), which both cycle.
        let encrypted = hex("4047A5D9C7267A8FF0F0B1D813A75A4E");
        for key in [(0..72).collect::<Vec<u8>>(), (0..=255).collect()] {
            let mut block = encrypted.clone();
            blowfish_ecb_decrypt(&key, &mut block).unwrap();
            assert_eq!(block, b"12345678WinAuth3");
        }
        let mut block = hex("809544E67CF46B5E");
        blowfish_ecb_decrypt(&(0..20).collect::<Vec<u8>>(), &mut block).unwrap();
        assert_eq!(block, b"12345678");
        // Not whole blocks, no key, bad padding.
        assert!(blowfish_ecb_decrypt(&[1; 8], &mut [0; 7]).is_none());
        assert!(blowfish_ecb_decrypt(&[], &mut [0; 8]).is_none());
        assert!(blowfish_ecb_open_iso10126(&[1; 8], &[]).is_none());
        let last_byte_zero = hex("4EF997456198DD78");
        assert!(blowfish_ecb_open_iso10126(&[0; 8], &last_byte_zero).is_none());
    }
}
