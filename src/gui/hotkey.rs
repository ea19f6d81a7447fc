//! The global shortcut that shows the quick pick (`Ctrl+Alt+M` unless changed in Settings).
//!
//! On Linux (X11) Mamori grabs the key on the root window itself with x11rb and waits for it
//! on a thread that sleeps in the X connection: no polling, so a hidden Mamori costs nothing
//! (the `global-hotkey` crate's X11 backend wakes every 50 ms, 0.05 % of a core measured).
//! On Windows and macOS Tauri's `global-hotkey` crate registers it (`RegisterHotKey`, Carbon);
//! its manager is created on the thread of the window's event loop, which receives `WM_HOTKEY`.
//! Wayland has no such grab for ordinary programs: there the desktop's own shortcut settings
//! run `mamori gui --quick-pick` (README). A press wakes the window through the same channel as
//! a second start's request ([`super::instance`]).

use std::sync::mpsc::Sender;

use mamori::i18n::{Lang, tr};

use super::instance::Request;

/// Why a shortcut was not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HotkeyProblem {
    /// The text is not a shortcut (`Ctrl+Alt+`, `Ctrl+Foo`).
    NotAShortcut(String),
    /// Another program holds it.
    Taken(String),
    /// The system refused for another reason.
    Refused(String, String),
}

impl HotkeyProblem {
    /// What to tell the user, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            HotkeyProblem::NotAShortcut(text) => tr(lang, "gui-hotkey-invalid", &[("keys", text)]),
            HotkeyProblem::Taken(text) => tr(lang, "gui-hotkey-taken", &[("keys", text)]),
            HotkeyProblem::Refused(text, detail) => tr(
                lang,
                "gui-hotkey-refused",
                &[("keys", text), ("detail", detail)],
            ),
        }
    }
}

/// The key of a shortcut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// `A`–`Z`.
    Letter(char),
    /// `0`–`9`.
    Digit(char),
    /// `F1`–`F24`.
    Function(u8),
}

/// A shortcut as Settings writes it (`Ctrl+Alt+M`): at least one modifier, then one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shortcut {
    /// Ctrl.
    pub ctrl: bool,
    /// Alt (Option on macOS).
    pub alt: bool,
    /// Shift.
    pub shift: bool,
    /// Super (the Windows key, Command on macOS).
    pub super_key: bool,
    /// The key.
    pub key: Key,
}

/// Reads a shortcut: modifiers first (`Ctrl`, `Alt`, `Shift`, `Super`, in any case), then a
/// letter, digit or `F1`–`F24`. A bare key would take that key from every program: refused.
pub fn parse(text: &str) -> Result<Shortcut, HotkeyProblem> {
    let trimmed = text.trim();
    let bad = || HotkeyProblem::NotAShortcut(trimmed.to_string());
    let tokens: Vec<&str> = trimmed.split('+').map(str::trim).collect();
    let (last, modifiers) = tokens.split_last().ok_or_else(bad)?;
    let (mut ctrl, mut alt, mut shift, mut super_key) = (false, false, false, false);
    for token in modifiers {
        let flag = match token.to_ascii_lowercase().as_str() {
            "ctrl" | "control" => &mut ctrl,
            "alt" | "option" => &mut alt,
            "shift" => &mut shift,
            "super" | "meta" | "win" | "cmd" | "command" => &mut super_key,
            _ => return Err(bad()),
        };
        if *flag {
            return Err(bad());
        }
        *flag = true;
    }
    if !(ctrl || alt || shift || super_key) {
        return Err(bad());
    }
    let upper = last.to_ascii_uppercase();
    let mut chars = upper.chars();
    let key = match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_uppercase() => Key::Letter(c),
        (Some(c), None) if c.is_ascii_digit() => Key::Digit(c),
        (Some('F'), Some(_)) => match upper[1..].parse::<u8>() {
            Ok(n @ 1..=24) if !upper[1..].starts_with('0') => Key::Function(n),
            _ => return Err(bad()),
        },
        _ => return Err(bad()),
    };
    Ok(Shortcut {
        ctrl,
        alt,
        shift,
        super_key,
        key,
    })
}

/// The registered shortcut, kept for as long as the window runs.
pub struct Hotkey {
    backend: backend::Backend,
    current: Option<String>,
}

impl Hotkey {
    /// Starts listening: each press of the registered shortcut sends [`Request::QuickPick`]
    /// on `requests` and wakes `ctx`. `None` where the system offers no global shortcuts.
    pub fn start(ctx: &egui::Context, requests: Sender<Request>) -> Option<Hotkey> {
        let ctx = ctx.clone();
        let requests = std::sync::Mutex::new(requests);
        let pressed = move || {
            if let Ok(requests) = requests.lock() {
                let _ = requests.send(Request::QuickPick);
            }
            ctx.request_repaint();
        };
        Some(Hotkey {
            backend: backend::Backend::start(pressed)?,
            current: None,
        })
    }

