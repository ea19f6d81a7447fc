//! The desktop window (eframe/egui): a shell over the library like the command line. `app`
//! holds the state and applies commands; `views` draw; `worker` runs the KDF, captures and
//! decoding off the UI thread; `env` is everything injected (clock, clipboard, screens, paths).

pub mod app;
pub mod capture_protection;
pub mod command;
pub mod env;
pub mod file_dialogs;
pub mod hidden_start;
pub mod hotkey;
pub mod instance;
mod kinsoku;
pub mod screen_lock;
pub mod settings;
pub mod state;
pub mod style;
pub mod toasts;
pub mod tray;
pub mod views;
pub mod worker;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

use mamori::advice::{Advice, Advise};
use mamori::i18n::{Lang, Localize, tr};

/// The reverse-DNS id the desktop entry, AppStream metainfo, icons and the macOS bundle share;
/// on Wayland the compositor matches the window to its desktop entry by it.
pub const APP_ID: &str = "io.github.mamori.Mamori";

/// Makes `path` a file only its owner can read (created empty when missing): eframe rewrites
/// `window.ron` in place, so it keeps this mode. Best effort; Unix only.
pub(crate) fn private_file(path: &std::path::Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path);
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// The window could not be opened (no display, no OpenGL); the message is in the user's
/// language.
#[derive(Debug)]
pub struct CannotStart(pub String);

/// The error's message followed by the window's wording of its way out ([`mamori::advice`]):
/// what to click or paste here. Advice that only the command line can act on is left out, or
/// said as a command to run in a terminal.
pub fn advised<E: Localize + Advise + ?Sized>(lang: Lang, error: &E) -> String {
    let message = error.localize(lang);
    let advice = match error.advice() {
        Some(Advice::RestoreBackup(path)) => tr(
            lang,
            "gui-advice-restore-backup",
            &[("backup", &path.display())],
        ),
        Some(Advice::ImportTransferCode) => tr(lang, "gui-advice-import-transfer-code", &[]),
        Some(Advice::ScanScreenshotInstead) => tr(lang, "gui-advice-scan-screenshot", &[]),
        // The window's own screens do these: the welcome screen creates a vault, the unlock
        // screen asks for the password, the import dialog for a file's password and format.
        Some(
            Advice::CreateVault
            | Advice::ChooseAnotherPath
            | Advice::NoPasswordVault
            | Advice::GiveVaultPassword
            | Advice::NameTheFormat
            | Advice::GiveFilePassword,
        )
        | None => return message,
    };
    mamori::i18n::sentences(lang, &message, &advice)
}

/// How `mamori gui` was asked to start.
#[derive(Clone, Copy, Debug, Default)]
pub struct Start {
    /// `--hidden`: no window until something shows it.
    pub hidden: bool,
    /// `--quick-pick`: the quick pick of the running window (or of a new, hidden one).
    pub quick_pick: bool,
}

/// Opens the window on the vault at `vault_path` and returns when it closes. `lang` (from
/// `--lang`) overrides the saved language for this run. When a window already runs for this
/// user and settings folder, it is asked to come forward (or to show the quick pick) instead,
/// and this returns at once ([`instance`]).
pub fn run(
    vault_path: PathBuf,
    lang: Option<mamori::i18n::Lang>,
    start: Start,
) -> Result<(), CannotStart> {
    let request = if start.quick_pick {
        instance::Request::QuickPick
    } else {
        instance::Request::Show
    };
    let endpoint = instance::Endpoint::for_config_dir(mamori::paths::config_dir().as_deref());
    // No endpoint, or one that neither answers nor can be taken: this window runs on its own.
    let listener = match endpoint.map(|e| instance::claim(&e, request)) {
        Some(Ok(instance::Claim::Handed)) => return Ok(()),
        Some(Ok(instance::Claim::First(listener))) => Some(listener),
        Some(Err(_)) | None => None,
    };
    let env = env::Env::system(vault_path);
    let settings = env
        .settings_path
        .as_deref()
        .map(settings::Settings::load)
        .unwrap_or_default();
    let ui_lang = lang.unwrap_or_else(|| settings.lang());
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Mamori")
        .with_app_id(APP_ID)
        .with_inner_size([560.0, 640.0])
        .with_min_inner_size([380.0, 360.0])
        .with_drag_and_drop(true);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(style::ICON_PNG) {
        viewport = viewport.with_icon(icon);
    }
    let window_state = mamori::paths::config_dir().map(|d| d.join("window.ron"));
    if let Some(path) = &window_state {
        private_file(path);
    }
    let options = eframe::NativeOptions {
        viewport,
        persist_window: true,
        // A file, despite the field's name: eframe keeps the window's size and position here.
        persistence_path: window_state,
        // OpenGL through glow: smaller binary and a cheaper frame on software renderers than
        // wgpu (the tests' snapshots still render with wgpu, a dev-dependency).
        renderer: eframe::Renderer::Glow,
        // No dithering: the window has only flat colours (nothing to band), and the per-pixel
        // noise costs CPU on software OpenGL (Mesa llvmpipe: remote desktops, VMs): the idle
        // window with 20 accounts went from 0.77 % to 0.63 % of a core without it.
        dithering: false,
        ..Default::default()
    };
    let start_minimized = settings.start_minimized;
    let hidden = start.hidden || start.quick_pick;
    eframe::run_native(
        "Mamori",
        options,
        Box::new(move |cc| {
            let mut app = app::MamoriApp::new(&cc.egui_ctx, env);
            if let Some(lang) = lang {
                app.override_lang(lang);
            }
            let (sender, requests) = std::sync::mpsc::channel();
            if let Some(listener) = listener {
                let ctx = cc.egui_ctx.clone();
                let sender = sender.clone();
                listener.serve(move |request| {
                    let _ = sender.send(request);
                    ctx.request_repaint();
                });
            }
            let hidden_start = if hidden {
                hidden_start::keep_unmapped(cc)
            } else {
                None
            };
            let tray = tray::start(&cc.egui_ctx, app.lang(), sender.clone());
            app.attach(
                &cc.egui_ctx,
                app::Attachments {
                    requests,
                    tray,
                    hotkey: hotkey::Hotkey::start(&cc.egui_ctx, sender),
                    hidden,
                    hidden_start,
                    quick_pick: start.quick_pick,
                },
            );
            if start_minimized && !hidden {
                cc.egui_ctx
                    .send_viewport_cmd(egui::ViewportCommand::Minimized(true));
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| CannotStart(tr(ui_lang, "gui-cannot-start", &[("detail", &e)])))
}
