//! Keeping the window out of screenshots, recordings and screen sharing (on by default where
//! the system can do it): egui's `ViewportCommand::ContentProtected`, which winit turns into
//! `SetWindowDisplayAffinity(WDA_EXCLUDEFROMCAPTURE)` on Windows and `NSWindowSharingNone` on
//! macOS. Mamori's own screen scan is unaffected (it hides the window while it captures).
//!
//! Two cases turn it off by themselves: Linux, whose X11 and Wayland have no such thing, and a
//! Windows remote-desktop session, where an excluded window would show the admin a black
//! rectangle. Settings shows why.

/// Why protection is not in force although the setting is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// The system cannot keep a window out of captures (Linux: X11, Wayland).
    NotSupported,
    /// A remote-desktop session: the remote viewer is itself a capture, so the window would
    /// show black there.
    RemoteSession,
}

impl Unavailable {
    /// The catalogue key of the sentence that explains it.
    pub fn message_key(self) -> &'static str {
        match self {
            Unavailable::NotSupported => "gui-capture-protection-unsupported",
            Unavailable::RemoteSession => "gui-capture-protection-remote",
        }
    }
}

/// Whether this system can keep the window out of captures now.
pub fn availability() -> Result<(), Unavailable> {
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        if remote_session() {
            Err(Unavailable::RemoteSession)
        } else {
            Ok(())
        }
    } else {
        Err(Unavailable::NotSupported)
    }
}

/// Whether the window should be protected: the setting is on and the system can.
pub fn wanted(setting: bool) -> bool {
    setting && availability().is_ok()
}

/// True in a Windows remote-desktop (RDP) session.
#[cfg(windows)]
#[allow(unsafe_code)]
fn remote_session() -> bool {
    use windows_sys::Win32::UI::WindowsAndMessaging::{GetSystemMetrics, SM_REMOTESESSION};
    // SAFETY: GetSystemMetrics takes an index and reads a system value; no pointers.
    unsafe { GetSystemMetrics(SM_REMOTESESSION) != 0 }
}

#[cfg(not(windows))]
fn remote_session() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_says_it_cannot_and_the_setting_alone_does_not_turn_it_on() {
        if cfg!(target_os = "linux") {
            assert_eq!(availability(), Err(Unavailable::NotSupported));
            assert!(!wanted(true));
        }
        assert!(!wanted(false));
    }
}
