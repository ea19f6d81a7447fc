//! Is this computer's clock right? A small SNTP client (RFC 4330), and the rules for using
//! what it measures.
//!
//! Time-based codes are only accepted within a window of about 30 s, so a clock that is a
//! minute off makes every code fail. [`check`] asks time servers for the time and measures the
//! offset of the local clock; the whole check, DNS included, ends within [`CHECK_TIMEOUT`]
//! (2 s), however many servers are listed and however slow they are.
//!
//! SNTP answers are not authenticated, so one answer is not trusted: every configured server
//! is asked at once, and an offset is used only when **two servers agree within 1 s** (or the
//! user configured exactly one server: then that one). Servers that disagree are reported as
//! [`ClockError::Disagree`], a lone answer among several servers as
//! [`ClockError::Unconfirmed`]; neither is used. An offset beyond **±10 minutes** is never
//! applied to codes without the user's confirmation ([`correction`]). A program that keeps
//! running checks again every hour and after the wall clock jumps ([`RecheckSchedule`]).
//!
//! The parts: `sntp` the packet codec, `race` the asking at once, `agreement` the rules
//! above, `drift` the words for an offset, `schedule` when to check again; this file holds the
//! public types, [`check`] and the settings.
//!
//! The sign convention: `offset = true time − local time`, so a positive offset means the local
//! clock is **slow** (behind) and codes come from the past.
//!
//! ```no_run
//! use mamori::clock_check::{self, ClockSettings};
//! let settings = ClockSettings::default();
//! match clock_check::check(&settings.servers(), clock_check::CHECK_TIMEOUT) {
//!     Ok(reading) => {
//!         println!("{} ({})", clock_check::describe(reading.offset_seconds), reading.server)
//!     }
//!     Err(e) => println!("{e}"),
//! }
//! ```

mod agreement;
mod drift;
mod race;
mod schedule;
mod sntp;

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Localize, tr};

pub use agreement::{AGREEMENT_SECONDS, Correction, MAX_UNASKED_OFFSET_SECONDS, correction};
pub use drift::{Drift, describe};
pub use schedule::{JUMP_SECONDS, RECHECK_INTERVAL_SECONDS, Recheck, RecheckSchedule};
pub use sntp::{Rejection, ntp_timestamp, offset_and_delay};

/// Public time servers asked when the user has not chosen others (all anycast, all serve SNTP
/// to anyone; three, so that two can agree when one is down or wrong).
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

/// What one time server said.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerReading {
    /// The server, as it was given (`HOST` or `HOST:PORT`).
    pub server: String,
    /// True time − local time by this server, in seconds.
    pub offset_seconds: f64,
    /// The network round trip to it, in seconds (the offset is uncertain by up to half of it).
    pub round_trip_seconds: f64,
}

/// A measurement of the local clock that may be used: two servers agreed on it, or it came
/// from the one server the user configured.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockReading {
    /// True time − local time, in seconds: positive means the local clock is slow (behind).
    pub offset_seconds: f64,
    /// The network round trip, in seconds (the offset is uncertain by up to half of it).
    pub round_trip_seconds: f64,
    /// The server whose answer gives the offset (of those that agree, the one with the
    /// shortest round trip), as it was given (`HOST` or `HOST:PORT`).
    pub server: String,
    /// Every answer that agrees, that one first: two or more, or one when the user configured
    /// a single server.
    pub agreeing: Vec<ServerReading>,
}

impl ClockReading {
    /// A reading from one server alone (the user configured only that one).
    pub fn single(server: &str, offset_seconds: f64, round_trip_seconds: f64) -> ClockReading {
        ClockReading {
            offset_seconds,
            round_trip_seconds,
            server: server.to_string(),
            agreeing: vec![ServerReading {
                server: server.to_string(),
                offset_seconds,
                round_trip_seconds,
            }],
        }
    }

    /// True when the offset is large enough to make codes fail ([`WARN_OFFSET_SECONDS`]).
    pub fn needs_attention(&self) -> bool {
        self.offset_seconds.abs() > WARN_OFFSET_SECONDS
    }

    /// True when the offset is too large to apply to codes without asking the user
    /// ([`MAX_UNASKED_OFFSET_SECONDS`]; see [`correction`]).
    pub fn needs_confirmation(&self) -> bool {
        self.offset_seconds.abs() > MAX_UNASKED_OFFSET_SECONDS
    }
}

