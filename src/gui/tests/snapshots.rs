//! Images of the window rendered with wgpu (Vulkan lavapipe or Mesa GL on CI, no GPU needed),
//! compared with the committed ones in `tests/snapshots/` (`UPDATE_SNAPSHOTS=1` rewrites them).
//! Kept few and small: the list in light and dark (a pinned row, tags, a custom icon and letter
//! avatars, a bundled service icon, the tag chips), the add dialog, the Japanese window, the
//! trash, and the Japanese welcome, settings and export screens at the default and the minimum
//! width, whose painted text is also checked for line-start (kinsoku) violations.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

use super::{KEY, World, plain_vault};
use crate::gui::app::MamoriApp;

fn harness(world: &World, theme: egui::Theme) -> Harness<'static, MamoriApp> {
    let env = world.env();
    let mut harness = Harness::builder()
        .with_size([480.0, 400.0])
        .with_theme(theme)
        .with_render_cursor(false)
        .with_max_steps(64)
        .wgpu()
        .build_eframe(move |cc| MamoriApp::new(&cc.egui_ctx, env));
    harness.run();
    harness
}

fn sample_world(language: &str, theme: &str) -> World {
    let world = World::new();
    let settings = crate::gui::settings::Settings {
        language: Some(language.into()),
        theme: match theme {
            "dark" => crate::gui::settings::Theme::Dark,
            _ => crate::gui::settings::Theme::Light,
        },
        ..Default::default()
    };
    settings.save(&world.settings_file()).unwrap();
    plain_vault(
        &world.vault(),
        &[
            ("Example", "alice@example.com", KEY),
            ("サイボウズ", "管理者", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            (
                "Slack",
                "ops@example.com",
                "GAYTEMZUGU3DOOBZMFRGGZDFMYYDCMRT",
            ),
            ("Okta", "old-admin", "MFRGGZDFMZTWQ2LKNNWG23TP"),
            ("GitHub", "octo-admin", "KRUGS4ZANFZSAYJAORSXG5BAMV4GC3LQ"),
        ],
    );
    let picture = image::RgbaImage::from_fn(48, 48, |x, y| {
        let inside = (x as i32 - 24).pow(2) + (y as i32 - 24).pow(2) < 20 * 20;
        if inside {
            image::Rgba([0x24, 0x29, 0x2f, 0xff])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    let mut png = Vec::new();
    picture
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let icon = mamori::icon::from_image(&png).unwrap();
    let mut vault = mamori::vault::LockedVault::read(&world.vault())
        .unwrap()
        .unlock(None)
        .unwrap();
    vault.set_clock(std::sync::Arc::new(|| super::PINNED as u64));
    vault
        .update_with_trash(mamori::vault::SaveKind::Structural, |list, trash| {
            list[0].icon = Some(icon);
            list[1].tags = vec!["管理".into()];
            list[2].tags = vec!["work".into(), "chat".into()];
            list[2].pinned = true;
            let okta = list[3].id.clone();
            mamori::accounts::trash(list, trash, &okta, super::PINNED as u64)
                .map_err(|e| mamori::vault::VaultError::Internal(e.to_string()))
        })
        .unwrap();
    world
}

#[test]
fn list_light() {
    let world = sample_world("en", "light");
    let mut harness = harness(&world, egui::Theme::Light);
    harness.snapshot("list_light");
}

#[test]
fn list_dark() {
    let world = sample_world("en", "dark");
    let mut harness = harness(&world, egui::Theme::Dark);
    harness.snapshot("list_dark");
}

#[test]
fn add_dialog() {
    let world = sample_world("en", "light");
    let mut harness = harness(&world, egui::Theme::Light);
    harness.get_by_label("Add account").click();
    harness.run();
    harness.get_by_label("Enter key").click();
    harness.run();
    harness.snapshot("add_dialog");
}

#[test]
fn japanese_list() {
    let world = sample_world("ja", "light");
    let mut harness = harness(&world, egui::Theme::Light);
    harness.get_by_label("アカウントを追加");
    harness.snapshot("japanese_list");
}

/// A Japanese window of `width` at the default height, on the welcome screen (no vault yet) or
/// on the sample vault.
fn japanese_harness(width: f32, with_vault: bool) -> (World, Harness<'static, MamoriApp>) {
    let world = if with_vault {
        sample_world("ja", "light")
    } else {
        let world = World::new();
        let settings = crate::gui::settings::Settings {
            language: Some("ja".into()),
            ..Default::default()
        };
        settings.save(&world.settings_file()).unwrap();
        world
    };
    let env = world.env();
    let mut harness = Harness::builder()
        .with_size([width, 640.0])
        .with_theme(egui::Theme::Light)
        .with_render_cursor(false)
        .with_max_steps(64)
        .wgpu()
        .build_eframe(move |cc| MamoriApp::new(&cc.egui_ctx, env));
    harness.run();
    (world, harness)
}

/// The window's default width and its minimum (`gui::mod`'s viewport).
const DEFAULT_WIDTH: f32 = 560.0;
const NARROWEST: f32 = 380.0;

/// Every row break of every text the last frame painted that starts a row with 、。・ー, a
/// small kana or a closing bracket, or ends one with an opening bracket, with its text.
fn line_start_violations(harness: &Harness<'_, MamoriApp>) -> Vec<String> {
    fn walk(shape: &egui::Shape, found: &mut Vec<String>) {
        match shape {
            egui::Shape::Text(text) => {
                for pair in crate::gui::kinsoku::forbidden_breaks(&text.galley) {
                    found.push(format!("{pair} in {:?}", text.galley.job.text));
                }
            }
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for clipped in &harness.output().shapes {
        walk(&clipped.shape, &mut found);
    }
    found
}

/// Snapshots a Japanese screen and checks the text it painted for kinsoku violations.
fn japanese_screen(harness: &mut Harness<'_, MamoriApp>, name: &str) {
    harness.run();
    let violations = line_start_violations(harness);
    assert!(violations.is_empty(), "{name}: {violations:#?}");
    harness.snapshot(name);
}

fn japanese_welcome(width: f32, name: &str) {
    let (_world, mut harness) = japanese_harness(width, false);
    harness.get_by_label("Mamori へようこそ");
    japanese_screen(&mut harness, name);
}

fn japanese_settings(width: f32, name: &str) {
    let (_world, mut harness) = japanese_harness(width, true);
    super::menu_in(&mut harness, "メニュー", "設定");
    harness.get_by_label("無操作時の自動ロック");
    japanese_screen(&mut harness, name);
}

fn japanese_export(width: f32, name: &str) {
    // A vault with a password: the export asks for it again, under 「保管庫のパスワード」
    // (not a bare 「パスワード」 above the export file's own password fields).
    let (world, _) = japanese_harness(width, false);
    super::encrypted_vault(&world.vault(), &[("Example", "alice@example.com", KEY)]);
    let env = world.env();
    let mut harness = Harness::builder()
        .with_size([width, 640.0])
        .with_theme(egui::Theme::Light)
        .with_render_cursor(false)
        .with_max_steps(64)
        .wgpu()
        .build_eframe(move |cc| MamoriApp::new(&cc.egui_ctx, env));
    harness.run();
    super::type_password(&mut harness, "パスワード", super::PASSWORD);
    harness.key_press(egui::Key::Enter);
    super::wait_until(&mut harness, "the vault", super::is_open);
    super::menu_in(&mut harness, "メニュー", "エクスポート、他の端末への移行…");
    harness.get_by_label("保管庫のパスワード");
    harness.get_by_label("エクスポート、他の端末への移行");
    japanese_screen(&mut harness, name);
}

#[test]
fn japanese_welcome_default() {
    japanese_welcome(DEFAULT_WIDTH, "japanese_welcome_default");
}

#[test]
fn japanese_welcome_narrowest() {
    japanese_welcome(NARROWEST, "japanese_welcome_narrowest");
}

#[test]
fn japanese_settings_default() {
    japanese_settings(DEFAULT_WIDTH, "japanese_settings_default");
}

#[test]
fn japanese_settings_narrowest() {
    japanese_settings(NARROWEST, "japanese_settings_narrowest");
}

#[test]
fn japanese_export_default() {
    japanese_export(DEFAULT_WIDTH, "japanese_export_default");
}

#[test]
fn japanese_export_narrowest() {
    japanese_export(NARROWEST, "japanese_export_narrowest");
}

#[test]
fn trash_view() {
    let world = sample_world("en", "light");
    let mut harness = harness(&world, egui::Theme::Light);
    harness.get_by_label("Menu").click();
    harness.run();
    harness.get_by_label("Trash (1)").click();
    harness.run();
    harness.run_steps(3);
    harness.snapshot("trash_view");
}
