//! The tray icon: left click shows or hides the window; the menu has Show Mamori, Quick pick,
//! Lock and Quit. Each click sends a [`Request`] on the window's channel and wakes it, as a
//! second start does. Where there is no tray, [`start`] gives `None` and closing the window
//! quits as before.
//!
//! - Linux: a StatusNotifierItem over D-Bus (`ksni`: KDE, GNOME with the AppIndicator
//!   extension, XFCE, …), served from its own thread.
//! - Windows and macOS: Tauri's `tray-icon` (a notification-area icon through
//!   `Shell_NotifyIconW`; an `NSStatusItem` in the menu bar) with a `muda` menu. It is created
//!   on the event-loop thread, inside eframe's app creator: on Windows its hidden window's
//!   messages are dispatched by winit's message loop on that thread, on macOS AppKit wants the
//!   main thread with the application running. Its clicks arrive through the crate's global
//!   event handlers, which send the request and wake egui: nothing polls.

use std::sync::Mutex;
use std::sync::mpsc::Sender;

use mamori::i18n::{Lang, tr};

use super::instance::Request;

/// A running tray icon; dropping it removes the icon.
pub struct Tray {
    #[cfg(target_os = "linux")]
    _handle: ksni::blocking::Handle<linux::Item>,
    #[cfg(any(windows, target_os = "macos"))]
    _icon: native::Icon,
}

/// Puts the icon in the tray, labelled in `lang`; `None` where there is no tray.
pub fn start(ctx: &egui::Context, lang: Lang, requests: Sender<Request>) -> Option<Tray> {
    let wake = Wake {
        ctx: ctx.clone(),
        requests: Mutex::new(requests),
    };
    #[cfg(target_os = "linux")]
    {
        linux::start(lang, wake).map(|handle| Tray { _handle: handle })
    }
    #[cfg(any(windows, target_os = "macos"))]
    {
        native::start(lang, wake).map(|icon| Tray { _icon: icon })
    }
    #[cfg(not(any(target_os = "linux", windows, target_os = "macos")))]
    {
        let _ = (lang, wake);
        None
    }
}

/// The menu's entries, in order: the catalogue key of the label and the request. A separator
/// goes before the last one (Quit).
const MENU: [(&str, Request); 4] = [
    ("tray-show", Request::Show),
    ("tray-quick-pick", Request::QuickPick),
    ("tray-lock", Request::Lock),
    ("tray-quit", Request::Quit),
];

/// The menu's labels in `lang`, with their requests.
fn menu(lang: Lang) -> impl Iterator<Item = (String, Request)> {
    MENU.into_iter()
        .map(move |(key, request)| (tr(lang, key, &[]), request))
}

/// Sends a request to the window and wakes it (from whichever thread the click arrives on).
struct Wake {
    ctx: egui::Context,
    requests: Mutex<Sender<Request>>,
}

impl Wake {
    fn send(&self, request: Request) {
        if let Ok(requests) = self.requests.lock() {
            let _ = requests.send(request);
        }
        self.ctx.request_repaint();
    }
}

/// The app icon scaled to `size`×`size`, as RGBA rows.
#[cfg(any(target_os = "linux", windows, target_os = "macos"))]
fn icon_rgba(size: u32) -> Option<image::RgbaImage> {
    let image = image::load_from_memory(super::style::ICON_PNG).ok()?;
    Some(
        image
            .resize(size, size, image::imageops::FilterType::Triangle)
            .to_rgba8(),
    )
}

#[cfg(target_os = "linux")]
mod linux {
    use ksni::blocking::TrayMethods as _;
    use mamori::i18n::Lang;

    use super::{Request, Wake};

    pub fn start(lang: Lang, wake: Wake) -> Option<ksni::blocking::Handle<Item>> {
        Item {
            lang,
            wake,
            icon: icon(),
        }
        .spawn()
        .ok()
    }

    /// The app icon as the StatusNotifierItem spec wants it: ARGB32, big-endian, 32×32.
    fn icon() -> Vec<ksni::Icon> {
        let Some(image) = super::icon_rgba(32) else {
            return Vec::new();
        };
        let (width, height) = image.dimensions();
        let data = image
            .pixels()
            .flat_map(|p| [p.0[3], p.0[0], p.0[1], p.0[2]])
            .collect();
        vec![ksni::Icon {
            width: width as i32,
            height: height as i32,
            data,
        }]
    }

