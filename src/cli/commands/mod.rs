//! One file per subcommand; each turns parsed arguments into library calls and output.

mod add;
mod backup_codes;
mod code;
mod export;
mod import;
mod init;
mod list;
mod passwd;
mod remove;
mod rename;
mod restore;
mod scan;

use super::{Cli, Command, Failure};

/// Runs the subcommand `cli` names. With none, prints help (the desktop window will open here
/// once it exists).
pub fn dispatch(cli: &Cli, command: &mut clap::Command) -> Result<(), Failure> {
    match &cli.command {
        None => {
            let _ = command.print_help();
            Ok(())
        }
        Some(Command::Init(args)) => init::run(cli, args),
        Some(Command::Code(args)) => code::run(cli, args),
        Some(Command::List) => list::run(cli),
        Some(Command::Add(args)) => add::run(cli, args),
        Some(Command::Remove(args)) => remove::run(cli, args),
        Some(Command::Rename(args)) => rename::run(cli, args),
        Some(Command::Passwd(args)) => passwd::run(cli, args),
        Some(Command::BackupCodes(args)) => backup_codes::run(cli, args),
        Some(Command::Restore(args)) => restore::run(cli, args),
        Some(Command::Scan(args)) => scan::run(cli, args),
        Some(Command::Import(args)) => import::run(cli, args),
        Some(Command::Export(args)) => export::run(cli, args),
    }
}
