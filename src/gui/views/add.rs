//! The add dialog: every way in, each one step — scan the screens, paste (an image or a key
//! URI), open or drop an image file, or type the key. Codes found are listed with where they
//! were (a thumbnail of the screen around them) so the user picks the right one; the chosen
//! account shows its live code before it is saved, for the service's "verify" step.

use egui::{ColorImage, RichText, TextureHandle};
use image::GrayImage;

use mamori::account::{
    Account, Algorithm, DEFAULT_DIGITS, DEFAULT_PERIOD, MAX_DIGITS, OtpKind, OtpParams,
};
use mamori::i18n::{Lang, Localize, tr};
use mamori::otp;
use mamori::scan::{Found, ImageScan, Payload, Screen};
use mamori::secret::Secret;
use mamori::uri::KeyUri;

use super::View;
use super::region::RegionSelect;
use crate::gui::app::Command;

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
    /// Add even though the same key is in the vault.
    pub allow_duplicate: bool,
    /// HOTP: the dialog showed the code for the current counter (the verify step uses it up).
    pub hotp_code_shown: bool,
}

impl Draft {
    fn from_key(lang: Lang, key: &KeyUri) -> Draft {
        Draft {
            issuer: key.issuer.clone(),
            name: key.name.clone(),
            otp: key.otp.clone(),
            warnings: key.warnings.iter().map(|w| w.localize(lang)).collect(),
            allow_duplicate: false,
            hotp_code_shown: false,
        }
    }
}

/// A code found, to pick from.
pub struct Candidate {
    /// The account it holds.
    pub draft: Draft,
    /// Where it was found.
    pub source: String,
    thumbnail: Option<ColorImage>,
    texture: Option<TextureHandle>,
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
        }
    }
}

