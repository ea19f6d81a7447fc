//! Locks the vault when the desktop's screen locks (`docs/vault.md` §9), where the platform
//! tells us. On Linux that is D-Bus: the screensaver's `ActiveChanged(true)` on the session bus
//! (freedesktop, GNOME, MATE, Cinnamon) and logind's `Lock` on the system bus (`loginctl
//! lock-session`, most lock screens). Elsewhere nothing is watched yet and the idle timer is
//! the only automatic lock.

use std::sync::mpsc::{Receiver, Sender, channel};

/// The screensaver interfaces whose `ActiveChanged(true)` means "the screen is now locked".
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
    #[cfg(not(target_os = "linux"))]
    drop(sender);
    receiver
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

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};
    use std::time::Duration;

    use super::*;

    /// A private session bus for the test, stopped when dropped.
    struct PrivateBus {
        daemon: Child,
        address: String,
    }

    impl PrivateBus {
        fn start() -> PrivateBus {
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
