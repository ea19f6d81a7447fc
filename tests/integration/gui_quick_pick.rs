//! One window per user, `--hidden` and the quick pick, with the real binary under a private
//! Xvfb: windows found and keys sent with xdotool (the hotkey through the X server's key grab,
//! as a user presses it), the code read back from the real X clipboard with xclip and checked
//! against oathtool.

use std::process::Stdio;
use std::time::Duration;

use crate::display::{Xvfb, wait_until};
use crate::util::Sandbox;

const SLACK: &str = "otpauth://totp/Slack:ops@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Slack";
const SLACK_KEY: &str = "GEZDGNBVGY3TQOJQ";
const EXAMPLE: &str =
    "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";

/// The sandbox's settings (no clock check: it would ask the internet) and a private 0700
/// runtime folder, where the instance socket goes.
fn prepare(s: &Sandbox) -> std::path::PathBuf {
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
    runtime
}

/// `mamori <args>` on the sandbox's vault against `x`.
fn mamori(
    x: &Xvfb,
    s: &Sandbox,
    runtime: &std::path::Path,
    args: &[&str],
) -> std::process::Command {
    let mut all = vec!["--lang", "en"];
    all.extend_from_slice(args);
    let mut command = s.command(&all);
    command
        .env("DISPLAY", &x.display)
        .env_remove("WAYLAND_DISPLAY")
        .env("XDG_SESSION_TYPE", "x11")
        .env("XDG_RUNTIME_DIR", runtime)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

/// The ids of the mapped windows whose title is exactly `title`.
fn visible(x: &Xvfb, title: &str) -> Vec<String> {
    let out = x
        .command("xdotool")
        .args(["search", "--onlyvisible", "--name", &format!("^{title}$")])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Every window (mapped or not) whose title starts with `Mamori`.
fn all_mamori_windows(x: &Xvfb) -> usize {
    let out = x
        .command("xdotool")
        .args(["search", "--name", "^Mamori"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).lines().count()
}

/// Starts the first window with `--hidden` and waits until it listens (its socket is there).
fn start_hidden(x: &mut Xvfb, s: &Sandbox, runtime: &std::path::Path) {
    let child = mamori(x, s, runtime, &["gui", "--hidden"]).spawn().unwrap();
    x.keep(child);
    wait_until("the hidden window's socket", || {
        std::fs::read_dir(runtime)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".sock"))
    });
    // Its window exists (created, unmapped) once the hotkey is grabbed too.
    wait_until("the hidden window created", || all_mamori_windows(x) == 1);
}

fn oathtool(key: &str) -> String {
    let out = std::process::Command::new("oathtool")
        .args(["--totp", "-b", key])
        .output()
        .expect("oathtool is needed: run .ci/install-deps --test");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn clipboard(x: &Xvfb) -> String {
    let out = x
        .command("xclip")
        .args(["-selection", "clipboard", "-o"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Types `text` and presses Enter in the quick pick window `id`.
fn pick(x: &Xvfb, id: &str, text: &str) {
    x.command("xdotool")
        .args(["windowfocus", "--sync", id])
        .status()
        .unwrap();
    x.command("xdotool")
        .args(["type", "--window", id, text])
        .status()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    x.command("xdotool")
        .args(["key", "--window", id, "Return"])
        .status()
        .unwrap();
}

/// Waits for the quick pick, types `issuer`, presses Enter, and checks that the clipboard
/// holds oathtool's code for `key` (either side of a 30 s boundary) and that the window is
/// hidden again.
fn pick_and_check(x: &Xvfb, issuer: &str, key: &str) {
    let mut ids = Vec::new();
    wait_until("the quick pick window", || {
        ids = visible(x, "Mamori Quick Pick");
        !ids.is_empty()
    });
    let before = oathtool(key);
    pick(x, &ids[0], issuer);
    let mut copied = String::new();
    wait_until("the code on the clipboard", || {
        copied = clipboard(x);
        copied.len() == 6
    });
    let after = oathtool(key);
    assert!(
        copied == before || copied == after,
        "clipboard {copied:?}, oathtool {before} / {after}"
    );
    wait_until("the quick pick hidden again", || {
        visible(x, "Mamori Quick Pick").is_empty() && visible(x, "Mamori").is_empty()
    });
}

#[test]
fn a_hidden_window_maps_nothing_and_quick_pick_from_a_second_process_copies_the_code() {
    let mut x = Xvfb::start(1280, 800);
    let s = Sandbox::plain();
    s.ok(&["add", "--uri", EXAMPLE]);
    s.ok(&["add", "--uri", SLACK]);
    let runtime = prepare(&s);
    start_hidden(&mut x, &s, &runtime);
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        visible(&x, "Mamori").is_empty() && visible(&x, "Mamori Quick Pick").is_empty(),
        "gui --hidden mapped a window"
    );
    // A second process asks the first one and exits at once, successfully.
    let status = mamori(&x, &s, &runtime, &["gui", "--quick-pick"])
        .status()
        .unwrap();
    assert!(status.success());
    pick_and_check(&x, "Slack", SLACK_KEY);
    // The command line keeps working beside the window.
    assert!(s.ok(&["list"]).contains("Slack"));
    // A second plain start brings the one window forward and exits: still one window.
    let status = mamori(&x, &s, &runtime, &["gui"]).status().unwrap();
    assert!(status.success());
    wait_until("the main window shown", || visible(&x, "Mamori").len() == 1);
    let status = mamori(&x, &s, &runtime, &[]).status().unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(visible(&x, "Mamori").len(), 1);
    assert_eq!(all_mamori_windows(&x), 1, "one window, whatever its state");
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("gui-second-start.png");
    crate::gui_window::screenshot(&x, &shot);
}

#[test]
fn the_global_hotkey_shows_the_quick_pick() {
    let mut x = Xvfb::start(1280, 800);
    let s = Sandbox::plain();
    s.ok(&["add", "--uri", EXAMPLE]);
    s.ok(&["add", "--uri", SLACK]);
    let runtime = prepare(&s);
    start_hidden(&mut x, &s, &runtime);
    // The key grab is on the root window: no window needs the focus.
    x.command("xdotool")
        .args(["key", "ctrl+alt+m"])
        .status()
        .unwrap();
    let mut ids = Vec::new();
    wait_until("the quick pick window", || {
        ids = visible(&x, "Mamori Quick Pick");
        !ids.is_empty()
    });
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("gui-quick-pick.png");
    crate::gui_window::screenshot(&x, &shot);
    pick_and_check(&x, "Example", "JBSWY3DPEHPK3PXP");
}
