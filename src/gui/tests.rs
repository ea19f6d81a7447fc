//! The window driven as a person would, through egui_kittest: widgets found by their
//! accessible role and label, clicked and typed into; the real app state, a real vault file on
//! disk, a pinned clock and an in-memory clipboard. Snapshot images (wgpu) are in `snapshots`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod everyday;
mod organise;
mod policy;
mod quick_pick;
mod snapshots;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

use mamori::capture::ClipboardContent;
use mamori::clock_check::{ClockError, ClockReading};
use mamori::scan::{CaptureError, FixedScreens, Screen};
use mamori::vault::{LockedVault, Vault};

use super::app::{ClockStatus, MamoriApp, Phase};
use super::env::{ClipboardPort, Clock, Env, TimeCheck};
use super::file_dialogs::{FileDialogs, Filter, Picked, Request};

/// 2023-11-14 22:13:20 UTC: docs/formats.md §15 gives `324550` for `JBSWY3DPEHPK3PXP` here.
pub const PINNED: f64 = 1_700_000_000.0;
/// The key of docs/formats.md §15.
pub const KEY: &str = "JBSWY3DPEHPK3PXP";
/// A test password.
pub const PASSWORD: &str = "correct horse battery staple";

/// A clock the test sets: the wall time, and how far it has jumped ahead of the steady clock
/// (the steady clock follows the wall time except for jumps).
#[derive(Clone)]
pub struct TestClock(pub Arc<Mutex<f64>>, pub Arc<Mutex<f64>>);

impl Clock for TestClock {
    fn now(&self) -> f64 {
        *self.0.lock().unwrap()
    }

    fn monotonic(&self) -> f64 {
        *self.0.lock().unwrap() - *self.1.lock().unwrap()
    }
}

/// The clipboard as a shared string (and, for pasting a screenshot, an image).
#[derive(Clone, Default)]
pub struct TestClipboard(
    pub Arc<Mutex<Option<String>>>,
    pub Arc<Mutex<Option<image::GrayImage>>>,
);

impl ClipboardPort for TestClipboard {
    fn copy(&mut self, text: &str) -> Result<(), CaptureError> {
        *self.0.lock().unwrap() = Some(text.to_string());
        Ok(())
    }

    fn holds(&mut self, text: &str) -> bool {
        self.0.lock().unwrap().as_deref() == Some(text)
    }

    fn clear(&mut self) -> Result<(), CaptureError> {
        *self.0.lock().unwrap() = None;
        Ok(())
    }

    fn read(&mut self) -> Result<ClipboardContent, CaptureError> {
        if let Some(image) = self.1.lock().unwrap().clone() {
            return Ok(ClipboardContent::Image(image));
        }
        match self.0.lock().unwrap().clone() {
            Some(text) => Ok(ClipboardContent::Text(text)),
            None => Err(CaptureError::ClipboardEmpty),
        }
    }
}

/// Time servers that answer what the test says, and count how often they are asked.
#[derive(Clone)]
pub struct TestTimeServers {
    pub answer: Arc<Mutex<Result<ClockReading, ClockError>>>,
    pub asked: Arc<Mutex<Vec<Vec<String>>>>,
}

impl Default for TestTimeServers {
    fn default() -> TestTimeServers {
        TestTimeServers {
            answer: Arc::new(Mutex::new(Ok(ClockReading::single("time.test", 0.1, 0.02)))),
            asked: Arc::default(),
        }
    }
}

impl TimeCheck for TestTimeServers {
    fn measure(&self, servers: &[String]) -> Result<ClockReading, ClockError> {
        self.asked.lock().unwrap().push(servers.to_vec());
        self.answer.lock().unwrap().clone()
    }
}

/// File dialogs that answer what the test says (by default: none can be shown, as on a
/// desktop without a portal or zenity), and remember what they were asked.
#[derive(Clone)]
pub struct TestDialogs {
    pub answer: Arc<Mutex<Picked>>,
    pub asked: Arc<Mutex<Vec<Request>>>,
    /// The filters each dialog was shown with.
    pub filters: Arc<Mutex<Vec<Vec<Filter>>>>,
}

impl Default for TestDialogs {
    fn default() -> TestDialogs {
        TestDialogs {
            answer: Arc::new(Mutex::new(Picked::Unavailable)),
            asked: Arc::default(),
            filters: Arc::default(),
        }
    }
}

impl FileDialogs for TestDialogs {
    fn pick(&self, request: &Request, _title: &str, filters: &[Filter]) -> Picked {
        self.asked.lock().unwrap().push(request.clone());
        self.filters.lock().unwrap().push(filters.to_vec());
        self.answer.lock().unwrap().clone()
    }
}

/// A file dropped on the window.
#[derive(Debug)]
struct DroppedPath(PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// A temporary folder with a vault path, settings, clock and clipboard.
pub struct World {
    pub dir: tempfile::TempDir,
    pub clock: TestClock,
    pub clipboard: TestClipboard,
    pub screens: Vec<Screen>,
    pub time_servers: TestTimeServers,
    pub dialogs: TestDialogs,
    /// Sends a "screen locked" to the newest window.
    pub screen_lock: Mutex<Option<std::sync::mpsc::Sender<()>>>,
    /// The managed policy the window runs under.
    pub policy: mamori::policy::Policy,
}

impl World {
    pub fn new() -> World {
        World {
            dir: tempfile::tempdir().unwrap(),
            clock: TestClock(Arc::new(Mutex::new(PINNED)), Arc::default()),
            clipboard: TestClipboard::default(),
            screens: Vec::new(),
            time_servers: TestTimeServers::default(),
            dialogs: TestDialogs::default(),
            screen_lock: Mutex::new(None),
            policy: mamori::policy::Policy::default(),
        }
    }

    pub fn vault(&self) -> PathBuf {
        self.dir.path().join("vault.mamori")
    }

    pub fn settings_file(&self) -> PathBuf {
        self.dir.path().join("settings.json")
    }

    pub fn env(&self) -> Env {
        let (screen_lock, screen_locks) = std::sync::mpsc::channel();
        *self.screen_lock.lock().unwrap() = Some(screen_lock);
        Env {
            screen_locks,
            vault_path: self.vault(),
            settings_path: Some(self.settings_file()),
            seen_file: Some(self.dir.path().join("seen.json")),
            clock: Arc::new(self.clock.clone()),
            time_check: Arc::new(self.time_servers.clone()),
            clipboard: Box::new(self.clipboard.clone()),
            screens: Arc::new(FixedScreens(self.screens.clone())),
            capture_delay: Duration::ZERO,
            autostart: Some(mamori::autostart::Autostart::XdgDir(
                self.dir.path().join("autostart"),
            )),
            file_dialogs: Arc::new(self.dialogs.clone()),
            policy: self.policy.clone(),
        }
    }

    /// Writes settings with this language before the window opens.
    pub fn language(&self, code: &str) {
        let settings = super::settings::Settings {
            language: Some(code.into()),
            ..Default::default()
        };
        settings.save(&self.settings_file()).unwrap();
    }

    pub fn harness(&self) -> Harness<'static, MamoriApp> {
        let env = self.env();
        Harness::builder()
            .with_size([560.0, 640.0])
            .with_max_steps(64)
            .build_eframe(move |cc| MamoriApp::new(&cc.egui_ctx, env))
    }

    pub fn set_time(&self, t: f64) {
        *self.clock.0.lock().unwrap() = t;
    }

    /// Moves the wall clock by `seconds` without the steady clock (the time was set, or the
    /// computer slept).
    pub fn jump_time(&self, seconds: f64) {
        *self.clock.0.lock().unwrap() += seconds;
        *self.clock.1.lock().unwrap() += seconds;
    }
}

