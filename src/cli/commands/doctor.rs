//! `mamori doctor [--time-server HOST[:PORT]]... [--json]`: what makes codes fail or scans miss.
//!
//! Checks, each one line: the clock against time servers (SNTP, at most 2 s, run while the
//! other checks go on), a `settings.json` that cannot be read or keys of it ignored for a value
//! that does not fit, the vault (path, present, encrypted, readable only by its owner; the
//! header is read, the password never asked), screen capture and the clipboard.
//!
//! Exit 1 ("needs attention") only for what makes codes fail or exposes the keys: a clock more
//! than [`WARN_OFFSET_SECONDS`] off, a vault that cannot be read, a vault file other users can
//! read or change. Time servers that do not answer (an offline machine) or disagree with each
//! other, a check turned off, unreadable or ignored settings, no vault yet, a vault without a
//! password, no display or clipboard are reported as warnings and leave the exit code at 0.

use std::path::{Path, PathBuf};

use serde::Serialize;

use mamori::clock_check::{
    self, ClockError, ClockReading, MAX_UNASKED_OFFSET_SECONDS, ServerReading, WARN_OFFSET_SECONDS,
};
use mamori::i18n::{Localize as _, tr};
use mamori::settings::{Loaded, Settings, UnreadableFile};
use mamori::vault::{LockedVault, VaultError};

use crate::cli::args::DoctorArgs;
use crate::cli::failure::EXIT_ERROR;
use crate::cli::{Cli, Failure, lang, output, session};

/// How one line of the report stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    Ok,
    Warning,
    Problem,
}

/// The machine-readable report (`--json`); `null` where a check could not say.
#[derive(Debug, Default, Serialize)]
struct Report {
    ok: bool,
    clock_offset_seconds: Option<f64>,
    clock_round_trip_seconds: Option<f64>,
    time_server: Option<String>,
    time_servers_tried: Vec<String>,
    /// What each server said: those that agree on the offset used, or those that disagree, or
    /// the lone answer of several servers.
    clock_servers: Vec<ServerJson>,
    /// Servers answered but no two agree within 1 s: nothing is believed.
    clock_servers_disagree: bool,
    /// The agreed offset is over 10 minutes: never applied to codes without confirmation.
    clock_offset_needs_confirmation: bool,
    clock_error: Option<String>,
    /// `installed` (the platform's folders) or `portable` (`mamori-data` beside the program).
    storage_mode: &'static str,
    /// The settings folder in use.
    config_dir: Option<PathBuf>,
    /// The managed policy in force: where it came from and what it fixes; `null` when none.
    policy: Option<PolicyJson>,
    /// Policy sources ignored or keys that did not fit, in words.
    policy_warnings: Vec<String>,
    /// Keys of `settings.json` whose value did not fit, so their defaults are used.
    settings_ignored_keys: Vec<String>,
    /// Why `settings.json` could not be read at all (every key has its default); `null` when
    /// it was read or is not there.
    settings_unreadable: Option<String>,
    vault_path: Option<PathBuf>,
    vault_exists: bool,
    vault_encrypted: Option<bool>,
    vault_mode: Option<String>,
    vault_private: Option<bool>,
    vault_error: Option<String>,
    /// Vault health findings (`null` when the vault could not be opened to check).
    health: Option<Vec<HealthJson>>,
    screens: Option<usize>,
    screens_error: Option<String>,
    clipboard: Option<bool>,
    clipboard_error: Option<String>,
    problems: Vec<&'static str>,
    warnings: Vec<&'static str>,
}

/// `"policy": {"source": "...", "settings": {...}}`.
#[derive(Debug, Serialize)]
struct PolicyJson {
    source: String,
    settings: mamori::policy::Policy,
}

/// One vault health finding.
#[derive(Debug, Serialize)]
struct HealthJson {
    id: &'static str,
    text: String,
}

