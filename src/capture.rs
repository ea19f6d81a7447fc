//! Screens (xcap) and the clipboard (arboard): the only code that touches the display.
//!
//! Each monitor is captured as its own image; on X11 every monitor xcap lists is used
//! (`is_primary()` is not consulted: Xvfb and some drivers mark none as primary). On Wayland,
//! xcap asks the desktop (the GNOME Shell screenshot service or xdg-desktop-portal) and the
//! user may be asked to allow it; a refusal comes back as [`CaptureError::Refused`], whose
//! message points to the image-file and clipboard alternatives.

use crate::qr::rgba_to_gray;
use crate::scan::{CaptureError, Screen, ScreenSource};

/// The real monitors, through xcap.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemScreens;

/// True where screens and the clipboard need `DISPLAY` or `WAYLAND_DISPLAY` (Linux and the
/// BSDs) and neither is set (or both are empty): a console, SSH, or CI without Xvfb.
pub fn display_missing() -> bool {
    cfg!(all(unix, not(target_os = "macos")))
        && std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty())
        && std::env::var_os("WAYLAND_DISPLAY").is_none_or(|d| d.is_empty())
}

fn on_wayland() -> bool {
    std::env::var_os("WAYLAND_DISPLAY").is_some()
        || std::env::var("XDG_SESSION_TYPE").is_ok_and(|t| t.eq_ignore_ascii_case("wayland"))
}

fn capture_error(error: xcap::XCapError) -> CaptureError {
    let detail = error.to_string();
    if display_missing() {
        CaptureError::NoDisplay(detail)
    } else if on_wayland() {
        CaptureError::Refused(detail)
    } else {
        CaptureError::NoDisplay(detail)
    }
}

impl ScreenSource for SystemScreens {
    fn capture(&self) -> Result<Vec<Screen>, CaptureError> {
        let monitors = xcap::Monitor::all().map_err(capture_error)?;
        if monitors.is_empty() {
            return Err(CaptureError::NoScreens);
        }
        let mut screens = Vec::with_capacity(monitors.len());
        for monitor in monitors {
            let image = monitor.capture_image().map_err(capture_error)?;
            screens.push(Screen {
                name: monitor.name().unwrap_or_default(),
                image: rgba_to_gray(image.width(), image.height(), image.as_raw()),
            });
        }
        Ok(screens)
    }
}

/// What the clipboard holds, for scanning.
#[derive(Clone, Debug)]
pub enum ClipboardContent {
    /// An image (a screenshot or a copied picture), in grey.
    Image(image::GrayImage),
    /// Text (perhaps a pasted `otpauth://` URI).
    Text(String),
}

/// Reads the clipboard: its image if it has one, else its text.
pub fn read_clipboard() -> Result<ClipboardContent, CaptureError> {
    let mut clipboard = arboard::Clipboard::new().map_err(|e| {
        if display_missing() {
            CaptureError::NoDisplay(e.to_string())
        } else {
            CaptureError::Clipboard(e.to_string())
        }
    })?;
    // On X11 asking for an image when the clipboard holds only text is an error ("incorrect
    // type received"), not `ContentNotAvailable`: try the text before reporting it.
    let image_error = match clipboard.get_image() {
        Ok(image) => {
            let (w, h) = (image.width as u32, image.height as u32);
            return Ok(ClipboardContent::Image(rgba_to_gray(w, h, &image.bytes)));
        }
        Err(arboard::Error::ContentNotAvailable) => None,
        Err(e) => Some(e.to_string()),
    };
    match clipboard.get_text() {
        Ok(text) if !text.trim().is_empty() => Ok(ClipboardContent::Text(text)),
        Ok(_) | Err(arboard::Error::ContentNotAvailable) => match image_error {
            Some(detail) => Err(CaptureError::Clipboard(detail)),
            None => Err(CaptureError::ClipboardEmpty),
        },
        Err(e) => Err(CaptureError::Clipboard(
            image_error.unwrap_or_else(|| e.to_string()),
        )),
    }
}

/// The system clipboard, kept open for the life of the program: on X11 and Wayland the
/// program that copied must stay alive to hand the text over, so one instance lives in the
/// desktop window's state (`docs/platform-notes.md` §4).
pub struct Clipboard {
    inner: arboard::Clipboard,
}

impl std::fmt::Debug for Clipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clipboard")
    }
}

impl Clipboard {
    /// Opens the clipboard.
    pub fn open() -> Result<Clipboard, CaptureError> {
        arboard::Clipboard::new()
            .map(|inner| Clipboard { inner })
            .map_err(|e| CaptureError::Clipboard(e.to_string()))
    }

    /// Copies a code or key, asking clipboard history and sync tools to leave it alone
    /// (`docs/vault.md` §8): the password-manager hint on Linux and macOS, no history and no
    /// cloud upload on Windows.
    pub fn copy_concealed(&mut self, text: &str) -> Result<(), CaptureError> {
        let set = self.inner.set();
        #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
        let set = {
            use arboard::SetExtLinux as _;
            set.exclude_from_history()
        };
        #[cfg(target_os = "macos")]
        let set = {
            use arboard::SetExtApple as _;
            set.exclude_from_history()
        };
        #[cfg(windows)]
        let set = {
            use arboard::SetExtWindows as _;
            set.exclude_from_history().exclude_from_cloud()
        };
        set.text(text.to_string())
            .map_err(|e| CaptureError::Clipboard(e.to_string()))
    }

    /// True when the clipboard holds exactly `text` (so clearing it destroys nothing the user
    /// copied since).
    pub fn holds(&mut self, text: &str) -> bool {
        self.inner.get_text().is_ok_and(|current| current == text)
    }

    /// Empties the clipboard.
    pub fn clear(&mut self) -> Result<(), CaptureError> {
        self.inner
            .clear()
            .map_err(|e| CaptureError::Clipboard(e.to_string()))
    }
}
