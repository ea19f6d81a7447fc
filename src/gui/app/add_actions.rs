//! Adding accounts: scanning the screens, a pasted image or text, an image file or a region,
//! and saving what the add dialog confirmed.

use super::*;

impl MamoriApp {
    /// Carries out a command of this area (`apply` routes it here).
    pub(super) fn apply_add(&mut self, ctx: &egui::Context, command: Command) {
        let lang = self.lang();
        match command {
            Command::OpenAdd(tab) => {
                if let Phase::Open(session) = &mut self.phase {
                    session.manage = None;
                    session.settings = None;
                    session.add.get_or_insert_with(AddDialog::default).tab = tab;
                }
            }
            Command::ScanScreens => {
                self.open_add_busy(AddTab::Scan);
                // Hide the window so that its own pixels do not cover what is behind it.
                ctx.send_viewport_cmd(egui::ViewportCommand::Visible(false));
                self.hidden_for_capture = true;
                let screens = self.env.screens.clone();
                let delay = self.env.capture_delay;
                self.worker.spawn(ctx, move || {
                    std::thread::sleep(delay);
                    Done::Screens(screens.capture().map(|captures| {
                        let scans = captures
                            .iter()
                            .enumerate()
                            .map(|(i, s)| {
                                scan::scan_image(&scan::screen_label(lang, i, &s.name), &s.image)
                            })
                            .collect();
                        (captures, scans)
                    }))
                });
            }
            Command::Paste => match self.env.clipboard.read() {
                Ok(mamori::capture::ClipboardContent::Text(text)) => {
                    self.paste_text(ctx, Zeroizing::new(text));
                }
                Ok(mamori::capture::ClipboardContent::Image(image)) => {
                    self.open_add_busy(AddTab::Paste);
                    let source = tr(lang, "gui-source-clipboard", &[]);
                    self.worker.spawn(ctx, move || {
                        Done::Image(Ok(scan::scan_image(&source, &image)))
                    });
                }
                Err(e) => {
                    self.open_add_busy(AddTab::Paste);
                    self.finish_image_scan(Err(e.localize(lang)));
                }
            },
            Command::PasteText(text) => self.paste_text(ctx, text),
            Command::PasteImage(image) => {
                self.open_add_busy(AddTab::Paste);
                let source = tr(lang, "gui-source-clipboard", &[]);
                self.worker.spawn(ctx, move || {
                    // Premultiplied RGBA; a pasted screenshot is opaque, so the same as straight.
                    let [width, height] = image.size;
                    let gray =
                        mamori::qr::rgba_to_gray(width as u32, height as u32, image.as_raw());
                    Done::Image(Ok(scan::scan_image(&source, &gray)))
                });
            }
            Command::ChooseImage => self.pick_file(ctx, PickFor::ScanImage),
            Command::ScanFile(path) => {
                self.open_add_busy(AddTab::File);
                self.worker.spawn(ctx, move || {
                    let source = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    Done::Image(
                        mamori::image_file::load_gray(&path)
                            .map(|image| scan::scan_image(&source, &image))
                            .map_err(|e| e.localize(lang)),
                    )
                });
            }
            Command::ScanRegion(region) => {
                self.open_add_busy(AddTab::Scan);
                let source = tr(lang, "gui-source-region", &[]);
                self.worker.spawn(ctx, move || {
                    Done::Image(Ok(scan::scan_image(&source, &region)))
                });
            }
            Command::AddAccounts(drafts) => self.add_accounts(drafts),
            Command::CloseRegion => {
                if let Phase::Open(session) = &mut self.phase
                    && let Some(dialog) = &mut session.add
                {
                    dialog.region = None;
                }
            }
            // Every other command belongs to another area; `apply` never sends it here.
            _ => {}
        }
    }

    /// Scans a pasted text on the worker: its `otpauth` lines, else a bare key (opened in
    /// "Enter key"), else a message that names neither the text nor any part of it.
    pub(super) fn paste_text(&mut self, ctx: &egui::Context, text: Zeroizing<String>) {
        self.open_add_busy(AddTab::Paste);
        let lang = self.lang();
        self.worker.spawn(ctx, move || {
            let source = tr(lang, "gui-source-clipboard", &[]);
            let scan = scan::scan_text(&source, &text);
            if scan
                .found
                .iter()
                .any(|f| !matches!(f.payload, scan::Payload::NotAKey))
            {
                Done::Image(Ok(scan))
            } else if mamori::secret::is_pasted_key(&text) {
                Done::PastedKey(Zeroizing::new(mamori::secret::key_text(&text).to_string()))
            } else {
                Done::Image(Err(tr(lang, "gui-paste-not-a-key", &[])))
            }
        });
    }

    pub(super) fn open_add_busy(&mut self, tab: AddTab) {
        if let Phase::Open(session) = &mut self.phase {
            let dialog = session.add.get_or_insert_with(AddDialog::default);
            dialog.tab = tab;
            dialog.message = None;
            dialog.waiting = true;
        }
    }

    pub(super) fn finish_image_scan(&mut self, result: Result<ImageScan, String>) {
        let lang = self.lang();
        if let Phase::Open(session) = &mut self.phase {
            let dialog = session.add.get_or_insert_with(AddDialog::default);
            dialog.waiting = false;
            match result {
                Ok(scan) => dialog.take_results(lang, &[scan], &[]),
                Err(message) => {
                    dialog.message = Some(message);
                    // A mistyped path: back into the field to correct it.
                    if dialog.path_entry.shown {
                        dialog.path_entry.open();
                    }
                }
            }
        }
    }

    pub(super) fn add_accounts(&mut self, drafts: Vec<Draft>) {
        let lang = self.lang();
        let now = self.now() as u64;
        let saved = self.change_vault(SaveKind::Structural, |accounts| {
            let mut adder = accounts::Adder::new(accounts, now);
            let (mut added, mut duplicates) = (Vec::new(), 0usize);
            for draft in drafts {
                let rules = AddRules {
                    allow_duplicate: draft.allow_duplicate,
                    hotp_code_shown: draft.hotp_code_shown,
                };
                let new = NewAccount::new(&draft.issuer, &draft.name, draft.otp.clone());
                match adder.add(new, rules) {
                    Ok(account) => added.push(super::views::accounts::title(account)),
                    Err(_) => duplicates += 1,
                }
            }
            Ok((added, duplicates))
        });
        let Some((added, duplicates)) = saved else {
            return;
        };
        let message = match added.as_slice() {
            [one] => tr(lang, "gui-added-one", &[("label", one)]),
            many => tr(lang, "gui-added-many", &[("count", &many.len())]),
        };
        if duplicates > 0 {
            self.toasts.info(format!(
                "{message} {}",
                tr(lang, "gui-skipped-duplicates", &[("count", &duplicates)])
            ));
        } else {
            self.toasts.info(message);
        }
        if let Phase::Open(session) = &mut self.phase {
            session.add = None;
        }
    }
}
