//! Is this computer's clock right? A small SNTP client (RFC 4330) over `std::net::UdpSocket`.
//!
//! Time-based codes are only accepted within a window of about 30 s, so a clock that is a
//! minute off makes every code fail. [`check`] asks public time servers for the time and
//! measures the offset of the local clock; the whole check, DNS included, ends within
//! [`CHECK_TIMEOUT`] (2 s), however many servers are listed and however slow they are.
//!
//! Every server is asked in parallel (each on its own thread, each resolved address of a name
//! too), and the first valid answer wins; a thread still stuck in the system's DNS resolver
//! when the time is up is abandoned (it ends on its own and holds nothing). Answers are
//! checked as RFC 4330 §5 says: server mode, a known version, stratum 1-15 (0 is a
//! kiss-o'-death, which is never retried), the originate timestamp echoing the transmit
//! timestamp we sent (whose low bits are random), a non-zero transmit timestamp, and no
//! "unsynchronized" leap indicator.
//!
//! The sign convention: `offset = true time − local time`, so a positive offset means the local
//! clock is **slow** (behind) and codes come from the past.
//!
//! ```no_run
//! use mamori::clock::{self, ClockSettings};
//! let settings = ClockSettings::default();
//! match clock::check(&settings.servers(), clock::CHECK_TIMEOUT) {
//!     Ok(reading) => println!("{} ({})", clock::describe(reading.offset_seconds), reading.server),
//!     Err(e) => println!("{e}"),
//! }
//! ```

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs as _, UdpSocket};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::i18n::{Lang, Localize, tr};

/// Public time servers asked when the user has not chosen others (all anycast, all serve SNTP
/// to anyone).
pub const DEFAULT_TIME_SERVERS: &[&str] =
    &["pool.ntp.org", "time.cloudflare.com", "time.google.com"];

/// The longest a whole [`check`] may take (DNS, sending, waiting for every server).
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Offsets larger than this (either way) deserve a warning: with 30-second codes, services
/// accept about one step either side, and network delay eats into that.
pub const WARN_OFFSET_SECONDS: f64 = 10.0;

/// The NTP port.
pub const DEFAULT_PORT: u16 = 123;

/// At most this many servers are asked (the rest of a longer list is ignored).
pub const MAX_SERVERS: usize = 8;

/// At most this many addresses of one server name are asked.
const MAX_ADDRESSES: usize = 4;

/// Seconds from 1900-01-01 (NTP era 0) to 1970-01-01.
const NTP_UNIX_OFFSET: f64 = 2_208_988_800.0;

/// One measurement of the local clock against a time server.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockReading {
    /// True time − local time, in seconds: positive means the local clock is slow (behind).
    pub offset_seconds: f64,
    /// The network round trip, in seconds (the offset is uncertain by up to half of it).
    pub round_trip_seconds: f64,
    /// The server that answered, as it was given (`HOST` or `HOST:PORT`).
    pub server: String,
}

impl ClockReading {
    /// True when the offset is large enough to make codes fail ([`WARN_OFFSET_SECONDS`]).
    pub fn needs_attention(&self) -> bool {
        self.offset_seconds.abs() > WARN_OFFSET_SECONDS
    }
}

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

/// Why the clock could not be checked.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ClockError {
    /// No time server is configured: the check is off.
    NoServers,
    /// A server entry is not `HOST` or `HOST:PORT`.
    BadServer(String),
    /// No server answered in time (offline, UDP port 123 blocked, servers down).
    NoAnswer {
        /// Every server asked.
        tried: Vec<String>,
    },
    /// No server name could be resolved (offline, or misspelt names).
    Unresolvable {
        /// The names that failed.
        hosts: Vec<String>,
    },
    /// A server answered, but not with a usable time, and no other server did better.
    Rejected {
        /// The server.
        server: String,
        /// What was wrong with its answer.
        reason: Rejection,
    },
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

