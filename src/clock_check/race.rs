//! Asking time servers at once, within one deadline: each server on its own thread, each
//! resolved address of a name too, over `std::net::UdpSocket`. The caller says when it has
//! heard enough (for [`super::check`]: when two servers agree); whatever has not answered by
//! then, or by the deadline, is left behind. A thread still stuck in the system's DNS resolver
//! when the time is up is abandoned: it ends on its own and holds nothing.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs as _, UdpSocket};
use std::sync::mpsc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::sntp::{self, Rejection};

/// At most this many addresses of one server name are asked.
const MAX_ADDRESSES: usize = 4;

/// One server's answer: which address answered, the offset (true − local) and the round trip,
/// in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Answer {
    pub address: SocketAddr,
    pub offset_seconds: f64,
    pub round_trip_seconds: f64,
}

/// Why one server gave no answer.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Failure {
    /// Not `HOST` or `HOST:PORT`.
    BadAddress,
    /// The name did not resolve.
    Resolve,
    /// No socket, or the network said no (port unreachable and the like).
    Io,
    /// Silence until the deadline.
    Timeout,
    /// An answer that is not a usable time.
    Rejected(Rejection),
}

/// Work for one thread.
pub(super) type Job<T> = Box<dyn FnOnce() -> T + Send>;

/// Runs every job on its own thread and collects the results as they arrive, until `enough`
/// says so (it sees the results so far, `None` for a job still running), every job has ended,
/// or the deadline passes. A job still running then is left to end by itself.
pub(super) fn gather<T: Send + 'static>(
    jobs: Vec<Job<T>>,
    deadline: Instant,
    mut enough: impl FnMut(&[Option<T>]) -> bool,
) -> Vec<Option<T>> {
    let (sender, receiver) = mpsc::channel();
    let mut results: Vec<Option<T>> = jobs.iter().map(|_| None).collect();
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
            Ok((index, result)) => {
                results[index] = Some(result);
                pending -= 1;
                if enough(&results) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    results
}

/// Asks every server entry (each on its own thread) until `enough` is satisfied or the
/// deadline: one result per entry, `None` for those still silent.
pub(super) fn ask_all(
    servers: &[String],
    deadline: Instant,
    enough: impl FnMut(&[Option<Result<Answer, Failure>>]) -> bool,
) -> Vec<Option<Result<Answer, Failure>>> {
    let jobs: Vec<Job<Result<Answer, Failure>>> = servers
        .iter()
        .map(|spec| {
            let spec = spec.clone();
            Box::new(move || ask_server(&spec, deadline)) as Job<Result<Answer, Failure>>
        })
        .collect();
    gather(jobs, deadline, enough)
}

/// Resolves one server entry and asks each of its addresses at once; the first valid answer
/// wins (they are the same server). Otherwise a rejection if any address gave one.
fn ask_server(spec: &str, deadline: Instant) -> Result<Answer, Failure> {
    let (host, port) = super::parse_server(spec).map_err(|_| Failure::BadAddress)?;
    let addresses: Vec<SocketAddr> = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|_| Failure::Resolve)?
        .take(MAX_ADDRESSES)
        .collect();
    if addresses.is_empty() {
        return Err(Failure::Resolve);
    }
    let jobs: Vec<Job<Result<Answer, Failure>>> = addresses
        .into_iter()
        .map(|address| {
            Box::new(move || ask_address(address, deadline)) as Job<Result<Answer, Failure>>
        })
        .collect();
    let results = gather(jobs, deadline, |results| {
        results.iter().any(|r| matches!(r, Some(Ok(_))))
    });
    let mut rejection = None;
    for result in results.into_iter().flatten() {
        match result {
            Ok(answer) => return Ok(answer),
            Err(Failure::Rejected(reason)) => rejection = Some(reason),
            Err(_) => {}
        }
    }
    Err(rejection.map_or(Failure::Timeout, Failure::Rejected))
}

/// One request to one address.
fn ask_address(address: SocketAddr, deadline: Instant) -> Result<Answer, Failure> {
    let local: SocketAddr = match address {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(local).map_err(|_| Failure::Io)?;
    socket.connect(address).map_err(|_| Failure::Io)?;
    let request = sntp::request_packet(now_unix());
    let sent = sntp::transmit_of(&request);
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
                let reply = sntp::parse_reply(&buffer[..len], &sent).map_err(Failure::Rejected)?;
                let t1 = sntp::read_timestamp(&sent);
                let (offset_seconds, round_trip_seconds) =
                    sntp::offset_and_delay(t1, reply.receive, reply.transmit, t4);
                return Ok(Answer {
                    address,
                    offset_seconds,
                    round_trip_seconds,
                });
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

/// Seconds since the Unix epoch from the local clock (negative before 1970).
fn now_unix() -> f64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn job<T: Send + 'static>(after: Duration, value: T) -> Job<T> {
        Box::new(move || {
            std::thread::sleep(after);
            value
        })
    }

    #[test]
    fn gather_stops_as_soon_as_the_caller_has_enough() {
        // Two quick jobs and one that would run past the deadline: the caller is satisfied by
        // the two, so nobody waits for the slow one.
        let start = Instant::now();
        let results = gather(
            vec![
                job(Duration::from_secs(30), 3),
                job(Duration::ZERO, 1),
                job(Duration::ZERO, 2),
            ],
            start + Duration::from_secs(20),
            |so_far| so_far.iter().flatten().count() == 2,
        );
        assert_eq!(results, vec![None, Some(1), Some(2)]);
        assert!(start.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn gather_ends_at_the_deadline_or_when_every_job_has_ended() {
        let start = Instant::now();
        let results = gather(
            vec![job(Duration::ZERO, 1), job(Duration::from_secs(30), 2)],
            start + Duration::from_millis(200),
            |_| false,
        );
        assert_eq!(results, vec![Some(1), None]);
        assert!(start.elapsed() >= Duration::from_millis(200));
        assert!(start.elapsed() < Duration::from_secs(30));

        let results = gather(
            vec![job(Duration::ZERO, 1), job(Duration::ZERO, 2)],
            Instant::now() + Duration::from_secs(60),
            |_| false,
        );
        assert_eq!(results, vec![Some(1), Some(2)]);
        assert!(start.elapsed() < Duration::from_secs(30));

        let none: Vec<Option<u8>> = gather(Vec::new(), Instant::now(), |_| false);
        assert!(none.is_empty());
    }
}
