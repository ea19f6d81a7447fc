//! Screen and clipboard scanning on a real X server: each test starts its own Xvfb (so tests
//! never share a clipboard or a screen), shows a QR code with an image viewer or puts it on
//! the clipboard, and runs `mamori scan --screen` / `--clipboard` against it.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::scan_cli::{MIGRATION, VENDOR, qr_png};
use crate::util::{Sandbox, assert_fails, stderr, stdout};

/// A private X server, stopped on drop.
pub struct Xvfb {
    /// `:N`.
    pub display: String,
    server: Child,
    helpers: Vec<Child>,
}

impl Xvfb {
    pub fn start(width: u32, height: u32) -> Xvfb {
        let probe = Command::new("Xvfb")
            .arg("-help")
            .stderr(Stdio::null())
            .status();
        assert!(
            probe.is_ok(),
            "Xvfb is not installed: run .ci/install-deps --test"
        );
        // Xvfb picks a free display itself and writes its number to stdout once it accepts
        // connections (-displayfd), so there is no race on the number or on readiness.
        // -noreset: by default an X server resets when its last client disconnects and drops
        // a client connecting meanwhile; xcap opens and closes several connections in a row,
        // so a scan on an otherwise empty screen failed with "Connection error" (10 of 30
        // fresh servers here under load; none of 60 with -noreset).
        let mut server = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                &format!("{width}x{height}x24"),
                "-nolisten",
                "tcp",
                "-noreset",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(server.stdout.take().unwrap()),
            &mut line,
        )
        .unwrap();
        let display = format!(":{}", line.trim());
        assert!(display.len() > 1, "Xvfb did not start");
        Xvfb {
            display,
            server,
            helpers: Vec::new(),
        }
    }

    /// A command connected to this display only (X11, no Wayland).
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .env("DISPLAY", &self.display)
            .env_remove("WAYLAND_DISPLAY")
            .env("XDG_SESSION_TYPE", "x11");
        command
    }

    /// Runs mamori in the sandbox against this display.
    pub fn mamori(&self, sandbox: &Sandbox, args: &[&str]) -> std::process::Output {
        sandbox
            .command(args)
            .env("DISPLAY", &self.display)
            .env_remove("WAYLAND_DISPLAY")
            .env("XDG_SESSION_TYPE", "x11")
            .output()
            .unwrap()
    }

    pub fn keep(&mut self, child: Child) {
        self.helpers.push(child);
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        for helper in &mut self.helpers {
            let _ = helper.kill();
            let _ = helper.wait();
        }
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A wide screen with a viewer window showing the code far from the origin: `scan --screen`
/// finds it, names the screen, and `--add` adds it.
#[test]
fn scan_screen_finds_a_code_shown_in_a_window() {
    let mut x = Xvfb::start(3200, 1200);
    let s = Sandbox::plain();
    let qr = qr_png(&s.path("qr.png"), &[VENDOR], 4);
    // No window manager: the geometry is honoured as asked.
    let viewer = x
        .command("feh")
        .args([
            "--geometry",
            "420x420+2300+600",
            "--borderless",
            "--image-bg",
            "white",
        ])
        .arg(&qr)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("feh is needed: run .ci/install-deps --test");
    x.keep(viewer);
    let mut last = x.mamori(&s, &["scan", "--screen", "--json"]);
    wait_until("the code to appear on the screen", || {
        last = x.mamori(&s, &["scan", "--screen", "--json"]);
        last.status.success()
    });
    let last = stdout(&last);
    let json: serde_json::Value = serde_json::from_str(&last).unwrap();
    assert_eq!(json[0]["uri"], VENDOR, "{last}");
    assert!(
        json[0]["source"].as_str().unwrap().starts_with("screen 1"),
        "{last}"
    );
    let output = x.mamori(&s, &["scan", "--screen", "--add"]);
    assert!(
        stderr(&output).contains("Added 1 account(s)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(s.ok(&["code", "vendor", "--at", "1700000000"]), "524686\n");
}

#[test]
fn scan_screen_says_when_nothing_is_there() {
    let x = Xvfb::start(1280, 800);
    let s = Sandbox::new();
    assert_fails(&x.mamori(&s, &["scan", "--screen"]), 4, "no QR code found");
}

#[test]
fn scan_screen_without_a_display_says_what_to_do_instead() {
    let s = Sandbox::new();
    let output = s
        .command(&["scan", "--screen"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_fails(&output, 1, "mamori scan FILE");
}

/// The clipboard: an image (what PrintScreen or a snipping tool leaves), then a copied URI,
/// then nothing. One test, one display: the clipboard is one per display.
#[test]
fn scan_clipboard_reads_images_and_copied_uris() {
    let mut x = Xvfb::start(1280, 800);
    let s = Sandbox::plain();
    let shot = qr_png(&s.path("screenshot.png"), &[MIGRATION], 3);

    // Nothing on the clipboard yet.
    assert_fails(
        &x.mamori(&s, &["scan", "--clipboard"]),
        1,
        "clipboard holds no image and no text",
    );

    let owner = x
        .command("xclip")
        .args(["-selection", "clipboard", "-t", "image/png", "-i"])
        .arg(&shot)
        .spawn()
        .expect("xclip is needed: run .ci/install-deps --test");
    x.keep(owner);
    let mut output = x.mamori(&s, &["scan", "--clipboard", "--add"]);
    wait_until("the clipboard image", || {
        output = x.mamori(&s, &["scan", "--clipboard", "--add"]);
        output.status.success()
    });
    assert_eq!(stdout(&output).lines().count(), 2, "{}", stderr(&output));
    assert!(stdout(&output).contains("Example%20Co:alice%40example.com"));
    assert_eq!(s.ok(&["code", "alice", "--at", "1700000000"]), "324550\n");

    let mut text_owner = x
        .command("xclip")
        .args(["-selection", "clipboard", "-i"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    text_owner
        .stdin
        .take()
        .unwrap()
        .write_all(VENDOR.as_bytes())
        .unwrap();
    x.keep(text_owner);
    wait_until("the clipboard text", || {
        output = x.mamori(&s, &["scan", "--clipboard"]);
        stdout(&output) == format!("{VENDOR}\n")
    });
}
