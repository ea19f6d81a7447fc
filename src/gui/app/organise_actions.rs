//! Tags, pins, custom icons and the trash: what the row menu, the tag chips, the details dialog
//! and the trash view ask for.

use super::*;

impl MamoriApp {
    /// Carries out a command of this area (`apply` routes it here).
    pub(super) fn apply_organise(&mut self, ctx: &egui::Context, command: Command) {
        let lang = self.lang();
        let now = self.now() as u64;
        match command {
            Command::SetPinned(id, pinned) => {
                self.change_vault(SaveKind::Routine, |list| {
                    Ok(accounts::set_pinned(list, &id, pinned, now)?)
                });
            }
            Command::AddTag(id, tag) => {
                let added = self.change_vault(SaveKind::Structural, |list| {
                    Ok(accounts::set_tags(list, &id, &[tag], &[], now)?)
                });
                if added.is_some()
                    && let Phase::Open(session) = &mut self.phase
                    && let Some(dialog) = &mut session.manage
                {
                    dialog.new_tag.clear();
                }
            }
            Command::RemoveTag(id, tag) => {
                self.change_vault(SaveKind::Structural, |list| {
                    Ok(accounts::set_tags(list, &id, &[], &[tag], now)?)
                });
                // A chip whose last account lost the tag would filter everything out.
                if let Phase::Open(session) = &mut self.phase
                    && let Some(filter) = &session.tag_filter
                    && !session.vault.accounts().iter().any(|a| a.has_tag(filter))
                {
                    session.tag_filter = None;
                }
            }
            Command::ChooseIcon => self.pick_file(ctx, PickFor::Icon),
            Command::SetIconFile(id, path) => {
                // Bounded (4 MiB, 4096 pixels a side), so it runs on the UI thread.
                match mamori::icon::from_file(&path) {
                    Ok(png) => {
                        let set = self.change_vault(SaveKind::Structural, |list| {
                            Ok(accounts::set_icon(list, &id, Some(png), now)?)
                        });
                        if set.is_some()
                            && let Phase::Open(session) = &mut self.phase
                            && let Some(dialog) = &mut session.manage
                        {
                            dialog.icon_error = None;
                            dialog.icon_path = Default::default();
                        }
                    }
                    Err(e) => {
                        if let Phase::Open(session) = &mut self.phase
                            && let Some(dialog) = &mut session.manage
                        {
                            dialog.icon_error = Some(e.localize(lang));
                        }
                    }
                }
            }
            Command::ClearIcon(id) => {
                self.change_vault(SaveKind::Structural, |list| {
                    Ok(accounts::set_icon(list, &id, None, now)?)
                });
            }
            Command::OpenTrash => {
                if let Phase::Open(session) = &mut self.phase {
                    session.close_dialogs();
                    session.trash = Some(Default::default());
                }
            }
            Command::RestoreFromTrash(id) => {
                let restored = self.change_vault_and_trash(SaveKind::Structural, |list, trash| {
                    Ok(accounts::restore(list, trash, &id, None)?)
                });
                if let Some(account) = restored {
                    self.toasts.info(tr(
                        lang,
                        "gui-trash-restored",
                        &[("label", &super::views::accounts::title(&account))],
                    ));
                }
            }
            Command::EmptyTrash => {
                let emptied = self.change_vault_and_trash(SaveKind::Structural, |_, trash| {
                    Ok(accounts::empty_trash(trash))
                });
                if let Some(count) = emptied {
                    if let Phase::Open(session) = &mut self.phase
                        && let Some(view) = &mut session.trash
                    {
                        view.confirm_empty = false;
                    }
                    self.toasts
                        .info(tr(lang, "gui-trash-emptied", &[("count", &count)]));
                }
            }
            _ => {}
        }
    }
}