/// Why the clock could not be checked, or why what the servers said is not used.
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
    /// Servers answered, but no two of them agree within [`AGREEMENT_SECONDS`]: one of them
    /// (at least) is wrong or spoofed, and none is believed.
    Disagree {
        /// What each server that answered said, in the order they were configured.
        readings: Vec<ServerReading>,
    },
    /// Of several servers, only one answered: with nothing to compare it with, it is not
    /// believed.
    Unconfirmed {
        /// What it said.
        reading: ServerReading,
        /// How many servers were asked.
        asked: usize,
    },
}

impl ClockError {
    /// True when no server said anything (no answer, no name resolved): nothing contradicts a
    /// recent measurement, which a program that re-checks may keep. Disagreeing, lone or
    /// unusable answers are news, and replace it.
    pub fn heard_nothing(&self) -> bool {
        matches!(
            self,
            ClockError::NoAnswer { .. } | ClockError::Unresolvable { .. }
        )
    }

    /// What each server that answered said, for reports: the disagreeing answers, or the lone
    /// one (empty for the other errors).
    pub fn readings(&self) -> &[ServerReading] {
        match self {
            ClockError::Disagree { readings } => readings,
            ClockError::Unconfirmed { reading, .. } => std::slice::from_ref(reading),
            _ => &[],
        }
    }
}

/// "pool.ntp.org: 43 s slow; time.google.com: on time".
fn list_answers(readings: &[ServerReading], lang: Lang) -> String {
    readings
        .iter()
        .map(|r| {
            tr(
                lang,
                "clock-answer",
                &[
                    ("server", &r.server),
                    ("drift", &describe(r.offset_seconds).localize(lang)),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join(&tr(lang, "clock-answer-separator", &[]))
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
                    ("servers", &crate::i18n::join_list(lang, tried)),
                    ("seconds", &CHECK_TIMEOUT.as_secs()),
                ],
            ),
            ClockError::Unresolvable { hosts } => {
                let hosts = crate::i18n::join_list(lang, hosts);
                tr(lang, "clock-unresolvable", &[("hosts", &hosts)])
            }
            ClockError::Rejected { server, reason } => tr(
                lang,
                "clock-rejected",
                &[("server", server), ("reason", &reason.localize(lang))],
            ),
            ClockError::Disagree { readings } => tr(
                lang,
                "clock-disagree",
                &[
                    ("answers", &list_answers(readings, lang)),
                    ("seconds", &AGREEMENT_SECONDS),
                ],
            ),
            ClockError::Unconfirmed { reading, asked } => tr(
                lang,
                "clock-unconfirmed",
                &[
                    ("server", &reading.server),
                    ("count", asked),
                    ("drift", &describe(reading.offset_seconds).localize(lang)),
                ],
            ),
        }
    }
}

crate::localized_error!(ClockError);

/// The clock check's preferences: keys at the top level of `settings.json`, whose one schema
/// (`crate::settings::Settings`, read by the window and the command line alike) holds these
/// flattened. Missing keys take their defaults.
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

/// The servers to ask: trimmed, empty entries dropped, each `HOST:PORT` once (the same server
/// listed twice must not agree with itself), at most [`MAX_SERVERS`].
fn distinct_servers(servers: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    servers
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .filter(|s| match parse_server(s) {
            Ok((host, port)) => seen.insert((host.to_ascii_lowercase(), port)),
            // Kept, to be reported as a bad entry.
            Err(_) => true,
        })
        .map(str::to_string)
        .take(MAX_SERVERS)
        .collect()
}

/// The answers so far, as readings, in the order the servers were given; a second answer from
/// an address that already answered (two names for one machine) is dropped, so one machine
/// never agrees with itself.
fn answers(
    servers: &[String],
    results: &[Option<Result<race::Answer, race::Failure>>],
) -> Vec<ServerReading> {
    let mut seen = Vec::new();
    let mut readings = Vec::new();
    for (spec, result) in servers.iter().zip(results) {
        if let Some(Ok(answer)) = result
            && !seen.contains(&answer.address)
        {
            seen.push(answer.address);
            readings.push(ServerReading {
                server: spec.clone(),
                offset_seconds: answer.offset_seconds,
                round_trip_seconds: answer.round_trip_seconds,
            });
        }
    }
    readings
}

