//! The add dialog's state: the tab, what scanning found (with thumbnails of where), the
//! account chosen and the typed fields. [`crate::gui::views::add`] draws it.

use egui::{ColorImage, TextureHandle};
use image::GrayImage;

use mamori::account::{
    Account, Algorithm, DEFAULT_DIGITS, DEFAULT_PERIOD, MAX_DIGITS, OtpKind, OtpParams,
};
use mamori::i18n::{Lang, Localize, tr};
use mamori::scan::{Found, ImageScan, Payload, Screen};
use mamori::secret::{Secret, SecretWarning};
use mamori::uri::{KeyUri, UriWarning};

use super::forms::{PathEntry, RegionSelect};

/// The ways in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AddTab {
    /// Capture every screen and scan it.
    #[default]
    Scan,
    /// Image or text from the clipboard.
    Paste,
    /// An image file (chosen or dropped).
    File,
    /// Typed by hand.
    Manual,
}

/// An account about to be added.
#[derive(Clone, Debug)]
pub struct Draft {
    /// Service name.
    pub issuer: String,
    /// Account name.
    pub name: String,
    /// Key and parameters.
    pub otp: OtpParams,
    /// Warnings about the key or URI, in the user's language.
    pub warnings: Vec<String>,
    /// Facts worth a quiet line (a vendor's 80-bit key: nothing the admin can change).
    pub info: Vec<String>,
    /// Add even though the same key is in the vault.
    pub allow_duplicate: bool,
    /// HOTP: the dialog showed the code for the current counter (the verify step uses it up).
    pub hotp_code_shown: bool,
}

impl Draft {
    fn from_key(lang: Lang, key: &KeyUri) -> Draft {
        let mut draft = Draft {
            issuer: key.issuer.clone(),
            name: key.name.clone(),
            otp: key.otp.clone(),
            warnings: Vec::new(),
            info: Vec::new(),
            allow_duplicate: false,
            hotp_code_shown: false,
        };
        for warning in &key.warnings {
            match warning {
                UriWarning::Secret(secret) => draft.note_secret(lang, secret),
                other => draft.warnings.push(other.localize(lang)),
            }
        }
        draft
    }

    /// A short key is the service's choice, so it is a quiet line; leftover bits may mean the
    /// key was copied incompletely, so they stay a warning.
    fn note_secret(&mut self, lang: Lang, warning: &SecretWarning) {
        match warning {
            SecretWarning::Short { bits } => {
                self.info
                    .push(tr(lang, "gui-key-short-info", &[("bits", bits)]))
            }
            SecretWarning::TrailingBits => self.warnings.push(warning.localize(lang)),
        }
    }

    /// The account already in the vault with the same key, if any.
    pub fn duplicate_of<'a>(&self, accounts: &'a [Account]) -> Option<&'a Account> {
        accounts.iter().find(|a| a.otp.same_key(&self.otp))
    }
}

/// A code found, to pick from.
pub struct Candidate {
    /// The account it holds.
    pub draft: Draft,
    /// Where it was found.
    pub source: String,
    pub(crate) thumbnail: Option<ColorImage>,
    pub(crate) texture: Option<TextureHandle>,
}

/// The "enter key by hand" fields.
pub struct ManualForm {
    /// Service name.
    pub issuer: String,
    /// Account name.
    pub name: String,
    /// The Base32 key as typed (spaces and case do not matter).
    pub key: zeroize::Zeroizing<String>,
    /// HOTP instead of TOTP.
    pub hotp: bool,
    /// Hash algorithm.
    pub algorithm: Algorithm,
    /// Code length.
    pub digits: u8,
    /// TOTP period in seconds.
    pub period: u32,
    /// HOTP counter.
    pub counter: u64,
    /// Give the first empty field the keyboard focus next frame (the tab was just opened, or a
    /// pasted key was filled in).
    pub focus: bool,
    /// Save even though the same key is in the vault (asked, as when scanning).
    pub allow_duplicate: bool,
}

impl Default for ManualForm {
    fn default() -> Self {
        ManualForm {
            issuer: String::new(),
            name: String::new(),
            key: zeroize::Zeroizing::new(String::with_capacity(128)),
            hotp: false,
            algorithm: Algorithm::Sha1,
            digits: DEFAULT_DIGITS,
            period: DEFAULT_PERIOD,
            counter: 0,
            focus: true,
            allow_duplicate: false,
        }
    }
}

impl ManualForm {
    /// The account the fields describe, or why they do not describe one yet.
    pub fn draft(&self, lang: Lang) -> Result<Draft, String> {
        if self.key.trim().is_empty() {
            return Err(tr(lang, "gui-manual-need-key", &[]));
        }
        let (secret, warnings) = Secret::from_pasted(&self.key).map_err(|e| e.localize(lang))?;
        if self.issuer.trim().is_empty() && self.name.trim().is_empty() {
            return Err(tr(lang, "gui-manual-need-name", &[]));
        }
        let mut draft = Draft {
            issuer: self.issuer.trim().to_string(),
            name: self.name.trim().to_string(),
            otp: OtpParams {
                secret,
                kind: if self.hotp {
                    OtpKind::Hotp {
                        counter: self.counter,
                    }
                } else {
                    OtpKind::Totp {
                        period: self.period.max(1),
                    }
                },
                algorithm: self.algorithm,
                digits: self.digits.clamp(1, MAX_DIGITS),
            },
            warnings: Vec::new(),
            info: Vec::new(),
            allow_duplicate: self.allow_duplicate,
            hotp_code_shown: self.hotp,
        };
        for warning in &warnings {
            draft.note_secret(lang, warning);
        }
        Ok(draft)
    }
}

