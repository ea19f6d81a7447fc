//! The quick pick: the small always-on-top window the global hotkey (or
//! `mamori gui --quick-pick`) shows over whatever the user was doing. It is the main window,
//! resized and retitled while it lasts, so showing it costs no new window or OpenGL context.

/// How the window was before the quick pick took it over, to put it back after.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Before {
    /// On the screen (false: hidden, started with `--hidden`).
    pub shown: bool,
    /// Where it stood (points), when shown and known.
    pub outer: Option<egui::Rect>,
    /// Its inner size (points), when known.
    pub inner_size: Option<egui::Vec2>,
}

/// The quick pick's state while it is shown.
#[derive(Debug)]
pub struct QuickPick {
    /// What was typed: filters the accounts as the main search does.
    pub search: String,
    /// The highlighted row among those the search leaves (Enter copies its code).
    pub selected: usize,
    /// Give the search field keyboard focus next frame.
    pub focus: bool,
    /// How to put the window back.
    pub before: Before,
}

impl QuickPick {
    /// A fresh quick pick over a window that was `before`.
    pub fn new(before: Before) -> QuickPick {
        QuickPick {
            search: String::new(),
            selected: 0,
            focus: true,
            before,
        }
    }
}

/// Size of the quick pick window, in points.
pub const SIZE: egui::Vec2 = egui::vec2(440.0, 360.0);