/// A plain vault with `accounts` (issuer, name, key) at `path`.
pub fn plain_vault(path: &Path, accounts: &[(&str, &str, &str)]) {
    let mut vault = Vault::create(path, None).unwrap();
    add_accounts(&mut vault, accounts);
}

pub fn add_accounts(vault: &mut Vault, accounts: &[(&str, &str, &str)]) {
    vault
        .update(mamori::vault::SaveKind::Structural, |list| {
            for (issuer, name, key) in accounts {
                let (secret, _) = mamori::secret::Secret::from_base32(key).unwrap();
                list.push(mamori::account::Account::new(
                    issuer.to_string(),
                    name.to_string(),
                    mamori::account::OtpParams::totp(secret),
                    0,
                ));
            }
            Ok::<_, mamori::vault::VaultError>(())
        })
        .unwrap();
}

/// A password-protected vault (`PASSWORD`) with `accounts` at `path`, at the KDF's write floor
/// (Argon2id 64 MiB, t=3: a quarter of the default's work; the library refuses anything
/// cheaper), so typing a password costs the tests less. The first unlock re-wraps it at the
/// default cost, as for any user's vault made at a lower cost.
pub fn encrypted_vault(path: &Path, accounts: &[(&str, &str, &str)]) {
    use mamori::vault::crypto::{DEFAULT_P, FLOOR_M_KIB, FLOOR_T, KdfParams};
    let kdf = KdfParams::with_cost(FLOOR_M_KIB, FLOOR_T, DEFAULT_P).unwrap();
    let mut vault = Vault::create_with_kdf(path, PASSWORD, kdf).unwrap();
    add_accounts(&mut vault, accounts);
}

/// Types `PASSWORD` on the unlock screen, presses Enter and waits for the list.
pub fn unlock(harness: &mut Harness<'_, MamoriApp>) {
    type_password(harness, "Password", PASSWORD);
    harness.key_press(egui::Key::Enter);
    wait_until(harness, "the vault", is_open);
}

/// Ctrl+V as the real window delivers it: egui-winit reads the clipboard itself and sends
/// `Event::Paste` with its text, or `Event::PasteImage` when it holds only an image (after
/// PrintScreen); the V key press never reaches the app (egui-winit `on_keyboard_input`).
pub fn paste(harness: &mut Harness<'_, MamoriApp>, world: &World) {
    let text = world.clipboard.0.lock().unwrap().clone();
    let image = world.clipboard.1.lock().unwrap().clone();
    let event = match (text, image) {
        (Some(text), _) => egui::Event::Paste(text),
        (None, Some(gray)) => egui::Event::PasteImage(Arc::new(egui::ColorImage::from_gray(
            [gray.width() as usize, gray.height() as usize],
            gray.as_raw(),
        ))),
        (None, None) => return,
    };
    harness.event(event);
    harness.step();
}

/// Waits until the add dialog shows an account to confirm (after a scan, a paste or a file).
pub fn wait_for_confirmation(harness: &mut Harness<'_, MamoriApp>, what: &str) {
    wait_until(harness, what, |app| {
        app.session()
            .and_then(|s| s.add.as_ref())
            .is_some_and(|d| d.chosen.is_some())
    });
}

/// Steps the harness (real time passes, so worker threads finish) until `done` holds.
pub fn wait_until(
    harness: &mut Harness<'_, MamoriApp>,
    what: &str,
    done: impl Fn(&MamoriApp) -> bool,
) {
    let start = Instant::now();
    while !done(harness.state()) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
        harness.step();
    }
    harness.run();
}

pub fn is_open(app: &MamoriApp) -> bool {
    matches!(app.phase, Phase::Open(_))
}

pub fn accounts_on_disk(path: &Path, password: Option<&str>) -> Vec<mamori::account::Account> {
    LockedVault::read(path)
        .unwrap()
        .unlock(password)
        .unwrap()
        .accounts()
        .to_vec()
}

/// Opens the toolbar menu and picks `item`; steps until the dialog has settled (a modal sizes
/// itself over its first frames, so clicks go to where its widgets finally are).
pub fn menu(harness: &mut Harness<'_, MamoriApp>, item: &str) {
    menu_in(harness, "Menu", item);
}

/// [`menu`] with the menu button's label in the window's language.
pub fn menu_in(harness: &mut Harness<'_, MamoriApp>, menu: &str, item: &str) {
    harness.get_by_role_and_label(Role::Button, menu).click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, item).click();
    harness.run();
    harness.run_steps(3);
}

/// Scrolls the button `label` into view (dialogs scroll when the window is small), then clicks it.
pub fn click_scrolled(harness: &mut Harness<'_, MamoriApp>, label: &str) {
    click_scrolled_role(harness, Role::Button, label);
}

/// Scrolls the check box `label` into view, then ticks or unticks it.
pub fn tick(harness: &mut Harness<'_, MamoriApp>, label: &str) {
    click_scrolled_role(harness, Role::CheckBox, label);
}

fn click_scrolled_role(harness: &mut Harness<'_, MamoriApp>, role: Role, label: &str) {
    harness.get_by_role_and_label(role, label).scroll_to_me();
    harness.run();
    harness.get_by_role_and_label(role, label).click();
    // A step, not a run: the click may start a job whose spinner repaints until it ends.
    harness.step();
}

pub fn disabled(node: &egui_kittest::Node<'_>) -> bool {
    node.accesskit_node().is_disabled()
}

/// Focuses the field `label` of `role`, types `text`, and lets the frame run.
fn type_in(harness: &mut Harness<'_, MamoriApp>, role: Role, label: &str, text: &str) {
    harness.get_by_role_and_label(role, label).focus();
    harness.run();
    harness.get_by_role_and_label(role, label).type_text(text);
    harness.run();
}

pub fn type_into(harness: &mut Harness<'_, MamoriApp>, label: &str, text: &str) {
    type_in(harness, Role::TextInput, label, text);
}

pub fn type_password(harness: &mut Harness<'_, MamoriApp>, label: &str, text: &str) {
    type_in(harness, Role::PasswordInput, label, text);
}

#[test]
fn first_run_creates_an_encrypted_vault_with_the_password_typed_twice() {
    let world = World::new();
    let mut harness = world.harness();
    harness.run();
    harness.get_by_label("Welcome to Mamori");
    let create = harness.get_by_role_and_label(Role::Button, "Create vault");
    assert!(disabled(&create), "no password yet");
    type_password(&mut harness, "Password", PASSWORD);
    type_password(&mut harness, "Password again", "something else");
    harness.run();
    harness.get_by_label("The passwords do not match.");
    // Fix the repeat field: select all, retype.
    let repeat = harness.get_by_role_and_label(Role::PasswordInput, "Password again");
    repeat.focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_role_and_label(Role::PasswordInput, "Password again")
        .type_text(PASSWORD);
    harness.run();
    assert!(
        harness
            .query_by_label("The passwords do not match.")
            .is_none()
    );
    harness.get_by_label("Strong password");
    harness
        .get_by_role_and_label(Role::Button, "Create vault")
        .click();
    wait_until(&mut harness, "the vault", is_open);
    harness.get_by_label("No accounts yet");
    let locked = LockedVault::read(&world.vault()).unwrap();
    assert!(locked.needs_password());
    assert!(locked.clone().unlock(Some("wrong")).is_err());
    assert!(locked.unlock(Some(PASSWORD)).is_ok());
}

