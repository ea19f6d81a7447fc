//! One window per user and settings folder: the first `mamori gui` listens on a local endpoint
//! only its user can reach (a Unix socket in a 0700 folder; a per-user named pipe on Windows),
//! and a later start sends it one request (`show` or `quick-pick`) and exits.
//!
//! The protocol is one line each way: the request, then `ok`. Nothing secret ever crosses it,
//! and the listener reads at most [`MAX_LINE`] bytes per connection, with a timeout, so a stuck
//! or hostile client cannot hold the window up.

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::Path;
#[cfg(unix)]
use std::path::PathBuf;
use std::time::Duration;

/// What a second start asks the running window to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// Bring the main window forward (a second `mamori` or `mamori gui`).
    Show,
    /// Show the quick pick (`mamori gui --quick-pick`, the global hotkey's command on Wayland).
    QuickPick,
    /// Show the window if hidden, hide it if shown (a click on the tray icon; never read from
    /// the socket, like the two below).
    #[cfg_attr(
        not(any(target_os = "linux", windows, target_os = "macos")),
        allow(dead_code)
    )]
    ToggleWindow,
    /// Lock the vault (the tray menu).
    #[cfg_attr(
        not(any(target_os = "linux", windows, target_os = "macos")),
        allow(dead_code)
    )]
    Lock,
    /// Quit (the tray menu).
    #[cfg_attr(
        not(any(target_os = "linux", windows, target_os = "macos")),
        allow(dead_code)
    )]
    Quit,
}

impl Request {
    fn word(self) -> &'static str {
        match self {
            Request::Show => "show",
            Request::QuickPick => "quick-pick",
            // Not sent over the socket: the tray is inside the process.
            Request::ToggleWindow | Request::Lock | Request::Quit => "",
        }
    }

    fn from_word(word: &str) -> Option<Request> {
        match word.trim() {
            "show" => Some(Request::Show),
            "quick-pick" => Some(Request::QuickPick),
            _ => None,
        }
    }
}

/// The longest request line read from a client.
const MAX_LINE: u64 = 64;
/// How long either side waits for the other's line (Unix; the named pipe is opened
/// synchronously and has no read timeout).
#[cfg_attr(not(unix), allow(dead_code))]
const TIMEOUT: Duration = Duration::from_secs(2);

/// Where the instances of one user and one settings folder meet.
#[derive(Clone, Debug)]
pub struct Endpoint {
    #[cfg(unix)]
    socket: PathBuf,
    #[cfg(windows)]
    pipe: String,
}

/// The first 16 hex digits of SHA-256 of `text`: names the endpoint after the settings folder,
/// so a portable copy or a test's sandbox has its own instance.
fn short_hash(text: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

impl Endpoint {
    /// The endpoint for the settings folder `config_dir` (the per-user one when `None`).
    pub fn for_config_dir(config_dir: Option<&Path>) -> Option<Endpoint> {
        let key = config_dir.map_or_else(String::new, |d| d.display().to_string());
        #[cfg(unix)]
        {
            // The runtime folder is the user's own (0700 by the XDG spec, checked below); else
            // the settings folder, made 0700 here.
            let runtime = std::env::var_os("XDG_RUNTIME_DIR")
                .map(PathBuf::from)
                .filter(|d| private_dir(d));
            let socket = match runtime {
                Some(dir) => dir.join(format!("mamori-{}.sock", short_hash(&key))),
                None => {
                    let dir = config_dir?.to_path_buf();
                    std::fs::create_dir_all(&dir).ok()?;
                    use std::os::unix::fs::PermissionsExt as _;
                    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).ok()?;
                    dir.join("instance.sock")
                }
            };
            // sun_path holds 108 bytes on Linux, 104 on macOS.
            (socket.as_os_str().len() < 100).then_some(Endpoint { socket })
        }
        #[cfg(windows)]
        {
            let user = std::env::var("USERNAME").unwrap_or_default();
            Some(Endpoint {
                pipe: format!(
                    r"\\.\pipe\io.github.mamori.Mamori-{}",
                    short_hash(&format!("{user}\n{key}"))
                ),
            })
        }
        #[cfg(not(any(unix, windows)))]
        {
            let _ = key;
            None
        }
    }
}

/// A folder only its owner can enter (the XDG runtime folder is the user's own by the spec;
/// one that others may enter is not used).
#[cfg(unix)]
fn private_dir(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(dir).is_ok_and(|m| m.is_dir() && m.mode() & 0o077 == 0)
}

/// The result of [`claim`].
pub enum Claim {
    /// No other instance runs: this process is the one, and listens.
    First(Listener),
    /// Another instance took the request.
    Handed,
}

