//! The small forms' state: the welcome and unlock screens, a region selection, and the path
//! field shown instead of a file dialog.

use egui::{Pos2, TextureHandle};
use mamori::scan::Screen;
use zeroize::Zeroizing;

/// The unlock screen's fields.
pub struct UnlockForm {
    /// The password typed so far.
    pub password: Zeroizing<String>,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// Give the field keyboard focus next frame.
    pub focus: bool,
}

impl Default for UnlockForm {
    fn default() -> Self {
        UnlockForm {
            // Room up front so typing never reallocates (and leaves copies) (`docs/vault.md` §11).
            password: Zeroizing::new(String::with_capacity(256)),
            error: None,
            focus: true,
        }
    }
}

/// The welcome screen's fields.
#[derive(Default)]
pub struct WelcomeForm {
    /// True: protect with a password (the default); false: no password.
    pub without_password: bool,
    /// The password.
    pub password: Zeroizing<String>,
    /// The password again.
    pub repeat: Zeroizing<String>,
    /// "I understand" for a vault without a password.
    pub accept_plain: bool,
    /// Why creating failed.
    pub error: Option<String>,
    /// The first field has had the keyboard focus (given once, when the screen opens).
    pub focused: bool,
}

/// A region selection in progress.
pub struct RegionSelect {
    pub(crate) screens: Vec<Screen>,
    pub(crate) current: usize,
    pub(crate) texture: Option<(usize, TextureHandle)>,
    pub(crate) drag_from: Option<Pos2>,
    pub(crate) fullscreen: bool,
}

impl RegionSelect {
    /// Starts on the first of `screens`.
    pub fn new(screens: Vec<Screen>) -> RegionSelect {
        RegionSelect {
            screens,
            current: 0,
            texture: None,
            drag_from: None,
            fullscreen: false,
        }
    }
}

/// The path field shown instead of a file dialog when the desktop has none (no XDG portal, no
/// zenity: minimal, RDP and VDI desktops).
#[derive(Debug, Default)]
pub struct PathEntry {
    /// Shown: a dialog was asked for and could not be opened.
    pub shown: bool,
    /// What was typed.
    pub text: String,
    /// Give the field the keyboard focus next frame.
    pub(crate) focus: bool,
}

impl PathEntry {
    /// Shows the field, focused.
    pub fn open(&mut self) {
        self.shown = true;
        self.focus = true;
    }
}
