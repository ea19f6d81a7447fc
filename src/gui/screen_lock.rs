//! Locks the vault when the desktop's screen locks (`docs/vault.md` §9), where the platform
//! tells us. On Linux that is D-Bus: the screensaver's `ActiveChanged(true)` on the session bus
//! (freedesktop, GNOME, MATE, Cinnamon) and logind's `Lock` on the system bus (`loginctl
//! lock-session`, most lock screens). On Windows a hidden message-only window registered with
//! `WTSRegisterSessionNotification` receives `WM_WTSSESSION_CHANGE` (the session locked, or
//! another user switched in: `WTS_SESSION_LOCK`, `WTS_CONSOLE_DISCONNECT`,
//! `WTS_REMOTE_DISCONNECT`). On macOS the session dictionary's `CGSSessionScreenIsLocked` is
//! polled every two seconds (the value `com.apple.screenIsLocked` announces).

#[cfg(target_os = "linux")]
use std::sync::mpsc::Sender;
use std::sync::mpsc::{Receiver, channel};

/// The screensaver interfaces whose `ActiveChanged(true)` means "the screen is now locked".
#[cfg(target_os = "linux")]
pub const SCREENSAVER_INTERFACES: &[&str] = &[
    "org.freedesktop.ScreenSaver",
    "org.gnome.ScreenSaver",
    "org.mate.ScreenSaver",
    "org.cinnamon.ScreenSaver",
];

/// Watches the real session and system buses; each lock of the screen sends `()`. Returns a
/// receiver that never receives where there is no bus (the idle timer still locks).
pub fn watch_system() -> Receiver<()> {
    let (sender, receiver) = channel();
    #[cfg(target_os = "linux")]
    {
        let session = sender.clone();
        spawn_watcher(dbus::session_bus, session);
        spawn_watcher(dbus::system_bus, sender);
    }
    #[cfg(windows)]
    windows::spawn_watcher(sender);
    #[cfg(target_os = "macos")]
    macos::spawn_watcher(sender);
    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    drop(sender);
    receiver
}

#[cfg(any(windows, test))]
/// `WM_WTSSESSION_CHANGE` codes that mean "the person is gone": the session locked, or its
/// console or remote connection was taken away (fast user switching, RDP disconnect).
pub const WTS_LOCKING_EVENTS: [u32; 3] = [
    0x7, // WTS_SESSION_LOCK
    0x2, // WTS_CONSOLE_DISCONNECT
    0x4, // WTS_REMOTE_DISCONNECT
];

/// Whether a `WM_WTSSESSION_CHANGE` with this `wParam` should lock the vault.
#[cfg(any(windows, test))]
pub fn is_session_lock(event: usize) -> bool {
    u32::try_from(event).is_ok_and(|e| WTS_LOCKING_EVENTS.contains(&e))
}

#[cfg(windows)]
#[allow(unsafe_code)]
mod windows {
    //! A message-only window on its own thread, registered for session notifications; its
    //! window procedure forwards lock events to the channel.

    use std::cell::RefCell;
    use std::sync::mpsc::Sender;

    use windows_sys::Win32::Foundation::{HWND, LPARAM, LRESULT, WPARAM};
    use windows_sys::Win32::System::LibraryLoader::GetModuleHandleW;
    use windows_sys::Win32::System::RemoteDesktop::{
        NOTIFY_FOR_THIS_SESSION, WTSRegisterSessionNotification,
    };
    use windows_sys::Win32::UI::WindowsAndMessaging::{
        CreateWindowExW, DefWindowProcW, DispatchMessageW, GetMessageW, HWND_MESSAGE, MSG,
        RegisterClassW, WM_WTSSESSION_CHANGE, WNDCLASSW,
    };

    thread_local! {
        static LOCKS: RefCell<Option<Sender<()>>> = const { RefCell::new(None) };
    }

