//! The settings dialog's commands and the clock check (hourly and after a time jump).

use super::*;

impl MamoriApp {
    /// Carries out a command of this area (`apply` routes it here).
    pub(super) fn apply_settings(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::OpenSettings => {
                let encrypted = matches!(&self.phase, Phase::Open(s) if s.vault.is_encrypted());
                let start_at_login = self.env.autostart.as_ref().map(|a| a.is_enabled());
                if let Phase::Open(session) = &mut self.phase {
                    session.add = None;
                    session.manage = None;
                    session.settings = Some(SettingsDialog::new(
                        &self.settings,
                        encrypted,
                        start_at_login,
                    ));
                }
            }
            Command::ChooseBackupFolder => self.pick_file(ctx, PickFor::BackupFolder),
            Command::ApplySettings(mut settings) => {
                self.env.policy.apply(&mut settings);
                let recheck = settings.clock.servers() != self.settings.clock.servers();
                self.settings = settings;
                self.save_settings();
                self.apply_hotkey();
                if recheck {
                    self.check_clock(ctx);
                }
            }
            Command::OpenActivity => {
                if let Phase::Open(session) = &mut self.phase {
                    session.close_dialogs();
                    session.activity = true;
                }
            }
            Command::SetStartAtLogin(on) => self.set_start_at_login(on),
            Command::CheckClock => self.check_clock(ctx),
            Command::ConfirmClockOffset(offset) => self.confirmed_offset = Some(offset),
            // Every other command belongs to another area; `apply` never sends it here.
            _ => {}
        }
    }

    /// Writes or removes the login entry (`mamori gui --hidden`, with this window's vault when
    /// it is not the default one); the dialog shows what the system now says.
    fn set_start_at_login(&mut self, on: bool) {
        let Some(place) = self.env.autostart.clone() else {
            return;
        };
        let launch = std::env::current_exe()
            .ok()
            .map(|exe| mamori::autostart::Launch {
                exe,
                vault: (mamori::paths::default_vault_path().as_deref()
                    != Some(self.env.vault_path.as_path()))
                .then(|| self.env.vault_path.clone()),
            });
        let result = match (on, &launch) {
            (true, Some(launch)) => place.set(Some(launch)),
            (true, None) => Ok(()),
            (false, _) => place.set(None),
        };
        if let Err(e) = result {
            let detail = VaultError::from(e).localize(self.lang());
            self.toasts.info(tr(
                self.lang(),
                "gui-start-at-login-failed",
                &[("detail", &detail)],
            ));
        }
        let enabled = place.is_enabled();
        if let Phase::Open(session) = &mut self.phase
            && let Some(dialog) = &mut session.settings
        {
            dialog.start_at_login = Some(enabled);
        }
    }

    /// The offset applied to codes: the library's rule over the setting, the last measurement
    /// and what the user confirmed (over 10 minutes is applied only once confirmed).
    pub(super) fn clock_correction(&self) -> Correction {
        let reading = match &self.clock_status {
            ClockStatus::Measured(reading) => Some(reading),
            _ => None,
        };
        mamori::clock_check::correction(
            self.settings.clock.apply_offset,
            reading,
            self.confirmed_offset,
        )
    }

    /// What the last clock check found.
    #[cfg(test)]
    pub fn clock_status(&self) -> &ClockStatus {
        &self.clock_status
    }

    /// A clock check runs in the background.
    #[cfg(test)]
    pub fn clock_check_running(&self) -> bool {
        self.clock_worker.busy()
    }

    /// Starts a clock check in the background (when it is on and none runs), showing
    /// "checking" until it ends.
    pub(super) fn check_clock(&mut self, ctx: &egui::Context) {
        if self.start_clock_check(ctx) {
            self.clock_status = ClockStatus::Checking;
        }
    }

    /// Starts a clock check, keeping what the last one found on screen meanwhile; false when
    /// the check is off or one already runs.
    pub(super) fn start_clock_check(&mut self, ctx: &egui::Context) -> bool {
        let servers = self.settings.clock.servers();
        if servers.is_empty() {
            self.clock_schedule
                .checked(self.now(), self.env.clock.monotonic());
            self.clock_status = ClockStatus::Off;
            return false;
        }
        if self.clock_worker.busy() {
            return false;
        }
        self.clock_schedule
            .checked(self.now(), self.env.clock.monotonic());
        let time_check = Arc::clone(&self.env.time_check);
        self.clock_worker
            .spawn(ctx, move || time_check.measure(&servers));
        true
    }

    /// Checks the clock again every hour (the last result stays meanwhile) and after the wall
    /// clock jumps (resume from sleep, time set): then the last result no longer holds. Runs
    /// every frame; the window's own ticks (at most a minute apart) are soon enough.
    pub(super) fn recheck_clock(&mut self, ctx: &egui::Context) {
        match self
            .clock_schedule
            .due(self.now(), self.env.clock.monotonic())
        {
            Some(Recheck::ClockJumped) => self.check_clock(ctx),
            Some(Recheck::Hourly) => {
                self.start_clock_check(ctx);
            }
            None => {}
        }
    }

    /// Writes the settings; a file that could not be read at start is kept aside first (the
    /// library's [`Settings::save`]), and the toast says where.
    pub(super) fn save_settings(&mut self) {
        let Some(path) = &self.env.settings_path else {
            return;
        };
        let lang = self.lang();
        match self.settings.save(path) {
            Ok(kept) => {
                self.settings_unreadable = None;
                if let Some(kept) = kept {
                    self.toasts.info(tr(
                        lang,
                        "gui-settings-kept-unreadable",
                        &[("kept", &kept.display())],
                    ));
                }
            }
            Err(e) => self.toasts.error(tr(
                lang,
                "gui-settings-not-saved",
                &[
                    ("path", &path.display()),
                    ("detail", &VaultError::Io(e).localize(lang)),
                ],
            )),
        }
    }
}
