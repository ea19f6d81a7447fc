//! Key bytes: read leniently from Base32, zeroized on drop, never printed.
//!
//! Services hand out keys in many shapes: lower or mixed case (`ABCDEFGHijkl2345`), groups of
//! four separated by spaces or hyphens, with or without `=` padding. [`Secret::from_base32`]
//! normalises as `docs/formats.md` §1 says, rejects any character outside the RFC 4648
//! alphabet (dropping it would silently change the key), and tolerates a length with leftover
//! bits by discarding them, with a warning.

use std::fmt;

use zeroize::Zeroizing;

use crate::i18n::{Lang, Localize, tr};

/// Keys shorter than this many bits get a warning (RFC 4226 §4 asks for at least 128).
pub const RECOMMENDED_MIN_BITS: usize = 128;

/// The raw HMAC key of an account. `Debug` prints `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<Vec<u8>>);

/// Something worth telling the user about a key that was still accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretWarning {
    /// The key has fewer than [`RECOMMENDED_MIN_BITS`] bits. Common (80-bit keys are widespread),
    /// accepted, but worth knowing.
    Short {
        /// Length of the key in bits.
        bits: usize,
    },
    /// The Base32 text had bits left over that do not make a whole byte; they were dropped.
    TrailingBits,
}

/// Why a Base32 key was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretError {
    /// Nothing was left after removing spaces, hyphens and padding.
    Empty,
    /// A character outside `A-Z 2-7` (after upper-casing). The key itself is never kept in the
    /// error, so no message can show it: only where the character is and what it is.
    NotBase32 {
        /// Where the first offending character is in the text as given (trimmed), counting
        /// characters from 1.
        position: usize,
        /// The first offending character.
        bad: char,
    },
}

impl Secret {
    /// Wraps raw key bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Secret {
        Secret(Zeroizing::new(bytes))
    }

    /// Reads a Base32 key written in any of the shapes services use.
    pub fn from_base32(text: &str) -> Result<(Secret, Vec<SecretWarning>), SecretError> {
        let trimmed = text.trim();
        let mut clean = Zeroizing::new(String::with_capacity(trimmed.len()));
        // Where padding began (`=` is allowed only at the end), counting characters from 1.
        let mut padding_from = None;
        for (index, c) in trimmed.chars().enumerate() {
            let kept = match c {
                ' ' | '\t' | '-' | '\u{3000}' | '\r' | '\n' => continue,
                // Fullwidth letters and digits typed through a Japanese IME.
                '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                    char::from_u32(c as u32 - 0xFEE0)
                        .unwrap_or(c)
                        .to_ascii_uppercase()
                }
                _ => c.to_ascii_uppercase(),
            };
            match (kept, padding_from) {
                ('=', None) => padding_from = Some(index + 1),
                ('=', Some(_)) => {}
                ('A'..='Z' | '2'..='7', None) => clean.push(kept),
                (_, Some(position)) if matches!(kept, 'A'..='Z' | '2'..='7') => {
                    return Err(SecretError::NotBase32 { position, bad: '=' });
                }
                _ => {
                    return Err(SecretError::NotBase32 {
                        position: index + 1,
                        bad: c,
                    });
                }
            }
        }
        if clean.is_empty() {
            return Err(SecretError::Empty);
        }
        let mut warnings = Vec::new();
        // 1, 3 and 6 characters past a multiple of 8 carry no whole byte in their last
        // character: drop that character (its bits are leftover bits), as most apps do.
        let mut usable = clean.len();
        if matches!(usable % 8, 1 | 3 | 6) {
            usable -= 1;
            warnings.push(SecretWarning::TrailingBits);
        }
        let lenient = lenient_base32();
        let input = &clean.as_bytes()[..usable];
        let mut bytes = Zeroizing::new(vec![0u8; lenient.decode_len(input.len()).unwrap_or(0)]);
        let written = match lenient.decode_mut(input, &mut bytes) {
            Ok(n) => n,
            Err(_) => return Err(SecretError::Empty),
        };
        bytes.truncate(written);
        if bytes.is_empty() {
            return Err(SecretError::Empty);
        }
        if !warnings.contains(&SecretWarning::TrailingBits)
            && data_encoding::BASE32_NOPAD.decode(input).is_err()
        {
            warnings.push(SecretWarning::TrailingBits);
        }
        if bytes.len() * 8 < RECOMMENDED_MIN_BITS {
            warnings.push(SecretWarning::Short {
                bits: bytes.len() * 8,
            });
        }
        Ok((
            Secret(Zeroizing::new(std::mem::take(&mut *bytes))),
            warnings,
        ))
    }

    /// Reads a key pasted or typed the way vendor manuals tell admins to copy it: the bare key
    /// (`ABCDEFGHijkl2345`), or the text between `secret=` and `&` with either end still
    /// attached (`secret=ABCDEFGHijkl2345&issuer=…`). See [`key_text`].
    pub fn from_pasted(text: &str) -> Result<(Secret, Vec<SecretWarning>), SecretError> {
        Secret::from_base32(key_text(text))
    }

    /// The key as upper-case Base32 without padding (for URIs and the vault). Zeroize the
    /// result when done with it.
    pub fn to_base32(&self) -> Zeroizing<String> {
        Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&self.0))
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Length in bits.
    pub fn bits(&self) -> usize {
        self.0.len() * 8
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The shortest key a pasted text is taken for (16 Base32 characters: 80 bits, the shortest
/// key vendors issue), so that an ordinary word is not mistaken for one.
pub const MIN_PASTED_KEY_CHARS: usize = 16;

/// The key part of a copied text: without a leading `secret=` (any case) and without
/// everything from the first `&` on. Other text is returned trimmed, as it is.
pub fn key_text(text: &str) -> &str {
    let text = text.trim();
    let text = match text.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("secret=") => &text[7..],
        _ => text,
    };
    text.split('&').next().unwrap_or_default().trim()
}

/// True when a pasted text is a key by itself (one line; `secret=` and `&…` allowed, see
/// [`key_text`]) of at least [`MIN_PASTED_KEY_CHARS`] Base32 characters: the window then
/// opens "Enter key" with it filled in instead of calling it "not a key".
pub fn is_pasted_key(text: &str) -> bool {
    let key = key_text(text);
    let letters = key
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}' | '='))
        .count();
    !key.contains(['\n', '\r'])
        && letters >= MIN_PASTED_KEY_CHARS
        && Secret::from_base32(key).is_ok()
}