#[test]
fn first_run_without_a_password_needs_an_explicit_yes() {
    let world = World::new();
    let mut harness = world.harness();
    harness.run();
    harness.get_by_label("No password").click();
    harness.run();
    assert!(disabled(
        &harness.get_by_role_and_label(Role::Button, "Create vault")
    ));
    harness
        .get_by_label("I understand that the keys are stored unencrypted")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Create vault")
        .click();
    wait_until(&mut harness, "the vault", is_open);
    assert!(!LockedVault::read(&world.vault()).unwrap().needs_password());
}

#[test]
fn a_wrong_password_says_so_and_the_right_one_unlocks() {
    let world = World::new();
    encrypted_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    harness.get_by_label("Unlock Mamori");
    type_password(&mut harness, "Password", "not it");
    harness
        .get_by_role_and_label(Role::Button, "Unlock")
        .click();
    wait_until(
        &mut harness,
        "the refusal",
        |app| matches!(&app.phase, Phase::Unlock(f) if f.error.is_some()),
    );
    harness.get_by_label_contains("password");
    assert!(
        matches!(&harness.state().phase, Phase::Unlock(f) if f.password.as_str() == "not it"),
        "the field keeps what was typed"
    );
    harness
        .get_by_role_and_label(Role::PasswordInput, "Password")
        .focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    harness
        .get_by_role_and_label(Role::PasswordInput, "Password")
        .type_text(PASSWORD);
    harness.run();
    harness.key_press(egui::Key::Enter);
    wait_until(&mut harness, "the vault", is_open);
    harness.get_by_label("324 550");
}

#[test]
fn a_key_typed_by_hand_shows_the_right_code_before_and_after_saving() {
    let world = World::new();
    plain_vault(&world.vault(), &[]);
    let mut harness = world.harness();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Add account")
        .click();
    harness.run();
    harness.get_by_label("Enter key").click();
    harness.run();
    type_into(&mut harness, "Service", "Example");
    type_into(&mut harness, "Account", "alice@example.com");
    // Lower case with spaces, as people copy it.
    type_into(&mut harness, "Key", "jbsw y3dp ehpk 3pxp");
    harness.run();
    // docs/formats.md §15: 324550 at T = 1700000000, 10 s before the period ends.
    harness.get_by_label("324 550");
    harness.get_by_label("10 s");
    harness
        .get_by_role_and_label(Role::Button, "Save account")
        .click();
    harness.run();
    let accounts = accounts_on_disk(&world.vault(), None);
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].issuer, "Example");
    assert_eq!(accounts[0].name, "alice@example.com");
    harness.get_by_label("324 550");
    harness.get_by_label("alice@example.com");
    // Seconds later the list shows the next code beside the urgent countdown.
    world.set_time(PINNED + 6.0);
    harness.run();
    harness.get_by_label("4 s");
    let next = mamori::otp::generate(&accounts[0].otp, PINNED as u64 + 10).grouped();
    harness.get_by_label(&format!("next {next}"));
}

#[test]
fn a_pasted_uri_is_confirmed_with_its_live_code_and_duplicates_are_flagged() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    *world.clipboard.0.lock().unwrap() = Some(format!(
        "otpauth://totp/Example:alice?secret={KEY}&issuer=Example"
    ));
    let mut harness = world.harness();
    harness.run();
    paste(&mut harness, &world);
    wait_for_confirmation(&mut harness, "the pasted link");
    harness.get_by_label("Enter this code on the service's verify page, then save.");
    harness.get_by_label("This key is already in the vault as Example (alice).");
    let save = harness.get_by_role_and_label(Role::Button, "Save account");
    assert!(disabled(&save));
    harness.get_by_label("Add it anyway").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Save account")
        .click();
    harness.run();
    assert_eq!(accounts_on_disk(&world.vault(), None).len(), 2);
}

#[test]
fn a_dropped_file_is_scanned_and_a_broken_one_refused() {
    // (Pasted screenshots: `everyday::a_screenshot_pasted_with_ctrl_v_…`.)
    let world = World::new();
    plain_vault(&world.vault(), &[("Kintone", "admin", KEY)]);
    let mut harness = world.harness();
    harness.run();
    // A file dropped on the window: a picture of a code.
    let file = world.dir.path().join("dropped.png");
    qr_screen(&[(
        "otpauth://totp/Slack:ops?secret=GEZDGNBVGY3TQOJQ&issuer=Slack",
        500,
    )])
    .save(&file)
    .unwrap();
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(DroppedPath(file)));
    wait_for_confirmation(&mut harness, "the dropped file");
    harness
        .get_by_role_and_label(Role::Button, "Save account")
        .click();
    harness.run();
    let issuers: Vec<String> = accounts_on_disk(&world.vault(), None)
        .into_iter()
        .map(|a| a.issuer)
        .collect();
    assert_eq!(issuers, ["Kintone", "Slack"]);
    // A file that is not an image says so and changes nothing.
    let junk = world.dir.path().join("notes.png");
    std::fs::write(&junk, b"not a picture").unwrap();
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(DroppedPath(junk)));
    wait_until(&mut harness, "the refusal", |app| {
        app.session()
            .and_then(|s| s.add.as_ref())
            .is_some_and(|d| !d.waiting && d.message.is_some())
    });
    assert_eq!(accounts_on_disk(&world.vault(), None).len(), 2);
}

#[test]
fn a_screen_scan_with_two_codes_lets_the_user_pick() {
    let mut world = World::new();
    plain_vault(&world.vault(), &[]);
    let first = qr_screen(&[
        (
            "otpauth://totp/Slack:admin?secret=GEZDGNBVGY3TQOJQ&issuer=Slack",
            100,
        ),
        (
            "otpauth://totp/Kintone:admin?secret=JBSWY3DPEHPK3PXP&issuer=Kintone",
            700,
        ),
    ]);
    world.screens = vec![Screen {
        name: "HDMI-1".into(),
        image: first,
    }];
    let mut harness = world.harness();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Add account")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Scan now")
        .click();
    wait_until(&mut harness, "the scan", |app| {
        app.session()
            .and_then(|s| s.add.as_ref())
            .is_some_and(|d| !d.waiting && !d.candidates.is_empty())
    });
    harness.get_by_label("Found 2 accounts. Pick the one you are setting up:");
    harness.get_by_label("Kintone (admin)");
    let buttons = harness.get_all_by_role_and_label(Role::Button, "Use this one");
    let kintone = buttons
        .into_iter()
        .last()
        .expect("one button per candidate");
    kintone.click();
    harness.run();
    harness.get_by_label("324 550");
    harness
        .get_by_role_and_label(Role::Button, "Save account")
        .click();
    harness.run();
    let accounts = accounts_on_disk(&world.vault(), None);
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].issuer, "Kintone");
}

#[test]
fn a_screen_with_no_code_offers_region_selection() {
    let mut world = World::new();
    plain_vault(&world.vault(), &[]);
    world.screens = vec![Screen {
        name: String::new(),
        image: image::GrayImage::from_pixel(800, 600, image::Luma([240])),
    }];
    let mut harness = world.harness();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Add account")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Scan now")
        .click();
    wait_until(&mut harness, "the scan", |app| {
        app.session()
            .and_then(|s| s.add.as_ref())
            .is_some_and(|d| !d.waiting && d.message.is_some())
    });
    harness.get_by_label_contains("No QR code found on any screen");
    harness
        .get_by_role_and_label(Role::Button, "Select the region by hand…")
        .click();
    harness.run();
    harness.get_by_label("Drag a box around the QR code (Esc to cancel)");
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(
        harness
            .query_by_label("Drag a box around the QR code (Esc to cancel)")
            .is_none()
    );
}

