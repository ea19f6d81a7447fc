//! The SNTP packet codec (RFC 4330): the request we send, the checks a reply must pass, NTP
//! timestamps, and the offset/delay arithmetic. No sockets here: [`super::race`] does the
//! talking, so everything in this file is tested on bytes.
//!
//! Replies are checked as RFC 4330 §5 says: server mode, a known version, stratum 1-15 (0 is a
//! kiss-o'-death, which is never retried), the originate timestamp echoing the transmit
//! timestamp we sent (whose low bits are random), a non-zero transmit timestamp, and no
//! "unsynchronized" leap indicator.

use crate::i18n::{Lang, Localize, tr};

/// Seconds from 1900-01-01 (NTP era 0) to 1970-01-01.
const NTP_UNIX_OFFSET: f64 = 2_208_988_800.0;

/// The size of an SNTP packet without extensions.
pub(super) const PACKET_LEN: usize = 48;

/// Why an answer from a time server was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Shorter than the 48 bytes of an SNTP packet.
    TooShort(usize),
    /// Not a server reply (mode 4); the mode it had.
    NotServerMode(u8),
    /// A version this client does not know (not 1-4).
    Version(u8),
    /// Stratum 0: the server told us to go away, with this code (`RATE`, `DENY`, …).
    KissOfDeath(String),
    /// Stratum 16 or more: the server has no good time itself.
    Stratum(u8),
    /// The leap indicator says the server's clock is not synchronized.
    Unsynchronized,
    /// The reply does not echo our request (a stray or spoofed packet).
    WrongOriginate,
    /// The server's transmit timestamp is zero.
    ZeroTransmit,
}

impl Localize for Rejection {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Rejection::TooShort(len) => tr(lang, "clock-reject-short", &[("len", len)]),
            Rejection::NotServerMode(mode) => tr(lang, "clock-reject-mode", &[("mode", mode)]),
            Rejection::Version(version) => {
                tr(lang, "clock-reject-version", &[("version", version)])
            }
            Rejection::KissOfDeath(code) => tr(lang, "clock-reject-kiss", &[("code", code)]),
            Rejection::Stratum(stratum) => {
                tr(lang, "clock-reject-stratum", &[("stratum", stratum)])
            }
            Rejection::Unsynchronized => tr(lang, "clock-reject-unsynchronized", &[]),
            Rejection::WrongOriginate => tr(lang, "clock-reject-originate", &[]),
            Rejection::ZeroTransmit => tr(lang, "clock-reject-zero-transmit", &[]),
        }
    }
}

crate::localized_error!(Rejection);

/// `((T2 − T1) + (T3 − T4)) / 2` and `(T4 − T1) − (T3 − T2)`, RFC 4330 §5: the offset of the
/// local clock (true − local) and the round trip, from our send time T1, the server's receive
/// time T2 and transmit time T3, and our receive time T4.
pub fn offset_and_delay(t1: f64, t2: f64, t3: f64, t4: f64) -> (f64, f64) {
    (
        ((t2 - t1) + (t3 - t4)) / 2.0,
        ((t4 - t1) - (t3 - t2)).max(0.0),
    )
}

/// The 64-bit NTP timestamp for a Unix time (era 0 until 2036, then era 1).
pub fn ntp_timestamp(unix: f64) -> [u8; 8] {
    let ntp = unix + NTP_UNIX_OFFSET;
    let seconds = ntp.floor();
    let fraction = ((ntp - seconds) * 4_294_967_296.0) as u32;
    let seconds = seconds.rem_euclid(4_294_967_296.0) as u32;
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(&seconds.to_be_bytes());
    out[4..].copy_from_slice(&fraction.to_be_bytes());
    out
}

/// The Unix time of an NTP timestamp. A clear top bit means era 1 (2036-2104), as RFC 4330 §3
/// suggests.
pub(super) fn read_timestamp(bytes: &[u8; 8]) -> f64 {
    let seconds = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as f64;
    let fraction = u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as f64;
    let seconds = if seconds >= 2_147_483_648.0 {
        seconds
    } else {
        seconds + 4_294_967_296.0
    };
    seconds - NTP_UNIX_OFFSET + fraction / 4_294_967_296.0
}