    unsafe extern "system" fn window_proc(
        window: HWND,
        message: u32,
        wparam: WPARAM,
        lparam: LPARAM,
    ) -> LRESULT {
        if message == WM_WTSSESSION_CHANGE && super::is_session_lock(wparam) {
            LOCKS.with(|locks| {
                if let Some(sender) = locks.borrow().as_ref() {
                    let _ = sender.send(());
                }
            });
        }
        // SAFETY: the arguments are the ones Windows passed to this window procedure.
        unsafe { DefWindowProcW(window, message, wparam, lparam) }
    }

    fn wide(text: &str) -> Vec<u16> {
        text.encode_utf16().chain(std::iter::once(0)).collect()
    }

    pub fn spawn_watcher(locks: Sender<()>) {
        let spawned = std::thread::Builder::new()
            .name("session-lock".into())
            .spawn(move || {
                LOCKS.with(|cell| *cell.borrow_mut() = Some(locks));
                let class = wide("MamoriSessionWatcher");
                // SAFETY: plain Win32 calls with valid, NUL-terminated UTF-16 strings that
                // outlive them; the window belongs to this thread, which pumps its messages
                // until GetMessageW fails or returns 0 (the process ends).
                unsafe {
                    let instance = GetModuleHandleW(std::ptr::null());
                    let mut wc: WNDCLASSW = std::mem::zeroed();
                    wc.lpfnWndProc = Some(window_proc);
                    wc.hInstance = instance;
                    wc.lpszClassName = class.as_ptr();
                    if RegisterClassW(&wc) == 0 {
                        return;
                    }
                    let window = CreateWindowExW(
                        0,
                        class.as_ptr(),
                        class.as_ptr(),
                        0,
                        0,
                        0,
                        0,
                        0,
                        HWND_MESSAGE,
                        std::ptr::null_mut(),
                        instance,
                        std::ptr::null(),
                    );
                    if window.is_null()
                        || WTSRegisterSessionNotification(window, NOTIFY_FOR_THIS_SESSION) == 0
                    {
                        return;
                    }
                    let mut message: MSG = std::mem::zeroed();
                    while GetMessageW(&mut message, std::ptr::null_mut(), 0, 0) > 0 {
                        DispatchMessageW(&message);
                    }
                }
            });
        // Without the thread only the idle timer locks; the window works on.
        drop(spawned);
    }
}

#[cfg(target_os = "macos")]
#[allow(unsafe_code)]
mod macos {
    //! Polls `CGSessionCopyCurrentDictionary()["CGSSessionScreenIsLocked"]` (CoreGraphics),
    //! the state `com.apple.screenIsLocked` / `com.apple.screenIsUnlocked` announce.

    use std::ffi::c_void;
    use std::sync::mpsc::Sender;
    use std::time::Duration;

    type CFTypeRef = *const c_void;

    #[link(name = "CoreGraphics", kind = "framework")]
    unsafe extern "C" {
        fn CGSessionCopyCurrentDictionary() -> CFTypeRef;
    }

    #[link(name = "CoreFoundation", kind = "framework")]
    unsafe extern "C" {
        fn CFDictionaryGetValue(dict: CFTypeRef, key: CFTypeRef) -> CFTypeRef;
        fn CFStringCreateWithCString(
            alloc: CFTypeRef,
            text: *const std::ffi::c_char,
            encoding: u32,
        ) -> CFTypeRef;
        fn CFBooleanGetValue(boolean: CFTypeRef) -> u8;
        fn CFGetTypeID(object: CFTypeRef) -> usize;
        fn CFBooleanGetTypeID() -> usize;
        fn CFRelease(object: CFTypeRef);
    }

    const UTF8: u32 = 0x0800_0100;