    /// The shortcut now registered, as the user wrote it.
    pub fn current(&self) -> Option<&str> {
        self.current.as_deref()
    }

    /// Registers `text` in place of the current shortcut (an empty text: none). On failure
    /// the old one stays registered.
    pub fn set(&mut self, text: &str) -> Result<(), HotkeyProblem> {
        let text = text.trim();
        if self.current() == Some(text) {
            return Ok(());
        }
        if text.is_empty() {
            self.backend.clear();
            self.current = None;
            return Ok(());
        }
        let shortcut = parse(text)?;
        self.backend.set(shortcut, text)?;
        self.current = Some(text.to_string());
        Ok(())
    }
}

/// X11: `XGrabKey` on the root window, and a thread blocked in the connection.
#[cfg(target_os = "linux")]
mod backend {
    use std::sync::Arc;

    use x11rb::connection::Connection as _;
    use x11rb::errors::ReplyError;
    use x11rb::protocol::Event;
    use x11rb::protocol::xproto::{ConnectionExt as _, GrabMode, ModMask};
    use x11rb::rust_connection::RustConnection;

    use super::{HotkeyProblem, Key, Shortcut};

    pub struct Backend {
        conn: Arc<RustConnection>,
        root: u32,
        grabbed: Option<(u8, ModMask)>,
    }

    /// NumLock and CapsLock count as modifiers in X11: the grab is made with each of them too.
    fn locks() -> [ModMask; 4] {
        [
            ModMask::default(),
            ModMask::M2,
            ModMask::LOCK,
            ModMask::M2 | ModMask::LOCK,
        ]
    }

    fn keysym(key: Key) -> u32 {
        match key {
            Key::Letter(c) => u32::from(c.to_ascii_lowercase()),
            Key::Digit(c) => u32::from(c),
            Key::Function(n) => 0xffbe + u32::from(n) - 1,
        }
    }

    impl Backend {
        pub fn start(pressed: impl Fn() + Send + 'static) -> Option<Backend> {
            let (conn, screen) = x11rb::connect(None).ok()?;
            let root = conn.setup().roots.get(screen)?.root;
            let conn = Arc::new(conn);
            let listening = Arc::clone(&conn);
            std::thread::Builder::new()
                .name("mamori-hotkey".into())
                .spawn(move || {
                    // Only grabbed keys reach this connection: every press is the shortcut.
                    while let Ok(event) = listening.wait_for_event() {
                        if let Event::KeyPress(_) = event {
                            pressed();
                        }
                    }
                })
                .ok()?;
            Some(Backend {
                conn,
                root,
                grabbed: None,
            })
        }

        fn keycode(&self, key: Key) -> Option<u8> {
            let setup = self.conn.setup();
            let (min, max) = (setup.min_keycode, setup.max_keycode);
            let mapping = self
                .conn
                .get_keyboard_mapping(min, max - min + 1)
                .ok()?
                .reply()
                .ok()?;
            let per = usize::from(mapping.keysyms_per_keycode.max(1));
            let wanted = keysym(key);
            mapping
                .keysyms
                .chunks(per)
                .position(|syms| syms.contains(&wanted))
                .and_then(|i| u8::try_from(i).ok())
                .map(|i| min + i)
        }

        fn ungrab(&mut self) {
            if let Some((keycode, mods)) = self.grabbed.take() {
                for lock in locks() {
                    if let Ok(cookie) = self.conn.ungrab_key(keycode, self.root, mods | lock) {
                        cookie.ignore_error();
                    }
                }
                let _ = self.conn.flush();
            }
        }

        pub fn clear(&mut self) {
            self.ungrab();
        }

        pub fn set(&mut self, shortcut: Shortcut, text: &str) -> Result<(), HotkeyProblem> {
            let refused = |detail: String| HotkeyProblem::Refused(text.to_string(), detail);
            let keycode = self
                .keycode(shortcut.key)
                .ok_or_else(|| refused("no key for it on this keyboard".into()))?;
            let mut mods = ModMask::default();
            for (on, mask) in [
                (shortcut.ctrl, ModMask::CONTROL),
                (shortcut.alt, ModMask::M1),
                (shortcut.shift, ModMask::SHIFT),
                (shortcut.super_key, ModMask::M4),
            ] {
                if on {
                    mods |= mask;
                }
            }
            let previous = self.grabbed;
            self.ungrab();
            for lock in locks() {
                let result = self
                    .conn
                    .grab_key(
                        false,
                        self.root,
                        mods | lock,
                        keycode,
                        GrabMode::ASYNC,
                        GrabMode::ASYNC,
                    )
                    .map_err(|e| refused(e.to_string()))
                    .and_then(|cookie| {
                        cookie.check().map_err(|e| match e {
                            ReplyError::X11Error(x)
                                if x.error_kind == x11rb::protocol::ErrorKind::Access =>
                            {
                                HotkeyProblem::Taken(text.to_string())
                            }
                            other => refused(other.to_string()),
                        })
                    });
                if let Err(problem) = result {
                    // Undo the part grabbed, and give the old shortcut back.
                    self.grabbed = Some((keycode, mods));
                    self.ungrab();
                    if let Some((old_keycode, old_mods)) = previous {
                        for lock in locks() {
                            if let Ok(cookie) = self.conn.grab_key(
                                false,
                                self.root,
                                old_mods | lock,
                                old_keycode,
                                GrabMode::ASYNC,
                                GrabMode::ASYNC,
                            ) {
                                cookie.ignore_error();
                            }
                        }
                        self.grabbed = previous;
                    }
                    let _ = self.conn.flush();
                    return Err(problem);
                }
            }
            self.grabbed = Some((keycode, mods));
            let _ = self.conn.flush();
            Ok(())
        }
    }
}