/// A client request (LI 0, version 4, mode 3) whose transmit timestamp is `unix` with random
/// low bits, so that only a reply to this very packet echoes it.
pub(super) fn request_packet(unix: f64) -> [u8; PACKET_LEN] {
    let mut packet = [0u8; PACKET_LEN];
    packet[0] = 0b00_100_011;
    let mut transmit = ntp_timestamp(unix);
    let mut noise = [0u8; 2];
    if getrandom::fill(&mut noise).is_ok() {
        // The low 16 bits of the fraction are 15 µs: noise far below what is measured.
        transmit[6] = noise[0];
        transmit[7] = noise[1];
    }
    packet[40..48].copy_from_slice(&transmit);
    packet
}

/// The transmit timestamp of a request made by [`request_packet`] (T1, as sent).
pub(super) fn transmit_of(request: &[u8; PACKET_LEN]) -> [u8; 8] {
    let mut out = [0u8; 8];
    out.copy_from_slice(&request[40..48]);
    out
}

/// The server's receive (T2) and transmit (T3) times from a checked reply.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Reply {
    /// T2, Unix seconds.
    pub receive: f64,
    /// T3, Unix seconds.
    pub transmit: f64,
}

/// Checks a reply to the request whose transmit timestamp was `our_transmit`.
pub(super) fn parse_reply(packet: &[u8], our_transmit: &[u8; 8]) -> Result<Reply, Rejection> {
    let Some(packet) = packet.first_chunk::<PACKET_LEN>() else {
        return Err(Rejection::TooShort(packet.len()));
    };
    let leap = packet[0] >> 6;
    let version = (packet[0] >> 3) & 0b111;
    let mode = packet[0] & 0b111;
    let stratum = packet[1];
    if mode != 4 {
        return Err(Rejection::NotServerMode(mode));
    }
    if !(1..=4).contains(&version) {
        return Err(Rejection::Version(version));
    }
    if stratum == 0 {
        let code: String = packet[12..16]
            .iter()
            .map(|&b| if b.is_ascii_graphic() { b as char } else { '?' })
            .collect();
        return Err(Rejection::KissOfDeath(code));
    }
    if stratum > 15 {
        return Err(Rejection::Stratum(stratum));
    }
    if leap == 3 {
        return Err(Rejection::Unsynchronized);
    }
    let timestamp = |at: usize| -> [u8; 8] {
        let mut out = [0u8; 8];
        out.copy_from_slice(&packet[at..at + 8]);
        out
    };
    if &timestamp(24) != our_transmit {
        return Err(Rejection::WrongOriginate);
    }
    let transmit = timestamp(40);
    if transmit == [0; 8] {
        return Err(Rejection::ZeroTransmit);
    }
    Ok(Reply {
        receive: read_timestamp(&timestamp(32)),
        transmit: read_timestamp(&transmit),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_client_mode_version_4_with_a_random_echo() {
        let unix = 1_700_000_000.25;
        let a = request_packet(unix);
        let b = request_packet(unix);
        assert_eq!(a[0], 0b00_100_011);
        assert!(a[1..40].iter().all(|&b| b == 0));
        // The seconds and the high bits of the fraction are the time; the low bits are noise.
        assert_eq!(a[40..46], ntp_timestamp(unix)[..6]);
        assert!((read_timestamp(&transmit_of(&a)) - unix).abs() < 1e-4);
        // Two requests in the same instant differ (1 in 65 536 to fail by chance, twice).
        let c = request_packet(unix);
        assert!(a != b || a != c, "the low bits are not random");
    }

    #[test]
    fn replies_are_validated_field_by_field() {
        let ours = ntp_timestamp(1_700_000_000.25);
        let mut good = [0u8; 48];
        good[0] = 0b00_100_100;
        good[1] = 1;
        good[24..32].copy_from_slice(&ours);
        good[32..40].copy_from_slice(&ntp_timestamp(1_700_000_010.0));
        good[40..48].copy_from_slice(&ntp_timestamp(1_700_000_010.5));
        let reply = parse_reply(&good, &ours).unwrap();
        assert!((reply.receive - 1_700_000_010.0).abs() < 1e-6);
        assert!((reply.transmit - 1_700_000_010.5).abs() < 1e-6);
        // Extension fields after the 48 bytes are ignored.
        let mut longer = good.to_vec();
        longer.extend_from_slice(&[0xAA; 20]);
        assert_eq!(parse_reply(&longer, &ours), Ok(reply));

        let with = |change: &dyn Fn(&mut [u8; 48])| {
            let mut packet = good;
            change(&mut packet);
            parse_reply(&packet, &ours).err()
        };
        assert_eq!(
            with(&|p| p[0] = 0b00_100_011),
            Some(Rejection::NotServerMode(3))
        );
        assert_eq!(with(&|p| p[0] = 0b00_000_100), Some(Rejection::Version(0)));
        assert_eq!(with(&|p| p[0] = 0b00_101_100), Some(Rejection::Version(5)));
        assert_eq!(with(&|p| p[0] = 0b00_011_100), None); // version 3 is fine
        assert_eq!(with(&|p| p[1] = 16), Some(Rejection::Stratum(16)));
        assert_eq!(
            with(&|p| p[0] = 0b11_100_100),
            Some(Rejection::Unsynchronized)
        );
        assert_eq!(
            with(&|p| {
                p[1] = 0;
                p[12..16].copy_from_slice(b"DENY");
            }),
            Some(Rejection::KissOfDeath("DENY".into()))
        );
        assert_eq!(
            with(&|p| {
                p[1] = 0;
                p[12..16].copy_from_slice(&[0, b'R', 0xFF, b'E']);
            }),
            Some(Rejection::KissOfDeath("?R?E".into()))
        );
        assert_eq!(with(&|p| p[31] ^= 1), Some(Rejection::WrongOriginate));
        assert_eq!(with(&|p| p[40..48].fill(0)), Some(Rejection::ZeroTransmit));
        assert_eq!(
            parse_reply(&good[..47], &ours).err(),
            Some(Rejection::TooShort(47))
        );
        assert_eq!(parse_reply(&[], &ours).err(), Some(Rejection::TooShort(0)));
    }

    #[test]
    fn offset_and_delay_follow_rfc_4330() {
        // Local clock 43 s slow, 0.2 s each way, 0.1 s in the server.
        let (offset, delay) = offset_and_delay(100.0, 143.2, 143.3, 100.5);
        assert!((offset - 43.0).abs() < 1e-9, "{offset}");
        assert!((delay - 0.4).abs() < 1e-9, "{delay}");
        // A fast local clock; a server that claims to have taken longer than the round trip
        // gives a delay of 0, never a negative one.
        let (offset, delay) = offset_and_delay(1000.0, 990.0, 991.0, 1000.1);
        assert!((offset + 9.55).abs() < 1e-9, "{offset}");
        assert_eq!(delay, 0.0);
    }

    #[test]
    fn timestamps_round_trip_in_both_eras() {
        for unix in [
            0.0,
            1_700_000_000.5,
            2_085_978_496.0 + 10.25,
            4_000_000_000.75,
        ] {
            let back = read_timestamp(&ntp_timestamp(unix));
            assert!((back - unix).abs() < 1e-6, "{unix} -> {back}");
        }
    }

    #[test]
    fn rejections_read_well_in_both_languages() {
        for rejection in [
            Rejection::TooShort(3),
            Rejection::NotServerMode(3),
            Rejection::Version(7),
            Rejection::KissOfDeath("RATE".into()),
            Rejection::Stratum(16),
            Rejection::Unsynchronized,
            Rejection::WrongOriginate,
            Rejection::ZeroTransmit,
        ] {
            let en = rejection.to_string();
            let ja = rejection.localize(Lang::Ja);
            assert!(!en.contains("clock-") && !en.contains('{'), "{en}");
            assert!(!ja.contains("clock-") && !ja.contains('{'), "{ja}");
            assert_ne!(en, ja);
        }
    }
}
