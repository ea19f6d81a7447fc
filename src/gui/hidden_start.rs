//! `mamori gui --hidden` without the window ever appearing.
//!
//! eframe creates its window unmapped and maps it after painting the first frame, unless the
//! window is minimized then. On X11 "minimized" is `_NET_WM_STATE_HIDDEN` in the window's
//! `_NET_WM_STATE`, which a client may set itself while the window is withdrawn (EWMH): set
//! before the first frame, eframe runs only the app's logic and never maps the window, so no
//! frame is painted until [`reveal`] removes it again. Elsewhere (Windows, macOS, Wayland)
//! there is no such hint: the first frame maps the window and the app hides it in the same
//! frame.

/// The X11 window behind `handle`, if it is one.
#[cfg(target_os = "linux")]
fn x11_window(handle: &impl raw_window_handle::HasWindowHandle) -> Option<u32> {
    use raw_window_handle::RawWindowHandle;
    match handle.window_handle().ok()?.as_raw() {
        RawWindowHandle::Xlib(h) => u32::try_from(h.window).ok(),
        RawWindowHandle::Xcb(h) => Some(h.window.get()),
        _ => None,
    }
}

/// Sets (or removes) `_NET_WM_STATE_HIDDEN` on `window`; false if it could not.
#[cfg(target_os = "linux")]
fn set_hidden_state(window: u32, hidden: bool) -> bool {
    use x11rb::connection::Connection as _;
    use x11rb::protocol::xproto::{AtomEnum, ConnectionExt as _, PropMode};
    use x11rb::wrapper::ConnectionExt as _;
    let Ok((conn, _)) = x11rb::connect(None) else {
        return false;
    };
    let atom = |name: &[u8]| -> Option<u32> {
        conn.intern_atom(false, name)
            .ok()?
            .reply()
            .ok()
            .map(|r| r.atom)
    };
    let (Some(state), Some(hidden_atom)) = (atom(b"_NET_WM_STATE"), atom(b"_NET_WM_STATE_HIDDEN"))
    else {
        return false;
    };
    let sent = if hidden {
        conn.change_property32(
            PropMode::REPLACE,
            window,
            state,
            AtomEnum::ATOM,
            &[hidden_atom],
        )
        .is_ok()
    } else {
        conn.delete_property(window, state).is_ok()
    };
    sent && conn.flush().is_ok() && conn.get_input_focus().is_ok_and(|c| c.reply().is_ok())
}

/// Keeps the window behind `handle` from being mapped by eframe's first frame. Returns whether
/// it could (X11); the caller hides the window after its first frame otherwise.
pub fn keep_unmapped(handle: &impl raw_window_handle::HasWindowHandle) -> Option<HiddenStart> {
    #[cfg(target_os = "linux")]
    {
        let window = x11_window(handle)?;
        set_hidden_state(window, true).then_some(HiddenStart { window })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = handle;
        None
    }
}

/// A window kept unmapped by [`keep_unmapped`].
#[derive(Debug)]
pub struct HiddenStart {
    #[cfg(target_os = "linux")]
    window: u32,
}

impl HiddenStart {
    /// Removes the hint, so the next frame paints and maps the window.
    pub fn reveal(self) {
        #[cfg(target_os = "linux")]
        let _ = set_hidden_state(self.window, false);
    }
}
