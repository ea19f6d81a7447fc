//! Creating, unlocking, locking the vault and changing its password; every change to the
//! accounts goes through [`MamoriApp::change_vault`] (an operation of `mamori::accounts`).

use super::*;

impl MamoriApp {
    /// Carries out a command of this area (`apply` routes it here).
    pub(super) fn apply_vault(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::CreateVault(password) => {
                if let Err(refusal) = self
                    .env
                    .policy
                    .check_password(password.as_deref().map(String::as_str))
                {
                    let message = refusal.localize(self.lang());
                    if let Phase::Welcome(form) = &mut self.phase {
                        form.error = Some(message);
                    }
                    return;
                }
                let path = self.env.vault_path.clone();
                self.worker.spawn(ctx, move || {
                    Done::Created(Vault::create(
                        &path,
                        password.as_deref().map(String::as_str),
                    ))
                });
            }
            Command::Unlock(password) => {
                let path = self.env.vault_path.clone();
                let seen = self.env.seen_file.clone();
                self.worker.spawn(ctx, move || {
                    Done::Unlocked(opening::read(&path).and_then(|locked| {
                        opening::unlock(locked, Some(&password), seen, window_actor())
                    }))
                });
            }
            Command::Lock => self.lock(),
            Command::ChangePassword { current, new } => {
                if let Err(refusal) = self
                    .env
                    .policy
                    .check_password(new.as_deref().map(String::as_str))
                {
                    let message = refusal.localize(self.lang());
                    if let Phase::Open(session) = &mut self.phase
                        && let Some(dialog) = &mut session.settings
                    {
                        dialog.password_error = Some(message);
                    }
                    return;
                }
                let phase = std::mem::replace(&mut self.phase, Phase::Busy);
                let Phase::Open(session) = phase else {
                    self.phase = phase;
                    return;
                };
                let mut vault = session.vault;
                let path = self.env.vault_path.clone();
                self.worker.spawn(ctx, move || {
                    if let Some(current) = &current
                        && let Err(e) = password_opens(&path, current)
                    {
                        return Done::PasswordChanged(Box::new(vault), Err(e));
                    }
                    let result = vault
                        .change_password(new.as_deref().map(String::as_str))
                        .map(|_| ());
                    Done::PasswordChanged(Box::new(vault), result)
                });
            }
            // Every other command belongs to another area; `apply` never sends it here.
            _ => {}
        }
    }

    pub(super) fn first_phase(&self) -> Phase {
        let path = &self.env.vault_path;
        if !path.exists() {
            return Phase::Welcome(Default::default());
        }
        match opening::read(path) {
            Ok(locked) if locked.needs_password() => Phase::Unlock(Default::default()),
            Ok(locked) => {
                match opening::unlock(locked, None, self.env.seen_file.clone(), window_actor()) {
                    Ok(opened) => self.open_session(opened),
                    Err(e) => Phase::Broken(crate::gui::advised(self.lang(), &e)),
                }
            }
            Err(e) => Phase::Broken(crate::gui::advised(self.lang(), &e)),
        }
    }

    pub(super) fn open_session(&self, opened: Opened) -> Phase {
        let lang = self.lang();
        let mut session = self.session_over(opened.vault);
        for notice in opened.notices {
            session.banners.push(notice.localize(lang));
        }
        Phase::Open(Box::new(session))
    }

    /// The session over a vault just opened, its trash dated by the window's clock.
    pub(super) fn session_over(&self, mut vault: Vault) -> Session {
        let clock = Arc::clone(&self.env.clock);
        vault.set_clock(Arc::new(move || clock.now().max(0.0) as u64));
        Session::new(vault)
    }

    /// Runs one vault change (an operation of [`mamori::accounts`]) and reports a refusal or a
    /// failure as a toast. `Some` with the operation's answer when it was saved.
    pub(super) fn change_vault<T>(
        &mut self,
        kind: SaveKind,
        change: impl FnOnce(&mut Vec<Account>) -> Result<T, ChangeError>,
    ) -> Option<T> {
        self.change_vault_and_trash(kind, |accounts, _| change(accounts))
    }

    /// [`Self::change_vault`] for a change that also concerns the trash.
    pub(super) fn change_vault_and_trash<T>(
        &mut self,
        kind: SaveKind,
        change: impl FnOnce(&mut Vec<Account>, &mut Vec<Trashed>) -> Result<T, ChangeError>,
    ) -> Option<T> {
        let lang = self.lang();
        let Phase::Open(session) = &mut self.phase else {
            return None;
        };
        match session.vault.update_with_trash(kind, change) {
            Ok(answer) => {
                if kind == SaveKind::Structural {
                    self.back_up_to_folder();
                }
                Some(answer)
            }
            Err(e) => {
                self.toasts.error(e.localize(lang));
                None
            }
        }
    }

    /// After a structural change: the automatic backup into the chosen folder, if one is set.
    pub(super) fn back_up_to_folder(&mut self) {
        let lang = self.lang();
        let (Phase::Open(session), Some(folder)) = (&self.phase, &self.settings.backup_folder)
        else {
            return;
        };
        let keep = self.settings.backup_keep.max(1) as usize;
        if let Err(e) = mamori::vault::backups::copy_to_folder(&session.vault, folder, keep) {
            self.toasts.error(tr(
                lang,
                "gui-auto-backup-failed",
                &[("detail", &VaultError::Io(e).localize(lang))],
            ));
        }
    }

    /// Adds an event to the vault's activity log (a routine save, no key derivation); a
    /// failure to save is said in a toast, the action itself stands.
    pub(super) fn record_activity(&mut self, what: mamori::vault::activity::What) {
        let lang = self.lang();
        if let Phase::Open(session) = &mut self.phase
            && let Err(e) = session.vault.record(what)
        {
            self.toasts.error(e.localize(lang));
        }
    }

    /// The policy's answer to an export (`plain`: keys in the clear); a refusal is shown in
    /// the export dialog, or as a toast when none is open.
    pub(super) fn export_refused(&mut self, plain: bool) -> bool {
        let Err(refusal) = self.env.policy.check_export(plain) else {
            return false;
        };
        let message = refusal.localize(self.lang());
        match &mut self.phase {
            Phase::Open(session) if session.export.is_some() => {
                if let Some(dialog) = &mut session.export {
                    dialog.error = Some(message);
                }
            }
            _ => self.toasts.error(message),
        }
        true
    }

    pub(super) fn lock(&mut self) {
        self.clear_clipboard(true);
        let encrypted = matches!(&self.phase, Phase::Open(s) if s.vault.is_encrypted());
        if encrypted {
            // Dropping the session zeroizes the master key, the secrets and every field.
            self.phase = Phase::Unlock(Default::default());
        }
    }

    /// Checks `password` against the vault file on the worker (the KDF takes a moment) before
    /// a key leaves: showing it, exporting, the transfer codes. `done` turns the answer into
    /// the job's result.
    pub(super) fn check_password(
        &mut self,
        ctx: &egui::Context,
        password: Zeroizing<String>,
        done: impl FnOnce(bool) -> Done + Send + 'static,
    ) {
        let path = self.env.vault_path.clone();
        self.worker
            .spawn(ctx, move || done(password_opens(&path, &password).is_ok()));
    }
}

/// Who the window's activity-log events are put down to.
pub(super) fn window_actor() -> mamori::vault::activity::Actor {
    mamori::vault::activity::Actor::current("window")
}