/// Base32 (RFC 4648) that ignores leftover bits instead of refusing them.
fn lenient_base32() -> data_encoding::Encoding {
    let mut spec = data_encoding::Specification::new();
    spec.symbols.push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    spec.check_trailing_bits = false;
    // The specification is a constant that is known to be valid.
    spec.encoding()
        .unwrap_or_else(|_| data_encoding::BASE32_NOPAD.clone())
}

/// The letter a user probably meant when typing a character Base32 does not have.
fn likely_meant(bad: char) -> Option<char> {
    match bad {
        '0' => Some('O'),
        '1' => Some('I'),
        '8' => Some('B'),
        '9' => Some('G'),
        _ => None,
    }
}

impl Localize for SecretError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            SecretError::Empty => tr(lang, "secret-empty", &[]),
            SecretError::NotBase32 { position, bad } => {
                let mut message = tr(
                    lang,
                    "secret-not-base32",
                    &[("position", position), ("bad", bad)],
                );
                if let Some(meant) = likely_meant(*bad) {
                    let question = tr(lang, "secret-did-you-mean", &[("letter", &meant)]);
                    message = match lang {
                        // "…(A–Z, 2–7); did you mean 'O'?": one sentence in English.
                        Lang::En => format!("{message}{question}"),
                        Lang::Ja => crate::i18n::sentences(lang, &message, &question),
                    };
                }
                message
            }
        }
    }
}

crate::localized_error!(SecretError);

