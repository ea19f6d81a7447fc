//! The `mamori` binary: the command line, and (with the `gui` feature, once it exists) the
//! desktop window when started without arguments.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
