//! Images of the window rendered with wgpu (Vulkan lavapipe or Mesa GL on CI, no GPU needed),
//! compared with the committed ones in `tests/snapshots/` (`UPDATE_SNAPSHOTS=1` rewrites them).
//! Kept few and small: the list in light and dark, the add dialog, the Japanese window.

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
        ],
    );
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
