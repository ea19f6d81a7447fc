//! The vendor manual's routine and the details that make a list trustworthy (issue 20), each
//! driven through the events the real window receives: Ctrl+V arrives as egui-winit's
//! `Event::Paste`/`Event::PasteImage` (never as a V key), file dialogs answer through the
//! injected [`FileDialogs`](crate::gui::file_dialogs::FileDialogs) (by default: none can be
//! shown, as on a desktop without a portal), time through the pinned clock.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use super::{
    KEY, PINNED, World, accounts_on_disk, add_accounts, click_scrolled, disabled, menu, paste,
    plain_vault, qr_screen, type_into, wait_for_confirmation, wait_until,
};
use crate::gui::app::{MamoriApp, Phase};
use crate::gui::file_dialogs::{Picked, Request};
use crate::gui::state::add::AddTab;

fn add_tab(app: &MamoriApp) -> Option<AddTab> {
    app.session().and_then(|s| s.add.as_ref()).map(|d| d.tab)
}

fn harness_sized(world: &World, size: [f32; 2]) -> Harness<'static, MamoriApp> {
    let env = world.env();
    let mut harness = Harness::builder()
        .with_size(size)
        .with_max_steps(64)
        .build_eframe(move |cc| MamoriApp::new(&cc.egui_ctx, env));
    harness.run();
    harness
}

#[test]
fn a_screenshot_pasted_with_ctrl_v_is_scanned_in_the_list_and_in_the_paste_tab() {
    let world = World::new();
    plain_vault(&world.vault(), &[]);
    *world.clipboard.1.lock().unwrap() = Some(qr_screen(&[(
        "otpauth://totp/Kintone:admin?secret=ABCDEFGHijkl2345&issuer=Kintone",
        300,
    )]));
    let mut harness = world.harness();
    harness.run();
    // From the list: PrintScreen, then Ctrl+V (an image and no text: Event::PasteImage).
    paste(&mut harness, &world);
    wait_for_confirmation(&mut harness, "the pasted screenshot");
    harness.get_by_label("Enter this code on the service's verify page, then save.");
    // Enter saves, as the default button.
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert_eq!(accounts_on_disk(&world.vault(), None)[0].issuer, "Kintone");
    // From the Paste tab, whose text says "paste it here (Ctrl+V)".
    *world.clipboard.1.lock().unwrap() = Some(qr_screen(&[(
        "otpauth://totp/Slack:ops?secret=GEZDGNBVGY3TQOJQ&issuer=Slack",
        300,
    )]));
    harness
        .get_by_role_and_label(Role::Button, "Add account")
        .click();
    harness.run();
    harness.get_by_label("Paste").click();
    harness.run();
    paste(&mut harness, &world);
    wait_for_confirmation(&mut harness, "the second screenshot");
    harness.key_press(egui::Key::Enter);
    harness.run();
    let issuers: Vec<String> = accounts_on_disk(&world.vault(), None)
        .into_iter()
        .map(|a| a.issuer)
        .collect();
    assert_eq!(issuers, ["Kintone", "Slack"]);
}

#[test]
fn a_pasted_bare_key_opens_enter_key_filled_in_and_is_never_shown_in_a_message() {
    for pasted in [
        "ABCDEFGHijkl2345",
        "secret=ABCDEFGHijkl2345&issuer=Vendor&digits=6",
    ] {
        let world = World::new();
        plain_vault(&world.vault(), &[]);
        *world.clipboard.0.lock().unwrap() = Some(pasted.to_string());
        let mut harness = world.harness();
        harness.run();
        paste(&mut harness, &world);
        wait_until(&mut harness, "the Enter key tab", |app| {
            add_tab(app) == Some(AddTab::Manual)
        });
        let dialog = harness.state().session().unwrap().add.as_ref().unwrap();
        assert_eq!(dialog.manual.key.as_str(), "ABCDEFGHijkl2345");
        assert!(dialog.message.is_none(), "{:?}", dialog.message);
        assert!(
            harness
                .query_by_label_contains("not an authenticator key")
                .is_none()
        );
        // The service name field has the focus: type it and press Enter to save.
        harness.event(egui::Event::Text("Vendor".into()));
        harness.run();
        harness.get_by_label_contains("80-bit key");
        harness.key_press(egui::Key::Enter);
        harness.run();
        let saved = accounts_on_disk(&world.vault(), None);
        assert_eq!(saved.len(), 1, "{pasted}");
        assert_eq!(saved[0].issuer, "Vendor");
        assert_eq!(
            mamori::otp::generate(&saved[0].otp, PINNED as u64).code,
            mamori::otp::generate(
                &mamori::account::OtpParams::totp(
                    mamori::secret::Secret::from_base32("ABCDEFGHIJKL2345")
                        .unwrap()
                        .0
                ),
                PINNED as u64
            )
            .code
        );
    }
    // Text that is neither a key nor a link: said without repeating it.
    let world = World::new();
    plain_vault(&world.vault(), &[]);
    *world.clipboard.0.lock().unwrap() = Some("meeting notes, room 4".into());
    let mut harness = world.harness();
    harness.run();
    paste(&mut harness, &world);
    wait_until(&mut harness, "the refusal", |app| {
        app.session()
            .and_then(|s| s.add.as_ref())
            .is_some_and(|d| d.message.is_some())
    });
    let message = harness.state().session().unwrap().add.as_ref().unwrap();
    let message = message.message.clone().unwrap();
    assert!(!message.contains("meeting"), "{message}");
    assert!(message.contains("secret="), "{message}");
}

