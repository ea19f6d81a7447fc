//! The tray icon of the real binary under Xvfb, on a private D-Bus session bus where this test
//! is the StatusNotifierWatcher (what the panel of KDE, GNOME's AppIndicator extension or XFCE
//! runs): the item registers, a left click (Activate) shows and hides the window, and the
//! menu's Quick pick (a dbusmenu "clicked" event, as the panel sends it) opens the quick pick.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use zbus::zvariant::{OwnedValue, Value};

use crate::display::{Xvfb, wait_until};
use crate::util::Sandbox;

/// A private session bus, stopped on drop.
struct PrivateBus {
    daemon: Child,
    address: String,
}

impl PrivateBus {
    fn start() -> PrivateBus {
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (Debian package dbus-daemon; .ci/install-deps --test)");
        let mut address = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(daemon.stdout.take().unwrap()),
            &mut address,
        )
        .unwrap();
        PrivateBus {
            daemon,
            address: address.trim().to_string(),
        }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// The least StatusNotifierWatcher a panel runs: it records who registers.
struct Watcher {
    items: Arc<Mutex<Vec<(String, String)>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        self.items
            .lock()
            .unwrap()
            .push((sender, service.to_string()));
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items
            .lock()
            .unwrap()
            .iter()
            .map(|(_, s)| s.clone())
            .collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

fn visible(x: &Xvfb, title: &str) -> bool {
    let out = x
        .command("xdotool")
        .args(["search", "--onlyvisible", "--name", &format!("^{title}$")])
        .output()
        .unwrap();
    !String::from_utf8_lossy(&out.stdout).trim().is_empty()
}

#[test]
fn the_tray_item_registers_and_its_click_and_menu_show_the_window_and_the_quick_pick() {
    let bus = PrivateBus::start();
    let items = Arc::new(Mutex::new(Vec::new()));
    let _watcher = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .name("org.kde.StatusNotifierWatcher")
        .unwrap()
        .serve_at(
            "/StatusNotifierWatcher",
            Watcher {
                items: Arc::clone(&items),
            },
        )
        .unwrap()
        .build()
        .unwrap();

    let mut x = Xvfb::start(1280, 800);
    let s = Sandbox::plain();
    s.ok(&[
        "add",
        "--uri",
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    ]);
    let config = s.path("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("settings.json"), r#"{"clock_check": false}"#).unwrap();
    let runtime = s.path("runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    std::fs::set_permissions(
        &runtime,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    let app = s
        .command(&["--lang", "en", "gui", "--hidden"])
        .env("DISPLAY", &x.display)
        .env_remove("WAYLAND_DISPLAY")
        .env("XDG_SESSION_TYPE", "x11")
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    x.keep(app);

    wait_until("the tray item registered", || {
        !items.lock().unwrap().is_empty()
    });
    let (sender, service) = items.lock().unwrap()[0].clone();
    assert!(
        service.starts_with("org.kde.StatusNotifierItem-"),
        "registered as {service}"
    );
    let conn = zbus::blocking::connection::Builder::address(bus.address.as_str())
        .unwrap()
        .build()
        .unwrap();
    let item = zbus::blocking::Proxy::new(
        &conn,
        sender.as_str(),
        "/StatusNotifierItem",
        "org.kde.StatusNotifierItem",
    )
    .unwrap();
    let title: String = item.get_property("Title").unwrap();
    assert_eq!(title, "Mamori");
    let icons: Vec<(i32, i32, Vec<u8>)> = item.get_property("IconPixmap").unwrap();
    assert!(
        icons
            .iter()
            .any(|(w, h, data)| *w > 0 && data.len() == (w * h * 4) as usize)
    );
    assert!(!visible(&x, "Mamori"), "started hidden");

    // A left click shows the window; another hides it.
    item.call_method("Activate", &(0i32, 0i32)).unwrap();
    wait_until("the window shown by a click", || visible(&x, "Mamori"));
    item.call_method("Activate", &(0i32, 0i32)).unwrap();
    wait_until("the window hidden by a click", || !visible(&x, "Mamori"));

    // The menu, as the panel reads it: the four entries, in English.
    let menu_path: zbus::zvariant::OwnedObjectPath = item.get_property("Menu").unwrap();
    let menu = zbus::blocking::Proxy::new(
        &conn,
        sender.as_str(),
        menu_path.as_str(),
        "com.canonical.dbusmenu",
    )
    .unwrap();
    let entries: Vec<(i32, HashMap<String, OwnedValue>)> = menu
        .call("GetGroupProperties", &(Vec::<i32>::new(), vec!["label"]))
        .unwrap();
    let labels: HashMap<String, i32> = entries
        .into_iter()
        .filter_map(|(id, props)| {
            let label = props.get("label")?.try_clone().ok()?;
            Some((String::try_from(label).ok()?, id))
        })
        .collect();
    for label in ["Show Mamori", "Quick pick", "Lock", "Quit"] {
        assert!(labels.contains_key(label), "{label} in {labels:?}");
    }
    menu.call_method(
        "Event",
        &(labels["Quick pick"], "clicked", Value::from(0i32), 0u32),
    )
    .unwrap();
    wait_until("the quick pick from the tray menu", || {
        visible(&x, "Mamori Quick Pick")
    });
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("gui-tray-quick-pick.png");
    crate::gui_window::screenshot(&x, &shot);
    // Quit ends the process (the tray item goes away with it).
    menu.call_method(
        "Event",
        &(labels["Quit"], "clicked", Value::from(0i32), 0u32),
    )
    .unwrap();
    wait_until("the window gone after Quit", || {
        std::thread::sleep(Duration::from_millis(100));
        !visible(&x, "Mamori Quick Pick") && !visible(&x, "Mamori")
    });
}
