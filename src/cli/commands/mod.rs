//! One file per subcommand; each turns parsed arguments into library calls and output.

mod add;
mod backup_codes;
mod code;
mod doctor;
mod export;
mod import;
mod init;
mod list;
mod log;
mod passwd;
mod pin;
mod remove;
mod rename;
mod restore;
mod scan;
mod tag;
mod trash;

use super::{Cli, Command, Failure};

/// Runs the subcommand `cli` names. With none (or `gui`), opens the desktop window; a build
/// without the window prints help instead.
pub fn dispatch(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
        None => gui(cli, &super::args::GuiArgs::default()),
        Some(Command::Gui(args)) => gui(cli, args),
        Some(Command::Init(args)) => init::run(cli, args),
        Some(Command::Code(args)) => code::run(cli, args),
        Some(Command::List(args)) => list::run(cli, args),
        Some(Command::Log) => log::run(cli),
        Some(Command::Add(args)) => add::run(cli, args),
        Some(Command::Remove(args)) => remove::run(cli, args),
        Some(Command::Tag(args)) => tag::run(cli, args),
        Some(Command::Pin(args)) => pin::run(cli, args),
        Some(Command::Trash(args)) => trash::run(cli, args),
        Some(Command::Rename(args)) => rename::run(cli, args),
        Some(Command::Passwd(args)) => passwd::run(cli, args),
        Some(Command::BackupCodes(args)) => backup_codes::run(cli, args),
        Some(Command::Restore(args)) => restore::run(cli, args),
        Some(Command::Scan(args)) => scan::run(cli, args),
        Some(Command::Import(args)) => import::run(cli, args),
        Some(Command::Export(args)) => export::run(cli, args),
        Some(Command::Doctor(args)) => doctor::run(cli, args),
    }
}

#[cfg(feature = "gui")]
fn gui(cli: &Cli, args: &super::args::GuiArgs) -> Result<(), Failure> {
    let path = super::session::vault_path(cli)?;
    let lang = cli.lang.as_deref().and_then(mamori::i18n::Lang::from_code);
    let start = crate::gui::Start {
        hidden: args.hidden,
        quick_pick: args.quick_pick,
    };
    crate::gui::run(path, lang, start).map_err(|crate::gui::CannotStart(message)| Failure {
        exit: super::failure::EXIT_ERROR,
        message,
    })
}

#[cfg(not(feature = "gui"))]
fn gui(_cli: &Cli, _args: &super::args::GuiArgs) -> Result<(), Failure> {
    let _ = super::args::localized_command(super::lang()).print_help();
    Ok(())
}