impl Localize for SecretWarning {
    fn localize(&self, lang: Lang) -> String {
        match self {
            SecretWarning::Short { bits } => tr(lang, "secret-short", &[("bits", bits)]),
            SecretWarning::TrailingBits => tr(lang, "secret-trailing-bits", &[]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO: &[u8] = &[0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x21, 0xde, 0xad, 0xbe, 0xef];

    fn bytes(text: &str) -> Vec<u8> {
        Secret::from_base32(text).unwrap().0.as_bytes().to_vec()
    }

    #[test]
    fn accepts_every_shape_services_use() {
        for text in [
            "JBSWY3DPEHPK3PXP",
            "jbswy3dpehpk3pxp",
            "JbSwY3DpEhPk3PxP",
            "JBSW Y3DP EHPK 3PXP",
            "JBSW-Y3DP-EHPK-3PXP",
            " JBSWY3DPEHPK3PXP\n",
            "JBSWY3DPEHPK3PXP======",
            "ＪＢＳＷＹ３ＤＰＥＨＰＫ３ＰＸＰ",
        ] {
            assert_eq!(bytes(text), HELLO, "{text:?}");
        }
    }

    #[test]
    fn an_80_bit_key_is_accepted_with_a_warning() {
        let (secret, warnings) = Secret::from_base32("ABCDEFGHijkl2345").unwrap();
        assert_eq!(secret.bits(), 80);
        assert_eq!(warnings, vec![SecretWarning::Short { bits: 80 }]);
        let (_, warnings) = Secret::from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        assert!(warnings.is_empty());
    }

    #[test]
    fn leftover_bits_are_dropped_with_a_warning() {
        // 3 characters: one byte plus 7 bits that cannot make a byte.
        let (secret, warnings) = Secret::from_base32("MZX").unwrap();
        assert_eq!(secret.as_bytes(), b"f");
        assert!(warnings.contains(&SecretWarning::TrailingBits));
        // 2 characters whose last 2 bits are not zero.
        let (secret, warnings) = Secret::from_base32("MD").unwrap();
        assert_eq!(secret.as_bytes(), &[0x60]);
        assert!(warnings.contains(&SecretWarning::TrailingBits));
    }

    #[test]
    fn refuses_characters_outside_the_alphabet() {
        let err = Secret::from_base32("ABC1").unwrap_err();
        assert_eq!(
            err,
            SecretError::NotBase32 {
                position: 4,
                bad: '1'
            }
        );
        for lang in [Lang::En, Lang::Ja] {
            let text = err.localize(lang);
            assert!(!text.contains("ABC"), "the key is never shown: {text}");
            assert!(text.contains('4') && text.contains('1'), "{text}");
            assert!(text.contains('I'), "{text}");
        }
        assert_eq!(
            Secret::from_base32("JBSW=Y3DP").unwrap_err(),
            SecretError::NotBase32 {
                position: 5,
                bad: '='
            }
        );
        assert!(Secret::from_base32("JBSWY3DP!").is_err());
        assert_eq!(Secret::from_base32(" = ").unwrap_err(), SecretError::Empty);
        assert_eq!(Secret::from_base32("A").unwrap_err(), SecretError::Empty);
    }

    #[test]
    fn keys_copied_as_the_manuals_say_are_read() {
        for text in [
            "ABCDEFGHijkl2345",
            "secret=ABCDEFGHijkl2345",
            "SECRET=ABCDEFGHijkl2345&",
            " secret=ABCDEFGHijkl2345&issuer=Vendor&digits=6 ",
            "ABCDEFGHijkl2345&issuer=Vendor",
            "ABCD EFGH ijkl 2345",
        ] {
            assert!(is_pasted_key(text), "{text:?}");
            let (secret, _) = Secret::from_pasted(text).unwrap();
            assert_eq!(&*secret.to_base32(), "ABCDEFGHIJKL2345", "{text:?}");
        }
        for text in [
            "hello",
            "ABCDEFGH",
            "https://example.com/?secret=ABCDEFGHijkl2345",
            "ABCDEFGHijkl2345\nABCDEFGHijkl2345",
            "ABCDEFGHijkl2340",
            "otpauth://totp/A?secret=ABCDEFGHijkl2345",
        ] {
            assert!(!is_pasted_key(text), "{text:?}");
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let (secret, _) = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(&*secret.to_base32(), "JBSWY3DPEHPK3PXP");
    }
}
