//! The real window: `mamori gui` on a vault under a private Xvfb, driven with xdotool and the
//! real X clipboard (xclip), so every event goes the way a user's does: through X, winit and
//! egui-winit (whose Ctrl+V reads the clipboard itself and sends the app a Paste or PasteImage
//! event, never a V key). Screenshots are kept in `target/tmp/` for a person to look at.

use std::process::Stdio;

use crate::display::{Xvfb, wait_until};
use crate::util::{Sandbox, stdout};

const ACCOUNTS: [&str; 3] = [
    "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    "otpauth://totp/Slack:ops@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Slack",
    "otpauth://totp/%E3%82%B5%E3%82%A4%E3%83%9C%E3%82%A6%E3%82%BA:admin?secret=GAYTEMZUGU3DOOBZ&issuer=%E3%82%B5%E3%82%A4%E3%83%9C%E3%82%A6%E3%82%BA",
];

/// The geometry of the window whose title is `Mamori`, from xdotool.
fn window_geometry(x: &Xvfb) -> Option<(String, [u32; 4])> {
    let search = x
        .command("xdotool")
        .args(["search", "--name", "^Mamori$"])
        .output()
        .ok()?;
    let id = String::from_utf8_lossy(&search.stdout)
        .lines()
        .next()?
        .trim()
        .to_string();
    let geometry = x
        .command("xdotool")
        .args(["getwindowgeometry", "--shell", &id])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&geometry.stdout).to_string();
    let value = |key: &str| -> Option<u32> {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .and_then(|v| v.trim().parse().ok())
    };
    Some((
        id,
        [value("X")?, value("Y")?, value("WIDTH")?, value("HEIGHT")?],
    ))
}

/// The whole X screen of `x`, in colour, saved at `path` by ImageMagick's `import`.
pub fn screenshot(x: &Xvfb, path: &std::path::Path) -> image::RgbaImage {
    let status = x
        .command("import")
        .args(["-window", "root"])
        .arg(path)
        .status()
        .expect("ImageMagick's import is needed: run .ci/install-deps --test");
    assert!(status.success(), "screen capture failed");
    image::open(path).unwrap().to_rgba8()
}

/// How many distinct grey levels a region has, and what share of it differs from its most
/// common colour: a blank or single-colour region has 1 and 0.
fn variety(image: &image::RgbaImage, [x0, y0, w, h]: [u32; 4]) -> (usize, f64) {
    let mut counts = std::collections::HashMap::new();
    for y in y0..(y0 + h).min(image.height()) {
        for x in x0..(x0 + w).min(image.width()) {
            let p = image.get_pixel(x, y).0;
            *counts.entry([p[0], p[1], p[2]]).or_insert(0usize) += 1;
        }
    }
    let total: usize = counts.values().sum();
    let common = counts.values().copied().max().unwrap_or(0);
    (counts.len(), 1.0 - common as f64 / total.max(1) as f64)
}

/// Whether the window region `[x, y, w, h]` of `shot` shows more than a background: many
/// colours and a share of pixels off the most common one.
fn painted(shot: &image::RgbaImage, region: [u32; 4]) -> bool {
    let (colours, busy) = variety(shot, region);
    colours > 20 && busy > 0.03
}

/// The share of pixels of `region` that differ between two screenshots.
fn changed(before: &image::RgbaImage, after: &image::RgbaImage, [x0, y0, w, h]: [u32; 4]) -> f64 {
    let mut differ = 0usize;
    let mut total = 0usize;
    for y in y0..(y0 + h).min(before.height()).min(after.height()) {
        for x in x0..(x0 + w).min(before.width()).min(after.width()) {
            total += 1;
            differ += usize::from(before.get_pixel(x, y) != after.get_pixel(x, y));
        }
    }
    differ as f64 / total.max(1) as f64
}

