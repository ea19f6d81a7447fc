//! `mamori scan` on image files end to end: every payload kind and every failure mode, with its
//! message and exit code.

use std::path::{Path, PathBuf};

use image::{GrayImage, Luma};
use serde_json::Value;

use crate::util::{Sandbox, assert_fails, stderr, stdout};

/// The docs/formats.md §4 worked example: two accounts (TOTP and HOTP) of "Example Co".
pub const MIGRATION: &str = "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SEWFsaWNlQGV4YW1wbGUuY29tGgpFeGFtcGxlIENvIAEoATACCioKCkhlbGxvId6tvu8SCG9wcy1ob3RwGgpFeGFtcGxlIENvIAEoATABOAUQARgBIAAowLv4%2F%2F%2F%2F%2F%2F%2F%2FAQ%3D%3D";

/// A vendor-manual style URI with a mixed-case 80-bit key.
pub const VENDOR: &str =
    "otpauth://totp/Vendor:admin@example.com?secret=ABCDEFGHijkl2345&issuer=Vendor";

/// Draws QR codes for `texts` side by side on a light screen-like background.
pub fn qr_png(path: &Path, texts: &[&str], module: u32) -> PathBuf {
    let codes: Vec<GrayImage> = texts
        .iter()
        .map(|t| {
            qrcode::QrCode::new(t.as_bytes())
                .unwrap()
                .render::<Luma<u8>>()
                .module_dimensions(module, module)
                .build()
        })
        .collect();
    let width = codes.iter().map(|c| c.width() + 80).sum::<u32>() + 80;
    let height = codes.iter().map(GrayImage::height).max().unwrap_or(0) + 160;
    let mut canvas = GrayImage::from_pixel(width, height, Luma([235]));
    let mut x = 80;
    for code in &codes {
        image::imageops::replace(&mut canvas, code, i64::from(x), 80);
        x += code.width() + 80;
    }
    canvas.save(path).unwrap();
    path.to_path_buf()
}

#[test]
fn prints_the_uri_exactly_as_the_code_holds_it() {
    let s = Sandbox::plain();
    let shot = qr_png(&s.path("shot.png"), &[VENDOR], 4);
    let output = s.run(&["scan", shot.to_str().unwrap()]);
    assert_eq!(
        stdout(&output),
        format!("{VENDOR}\n"),
        "{}",
        stderr(&output)
    );
    let output = s.run(&["scan", "--json", shot.to_str().unwrap()]);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        json,
        serde_json::json!([{"source": shot.to_str().unwrap(), "uri": VENDOR, "issuer": "Vendor", "name": "admin@example.com"}])
    );
}