/// Becomes the instance for `endpoint`, or hands `request` to the one that runs.
/// An error means neither worked (the window then starts on its own, as before).
pub fn claim(endpoint: &Endpoint, request: Request) -> std::io::Result<Claim> {
    for _ in 0..3 {
        // Only a failed connection means nobody runs; one that connected but did not answer
        // is a live instance that is busy, whose endpoint must not be taken over.
        if let Ok(stream) = platform::connect(endpoint) {
            return exchange(stream, request).map(|()| Claim::Handed);
        }
        match Listener::bind(endpoint) {
            Ok(listener) => return Ok(Claim::First(listener)),
            // Another start bound it between the two steps: ask it instead.
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AddrInUse,
        "another Mamori is starting",
    ))
}

/// Sends `request` to the running instance and waits for its `ok`.
#[cfg(test)]
pub fn send(endpoint: &Endpoint, request: Request) -> std::io::Result<()> {
    exchange(platform::connect(endpoint)?, request)
}

/// Writes `request` on a connected `stream` and reads the answer.
fn exchange(
    mut stream: impl std::io::Read + std::io::Write,
    request: Request,
) -> std::io::Result<()> {
    stream.write_all(format!("{}\n", request.word()).as_bytes())?;
    stream.flush()?;
    let mut reply = String::new();
    BufReader::new(stream.take(MAX_LINE)).read_line(&mut reply)?;
    if reply.trim() == "ok" {
        Ok(())
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "the running Mamori did not answer",
        ))
    }
}

/// The first instance's end: [`Listener::serve`] hands each request to a callback.
pub struct Listener {
    inner: platform::Listener,
}

impl Listener {
    fn bind(endpoint: &Endpoint) -> std::io::Result<Listener> {
        platform::Listener::bind(endpoint).map(|inner| Listener { inner })
    }

    /// Answers requests on a background thread for as long as the process runs, calling
    /// `on_request` with each.
    pub fn serve(self, on_request: impl Fn(Request) + Send + 'static) {
        let inner = self.inner;
        let _ = std::thread::Builder::new()
            .name("mamori-instance".into())
            .spawn(move || inner.serve(&on_request));
    }
}

/// Reads one request line from `stream` and answers `ok` when it is one.
fn answer(
    stream: &mut (impl std::io::Read + std::io::Write),
    on_request: &dyn Fn(Request),
) -> std::io::Result<()> {
    let mut line = String::new();
    BufReader::new(std::io::Read::by_ref(stream).take(MAX_LINE)).read_line(&mut line)?;
    if let Some(request) = Request::from_word(&line) {
        on_request(request);
        stream.write_all(b"ok\n")?;
        stream.flush()?;
    }
    Ok(())
}

#[cfg(unix)]
mod platform {
    use std::os::unix::net::{UnixListener, UnixStream};

    use super::{Endpoint, Request, TIMEOUT};

    pub fn connect(endpoint: &Endpoint) -> std::io::Result<UnixStream> {
        let stream = UnixStream::connect(&endpoint.socket)?;
        stream.set_read_timeout(Some(TIMEOUT))?;
        stream.set_write_timeout(Some(TIMEOUT))?;
        Ok(stream)
    }

    pub struct Listener(UnixListener);

    impl Listener {
        pub fn bind(endpoint: &Endpoint) -> std::io::Result<Listener> {
            // Nobody answered there: a socket left by a Mamori that crashed. Removing it
            // races only with another start, which `claim` retries.
            if std::fs::symlink_metadata(&endpoint.socket)
                .is_ok_and(|m| std::os::unix::fs::FileTypeExt::is_socket(&m.file_type()))
            {
                let _ = std::fs::remove_file(&endpoint.socket);
            }
            let listener = UnixListener::bind(&endpoint.socket)?;
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&endpoint.socket, std::fs::Permissions::from_mode(0o600))?;
            Ok(Listener(listener))
        }

        pub fn serve(self, on_request: &dyn Fn(Request)) {
            for stream in self.0.incoming() {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(TIMEOUT));
                let _ = stream.set_write_timeout(Some(TIMEOUT));
                let _ = super::answer(&mut stream, on_request);
            }
        }
    }
}

#[cfg(windows)]
#[allow(unsafe_code)]
mod platform {
    use std::fs::File;
    use std::os::windows::io::{AsRawHandle as _, FromRawHandle as _, OwnedHandle};

    use windows_sys::Win32::Foundation::{
        ERROR_PIPE_CONNECTED, GetLastError, INVALID_HANDLE_VALUE,
    };
    use windows_sys::Win32::Storage::FileSystem::{
        FILE_FLAG_FIRST_PIPE_INSTANCE, PIPE_ACCESS_DUPLEX,
    };
    use windows_sys::Win32::System::Pipes::{
        ConnectNamedPipe, CreateNamedPipeW, DisconnectNamedPipe, PIPE_READMODE_BYTE,
        PIPE_REJECT_REMOTE_CLIENTS, PIPE_TYPE_BYTE, PIPE_WAIT,
    };

    use super::{Endpoint, Request};

