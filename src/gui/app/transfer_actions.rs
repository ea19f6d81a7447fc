//! Import and export, the transfer codes, and the file dialogs they (and the add and settings
//! dialogs) open on the worker.

use super::*;

impl MamoriApp {
    /// Carries out a command of this area (`apply` routes it here).
    pub(super) fn apply_transfer(&mut self, ctx: &egui::Context, command: Command) {
        let lang = self.lang();
        match command {
            Command::OpenImport => {
                if let Phase::Open(session) = &mut self.phase {
                    session.close_dialogs();
                    session.import = Some(ImportDialog::default());
                }
            }
            Command::ChooseImport => self.pick_file(ctx, PickFor::Import),
            Command::ReadImport(path, password) => {
                if let Phase::Open(session) = &mut self.phase {
                    let dialog = session.import.get_or_insert_with(ImportDialog::default);
                    dialog.path = Some(path.clone());
                    dialog.waiting = true;
                    dialog.error = None;
                    dialog.preview = None;
                }
                self.worker.spawn(ctx, move || {
                    let result = mamori::formats::read_import_file(&path).and_then(|bytes| {
                        mamori::formats::detect_and_import(
                            &bytes,
                            password.as_deref().map(String::as_str),
                        )
                    });
                    Done::ImportRead(path, result)
                });
            }
            // Applied and saved on the worker (an import can hold thousands of entries): the
            // session goes with the job and comes back in `Done::ImportCommitted`.
            Command::CommitImport => {
                let now = self.now() as u64;
                let phase = std::mem::replace(&mut self.phase, Phase::Busy);
                let Phase::Open(mut session) = phase else {
                    self.phase = phase;
                    return;
                };
                let Some(parsed) = session
                    .import
                    .as_mut()
                    .and_then(|d| d.preview.take())
                    .map(|(parsed, _)| parsed)
                else {
                    self.phase = Phase::Open(session);
                    return;
                };
                self.worker.spawn(ctx, move || {
                    let format = parsed.format.id();
                    let result = session.vault.update_importing(
                        SaveKind::Structural,
                        format,
                        |accounts, trash| {
                            Ok::<_, VaultError>(mamori::formats::apply(
                                &parsed, accounts, trash, now,
                            ))
                        },
                    );
                    Done::ImportCommitted(session, result)
                });
            }
            Command::OpenExport => {
                if let Phase::Open(session) = &mut self.phase {
                    session.close_dialogs();
                    session.export = Some(ExportDialog::default());
                }
            }
            Command::ExportTarget(_, _) | Command::ExportTo(_)
                if self.export_refused(self.export_plain()) => {}
            Command::ExportTarget(typed, None) => self.export_typed_or_chosen(ctx, typed),
            // A password vault: the password again before any key leaves (an unlocked window
            // must not hand every key to whoever sits at it).
            Command::ExportTarget(typed, Some(password)) => {
                self.check_password(ctx, password, move |ok| Done::ExportUnlocked(ok, typed));
            }
            Command::ExportTo(target) => {
                let Some((choice, password, accounts)) = self.session().and_then(|s| {
                    let selected = s.export_selection().select(s.vault.accounts());
                    s.export
                        .as_ref()
                        .map(|d| (d.choice, d.password.clone(), selected))
                }) else {
                    return;
                };
                self.worker.spawn(ctx, move || {
                    Done::Exported(export_to(lang, choice, &accounts, &password, &target))
                });
            }
            Command::ShowTransferCodes(_) if self.export_refused(true) => {}
            Command::ShowTransferCodes(password) => match password {
                None => self.show_transfer_codes(),
                Some(password) => self.check_password(ctx, password, Done::TransferUnlocked),
            },
            // Every other command belongs to another area; `apply` never sends it here.
            _ => {}
        }
    }

