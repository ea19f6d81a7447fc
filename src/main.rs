//! The `mamori` binary: the command line, and (with the `gui` feature) the desktop
//! window when started without arguments.

mod cli;
#[cfg(feature = "gui")]
mod gui;

fn main() -> std::process::ExitCode {
    cli::run()
}
