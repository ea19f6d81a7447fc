//! One-time codes: HOTP (RFC 4226) and TOTP (RFC 6238) with SHA-1, SHA-256 or SHA-512, 1 to
//! 10 digits and any period, and Steam Guard codes (TOTP written in Steam's alphabet).
//!
//! The HMAC comes from `totp-rs` (`Totp::sign`). Its `generate` panics at 10 digits and its
//! `from_url` refuses keys under 128 bits, which real services hand out, so the dynamic
//! truncation (RFC 4226 §5.3) is done here, and any key of at least one byte is accepted.
//! Time is always passed in: nothing here reads the clock.

use totp_rs::Builder;

use crate::account::{Algorithm, OtpKind, OtpParams};

/// A code and how long it stays current.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    /// The code, zero-padded to the account's length.
    pub code: String,
    /// TOTP: seconds until the next code (1..=period). HOTP: `None`.
    pub remaining: Option<u32>,
    /// TOTP: the period. HOTP: `None`.
    pub period: Option<u32>,
}

impl Code {
    /// The code split in two halves for reading aloud: `123 456`, `1234 5678`, `12345 67890`.
    pub fn grouped(&self) -> String {
        group_digits(&self.code)
    }
}

/// Splits a code in two groups (the first one longer when the length is odd).
pub fn group_digits(code: &str) -> String {
    let n = code.chars().count();
    if n < 6 {
        return code.to_string();
    }
    let split = n.div_ceil(2);
    let first: String = code.chars().take(split).collect();
    let second: String = code.chars().skip(split).collect();
    format!("{first} {second}")
}

fn to_totp_rs(algorithm: Algorithm) -> totp_rs::Algorithm {
    match algorithm {
        Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
        Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
        Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
    }
}

/// The 31-bit dynamic-truncation value of HMAC(key, counter) (RFC 4226 §5.3).
pub fn truncated_value(secret: &[u8], algorithm: Algorithm, counter: u64) -> u32 {
    // A step of one second turns totp-rs's time into a plain counter.
    let signer = Builder::new()
        .with_algorithm(to_totp_rs(algorithm))
        .with_step_duration(1)
        .with_secret(secret.to_vec())
        .build_noncompliant();
    let signature = signer.sign(counter);
    let mac = signature.as_ref();
    let offset = usize::from(mac.last().copied().unwrap_or(0) & 0x0f);
    let window = [
        mac.get(offset).copied().unwrap_or(0),
        mac.get(offset + 1).copied().unwrap_or(0),
        mac.get(offset + 2).copied().unwrap_or(0),
        mac.get(offset + 3).copied().unwrap_or(0),
    ];
    u32::from_be_bytes(window) & 0x7fff_ffff
}

/// The HOTP code for `counter`, `digits` long (1..=10).
pub fn hotp(secret: &[u8], algorithm: Algorithm, digits: u8, counter: u64) -> String {
    let digits = u32::from(digits.clamp(1, 10));
    let value = u64::from(truncated_value(secret, algorithm, counter)) % 10u64.pow(digits);
    format!("{value:0width$}", width = digits as usize)
}

/// The 26 characters of a Steam Guard code (no vowels, no look-alikes).
pub const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";

/// The Steam Guard code for `counter`, `length` characters long (docs/formats.md §15): the
/// truncated value written least significant first in base 26 over [`STEAM_ALPHABET`].
pub fn steam(secret: &[u8], algorithm: Algorithm, length: u8, counter: u64) -> String {
    let mut value = truncated_value(secret, algorithm, counter);
    let mut code = String::with_capacity(usize::from(length));
    for _ in 0..length.max(1) {
        code.push(char::from(STEAM_ALPHABET[(value % 26) as usize]));
        value /= 26;
    }
    code
}