#[test]
fn without_a_file_dialog_a_path_field_opens_the_file_instead() {
    let world = World::new();
    plain_vault(&world.vault(), &[]);
    let picture = world.dir.path().join("qr code.png");
    qr_screen(&[(
        "otpauth://totp/Box:it@example.com?secret=GEZDGNBVGY3TQOJQ&issuer=Box",
        300,
    )])
    .save(&picture)
    .unwrap();
    let mut harness = world.harness();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Add account")
        .click();
    harness.run();
    harness.get_by_label("Image file").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Choose an image…")
        .click();
    wait_until(&mut harness, "the path field", |app| {
        app.session()
            .and_then(|s| s.add.as_ref())
            .is_some_and(|d| d.path_entry.shown)
    });
    assert_eq!(*world.dialogs.asked.lock().unwrap(), [Request::Image]);
    harness.get_by_label_contains("No file dialog can be shown");
    harness.get_by_label_contains("mamori scan --add FILE");
    // The field has the focus: type the path (quoted, as "copy path" gives it), press Enter.
    harness.event(egui::Event::Text(format!("'{}'", picture.display())));
    harness.run();
    harness.key_press(egui::Key::Enter);
    wait_for_confirmation(&mut harness, "the scanned file");
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert_eq!(accounts_on_disk(&world.vault(), None)[0].issuer, "Box");
    // The import dialog falls back the same way.
    menu(&mut harness, "Import…");
    harness
        .get_by_role_and_label(Role::Button, "Choose a file…")
        .click();
    wait_until(&mut harness, "the import path field", |app| {
        app.session()
            .and_then(|s| s.import.as_ref())
            .is_some_and(|d| d.path_entry.shown)
    });
    harness.get_by_label_contains("mamori import FILE");
    // A dialog that is shown and answered goes straight on.
    *world.dialogs.answer.lock().unwrap() = Picked::Cancelled;
    harness
        .get_by_role_and_label(Role::Button, "Choose a file…")
        .click();
    wait_until(&mut harness, "the third dialog", |_| {
        world.dialogs.asked.lock().unwrap().len() == 3
    });
}

