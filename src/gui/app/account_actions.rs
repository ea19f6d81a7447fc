//! What the account rows and the details dialog ask for: copying codes, the next HOTP code,
//! labels, deleting (with undo), reordering, showing the key, backup codes.

use super::*;

impl MamoriApp {
    /// Carries out a command of this area (`apply` routes it here).
    pub(super) fn apply_account(&mut self, ctx: &egui::Context, command: Command) {
        let lang = self.lang();
        match command {
            Command::CopyCode(id) => self.copy_code(id, false),
            Command::CopyNextCode(id) => self.copy_code(id, true),
            Command::CopyText(text) => {
                let said = tr(lang, "gui-key-copied", &[]);
                self.copy(text, &said);
            }
            Command::NextHotpCode(id) => {
                let now = self.now() as u64;
                let shown = self.change_vault(SaveKind::Routine, |accounts| {
                    Ok(accounts::next_hotp_code(accounts, &id, now)?.code)
                });
                if let Some(code) = shown
                    && let Phase::Open(session) = &mut self.phase
                {
                    session.hotp_codes.retain(|(i, _)| *i != id);
                    session.hotp_codes.push((id.clone(), code.clone()));
                    session.revealed.insert(id.clone());
                    let label = session
                        .vault
                        .accounts()
                        .iter()
                        .find(|a| a.id == id)
                        .map(views::accounts::title)
                        .unwrap_or_default();
                    let said = tr(lang, "gui-code-copied-for", &[("label", &label)]);
                    self.copy(Zeroizing::new(code), &said);
                }
            }
            Command::Manage(id) => {
                if let Phase::Open(session) = &mut self.phase
                    && let Some(account) = session.vault.accounts().iter().find(|a| a.id == id)
                {
                    session.manage = Some(ManageDialog::new(account));
                    session.add = None;
                    session.settings = None;
                }
            }
            Command::EditLabels {
                id,
                issuer,
                name,
                note,
            } => {
                let now = self.now() as u64;
                let edit = accounts::Edit {
                    issuer: Some(issuer),
                    name: Some(name),
                    note: Some(note),
                };
                if self
                    .change_vault(SaveKind::Structural, |accounts| {
                        Ok(accounts::edit(accounts, &id, edit, now)?)
                    })
                    .is_some()
                {
                    self.toasts.info(tr(lang, "gui-saved", &[]));
                    if let Phase::Open(session) = &mut self.phase {
                        session.manage = None;
                    }
                }
            }
            Command::Delete(id) => {
                let now = self.now() as u64;
                let title = self
                    .session()
                    .and_then(|s| s.vault.accounts().iter().find(|a| a.id == id))
                    .map(super::views::accounts::title)
                    .unwrap_or_default();
                let removed = self.change_vault_and_trash(SaveKind::Structural, |list, trash| {
                    Ok(accounts::trash(list, trash, &id, now)?)
                });
                if let Some(index) = removed
                    && let Phase::Open(session) = &mut self.phase
                {
                    session.manage = None;
                    self.toasts
                        .undo(tr(lang, "gui-deleted", &[("label", &title)]));
                    session.removed = Some((index, id));
                }
            }
            Command::UndoDelete => {
                let Some((index, id)) = (match &mut self.phase {
                    Phase::Open(session) => session.removed.take(),
                    _ => None,
                }) else {
                    return;
                };
                if self
                    .change_vault_and_trash(SaveKind::Structural, |list, trash| {
                        Ok(accounts::restore(list, trash, &id, Some(index))?)
                    })
                    .is_some()
                {
                    self.toasts.info(tr(lang, "gui-restored", &[]));
                }
            }
            Command::Move { from, to } => {
                self.change_vault(SaveKind::Routine, |accounts| {
                    accounts::reorder(accounts, from, to);
                    Ok(())
                });
            }
            Command::RevealKey(id, password) => match password {
                None => {
                    if let Phase::Open(session) = &mut self.phase
                        && let Some(manage) = &mut session.manage
                    {
                        manage.key_shown = true;
                    }
                    self.record_key_shown(&id);
                }
                Some(password) => {
                    self.check_password(ctx, password, move |ok| Done::KeyRevealed(id, ok));
                }
            },
            Command::AddBackupCodes(id, text) => {
                let now = self.now() as u64;
                if let Some(added) = self.change_vault(SaveKind::Structural, |accounts| {
                    Ok(accounts::add_backup_codes(accounts, &id, &text, now)?)
                }) {
                    self.toasts.info(tr(
                        lang,
                        "gui-backup-added",
                        &[("count", &added.added), ("unused", &added.unused)],
                    ));
                    if let Phase::Open(session) = &mut self.phase
                        && let Some(manage) = &mut session.manage
                    {
                        manage.backup_input.clear();
                    }
                }
            }
            Command::SetBackupCodeUsed { id, index, used } => {
                let now = self.now() as u64;
                self.change_vault(SaveKind::Structural, |accounts| {
                    Ok(accounts::set_backup_code_used(
                        accounts, &id, index, used, now,
                    )?)
                });
            }
            // Every other command belongs to another area; `apply` never sends it here.
            _ => {}
        }
    }