/// The add dialog's state.
#[derive(Default)]
pub struct AddDialog {
    /// The tab showing.
    pub tab: AddTab,
    /// A capture or decode is running.
    pub waiting: bool,
    /// What the last attempt found wrong, or a hint.
    pub message: Option<String>,
    /// Codes found, to pick from.
    pub candidates: Vec<Candidate>,
    /// The account chosen, shown with its live code before saving.
    pub chosen: Option<Draft>,
    /// The typed fields.
    pub manual: ManualForm,
    /// The last screen captures, for selecting a region when nothing was found.
    pub captures: Vec<Screen>,
    /// Selecting a region of a capture.
    pub region: Option<RegionSelect>,
    /// The image's path, typed, when no file dialog can be shown.
    pub path_entry: PathEntry,
}

impl AddDialog {
    /// Takes what scanning found: picks the only account directly, lists several, or says why
    /// there is none (and offers region selection after a screen scan).
    pub fn take_results(&mut self, lang: Lang, scans: &[ImageScan], captures: &[Screen]) {
        self.candidates.clear();
        self.chosen = None;
        self.message = None;
        let mut problems = Vec::new();
        for scan in scans {
            for found in &scan.found {
                match &found.payload {
                    Payload::Key(key) => {
                        self.candidates.push(candidate(lang, found, key, captures))
                    }
                    Payload::Migration(migration) => {
                        for key in &migration.accounts {
                            self.candidates.push(candidate(lang, found, key, captures));
                        }
                        for (label, problem) in &migration.rejected {
                            problems.push(format!("{label}: {}", problem.localize(lang)));
                        }
                    }
                    Payload::BadKey(e) => problems.push(e.localize(lang)),
                    Payload::BadMigration(e) => problems.push(e.localize(lang)),
                    Payload::NotAKey => problems.push(tr(
                        lang,
                        "gui-not-a-key",
                        &[("text", &shorten(&found.text))],
                    )),
                }
            }
        }
        self.captures = captures.to_vec();
        // One code goes straight to its confirmation; it stays listed, so Back returns to it.
        if self.candidates.len() == 1 {
            self.chosen = self.candidates.first().map(|c| c.draft.clone());
        }
        if !problems.is_empty() {
            self.message = Some(problems.join("\n"));
        } else if self.candidates.is_empty() && self.chosen.is_none() {
            let seen = scans.iter().any(|s| s.unreadable_code_seen);
            let key = match (seen, captures.is_empty()) {
                (true, _) => "gui-scan-unreadable",
                (false, false) => "gui-scan-nothing-on-screens",
                (false, true) => "gui-scan-nothing",
            };
            self.message = Some(tr(lang, key, &[]));
        }
    }
}

fn shorten(text: &str) -> String {
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

fn candidate(lang: Lang, found: &Found, key: &KeyUri, captures: &[Screen]) -> Candidate {
    let thumbnail = found.bounds.and_then(|bounds| {
        captures
            .iter()
            .enumerate()
            .find(|(i, s)| mamori::scan::screen_label(lang, *i, &s.name) == found.source)
            .map(|(_, s)| thumbnail(&s.image, bounds))
    });
    Candidate {
        draft: Draft::from_key(lang, key),
        source: found.source.clone(),
        thumbnail,
        texture: None,
    }
}

/// The part of a capture around a code, with some of its surroundings (so the user recognises
/// the page), at most 160 pixels wide.
pub fn thumbnail(image: &GrayImage, [left, top, width, height]: [u32; 4]) -> ColorImage {
    let margin = width.max(height);
    let x0 = left.saturating_sub(margin);
    let y0 = top.saturating_sub(margin / 2);
    let x1 = (left + width + margin).min(image.width());
    let y1 = (top + height + margin / 2).min(image.height());
    let crop = image::imageops::crop_imm(
        image,
        x0,
        y0,
        x1.saturating_sub(x0).max(1),
        y1.saturating_sub(y0).max(1),
    )
    .to_image();
    let scale = 160.0 / crop.width().max(1) as f32;
    let (w, h) = (
        ((crop.width() as f32 * scale) as u32).max(1),
        ((crop.height() as f32 * scale) as u32).max(1),
    );
    let small = image::imageops::resize(&crop, w, h, image::imageops::FilterType::Triangle);
    ColorImage::from_gray([w as usize, h as usize], small.as_raw())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mamori::otp;

    #[test]
    fn manual_keys_ignore_spaces_and_case_and_need_a_label() {
        let mut form = ManualForm {
            issuer: " Example ".into(),
            ..Default::default()
        };
        form.key.push_str("jbsw y3dp EHPK-3pxp");
        let draft = form.draft(Lang::En).unwrap();
        assert_eq!(draft.issuer, "Example");
        assert_eq!(otp::generate(&draft.otp, 1_700_000_000).code, "324550");
        form.issuer.clear();
        assert!(form.draft(Lang::En).is_err());
        form.name = "alice".into();
        form.key = zeroize::Zeroizing::new("JBSW!".into());
        assert!(form.draft(Lang::En).is_err());
    }
}