#[test]
fn every_image_format_is_read() {
    let s = Sandbox::new();
    let png = qr_png(&s.path("shot.png"), &[VENDOR], 5);
    let image = image::open(&png).unwrap();
    let mut files = vec![png.clone()];
    for ext in ["jpg", "webp", "bmp", "gif"] {
        let path = s.path(&format!("shot.{ext}"));
        image.to_rgb8().save(&path).unwrap();
        files.push(path);
    }
    // A file named wrongly is read by its content.
    let renamed = s.path("shot.txt");
    std::fs::copy(&png, &renamed).unwrap();
    files.push(renamed);
    let args: Vec<&str> = std::iter::once("scan")
        .chain(files.iter().map(|p| p.to_str().unwrap()))
        .collect();
    let output = s.run(&args);
    assert_eq!(
        stdout(&output),
        format!("{VENDOR}\n").repeat(6),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_transfer_code_is_expanded_into_its_accounts_and_added() {
    let s = Sandbox::plain();
    let shot = qr_png(&s.path("transfer.png"), &[MIGRATION], 3);
    let output = s.run(&["scan", shot.to_str().unwrap()]);
    assert_eq!(
        stdout(&output),
        "otpauth://totp/Example%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Co&algorithm=SHA1&digits=6&period=30\n\
         otpauth://hotp/Example%20Co:ops-hotp?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Co&algorithm=SHA1&digits=6&counter=5\n"
    );
    let output = s.run(&["scan", "--add", shot.to_str().unwrap()]);
    assert!(
        stderr(&output).contains("Added 2 account(s).\n"),
        "{}",
        stderr(&output)
    );
    let output = s.run(&["scan", "--add", shot.to_str().unwrap()]);
    assert!(
        stderr(&output).contains("Added 0 account(s); 2 already"),
        "{}",
        stderr(&output)
    );
    assert_eq!(s.ok(&["code", "alice", "--at", "1700000000"]), "324550\n");
    assert_eq!(s.ok(&["code", "ops-hotp"]), "768897\n");
}

#[test]
fn two_codes_on_one_screen_are_both_found() {
    let s = Sandbox::new();
    let other = "otpauth://totp/Chat:ops?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Chat";
    let shot = qr_png(&s.path("two.png"), &[VENDOR, other], 3);
    let output = s.run(&["scan", shot.to_str().unwrap()]);
    let mut lines: Vec<String> = stdout(&output).lines().map(str::to_string).collect();
    lines.sort();
    assert_eq!(lines, [other, VENDOR]);
}

#[test]
fn failure_modes_each_have_their_message() {
    let s = Sandbox::plain();
    let before = std::fs::read(&s.vault).unwrap();

    // Unreadable file.
    assert_fails(
        &s.run(&["scan", "/nonexistent/shot.png"]),
        1,
        "cannot read /nonexistent/shot.png",
    );
    // Not an image.
    let text = s.path("notes.png");
    std::fs::write(&text, "meeting notes\n").unwrap();
    assert_fails(
        &s.run(&["scan", text.to_str().unwrap()]),
        1,
        "is not an image Mamori can read",
    );
    // A damaged (truncated) PNG.
    let good = qr_png(&s.path("good.png"), &[VENDOR], 4);
    let bytes = std::fs::read(&good).unwrap();
    let cut = s.path("cut.png");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert_fails(
        &s.run(&["scan", cut.to_str().unwrap()]),
        1,
        "damaged or incomplete image",
    );
    // An image with no code.
    let blank = s.path("blank.png");
    GrayImage::from_pixel(800, 600, Luma([255]))
        .save(&blank)
        .unwrap();
    assert_fails(
        &s.run(&["scan", blank.to_str().unwrap()]),
        4,
        "no QR code found",
    );
    // A code whose finder patterns are there but whose data cannot be read (here scribbled
    // over): the hint says to zoom in.
    let mut damaged = image::open(qr_png(&s.path("small.png"), &[VENDOR], 4))
        .unwrap()
        .to_luma8();
    for y in 150..230 {
        for x in 150..230 {
            damaged.put_pixel(x, y, Luma([if (x * 7 + y * 13) % 5 < 2 { 0 } else { 255 }]));
        }
    }
    let scribbled = s.path("scribbled.png");
    damaged.save(&scribbled).unwrap();
    assert_fails(
        &s.run(&["scan", scribbled.to_str().unwrap()]),
        4,
        "a QR-like pattern was found but could not be read: zoom the page in",
    );
    // A QR code that is not an authenticator key.
    let link = qr_png(&s.path("link.png"), &["https://example.com/help"], 4);
    let output = s.run(&["scan", link.to_str().unwrap()]);
    assert_fails(&output, 4, "none holds an authenticator key");
    assert!(
        stderr(&output)
            .contains("a QR code that is not an authenticator key: https://example.com/help")
    );
    // A truncated transfer code: its data cut inside the first account.
    let data = MIGRATION
        .split("data=")
        .nth(1)
        .unwrap()
        .replace("%2F", "/")
        .replace("%3D", "=");
    let payload = data_encoding::BASE64.decode(data.as_bytes()).unwrap();
    let truncated = format!(
        "otpauth-migration://offline?data={}",
        data_encoding::BASE64.encode(&payload[..20])
    );
    let bad = qr_png(&s.path("truncated.png"), &[&truncated], 3);
    let output = s.run(&["scan", "--add", bad.to_str().unwrap()]);
    assert_fails(&output, 4, "transfer code");
    assert!(
        stderr(&output).contains("scan it again") || stderr(&output).contains("rescan"),
        "{}",
        stderr(&output)
    );
    // A key URI whose key is broken.
    let broken = qr_png(
        &s.path("broken.png"),
        &["otpauth://totp/A:b?secret=ABC1"],
        4,
    );
    assert_fails(
        &s.run(&["scan", broken.to_str().unwrap()]),
        4,
        "'1', is not a Base32 letter",
    );

    assert_eq!(
        std::fs::read(&s.vault).unwrap(),
        before,
        "no failure touched the vault"
    );
    // Japanese.
    let output = s
        .command(&["scan", blank.to_str().unwrap()])
        .env("LANG", "ja_JP.UTF-8")
        .output()
        .unwrap();
    assert_fails(&output, 4, "QR コードが見つかりません");
}

#[test]
fn one_unreadable_file_does_not_hide_the_others() {
    let s = Sandbox::new();
    let good = qr_png(&s.path("good.png"), &[VENDOR], 4);
    let output = s.run(&["scan", "/nonexistent.png", good.to_str().unwrap()]);
    assert_eq!(stdout(&output), format!("{VENDOR}\n"));
    assert_fails(&output, 1, "1 image(s) could not be read");
}