#[test]
fn search_filters_by_issuer_and_name_ignoring_case_and_width() {
    let world = World::new();
    plain_vault(
        &world.vault(),
        &[
            ("kintone", "admin", KEY),
            ("Slack", "ops@example.com", "GEZDGNBVGY3TQOJQ"),
            ("Microsoft", "Admin", "GAYTEMZUGU3DOOBZ"),
        ],
    );
    let mut harness = world.harness();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Search")
        .type_text("ｋｉｎｔｏｎｅ");
    harness.run();
    assert_eq!(harness.state().visible_ids().len(), 1);
    harness.get_by_label("kintone");
    assert!(harness.query_by_label("Slack").is_none());
    let field = harness.get_by_role_and_label(Role::TextInput, "Search");
    field.focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_role_and_label(Role::TextInput, "Search")
        .type_text("ADMIN");
    harness.run();
    assert_eq!(harness.state().visible_ids().len(), 2);
    harness.get_by_label("Microsoft");
    harness
        .get_by_role_and_label(Role::TextInput, "Search")
        .type_text("zzz");
    harness.run();
    harness.get_by_label("No account matches “ADMINzzz”.");
}

/// Composes `text` as an input method does: preedit (shown, not yet entered), then commit.
fn compose(harness: &mut Harness<'_, MamoriApp>, reading: &str, text: &str) {
    harness.event(egui::Event::Ime(egui::ImeEvent::Preedit {
        text: reading.into(),
        active_range_chars: None,
    }));
    harness.run();
    harness.event(egui::Event::Ime(egui::ImeEvent::Commit(text.into())));
    harness.run();
}

#[test]
fn japanese_typed_through_an_input_method_reaches_the_fields() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Slack", "ops@example.com", KEY)]);
    let mut harness = world.harness();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Add account")
        .click();
    harness.run();
    harness.get_by_label("Enter key").click();
    harness.run();
    harness.get_by_label("Service").focus();
    harness.run();
    compose(&mut harness, "さいぼうず", "サイボウズ");
    harness.get_by_label("Account").focus();
    harness.run();
    compose(&mut harness, "かんりしゃ", "管理者");
    type_into(&mut harness, "Key", "GEZDGNBVGY3TQOJQ");
    harness.run();
    click_scrolled(&mut harness, "Save account");
    harness.run();
    let on_disk = accounts_on_disk(&world.vault(), None);
    assert_eq!(on_disk.len(), 2);
    assert_eq!(on_disk[1].issuer, "サイボウズ");
    assert_eq!(on_disk[1].name, "管理者");

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run();
    compose(&mut harness, "さい", "サイ");
    assert_eq!(harness.state().visible_ids().len(), 1);
    harness.get_by_label("管理者");
    assert!(harness.query_by_label("Slack").is_none());
}

#[test]
fn copying_puts_the_code_on_the_clipboard_and_clears_it_later() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Copy").click();
    harness.run();
    assert_eq!(world.clipboard.0.lock().unwrap().as_deref(), Some("324550"));
    harness.get_by_label_contains("Code for Example (alice) copied.");
    // 30 s later (the default) the code is cleared, because it is still ours.
    world.set_time(PINNED + 31.0);
    harness.run();
    assert_eq!(world.clipboard.0.lock().unwrap().as_deref(), None);
    // Something the user copied afterwards is left alone.
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert!(
        world.clipboard.0.lock().unwrap().is_some(),
        "Enter copies too"
    );
    *world.clipboard.0.lock().unwrap() = Some("the user's own text".into());
    world.set_time(PINNED + 70.0);
    harness.run();
    assert_eq!(
        world.clipboard.0.lock().unwrap().as_deref(),
        Some("the user's own text")
    );
}

#[test]
fn delete_asks_first_and_undo_brings_the_account_back() {
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
    harness
        .get_all_by_role_and_label(Role::Button, "⋯")
        .next()
        .unwrap()
        .click();
    harness.run();
    click_scrolled(&mut harness, "Delete account…");
    harness.run();
    harness.get_by_label_contains("Turn off two-factor login at the service first");
    click_scrolled(&mut harness, "Delete");
    harness.run();
    let on_disk = accounts_on_disk(&world.vault(), None);
    assert_eq!(on_disk.len(), 1);
    assert_eq!(on_disk[0].issuer, "Slack");
    harness.get_by_label("Moved Example (alice) to the trash.");
    harness.get_by_role_and_label(Role::Button, "Undo").click();
    harness.run();
    let on_disk = accounts_on_disk(&world.vault(), None);
    assert_eq!(
        on_disk
            .iter()
            .map(|a| a.issuer.as_str())
            .collect::<Vec<_>>(),
        ["Example", "Slack"],
        "back in its place"
    );
}

#[test]
fn switching_to_japanese_changes_the_labels_and_is_remembered() {
    let world = World::new();
    world.language("en");
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    menu(&mut harness, "Settings");
    harness.get_by_label("日本語").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "閉じる")
        .click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "アカウントを追加");
    harness.get_by_role_and_label(Role::Button, "コピー");
    assert!(harness.query_by_label("Add account").is_none());
    let saved = super::settings::Settings::load(&world.settings_file());
    assert_eq!(saved.language.as_deref(), Some("ja"));
    // A new window starts in Japanese.
    drop(harness);
    let mut harness = world.harness();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "メニュー");
    harness.get_by_label("検索");
}

#[test]
fn a_backup_code_marked_used_stays_used_after_reopening() {
    let world = World::new();
    encrypted_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let open = |harness: &mut Harness<'static, MamoriApp>| {
        harness.run();
        type_password(harness, "Password", PASSWORD);
        harness.key_press(egui::Key::Enter);
        wait_until(harness, "the vault", is_open);
    };
    let mut harness = world.harness();
    open(&mut harness);
    harness.get_by_role_and_label(Role::Button, "⋯").click();
    harness.run();
    type_in(
        &mut harness,
        Role::MultilineTextInput,
        "Paste the list of backup codes (one a line):",
        "1111-2222\n3333-4444\n5555-6666\n----\n1111 2222\n",
    );
    harness.run();
    click_scrolled(&mut harness, "Add these codes");
    harness.run();
    // The same rule as `mamori backup-codes --add-file`: a line of hyphens is no code, and a
    // code already there in another spacing is not added twice.
    harness.get_by_label_contains("Added 3 backup code(s); 3 unused.");
    harness.get_by_label("Backup codes: 3 of 3 unused");
    // Like the key, the codes show only after the vault password is given again.
    assert!(harness.query_by_label("3333-4444").is_none());
    type_password(&mut harness, "Vault password", PASSWORD);
    click_scrolled(&mut harness, "Show key, QR code and backup codes");
    wait_until(&mut harness, "the codes", |app| {
        app.session()
            .and_then(|s| s.manage.as_ref())
            .is_some_and(|m| m.key_shown)
    });
    // Shown as the service printed it, hyphen included.
    harness.get_by_label("3333-4444").click();
    harness.run();
    harness.get_by_label("Backup codes: 2 of 3 unused");
    harness.get_by_role_and_label(Role::Button, "Close").click();
    harness.run();
    harness.get_by_label("2 backup codes left");
    // Lock (Ctrl+L), then a new window on the same file.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::L);
    harness.run();
    harness.get_by_label("Unlock Mamori");
    drop(harness);
    let mut harness = world.harness();
    open(&mut harness);
    harness.get_by_label("2 backup codes left");
    let account = &accounts_on_disk(&world.vault(), Some(PASSWORD))[0];
    let used: Vec<_> = account
        .backup_codes
        .iter()
        .map(|c| c.used_at.is_some())
        .collect();
    assert_eq!(used, [false, true, false]);
    assert_eq!(account.backup_codes[1].used_at, Some(PINNED as u64));
}

