//! Writing results: stdout for results (plain or `--json`), stderr for messages. A closed pipe
//! (`mamori list | head -1`) ends the program quietly instead of panicking.

use std::io::{self, Write as _};

use serde::Serialize;

use mamori::i18n::{Localize, tr};

use super::lang;

/// Prints one line of results on stdout.
pub fn line(text: &str) {
    let mut stdout = io::stdout().lock();
    if writeln!(stdout, "{text}").is_err() {
        // Broken pipe or closed stdout: the reader has gone; nothing more to say.
        std::process::exit(0);
    }
}

/// The columns `text` takes in a terminal: East Asian wide characters (kana, kanji,
/// full-width forms) take two.
pub fn display_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` followed by spaces up to `width` terminal columns (nothing when it is wider).
pub fn pad(text: &str, width: usize) -> String {
    let pad = width.saturating_sub(display_width(text));
    format!("{text}{:pad$}", "")
}

/// Prints a value as one line of JSON on stdout.
pub fn json<T: Serialize>(value: &T) {
    match serde_json::to_string(value) {
        Ok(text) => line(&text),
        Err(e) => message(&format!("JSON: {e}")),
    }
}

/// Prints a message on stderr.
pub fn message(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// Prints a catalogue message on stderr.
pub fn say(key: &str, args: &[(&str, &dyn std::fmt::Display)]) {
    message(&tr(lang(), key, args));
}

/// Prints a warning (anything localizable) on stderr.
pub fn warn(warning: &dyn Localize) {
    message(&format!(
        "{}{}",
        tr(lang(), "cli-warning-prefix", &[]),
        warning.localize(lang())
    ));
}
