//! Reading the first message of a libsodium `crypto_secretstream_xchacha20poly1305` stream
//! (Ente Auth's encrypted export is one message, docs/formats.md §9), over RustCrypto's
//! ChaCha20 and Poly1305.
//!
//! The framing follows libsodium's `secretstream_xchacha20poly1305.c`: the 24-byte header gives
//! the stream key `HChaCha20(key, header[..16])` and the nonce `counter (u32 LE, from 1) ‖
//! header[16..]`. A message is `encrypted tag byte ‖ ciphertext ‖ 16-byte MAC`; the Poly1305 key
//! is keystream block 0, the tag byte is encrypted with block 1 (whose other 63 keystream bytes
//! enter the MAC), the text with blocks 2 onwards, and the MAC covers that 64-byte block, the
//! ciphertext followed by `len % 16` zero bytes (libsodium's arithmetic, not a pad to 16) and
//! the two little-endian lengths. What libsodium does to its state after a message (nonce
//! update, rekeying) only matters for a second message, which Ente never writes.

use chacha20::cipher::{KeyIvInit as _, StreamCipher as _, StreamCipherSeek as _};
use poly1305::universal_hash::KeyInit as _;
use zeroize::Zeroizing;

/// Size of the stream header.
pub const HEADER_BYTES: usize = 24;
/// What a message adds to its text: the tag byte and the MAC.
pub const ABYTES: usize = 17;

/// Why a message could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamError {
    /// Shorter than a tag and a MAC.
    Truncated,
    /// The MAC does not verify: wrong key, or damaged data.
    Forged,
}

/// A pull state: the stream key and the nonce of the first message.
pub struct Pull {
    key: Zeroizing<[u8; 32]>,
    nonce: [u8; 12],
}

impl Pull {
    /// A state for the stream that `header` starts, under `key`.
    pub fn new(key: &[u8; 32], header: &[u8; HEADER_BYTES]) -> Pull {
        let mut input = [0u8; 16];
        input.copy_from_slice(&header[..16]);
        let subkey = chacha20::hchacha::<chacha20::R20>(&(*key).into(), &input.into());
        let mut nonce = [0u8; 12];
        nonce[0] = 1;
        nonce[4..].copy_from_slice(&header[16..]);
        Pull {
            key: Zeroizing::new(subkey.into()),
            nonce,
        }
    }

    /// The text and tag (libsodium's: 0 message, 1 push, 2 rekey, 3 final) of the first
    /// message.
    pub fn pull_first(self, message: &[u8]) -> Result<(Zeroizing<Vec<u8>>, u8), StreamError> {
        if message.len() < ABYTES {
            return Err(StreamError::Truncated);
        }
        let (head, stored_mac) = message.split_at(message.len() - 16);
        let (encrypted_tag, ciphertext) = head.split_at(1);
        let mut cipher = chacha20::ChaCha20::new(&(*self.key).into(), &self.nonce.into());

        let mut poly_key = Zeroizing::new([0u8; 32]);
        cipher.apply_keystream(poly_key.as_mut_slice());

        let mut block = Zeroizing::new([0u8; 64]);
        block[0] = encrypted_tag[0];
        cipher.seek(64u64);
        cipher.apply_keystream(block.as_mut_slice());
        let tag = block[0];
        block[0] = encrypted_tag[0];

        // No associated data: its length and padding are zero.
        let mut mac_input = Zeroizing::new(Vec::with_capacity(64 + ciphertext.len() + 32));
        mac_input.extend_from_slice(block.as_slice());
        mac_input.extend_from_slice(ciphertext);
        // libsodium pads with `(16 - 64 + mlen) & 15` zero bytes, that is `mlen % 16`, not up
        // to the next multiple of 16: a quirk of its C code that every reader must copy.
        let padded = mac_input.len() + ciphertext.len() % 16;
        mac_input.resize(padded, 0);
        mac_input.extend_from_slice(&0u64.to_le_bytes());
        mac_input.extend_from_slice(&(64 + ciphertext.len() as u64).to_le_bytes());
        let mac = poly1305::Poly1305::new(&(*poly_key).into()).compute_unpadded(&mac_input);
        if !constant_time_eq(mac.as_slice(), stored_mac) {
            return Err(StreamError::Forged);
        }

        let mut text = Zeroizing::new(ciphertext.to_vec());
        cipher.seek(128u64);
        cipher.apply_keystream(&mut text);

        Ok((text, tag))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream made by libsodium itself (PyNaCl 1.6: `crypto_secretstream_xchacha20poly1305`
    /// `init_push` with the key 0x00..0x1f, then `push(b"Mamori", tag=FINAL)`).
    #[test]
    fn reads_libsodium_output_and_refuses_tampering() {
        let key: [u8; 32] = core::array::from_fn(|i| i as u8);
        let header: [u8; 24] = data_encoding::HEXLOWER
            .decode(HEADER.as_bytes())
            .unwrap()
            .try_into()
            .unwrap();
        let message = data_encoding::HEXLOWER.decode(MESSAGE.as_bytes()).unwrap();
        let (text, tag) = Pull::new(&key, &header).pull_first(&message).unwrap();
        assert_eq!((text.as_slice(), tag), (&b"Mamori"[..], 3));
        for i in [0, 3, message.len() - 1] {
            let mut bad = message.clone();
            bad[i] ^= 1;
            assert_eq!(
                Pull::new(&key, &header).pull_first(&bad).err(),
                Some(StreamError::Forged),
                "byte {i}"
            );
        }
        let mut other = key;
        other[0] ^= 1;
        assert!(Pull::new(&other, &header).pull_first(&message).is_err());
        assert_eq!(
            Pull::new(&key, &header).pull_first(&message[..16]).err(),
            Some(StreamError::Truncated)
        );
    }

    const HEADER: &str = "25771b6108fe51cb3c888c73fa8894c694a7fbda92a75859";
    const MESSAGE: &str = "bb3c04eb2de18eb4d1807416b3198a07a1efaacc3ba94c";
}