/// Starts `mamori gui --lang en` on the sandbox's vault and returns the window's X id and
/// geometry once it is mapped and has painted its first frame, with that frame.
fn open_window(x: &mut Xvfb, s: &Sandbox) -> (String, [u32; 4], image::RgbaImage) {
    // No clock check: it would ask the internet's time servers and could put up a banner while
    // a test waits for the screen to change.
    let config = s.path("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("settings.json"), r#"{"clock_check": false}"#).unwrap();
    let runtime = s.path("runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(
        &runtime,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    let window = s
        .command(&["gui", "--lang", "en"])
        .env("DISPLAY", &x.display)
        .env_remove("WAYLAND_DISPLAY")
        .env("XDG_SESSION_TYPE", "x11")
        .env("XDG_RUNTIME_DIR", &runtime)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    x.keep(window);
    let mut found = None;
    wait_until("the Mamori window", || {
        found = window_geometry(x);
        found.is_some()
    });
    let (id, geometry) = found.unwrap();
    // The first frames take a moment on a software renderer: wait until one is on the screen.
    let path = s.path("first-frame.png");
    let mut shot = screenshot(x, &path);
    wait_until("the window's first frame", || {
        shot = screenshot(x, &path);
        painted(&shot, geometry)
    });
    (id, geometry, shot)
}

/// Puts `data` on the X clipboard as `mime` (xclip stays to serve it, as a screenshot tool
/// does).
fn set_clipboard(x: &mut Xvfb, mime: &str, data: &[u8]) {
    use std::io::Write as _;
    let mut owner = x
        .command("xclip")
        .args(["-selection", "clipboard", "-t", mime, "-i"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("xclip is needed: run .ci/install-deps --test");
    owner.stdin.take().unwrap().write_all(data).unwrap();
    x.keep(owner);
}

/// Sends keys (xdotool syntax: `ctrl+v`, `Return`) to the window, focused first.
fn keys(x: &Xvfb, id: &str, keys: &[&str]) {
    x.command("xdotool")
        .args(["windowfocus", "--sync", id])
        .status()
        .unwrap();
    for key in keys {
        x.command("xdotool")
            .args(["key", "--window", id, key])
            .status()
            .unwrap();
    }
}

/// The accounts in the vault, as `mamori list` prints them.
fn listed(s: &Sandbox) -> String {
    stdout(&s.run(&["list"]))
}

#[test]
fn the_window_shows_the_codes_and_enter_copies_the_first_one() {
    let mut x = Xvfb::start(1280, 800);
    let s = Sandbox::plain();
    for uri in ACCOUNTS {
        s.ok(&["add", "--uri", uri]);
    }
    let (id, [left, top, width, height], _) = open_window(&mut x, &s);
    assert!(
        width >= 380 && height >= 360,
        "window size {width}x{height}"
    );
    let shot_path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("gui-window.png");
    let shot = screenshot(&x, &shot_path);
    let (colours, busy) = variety(&shot, [left, top, width, height]);
    assert!(
        painted(&shot, [left, top, width, height]),
        "the window is not blank ({colours} colours, {busy:.3} non-background)"
    );
    // The code column (right half, below the toolbar) has text in it.
    let codes = [
        left + width / 2,
        top + 60,
        width / 2,
        height.saturating_sub(60).min(300),
    ];
    let (colours, busy) = variety(&shot, codes);
    assert!(
        colours > 8 && busy > 0.02,
        "the code column holds text ({colours} colours, {busy:.3})"
    );
    // Enter copies the first account's code to the real clipboard.
    let code_now = stdout(&s.run(&["code", "alice"])).trim().to_string();
    x.command("xdotool")
        .args(["windowfocus", "--sync", &id])
        .status()
        .unwrap();
    x.command("xdotool")
        .args(["key", "--window", &id, "Return"])
        .status()
        .unwrap();
    let mut copied = String::new();
    wait_until("the code on the clipboard", || {
        let out = x
            .command("xclip")
            .args(["-selection", "clipboard", "-o"])
            .output()
            .unwrap();
        copied = String::from_utf8_lossy(&out.stdout).trim().to_string();
        !copied.is_empty()
    });
    // The code may have rolled over between the two reads; both are acceptable.
    let code_after = stdout(&s.run(&["code", "alice"])).trim().to_string();
    assert!(
        copied == code_now || copied == code_after,
        "clipboard {copied:?}, codes {code_now} / {code_after}"
    );
}

/// The vendor manual's routine: PrintScreen (an image, no text, on the clipboard), Ctrl+V in
/// the window, Enter to save after the verify code is shown.
#[test]
fn ctrl_v_with_a_screenshot_on_the_clipboard_adds_the_account() {
    let mut x = Xvfb::start(1280, 800);
    let s = Sandbox::plain();
    let (id, _, _) = open_window(&mut x, &s);
    let shot = crate::scan_cli::qr_png(
        &s.path("printscreen.png"),
        &["otpauth://totp/Kintone:admin@example.co.jp?secret=ABCDEFGHijkl2345&issuer=Kintone"],
        4,
    );
    set_clipboard(&mut x, "image/png", &std::fs::read(shot).unwrap());
    keys(&x, &id, &["ctrl+v"]);
    // The scan runs on a worker; Enter saves once the confirmation is there.
    wait_until("the pasted account saved", || {
        keys(&x, &id, &["Return"]);
        std::thread::sleep(std::time::Duration::from_millis(500));
        listed(&s).contains("Kintone")
    });
    assert_eq!(
        s.ok(&["code", "Kintone", "--at", "1700000000"])
            .trim()
            .len(),
        6
    );
}

/// The other routine: copy the text between `secret=` and `&` (here with both ends still
/// attached), Ctrl+V, type the service's name, Enter.
#[test]
fn ctrl_v_with_a_copied_key_opens_enter_key_with_it_filled_in() {
    let mut x = Xvfb::start(1280, 800);
    let s = Sandbox::plain();
    let (id, geometry, before) = open_window(&mut x, &s);
    set_clipboard(
        &mut x,
        "UTF8_STRING",
        b"secret=ABCDEFGHijkl2345&issuer=Vendor",
    );
    keys(&x, &id, &["ctrl+v"]);
    // Typing goes to the dialog only once it is open: wait until it is on the screen (it dims
    // the whole window behind it; the empty list has nothing else that changes: no codes, no
    // clock check).
    let path = s.path("after-paste.png");
    wait_until("the Enter key dialog", || {
        changed(&before, &screenshot(&x, &path), geometry) > 0.5
    });
    // The service field has the keyboard focus.
    x.command("xdotool")
        .args(["type", "--window", &id, "Vendor"])
        .status()
        .unwrap();
    wait_until("the typed account saved", || {
        keys(&x, &id, &["Return"]);
        std::thread::sleep(std::time::Duration::from_millis(500));
        listed(&s).contains("Vendor")
    });
    let shot_path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("gui-pasted-key.png");
    screenshot(&x, &shot_path);
    // The window saved the key itself, upper-cased, without `secret=` or `&issuer=…`.
    assert_eq!(
        s.ok(&["code", "Vendor", "--at", "1700000000"]),
        s.ok(&[
            "code",
            "--uri",
            "otpauth://totp/x?secret=ABCDEFGHIJKL2345",
            "--at",
            "1700000000"
        ])
    );
}