    /// Opens the desktop's file dialog for `purpose` on the worker (the window keeps painting
    /// while it is open); [`Done::Picked`] brings the answer back.
    pub(super) fn pick_file(&mut self, ctx: &egui::Context, purpose: PickFor) {
        let lang = self.lang();
        let all_files = (tr(lang, "gui-all-files", &[]), vec!["*".to_string()]);
        let owned = |extensions: &mut dyn Iterator<Item = &'static str>| {
            extensions.map(str::to_string).collect::<Vec<_>>()
        };
        let (request, title, filters) = match purpose {
            PickFor::ScanImage => (
                Request::Image,
                tr(lang, "gui-open-image-title", &[]),
                vec![
                    (
                        tr(lang, "gui-image-files", &[]),
                        owned(&mut image_extensions()),
                    ),
                    all_files,
                ],
            ),
            // What the import registry says other apps write, then anything (detection reads
            // the content, never the name).
            PickFor::Import => (
                Request::Import,
                tr(lang, "gui-import-title", &[]),
                vec![
                    (
                        tr(lang, "gui-import-files", &[]),
                        owned(&mut mamori::formats::import_extensions().into_iter()),
                    ),
                    all_files,
                ],
            ),
            PickFor::BackupFolder => (
                Request::Folder,
                tr(lang, "gui-auto-backup", &[]),
                Vec::new(),
            ),
            PickFor::Icon => (
                Request::Image,
                tr(lang, "gui-icon-choose", &[]),
                vec![
                    (
                        tr(lang, "gui-image-files", &[]),
                        owned(&mut image_extensions()),
                    ),
                    all_files,
                ],
            ),
            PickFor::Export => {
                let Some(choice) = self
                    .session()
                    .and_then(|s| s.export.as_ref())
                    .map(|d| d.choice)
                else {
                    return;
                };
                let name = choice.suggested_name();
                let (request, filters) = if choice.writes_images() {
                    (Request::Folder, Vec::new())
                } else {
                    let ext = name.rsplit_once('.').map(|(_, e)| e.to_string());
                    let filters = ext
                        .map(|e| vec![(choice.localize(lang), vec![e])])
                        .unwrap_or_default();
                    (Request::SaveFile(name.to_string()), filters)
                };
                (request, tr(lang, "gui-export-title", &[]), filters)
            }
        };
        let dialogs = Arc::clone(&self.env.file_dialogs);
        self.worker.spawn(ctx, move || {
            Done::Picked(purpose, dialogs.pick(&request, &title, &filters))
        });
    }

    /// A file dialog's answer: carry on with the path, or, when no dialog could be shown, open
    /// the path field in the dialog that asked.
    pub(super) fn picked(&mut self, purpose: PickFor, picked: Picked) {
        let path = match picked {
            Picked::Chosen(path) => path,
            Picked::Cancelled => return,
            Picked::Unavailable => {
                if let Phase::Open(session) = &mut self.phase {
                    let entry = match purpose {
                        PickFor::ScanImage => {
                            let dialog = session.add.get_or_insert_with(AddDialog::default);
                            dialog.tab = AddTab::File;
                            Some(&mut dialog.path_entry)
                        }
                        PickFor::Import => session.import.as_mut().map(|d| &mut d.path_entry),
                        PickFor::Export => session.export.as_mut().map(|d| &mut d.path_entry),
                        PickFor::BackupFolder => {
                            session.settings.as_mut().map(|d| &mut d.path_entry)
                        }
                        PickFor::Icon => session.manage.as_mut().map(|d| &mut d.icon_path),
                    };
                    if let Some(entry) = entry {
                        entry.open();
                    }
                }
                return;
            }
        };
        let command = match purpose {
            PickFor::ScanImage => Command::ScanFile(path),
            PickFor::Icon => {
                let Some(id) = self
                    .session()
                    .and_then(|s| s.manage.as_ref())
                    .map(|d| d.id.clone())
                else {
                    return;
                };
                Command::SetIconFile(id, path)
            }
            PickFor::Import => Command::ReadImport(path, None),
            PickFor::Export => Command::ExportTo(self.export_target(path)),
            PickFor::BackupFolder => {
                let Some(mut settings) = self
                    .session()
                    .and_then(|s| s.settings.as_ref())
                    .map(|d| d.draft.clone())
                else {
                    return;
                };
                settings.backup_folder = Some(path);
                if let Phase::Open(session) = &mut self.phase
                    && let Some(dialog) = &mut session.settings
                {
                    dialog.draft = settings.clone();
                }
                Command::ApplySettings(settings)
            }
        };
        self.push(command);
    }

    /// Exports to the typed path, or asks for one with a file dialog.
    pub(super) fn export_typed_or_chosen(&mut self, ctx: &egui::Context, typed: Option<PathBuf>) {
        match typed {
            Some(path) => {
                let target = self.export_target(path);
                self.push(Command::ExportTo(target));
            }
            None => self.pick_file(ctx, PickFor::Export),
        }
    }

    /// Where an export goes: the chosen file, or, for QR pictures, a new folder inside the
    /// chosen one.
    pub fn export_target(&self, chosen: PathBuf) -> PathBuf {
        match self.session().and_then(|s| s.export.as_ref()) {
            Some(dialog) if dialog.choice.writes_images() => {
                chosen.join(dialog.choice.suggested_name())
            }
            _ => chosen,
        }
    }

    pub(super) fn show_transfer_codes(&mut self) {
        let lang = self.lang();
        let mut shown = None;
        if let Phase::Open(session) = &mut self.phase {
            // The export dialog's selection (every account when it is not open).
            let selected = session.export_selection().select(session.vault.accounts());
            let pager = TransferPager::new(lang, &selected);
            shown = Some(selected.len());
            session.close_dialogs();
            session.pager = Some(pager);
        }
        // Transfer codes on screen carry every key in the clear: an export for the log.
        if let Some(count) = shown {
            self.record_activity(mamori::vault::activity::What::Exported {
                format: "migration-qr".into(),
                count,
                plain: true,
            });
        }
    }

    /// Whether the export dialog's choice writes keys in the clear.
    fn export_plain(&self) -> bool {
        self.session()
            .and_then(|s| s.export.as_ref())
            .is_some_and(|d| d.choice.plain_secrets())
    }
}