impl Localize for ClockError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            ClockError::NoServers => tr(lang, "clock-no-servers", &[]),
            ClockError::BadServer(server) => tr(lang, "clock-bad-server", &[("server", server)]),
            ClockError::NoAnswer { tried } => tr(
                lang,
                "clock-no-answer",
                &[
                    ("servers", &tried.join(", ")),
                    ("seconds", &CHECK_TIMEOUT.as_secs()),
                ],
            ),
            ClockError::Unresolvable { hosts } => {
                tr(lang, "clock-unresolvable", &[("hosts", &hosts.join(", "))])
            }
            ClockError::Rejected { server, reason } => tr(
                lang,
                "clock-rejected",
                &[("server", server), ("reason", &reason.localize(lang))],
            ),
        }
    }
}

crate::localized_error!(ClockError, Rejection);

/// How far off a clock is, in words: "43 s slow", "2 min 6 s fast", "on time" (see
/// [`describe`]). `Display` gives English; [`Localize`] either language.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drift {
    /// True time − local time, in seconds.
    pub offset_seconds: f64,
}

/// Words for an offset (true time − local time, seconds), for messages: below 10 s with one
/// decimal ("0.2 s fast"), then whole seconds ("43 s slow"), minutes ("2 min 6 s fast") and
/// hours ("3 h 5 min slow"). Under 0.05 s it is "on time".
pub fn describe(offset_seconds: f64) -> Drift {
    Drift { offset_seconds }
}

impl Drift {
    fn amount(&self, lang: Lang) -> String {
        let abs = self.offset_seconds.abs();
        if abs < 9.95 {
            tr(lang, "clock-amount-seconds", &[("s", &format!("{abs:.1}"))])
        } else if abs < 59.5 {
            tr(
                lang,
                "clock-amount-seconds",
                &[("s", &(abs.round() as u64))],
            )
        } else if abs < 3599.5 {
            let total = abs.round() as u64;
            tr(
                lang,
                "clock-amount-minutes",
                &[("m", &(total / 60)), ("s", &(total % 60))],
            )
        } else {
            let minutes = (abs / 60.0).round().min(u64::MAX as f64) as u64;
            tr(
                lang,
                "clock-amount-hours",
                &[("h", &(minutes / 60)), ("m", &(minutes % 60))],
            )
        }
    }
}

impl Localize for Drift {
    fn localize(&self, lang: Lang) -> String {
        let offset = self.offset_seconds;
        if !offset.is_finite() || offset.abs() < 0.05 {
            return tr(lang, "clock-on-time", &[]);
        }
        let amount = self.amount(lang);
        let key = if offset > 0.0 {
            "clock-slow"
        } else {
            "clock-fast"
        };
        tr(lang, key, &[("amount", &amount)])
    }
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}

/// The clock check's preferences, part of the window's `settings.json` (flattened into it);
/// the command line reads the same file. Missing keys take their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClockSettings {
    /// Check the clock at all (default true).
    pub clock_check: bool,
    /// `HOST` or `HOST:PORT` entries, asked in parallel (default [`DEFAULT_TIME_SERVERS`]).
    pub time_servers: Vec<String>,
    /// Generate codes with the measured offset applied (default false).
    pub apply_offset: bool,
}

impl Default for ClockSettings {
    fn default() -> ClockSettings {
        ClockSettings {
            clock_check: true,
            time_servers: DEFAULT_TIME_SERVERS.iter().map(|s| s.to_string()).collect(),
            apply_offset: false,
        }
    }
}