#[test]
fn enter_copies_only_a_row_the_user_can_see_and_the_message_names_it() {
    let world = World::new();
    let accounts: Vec<(String, String)> = (0..40)
        .map(|i| (format!("Service {i:02}"), format!("admin{i}")))
        .collect();
    {
        let mut vault = mamori::vault::Vault::create(&world.vault(), None).unwrap();
        let list: Vec<(&str, &str, &str)> = accounts
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str(), KEY))
            .collect();
        add_accounts(&mut vault, &list);
        add_accounts(&mut vault, &[("Slack", "ops", "GEZDGNBVGY3TQOJQ")]);
    }
    let mut harness = world.harness();
    harness.run();
    // Filter, select (the first match is selected), clear the search: the selection stays
    // on Slack, which is scrolled into view, and Enter copies Slack and says so.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run();
    harness.event(egui::Event::Text("slack".into()));
    harness.run();
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(harness.state().session().unwrap().search.is_empty());
    harness.run();
    let slack_code = harness.get_by_label("Slack");
    let window = harness.ctx.content_rect();
    assert!(
        window.contains_rect(slack_code.rect()),
        "Slack is scrolled into view: {:?} in {window:?}",
        slack_code.rect()
    );
    harness.key_press(egui::Key::Enter);
    harness.run();
    let slack = mamori::otp::generate(
        &mamori::account::OtpParams::totp(
            mamori::secret::Secret::from_base32("GEZDGNBVGY3TQOJQ")
                .unwrap()
                .0,
        ),
        PINNED as u64,
    );
    assert_eq!(
        world.clipboard.0.lock().unwrap().as_deref(),
        Some(slack.code.as_str())
    );
    harness.get_by_label_contains("Code for Slack (ops) copied.");
    // A selection the filter hides moves to the first row shown.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run();
    harness.event(egui::Event::Text("service 07".into()));
    harness.run();
    harness.run();
    let selected = harness.state().session().unwrap().selected.clone();
    assert_eq!(selected, harness.state().visible_ids().first().cloned());
}

#[test]
fn ctrl_f_selects_the_old_query_so_typing_replaces_it() {
    let world = World::new();
    plain_vault(
        &world.vault(),
        &[
            ("Example", "alice", KEY),
            ("Slack", "ops", "GEZDGNBVGY3TQOJQ"),
        ],
    );
    let mut harness = world.harness();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run();
    harness.event(egui::Event::Text("exa".into()));
    harness.run();
    harness.key_press(egui::Key::Tab);
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run();
    harness.event(egui::Event::Text("sla".into()));
    harness.run();
    assert_eq!(harness.state().session().unwrap().search, "sla");
}

#[test]
fn a_change_made_from_the_command_line_shows_without_losing_the_search() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run();
    harness.event(egui::Event::Text("s".into()));
    harness.run();
    // Another process adds an account (as `mamori add` does: its own open and save).
    let locked = mamori::vault::LockedVault::read(&world.vault()).unwrap();
    let mut other = locked.unlock(None).unwrap();
    add_accounts(&mut other, &[("Slack", "ops", "GEZDGNBVGY3TQOJQ")]);
    drop(other);
    world.set_time(PINNED + 1.5);
    harness.run();
    harness.get_by_label("Slack");
    assert_eq!(harness.state().session().unwrap().search, "s");
    assert_eq!(harness.state().visible_ids().len(), 1);
}

#[test]
fn a_vault_swapped_for_another_is_refused_and_nothing_is_written_over_it() {
    let world = World::new();
    encrypted_vault_with_one(&world);
    let mut harness = world.harness();
    harness.run();
    super::unlock(&mut harness);
    // Someone copies a plain vault over the encrypted one.
    let other = world.dir.path().join("other.mamori");
    plain_vault(&other, &[("Evil", "x", "GEZDGNBVGY3TQOJQ")]);
    let swapped = std::fs::read(&other).unwrap();
    std::fs::write(world.vault(), &swapped).unwrap();
    world.set_time(PINNED + 1.5);
    harness.run();
    harness.get_by_label_contains("replaced by another vault");
    // Saving (a rename) refuses too, and the file stays as it was swapped in.
    harness.get_by_role_and_label(Role::Button, "⋯").click();
    harness.run();
    assert_eq!(std::fs::read(world.vault()).unwrap(), swapped);
    assert!(matches!(harness.state().phase, Phase::Open(_)));
}

fn encrypted_vault_with_one(world: &World) {
    super::encrypted_vault(&world.vault(), &[("Example", "alice", KEY)]);
}

#[test]
fn the_smallest_window_keeps_the_toolbar_and_puts_codes_under_long_names() {
    let world = World::new();
    plain_vault(
        &world.vault(),
        &[
            (
                "Trend Micro Vision One",
                "administrator@example-holdings.co.jp",
                KEY,
            ),
            ("Slack", "ops", "GEZDGNBVGY3TQOJQ"),
        ],
    );
    for size in [[380.0, 360.0], [560.0, 640.0]] {
        let harness = harness_sized(&world, size);
        let window = harness.ctx.content_rect();
        let menu = harness.get_by_role_and_label(Role::Button, "Menu").rect();
        assert!(window.contains_rect(menu), "Menu {menu:?} in {window:?}");
        let code = harness.get_by_label("324 550").rect();
        let name = harness
            .get_by_label_contains("Trend Micro")
            .rect()
            .intersect(window);
        assert!(
            !name.intersects(code),
            "at {size:?} the name {name:?} runs into the code {code:?}"
        );
        assert!(window.contains_rect(code), "code {code:?} in {window:?}");
    }
}