/// Asks the servers (at most [`MAX_SERVERS`], all at once) and applies the agreement rule:
/// returns as soon as two answers agree (or the one configured server answered), otherwise
/// when every server has answered or failed, and never later than `timeout` or
/// [`CHECK_TIMEOUT`], whatever the network or DNS does. An empty list is
/// [`ClockError::NoServers`] (the check is off).
pub fn check(servers: &[String], timeout: Duration) -> Result<ClockReading, ClockError> {
    let deadline = Instant::now() + timeout.min(CHECK_TIMEOUT);
    let servers = distinct_servers(servers);
    if servers.is_empty() {
        return Err(ClockError::NoServers);
    }
    let configured = servers.len();
    let results = race::ask_all(&servers, deadline, |results| {
        agreement::settled(&answers(&servers, results), configured)
    });
    let readings = answers(&servers, &results);
    if !readings.is_empty() {
        return agreement::agree(readings, configured);
    }
    // Nobody answered usefully. The most telling failure: a real (if unusable) answer, then
    // wrong entries, then names that do not resolve; anything else is silence.
    for (spec, result) in servers.iter().zip(&results) {
        if let Some(Err(race::Failure::Rejected(reason))) = result {
            return Err(ClockError::Rejected {
                server: spec.clone(),
                reason: reason.clone(),
            });
        }
    }
    let bad = |r: &Option<Result<race::Answer, race::Failure>>| {
        matches!(r, Some(Err(race::Failure::BadAddress)))
    };
    let unresolved = |r: &Option<Result<race::Answer, race::Failure>>| {
        matches!(r, Some(Err(race::Failure::Resolve)))
    };
    if results.iter().all(bad) {
        return Err(ClockError::BadServer(servers[0].clone()));
    }
    if results.iter().all(|r| bad(r) || unresolved(r)) {
        let hosts = servers
            .iter()
            .zip(&results)
            .filter(|(_, r)| unresolved(r))
            .map(|(spec, _)| spec.clone())
            .collect();
        return Err(ClockError::Unresolvable { hosts });
    }
    Err(ClockError::NoAnswer { tried: servers })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::net::UdpSocket;

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

    fn now_unix() -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
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

    const YEAR: f64 = 365.0 * 86400.0;

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
        assert_eq!(reading.agreeing.len(), 1);
        assert!(reading.needs_attention());
        assert!(!reading.needs_confirmation());
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
    fn two_servers_that_agree_are_used_without_waiting_for_a_silent_one() {
        let a = fake_server(Behaviour::Offset(5.0));
        let b = fake_server(Behaviour::Offset(5.3));
        let silent = fake_server(Behaviour::Silent);
        let start = Instant::now();
        let reading = check(&servers(&[&silent, &a, &b]), CHECK_TIMEOUT).unwrap();
        assert!((reading.offset_seconds - 5.15).abs() < 0.5, "{reading:?}");
        let mut agreeing: Vec<&str> = reading.agreeing.iter().map(|r| &*r.server).collect();
        agreeing.sort();
        let mut expected = [a.as_str(), b.as_str()];
        expected.sort();
        assert_eq!(agreeing, expected);
        // Waiting for the silent server would have taken the whole CHECK_TIMEOUT.
        assert!(start.elapsed() < CHECK_TIMEOUT, "{:?}", start.elapsed());
    }

    #[test]
    fn servers_that_disagree_are_reported_and_not_used() {
        let liar = fake_server(Behaviour::Offset(YEAR));
        let honest = fake_server(Behaviour::Offset(0.0));
        let error = check(&servers(&[&liar, &honest]), CHECK_TIMEOUT).unwrap_err();
        let ClockError::Disagree { readings } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(readings.len(), 2);
        assert_eq!(readings[0].server, liar);
        assert!((readings[0].offset_seconds - YEAR).abs() < 0.5);
        assert_eq!(readings[1].server, honest);
        assert!(readings[1].offset_seconds.abs() < 0.5);
        assert_eq!(error.readings(), &readings[..]);
        let text = error.to_string();
        assert!(text.contains("disagree"), "{text}");
        assert!(
            text.contains(&format!("{liar}: 365 days 0 h slow")),
            "{text}"
        );
    }

    #[test]
    fn one_answer_of_three_is_reported_as_unconfirmed() {
        let good = fake_server(Behaviour::Offset(43.0));
        let silent = fake_server(Behaviour::Silent);
        let start = Instant::now();
        let error = check(
            &servers(&["no-such-host.invalid", &silent, &good]),
            CHECK_TIMEOUT,
        )
        .unwrap_err();
        let ClockError::Unconfirmed { reading, asked } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(*asked, 3);
        assert_eq!(reading.server, good);
        assert!((reading.offset_seconds - 43.0).abs() < 0.5);
        // A second opinion was waited for, but not beyond the limit.
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
        assert!(error.to_string().contains("43 s slow"), "{error}");
    }

    #[test]
    fn the_same_server_listed_twice_does_not_agree_with_itself() {
        let liar = fake_server(Behaviour::Offset(YEAR));
        let port = liar.rsplit_once(':').unwrap().1;
        // Listed twice, it is one configured server: believed, as the user's only choice.
        let reading = check(&servers(&[&liar, &format!(" {liar} ")]), CHECK_TIMEOUT).unwrap();
        assert_eq!(reading.agreeing.len(), 1);
        assert!(reading.needs_confirmation());
        // Under two names, it is two entries but one address: unconfirmed beside a silent one.
        let silent = fake_server(Behaviour::Silent);
        let error = check(
            &servers(&[&liar, &format!("localhost:{port}"), &silent]),
            Duration::from_millis(500),
        )
        .unwrap_err();
        assert!(matches!(error, ClockError::Unconfirmed { .. }), "{error:?}");
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
        assert!(elapsed >= Duration::from_millis(1900), "{elapsed:?}");
        assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    }

    #[test]
    fn many_silent_servers_still_end_in_time() {
        let list: Vec<String> = (0..12).map(|_| fake_server(Behaviour::Silent)).collect();
        let start = Instant::now();
        let error = check(&list, CHECK_TIMEOUT).unwrap_err();
        assert!(matches!(error, ClockError::NoAnswer { ref tried } if tried.len() == MAX_SERVERS));
        assert!(start.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn bad_answers_are_rejected_and_the_other_servers_used() {
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
            let other = fake_server(Behaviour::Offset(-3.2));
            let reading = check(&servers(&[&bad, &good, &other]), CHECK_TIMEOUT).unwrap();
            assert!(reading.server == good || reading.server == other);
            assert_eq!(reading.agreeing.len(), 2);
            assert!((reading.offset_seconds + 3.1).abs() < 0.5);
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
        assert!(start.elapsed() < Duration::from_secs(10));
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
    fn server_lists_are_trimmed_and_each_server_asked_once() {
        assert_eq!(
            distinct_servers(&servers(&[
                " a.example ",
                "",
                "A.EXAMPLE:123",
                "a.example:124",
                "bad:port",
                "bad:port"
            ])),
            servers(&["a.example", "a.example:124", "bad:port", "bad:port"])
        );
        let many: Vec<String> = (0..20).map(|i| format!("s{i}.example")).collect();
        assert_eq!(distinct_servers(&many), many[..MAX_SERVERS]);
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
    fn clock_settings_take_defaults_for_missing_keys() {
        // How the keys are read from settings.json, one by one, is `crate::settings`' test.
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
    fn errors_read_well_in_both_languages() {
        let answer = |server: &str, offset: f64| ServerReading {
            server: server.into(),
            offset_seconds: offset,
            round_trip_seconds: 0.01,
        };
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
            ClockError::Disagree {
                readings: vec![answer("a", YEAR), answer("b", 0.0)],
            },
            ClockError::Unconfirmed {
                reading: answer("a", 43.0),
                asked: 3,
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
            // Core messages name no command: advice naming one belongs to the shell.
            assert!(!en.contains("mamori ") && !ja.contains("mamori "), "{en}");
            assert_ne!(en, ja);
        }
        assert!(ClockError::NoAnswer { tried: Vec::new() }.heard_nothing());
        assert!(ClockError::Unresolvable { hosts: Vec::new() }.heard_nothing());
        assert!(!ClockError::NoServers.heard_nothing());
        assert!(
            !ClockError::Disagree {
                readings: Vec::new()
            }
            .heard_nothing()
        );
    }
}
