//! From pictures to accounts: decode every QR code in an image or in each screen's capture,
//! and say what each one holds — a key URI, a Google Authenticator transfer code (expanded into
//! its accounts), or something that is not an authenticator key. Shared by `mamori scan` and
//! the desktop window; it takes images and returns results, with no global state, so callers
//! run it off their UI thread.

use image::GrayImage;

use crate::i18n::{Lang, Localize, tr};
use crate::qr;
use crate::uri::migration::{self, Migration, MigrationError};
use crate::uri::{KeyUri, UriError};

/// What one QR code holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    /// An `otpauth://` key URI.
    Key(KeyUri),
    /// An `otpauth://` URI that cannot be used, and why.
    BadKey(UriError),
    /// A Google Authenticator transfer code with its accounts.
    Migration(Migration),
    /// An `otpauth-migration://` text that cannot be read, and why.
    BadMigration(MigrationError),
    /// Something else: a web link, plain text.
    NotAKey,
}

/// One QR code found, where it was found and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Which image or screen: a file name, `screen 1 (HDMI-1)`, `clipboard`.
    pub source: String,
    /// The text exactly as the QR code holds it.
    pub text: String,
    /// What it means.
    pub payload: Payload,
    /// Where it is in its image: left, top, width, height.
    pub bounds: Option<[u32; 4]>,
}