/// One server's answer in the report.
#[derive(Debug, Serialize)]
struct ServerJson {
    server: String,
    offset_seconds: f64,
    round_trip_seconds: f64,
}

impl From<&ServerReading> for ServerJson {
    fn from(reading: &ServerReading) -> ServerJson {
        ServerJson {
            server: reading.server.clone(),
            offset_seconds: round_to(reading.offset_seconds, 3),
            round_trip_seconds: round_to(reading.round_trip_seconds, 3),
        }
    }
}

/// The report being built: JSON fields plus the text lines.
#[derive(Default)]
struct Doctor {
    report: Report,
    lines: Vec<(Level, String)>,
}

impl Doctor {
    fn add(&mut self, level: Level, id: &'static str, text: String) {
        match level {
            Level::Ok => {}
            Level::Warning => self.report.warnings.push(id),
            Level::Problem => self.report.problems.push(id),
        }
        self.lines.push((level, text));
    }
}

/// Runs every check, prints the report, and fails (exit 1) when something needs attention.
pub fn run(cli: &Cli, args: &DoctorArgs) -> Result<(), Failure> {
    // The same reading of settings.json as the window's.
    let settings_file = mamori::paths::settings_file();
    let mut loaded = settings_file
        .as_deref()
        .map(Settings::load_reporting)
        .unwrap_or_default();
    crate::cli::policy().policy.apply(&mut loaded.settings);
    let servers = if args.time_servers.is_empty() {
        loaded.settings.clock.servers()
    } else {
        for server in &args.time_servers {
            clock_check::parse_server(server).map_err(|e| Failure::usage(e.localize(lang())))?;
        }
        args.time_servers.clone()
    };
    // The network check takes up to 2 s; the local ones run meanwhile.
    let asked = servers.clone();
    let clock_thread =
        std::thread::spawn(move || clock_check::check(&asked, clock_check::CHECK_TIMEOUT));

    let mut doctor = Doctor::default();
    storage(&mut doctor);
    policy(&mut doctor);
    settings(&mut doctor, settings_file.as_deref(), &loaded);
    vault(&mut doctor, cli);
    health(&mut doctor, cli, &loaded.settings);
    screens(&mut doctor);
    clipboard(&mut doctor);
    let result = clock_thread.join().unwrap_or(Err(ClockError::NoAnswer {
        tried: servers.clone(),
    }));
    // The clock comes first in the report: it is the commonest reason codes fail.
    let local = std::mem::take(&mut doctor.lines);
    clock_check(&mut doctor, &servers, result);
    doctor.lines.extend(local);

    let problems = doctor.report.problems.len();
    doctor.report.ok = problems == 0;
    if cli.json {
        output::json(&doctor.report);
    } else {
        print_lines(&doctor.lines);
        if problems == 0 {
            output::line(&tr(lang(), "doctor-all-well", &[]));
        }
    }
    match problems {
        0 => Ok(()),
        count => Err(Failure::new(
            EXIT_ERROR,
            "doctor-needs-attention",
            &[("count", &count)],
        )),
    }
}

/// Which folders are in use: the platform's, or portable ones beside the program.
fn storage(doctor: &mut Doctor) {
    let config = mamori::paths::config_dir();
    let shown = config
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let (mode, text) = match mamori::paths::mode() {
        mamori::paths::Mode::Portable(root) => (
            "portable",
            tr(
                lang(),
                "doctor-storage-portable",
                &[("folder", &root.display())],
            ),
        ),
        mamori::paths::Mode::Installed => (
            "installed",
            tr(lang(), "doctor-storage-installed", &[("folder", &shown)]),
        ),
    };
    doctor.report.storage_mode = mode;
    doctor.report.config_dir = config;
    doctor.add(Level::Ok, "storage", text);
}