#[test]
fn idle_vaults_lock_themselves_and_forget_the_clipboard() {
    let world = World::new();
    encrypted_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    unlock(&mut harness);
    harness.get_by_role_and_label(Role::Button, "Copy").click();
    harness.run();
    assert!(world.clipboard.0.lock().unwrap().is_some());
    world.set_time(PINNED + 5.0 * 60.0 + 1.0);
    harness.run();
    harness.get_by_label("Unlock Mamori");
    assert_eq!(world.clipboard.0.lock().unwrap().as_deref(), None);
}

#[test]
fn locking_the_screen_locks_the_vault_unless_locking_is_set_to_never() {
    let world = World::new();
    encrypted_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    unlock(&mut harness);
    harness.get_by_role_and_label(Role::Button, "Copy").click();
    harness.run();
    let lock_screen = || {
        let sender = world.screen_lock.lock().unwrap().clone().unwrap();
        sender.send(()).unwrap();
    };
    lock_screen();
    harness.run();
    harness.get_by_label("Unlock Mamori");
    harness.get_by_label("Locked because the screen was locked.");
    assert_eq!(world.clipboard.0.lock().unwrap().as_deref(), None);
    drop(harness);

    let settings = super::settings::Settings {
        auto_lock_minutes: 0,
        ..Default::default()
    };
    settings.save(&world.settings_file()).unwrap();
    let mut harness = world.harness();
    harness.run();
    unlock(&mut harness);
    lock_screen();
    harness.run();
    assert!(is_open(harness.state()));
}

#[test]
fn the_window_asks_for_one_repaint_a_second_not_continuous_ones() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    let steps = harness.run();
    assert!(steps < 10, "the window settles ({steps} steps)");
    // The start-up clock check finishes on its own thread and wakes the window once; wait for
    // it, so its wake-up is not taken for a second frame per tick below.
    wait_until(&mut harness, "the clock check", |app| {
        matches!(app.clock_status(), ClockStatus::Measured(_))
    });
    harness.run();
    let delay = harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert!(
        delay > Duration::from_millis(500) && delay <= Duration::from_millis(1010),
        "next repaint at the next second: {delay:?}"
    );
    // Each tick is one frame: the frame painted when the second changes asks for nothing
    // sooner than the next second (a second frame per tick doubled the idle CPU).
    for tick in 1..=3 {
        world.set_time(PINNED + f64::from(tick) + 0.02);
        harness.step();
        let delay = harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
        assert!(
            delay > Duration::from_millis(500),
            "tick {tick}: another frame asked for after {delay:?}"
        );
    }
}

#[test]
fn hotp_rows_show_a_next_code_button_that_advances_the_counter() {
    let world = World::new();
    let mut vault = Vault::create(&world.vault(), None).unwrap();
    vault
        .update(mamori::vault::SaveKind::Structural, |list| {
            let (secret, _) = mamori::secret::Secret::from_base32(KEY).unwrap();
            let mut otp = mamori::account::OtpParams::totp(secret);
            otp.kind = mamori::account::OtpKind::Hotp { counter: 1 };
            list.push(mamori::account::Account::new(
                "Bank".into(),
                "me".into(),
                otp,
                0,
            ));
            Ok::<_, mamori::vault::VaultError>(())
        })
        .unwrap();
    drop(vault);
    let mut harness = world.harness();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Next code")
        .click();
    harness.run();
    // docs/formats.md §15: HOTP counter 1 gives 996554.
    harness.get_by_label("996 554");
    assert_eq!(world.clipboard.0.lock().unwrap().as_deref(), Some("996554"));
    let account = &accounts_on_disk(&world.vault(), None)[0];
    assert_eq!(
        account.otp.kind,
        mamori::account::OtpKind::Hotp { counter: 2 }
    );
    // The account changed when its counter moved, as `mamori code` records it.
    assert_eq!(account.updated, PINNED as u64);
}

/// A light-grey "screen" with QR codes of `texts` at the given x offsets.
pub fn qr_screen(codes: &[(&str, u32)]) -> image::GrayImage {
    let mut screen = image::GrayImage::from_pixel(1200, 700, image::Luma([235]));
    for (text, x) in codes {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let image = code
            .render::<image::Luma<u8>>()
            .module_dimensions(5, 5)
            .build();
        image::imageops::overlay(&mut screen, &image, i64::from(*x), 120);
    }
    screen
}

#[test]
fn hidden_codes_show_dots_until_the_row_is_clicked() {
    let world = World::new();
    let settings = super::settings::Settings {
        hide_codes: true,
        ..Default::default()
    };
    settings.save(&world.settings_file()).unwrap();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    harness.get_by_label("••• •••");
    assert!(harness.query_by_label("324 550").is_none());
    harness.get_by_label("alice").click();
    harness.run();
    harness.get_by_label("324 550");
    assert_eq!(world.clipboard.0.lock().unwrap().as_deref(), Some("324550"));
}

#[test]
fn a_slow_clock_is_warned_about_and_codes_can_be_generated_with_the_offset() {
    let world = World::new();
    *world.time_servers.answer.lock().unwrap() = Ok(ClockReading::single("time.test", 43.2, 0.03));
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    wait_until(&mut harness, "the clock check", |app| {
        matches!(app.clock_status(), ClockStatus::Measured(_))
    });
    harness.get_by_label(
        "Codes may be rejected: your clock is 43 s slow (by time.test) — fix the system time.",
    );
    // Codes follow the system clock until the user asks for the correction.
    harness.get_by_label("324 550");
    assert!(
        harness
            .query_by_label_contains("measured offset applied")
            .is_none()
    );

    menu(&mut harness, "Settings");
    harness.get_by_label("Your clock is 43 s slow (by time.test).");
    tick(
        &mut harness,
        "Generate codes with the measured offset applied (a notice stays on screen while this is on)",
    );
    harness.run();
    click_scrolled(&mut harness, "Close");
    harness.run();
    let account = &accounts_on_disk(&world.vault(), None)[0];
    let corrected = mamori::otp::generate(&account.otp, PINNED as u64 + 43).grouped();
    assert_ne!(corrected, "324 550");
    harness.get_by_label(&corrected);
    harness.get_by_label("Codes are generated with the measured offset applied (clock 43 s slow).");
    harness.get_by_label("alice").click();
    harness.run();
    assert_eq!(
        world.clipboard.0.lock().unwrap().as_deref(),
        Some(corrected.replace(' ', "").as_str())
    );
    let saved = super::settings::Settings::load(&world.settings_file());
    assert!(saved.clock.apply_offset);
    // What the window wrote, `mamori doctor` reads back with no key ignored.
    assert!(
        mamori::settings::Settings::load_reporting(&world.settings_file())
            .ignored_keys
            .is_empty()
    );
}