impl ClockSettings {
    /// Reads the clock keys of a settings file. A missing, unreadable or malformed file gives
    /// the defaults; other keys are ignored, and a key of the wrong type keeps its default
    /// while the others are still read.
    pub fn load(path: &Path) -> ClockSettings {
        let mut settings = ClockSettings::default();
        let Some(Value::Object(map)) = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        else {
            return settings;
        };
        if let Some(Value::Bool(on)) = map.get("clock_check") {
            settings.clock_check = *on;
        }
        if let Some(Value::Array(list)) = map.get("time_servers")
            && list.iter().all(Value::is_string)
        {
            settings.time_servers = list
                .iter()
                .filter_map(Value::as_str)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
        if let Some(Value::Bool(apply)) = map.get("apply_offset") {
            settings.apply_offset = *apply;
        }
        settings
    }

    /// The servers to ask: empty when the check is off.
    pub fn servers(&self) -> Vec<String> {
        if !self.clock_check {
            return Vec::new();
        }
        self.time_servers
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// Splits `HOST`, `HOST:PORT`, `[IPv6]:PORT` or a bare IPv6 address into host and port (123
/// when absent).
pub fn parse_server(spec: &str) -> Result<(String, u16), ClockError> {
    let bad = || ClockError::BadServer(spec.to_string());
    let spec = spec.trim();
    let (host, port) = if let Some(rest) = spec.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(bad)?;
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':').ok_or_else(bad)?)),
        }
    } else if spec.matches(':').count() == 1 {
        let (host, port) = spec.split_once(':').ok_or_else(bad)?;
        (host, Some(port))
    } else {
        (spec, None)
    };
    let port = match port {
        None => DEFAULT_PORT,
        Some(text) => match text.parse::<u16>() {
            Ok(port) if port != 0 => port,
            _ => return Err(bad()),
        },
    };
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    Ok((host.to_string(), port))
}

/// Why one server gave no reading.
#[derive(Debug)]
enum Failure {
    BadAddress,
    Resolve,
    Io,
    Timeout,
    Rejected(Rejection),
}

/// Asks the servers (at most [`MAX_SERVERS`], in parallel) and returns the first valid
/// reading. Returns within `timeout`, and never later than [`CHECK_TIMEOUT`], whatever the
/// network or DNS does. An empty list is [`ClockError::NoServers`] (the check is off).
pub fn check(servers: &[String], timeout: Duration) -> Result<ClockReading, ClockError> {
    let deadline = Instant::now() + timeout.min(CHECK_TIMEOUT);
    let servers: Vec<String> = servers
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .take(MAX_SERVERS)
        .collect();
    if servers.is_empty() {
        return Err(ClockError::NoServers);
    }
    let jobs: Vec<Job<ClockReading, Failure>> = servers
        .iter()
        .map(|spec| {
            let spec = spec.clone();
            Box::new(move || query_server(spec, deadline)) as Job<ClockReading, Failure>
        })
        .collect();
    let failures = match race(jobs, deadline) {
        Ok(reading) => return Ok(reading),
        Err(failures) => failures,
    };
    // The most telling failure: a real (if unusable) answer, then wrong entries, then names
    // that do not resolve; anything else is silence.
    for (spec, failure) in servers.iter().zip(&failures) {
        if let Some(Failure::Rejected(reason)) = failure {
            return Err(ClockError::Rejected {
                server: spec.clone(),
                reason: reason.clone(),
            });
        }
    }
    let bad = |f: &Option<Failure>| matches!(f, Some(Failure::BadAddress));
    if failures.iter().all(bad) {
        return Err(ClockError::BadServer(servers[0].clone()));
    }
    if failures
        .iter()
        .all(|f| bad(f) || matches!(f, Some(Failure::Resolve)))
    {
        let hosts = servers
            .iter()
            .zip(&failures)
            .filter(|(_, f)| matches!(f, Some(Failure::Resolve)))
            .map(|(spec, _)| spec.clone())
            .collect();
        return Err(ClockError::Unresolvable { hosts });
    }
    Err(ClockError::NoAnswer { tried: servers })
}

type Job<T, E> = Box<dyn FnOnce() -> Result<T, E> + Send>;

/// Runs every job on its own thread; the first `Ok` wins. Otherwise each job's error, or `None`
/// for a job that had not finished by the deadline (its thread is left to end by itself).
fn race<T: Send + 'static, E: Send + 'static>(
    jobs: Vec<Job<T, E>>,
    deadline: Instant,
) -> Result<T, Vec<Option<E>>> {
    let (sender, receiver) = mpsc::channel();
    let mut errors: Vec<Option<E>> = jobs.iter().map(|_| None).collect();
    let mut pending = 0usize;
    for (index, job) in jobs.into_iter().enumerate() {
        let sender = sender.clone();
        let spawned = std::thread::Builder::new()
            .name("mamori-sntp".into())
            .spawn(move || {
                let _ = sender.send((index, job()));
            });
        if spawned.is_ok() {
            pending += 1;
        }
    }
    drop(sender);
    while pending > 0 {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            break;
        };
        match receiver.recv_timeout(left) {
            Ok((_, Ok(value))) => return Ok(value),
            Ok((index, Err(error))) => {
                errors[index] = Some(error);
                pending -= 1;
            }
            Err(_) => break,
        }
    }
    Err(errors)
}