    /// The StatusNotifierItem.
    pub struct Item {
        lang: Lang,
        wake: Wake,
        icon: Vec<ksni::Icon>,
    }

    impl ksni::Tray for Item {
        fn id(&self) -> String {
            crate::gui::APP_ID.into()
        }

        fn title(&self) -> String {
            "Mamori".into()
        }

        fn icon_pixmap(&self) -> Vec<ksni::Icon> {
            self.icon.clone()
        }

        fn activate(&mut self, _x: i32, _y: i32) {
            self.wake.send(Request::ToggleWindow);
        }

        fn menu(&self) -> Vec<ksni::MenuItem<Self>> {
            let mut entries: Vec<ksni::MenuItem<Self>> = super::menu(self.lang)
                .map(|(label, request)| {
                    ksni::menu::StandardItem {
                        label,
                        activate: Box::new(move |item: &mut Item| item.wake.send(request)),
                        ..Default::default()
                    }
                    .into()
                })
                .collect();
            let quit = entries.len() - 1;
            entries.insert(quit, ksni::MenuItem::Separator);
            entries
        }
    }
}

#[cfg(any(windows, target_os = "macos"))]
mod native {
    use mamori::i18n::Lang;
    use tray_icon::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
    use tray_icon::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};

    use super::{Request, Wake};

    /// The icon; dropping it removes the icon and forgets the click handlers.
    pub struct Icon {
        _icon: TrayIcon,
    }

    impl Drop for Icon {
        fn drop(&mut self) {
            TrayIconEvent::set_event_handler(None::<fn(TrayIconEvent)>);
            MenuEvent::set_event_handler(None::<fn(MenuEvent)>);
        }
    }

    pub fn start(lang: Lang, wake: Wake) -> Option<Icon> {
        let menu = Menu::new();
        let mut ids = Vec::new();
        let entries: Vec<(String, Request)> = super::menu(lang).collect();
        let last = entries.len() - 1;
        for (n, (label, request)) in entries.into_iter().enumerate() {
            if n == last {
                menu.append(&PredefinedMenuItem::separator()).ok()?;
            }
            // `&` marks a mnemonic in a Windows menu: a label keeps its own.
            let item = MenuItem::new(label.replace('&', "&&"), true, None);
            menu.append(&item).ok()?;
            ids.push((item.id().clone(), request));
        }
        let image = super::icon_rgba(32)?;
        let (width, height) = image.dimensions();
        let picture = tray_icon::Icon::from_rgba(image.into_raw(), width, height).ok()?;
        let icon = TrayIconBuilder::new()
            .with_tooltip("Mamori")
            .with_icon(picture)
            .with_menu(Box::new(menu))
            // The left button shows or hides the window; the menu is on the right button.
            .with_menu_on_left_click(false)
            .build()
            .ok()?;
        let wake = std::sync::Arc::new(wake);
        let clicks = wake.clone();
        TrayIconEvent::set_event_handler(Some(move |event: TrayIconEvent| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                clicks.send(Request::ToggleWindow);
            }
        }));
        MenuEvent::set_event_handler(Some(move |event: MenuEvent| {
            if let Some((_, request)) = ids.iter().find(|(id, _)| *id == event.id) {
                wake.send(*request);
            }
        }));
        Some(Icon { _icon: icon })
    }
}

#[cfg(test)]
mod tests {
    use mamori::i18n::Lang;

    use super::Request;

    #[test]
    fn the_menu_has_its_four_entries_in_both_languages_with_quit_last() {
        let requests = [
            Request::Show,
            Request::QuickPick,
            Request::Lock,
            Request::Quit,
        ];
        for (lang, labels) in [
            (Lang::En, ["Show Mamori", "Quick pick", "Lock", "Quit"]),
            (
                Lang::Ja,
                ["Mamori を表示", "クイック選択", "ロック", "終了"],
            ),
        ] {
            let menu: Vec<(String, Request)> = super::menu(lang).collect();
            let expected: Vec<(String, Request)> =
                labels.iter().map(|l| l.to_string()).zip(requests).collect();
            assert_eq!(menu, expected, "{lang:?}");
        }
    }
}