    fn screen_is_locked() -> bool {
        // SAFETY: Core Foundation calls on objects created or copied here and released here;
        // a missing dictionary or key (no GUI session) reads as "not locked".
        unsafe {
            let session = CGSessionCopyCurrentDictionary();
            if session.is_null() {
                return false;
            }
            let key = CFStringCreateWithCString(
                std::ptr::null(),
                c"CGSSessionScreenIsLocked".as_ptr(),
                UTF8,
            );
            let value = if key.is_null() {
                std::ptr::null()
            } else {
                CFDictionaryGetValue(session, key)
            };
            let locked = !value.is_null()
                && CFGetTypeID(value) == CFBooleanGetTypeID()
                && CFBooleanGetValue(value) != 0;
            if !key.is_null() {
                CFRelease(key);
            }
            CFRelease(session);
            locked
        }
    }

    pub fn spawn_watcher(locks: Sender<()>) {
        let spawned = std::thread::Builder::new()
            .name("session-lock".into())
            .spawn(move || {
                let mut was_locked = false;
                loop {
                    let locked = screen_is_locked();
                    if locked && !was_locked && locks.send(()).is_err() {
                        return;
                    }
                    was_locked = locked;
                    std::thread::sleep(Duration::from_secs(2));
                }
            });
        drop(spawned);
    }
}

/// Watches the bus at `address` (tests: a private `dbus-daemon`) for screensaver signals.
#[cfg(all(test, target_os = "linux"))]
pub fn watch_address(address: String) -> Receiver<()> {
    let (sender, receiver) = channel();
    spawn_watcher(move || dbus::at_address(&address), sender);
    receiver
}

#[cfg(target_os = "linux")]
fn spawn_watcher(
    connect: impl FnOnce() -> zbus::Result<zbus::blocking::Connection> + Send + 'static,
    locks: Sender<()>,
) {
    let spawned = std::thread::Builder::new()
        .name("screen-lock".into())
        .spawn(move || {
            // No bus (a bare X server, a container) is normal: nothing to watch then.
            if let Ok(connection) = connect() {
                let _ = dbus::forward_locks(&connection, &locks);
            }
        });
    // Without the thread only the idle timer locks; the window works on.
    drop(spawned);
}

#[cfg(target_os = "linux")]
mod dbus {
    use std::sync::mpsc::Sender;

    use zbus::blocking::{Connection, MessageIterator};
    use zbus::message::Type;
    use zbus::{MatchRule, Result};

    use super::SCREENSAVER_INTERFACES;

    pub fn session_bus() -> Result<Connection> {
        Connection::session()
    }

    pub fn system_bus() -> Result<Connection> {
        Connection::system()
    }

    #[cfg(test)]
    pub fn at_address(address: &str) -> Result<Connection> {
        zbus::blocking::connection::Builder::address(address)?.build()
    }