/// Resolves one server entry and asks each of its addresses in parallel.
fn query_server(spec: String, deadline: Instant) -> Result<ClockReading, Failure> {
    let (host, port) = parse_server(&spec).map_err(|_| Failure::BadAddress)?;
    let addresses: Vec<SocketAddr> = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|_| Failure::Resolve)?
        .take(MAX_ADDRESSES)
        .collect();
    if addresses.is_empty() {
        return Err(Failure::Resolve);
    }
    let jobs: Vec<Job<(f64, f64), Failure>> = addresses
        .into_iter()
        .map(|address| {
            Box::new(move || query_address(address, deadline)) as Job<(f64, f64), Failure>
        })
        .collect();
    match race(jobs, deadline) {
        Ok((offset_seconds, round_trip_seconds)) => Ok(ClockReading {
            offset_seconds,
            round_trip_seconds,
            server: spec,
        }),
        Err(failures) => Err(failures
            .into_iter()
            .flatten()
            .find(|f| matches!(f, Failure::Rejected(_)))
            .unwrap_or(Failure::Timeout)),
    }
}

/// One request to one address: `(offset, round trip)` in seconds.
fn query_address(address: SocketAddr, deadline: Instant) -> Result<(f64, f64), Failure> {
    let local: SocketAddr = match address {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(local).map_err(|_| Failure::Io)?;
    socket.connect(address).map_err(|_| Failure::Io)?;
    let request = request_packet(now_unix());
    let t1 = read_timestamp(&request[40..48]);
    socket.send(&request).map_err(|_| Failure::Io)?;
    let mut buffer = [0u8; 512];
    loop {
        let left = deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or(Failure::Timeout)?;
        socket
            .set_read_timeout(Some(left))
            .map_err(|_| Failure::Io)?;
        match socket.recv(&mut buffer) {
            Ok(len) => {
                let t4 = now_unix();
                let reply =
                    parse_reply(&buffer[..len], &request[40..48]).map_err(Failure::Rejected)?;
                return Ok(offset_and_delay(t1, reply.receive, reply.transmit, t4));
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(Failure::Timeout);
            }
            // Connection refused (an ICMP "port unreachable") and the like: silence, sooner.
            Err(_) => return Err(Failure::Io),
        }
    }
}

/// `((T2 − T1) + (T3 − T4)) / 2` and `(T4 − T1) − (T3 − T2)`, RFC 4330 §5.
pub fn offset_and_delay(t1: f64, t2: f64, t3: f64, t4: f64) -> (f64, f64) {
    (
        ((t2 - t1) + (t3 - t4)) / 2.0,
        ((t4 - t1) - (t3 - t2)).max(0.0),
    )
}

/// Seconds since the Unix epoch from the local clock (negative before 1970).
fn now_unix() -> f64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    }
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
fn read_timestamp(bytes: &[u8]) -> f64 {
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
fn request_packet(unix: f64) -> [u8; 48] {
    let mut packet = [0u8; 48];
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

/// The server's receive (T2) and transmit (T3) times from a checked reply.
struct Reply {
    receive: f64,
    transmit: f64,
}

fn parse_reply(packet: &[u8], our_transmit: &[u8]) -> Result<Reply, Rejection> {
    if packet.len() < 48 {
        return Err(Rejection::TooShort(packet.len()));
    }
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
    if &packet[24..32] != our_transmit {
        return Err(Rejection::WrongOriginate);
    }
    if packet[40..48].iter().all(|&b| b == 0) {
        return Err(Rejection::ZeroTransmit);
    }
    Ok(Reply {
        receive: read_timestamp(&packet[32..40]),
        transmit: read_timestamp(&packet[40..48]),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// What a fake server does with each request.
    #[derive(Clone, Copy)]
    enum Behaviour {
        /// Answers with its clock this far ahead of ours.
        Offset(f64),
        /// Reads requests and never answers.
        Silent,
        /// Answers 48 random-looking bytes.
        Garbage,
        /// Answers stratum 0 with `RATE`.
        KissOfDeath,
        /// Answers correctly but with an originate timestamp that is not ours.
        WrongOriginate,
        /// Answers a packet that is too short.
        Short,
    }

    /// A fake SNTP server on 127.0.0.1 answering on a thread; returns `127.0.0.1:PORT`.
    fn fake_server(behaviour: Behaviour) -> String {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let address = socket.local_addr().unwrap().to_string();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 512];
            while let Ok((len, from)) = socket.recv_from(&mut buffer) {
                if len < 48 {
                    continue;
                }
                let mut reply = [0u8; 48];
                reply[0] = 0b00_100_100; // LI 0, version 4, mode 4
                reply[1] = 2;
                reply[24..32].copy_from_slice(&buffer[40..48]);
                let now = now_unix();
                let reply: Vec<u8> = match behaviour {
                    Behaviour::Silent => continue,
                    Behaviour::Offset(offset) => {
                        reply[32..40].copy_from_slice(&ntp_timestamp(now + offset));
                        reply[40..48].copy_from_slice(&ntp_timestamp(now + offset + 0.001));
                        reply.to_vec()
                    }
                    Behaviour::Garbage => (0..48u8).map(|i| i.wrapping_mul(37) ^ 0x5a).collect(),
                    Behaviour::KissOfDeath => {
                        reply[1] = 0;
                        reply[12..16].copy_from_slice(b"RATE");
                        reply.to_vec()
                    }
                    Behaviour::WrongOriginate => {
                        reply[24..32].copy_from_slice(&ntp_timestamp(now - 1000.0));
                        reply[32..40].copy_from_slice(&ntp_timestamp(now));
                        reply[40..48].copy_from_slice(&ntp_timestamp(now));
                        reply.to_vec()
                    }
                    Behaviour::Short => reply[..20].to_vec(),
                };
                let _ = socket.send_to(&reply, from);
            }
        });
        address
    }

    fn servers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn measures_a_slow_clock() {
        let server = fake_server(Behaviour::Offset(43.0));
        let reading = check(&servers(&[&server]), CHECK_TIMEOUT).unwrap();
        assert!(
            (reading.offset_seconds - 43.0).abs() < 0.5,
            "{}",
            reading.offset_seconds
        );
        assert!(reading.round_trip_seconds >= 0.0 && reading.round_trip_seconds < 1.0);
        assert_eq!(reading.server, server);
        assert!(reading.needs_attention());
        assert_eq!(describe(reading.offset_seconds).to_string(), "43 s slow");
    }

    #[test]
    fn measures_a_fast_clock() {
        let server = fake_server(Behaviour::Offset(-125.5));
        let reading = check(&servers(&[&server]), CHECK_TIMEOUT).unwrap();
        assert!(
            (reading.offset_seconds + 125.5).abs() < 0.5,
            "{}",
            reading.offset_seconds
        );
    }

    #[test]
    fn a_silent_server_gives_no_answer_within_the_limit() {
        let server = fake_server(Behaviour::Silent);
        let start = Instant::now();
        let error = check(&servers(&[&server]), Duration::from_secs(60)).unwrap_err();
        let elapsed = start.elapsed();
        assert_eq!(
            error,
            ClockError::NoAnswer {
                tried: vec![server]
            }
        );
        // The 60 s asked for is capped at CHECK_TIMEOUT.
        assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
        assert!(elapsed >= Duration::from_millis(1900), "{elapsed:?}");
    }

    #[test]
    fn many_silent_servers_still_end_in_time() {
        let list: Vec<String> = (0..12).map(|_| fake_server(Behaviour::Silent)).collect();
        let start = Instant::now();
        let error = check(&list, CHECK_TIMEOUT).unwrap_err();
        assert!(matches!(error, ClockError::NoAnswer { ref tried } if tried.len() == MAX_SERVERS));
        assert!(start.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn bad_answers_are_rejected_and_the_next_server_is_used() {
        for (behaviour, expected) in [
            (Behaviour::Garbage, None),
            (
                Behaviour::KissOfDeath,
                Some(Rejection::KissOfDeath("RATE".into())),
            ),
            (Behaviour::WrongOriginate, Some(Rejection::WrongOriginate)),
            (Behaviour::Short, Some(Rejection::TooShort(20))),
        ] {
            let bad = fake_server(behaviour);
            let error = check(&servers(&[&bad]), CHECK_TIMEOUT).unwrap_err();
            match (&error, &expected) {
                (ClockError::Rejected { server, reason }, Some(expected)) => {
                    assert_eq!(server, &bad);
                    assert_eq!(reason, expected);
                }
                (ClockError::Rejected { server, .. }, None) => assert_eq!(server, &bad),
                _ => panic!("{error:?}"),
            }
            let good = fake_server(Behaviour::Offset(-3.0));
            let start = Instant::now();
            let reading = check(&servers(&[&bad, &good]), CHECK_TIMEOUT).unwrap();
            assert_eq!(reading.server, good);
            assert!((reading.offset_seconds + 3.0).abs() < 0.5);
            assert!(start.elapsed() < Duration::from_secs(1));
        }
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
        assert_eq!(with(&|p| p[31] ^= 1), Some(Rejection::WrongOriginate));
        assert_eq!(with(&|p| p[40..48].fill(0)), Some(Rejection::ZeroTransmit));
        assert_eq!(
            parse_reply(&good[..47], &ours).err(),
            Some(Rejection::TooShort(47))
        );
    }

    #[test]
    fn offset_and_delay_follow_rfc_4330() {
        // Local clock 43 s slow, 0.2 s each way, 0.1 s in the server.
        let (offset, delay) = offset_and_delay(100.0, 143.2, 143.3, 100.5);
        assert!((offset - 43.0).abs() < 1e-9, "{offset}");
        assert!((delay - 0.4).abs() < 1e-9, "{delay}");
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
    fn unresolvable_names_are_reported_as_such() {
        let start = Instant::now();
        let error = check(
            &servers(&["no-such-host.invalid", "another.invalid:123"]),
            CHECK_TIMEOUT,
        )
        .unwrap_err();
        // A resolver that hangs rather than fails ends in silence, still within the limit.
        assert!(
            matches!(error, ClockError::Unresolvable { ref hosts } if hosts.len() == 2)
                || matches!(error, ClockError::NoAnswer { .. }),
            "{error:?}"
        );
        assert!(start.elapsed() < Duration::from_secs(3));
        // A good server after a bad name still answers.
        let good = fake_server(Behaviour::Offset(0.2));
        let reading = check(&servers(&["no-such-host.invalid", &good]), CHECK_TIMEOUT).unwrap();
        assert_eq!(reading.server, good);
    }

    #[test]
    fn no_servers_means_the_check_is_off() {
        assert_eq!(check(&[], CHECK_TIMEOUT), Err(ClockError::NoServers));
        assert_eq!(
            check(&servers(&["  "]), CHECK_TIMEOUT),
            Err(ClockError::NoServers)
        );
        assert_eq!(
            check(&servers(&["host:notaport"]), CHECK_TIMEOUT),
            Err(ClockError::BadServer("host:notaport".into()))
        );
    }

    #[test]
    fn server_entries_parse() {
        assert_eq!(
            parse_server("pool.ntp.org").unwrap(),
            ("pool.ntp.org".into(), 123)
        );
        assert_eq!(
            parse_server(" 127.0.0.1:9123 ").unwrap(),
            ("127.0.0.1".into(), 9123)
        );
        assert_eq!(parse_server("[::1]:9123").unwrap(), ("::1".into(), 9123));
        assert_eq!(parse_server("[::1]").unwrap(), ("::1".into(), 123));
        assert_eq!(
            parse_server("2001:db8::1").unwrap(),
            ("2001:db8::1".into(), 123)
        );
        for bad in [
            "",
            "host:",
            "host:0",
            "host:70000",
            ":123",
            "[::1",
            "[::1]x",
            "a b",
        ] {
            assert!(parse_server(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn settings_load_leniently() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        assert_eq!(ClockSettings::load(&path), ClockSettings::default());
        assert_eq!(
            ClockSettings::default().servers(),
            servers(DEFAULT_TIME_SERVERS)
        );

        std::fs::write(&path, b"\xff{not json").unwrap();
        assert_eq!(ClockSettings::load(&path), ClockSettings::default());
        std::fs::write(&path, b"[1, 2]").unwrap();
        assert_eq!(ClockSettings::load(&path), ClockSettings::default());

        // Part of the window's settings: other keys ignored, missing keys defaulted.
        std::fs::write(
            &path,
            br#"{"theme": "dark", "time_servers": [" ntp.example:1234 ", ""], "apply_offset": true}"#,
        )
        .unwrap();
        let settings = ClockSettings::load(&path);
        assert!(settings.clock_check);
        assert!(settings.apply_offset);
        assert_eq!(settings.servers(), servers(&["ntp.example:1234"]));

        // A key of the wrong type keeps its default; the others are still read.
        std::fs::write(
            &path,
            br#"{"clock_check": "no", "time_servers": [1], "apply_offset": true}"#,
        )
        .unwrap();
        let settings = ClockSettings::load(&path);
        assert!(settings.clock_check && settings.apply_offset);
        assert_eq!(settings.time_servers, servers(DEFAULT_TIME_SERVERS));

        std::fs::write(&path, br#"{"clock_check": false}"#).unwrap();
        assert!(ClockSettings::load(&path).servers().is_empty());

        // The struct itself round-trips through serde with defaults for missing keys.
        let parsed: ClockSettings = serde_json::from_str(r#"{"apply_offset": true}"#).unwrap();
        assert_eq!(
            parsed,
            ClockSettings {
                apply_offset: true,
                ..ClockSettings::default()
            }
        );
        let text = serde_json::to_string(&parsed).unwrap();
        assert_eq!(
            serde_json::from_str::<ClockSettings>(&text).unwrap(),
            parsed
        );
    }

    #[test]
    fn offsets_are_described_in_words() {
        let en = |s: f64| describe(s).to_string();
        assert_eq!(en(43.2), "43 s slow");
        assert_eq!(en(-125.5), "2 min 6 s fast");
        assert_eq!(en(0.2), "0.2 s slow");
        assert_eq!(en(-9.5), "9.5 s fast");
        assert_eq!(en(0.01), "on time");
        assert_eq!(en(120.0), "2 min 0 s slow");
        assert_eq!(en(-3.0 * 3600.0 - 5.0 * 60.0), "3 h 5 min fast");
        assert_eq!(en(f64::NAN), "on time");
        let ja = describe(43.2).localize(Lang::Ja);
        assert!(ja.contains("43") && ja != en(43.2), "{ja}");
        assert_ne!(describe(-125.5).localize(Lang::Ja), en(-125.5));
    }

    #[test]
    fn errors_read_well_in_both_languages() {
        let errors = [
            ClockError::NoServers,
            ClockError::BadServer("x:y".into()),
            ClockError::NoAnswer {
                tried: servers(&["a", "b"]),
            },
            ClockError::Unresolvable {
                hosts: servers(&["a"]),
            },
            ClockError::Rejected {
                server: "a".into(),
                reason: Rejection::KissOfDeath("RATE".into()),
            },
        ];
        for error in errors {
            let en = error.to_string();
            let ja = error.localize(Lang::Ja);
            assert!(
                !en.contains("clock-") && !ja.contains("clock-"),
                "{en} / {ja}"
            );
            assert!(!en.contains('{') && !ja.contains('{'), "{en} / {ja}");
            assert_ne!(en, ja);
        }
    }
}
