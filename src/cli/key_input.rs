//! Keys given on the command line: as the argument itself, or `-` to read them from standard
//! input, so that a key never has to appear in the process list (`ps` shows every argument to
//! every local user). `mamori add --secret -`, `add --uri -`, `code --uri -`.

use std::io::Read as _;

use zeroize::Zeroizing;

use super::failure::{EXIT_USAGE, Failure};

/// The longest key or URI read from standard input (a URI with every parameter fits easily).
const MAX_STDIN: u64 = 64 * 1024;

/// `value` itself, or for `-` the first line of standard input (without its line ending).
pub fn read(value: &str) -> Result<Zeroizing<String>, Failure> {
    if value != "-" {
        return Ok(Zeroizing::new(value.to_string()));
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(1024));
    std::io::stdin()
        .take(MAX_STDIN)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Failure::new(
                EXIT_USAGE,
                "cli-stdin-key",
                &[("reason", &mamori::i18n::os_error(crate::cli::lang(), &e))],
            )
        })?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Failure::new(EXIT_USAGE, "cli-stdin-key-utf8", &[]))?;
    let line = text.split('\n').next().unwrap_or("");
    let line = line.strip_suffix('\r').unwrap_or(line).trim();
    if line.is_empty() {
        return Err(Failure::new(EXIT_USAGE, "cli-stdin-key-empty", &[]));
    }
    Ok(Zeroizing::new(line.to_string()))
}