    pub(super) fn copy(&mut self, text: Zeroizing<String>, said: &str) {
        let lang = self.lang();
        let now = self.now();
        match self.env.clipboard.copy(&text) {
            Ok(()) => {
                let seconds = self.settings.clipboard_clear_seconds;
                let clear_at = (seconds > 0).then(|| now + f64::from(seconds));
                self.copied = Some(Copied { text, clear_at });
                let message = if seconds > 0 {
                    tr(lang, "gui-copied-clears", &[("seconds", &seconds)])
                } else {
                    tr(lang, "gui-copied", &[])
                };
                self.toasts
                    .info(mamori::i18n::sentences(lang, said, &message));
            }
            Err(e) => self.toasts.error(e.localize(lang)),
        }
    }

    /// Clears our text from the clipboard if it is still there (after the delay, on lock, on
    /// quit). Returns false when the clipboard could not be cleared.
    pub(super) fn clear_clipboard(&mut self, reason_due: bool) -> bool {
        let Some(copied) = self.copied.take() else {
            return true;
        };
        if !reason_due {
            self.copied = Some(copied);
            return true;
        }
        if self.env.clipboard.holds(&copied.text) && self.env.clipboard.clear().is_err() {
            let lang = self.lang();
            self.toasts
                .error(tr(lang, "gui-clipboard-not-cleared", &[]));
            return false;
        }
        true
    }

    /// Copies an account's code (TOTP: the current one, or the next; HOTP: the one shown) and
    /// says whose it was. A TOTP code copied in its last seconds comes with an offer of the next.
    pub(super) fn copy_code(&mut self, id: AccountId, next: bool) {
        let lang = self.lang();
        let at = self.code_time().max(0.0) as u64;
        let Some(session) = self.session() else {
            return;
        };
        let Some(account) = session.vault.accounts().iter().find(|a| a.id == id) else {
            return;
        };
        let label = views::accounts::title(account);
        let (code, remaining) = match account.otp.kind {
            OtpKind::Totp { .. } | OtpKind::Steam { .. } => {
                let now = mamori::otp::generate(&account.otp, at);
                let left = u64::from(now.remaining.unwrap_or(0));
                if next {
                    (mamori::otp::generate(&account.otp, at + left).code, None)
                } else {
                    (now.code, now.remaining)
                }
            }
            OtpKind::Hotp { .. } => (
                session
                    .hotp_codes
                    .iter()
                    .find(|(i, _)| *i == id)
                    .map(|(_, c)| c.clone())
                    .unwrap_or_default(),
                None,
            ),
        };
        if let Phase::Open(session) = &mut self.phase {
            session.selected = Some(id.clone());
            session.revealed.insert(id.clone());
        }
        if code.is_empty() {
            return;
        }
        let key = if next {
            "gui-next-code-copied-for"
        } else {
            "gui-code-copied-for"
        };
        let said = tr(lang, key, &[("label", &label)]);
        self.copy(Zeroizing::new(code), &said);
        if let Some(left) = remaining
            && left <= views::accounts::URGENT_SECONDS
        {
            self.toasts
                .offer_next(tr(lang, "gui-code-expiring", &[("seconds", &left)]), id);
        }
    }

    /// "Key or QR code shown" in the activity log, with the account's label.
    pub(super) fn record_key_shown(&mut self, id: &mamori::account::AccountId) {
        let label = self
            .session()
            .and_then(|s| s.vault.accounts().iter().find(|a| a.id == *id))
            .map(Account::label);
        if let Some(label) = label {
            self.record_activity(mamori::vault::activity::What::KeyShown { label });
        }
    }
}