impl Found {
    /// The key URIs to show or add: the code's own text for a key URI (byte for byte, so the
    /// user sees what the service issued), or each account of a transfer code written in the
    /// canonical form.
    pub fn uris(&self) -> Vec<(String, &KeyUri)> {
        match &self.payload {
            Payload::Key(key) => vec![(self.text.clone(), key)],
            Payload::Migration(migration) => migration
                .accounts
                .iter()
                .map(|key| {
                    (
                        crate::uri::to_uri(&key.issuer, &key.name, &key.otp).to_string(),
                        key,
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// What scanning one image found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageScan {
    /// Every QR code, in the order found.
    pub found: Vec<Found>,
    /// When nothing was read: whether something QR-shaped was there (too small, blurred or cut
    /// off) rather than nothing at all.
    pub unreadable_code_seen: bool,
}

/// What a pasted or copied text holds, as if each `otpauth://` or `otpauth-migration://` line
/// had been read from a QR code (a byte-order mark, CRLF and surrounding notes are ignored).
/// Text with no such line is one [`Payload::NotAKey`] finding; the caller may then check
/// [`crate::secret::is_pasted_key`], since a bare key is not a URI. Shared by `mamori scan
/// --clipboard` and the window's paste.
pub fn scan_text(source: &str, text: &str) -> ImageScan {
    let text = text.trim_start_matches('\u{feff}');
    let mut found: Vec<Found> = text
        .lines()
        .map(str::trim)
        .filter(|line| {
            let lower = line.get(..8).map(str::to_ascii_lowercase);
            lower.as_deref() == Some("otpauth:") || lower.as_deref() == Some("otpauth-")
        })
        .map(|line| Found {
            source: source.to_string(),
            text: line.to_string(),
            payload: classify(line),
            bounds: None,
        })
        .collect();
    if found.is_empty() {
        found.push(Found {
            source: source.to_string(),
            text: text.trim().to_string(),
            payload: Payload::NotAKey,
            bounds: None,
        });
    }
    ImageScan {
        found,
        unreadable_code_seen: false,
    }
}

/// Classifies the text of one QR code.
pub fn classify(text: &str) -> Payload {
    let trimmed = text.trim_start();
    let starts = |prefix: &str| {
        trimmed
            .get(..prefix.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(prefix))
    };
    if starts("otpauth-migration:") {
        match migration::parse(trimmed) {
            Ok(migration) => Payload::Migration(migration),
            Err(e) => Payload::BadMigration(e),
        }
    } else if starts("otpauth:") {
        match trimmed.parse::<KeyUri>() {
            Ok(key) => Payload::Key(key),
            Err(e) => Payload::BadKey(e),
        }
    } else {
        Payload::NotAKey
    }
}

/// Decodes every QR code in `image`; `source` names it in the results.
pub fn scan_image(source: &str, image: &GrayImage) -> ImageScan {
    let qr::Decoded {
        mut symbols,
        regions,
    } = qr::decode_and_locate(image);
    // Nothing read, but something QR-shaped is there (a code drawn at 1.25 px a module by a
    // zoomed-out browser): look again at that part, enlarged, as "select a region" would.
    let mut unreadable_code_seen = false;
    if symbols.is_empty() && !regions.is_empty() {
        symbols = qr::decode_regions(image, &regions);
        unreadable_code_seen = symbols.is_empty();
    }
    let found: Vec<Found> = symbols
        .into_iter()
        .map(|symbol| Found {
            source: source.to_string(),
            payload: classify(&symbol.text),
            text: symbol.text,
            bounds: symbol.bounds,
        })
        .collect();
    ImageScan {
        found,
        unreadable_code_seen,
    }
}

/// One monitor's capture.
#[derive(Clone, Debug)]
pub struct Screen {
    /// The monitor's name as the system gives it.
    pub name: String,
    /// Its pixels in grey.
    pub image: GrayImage,
}

/// Why screens or the clipboard could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaptureError {
    /// No display to capture (no `DISPLAY`/`WAYLAND_DISPLAY`, or the connection failed).
    NoDisplay(String),
    /// The system refused the capture (a Wayland desktop without permission, a portal that
    /// said no).
    Refused(String),
    /// The system reports no monitors.
    NoScreens,
    /// The clipboard holds neither an image nor text.
    ClipboardEmpty,
    /// The clipboard could not be read.
    Clipboard(String),
}

/// Something that captures every monitor, each as its own image: xcap in the program, a list of
/// images in tests.
pub trait ScreenSource {
    /// One capture per monitor.
    fn capture(&self) -> Result<Vec<Screen>, CaptureError>;
}

/// A fixed set of images standing in for monitors.
#[derive(Clone, Debug, Default)]
pub struct FixedScreens(pub Vec<Screen>);

impl ScreenSource for FixedScreens {
    fn capture(&self) -> Result<Vec<Screen>, CaptureError> {
        if self.0.is_empty() {
            return Err(CaptureError::NoScreens);
        }
        Ok(self.0.clone())
    }
}

/// Captures every monitor and scans each capture on its own, so each result says which screen
/// held the code. Screens are numbered from 1 in the order the system lists them.
pub fn scan_screens(lang: Lang, source: &dyn ScreenSource) -> Result<Vec<ImageScan>, CaptureError> {
    let screens = source.capture()?;
    if screens.is_empty() {
        return Err(CaptureError::NoScreens);
    }
    Ok(screens
        .iter()
        .enumerate()
        .map(|(i, screen)| scan_image(&screen_label(lang, i, &screen.name), &screen.image))
        .collect())
}

/// `screen 2 (HDMI-1)` / `画面 2 (HDMI-1)`; just `screen 1` when the system gives the monitor
/// no name of its own (X servers without RandR outputs call it "screen").
pub fn screen_label(lang: Lang, index: usize, name: &str) -> String {
    let number = index + 1;
    if name.trim().is_empty() || name.trim().eq_ignore_ascii_case("screen") {
        tr(lang, "scan-screen", &[("number", &number)])
    } else {
        tr(
            lang,
            "scan-screen-named",
            &[("number", &number), ("name", &name)],
        )
    }
}

impl crate::advice::Advise for CaptureError {
    fn advice(&self) -> Option<crate::advice::Advice> {
        matches!(self, CaptureError::NoDisplay(_) | CaptureError::Refused(_))
            .then_some(crate::advice::Advice::ScanScreenshotInstead)
    }
}

impl Localize for CaptureError {
    fn localize(&self, lang: Lang) -> String {
        match self {
            CaptureError::NoDisplay(detail) => {
                tr(lang, "capture-no-display", &[("detail", detail)])
            }
            CaptureError::Refused(detail) => tr(lang, "capture-refused", &[("detail", detail)]),
            CaptureError::NoScreens => tr(lang, "capture-no-screens", &[]),
            CaptureError::ClipboardEmpty => tr(lang, "capture-clipboard-empty", &[]),
            CaptureError::Clipboard(detail) => tr(lang, "capture-clipboard", &[("detail", detail)]),
        }
    }
}

crate::localized_error!(CaptureError);

#[cfg(test)]
mod tests {
    use super::*;

    /// A page with one code drawn at `pixels_per_module` (a browser zoomed out draws a 4-px
    /// module at 1 to 1.3 px, smoothed).
    fn zoomed_out_page(text: &str, pixels_per_module: f32) -> GrayImage {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let sharp = code
            .render::<image::Luma<u8>>()
            .module_dimensions(8, 8)
            .quiet_zone(true)
            .build();
        let scale = pixels_per_module / 8.0;
        let small = image::imageops::resize(
            &sharp,
            (sharp.width() as f32 * scale).round() as u32,
            (sharp.height() as f32 * scale).round() as u32,
            image::imageops::FilterType::Triangle,
        );
        let mut page = GrayImage::from_pixel(1600, 1000, image::Luma([245]));
        image::imageops::replace(&mut page, &small, 700, 400);
        page
    }

    #[test]
    fn a_code_too_small_to_read_is_enlarged_where_it_looks_like_one() {
        let uri = "otpauth://totp/Trend%20Micro:admin%40example-holdings.co.jp?secret=ABCDEFGHijkl2345&issuer=Trend%20Micro";
        // 1.3 px a module: what a browser at 67-80 % zoom makes of a 2-px-a-module code.
        let page = zoomed_out_page(uri, 1.3);
        // The readers alone give up on it...
        assert!(qr::decode(&page).is_empty(), "the case is too easy");
        // ...the enlarged second look around the finder patterns reads it.
        let scan = scan_image("page", &page);
        assert_eq!(scan.found.len(), 1, "{scan:?}");
        assert!(matches!(&scan.found[0].payload, Payload::Key(k) if k.issuer == "Trend Micro"));
        let [x, y, _, _] = scan.found[0].bounds.unwrap();
        assert!(
            (650..800).contains(&x) && (350..500).contains(&y),
            "{x} {y}"
        );
        assert!(!scan.unreadable_code_seen);
    }

    #[test]
    fn pasted_text_finds_every_uri_line_and_says_when_there_is_none() {
        let text = "\u{feff}notes\r\notpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A\r\n\
                    otpauth://totp/B:b?secret=GEZDGNBVGY3TQOJQ\r\n";
        let scan = scan_text("clipboard", text);
        assert_eq!(scan.found.len(), 2);
        assert!(matches!(&scan.found[0].payload, Payload::Key(k) if k.issuer == "A"));
        let scan = scan_text("clipboard", "hello\nworld");
        assert_eq!(scan.found.len(), 1);
        assert_eq!(scan.found[0].payload, Payload::NotAKey);
    }

    fn qr_screen(width: u32, height: u32, codes: &[(&str, u32, u32)]) -> GrayImage {
        let mut screen = GrayImage::from_pixel(width, height, image::Luma([230]));
        for (text, x, y) in codes {
            let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
            let img = code
                .render::<image::Luma<u8>>()
                .module_dimensions(3, 3)
                .build();
            image::imageops::replace(&mut screen, &img, i64::from(*x), i64::from(*y));
        }
        screen
    }

    #[test]
    fn payloads_are_told_apart() {
        assert!(matches!(
            classify("otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP"),
            Payload::Key(_)
        ));
        assert!(matches!(
            classify("otpauth://totp/A:b?secret=ABC1"),
            Payload::BadKey(_)
        ));
        assert!(matches!(
            classify("otpauth-migration://offline?data=AAAA"),
            Payload::BadMigration(_) | Payload::Migration(_)
        ));
        assert_eq!(classify("https://example.com/"), Payload::NotAKey);
        assert_eq!(classify("hello"), Payload::NotAKey);
    }

    /// Several monitors, each decoded on its own; codes on two of them, one with two codes.
    #[test]
    fn every_monitor_is_scanned_and_named() {
        let a = "otpauth://totp/A:one?secret=JBSWY3DPEHPK3PXP";
        let b = "otpauth://totp/B:two?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        let c = "https://example.com/not-a-key";
        let screens = FixedScreens(vec![
            Screen {
                name: "eDP-1".into(),
                image: qr_screen(1280, 800, &[]),
            },
            Screen {
                name: "HDMI-1".into(),
                image: qr_screen(1920, 1080, &[(a, 1500, 700), (c, 100, 100)]),
            },
            Screen {
                name: String::new(),
                image: qr_screen(1024, 768, &[(b, 600, 300)]),
            },
        ]);
        let scans = scan_screens(Lang::En, &screens).unwrap();
        assert_eq!(scans.len(), 3);
        assert!(scans[0].found.is_empty());
        let second: Vec<(&str, &str)> = scans[1]
            .found
            .iter()
            .map(|f| (f.source.as_str(), f.text.as_str()))
            .collect();
        assert_eq!(second.len(), 2, "{second:?}");
        assert!(second.contains(&("screen 2 (HDMI-1)", a)));
        assert!(second.contains(&("screen 2 (HDMI-1)", c)));
        assert_eq!(scans[2].found[0].source, "screen 3");
        assert_eq!(scans[2].found[0].text, b);
        let [x, y, _, _] = scans[2].found[0].bounds.unwrap();
        assert!(
            (590..700).contains(&x) && (290..400).contains(&y),
            "{x},{y}"
        );
        assert_eq!(
            scan_screens(Lang::En, &FixedScreens::default()),
            Err(CaptureError::NoScreens)
        );
    }
}
