//! Tags, pins, custom icons and the trash in the window: tag chips filter the list, the search
//! box matches tags, pinned rows come first (details check box and row menu), deleting moves to
//! the trash (the toast's Undo restores in place; the trash view restores and empties), and a
//! picture chosen in the details becomes the account's icon (a bad one is refused, saying why).

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;

use super::{
    KEY, World, accounts_on_disk, click_scrolled, menu, plain_vault, tick, type_into, wait_until,
};
use crate::gui::file_dialogs::{Picked, Request};

fn titles(harness: &egui_kittest::Harness<'_, crate::gui::app::MamoriApp>) -> Vec<String> {
    let app = harness.state();
    let accounts = app.session().unwrap().vault.accounts();
    app.visible_ids()
        .iter()
        .map(|id| {
            accounts
                .iter()
                .find(|a| &a.id == id)
                .unwrap()
                .issuer
                .clone()
        })
        .collect()
}

/// A vault of three accounts: Okta tagged "work" and pinned, Slack tagged "work" and "admin".
fn organised_vault(world: &World) {
    plain_vault(
        &world.vault(),
        &[
            ("GitHub", "alice", KEY),
            ("Slack", "ops", "GEZDGNBVGY3TQOJQ"),
            ("Okta", "admin", "GAYTEMZUGU3DOOBZ"),
        ],
    );
    let mut vault = mamori::vault::LockedVault::read(&world.vault())
        .unwrap()
        .unlock(None)
        .unwrap();
    vault
        .update(mamori::vault::SaveKind::Structural, |list| {
            list[1].tags = vec!["work".into(), "admin".into()];
            list[2].tags = vec!["work".into()];
            list[2].pinned = true;
            Ok::<_, mamori::vault::VaultError>(())
        })
        .unwrap();
}

#[test]
fn tag_chips_filter_the_list_and_pinned_rows_come_first() {
    let world = World::new();
    organised_vault(&world);
    let mut harness = world.harness();
    harness.run();
    assert_eq!(
        titles(&harness),
        ["Okta", "GitHub", "Slack"],
        "pinned first"
    );
    harness.get_by_role_and_label(Role::Button, "admin").click();
    harness.run();
    assert_eq!(titles(&harness), ["Slack"]);
    harness.get_by_role_and_label(Role::Button, "work").click();
    harness.run();
    assert_eq!(
        harness.state().session().unwrap().tag_filter.as_deref(),
        Some("work")
    );
    assert_eq!(titles(&harness), ["Okta", "Slack"]);
    harness.get_by_role_and_label(Role::Button, "All").click();
    harness.run();
    assert_eq!(titles(&harness).len(), 3);
    // The search box matches tags too.
    type_into(&mut harness, "Search", "ADMIN");
    // "admin" is Okta's account name and Slack's tag.
    assert_eq!(titles(&harness), ["Okta", "Slack"]);
}

#[test]
fn pins_and_tags_change_from_the_details_and_the_row_menu() {
    let world = World::new();
    organised_vault(&world);
    let mut harness = world.harness();
    harness.run();
    // The row menu (right click) pins GitHub.
    harness.get_by_label("GitHub").click_secondary();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Pin (list first)")
        .click();
    harness.run();
    assert!(accounts_on_disk(&world.vault(), None)[0].pinned);
    assert_eq!(titles(&harness), ["GitHub", "Okta", "Slack"]);
    // The details: unpin, add a tag, remove one.
    harness
        .get_all_by_role_and_label(Role::Button, "⋯")
        .next()
        .unwrap()
        .click();
    harness.run();
    tick(&mut harness, "Pinned (listed first)");
    harness.run();
    type_into(&mut harness, "New tag", " 管理者 ");
    click_scrolled(&mut harness, "Add tag");
    harness.run();
    let github = accounts_on_disk(&world.vault(), None)[0].clone();
    assert!(!github.pinned);
    assert_eq!(github.tags, ["管理者"]);
    click_scrolled(&mut harness, "管理者 ×");
    harness.run();
    assert!(accounts_on_disk(&world.vault(), None)[0].tags.is_empty());
}

#[test]
fn deleting_moves_to_the_trash_where_it_can_be_restored_or_emptied() {
    let world = World::new();
    organised_vault(&world);
    let mut harness = world.harness();
    harness.run();
    harness.get_by_label("Slack").click_secondary();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Move to trash")
        .click();
    harness.run();
    harness.get_by_label("Moved Slack (ops) to the trash.");
    let vault = mamori::vault::LockedVault::read(&world.vault())
        .unwrap()
        .unlock(None)
        .unwrap();
    assert_eq!(vault.accounts().len(), 2);
    assert_eq!(vault.trash()[0].account.issuer, "Slack");
    // Undo puts it back in its place, tags and all.
    harness.get_by_role_and_label(Role::Button, "Undo").click();
    harness.run();
    let on_disk = accounts_on_disk(&world.vault(), None);
    assert_eq!(on_disk[1].issuer, "Slack");
    assert_eq!(on_disk[1].tags, ["work", "admin"]);

    // Deleted from the details this time, then restored from the trash view.
    harness
        .get_all_by_role_and_label(Role::Button, "⋯")
        .nth(1)
        .unwrap()
        .click();
    harness.run();
    click_scrolled(&mut harness, "Delete account…");
    harness.run();
    click_scrolled(&mut harness, "Delete");
    harness.run();
    assert_eq!(accounts_on_disk(&world.vault(), None).len(), 2);
    menu(&mut harness, "Trash (1)");
    harness.get_by_label_contains("Deleted 2023-11-14, gone for good after 2023-12-14");
    click_scrolled(&mut harness, "Restore");
    harness.run();
    assert_eq!(accounts_on_disk(&world.vault(), None).len(), 3);
    harness.get_by_label_contains("The trash is empty.");
    click_scrolled(&mut harness, "Close");
    harness.run();

    // Two in the trash, emptied after a confirmation.
    for issuer in ["GitHub", "Okta"] {
        harness.get_by_label(issuer).click_secondary();
        harness.run();
        harness
            .get_by_role_and_label(Role::Button, "Move to trash")
            .click();
        harness.run();
    }
    menu(&mut harness, "Trash (2)");
    click_scrolled(&mut harness, "Empty trash now…");
    harness.run();
    harness.get_by_label_contains("Delete the 2 account(s) in the trash for good?");
    click_scrolled(&mut harness, "Delete for good");
    harness.run();
    let vault = mamori::vault::LockedVault::read(&world.vault())
        .unwrap()
        .unlock(None)
        .unwrap();
    assert!(vault.trash().is_empty());
    assert_eq!(vault.accounts().len(), 1);
}