    /// Sends `()` for every lock signal on `connection` until the receiver is gone.
    pub fn forward_locks(connection: &Connection, locks: &Sender<()>) -> Result<()> {
        let rules = [
            MatchRule::builder()
                .msg_type(Type::Signal)
                .member("ActiveChanged")?
                .build(),
            MatchRule::builder()
                .msg_type(Type::Signal)
                .interface("org.freedesktop.login1.Session")?
                .member("Lock")?
                .build(),
        ];
        let (sender, receiver) = std::sync::mpsc::channel::<bool>();
        for rule in rules {
            let messages = MessageIterator::for_match_rule(rule, connection, Some(16))?;
            let sender = sender.clone();
            std::thread::spawn(move || {
                for message in messages.flatten() {
                    if is_lock(&message) && sender.send(true).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        for _ in receiver {
            if locks.send(()).is_err() {
                break;
            }
        }
        Ok(())
    }

    fn is_lock(message: &zbus::Message) -> bool {
        let header = message.header();
        let interface = header.interface().map(|i| i.as_str().to_owned());
        let member = header.member().map(|m| m.as_str().to_owned());
        match (interface.as_deref(), member.as_deref()) {
            (Some("org.freedesktop.login1.Session"), Some("Lock")) => true,
            (Some(interface), Some("ActiveChanged"))
                if SCREENSAVER_INTERFACES.contains(&interface) =>
            {
                message.body().deserialize::<bool>().unwrap_or(false)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod session_tests {
    use super::is_session_lock;

    #[test]
    fn windows_session_events_that_lock_and_those_that_do_not() {
        // WTS_SESSION_LOCK, WTS_CONSOLE_DISCONNECT, WTS_REMOTE_DISCONNECT lock;
        // WTS_SESSION_UNLOCK (8), WTS_SESSION_LOGON (5), WTS_CONSOLE_CONNECT (1) do not.
        for event in [7, 2, 4] {
            assert!(is_session_lock(event), "{event}");
        }
        for event in [8, 5, 1, 3, 6, 0, usize::MAX] {
            assert!(!is_session_lock(event), "{event}");
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};
    use std::time::Duration;

    use super::*;

    /// A private session bus for the test, stopped when dropped.
    pub(crate) struct PrivateBus {
        daemon: Child,
        pub(crate) address: String,
    }

    impl PrivateBus {
        pub(crate) fn start() -> PrivateBus {
            let mut daemon = Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address"])
                .stdout(Stdio::piped())
                .spawn()
                .expect("dbus-daemon (Debian package dbus-daemon; .ci/install-deps --test)");
            let mut address = String::new();
            BufReader::new(daemon.stdout.take().unwrap())
                .read_line(&mut address)
                .unwrap();
            PrivateBus {
                daemon,
                address: address.trim().to_string(),
            }
        }

        fn signal(&self, path: &str, member: &str, args: &[&str]) {
            let status = Command::new("dbus-send")
                .arg(format!("--bus={}", self.address))
                .args(["--type=signal", path, member])
                .args(args)
                .status()
                .expect("dbus-send (Debian package dbus-bin)");
            assert!(status.success());
        }
    }

    impl Drop for PrivateBus {
        fn drop(&mut self) {
            let _ = self.daemon.kill();
            let _ = self.daemon.wait();
        }
    }

    #[test]
    fn screensaver_and_logind_lock_signals_are_seen_and_others_are_not() {
        let bus = PrivateBus::start();
        let locks = watch_address(bus.address.clone());
        // The watcher subscribes asynchronously: repeat the first signal until it is seen.
        let mut seen = false;
        for _ in 0..50 {
            bus.signal(
                "/org/freedesktop/ScreenSaver",
                "org.freedesktop.ScreenSaver.ActiveChanged",
                &["boolean:true"],
            );
            if locks.recv_timeout(Duration::from_millis(100)).is_ok() {
                seen = true;
                break;
            }
        }
        assert!(seen, "the freedesktop screensaver signal was not seen");
        while locks.try_recv().is_ok() {}

        // Unlocking, other interfaces and other members do not lock.
        bus.signal(
            "/org/freedesktop/ScreenSaver",
            "org.freedesktop.ScreenSaver.ActiveChanged",
            &["boolean:false"],
        );
        bus.signal(
            "/org/example/Player",
            "org.example.Player.ActiveChanged",
            &["boolean:true"],
        );
        bus.signal(
            "/org/gnome/ScreenSaver",
            "org.gnome.ScreenSaver.WakeUpScreen",
            &[],
        );
        assert!(locks.recv_timeout(Duration::from_millis(500)).is_err());

        bus.signal(
            "/org/gnome/ScreenSaver",
            "org.gnome.ScreenSaver.ActiveChanged",
            &["boolean:true"],
        );
        locks
            .recv_timeout(Duration::from_secs(5))
            .expect("GNOME's screensaver signal");
        bus.signal(
            "/org/freedesktop/login1/session/_31",
            "org.freedesktop.login1.Session.Lock",
            &[],
        );
        locks
            .recv_timeout(Duration::from_secs(5))
            .expect("logind's Lock signal");
    }
}
