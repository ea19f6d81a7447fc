//! What finished background jobs bring back ([`Done`]), and a job that panicked.

use super::*;

impl MamoriApp {
    /// A background job panicked (a bug, perhaps on a hostile file): nothing it was doing took
    /// effect. The window comes back if it hid for a capture, no dialog stays waiting, a
    /// password change that lost the vault reopens it from disk, and the user is told.
    pub(super) fn job_panicked(&mut self, ctx: &egui::Context) {
        if self.hidden_for_capture {
            ctx.send_viewport_cmd(egui::ViewportCommand::Visible(true));
            self.hidden_for_capture = false;
        }
        match &mut self.phase {
            Phase::Busy => self.phase = self.first_phase(),
            Phase::Open(session) => {
                if let Some(dialog) = &mut session.add {
                    dialog.waiting = false;
                }
                if let Some(dialog) = &mut session.import {
                    dialog.waiting = false;
                }
            }
            _ => {}
        }
        let lang = self.lang();
        self.toasts.error(tr(lang, "gui-job-failed", &[]));
    }

    /// Handles finished jobs; runs in `logic`, which eframe calls even while the window is
    /// hidden for a capture.
    pub(super) fn poll_jobs(&mut self, ctx: &egui::Context) {
        if let Some(result) = self.clock_worker.finished().pop()
            && !self.settings.clock.servers().is_empty()
        {
            // An hourly re-check that heard nothing (offline for a while) leaves the last
            // measurement standing; anything the servers said replaces it.
            let offline_recheck = matches!(self.clock_status, ClockStatus::Measured(_))
                && result.as_ref().is_err_and(ClockError::heard_nothing);
            if !offline_recheck {
                self.clock_status = match result {
                    Ok(reading) => ClockStatus::Measured(reading),
                    Err(e) => ClockStatus::Failed(e),
                };
            }
        }
        if self.clock_worker.panicked() > 0 {
            self.clock_status = ClockStatus::Off;
        }
        if self.worker.panicked() > 0 {
            self.job_panicked(ctx);
        }
        let lang = self.lang();
        for done in self.worker.finished() {
            match done {
                Done::Created(Ok(vault)) => {
                    let message = if vault.is_encrypted() {
                        tr(lang, "gui-created-encrypted", &[])
                    } else {
                        tr(lang, "gui-created-plain", &[])
                    };
                    self.toasts.info(message);
                    self.phase = Phase::Open(Box::new(self.session_over(vault)));
                }
                Done::Created(Err(e)) => {
                    if let Phase::Welcome(form) = &mut self.phase {
                        form.error = Some(e.localize(lang));
                    }
                }
                Done::Unlocked(Ok(opened)) => {
                    self.last_input = self.now();
                    self.phase = self.open_session(opened);
                }
                Done::Unlocked(Err(e)) => {
                    if let Phase::Unlock(form) = &mut self.phase {
                        // Unlocking changes nothing, so "the vault was not changed" is noise.
                        form.error = Some(match e {
                            VaultError::WrongPassword => tr(lang, "gui-unlock-wrong-password", &[]),
                            e => e.localize(lang),
                        });
                        form.focus = true;
                    }
                }
                Done::Screens(result) => {
                    if self.hidden_for_capture {
                        ctx.send_viewport_cmd(egui::ViewportCommand::Visible(true));
                        ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
                        self.hidden_for_capture = false;
                    }
                    if let Phase::Open(session) = &mut self.phase {
                        let dialog = session.add.get_or_insert_with(AddDialog::default);
                        dialog.waiting = false;
                        match result {
                            Ok((captures, scans)) => dialog.take_results(lang, &scans, &captures),
                            Err(e) => dialog.message = Some(crate::gui::advised(lang, &e)),
                        }
                    }
                }
                Done::Image(result) => self.finish_image_scan(result),
                Done::Picked(purpose, picked) => self.picked(purpose, picked),
                Done::PastedKey(key) => {
                    if let Phase::Open(session) = &mut self.phase {
                        let dialog = session.add.get_or_insert_with(AddDialog::default);
                        dialog.waiting = false;
                        dialog.message = None;
                        dialog.chosen = None;
                        dialog.candidates.clear();
                        dialog.tab = AddTab::Manual;
                        dialog.manual.key = key;
                        dialog.manual.focus = true;
                    }
                }
                Done::KeyRevealed(id, ok) => {
                    if let Phase::Open(session) = &mut self.phase
                        && let Some(manage) = &mut session.manage
                        && manage.id == id
                    {
                        manage.key_shown = ok;
                        manage.password_error = (!ok).then(|| tr(lang, "gui-wrong-password", &[]));
                    }
                    if ok {
                        self.record_key_shown(&id);
                    }
                }
                Done::ImportRead(path, result) => {
                    if let Phase::Open(session) = &mut self.phase {
                        let dialog = session.import.get_or_insert_with(ImportDialog::default);
                        dialog.waiting = false;
                        dialog.path = Some(path);
                        match result {
                            Ok(parsed) => {
                                let mut copy = session.vault.accounts().to_vec();
                                let mut trash = session.vault.trash().to_vec();
                                let now = self.env.clock.now() as u64;
                                let report =
                                    mamori::formats::apply(&parsed, &mut copy, &mut trash, now);
                                dialog.needs_password = false;
                                dialog.password.clear();
                                dialog.preview = Some((parsed, report));
                            }
                            Err(mamori::formats::ImportError::PasswordRequired) => {
                                dialog.needs_password = true;
                            }
                            Err(e) => {
                                dialog.needs_password |= e.is_password_problem();
                                dialog.error = Some(e.localize(lang));
                                if dialog.path_entry.shown && !dialog.needs_password {
                                    dialog.path_entry.open();
                                }
                            }
                        }
                    }
                }
                Done::Exported(result) => match result {
                    Ok((message, exported)) => {
                        self.toasts.info(message);
                        self.record_activity(exported);
                        if let Phase::Open(session) = &mut self.phase {
                            session.export = None;
                        }
                    }
                    Err(message) => {
                        if let Phase::Open(session) = &mut self.phase
                            && let Some(dialog) = &mut session.export
                        {
                            dialog.error = Some(message);
                        }
                    }
                },
                Done::ExportUnlocked(true, typed) => self.export_typed_or_chosen(ctx, typed),
                Done::ExportUnlocked(false, _) => {
                    if let Phase::Open(session) = &mut self.phase
                        && let Some(dialog) = &mut session.export
                    {
                        dialog.error = Some(tr(lang, "gui-wrong-password", &[]));
                    }
                }
                Done::TransferUnlocked(ok) => {
                    if ok {
                        self.show_transfer_codes();
                    } else if let Phase::Open(session) = &mut self.phase
                        && let Some(dialog) = &mut session.export
                    {
                        dialog.error = Some(tr(lang, "gui-wrong-password", &[]));
                    }
                }
                Done::ImportCommitted(session, result) => {
                    self.phase = Phase::Open(session);
                    match result {
                        Ok(report) => {
                            self.back_up_to_folder();
                            self.toasts.info(import_done(lang, &report));
                            if let Phase::Open(session) = &mut self.phase {
                                session.import = None;
                            }
                        }
                        Err(e) => self.toasts.error(e.localize(lang)),
                    }
                }
                Done::PasswordChanged(vault, result) => {
                    let mut session = self.session_over(*vault);
                    match result {
                        Ok(()) => {
                            let key = if session.vault.is_encrypted() {
                                "gui-password-set"
                            } else {
                                "gui-password-removed"
                            };
                            self.toasts.info(tr(lang, key, &[]));
                        }
                        Err(e) => {
                            let mut dialog = SettingsDialog::new(
                                &self.settings,
                                session.vault.is_encrypted(),
                                self.env.autostart.as_ref().map(|a| a.is_enabled()),
                            );
                            dialog.password_error = Some(e.localize(lang));
                            session.settings = Some(dialog);
                        }
                    }
                    self.phase = Phase::Open(Box::new(session));
                }
            }
        }
    }
}

/// "Imported 3 accounts (1 already there)": the clauses in parentheses only for counts that
/// are not 0 (「登録済み 0 件」 says nothing).
fn import_done(lang: Lang, report: &mamori::formats::Report) -> String {
    let mut details = Vec::new();
    if report.duplicates() > 0 {
        let count = report.duplicates();
        details.push(tr(lang, "gui-import-done-duplicates", &[("count", &count)]));
    }
    if report.rejected() > 0 {
        let count = report.rejected();
        details.push(tr(lang, "gui-import-done-rejected", &[("count", &count)]));
    }
    let imported = report.imported();
    if details.is_empty() {
        tr(lang, "gui-import-done-all", &[("imported", &imported)])
    } else {
        let details = mamori::i18n::join_list(lang, details);
        tr(
            lang,
            "gui-import-done",
            &[("imported", &imported), ("details", &details)],
        )
    }
}