#[test]
fn a_picture_chosen_in_the_details_becomes_the_icon_and_a_bad_one_is_refused() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let picture = world.dir.path().join("logo.png");
    image::RgbaImage::from_pixel(200, 100, image::Rgba([0x1a, 0x73, 0xe8, 0xff]))
        .save(&picture)
        .unwrap();
    let broken = world.dir.path().join("notes.txt");
    std::fs::write(&broken, "not a picture").unwrap();
    let mut harness = world.harness();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "⋯").click();
    harness.run();
    *world.dialogs.answer.lock().unwrap() = Picked::Chosen(picture);
    click_scrolled(&mut harness, "Choose picture…");
    wait_until(&mut harness, "the icon", |_| {
        accounts_on_disk(&world.vault(), None)[0].icon.is_some()
    });
    assert_eq!(*world.dialogs.asked.lock().unwrap(), [Request::Image]);
    let png = accounts_on_disk(&world.vault(), None)[0]
        .icon
        .clone()
        .unwrap();
    let icon = image::load_from_memory(&png).unwrap().to_rgba8();
    assert_eq!(icon.dimensions(), (64, 64));
    assert_eq!(icon.get_pixel(32, 32).0, [0x1a, 0x73, 0xe8, 0xff]);
    assert_eq!(
        icon.get_pixel(32, 2).0[3],
        0,
        "a wide picture leaves room above"
    );

    *world.dialogs.answer.lock().unwrap() = Picked::Chosen(broken);
    click_scrolled(&mut harness, "Choose picture…");
    wait_until(&mut harness, "the refusal", |app| {
        app.session()
            .and_then(|s| s.manage.as_ref())
            .is_some_and(|d| d.icon_error.is_some())
    });
    harness.get_by_label_contains("not a picture Mamori can read");
    assert_eq!(
        accounts_on_disk(&world.vault(), None)[0].icon.as_deref(),
        Some(png.as_slice()),
        "the icon stays"
    );
    click_scrolled(&mut harness, "Use the letter icon");
    harness.run();
    assert!(accounts_on_disk(&world.vault(), None)[0].icon.is_none());
}

/// The export dialog's "Accounts" choice: the accounts the list shows now (its search), the
/// accounts with a tag chosen in the drop-down, and nothing chosen (Save disabled, said why).
/// The files written hold exactly the chosen accounts.
#[test]
fn the_export_dialog_writes_the_accounts_shown_or_those_of_a_tag() {
    let world = World::new();
    organised_vault(&world);
    let mut harness = world.harness();
    harness.run();
    let export = |harness: &mut egui_kittest::Harness<'_, crate::gui::app::MamoriApp>,
                  scope: &dyn Fn(&mut egui_kittest::Harness<'_, crate::gui::app::MamoriApp>),
                  file: &str| {
        let out = world.dir.path().join(file);
        *world.dialogs.answer.lock().unwrap() = Picked::Chosen(out.clone());
        menu(harness, "Export and move to another device…");
        scope(harness);
        harness
            .get_by_label("otpauth:// list, unencrypted text")
            .click();
        harness.run();
        tick(harness, "I understand; write the keys unencrypted");
        harness.run();
        click_scrolled(harness, "Save…");
        wait_until(harness, "the export", |app| {
            app.session().is_some_and(|s| s.export.is_none())
        });
        let text = std::fs::read_to_string(&out).unwrap();
        let mut labels: Vec<String> = text
            .lines()
            .map(|l| l.split('?').next().unwrap()["otpauth://totp/".len()..].to_string())
            .collect();
        labels.sort();
        labels
    };
    // The list narrowed by its search: "the accounts shown now" is offered and counted.
    type_into(&mut harness, "Search", "git");
    let shown = export(
        &mut harness,
        &|harness| {
            harness.get_by_label("All accounts (3)");
            harness.get_by_label("The accounts shown now (1)").click();
            harness.run();
        },
        "shown.txt",
    );
    assert_eq!(shown, ["GitHub:alice"]);
    // A tag from the drop-down (the first one is chosen with the radio button).
    let tagged = export(
        &mut harness,
        &|harness| {
            harness.get_by_label("Accounts with the tag").click();
            harness.run();
            harness.get_by_role(Role::ComboBox).click();
            harness.run();
            harness.get_by_label("work (2)").click();
            harness.run();
        },
        "work.txt",
    );
    assert_eq!(tagged, ["Okta:admin", "Slack:ops"]);
    // A search that shows nothing: nothing to export, and the dialog says so.
    type_into(&mut harness, "Search", "nobody");
    menu(&mut harness, "Export and move to another device…");
    harness.get_by_label("The accounts shown now (0)").click();
    harness.run();
    harness.get_by_label("No account is selected: choose other accounts to export.");
    assert!(super::disabled(
        &harness.get_by_role_and_label(Role::Button, "Save…")
    ));
}
