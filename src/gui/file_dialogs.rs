//! Choosing files and folders: the desktop's own dialogs (rfd), shown off the UI thread so the
//! window keeps painting, and an honest answer when there is no dialog to show.
//!
//! On Linux rfd asks the XDG desktop portal, then falls back to `zenity`. Minimal, RDP and VDI
//! desktops often have neither; rfd then returns "nothing chosen" at once, exactly as if the
//! user had cancelled, and the button seemed dead. [`SystemDialogs::pick`] therefore checks first
//! that a portal or zenity is there and says [`Picked::Unavailable`] otherwise; the window then
//! offers a path field, dropping the file on the window, and the command that does the same.

use std::path::PathBuf;

/// What the user is asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// A picture to scan for QR codes.
    Image,
    /// Another app's export to import.
    Import,
    /// Where to save an export (a file of this name is proposed).
    SaveFile(String),
    /// A folder (the automatic backups, or where QR pictures are written).
    Folder,
}

/// What came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Picked {
    /// The user chose this path.
    Chosen(PathBuf),
    /// The user closed the dialog without choosing.
    Cancelled,
    /// No dialog can be shown on this desktop.
    Unavailable,
}

/// A filter for the dialog: its name and the file endings it shows.
pub type Filter = (String, Vec<String>);

/// File dialogs as the window uses them; tests answer without a desktop.
pub trait FileDialogs: Send + Sync {
    /// Shows the dialog for `request` with `title` and `filters` (the first is selected) and
    /// waits for the user. Called on a worker thread.
    fn pick(&self, request: &Request, title: &str, filters: &[Filter]) -> Picked;
}

/// The desktop's dialogs through rfd.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemDialogs;

impl FileDialogs for SystemDialogs {
    fn pick(&self, request: &Request, title: &str, filters: &[Filter]) -> Picked {
        if !dialogs_available() {
            return Picked::Unavailable;
        }
        let mut dialog = rfd::FileDialog::new().set_title(title);
        for (name, extensions) in filters {
            dialog = dialog.add_filter(name, extensions);
        }
        let chosen = match request {
            Request::Image | Request::Import => dialog.pick_file(),
            Request::SaveFile(name) => dialog.set_file_name(name).save_file(),
            Request::Folder => dialog.pick_folder(),
        };
        chosen.map_or(Picked::Cancelled, Picked::Chosen)
    }
}

/// Whether rfd can show a dialog here. Windows and macOS always can; on Linux an XDG desktop
/// portal must answer on the session bus, or `zenity` be installed.
pub fn dialogs_available() -> bool {
    #[cfg(target_os = "linux")]
    {
        let zenity = std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| is_program(&dir, "zenity")));
        zenity || portal_on_session_bus()
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

#[cfg(target_os = "linux")]
fn is_program(dir: &std::path::Path, name: &str) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(dir.join(name))
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// True when the session bus has (or can start) `org.freedesktop.portal.Desktop`.
#[cfg(target_os = "linux")]
fn portal_on_session_bus() -> bool {
    portal_at(zbus::blocking::Connection::session())
}

#[cfg(target_os = "linux")]
fn portal_at(connection: zbus::Result<zbus::blocking::Connection>) -> bool {
    const PORTAL: &str = "org.freedesktop.portal.Desktop";
    let Ok(connection) = connection else {
        return false;
    };
    let Ok(bus) = zbus::blocking::fdo::DBusProxy::new(&connection) else {
        return false;
    };
    let Ok(name) = zbus::names::BusName::try_from(PORTAL) else {
        return false;
    };
    if bus.name_has_owner(name).unwrap_or(false) {
        return true;
    }
    bus.list_activatable_names()
        .is_ok_and(|names| names.iter().any(|n| n.as_str() == PORTAL))
}

/// Whether a bus at `address` (tests: a private `dbus-daemon`) offers the portal.
#[cfg(all(test, target_os = "linux"))]
pub fn portal_at_address(address: &str) -> bool {
    portal_at(zbus::blocking::connection::Builder::address(address).and_then(|b| b.build()))
}

/// A path typed into the fallback field: `~` expanded, surrounding quotes (as a file manager's
/// "copy path" adds them) and a `file://` prefix removed.
pub fn typed_path(text: &str) -> Option<PathBuf> {
    let text = text.trim().trim_matches(|c| c == '"' || c == '\'');
    let decoded;
    let text = match text.strip_prefix("file://") {
        Some(uri) => {
            decoded = percent_encoding::percent_decode_str(uri).decode_utf8_lossy();
            decoded.as_ref()
        }
        None => text,
    };
    if text.is_empty() {
        return None;
    }
    if let Some(rest) = text.strip_prefix("~/")
        && let Some(home) = directories::BaseDirs::new()
    {
        return Some(home.home_dir().join(rest));
    }
    Some(PathBuf::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_paths_lose_quotes_and_file_prefix() {
        assert_eq!(
            typed_path("  '/tmp/qr code.png' "),
            Some("/tmp/qr code.png".into())
        );
        assert_eq!(typed_path("\"/tmp/a.png\""), Some("/tmp/a.png".into()));
        assert_eq!(
            typed_path("file:///tmp/a%20b.png"),
            Some("/tmp/a b.png".into())
        );
        assert_eq!(typed_path("   "), None);
        let home = typed_path("~/x.png").unwrap();
        assert!(home.is_absolute() && home.ends_with("x.png"), "{home:?}");
    }

    /// A bus without the portal (a minimal or remote desktop) is told from one with it.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_portal_is_found_only_when_one_answers_on_the_bus() {
        let bus = crate::gui::screen_lock::tests::PrivateBus::start();
        let address = bus.address.clone();
        assert!(!portal_at_address(&address));
        let portal = zbus::blocking::connection::Builder::address(address.as_str())
            .unwrap()
            .name("org.freedesktop.portal.Desktop")
            .unwrap()
            .build()
            .unwrap();
        assert!(portal_at_address(&address));
        drop(portal);
        drop(bus);
        // No bus at all.
        assert!(!portal_at_address("unix:path=/nonexistent/bus"));
    }
}