    pub fn connect(endpoint: &Endpoint) -> std::io::Result<File> {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&endpoint.pipe)
    }

    pub struct Listener(File);

    impl Listener {
        pub fn bind(endpoint: &Endpoint) -> std::io::Result<Listener> {
            let name: Vec<u16> = endpoint.pipe.encode_utf16().chain(Some(0)).collect();
            // FIRST_PIPE_INSTANCE: fails when the name exists (another instance, or another
            // user's squatter), so this process never shares a pipe with anyone. The default
            // security gives full access to this user (and SYSTEM and administrators) only;
            // others may at most read, and the server never writes anything but "ok".
            // SAFETY: `name` is a NUL-terminated UTF-16 string that outlives the call; no
            // security attributes are passed.
            let handle = unsafe {
                CreateNamedPipeW(
                    name.as_ptr(),
                    PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE,
                    PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
                    1,
                    512,
                    512,
                    0,
                    std::ptr::null(),
                )
            };
            if handle == INVALID_HANDLE_VALUE {
                let error = std::io::Error::last_os_error();
                return Err(if error.kind() == std::io::ErrorKind::PermissionDenied {
                    std::io::Error::new(std::io::ErrorKind::AddrInUse, error)
                } else {
                    error
                });
            }
            // SAFETY: `handle` is a valid pipe handle this process owns from here on.
            let owned = unsafe { OwnedHandle::from_raw_handle(handle) };
            Ok(Listener(File::from(owned)))
        }

        pub fn serve(mut self, on_request: &dyn Fn(Request)) {
            loop {
                let handle = self.0.as_raw_handle();
                // SAFETY: `handle` is the pipe this listener owns; no overlapped I/O.
                let connected = unsafe { ConnectNamedPipe(handle, std::ptr::null_mut()) } != 0
                    || unsafe { GetLastError() } == ERROR_PIPE_CONNECTED;
                if connected {
                    let _ = super::answer(&mut self.0, on_request);
                }
                // SAFETY: as above.
                unsafe { DisconnectNamedPipe(handle) };
            }
        }
    }
}

#[cfg(not(any(unix, windows)))]
mod platform {
    use super::{Endpoint, Request};

    pub fn connect(_: &Endpoint) -> std::io::Result<std::fs::File> {
        Err(std::io::ErrorKind::Unsupported.into())
    }

    pub struct Listener;

    impl Listener {
        pub fn bind(_: &Endpoint) -> std::io::Result<Listener> {
            Err(std::io::ErrorKind::Unsupported.into())
        }

        pub fn serve(self, _: &dyn Fn(Request)) {}
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn endpoint_in(dir: &Path) -> Endpoint {
        Endpoint {
            socket: dir.join("instance.sock"),
        }
    }

    #[test]
    fn the_first_claim_listens_and_the_second_is_handed_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let endpoint = endpoint_in(dir.path());
        let Claim::First(listener) = claim(&endpoint, Request::Show).unwrap() else {
            panic!("nothing runs yet, so the first claim must listen");
        };
        let (tx, rx) = std::sync::mpsc::channel();
        listener.serve(move |r| {
            let _ = tx.send(r);
        });
        assert!(matches!(
            claim(&endpoint, Request::QuickPick).unwrap(),
            Claim::Handed
        ));
        assert_eq!(rx.recv_timeout(TIMEOUT).unwrap(), Request::QuickPick);
        assert!(matches!(
            claim(&endpoint, Request::Show).unwrap(),
            Claim::Handed
        ));
        assert_eq!(rx.recv_timeout(TIMEOUT).unwrap(), Request::Show);
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&endpoint.socket)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the socket is its owner's only");
    }

    #[test]
    fn a_socket_left_by_a_crashed_instance_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let endpoint = endpoint_in(dir.path());
        // Bound and dropped without unlinking: what a killed process leaves.
        drop(std::os::unix::net::UnixListener::bind(&endpoint.socket).unwrap());
        assert!(matches!(
            claim(&endpoint, Request::Show).unwrap(),
            Claim::First(_)
        ));
    }

    #[test]
    fn an_unknown_or_endless_line_gets_no_answer_and_no_request() {
        let dir = tempfile::tempdir().unwrap();
        let endpoint = endpoint_in(dir.path());
        let Claim::First(listener) = claim(&endpoint, Request::Show).unwrap() else {
            panic!("first");
        };
        let (tx, rx) = std::sync::mpsc::channel();
        listener.serve(move |r| {
            let _ = tx.send(r);
        });
        for junk in [&b"reveal-keys\n"[..], &[b'x'; 4096][..]] {
            let mut stream = std::os::unix::net::UnixStream::connect(&endpoint.socket).unwrap();
            let _ = stream.write_all(junk);
            let _ = stream.shutdown(std::net::Shutdown::Write);
            let mut reply = String::new();
            let _ = stream.read_to_string(&mut reply);
            assert_eq!(reply, "");
        }
        assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());
        // And the listener still answers a real request afterwards.
        send(&endpoint, Request::Show).unwrap();
        assert_eq!(rx.recv_timeout(TIMEOUT).unwrap(), Request::Show);
    }
}