/// The managed policy: its source and each key it sets, one line; what was ignored, warnings.
fn policy(doctor: &mut Doctor) {
    let loaded = crate::cli::policy();
    let lang = lang();
    if let Some(source) = &loaded.source {
        let settings = serde_json::to_value(&loaded.policy)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
            .into_iter()
            .map(|(key, value)| format!("{key}={value}"))
            .collect::<Vec<_>>()
            .join(", ");
        let text = tr(
            lang,
            "doctor-policy",
            &[("source", &source.0), ("settings", &settings)],
        );
        doctor.report.policy = Some(PolicyJson {
            source: source.0.clone(),
            settings: loaded.policy.clone(),
        });
        doctor.add(Level::Ok, "policy", text);
    }
    for warning in &loaded.warnings {
        let text = warning.localize(lang);
        doctor.report.policy_warnings.push(text.clone());
        doctor.add(Level::Warning, "policy_ignored", text);
    }
}

/// `settings.json` that could not be read at all (every key has its default), or keys of it
/// ignored for a value that does not fit (each uses its default): a warning saying which;
/// nothing when every key was read.
fn settings(doctor: &mut Doctor, file: Option<&Path>, loaded: &Loaded) {
    if let (Some(path), Some(why)) = (file, &loaded.unreadable) {
        doctor.report.settings_unreadable = Some(why.localize(lang()));
        let text = UnreadableFile { path, why }.localize(lang());
        doctor.add(Level::Warning, "settings_unreadable", text);
        return;
    }
    if loaded.ignored_keys.is_empty() {
        return;
    }
    let path = file.map(|p| p.display().to_string()).unwrap_or_default();
    let text = tr(
        lang(),
        "doctor-settings-ignored",
        &[
            (
                "keys",
                &mamori::i18n::join_list(lang(), &loaded.ignored_keys),
            ),
            ("path", &path),
        ],
    );
    doctor.report.settings_ignored_keys = loaded.ignored_keys.clone();
    doctor.add(Level::Warning, "settings_ignored_keys", text);
}

fn print_lines(lines: &[(Level, String)]) {
    let marks: Vec<String> = [
        "doctor-mark-ok",
        "doctor-mark-warning",
        "doctor-mark-problem",
    ]
    .iter()
    .map(|key| format!("[{}]", tr(lang(), key, &[])))
    .collect();
    let width = marks
        .iter()
        .map(|m| output::display_width(m))
        .max()
        .unwrap_or(0);
    for (level, text) in lines {
        let mark = output::pad(&marks[*level as usize], width);
        output::line(&format!("{mark} {text}"));
    }
}

fn clock_check(doctor: &mut Doctor, servers: &[String], result: Result<ClockReading, ClockError>) {
    doctor.report.time_servers_tried = servers.to_vec();
    let lang = lang();
    match result {
        Ok(reading) => {
            doctor.report.clock_offset_seconds = Some(round_to(reading.offset_seconds, 3));
            doctor.report.clock_round_trip_seconds = Some(round_to(reading.round_trip_seconds, 3));
            doctor.report.clock_servers = reading.agreeing.iter().map(ServerJson::from).collect();
            doctor.report.clock_offset_needs_confirmation = reading.needs_confirmation();
            let args: [(&str, &dyn std::fmt::Display); 4] = [
                (
                    "drift",
                    &clock_check::describe(reading.offset_seconds).localize(lang),
                ),
                ("server", &reading.server),
                (
                    "ms",
                    &((reading.round_trip_seconds * 1000.0).round() as u64),
                ),
                ("minutes", &(MAX_UNASKED_OFFSET_SECONDS / 60.0)),
            ];
            if reading.needs_confirmation() {
                let text = tr(lang, "doctor-clock-wrong-large", &args);
                doctor.add(Level::Problem, "clock_offset", text);
            } else if reading.offset_seconds.abs() > WARN_OFFSET_SECONDS {
                let text = tr(lang, "doctor-clock-wrong", &args);
                doctor.add(Level::Problem, "clock_offset", text);
            } else {
                doctor.add(Level::Ok, "clock", tr(lang, "doctor-clock-ok", &args));
            }
            doctor.report.time_server = Some(reading.server);
        }
        Err(ClockError::NoServers) => {
            let text = tr(lang, "doctor-clock-off", &[]);
            doctor.report.clock_error = Some(ClockError::NoServers.localize(lang));
            doctor.add(Level::Warning, "clock_off", text);
        }
        Err(error) => {
            let reason = error.localize(lang);
            doctor.report.clock_servers = error.readings().iter().map(ServerJson::from).collect();
            let (id, key) = match error {
                ClockError::Disagree { .. } => {
                    doctor.report.clock_servers_disagree = true;
                    ("clock_servers_disagree", "doctor-clock-disagree")
                }
                ClockError::Unconfirmed { .. } => ("clock_unconfirmed", "doctor-clock-unchecked"),
                _ => ("clock_unchecked", "doctor-clock-unchecked"),
            };
            let text = tr(lang, key, &[("reason", &reason)]);
            doctor.report.clock_error = Some(reason);
            doctor.add(Level::Warning, id, text);
        }
    }
}

fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// The vault's health ([`mamori::health`]): a plain vault is opened as is; a password vault
/// only with `--password-file` (doctor never prompts).
fn health(doctor: &mut Doctor, cli: &Cli, settings: &Settings) {
    let lang = lang();
    let Ok(path) = session::vault_path(cli) else {
        return;
    };
    let Ok(locked) = LockedVault::read(&path) else {
        return;
    };
    if locked.needs_password() && cli.password_file.is_none() {
        let text = tr(lang, "doctor-health-locked", &[]);
        doctor.add(Level::Ok, "health_not_checked", text);
        return;
    }
    let vault = match session::open(cli) {
        Ok(vault) => vault,
        Err(failure) => {
            doctor.add(Level::Warning, "health_not_checked", failure.message);
            return;
        }
    };
    let days = mamori::health::reminder_days(
        settings.backup_reminder_days,
        settings.backup_folder.is_some(),
    );
    let findings = mamori::health::check(
        vault.accounts(),
        vault.activity(),
        days,
        mamori::time::unix_now(),
    );
    let mut report = Vec::new();
    for finding in &findings {
        let text = finding.localize(lang);
        report.push(HealthJson {
            id: finding.id(),
            text: text.clone(),
        });
        doctor.add(Level::Warning, finding.id(), text);
    }
    if findings.is_empty() {
        doctor.add(Level::Ok, "health", tr(lang, "doctor-health-ok", &[]));
    }
    doctor.report.health = Some(report);
}

fn vault(doctor: &mut Doctor, cli: &Cli) {
    let lang = lang();
    let path = match session::vault_path(cli) {
        Ok(path) => path,
        Err(failure) => {
            doctor.report.vault_error = Some(failure.message.clone());
            doctor.add(
                Level::Problem,
                "vault_unreadable",
                tr(lang, "doctor-vault-error", &[("reason", &failure.message)]),
            );
            return;
        }
    };
    doctor.report.vault_path = Some(path.clone());
    let shown = path.display();
    match LockedVault::read(&path) {
        Err(VaultError::NotFound(_)) => {
            let text = tr(lang, "doctor-vault-missing", &[("path", &shown)]);
            doctor.add(Level::Warning, "vault_missing", text);
            return;
        }
        Err(error) => {
            doctor.report.vault_exists = path.exists();
            let reason = error.localize(lang);
            let text = tr(lang, "doctor-vault-error", &[("reason", &reason)]);
            doctor.report.vault_error = Some(reason);
            doctor.add(Level::Problem, "vault_unreadable", text);
        }
        Ok(locked) => {
            doctor.report.vault_exists = true;
            let encrypted = locked.needs_password();
            doctor.report.vault_encrypted = Some(encrypted);
            if encrypted {
                let text = tr(lang, "doctor-vault-encrypted", &[("path", &shown)]);
                doctor.add(Level::Ok, "vault", text);
            } else {
                let text = tr(lang, "doctor-vault-plain", &[("path", &shown)]);
                doctor.add(Level::Warning, "vault_not_encrypted", text);
            }
        }
    }
    permissions(doctor, &path);
}

