//! The quick pick as the hotkey and `mamori gui --quick-pick` open it: a request arrives on the
//! window's channel ([`crate::gui::instance::Request`]), the window becomes the quick pick
//! with its search field focused, typing filters as the main search does, ↑/↓ move, Enter
//! copies through the same clipboard path as the list (and hides the window again when it was
//! hidden), Esc closes; a locked vault asks for the password in the same small window first.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use super::{KEY, PASSWORD, PINNED, World, encrypted_vault, plain_vault, wait_until};
use crate::gui::app::{Attachments, MamoriApp};
use crate::gui::instance::Request;

const SLACK_KEY: &str = "GEZDGNBVGY3TQOJQ";

/// A hidden window over `world`'s vault and the sender its requests arrive on.
fn hidden_window(
    world: &World,
) -> (
    Harness<'static, MamoriApp>,
    std::sync::mpsc::Sender<Request>,
) {
    let mut harness = world.harness();
    let (sender, requests) = std::sync::mpsc::channel();
    let ctx = harness.ctx.clone();
    harness.state_mut().attach(
        &ctx,
        Attachments {
            requests,
            hotkey: None,
            hidden: true,
            hidden_start: None,
            quick_pick: false,
            tray: None,
        },
    );
    harness.run();
    (harness, sender)
}

fn code_at_pinned(key: &str) -> String {
    let (secret, _) = mamori::secret::Secret::from_base32(key).unwrap();
    mamori::otp::generate(&mamori::account::OtpParams::totp(secret), PINNED as u64).code
}

#[test]
fn the_hotkey_opens_the_quick_pick_and_enter_copies_the_filtered_code() {
    let world = World::new();
    plain_vault(
        &world.vault(),
        &[
            ("Example", "alice", KEY),
            ("Slack", "ops@example.com", SLACK_KEY),
            ("Microsoft", "admin", "GAYTEMZUGU3DOOBZ"),
        ],
    );
    let (mut harness, requests) = hidden_window(&world);
    assert!(!harness.state().window_shown());
    requests.send(Request::QuickPick).unwrap();
    harness.run();
    assert!(harness.state().quick_pick().is_some());
    // The search field has the focus: typed text goes there without a click. Full-width
    // letters match as the main search's do.
    harness.get_by_label("Find an account");
    harness.event(egui::Event::Text("ｓｌａｃｋ".into()));
    harness.run();
    harness.get_by_label("Slack (ops@example.com)");
    assert!(harness.query_by_label("Example (alice)").is_none());
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert_eq!(
        world.clipboard.0.lock().unwrap().as_deref(),
        Some(code_at_pinned(SLACK_KEY).as_str())
    );
    // Copied and gone: the window is hidden again, as it was.
    assert!(harness.state().quick_pick().is_none());
    assert!(!harness.state().window_shown());
    // Cleared on time while hidden (30 s by default), through the same path as the list.
    world.set_time(PINNED + 31.0);
    harness.run();
    assert_eq!(world.clipboard.0.lock().unwrap().as_deref(), None);
}

#[test]
fn arrows_move_the_choice_and_esc_closes_without_copying() {
    let world = World::new();
    plain_vault(
        &world.vault(),
        &[("Example", "alice", KEY), ("Slack", "ops", SLACK_KEY)],
    );
    let (mut harness, requests) = hidden_window(&world);
    requests.send(Request::QuickPick).unwrap();
    harness.run();
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(harness.state().quick_pick().is_none());
    assert_eq!(world.clipboard.0.lock().unwrap().as_deref(), None);
    requests.send(Request::QuickPick).unwrap();
    harness.run();
    harness.key_press(egui::Key::ArrowDown);
    harness.key_press(egui::Key::ArrowDown);
    harness.key_press(egui::Key::ArrowUp);
    harness.key_press(egui::Key::ArrowDown);
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert_eq!(
        world.clipboard.0.lock().unwrap().as_deref(),
        Some(code_at_pinned(SLACK_KEY).as_str())
    );
}

#[test]
fn a_locked_vault_asks_for_the_password_in_the_quick_pick_first() {
    let world = World::new();
    encrypted_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let (mut harness, requests) = hidden_window(&world);
    requests.send(Request::QuickPick).unwrap();
    harness.run();
    // The password field has the focus at once: no click needed in a window that just came up.
    harness.get_by_role_and_label(Role::PasswordInput, "Password");
    harness.event(egui::Event::Text(PASSWORD.into()));
    harness.key_press(egui::Key::Enter);
    wait_until(&mut harness, "the vault", |app| app.session().is_some());
    harness.run();
    assert!(
        harness.state().quick_pick().is_some(),
        "still the quick pick"
    );
    harness.get_by_label("Example (alice)");
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert_eq!(
        world.clipboard.0.lock().unwrap().as_deref(),
        Some(code_at_pinned(KEY).as_str())
    );
}

#[test]
fn a_second_start_brings_the_window_forward_and_gives_it_back_from_the_quick_pick() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let (mut harness, requests) = hidden_window(&world);
    requests.send(Request::QuickPick).unwrap();
    harness.run();
    requests.send(Request::Show).unwrap();
    harness.run();
    assert!(harness.state().quick_pick().is_none());
    assert!(harness.state().window_shown());
    harness.get_by_role_and_label(Role::TextInput, "Search");
}

#[test]
fn start_at_login_writes_the_autostart_entry_and_removes_it() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    super::menu(&mut harness, "Settings");
    let label = "Start Mamori hidden when I log in (the shortcut or a second start shows it)";
    super::tick(&mut harness, label);
    harness.run();
    let entry = world
        .dir
        .path()
        .join("autostart/io.github.mamori.Mamori.desktop");
    let text = std::fs::read_to_string(&entry).unwrap();
    let exec = text.lines().find_map(|l| l.strip_prefix("Exec=")).unwrap();
    // This executable, this window's vault (not the default one), hidden.
    assert!(exec.ends_with(r#" "gui" "--hidden""#), "{exec}");
    assert!(
        exec.contains(&world.vault().display().to_string()),
        "{exec}"
    );
    super::tick(&mut harness, label);
    harness.run();
    assert!(!entry.exists());
}
