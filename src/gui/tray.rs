//! The tray icon. On Linux a StatusNotifierItem over D-Bus (`ksni`: KDE, GNOME with the
//! AppIndicator extension, XFCE, …): left click shows or hides the window; the menu has Show
//! Mamori, Quick pick, Lock and Quit. Each click sends a [`Request`] on the window's channel
//! and wakes it, as a second start does. Where no StatusNotifierWatcher runs there is no tray,
//! and closing the window quits as before. Windows and macOS have no tray icon yet.

#[cfg(target_os = "linux")]
use std::sync::Mutex;
use std::sync::mpsc::Sender;

use mamori::i18n::Lang;
#[cfg(target_os = "linux")]
use mamori::i18n::tr;

use super::instance::Request;

/// A running tray icon; dropping it removes the icon.
pub struct Tray {
    #[cfg(target_os = "linux")]
    _handle: ksni::blocking::Handle<Item>,
}

/// Puts the icon in the tray, labelled in `lang`; `None` where there is no tray.
pub fn start(ctx: &egui::Context, lang: Lang, requests: Sender<Request>) -> Option<Tray> {
    #[cfg(target_os = "linux")]
    {
        use ksni::blocking::TrayMethods as _;
        let item = Item {
            lang,
            ctx: ctx.clone(),
            requests: Mutex::new(requests),
            icon: icon(),
        };
        item.spawn().ok().map(|handle| Tray { _handle: handle })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (ctx, lang, requests);
        None
    }
}

/// The app icon as the StatusNotifierItem spec wants it: ARGB32, big-endian, 32×32.
#[cfg(target_os = "linux")]
fn icon() -> Vec<ksni::Icon> {
    let Ok(image) = image::load_from_memory(super::style::ICON_PNG) else {
        return Vec::new();
    };
    let image = image
        .resize(32, 32, image::imageops::FilterType::Triangle)
        .to_rgba8();
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
#[cfg(target_os = "linux")]
pub struct Item {
    lang: Lang,
    ctx: egui::Context,
    requests: Mutex<Sender<Request>>,
    icon: Vec<ksni::Icon>,
}

#[cfg(target_os = "linux")]
impl Item {
    fn send(&self, request: Request) {
        if let Ok(requests) = self.requests.lock() {
            let _ = requests.send(request);
        }
        self.ctx.request_repaint();
    }

    fn entry(&self, key: &str, request: Request) -> ksni::MenuItem<Item> {
        ksni::menu::StandardItem {
            label: tr(self.lang, key, &[]),
            activate: Box::new(move |item: &mut Item| item.send(request)),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(target_os = "linux")]
impl ksni::Tray for Item {
    fn id(&self) -> String {
        super::APP_ID.into()
    }

    fn title(&self) -> String {
        "Mamori".into()
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        self.icon.clone()
    }

    fn activate(&mut self, _x: i32, _y: i32) {
        self.send(Request::ToggleWindow);
    }

    fn menu(&self) -> Vec<ksni::MenuItem<Self>> {
        vec![
            self.entry("tray-show", Request::Show),
            self.entry("tray-quick-pick", Request::QuickPick),
            self.entry("tray-lock", Request::Lock),
            ksni::MenuItem::Separator,
            self.entry("tray-quit", Request::Quit),
        ]
    }
}
