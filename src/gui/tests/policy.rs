//! The managed policy, the activity log and vault health in the window (issue 15): settings
//! the policy fixes are shown as set by the administrator and cannot be changed, refused
//! actions name the policy, the activity page shows the log and the health findings, the
//! backup reminder appears, and failed unlocks are counted.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;

use super::{
    KEY, World, disabled, encrypted_vault, is_open, menu, plain_vault, type_password, unlock,
    wait_until,
};
use crate::gui::app::{Command, Phase};
use mamori::policy::Policy;

fn strict() -> Policy {
    Policy {
        require_password: Some(true),
        min_password_length: Some(12),
        allow_plain_export: Some(false),
        max_idle_lock_minutes: Some(5),
        max_clipboard_clear_seconds: Some(20),
        capture_protection: Some(true),
        clock_check: Some(false),
        lock_on_screen_lock: Some(true),
        time_servers: Some(vec!["ntp.corp.example".into()]),
        ..Policy::default()
    }
}

#[test]
fn a_vault_without_a_password_is_refused_naming_the_policy() {
    let mut world = World::new();
    world.policy = strict();
    let mut harness = world.harness();
    harness.run();
    // The choice is disabled and says who decided.
    assert!(disabled(
        &harness.get_by_role_and_label(Role::RadioButton, "No password")
    ));
    harness.get_by_label("Set by your administrator: new vaults need a password.");
    harness.get_by_label("No password").click();
    harness.run();
    assert!(matches!(&harness.state().phase, Phase::Welcome(f) if !f.without_password));
    // And the action itself is refused, naming the policy, whoever asks for it.
    harness.state_mut().push(Command::CreateVault(None));
    harness.run();
    harness.run_steps(3);
    harness.get_by_label_contains("(policy require_password)");
    assert!(!world.vault().exists());
}

#[test]
fn plain_exports_short_passwords_and_transfer_codes_are_refused_naming_the_policy() {
    let mut world = World::new();
    world.policy = strict();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    menu(&mut harness, "Export and move to another device…");
    harness
        .get_by_label("otpauth:// list, unencrypted text")
        .click();
    harness.run();
    harness
        .get_by_label("I understand; write the keys unencrypted")
        .click();
    harness.run();
    let list = world.dir.path().join("uris.txt");
    harness.state_mut().push(Command::ExportTo(list.clone()));
    harness.run();
    // A modal sizes itself over its first frames: let it settle before looking.
    harness.run_steps(3);
    harness.get_by_label_contains("(policy allow_plain_export)");
    assert!(!list.exists());
    // The transfer codes carry every key in the clear too.
    harness.state_mut().push(Command::ShowTransferCodes(None));
    harness.run();
    harness.run_steps(3);
    assert!(harness.state().session().is_some_and(|s| s.pager.is_none()));
    harness.get_by_label_contains("(policy allow_plain_export)");
    // A password shorter than the policy's minimum.
    harness.state_mut().push(Command::CloseDialogs);
    harness.run();
    menu(&mut harness, "Settings");
    harness.state_mut().push(Command::ChangePassword {
        current: None,
        new: Some(zeroize::Zeroizing::new("short".into())),
    });
    harness.run();
    harness.run_steps(3);
    harness.get_by_label_contains("at least 12 characters (policy min_password_length)");
    assert!(
        !mamori::vault::LockedVault::read(&world.vault())
            .unwrap()
            .needs_password()
    );
}

#[test]
fn settings_fixed_by_the_policy_are_capped_disabled_and_say_who_set_them() {
    let mut world = World::new();
    world.policy = strict();
    let settings = crate::gui::settings::Settings {
        auto_lock_minutes: 0,
        clipboard_clear_seconds: 0,
        capture_protection: false,
        ..Default::default()
    };
    settings.save(&world.settings_file()).unwrap();
    encrypted_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    let app = harness.state();
    assert_eq!(app.settings.auto_lock_minutes, 5);
    assert_eq!(app.settings.clipboard_clear_seconds, 20);
    assert!(app.settings.capture_protection && !app.settings.clock.clock_check);
    assert_eq!(app.settings.clock.time_servers, ["ntp.corp.example"]);
    unlock(&mut harness);
    menu(&mut harness, "Settings");
    assert!(
        harness
            .get_all_by_label("Set by your administrator")
            .count()
            >= 4
    );
    let protection = harness.get_by_role_and_label(
        Role::CheckBox,
        "Keep Mamori out of screenshots, recordings and screen sharing",
    );
    assert!(disabled(&protection));
    let nevers: Vec<bool> = harness
        .get_all_by_role_and_label(Role::CheckBox, "Never")
        .map(|n| disabled(&n))
        .collect();
    // Auto-lock and clipboard clearing are fixed; the export reminder is the user's.
    assert_eq!(nevers, [true, true, false]);
    assert!(disabled(
        &harness.get_by_role_and_label(Role::Button, "Remove password")
    ));
    harness.get_by_label("Set by your administrator: this vault must keep a password.");
    // The screen lock locks the vault: the policy says so.
    harness.state_mut().push(Command::CloseDialogs);
    harness.run();
    let sender = world.screen_lock.lock().unwrap().clone().unwrap();
    sender.send(()).unwrap();
    harness.run();
    harness.get_by_label("Unlock Mamori");
}

#[test]
fn the_activity_page_shows_the_log_and_the_health_findings() {
    let world = World::new();
    plain_vault(
        &world.vault(),
        &[("Example", "alice", KEY), ("Copy", "bob", KEY)],
    );
    let mut harness = world.harness();
    harness.run();
    menu(&mut harness, "Activity and health");
    harness.get_by_label_contains("Example:alice: the key is only 80 bits");
    harness.get_by_label_contains("The same key is stored under several accounts");
    harness.get_by_label("2 account(s) added: Example:alice, Copy:bob");
    harness.get_by_label("Vault created without a password");
    // Forty days after the vault was made without an export: the reminder banner.
    drop(harness);
    world.set_time(mamori::time::unix_now() as f64 + 40.0 * 86_400.0);
    let mut harness = world.harness();
    harness.run();
    harness.get_by_label_contains("No export or backup of the vault in the last 30 days");
}

#[test]
fn failed_unlocks_are_counted_and_shown_after_the_next_unlock() {
    let world = World::new();
    encrypted_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    for _ in 0..2 {
        type_password(&mut harness, "Password", "not it");
        harness
            .get_by_role_and_label(Role::Button, "Unlock")
            .click();
        wait_until(
            &mut harness,
            "the refusal",
            |app| matches!(&app.phase, Phase::Unlock(f) if f.error.is_some()),
        );
        if let Phase::Unlock(form) = &mut harness.state_mut().phase {
            form.password = zeroize::Zeroizing::new(String::new());
            form.error = None;
        }
        harness.run();
    }
    unlock(&mut harness);
    harness.get_by_label("2 failed attempt(s) to unlock this vault since the last unlock.");
    assert!(is_open(harness.state()));
}
