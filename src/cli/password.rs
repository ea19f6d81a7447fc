//! Getting passwords without ever taking one from a plain argument: the first line of a file
//! (`--password-file`, `MAMORI_PASSWORD_FILE`), else a no-echo prompt on the terminal. With
//! neither, exit 3 and say how to pass one.

use std::io::IsTerminal as _;
use std::path::Path;

use zeroize::Zeroizing;

use mamori::i18n::tr;

use super::failure::{EXIT_ERROR, EXIT_PASSWORD, EXIT_USAGE, Failure};
use super::lang;

/// Room reserved up front so typing never reallocates (and leaves copies behind).
const CAPACITY: usize = 256;

/// The first line of `path`, without its line ending and without a UTF-8 byte-order mark
/// (Windows PowerShell 5.1's `Set-Content -Encoding UTF8` writes one; kept, it would silently
/// become part of the password, and the same password typed later would be "wrong").
pub fn from_file(path: &Path) -> Result<Zeroizing<String>, Failure> {
    let text = Zeroizing::new(std::fs::read(path).map_err(|e| {
        Failure::new(
            EXIT_ERROR,
            "cli-password-file",
            &[
                ("path", &path.display()),
                ("reason", &mamori::i18n::os_error(lang(), &e)),
            ],
        )
    })?);
    let text = std::str::from_utf8(&text).map_err(|_| {
        Failure::new(
            EXIT_ERROR,
            "cli-password-file-utf8",
            &[("path", &path.display())],
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.split('\n').next().unwrap_or("");
    let mut password = Zeroizing::new(String::with_capacity(CAPACITY.max(first.len())));
    password.push_str(first.strip_suffix('\r').unwrap_or(first));
    Ok(password)
}

/// True when a person can be asked at the terminal.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal()
}

fn prompt(key: &str) -> Result<Zeroizing<String>, Failure> {
    let text = tr(lang(), key, &[]);
    rpassword::prompt_password(text)
        .map(Zeroizing::new)
        .map_err(|e| {
            Failure::new(
                EXIT_ERROR,
                "cli-prompt-failed",
                &[("reason", &mamori::i18n::os_error(lang(), &e))],
            )
        })
}

/// The password of an existing vault: from the file if given, else asked once.
pub fn current(file: Option<&Path>) -> Result<Zeroizing<String>, Failure> {
    if let Some(path) = file {
        return from_file(path);
    }
    if !interactive() {
        return Err(Failure::new(EXIT_PASSWORD, "cli-no-terminal-password", &[]));
    }
    prompt("cli-prompt-password")
}

/// The password of a file being imported: from the file if given, else asked once.
pub fn source(file: Option<&Path>) -> Result<Zeroizing<String>, Failure> {
    if let Some(path) = file {
        return from_file(path);
    }
    if !interactive() {
        return Err(mamori::formats::ImportError::PasswordRequired.into());
    }
    prompt("cli-prompt-source-password")
}

/// A new password: from the file if given, else typed twice. Empty is refused.
pub fn new(file: Option<&Path>) -> Result<Zeroizing<String>, Failure> {
    new_or(file, "cli-no-terminal-new-password")
}

/// Like [`new`], with the message to show when there is no terminal to type it.
pub fn new_or(file: Option<&Path>, no_terminal: &str) -> Result<Zeroizing<String>, Failure> {
    let password = match file {
        Some(path) => from_file(path)?,
        None => {
            if !interactive() {
                return Err(Failure::new(EXIT_PASSWORD, no_terminal, &[]));
            }
            let first = prompt("cli-prompt-new-password")?;
            let second = prompt("cli-prompt-repeat-password")?;
            if first != second {
                return Err(Failure::new(EXIT_USAGE, "cli-passwords-differ", &[]));
            }
            first
        }
    };
    if password.is_empty() {
        return Err(Failure::new(EXIT_USAGE, "cli-password-empty", &[]));
    }
    if password.chars().count() < 8 {
        super::output::say("cli-password-short", &[]);
    }
    Ok(password)
}

/// Asks a yes/no question at the terminal (default no). Without a terminal: a usage error
/// telling the user to pass `--yes`.
pub fn confirm(key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> Result<bool, Failure> {
    if !interactive() {
        return Err(Failure::new(EXIT_USAGE, "cli-confirm-needs-yes", &[]));
    }
    eprint!("{} ", tr(lang(), key, args));
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).map_err(|e| {
        Failure::new(
            EXIT_ERROR,
            "cli-prompt-failed",
            &[("reason", &mamori::i18n::os_error(lang(), &e))],
        )
    })?;
    let answer = answer.trim().to_lowercase();
    Ok(matches!(answer.as_str(), "y" | "yes" | "はい" | "ｙ"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_file_with_a_byte_order_mark_gives_the_password_without_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw.txt");
        std::fs::write(&path, "\u{feff}correct horse\r\nignored\n").unwrap();
        assert_eq!(from_file(&path).unwrap().as_str(), "correct horse");
        std::fs::write(&path, "plain\n").unwrap();
        assert_eq!(from_file(&path).unwrap().as_str(), "plain");
    }
}
