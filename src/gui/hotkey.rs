//! The global shortcut that shows the quick pick (`Ctrl+Alt+M` unless changed in Settings):
//! Tauri's `global-hotkey` crate, which grabs it with `RegisterHotKey` on Windows, Carbon on
//! macOS and `XGrabKey` on X11. Wayland has no such grab for ordinary programs: there the
//! desktop's own shortcut settings run `mamori gui --quick-pick` (README).
//!
//! The manager must be created on the thread that runs the window's event loop (Windows
//! delivers `WM_HOTKEY` to it); a press wakes the window through the same channel as a second
//! start's request ([`super::instance`]).

use std::str::FromStr as _;
use std::sync::mpsc::Sender;

use global_hotkey::hotkey::HotKey;
use global_hotkey::{GlobalHotKeyEvent, GlobalHotKeyManager, HotKeyState};

use mamori::i18n::{Lang, tr};

use super::instance::Request;

/// Why a shortcut was not taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HotkeyProblem {
    /// The text is not a shortcut (`Ctrl+Alt+`, `Ctrl+Foo`).
    NotAShortcut(String),
    /// Another program holds it.
    Taken(String),
    /// The system refused for another reason (or has no global shortcuts: Wayland).
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

/// Reads a shortcut as Settings shows it (`Ctrl+Alt+M`): modifiers first, one key last.
pub fn parse(text: &str) -> Result<HotKey, HotkeyProblem> {
    let trimmed = text.trim();
    let has_modifier = trimmed.contains('+');
    match HotKey::from_str(trimmed) {
        // A bare key (no modifier) would take that key from every program.
        Ok(hotkey) if has_modifier => Ok(hotkey),
        _ => Err(HotkeyProblem::NotAShortcut(trimmed.to_string())),
    }
}

/// The registered shortcut, kept for as long as the window runs.
pub struct Hotkey {
    manager: GlobalHotKeyManager,
    current: Option<(HotKey, String)>,
}

impl Hotkey {
    /// Starts listening: each press of the registered shortcut sends [`Request::QuickPick`]
    /// on `requests` and wakes `ctx`. `None` where the system offers no global shortcuts.
    pub fn start(ctx: &egui::Context, requests: Sender<Request>) -> Option<Hotkey> {
        let manager = GlobalHotKeyManager::new().ok()?;
        let ctx = ctx.clone();
        let requests = std::sync::Mutex::new(requests);
        GlobalHotKeyEvent::set_event_handler(Some(move |event: GlobalHotKeyEvent| {
            if event.state() == HotKeyState::Pressed {
                if let Ok(requests) = requests.lock() {
                    let _ = requests.send(Request::QuickPick);
                }
                ctx.request_repaint();
            }
        }));
        Some(Hotkey {
            manager,
            current: None,
        })
    }

    /// The shortcut now registered, as the user wrote it.
    pub fn current(&self) -> Option<&str> {
        self.current.as_ref().map(|(_, text)| text.as_str())
    }

    /// Registers `text` in place of the current shortcut (an empty text: none). On failure
    /// the old one stays registered.
    pub fn set(&mut self, text: &str) -> Result<(), HotkeyProblem> {
        let text = text.trim();
        if self.current() == Some(text) {
            return Ok(());
        }
        if text.is_empty() {
            if let Some((old, _)) = self.current.take() {
                let _ = self.manager.unregister(old);
            }
            return Ok(());
        }
        let hotkey = parse(text)?;
        if let Some((old, _)) = &self.current {
            let _ = self.manager.unregister(*old);
        }
        match self.manager.register(hotkey) {
            Ok(()) => {
                self.current = Some((hotkey, text.to_string()));
                Ok(())
            }
            Err(error) => {
                if let Some((old, _)) = &self.current
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_read_as_settings_writes_them() {
        let parsed = parse("Ctrl+Alt+M").unwrap();
        assert_eq!(parsed, parse("ctrl+alt+KeyM").unwrap());
        assert!(parse("Ctrl+Shift+F5").is_ok());
        assert!(parse(" Super+Alt+1 ").is_ok());
        for bad in ["", "M", "Ctrl+Alt+", "Ctrl+Foo", "Ctrl+M+Alt", "Ctrl+A+B"] {
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