#[cfg(unix)]
fn permissions(doctor: &mut Doctor, path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let Ok(metadata) = std::fs::metadata(path) else {
        return;
    };
    let mode = metadata.permissions().mode() & 0o777;
    let shown = format!("{mode:04o}");
    let private = mode & 0o077 == 0;
    doctor.report.vault_mode = Some(shown.clone());
    doctor.report.vault_private = Some(private);
    let lang = lang();
    if private {
        let text = tr(lang, "doctor-vault-private", &[("mode", &shown)]);
        doctor.add(Level::Ok, "vault_permissions", text);
    } else {
        let text = tr(
            lang,
            "doctor-vault-exposed",
            &[("mode", &shown), ("path", &path.display())],
        );
        doctor.add(Level::Problem, "vault_permissions", text);
    }
}

#[cfg(not(unix))]
fn permissions(_doctor: &mut Doctor, _path: &Path) {
    // Windows keeps the per-user folder private through its ACLs; nothing simple to report.
}

#[cfg(feature = "capture")]
fn screens(doctor: &mut Doctor) {
    use mamori::scan::ScreenSource as _;
    let lang = lang();
    let result = if mamori::capture::display_missing() {
        Err(tr(lang, "doctor-no-display", &[]))
    } else {
        mamori::capture::SystemScreens
            .capture()
            .map(|screens| screens.len())
            .map_err(|e| e.localize(lang))
    };
    match result {
        Ok(count) => {
            doctor.report.screens = Some(count);
            let text = tr(lang, "doctor-screens-ok", &[("count", &count)]);
            doctor.add(Level::Ok, "screens", text);
        }
        Err(reason) => {
            doctor.report.screens = Some(0);
            let text = tr(lang, "doctor-screens-unavailable", &[("reason", &reason)]);
            doctor.report.screens_error = Some(reason);
            doctor.add(Level::Warning, "screens_unavailable", text);
        }
    }
}

#[cfg(feature = "capture")]
fn clipboard(doctor: &mut Doctor) {
    let lang = lang();
    let result = if mamori::capture::display_missing() {
        Err(tr(lang, "doctor-no-display", &[]))
    } else {
        mamori::capture::Clipboard::open()
            .map(drop)
            .map_err(|e| e.localize(lang))
    };
    match result {
        Ok(()) => {
            doctor.report.clipboard = Some(true);
            doctor.add(Level::Ok, "clipboard", tr(lang, "doctor-clipboard-ok", &[]));
        }
        Err(reason) => {
            doctor.report.clipboard = Some(false);
            let text = tr(lang, "doctor-clipboard-unavailable", &[("reason", &reason)]);
            doctor.report.clipboard_error = Some(reason);
            doctor.add(Level::Warning, "clipboard_unavailable", text);
        }
    }
}

#[cfg(not(feature = "capture"))]
fn screens(doctor: &mut Doctor) {
    let reason = tr(lang(), "doctor-not-built", &[]);
    let text = tr(lang(), "doctor-screens-unavailable", &[("reason", &reason)]);
    doctor.report.screens_error = Some(reason);
    doctor.add(Level::Warning, "screens_unavailable", text);
}

#[cfg(not(feature = "capture"))]
fn clipboard(doctor: &mut Doctor) {
    let reason = tr(lang(), "doctor-not-built", &[]);
    let text = tr(
        lang(),
        "doctor-clipboard-unavailable",
        &[("reason", &reason)],
    );
    doctor.report.clipboard_error = Some(reason);
    doctor.add(Level::Warning, "clipboard_unavailable", text);
}