#[test]
fn rows_keep_their_height_when_the_next_code_appears() {
    let world = World::new();
    plain_vault(
        &world.vault(),
        &[
            ("Example", "alice", KEY),
            ("Slack", "ops", "GEZDGNBVGY3TQOJQ"),
        ],
    );
    let mut harness = world.harness();
    harness.run();
    let before = harness.get_by_label("Slack").rect();
    // 4 s left: the next code shows under each code.
    world.set_time(PINNED + 6.0);
    harness.run();
    assert!(harness.query_all_by_label_contains("next").count() >= 2);
    let after = harness.get_by_label("Slack").rect();
    assert_eq!(before, after, "the second row moved");
}

#[test]
fn copying_in_the_last_seconds_offers_the_next_code() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    world.set_time(PINNED + 7.0);
    let mut harness = world.harness();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Copy").click();
    harness.run();
    harness.get_by_label_contains("That code expires in 3 s.");
    harness
        .get_by_role_and_label(Role::Button, "Copy the next code")
        .click();
    harness.run();
    let account = &accounts_on_disk(&world.vault(), None)[0];
    let next = mamori::otp::generate(&account.otp, PINNED as u64 + 10).code;
    assert_eq!(
        world.clipboard.0.lock().unwrap().as_deref(),
        Some(next.as_str())
    );
    harness.get_by_label_contains("Next code for Example (alice) copied.");
}

#[test]
fn only_the_rows_in_view_are_laid_out() {
    let world = World::new();
    {
        let mut vault = mamori::vault::Vault::create(&world.vault(), None).unwrap();
        let names: Vec<String> = (0..500).map(|i| format!("Customer {i:03}")).collect();
        let list: Vec<(&str, &str, &str)> =
            names.iter().map(|n| (n.as_str(), "admin", KEY)).collect();
        add_accounts(&mut vault, &list);
    }
    let harness = world.harness();
    let copies = harness.query_all_by_label("Copy").count();
    assert!(
        (5..=16).contains(&copies),
        "{copies} rows laid out in a 640-point window"
    );
}

#[test]
fn dialogs_open_at_the_top_scrolled_up_and_keep_title_and_close_on_screen() {
    let world = World::new();
    world.language("ja");
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = harness_sized(&world, [380.0, 360.0]);
    harness
        .get_by_role_and_label(Role::Button, "メニュー")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "エクスポート、他の端末への移行…")
        .click();
    harness.run();
    harness.run_steps(3);
    let window = harness.ctx.content_rect();
    let title = harness
        .get_by_label("エクスポート、他の端末への移行")
        .rect();
    let close = harness.get_by_role_and_label(Role::Button, "閉じる").rect();
    assert!(window.contains_rect(title), "title {title:?} in {window:?}");
    assert!(window.contains_rect(close), "Close {close:?} in {window:?}");
    // Content that grows (an error line) leaves the buttons where they were.
    let save = harness
        .get_by_role_and_label(Role::Button, "閉じる")
        .rect()
        .top();
    harness.run_steps(3);
    assert_eq!(
        save,
        harness
            .get_by_role_and_label(Role::Button, "閉じる")
            .rect()
            .top()
    );
}

