//! The `mamori` command line: a thin shell over the library. Each subcommand lives in
//! `commands/`; this module parses arguments, picks the language, and turns every error into
//! one localized line on stderr and the exit code `docs/cli.md` assigns:
//! `0` ok, `1` error, `2` usage, `3` wrong or missing password, `4` nothing found.

mod args;
mod commands;
pub mod failure;
mod key_input;
mod output;
mod password;
mod session;

use std::process::ExitCode;
use std::sync::OnceLock;

use clap::{FromArgMatches as _, Parser as _};

use mamori::i18n::Lang;

pub use args::{Cli, Command};
pub use failure::Failure;

static LANG: OnceLock<Lang> = OnceLock::new();
static POLICY: OnceLock<mamori::policy::Loaded> = OnceLock::new();

/// The managed policy of this machine, read once per run ([`mamori::policy::load`]).
pub fn policy() -> &'static mamori::policy::Loaded {
    POLICY.get_or_init(mamori::policy::load)
}

/// `settings.json` as the policy leaves it (fixed values and caps applied); a warning on stderr
/// when the file is there but cannot be read (its defaults are used).
pub fn settings() -> mamori::settings::Settings {
    use mamori::settings::{Settings, UnreadableFile};
    let mut settings = match mamori::paths::settings_file() {
        Some(path) => {
            let loaded = Settings::load_reporting(&path);
            if let Some(why) = &loaded.unreadable {
                output::warn(&UnreadableFile { path: &path, why });
            }
            loaded.settings
        }
        None => Settings::default(),
    };
    policy().policy.apply(&mut settings);
    settings
}

/// The language chosen for this run.
pub fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// `--lang X` / `--lang=X` from the raw arguments (needed before clap runs, for its help).
fn lang_from_args(args: &[std::ffi::OsString]) -> Option<Lang> {
    let mut iter = args.iter().filter_map(|a| a.to_str());
    while let Some(arg) = iter.next() {
        if arg == "--lang" {
            return iter.next().and_then(Lang::from_code);
        }
        if let Some(value) = arg.strip_prefix("--lang=") {
            return Lang::from_code(value);
        }
    }
    None
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = lang_from_args(&args).unwrap_or_else(Lang::from_env);
    let _ = LANG.set(lang);
    // Parsed with the plain command; only help, version and usage errors, which print its
    // texts, need the localized one, whose help texts would otherwise be looked up and set on
    // every run.
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(_) => {
            let mut command = args::localized_command(lang);
            let parsed = command
                .try_get_matches_from_mut(&args)
                .and_then(|matches| Cli::from_arg_matches(&matches));
            match parsed {
                Ok(cli) => cli,
                Err(error) => {
                    // Help and version are not errors; clap prints them and picks the code.
                    let _ = error.print();
                    return ExitCode::from(error.exit_code() as u8);
                }
            }
        }
    };
    if let Some(code) = &cli.lang
        && Lang::from_code(code).is_none()
    {
        return Failure::usage(mamori::i18n::tr(lang, "cli-bad-lang", &[("value", code)])).report();
    }
    // Every command runs under the policy: what it could not use is said first, and a
    // portable copy it forbids stops here.
    for warning in &policy().warnings {
        output::warn(warning);
    }
    if let Err(refusal) = policy().policy.check_portable(&mamori::paths::mode()) {
        return Failure::refused(&refusal).report();
    }
    match commands::dispatch(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}