#[test]
fn a_settings_file_broken_by_hand_is_reported_and_kept_when_settings_change() {
    let world = World::new();
    // A trailing comma after editing by hand: before, the window used the defaults without a
    // word and its next save overwrote the user's text.
    let hand_edited = b"{\n  \"hide_codes\": true,\n}\n";
    std::fs::write(world.settings_file(), hand_edited).unwrap();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    let path = world.settings_file().display().to_string();
    let message = format!(
        "Settings: {path} could not be read (not valid JSON at line 3, column 1), so the \
         default settings are in use. Correct the file, or delete it to start from the defaults."
    );
    // Said at once, and again in the settings, with what a change there does.
    harness.get_by_label(&message);
    menu(&mut harness, "Settings");
    assert!(harness.query_all_by_label(&message).count() >= 1);
    let kept = format!("{path}.unreadable");
    let keep_line = format!(
        "Changing a setting here saves new settings; the file that could not be read is then \
         kept as {kept}."
    );
    harness.get_by_label(&keep_line);
    assert_eq!(std::fs::read(world.settings_file()).unwrap(), hand_edited);
    tick(&mut harness, "Start minimized");
    harness.run();
    // The user's text is kept byte for byte; the new file reads back whole.
    assert_eq!(std::fs::read(&kept).unwrap(), hand_edited);
    let loaded = mamori::settings::Settings::load_reporting(&world.settings_file());
    assert_eq!(loaded.unreadable, None);
    assert!(loaded.settings.start_minimized);
    harness.get_by_label(&format!(
        "Settings saved. The file that could not be read was kept as {kept}."
    ));
    // Once saved, the dialog no longer warns.
    assert!(harness.query_by_label(&keep_line).is_none());
}

#[cfg(unix)]
#[test]
fn a_settings_path_the_system_will_not_read_is_reported_but_never_promised_to_be_kept() {
    let world = World::new();
    // A folder where settings.json should be: nothing to keep aside, and saving fails.
    std::fs::create_dir_all(world.settings_file()).unwrap();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    menu(&mut harness, "Settings");
    let path = world.settings_file().display().to_string();
    assert!(
        harness
            .query_all_by_label_contains(&format!("Settings: {path} could not be read ("))
            .count()
            >= 1
    );
    assert!(
        harness
            .query_all_by_label_contains("the file that could not be read is then kept as")
            .next()
            .is_none()
    );
    tick(&mut harness, "Start minimized");
    harness.run();
    harness.get_by_label_contains(&format!("Settings could not be saved to {path}"));
    assert!(world.settings_file().is_dir());
}

/// A year, in seconds: the offset a lying or broken time server was seen to report.
const YEAR: f64 = 365.0 * 86400.0;

#[test]
fn an_offset_over_ten_minutes_is_applied_only_after_the_user_confirms_it() {
    let world = World::new();
    let mut settings = super::settings::Settings::default();
    settings.clock.apply_offset = true;
    settings.save(&world.settings_file()).unwrap();
    *world.time_servers.answer.lock().unwrap() = Ok(ClockReading::single("time.test", YEAR, 0.01));
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    wait_until(&mut harness, "the clock check", |app| {
        matches!(app.clock_status(), ClockStatus::Measured(_))
    });
    // Measured and warned about, but codes still follow the system clock.
    harness.get_by_label(
        "Codes may be rejected: your clock is 365 days 0 h slow (by time.test) — fix the system time.",
    );
    harness.get_by_label(
        "The measured offset (365 days 0 h slow) is more than 10 minutes: codes follow the system clock until you confirm it in Settings → Clock.",
    );
    harness.get_by_label("324 550");
    assert_eq!(harness.state().code_time(), PINNED);

    menu(&mut harness, "Settings");
    harness.get_by_label(
        "The time servers say your clock is 365 days 0 h slow. An offset over 10 minutes is applied to codes only if you confirm it. Is this computer's clock really that far off?",
    );
    click_scrolled(&mut harness, "Apply this offset to codes");
    harness.run();
    assert!(
        harness
            .query_by_label("Apply this offset to codes")
            .is_none()
    );
    click_scrolled(&mut harness, "Close");
    harness.run();
    assert_eq!(harness.state().code_time(), PINNED + YEAR);
    let account = &accounts_on_disk(&world.vault(), None)[0];
    let corrected = mamori::otp::generate(&account.otp, (PINNED + YEAR) as u64).grouped();
    harness.get_by_label(&corrected);
    harness.get_by_label(
        "Codes are generated with the measured offset applied (clock 365 days 0 h slow).",
    );

    // A later check that finds another large offset is asked about again.
    *world.time_servers.answer.lock().unwrap() =
        Ok(ClockReading::single("time.test", 2.0 * YEAR, 0.01));
    menu(&mut harness, "Settings");
    click_scrolled(&mut harness, "Check now");
    wait_until(
        &mut harness,
        "the second check",
        |app| matches!(app.clock_status(), ClockStatus::Measured(r) if r.offset_seconds == 2.0 * YEAR),
    );
    assert_eq!(harness.state().code_time(), PINNED);
    harness.get_by_label("Apply this offset to codes");
}

#[test]
fn servers_that_disagree_are_shown_and_not_applied() {
    let world = World::new();
    let mut settings = super::settings::Settings::default();
    settings.clock.apply_offset = true;
    settings.save(&world.settings_file()).unwrap();
    let answer = |server: &str, offset: f64| mamori::clock_check::ServerReading {
        server: server.into(),
        offset_seconds: offset,
        round_trip_seconds: 0.01,
    };
    *world.time_servers.answer.lock().unwrap() = Err(ClockError::Disagree {
        readings: vec![answer("a.test", YEAR), answer("b.test", 0.0)],
    });
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    wait_until(&mut harness, "the clock check", |app| {
        matches!(app.clock_status(), ClockStatus::Failed(_))
    });
    assert_eq!(harness.state().code_time(), PINNED);
    harness.get_by_label("324 550");
    assert!(harness.query_by_label_contains("may be rejected").is_none());
    menu(&mut harness, "Settings");
    harness.get_by_label_contains(
        "the time servers disagree by more than 1 s (a.test: 365 days 0 h slow; b.test: on time)",
    );
}

#[test]
fn the_clock_is_checked_again_every_hour_and_when_the_wall_clock_jumps() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    let asked = || world.time_servers.asked.lock().unwrap().len();
    wait_until(&mut harness, "the clock check", |app| {
        matches!(app.clock_status(), ClockStatus::Measured(_))
    });
    assert_eq!(asked(), 1);

    // Half an hour of ordinary ticks: no new check.
    world.set_time(PINNED + 1800.0);
    harness.run();
    assert_eq!(asked(), 1);

    // An hour: checked again, the last result staying on screen meanwhile.
    *world.time_servers.answer.lock().unwrap() = Ok(ClockReading::single("time.test", 43.2, 0.01));
    world.set_time(PINNED + 3600.0);
    harness.step();
    assert!(matches!(
        harness.state().clock_status(),
        ClockStatus::Measured(_)
    ));
    wait_until(
        &mut harness,
        "the hourly check",
        |app| matches!(app.clock_status(), ClockStatus::Measured(r) if r.offset_seconds == 43.2),
    );
    assert_eq!(asked(), 2);
    harness.get_by_label_contains("your clock is 43 s slow");

    // The wall clock set back two minutes (or a resume from sleep): the last result no longer
    // holds, and is checked again at once.
    *world.time_servers.answer.lock().unwrap() = Ok(ClockReading::single("time.test", 163.2, 0.01));
    world.jump_time(-120.0);
    harness.step();
    assert_eq!(*harness.state().clock_status(), ClockStatus::Checking);
    wait_until(
        &mut harness,
        "the check after the jump",
        |app| matches!(app.clock_status(), ClockStatus::Measured(r) if r.offset_seconds == 163.2),
    );
    harness.run();
    assert_eq!(asked(), 3);

    // An hourly check that hears nothing (offline for a while) keeps the last measurement.
    *world.time_servers.answer.lock().unwrap() = Err(ClockError::NoAnswer {
        tried: vec!["time.test".into()],
    });
    world.set_time(PINNED - 120.0 + 2.0 * 3600.0);
    harness.step();
    wait_until(&mut harness, "the offline check", |app| {
        !app.clock_check_running()
    });
    assert_eq!(asked(), 4);
    assert!(matches!(
        harness.state().clock_status(),
        ClockStatus::Measured(r) if r.offset_seconds == 163.2
    ));
}

