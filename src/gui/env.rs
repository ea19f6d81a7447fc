//! Everything the window takes from the outside world, injected so tests can pin it: the clock,
//! the clipboard, the screens, and where files live.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use mamori::capture::{self, ClipboardContent};
use mamori::clock_check::{self, ClockError, ClockReading};
use mamori::scan::{CaptureError, ScreenSource};

/// Unix time in seconds (fractional, for smooth countdowns).
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> f64;
    /// Seconds on a steady clock that setting the time does not move (only differences
    /// matter): against [`Clock::now`], it shows the wall clock jumping.
    fn monotonic(&self) -> f64;
}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0)
    }

    fn monotonic(&self) -> f64 {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        START
            .get_or_init(std::time::Instant::now)
            .elapsed()
            .as_secs_f64()
    }
}

/// Asks time servers how far off the system clock is (SNTP; tests answer with a chosen offset).
pub trait TimeCheck: Send + Sync {
    /// Measures the offset against `servers`, within [`clock_check::CHECK_TIMEOUT`].
    fn measure(&self, servers: &[String]) -> Result<ClockReading, ClockError>;
}

/// The real check over the network.
#[derive(Clone, Copy, Debug, Default)]
pub struct SntpCheck;

impl TimeCheck for SntpCheck {
    fn measure(&self, servers: &[String]) -> Result<ClockReading, ClockError> {
        clock_check::check(servers, clock_check::CHECK_TIMEOUT)
    }
}

/// The clipboard as the window uses it.
pub trait ClipboardPort {
    /// Copies a code or key, concealed from clipboard history (`docs/vault.md` §8).
    fn copy(&mut self, text: &str) -> Result<(), CaptureError>;
    /// True when the clipboard still holds exactly `text`.
    fn holds(&mut self, text: &str) -> bool;
    /// Empties the clipboard.
    fn clear(&mut self) -> Result<(), CaptureError>;
    /// What the clipboard holds, for pasting a QR image or a key URI.
    fn read(&mut self) -> Result<ClipboardContent, CaptureError>;
}

/// The system clipboard (arboard), opened on first use and kept open: on X11 the program that
/// copied must stay alive to hand the text over.
#[derive(Debug, Default)]
pub struct SystemClipboard {
    open: Option<capture::Clipboard>,
}

impl SystemClipboard {
    fn get(&mut self) -> Result<&mut capture::Clipboard, CaptureError> {
        if self.open.is_none() {
            self.open = Some(capture::Clipboard::open()?);
        }
        self.open
            .as_mut()
            .ok_or_else(|| CaptureError::Clipboard(String::new()))
    }
}

impl ClipboardPort for SystemClipboard {
    fn copy(&mut self, text: &str) -> Result<(), CaptureError> {
        self.get()?.copy_concealed(text)
    }

    fn holds(&mut self, text: &str) -> bool {
        self.get().is_ok_and(|c| c.holds(text))
    }

    fn clear(&mut self) -> Result<(), CaptureError> {
        self.get()?.clear()
    }

    fn read(&mut self) -> Result<ClipboardContent, CaptureError> {
        capture::read_clipboard()
    }
}

/// The outside world of one window.
pub struct Env {
    /// The vault file.
    pub vault_path: PathBuf,
    /// `settings.json`, if there is a config folder.
    pub settings_path: Option<PathBuf>,
    /// Where vault generations are remembered (older-copy warning).
    pub seen_file: Option<PathBuf>,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// The time servers' view of the clock.
    pub time_check: Arc<dyn TimeCheck>,
    /// The clipboard.
    pub clipboard: Box<dyn ClipboardPort>,
    /// The monitors.
    pub screens: Arc<dyn ScreenSource + Send + Sync>,
    /// One `()` each time the desktop's screen locks (see [`super::screen_lock`]).
    pub screen_locks: Receiver<()>,
    /// File and folder dialogs.
    pub file_dialogs: Arc<dyn super::file_dialogs::FileDialogs>,
    /// Where "start at login" is written (none: the setting is not offered).
    pub autostart: Option<mamori::autostart::Autostart>,
    /// How long to wait after hiding the window before capturing (the compositor needs a
    /// moment to take it off the screen).
    pub capture_delay: Duration,
    /// The administrator's policy ([`mamori::policy`]): settings it fixes, actions it refuses.
    pub policy: mamori::policy::Policy,
}

impl Env {
    /// The real world: system clock, clipboard and screens.
    pub fn system(vault_path: PathBuf) -> Env {
        Env {
            vault_path,
            settings_path: mamori::paths::settings_file(),
            seen_file: mamori::paths::seen_generations_file(),
            clock: Arc::new(SystemClock),
            time_check: Arc::new(SntpCheck),
            clipboard: Box::new(SystemClipboard::default()),
            screens: Arc::new(capture::SystemScreens),
            screen_locks: super::screen_lock::watch_system(),
            file_dialogs: Arc::new(super::file_dialogs::SystemDialogs),
            autostart: mamori::autostart::Autostart::system(),
            capture_delay: Duration::from_millis(350),
            policy: mamori::policy::load().policy,
        }
    }
}