/// Windows and macOS: Tauri's `global-hotkey`.
#[cfg(not(target_os = "linux"))]
mod backend {
    use std::str::FromStr as _;

    use global_hotkey::hotkey::HotKey;
    use global_hotkey::{GlobalHotKeyEvent, GlobalHotKeyManager, HotKeyState};

    use super::{HotkeyProblem, Key, Shortcut};

    pub struct Backend {
        manager: GlobalHotKeyManager,
        current: Option<HotKey>,
    }

    /// The shortcut in `global-hotkey`'s own words (`control+alt+KeyM`).
    fn hotkey(shortcut: Shortcut) -> Option<HotKey> {
        let mut text = String::new();
        for (on, name) in [
            (shortcut.ctrl, "control+"),
            (shortcut.alt, "alt+"),
            (shortcut.shift, "shift+"),
            (shortcut.super_key, "super+"),
        ] {
            if on {
                text.push_str(name);
            }
        }
        match shortcut.key {
            Key::Letter(c) => text.push_str(&format!("Key{c}")),
            Key::Digit(c) => text.push_str(&format!("Digit{c}")),
            Key::Function(n) => text.push_str(&format!("F{n}")),
        }
        HotKey::from_str(&text).ok()
    }

    impl Backend {
        pub fn start(pressed: impl Fn() + Send + 'static) -> Option<Backend> {
            let manager = GlobalHotKeyManager::new().ok()?;
            let pressed = std::sync::Mutex::new(pressed);
            GlobalHotKeyEvent::set_event_handler(Some(move |event: GlobalHotKeyEvent| {
                if event.state() == HotKeyState::Pressed
                    && let Ok(pressed) = pressed.lock()
                {
                    pressed();
                }
            }));
            Some(Backend {
                manager,
                current: None,
            })
        }

        pub fn clear(&mut self) {
            if let Some(old) = self.current.take() {
                let _ = self.manager.unregister(old);
            }
        }

        pub fn set(&mut self, shortcut: Shortcut, text: &str) -> Result<(), HotkeyProblem> {
            let hotkey =
                hotkey(shortcut).ok_or_else(|| HotkeyProblem::NotAShortcut(text.to_string()))?;
            if let Some(old) = &self.current {
                let _ = self.manager.unregister(*old);
            }
            match self.manager.register(hotkey) {
                Ok(()) => {
                    self.current = Some(hotkey);
                    Ok(())
                }
                Err(error) => {
                    if let Some(old) = &self.current
                        && self.manager.register(*old).is_err()
                    {
                        self.current = None;
                    }
                    Err(match error {
                        global_hotkey::Error::AlreadyRegistered(_) => {
                            HotkeyProblem::Taken(text.to_string())
                        }
                        other => HotkeyProblem::Refused(text.to_string(), other.to_string()),
                    })
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_read_as_settings_writes_them() {
        let parsed = parse("Ctrl+Alt+M").unwrap();
        assert_eq!(parsed, parse(" ctrl + ALT + m ").unwrap());
        assert_eq!(parsed.key, Key::Letter('M'));
        assert!(parsed.ctrl && parsed.alt && !parsed.shift && !parsed.super_key);
        assert_eq!(parse("Ctrl+Shift+F5").unwrap().key, Key::Function(5));
        assert_eq!(parse("Super+Alt+1").unwrap().key, Key::Digit('1'));
        for bad in [
            "",
            "M",
            "Ctrl+Alt+",
            "Ctrl+Foo",
            "Ctrl+M+Alt",
            "Ctrl+A+B",
            "Ctrl+Ctrl+M",
            "Ctrl+F0",
            "Ctrl+F25",
            "Ctrl+F05",
            "Hyper+M",
        ] {
            assert_eq!(
                parse(bad),
                Err(HotkeyProblem::NotAShortcut(bad.trim().to_string())),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn problems_are_said_in_words_in_both_languages() {
        for lang in [Lang::En, Lang::Ja] {
            let taken = HotkeyProblem::Taken("Ctrl+Alt+M".into()).message(lang);
            assert!(taken.contains("Ctrl+Alt+M"), "{taken}");
            let invalid = HotkeyProblem::NotAShortcut("Ctrl+".into()).message(lang);
            assert!(invalid.contains("Ctrl+"), "{invalid}");
        }
    }
}