#[test]
fn the_clock_check_asks_the_configured_servers_and_can_be_turned_off() {
    let world = World::new();
    let mut settings = super::settings::Settings::default();
    settings.clock.time_servers = vec!["127.0.0.1:1123".into()];
    settings.save(&world.settings_file()).unwrap();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    wait_until(&mut harness, "the clock check", |app| {
        matches!(app.clock_status(), ClockStatus::Measured(_))
    });
    assert_eq!(
        *world.time_servers.asked.lock().unwrap(),
        vec![vec!["127.0.0.1:1123".to_string()]]
    );
    // An offset under 10 s is not worth a warning.
    assert!(harness.query_by_label_contains("may be rejected").is_none());

    *world.time_servers.answer.lock().unwrap() = Err(ClockError::NoAnswer {
        tried: vec!["127.0.0.1:1123".into()],
    });
    menu(&mut harness, "Settings");
    click_scrolled(&mut harness, "Check now");
    wait_until(&mut harness, "the second check", |app| {
        matches!(app.clock_status(), ClockStatus::Failed(_))
    });
    harness.get_by_label_contains("127.0.0.1:1123");
    tick(
        &mut harness,
        "Check the computer's clock against time servers (codes are rejected when it is off)",
    );
    harness.run();
    assert_eq!(*harness.state().clock_status(), ClockStatus::Off);
    assert!(
        !super::settings::Settings::load(&world.settings_file())
            .clock
            .clock_check
    );
    drop(harness);

    // Off stays off: the next window asks nobody.
    let asked = world.time_servers.asked.lock().unwrap().len();
    let mut harness = world.harness();
    harness.run();
    assert_eq!(*harness.state().clock_status(), ClockStatus::Off);
    assert_eq!(world.time_servers.asked.lock().unwrap().len(), asked);
}

#[test]
fn a_password_set_in_settings_encrypts_the_vault_on_disk() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    menu(&mut harness, "Settings");
    harness
        .get_by_label("The vault has no password: anyone who copies the file can read your keys.");
    type_password(&mut harness, "New password", PASSWORD);
    type_password(&mut harness, "Password again", PASSWORD);
    click_scrolled(&mut harness, "Set password");
    wait_until(&mut harness, "the new password", |app| {
        app.session().is_some_and(|s| s.vault.is_encrypted())
    });
    let locked = LockedVault::read(&world.vault()).unwrap();
    assert!(locked.needs_password());
    assert_eq!(locked.unlock(Some(PASSWORD)).unwrap().accounts().len(), 1);
    // Removing it needs the current password; a wrong one changes nothing.
    menu(&mut harness, "Settings");
    type_password(&mut harness, "Current password", "wrong");
    click_scrolled(&mut harness, "Remove password");
    wait_until(&mut harness, "the refusal", |app| {
        app.session()
            .and_then(|s| s.settings.as_ref())
            .is_some_and(|d| d.password_error.is_some())
    });
    assert!(LockedVault::read(&world.vault()).unwrap().needs_password());
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/formats")
        .join(name)
}

fn drop_file(harness: &mut Harness<'_, MamoriApp>, path: PathBuf) {
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(DroppedPath(path)));
}

fn import_preview_ready(app: &MamoriApp) -> bool {
    app.session()
        .and_then(|s| s.import.as_ref())
        .is_some_and(|d| {
            !d.waiting && (d.preview.is_some() || d.needs_password || d.error.is_some())
        })
}

#[test]
fn an_aegis_backup_dropped_on_the_window_is_previewed_then_imported() {
    let world = World::new();
    // The fixture's TOTP account is already here under another label.
    plain_vault(&world.vault(), &[("Sample", "taro", "ABCDEFGHijkl2345")]);
    let mut harness = world.harness();
    harness.run();
    drop_file(&mut harness, fixture("aegis-plain.json"));
    wait_until(&mut harness, "the preview", import_preview_ready);
    harness.get_by_label("Aegis: 1 to add, 1 already in the vault, 0 cannot be imported");
    harness.get_by_label("Example Co:ops-hotp");
    harness.get_by_label("already in the vault as Sample:taro");
    assert_eq!(
        accounts_on_disk(&world.vault(), None).len(),
        1,
        "nothing is saved before the user confirms"
    );
    harness
        .get_by_role_and_label(Role::Button, "Import 1 accounts")
        .click();
    // Applied and saved on the worker; the session comes back with the dialog closed.
    wait_until(&mut harness, "the import to be saved", |app| {
        app.session().is_some_and(|s| s.import.is_none())
    });
    let accounts = accounts_on_disk(&world.vault(), None);
    assert_eq!(accounts.len(), 2);
    // The fixture's README: HOTP, next counter 5, code 768897 (docs/formats.md §15).
    assert_eq!(accounts[1].issuer, "Example Co");
    assert_eq!(mamori::otp::generate(&accounts[1].otp, 0).code, "768897");
    harness.get_by_label_contains("Imported 1 accounts");
}

#[test]
fn a_damaged_vault_names_its_backup_and_says_how_to_restore_it_from_the_window() {
    let world = World::new();
    plain_vault(&world.vault(), &[("A", "a", KEY)]);
    let mut vault = mamori::vault::LockedVault::read(&world.vault())
        .unwrap()
        .unlock(None)
        .unwrap();
    add_accounts(&mut vault, &[("B", "b", KEY)]);
    drop(vault);
    let mut bytes = std::fs::read(world.vault()).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(world.vault(), &bytes).unwrap();
    let mut harness = world.harness();
    harness.run();
    // The core names the backup; the window says what to do with it (the command line says
    // `Restore it with …` instead).
    harness.get_by_label_contains("The newest backup that opens is");
    harness.get_by_label_contains("close Mamori and run `mamori restore --from");
}

#[test]
fn an_import_file_that_cannot_be_read_says_so_as_the_command_line_does() {
    let world = World::new();
    plain_vault(&world.vault(), &[]);
    let mut harness = world.harness();
    harness.run();
    let missing = world.dir.path().join("export.json");
    harness.state_mut().push(super::app::Command::OpenImport);
    harness
        .state_mut()
        .push(super::app::Command::ReadImport(missing.clone(), None));
    wait_until(&mut harness, "the refusal", |app| {
        app.session()
            .and_then(|s| s.import.as_ref())
            .is_some_and(|d| !d.waiting && d.error.is_some())
    });
    // `mamori import` prints the same sentence (mamori::formats::read_import_file).
    let expected = mamori::formats::read_import_file(&missing)
        .unwrap_err()
        .to_string();
    assert!(expected.starts_with("Cannot read "), "{expected}");
    harness.get_by_label_contains(&expected);
}