#[test]
fn the_scan_chooser_marks_codes_already_saved_and_back_returns_to_it() {
    let mut world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    world.screens = vec![mamori::scan::Screen {
        name: "screen".into(),
        image: qr_screen(&[
            (
                &format!("otpauth://totp/Example:alice?secret={KEY}&issuer=Example"),
                100,
            ),
            (
                "otpauth://totp/Slack:ops?secret=GEZDGNBVGY3TQOJQ&issuer=Slack",
                700,
            ),
        ]),
    }];
    world.language("ja");
    let mut harness = world.harness();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "アカウントを追加")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "今すぐ読み取る")
        .click();
    wait_until(&mut harness, "the two codes", |app| {
        app.session()
            .and_then(|s| s.add.as_ref())
            .is_some_and(|d| d.candidates.len() == 2)
    });
    harness.get_by_label_contains("「Example (alice)」として保管庫に登録済みです");
    assert!(harness.query_all_by_label("画面 1").count() >= 2);
    assert!(harness.query_by_label_contains("(screen)").is_none());
    harness
        .query_all_by_role_and_label(Role::Button, "これを使う")
        .nth(1)
        .unwrap()
        .click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "戻る").click();
    harness.run();
    assert_eq!(
        harness
            .state()
            .session()
            .unwrap()
            .add
            .as_ref()
            .unwrap()
            .candidates
            .len(),
        2
    );
    harness
        .query_all_by_role_and_label(Role::Button, "これを使う")
        .next()
        .unwrap();
    // Typing a key already saved names the account and asks, as the scan does.
    drop(harness);
    let mut harness = world.harness();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "アカウントを追加")
        .click();
    harness.run();
    harness.get_by_label("キー入力").click();
    harness.run();
    type_into(&mut harness, "サービス名", "Example");
    type_into(&mut harness, "キー", KEY);
    harness.run();
    harness.get_by_label_contains("「Example (alice)」として保管庫に登録済みです");
    let save = harness.get_by_role_and_label(Role::Button, "アカウントを保存");
    assert!(disabled(&save));
    super::tick(&mut harness, "それでも追加する");
    harness.run();
    assert!(!disabled(
        &harness.get_by_role_and_label(Role::Button, "アカウントを保存")
    ));
}

#[test]
fn unlocking_says_wrong_password_plainly_shows_the_password_and_warns_of_caps_lock() {
    let world = World::new();
    super::encrypted_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    // The field has the focus; upper-case letters typed without Shift mean Caps Lock.
    harness.event(egui::Event::Text("NOT IT".into()));
    harness.run();
    harness.get_by_label("Caps Lock is on.");
    harness.event(egui::Event::Text("x".into()));
    harness.run();
    assert!(harness.query_by_label("Caps Lock is on.").is_none());
    // Show reveals what was typed (a text field instead of a password field), Hide hides it.
    assert!(harness.query_by_role(Role::PasswordInput).is_some());
    harness.get_by_role_and_label(Role::Button, "Show").click();
    harness.run();
    assert!(harness.query_by_role(Role::PasswordInput).is_none());
    harness.get_by_role_and_label(Role::Button, "Hide").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Unlock")
        .click();
    wait_until(
        &mut harness,
        "the refusal",
        |app| matches!(&app.phase, Phase::Unlock(f) if f.error.is_some()),
    );
    harness.get_by_label_contains("Wrong password. Check Caps Lock");
    assert!(harness.query_by_label_contains("not changed").is_none());
}

#[test]
fn the_export_dialog_says_what_a_format_cannot_hold() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    {
        let locked = mamori::vault::LockedVault::read(&world.vault()).unwrap();
        let mut vault = locked.unlock(None).unwrap();
        vault
            .update(mamori::vault::SaveKind::Structural, |accounts| {
                accounts[0].backup_codes.push(mamori::account::BackupCode {
                    code: "1111-2222".into(),
                    used_at: None,
                });
                Ok::<_, mamori::vault::VaultError>(())
            })
            .unwrap();
    }
    let mut harness = world.harness();
    harness.run();
    menu(&mut harness, "Export and move to another device…");
    assert!(
        harness
            .query_by_label_contains("no room for backup codes")
            .is_none()
    );
    harness
        .get_by_label("otpauth:// list, unencrypted text")
        .click();
    harness.run();
    harness.get_by_label_contains("no room for backup codes: the backup codes of 1 account");
}

#[test]
fn an_account_without_backup_codes_says_none_rather_than_0_of_0() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "⋯").click();
    harness.run();
    harness.get_by_label("Backup codes: none saved yet");
    assert!(harness.query_by_label_contains("0 of 0").is_none());
}

#[test]
fn automatic_backups_of_a_plain_vault_are_not_called_encrypted() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    menu(&mut harness, "Settings");
    assert!(
        harness
            .query_by_label_contains("encrypted like the vault")
            .is_none()
    );
    harness.get_by_label_contains("the copies are not encrypted either");
}

/// Screens whose capture panics, as a decoder or capture bug would.
struct PanickingScreens;

impl mamori::scan::ScreenSource for PanickingScreens {
    fn capture(&self) -> Result<Vec<mamori::scan::Screen>, mamori::scan::CaptureError> {
        panic!("a capture bug")
    }
}