impl ManualForm {
    /// The account the fields describe, or why they do not describe one yet.
    pub fn draft(&self, lang: Lang) -> Result<Draft, String> {
        if self.key.trim().is_empty() {
            return Err(tr(lang, "gui-manual-need-key", &[]));
        }
        let (secret, warnings) = Secret::from_base32(&self.key).map_err(|e| e.localize(lang))?;
        if self.issuer.trim().is_empty() && self.name.trim().is_empty() {
            return Err(tr(lang, "gui-manual-need-name", &[]));
        }
        Ok(Draft {
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
            warnings: warnings.iter().map(|w| w.localize(lang)).collect(),
            allow_duplicate: false,
            hotp_code_shown: false,
        })
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
        if self.candidates.len() == 1 {
            self.chosen = self.candidates.pop().map(|c| c.draft);
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
            .find(|(i, s)| mamori::scan::screen_label(*i, &s.name) == found.source)
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

/// What a pasted text holds: each line that is an `otpauth://` or `otpauth-migration://` URI.
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
            payload: mamori::scan::classify(line),
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

/// Draws the dialog.
pub fn ui(
    ctx: &egui::Context,
    view: &View,
    dialog: &mut AddDialog,
    accounts: &[Account],
    out: &mut Vec<Command>,
) {
    let modal = egui::Modal::new(egui::Id::unique("add-dialog")).show(ctx, |ui| {
        ui.set_width(520.0_f32.min(ctx.content_rect().width() - 40.0));
        ui.heading(view.t("gui-add-title"));
        if let Some(draft) = &mut dialog.chosen {
            if confirm_ui(ui, view, draft, accounts, out) {
                dialog.chosen = None;
            }
            return;
        }
        ui.horizontal_wrapped(|ui| {
            for (tab, key) in [
                (AddTab::Scan, "gui-tab-scan"),
                (AddTab::Paste, "gui-tab-paste"),
                (AddTab::File, "gui-tab-file"),
                (AddTab::Manual, "gui-tab-manual"),
            ] {
                if ui
                    .selectable_label(dialog.tab == tab, view.t(key))
                    .clicked()
                {
                    dialog.tab = tab;
                    dialog.message = None;
                }
            }
        });
        if ui
            .link(view.t("gui-add-import-link"))
            .on_hover_text(view.t("gui-import-explain"))
            .clicked()
        {
            out.push(Command::OpenImport);
        }
        ui.separator();
        match dialog.tab {
            AddTab::Scan => {
                ui.label(view.t("gui-scan-explain"));
                if ui
                    .add_enabled(!view.busy, egui::Button::new(view.t("gui-scan-start")))
                    .clicked()
                {
                    out.push(Command::ScanScreens);
                }
                if !dialog.captures.is_empty()
                    && dialog.candidates.is_empty()
                    && ui.button(view.t("gui-select-region")).clicked()
                {
                    dialog.region = Some(RegionSelect::new(std::mem::take(&mut dialog.captures)));
                }
            }
            AddTab::Paste => {
                ui.label(view.t("gui-paste-explain"));
                if ui
                    .add_enabled(!view.busy, egui::Button::new(view.t("gui-paste-now")))
                    .clicked()
                {
                    out.push(Command::Paste);
                }
            }
            AddTab::File => {
                ui.label(view.t("gui-file-explain"));
                if ui
                    .add_enabled(!view.busy, egui::Button::new(view.t("gui-file-choose")))
                    .clicked()
                {
                    out.push(Command::ChooseImage);
                }
            }
            AddTab::Manual => {
                manual_ui(ui, view, &mut dialog.manual, accounts, out);
            }
        }
        if dialog.waiting {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(view.t("gui-scanning"));
            });
        }
        if let Some(message) = &dialog.message {
            ui.add_space(4.0);
            ui.label(RichText::new(message).color(egui::Color32::from_rgb(0xc0, 0x50, 0x20)));
        }
        if !dialog.candidates.is_empty() {
            candidates_ui(ui, view, dialog, out);
        }
        ui.add_space(6.0);
        ui.separator();
        if ui.button(view.t("gui-cancel")).clicked() {
            out.push(Command::CloseDialogs);
        }
    });
    if modal.should_close() && !view.busy {
        out.push(Command::CloseDialogs);
    }
}

fn candidates_ui(ui: &mut egui::Ui, view: &View, dialog: &mut AddDialog, out: &mut Vec<Command>) {
    ui.add_space(6.0);
    ui.label(
        RichText::new(view.tf("gui-found-count", &[("count", &dialog.candidates.len())])).strong(),
    );
    let mut picked = None;
    egui::ScrollArea::vertical()
        .max_height(300.0)
        .show(ui, |ui| {
            for (i, candidate) in dialog.candidates.iter_mut().enumerate() {
                ui.horizontal(|ui| {
                    if let Some(image) = candidate.thumbnail.take() {
                        candidate.texture = Some(ui.ctx().load_texture(
                            format!("candidate-{i}"),
                            image,
                            egui::TextureOptions::LINEAR,
                        ));
                    }
                    if let Some(texture) = &candidate.texture {
                        ui.add(egui::Image::new(texture).max_width(120.0))
                            .on_hover_text(&candidate.source);
                    }
                    ui.vertical(|ui| {
                        ui.label(RichText::new(label(&candidate.draft)).strong());
                        ui.label(RichText::new(&candidate.source).weak().small());
                    });
                    if ui.button(view.t("gui-use-this")).clicked() {
                        picked = Some(i);
                    }
                });
                ui.separator();
            }
        });
    if let Some(i) = picked {
        let candidate = dialog.candidates.remove(i);
        dialog.chosen = Some(candidate.draft);
        dialog.candidates.clear();
    } else if dialog.candidates.len() > 1
        && ui
            .button(view.tf("gui-add-all", &[("count", &dialog.candidates.len())]))
            .clicked()
    {
        out.push(Command::AddAccounts(
            dialog.candidates.iter().map(|c| c.draft.clone()).collect(),
        ));
    }
}

fn label(draft: &Draft) -> String {
    match (draft.issuer.is_empty(), draft.name.is_empty()) {
        (false, false) => format!("{} ({})", draft.issuer, draft.name),
        (false, true) => draft.issuer.clone(),
        _ => draft.name.clone(),
    }
}

/// The live code of a draft, large, with seconds left.
fn live_code_ui(ui: &mut egui::Ui, view: &View, otp_params: &OtpParams) {
    let code = otp::generate(otp_params, view.now.max(0.0) as u64);
    ui.horizontal(|ui| {
        ui.label(view.t("gui-current-code"));
        let urgent = code
            .remaining
            .is_some_and(|r| r <= super::accounts::URGENT_SECONDS);
        let text = RichText::new(code.grouped()).monospace().size(30.0);
        ui.label(if urgent {
            text.color(super::accounts::URGENT)
        } else {
            text.strong()
        });
        if let Some(left) = code.remaining {
            ui.label(view.tf("gui-seconds-left", &[("seconds", &left)]));
        }
    });
}

/// The confirmation step. Returns true when the user goes back.
fn confirm_ui(
    ui: &mut egui::Ui,
    view: &View,
    draft: &mut Draft,
    accounts: &[Account],
    out: &mut Vec<Command>,
) -> bool {
    ui.label(view.t("gui-confirm-explain"));
    egui::Grid::new("confirm-grid")
        .num_columns(2)
        .show(ui, |ui| {
            let l = ui.label(view.t("gui-issuer"));
            ui.text_edit_singleline(&mut draft.issuer).labelled_by(l.id);
            ui.end_row();
            let l = ui.label(view.t("gui-account-name"));
            ui.text_edit_singleline(&mut draft.name).labelled_by(l.id);
            ui.end_row();
        });
    ui.label(
        RichText::new(view.tf(
            "gui-params",
            &[
                ("kind", &draft.otp.kind.name().to_uppercase()),
                ("algorithm", &draft.otp.algorithm.as_str()),
                ("digits", &draft.otp.digits),
            ],
        ))
        .small()
        .weak(),
    );
    live_code_ui(ui, view, &draft.otp);
    if matches!(draft.otp.kind, OtpKind::Hotp { .. }) {
        draft.hotp_code_shown = true;
        ui.label(RichText::new(view.t("gui-hotp-verify-note")).small());
    }
    for warning in &draft.warnings {
        ui.label(RichText::new(warning).color(egui::Color32::from_rgb(0xc0, 0x80, 0x20)));
    }
    let duplicate = accounts.iter().find(|a| a.otp.same_key(&draft.otp));
    if let Some(existing) = duplicate {
        ui.label(
            RichText::new(view.tf(
                "gui-duplicate",
                &[("label", &super::accounts::title(existing))],
            ))
            .color(egui::Color32::from_rgb(0xc0, 0x50, 0x20)),
        );
        ui.checkbox(&mut draft.allow_duplicate, view.t("gui-add-anyway"));
    }
    let mut back = false;
    ui.horizontal(|ui| {
        let can_save = duplicate.is_none() || draft.allow_duplicate;
        if ui
            .add_enabled(
                can_save,
                egui::Button::new(RichText::new(view.t("gui-save-account")).strong()),
            )
            .clicked()
        {
            out.push(Command::AddAccounts(vec![draft.clone()]));
        }
        if ui.button(view.t("gui-back")).clicked() {
            back = true;
        }
    });
    back
}

fn manual_ui(
    ui: &mut egui::Ui,
    view: &View,
    form: &mut ManualForm,
    accounts: &[Account],
    out: &mut Vec<Command>,
) {
    egui::Grid::new("manual-grid")
        .num_columns(2)
        .show(ui, |ui| {
            let l = ui.label(view.t("gui-issuer"));
            ui.text_edit_singleline(&mut form.issuer).labelled_by(l.id);
            ui.end_row();
            let l = ui.label(view.t("gui-account-name"));
            ui.text_edit_singleline(&mut form.name).labelled_by(l.id);
            ui.end_row();
            let l = ui.label(view.t("gui-key"));
            ui.add(egui::TextEdit::singleline(&mut *form.key).hint_text("JBSW Y3DP EHPK 3PXP"))
                .labelled_by(l.id);
            ui.end_row();
        });
    ui.label(RichText::new(view.t("gui-key-hint")).small().weak());
    egui::CollapsingHeader::new(view.t("gui-advanced"))
        .id_salt("advanced")
        .show(ui, |ui| {
            egui::Grid::new("advanced-grid")
                .num_columns(2)
                .show(ui, |ui| {
                    ui.label(view.t("gui-type"));
                    ui.horizontal(|ui| {
                        ui.radio_value(&mut form.hotp, false, view.t("gui-type-totp"));
                        ui.radio_value(&mut form.hotp, true, view.t("gui-type-hotp"));
                    });
                    ui.end_row();
                    ui.label(view.t("gui-algorithm"));
                    ui.horizontal(|ui| {
                        for algorithm in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
                            ui.radio_value(&mut form.algorithm, algorithm, algorithm.as_str());
                        }
                    });
                    ui.end_row();
                    let l = ui.label(view.t("gui-digits"));
                    ui.add(egui::DragValue::new(&mut form.digits).range(6..=MAX_DIGITS))
                        .labelled_by(l.id);
                    ui.end_row();
                    if form.hotp {
                        let l = ui.label(view.t("gui-counter"));
                        ui.add(egui::DragValue::new(&mut form.counter))
                            .labelled_by(l.id);
                    } else {
                        let l = ui.label(view.t("gui-period"));
                        ui.add(egui::DragValue::new(&mut form.period).range(1..=86_400))
                            .labelled_by(l.id);
                    }
                    ui.end_row();
                });
        });
    match form.draft(view.lang) {
        Ok(mut draft) => {
            live_code_ui(ui, view, &draft.otp);
            for warning in &draft.warnings {
                ui.label(RichText::new(warning).color(egui::Color32::from_rgb(0xc0, 0x80, 0x20)));
            }
            let duplicate = accounts.iter().any(|a| a.otp.same_key(&draft.otp));
            if duplicate {
                ui.label(
                    RichText::new(view.t("gui-duplicate-manual"))
                        .color(egui::Color32::from_rgb(0xc0, 0x50, 0x20)),
                );
            }
            if ui
                .button(RichText::new(view.t("gui-save-account")).strong())
                .clicked()
            {
                draft.allow_duplicate = duplicate;
                draft.hotp_code_shown = form.hotp;
                out.push(Command::AddAccounts(vec![draft]));
            }
        }
        Err(reason) => {
            if !form.key.is_empty() {
                ui.label(RichText::new(reason).color(egui::Color32::from_rgb(0xc0, 0x50, 0x20)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_text_finds_every_uri_line_and_says_when_there_is_none() {
        let text = "\u{feff}notes\r\notpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A\r\n\
                    otpauth://totp/B:b?secret=GEZDGNBVGY3TQOJQ\r\n";
        let scan = scan_text("clipboard", text);
        assert_eq!(scan.found.len(), 2);
        assert!(matches!(&scan.found[0].payload, Payload::Key(k) if k.issuer == "A"));
        let scan = scan_text("clipboard", "hello");
        assert_eq!(scan.found[0].payload, Payload::NotAKey);
    }

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
