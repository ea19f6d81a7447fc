//! Images of the window rendered with wgpu (Vulkan lavapipe or Mesa GL on CI, no GPU needed),
//! compared with the committed ones in `tests/snapshots/` (`UPDATE_SNAPSHOTS=1` rewrites them).
//! Kept few and small: the list in light and dark (a pinned row, tags, a custom icon and letter
//! avatars, a bundled service icon, the tag chips), the add dialog, the Japanese window, the trash.

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