#[test]
fn a_background_job_that_panics_never_leaves_the_window_busy_or_hidden() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut env = world.env();
    env.screens = std::sync::Arc::new(PanickingScreens);
    let mut harness = Harness::builder()
        .with_size([560.0, 640.0])
        .with_max_steps(64)
        .build_eframe(move |cc| MamoriApp::new(&cc.egui_ctx, env));
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Add account")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Scan now")
        .click();
    // Stepped by hand: a run would wait for the spinner of the frame that saw the job start.
    for _ in 0..1500 {
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
        if harness
            .state()
            .session()
            .and_then(|s| s.add.as_ref())
            .is_some_and(|d| !d.waiting)
        {
            break;
        }
    }
    harness.step();
    harness.get_by_label_contains("Something went wrong in the background");
    let scan = harness.get_by_role_and_label(Role::Button, "Scan now");
    assert!(!disabled(&scan), "the window stayed busy");
}

#[test]
fn a_key_pressed_in_the_frame_that_reaches_the_idle_deadline_does_not_cancel_the_lock() {
    let world = World::new();
    super::encrypted_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    super::unlock(&mut harness);
    // The default idle lock is 5 minutes; the key arrives in the frame that is past it.
    world.set_time(PINNED + 5.0 * 60.0 + 2.0);
    harness.key_press(egui::Key::ArrowDown);
    harness.run();
    harness.get_by_label("Unlock Mamori");
}

#[test]
fn a_screen_lock_during_a_password_change_locks_when_the_vault_is_back() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    menu(&mut harness, "Settings");
    super::type_password(&mut harness, "New password", super::PASSWORD);
    super::type_password(&mut harness, "Password again", super::PASSWORD);
    super::click_scrolled(&mut harness, "Set password");
    // The job holds the vault (the window shows "working"); the screen locks meanwhile.
    assert!(matches!(harness.state().phase, Phase::Busy));
    let sender = world.screen_lock.lock().unwrap().clone().unwrap();
    sender.send(()).unwrap();
    wait_until(&mut harness, "the vault back and locked", |app| {
        matches!(app.phase, Phase::Unlock(_))
    });
    harness.get_by_label("Locked because the screen was locked.");
}

#[test]
fn only_the_window_geometry_is_persisted_in_a_private_file() {
    use eframe::App as _;
    let world = World::new();
    plain_vault(&world.vault(), &[]);
    let harness = world.harness();
    assert!(!harness.state().persist_egui_memory());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let path = world.dir.path().join("config/window.ron");
        crate::gui::private_file(&path);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn every_export_asks_for_the_vault_password_again() {
    let world = World::new();
    super::encrypted_vault(&world.vault(), &[("Example", "alice", KEY)]);
    *world.dialogs.answer.lock().unwrap() = Picked::Chosen(world.dir.path().join("keys.txt"));
    let mut harness = world.harness();
    harness.run();
    super::unlock(&mut harness);
    menu(&mut harness, "Export and move to another device…");
    harness
        .get_by_label("otpauth:// list, unencrypted text")
        .click();
    harness.run();
    super::tick(&mut harness, "I understand; write the keys unencrypted");
    harness.run();
    // No password yet: Save is not offered.
    assert!(disabled(
        &harness.get_by_role_and_label(Role::Button, "Save…")
    ));
    // A wrong one is refused and nothing is written or asked for.
    super::type_password(&mut harness, "Vault password", "not it");
    click_scrolled(&mut harness, "Save…");
    wait_until(&mut harness, "the refusal", |app| {
        app.session()
            .and_then(|s| s.export.as_ref())
            .is_some_and(|d| d.error.is_some())
    });
    assert!(world.dialogs.asked.lock().unwrap().is_empty());
    assert!(!world.dir.path().join("keys.txt").exists());
    // The right one goes on to the file dialog and the export.
    let field = harness.get_by_role_and_label(Role::PasswordInput, "Vault password");
    field.focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.event(egui::Event::Text(super::PASSWORD.into()));
    harness.run();
    click_scrolled(&mut harness, "Save…");
    wait_until(&mut harness, "the export", |_| {
        world.dir.path().join("keys.txt").exists()
    });
    assert_eq!(world.dialogs.asked.lock().unwrap().len(), 1);
}