/// The code of `otp` at Unix time `at` (TOTP, Steam) or at its counter (HOTP; `at` is
/// ignored).
pub fn generate(otp: &OtpParams, at: u64) -> Code {
    match otp.kind {
        OtpKind::Totp { period } | OtpKind::Steam { period } => {
            let period = period.max(1);
            let counter = at / u64::from(period);
            let elapsed = (at % u64::from(period)) as u32;
            let secret = otp.secret.as_bytes();
            let code = if matches!(otp.kind, OtpKind::Steam { .. }) {
                steam(secret, otp.algorithm, otp.digits, counter)
            } else {
                hotp(secret, otp.algorithm, otp.digits, counter)
            };
            Code {
                code,
                remaining: Some(period - elapsed),
                period: Some(period),
            }
        }
        OtpKind::Hotp { counter } => Code {
            code: hotp(otp.secret.as_bytes(), otp.algorithm, otp.digits, counter),
            remaining: None,
            period: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    // RFC 6238 appendix A: the seeds are ASCII "1234567890" repeated to the hash length.
    const SEED20: &[u8] = b"12345678901234567890";
    const SEED32: &[u8] = b"12345678901234567890123456789012";
    const SEED64: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    /// RFC 4226 appendix D: HOTP-SHA1, 6 digits, counters 0-9, plus the truncated values.
    #[test]
    fn rfc4226_appendix_d() {
        let codes = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        let values = [
            1284755224u32,
            1094287082,
            137359152,
            1726969429,
            1640338314,
            868254676,
            1918287922,
            82162583,
            673399871,
            645520489,
        ];
        for counter in 0..10u64 {
            let i = counter as usize;
            assert_eq!(hotp(SEED20, Algorithm::Sha1, 6, counter), codes[i]);
            assert_eq!(truncated_value(SEED20, Algorithm::Sha1, counter), values[i]);
            // 10 digits is the whole 31-bit value.
            assert_eq!(
                hotp(SEED20, Algorithm::Sha1, 10, counter),
                format!("{:010}", values[i])
            );
        }
    }

    /// RFC 6238 appendix B: all three algorithms, 8 digits, 30 s.
    #[test]
    fn rfc6238_appendix_b() {
        let table: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        for (time, sha1, sha256, sha512) in table {
            for (seed, algorithm, want) in [
                (SEED20, Algorithm::Sha1, sha1),
                (SEED32, Algorithm::Sha256, sha256),
                (SEED64, Algorithm::Sha512, sha512),
            ] {
                let otp = OtpParams {
                    secret: Secret::from_bytes(seed.to_vec()),
                    kind: OtpKind::Totp { period: 30 },
                    algorithm,
                    digits: 8,
                };
                assert_eq!(generate(&otp, time).code, want, "{algorithm} at {time}");
            }
        }
    }

    /// docs/formats.md §15 (OATH Toolkit values), including an 80-bit key.
    #[test]
    fn self_check_table() {
        let case = |b32: &str, kind, algorithm, digits, at| {
            let (secret, _) = Secret::from_base32(b32).unwrap();
            generate(
                &OtpParams {
                    secret,
                    kind,
                    algorithm,
                    digits,
                },
                at,
            )
            .code
        };
        let t30 = OtpKind::Totp { period: 30 };
        let at = 1_700_000_000;
        assert_eq!(
            case("JBSWY3DPEHPK3PXP", t30, Algorithm::Sha1, 6, at),
            "324550"
        );
        assert_eq!(
            case("JBSWY3DPEHPK3PXP", t30, Algorithm::Sha256, 8, at),
            "32049486"
        );
        let k = "GAYTEMZUGU3DOOBZMFRGGZDFMYYDCMRT";
        assert_eq!(case(k, t30, Algorithm::Sha1, 6, at), "666892");
        let t60 = OtpKind::Totp { period: 60 };
        assert_eq!(case(k, t60, Algorithm::Sha512, 8, at), "55723731");
        for (counter, want) in [(0, "282760"), (1, "996554"), (5, "768897")] {
            let kind = OtpKind::Hotp { counter };
            assert_eq!(case("JBSWY3DPEHPK3PXP", kind, Algorithm::Sha1, 6, 0), want);
        }
        let steam = OtpKind::Steam { period: 30 };
        assert_eq!(
            case("JBSWY3DPEHPK3PXP", steam, Algorithm::Sha1, 5, at),
            "2KM2P"
        );
    }

    /// Steam codes of the RFC 4226 seed at counters 0 and 1, computed by an independent Python
    /// script (hmac + the §15 encoding).
    #[test]
    fn steam_codes_use_the_steam_alphabet() {
        assert_eq!(steam(SEED20, Algorithm::Sha1, 5, 0), "GG5F5");
        let code = steam(SEED20, Algorithm::Sha1, 5, 1);
        assert_eq!(code, "PV9M4");
        // Steam codes are not split for reading.
        assert_eq!(group_digits(&code), code);
    }

    #[test]
    fn remaining_counts_down_to_the_next_period() {
        let otp = OtpParams::totp(Secret::from_bytes(SEED20.to_vec()));
        assert_eq!(generate(&otp, 60).remaining, Some(30));
        assert_eq!(generate(&otp, 89).remaining, Some(1));
        assert_eq!(generate(&otp, 89).period, Some(30));
    }

    #[test]
    fn codes_are_grouped_for_reading() {
        assert_eq!(group_digits("123456"), "123 456");
        assert_eq!(group_digits("1234567"), "1234 567");
        assert_eq!(group_digits("12345678"), "1234 5678");
        assert_eq!(group_digits("12345"), "12345");
    }
}