#[test]
fn an_encrypted_backup_asks_for_its_password_and_a_wrong_one_imports_nothing() {
    let world = World::new();
    plain_vault(&world.vault(), &[]);
    let source = World::new();
    plain_vault(&source.vault(), &[("Slack", "ops", "GEZDGNBVGY3TQOJQ")]);
    let accounts = accounts_on_disk(&source.vault(), None);
    let file = world.dir.path().join("aegis-encrypted.json");
    std::fs::write(
        &file,
        mamori::formats::aegis::export_encrypted(&accounts, "file password").unwrap(),
    )
    .unwrap();
    let mut harness = world.harness();
    harness.run();
    drop_file(&mut harness, file);
    wait_until(&mut harness, "the password question", import_preview_ready);
    harness.get_by_label("This file is encrypted. Enter the password it was exported with.");
    type_password(&mut harness, "File password", "not it");
    harness.get_by_role_and_label(Role::Button, "Open").click();
    wait_until(&mut harness, "the refusal", |app| {
        app.session()
            .and_then(|s| s.import.as_ref())
            .is_some_and(|d| !d.waiting && d.error.is_some())
    });
    assert!(accounts_on_disk(&world.vault(), None).is_empty());
    let field = harness.get_by_role_and_label(Role::PasswordInput, "File password");
    field.focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    harness
        .get_by_role_and_label(Role::PasswordInput, "File password")
        .type_text("file password");
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Open").click();
    wait_until(&mut harness, "the preview", |app| {
        app.session()
            .and_then(|s| s.import.as_ref())
            .is_some_and(|d| d.preview.is_some())
    });
    harness
        .get_by_role_and_label(Role::Button, "Import 1 accounts")
        .click();
    wait_until(&mut harness, "the import to be saved", |app| {
        app.session().is_some_and(|s| s.import.is_none())
    });
    assert_eq!(accounts_on_disk(&world.vault(), None)[0].issuer, "Slack");
}

/// Encrypted backups of other apps, made by independent implementations (libsodium,
/// `cryptography`/argon2-cffi, the JDK, OpenSSL's Blowfish: tests/data/), dropped on the window:
/// the password question, the preview, and after the import the rows show the TOTP code and the
/// Steam account's 5-character code.
#[test]
fn encrypted_backups_with_a_steam_account_import_from_the_window() {
    for (file, count) in [
        ("ente-auth-encrypted.txt", 3),
        ("stratum-backup.authpro", 3),
        ("freeotp2-externalBackup.xml", 3),
        ("winauth-password.xml", 4),
    ] {
        let world = World::new();
        plain_vault(&world.vault(), &[]);
        let mut harness = world.harness();
        harness.run();
        drop_file(&mut harness, fixture(file));
        wait_until(&mut harness, "the password question", import_preview_ready);
        harness.get_by_label("This file is encrypted. Enter the password it was exported with.");
        type_password(&mut harness, "File password", "パスワード correct horse");
        harness.get_by_role_and_label(Role::Button, "Open").click();
        wait_until(&mut harness, "the preview", |app| {
            app.session()
                .and_then(|s| s.import.as_ref())
                .is_some_and(|d| !d.waiting && d.preview.is_some())
        });
        harness.get_by_label_contains(&format!("{count} to add"));
        harness
            .get_by_role_and_label(Role::Button, &format!("Import {count} accounts"))
            .click();
        wait_until(&mut harness, "the import to be saved", |app| {
            app.session().is_some_and(|s| s.import.is_none())
        });
        harness.run();
        harness.get_by_label("524 686");
        harness.get_by_label("2KM2P");
        let accounts = accounts_on_disk(&world.vault(), None);
        assert_eq!(accounts.len(), count, "{file}");
        assert!(
            accounts
                .iter()
                .any(|a| matches!(a.otp.kind, mamori::account::OtpKind::Steam { period: 30 })),
            "{file}: {accounts:?}"
        );
    }
}

#[test]
fn exports_write_an_encrypted_backup_and_a_plain_list_only_after_the_warning() {
    let world = World::new();
    plain_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    menu(&mut harness, "Export and move to another device…");
    type_password(&mut harness, "Password for the export", PASSWORD);
    type_password(&mut harness, "Password again", PASSWORD);
    assert!(!disabled(
        &harness.get_by_role_and_label(Role::Button, "Save…")
    ));
    // The save dialog's answer, as the file chooser would give it.
    let backup = world.dir.path().join("backup.mamori");
    harness
        .state_mut()
        .push(super::app::Command::ExportTo(backup.clone()));
    wait_until(&mut harness, "the export", |app| {
        app.session().is_some_and(|s| s.export.is_none())
    });
    let copy = LockedVault::read(&backup).unwrap();
    assert!(copy.needs_password());
    assert_eq!(
        copy.unlock(Some(PASSWORD)).unwrap().accounts()[0].issuer,
        "Example"
    );
    // A plain list: Save stays disabled until the warning is acknowledged.
    menu(&mut harness, "Export and move to another device…");
    harness
        .get_by_label("otpauth:// list, unencrypted text")
        .click();
    harness.run();
    assert!(disabled(
        &harness.get_by_role_and_label(Role::Button, "Save…")
    ));
    harness
        .get_by_label("I understand; write the keys unencrypted")
        .click();
    harness.run();
    assert!(!disabled(
        &harness.get_by_role_and_label(Role::Button, "Save…")
    ));
    let list = world.dir.path().join("uris.txt");
    harness
        .state_mut()
        .push(super::app::Command::ExportTo(list.clone()));
    wait_until(&mut harness, "the export", |app| {
        app.session().is_some_and(|s| s.export.is_none())
    });
    let text = std::fs::read_to_string(&list).unwrap();
    assert!(
        text.starts_with("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP"),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&list).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn transfer_codes_need_the_password_and_decode_to_the_accounts() {
    let world = World::new();
    encrypted_vault(
        &world.vault(),
        &[
            ("Example", "alice", KEY),
            ("Slack", "ops", "GEZDGNBVGY3TQOJQ"),
        ],
    );
    let mut harness = world.harness();
    harness.run();
    unlock(&mut harness);
    menu(&mut harness, "Export and move to another device…");
    type_password(&mut harness, "Vault password", PASSWORD);
    click_scrolled(&mut harness, "Show transfer QR codes");
    wait_until(&mut harness, "the codes", |app| {
        app.session().is_some_and(|s| s.pager.is_some())
    });
    harness.get_by_label("Transfer code 1 of 1 — scan it with the phone");
    let pager = harness.state().session().unwrap().pager.as_ref().unwrap();
    let migration = mamori::uri::migration::parse(&pager.uris[0]).unwrap();
    let issuers: Vec<&str> = migration
        .accounts
        .iter()
        .map(|a| a.issuer.as_str())
        .collect();
    assert_eq!(issuers, ["Example", "Slack"]);
    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(harness.state().session().unwrap().pager.is_none());
}

#[test]
fn automatic_backups_copy_the_vault_after_each_change_and_keep_the_newest() {
    let world = World::new();
    let folder = world.dir.path().join("backups");
    let settings = super::settings::Settings {
        backup_folder: Some(folder.clone()),
        backup_keep: 2,
        ..Default::default()
    };
    settings.save(&world.settings_file()).unwrap();
    encrypted_vault(&world.vault(), &[("Example", "alice", KEY)]);
    let mut harness = world.harness();
    harness.run();
    unlock(&mut harness);
    let ids = harness.state().visible_ids();
    for (i, name) in ["one", "two", "three"].iter().enumerate() {
        harness.state_mut().push(super::app::Command::EditLabels {
            id: ids[0].clone(),
            issuer: format!("Example {i}"),
            name: name.to_string(),
            note: String::new(),
        });
        harness.run();
    }
    let mut copies: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    copies.sort();
    assert_eq!(copies.len(), 2, "the newest two of three: {copies:?}");
    let newest = LockedVault::read(copies.last().unwrap()).unwrap();
    assert!(newest.needs_password(), "encrypted like the vault");
    assert_eq!(
        newest.unlock(Some(PASSWORD)).unwrap().accounts()[0].name,
        "three"
    );
}
