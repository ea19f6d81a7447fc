//! The `mamori` binary: the command line, and (with the `gui` feature) the desktop
//! window when started without arguments.

mod cli;
#[cfg(feature = "gui")]
mod gui;
#[cfg(all(windows, feature = "gui"))]
mod windows_console;

fn main() -> std::process::ExitCode {
    #[cfg(all(windows, feature = "gui"))]
    windows_console::hide_own_console();
    cli::run()
}
