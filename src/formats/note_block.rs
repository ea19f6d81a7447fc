//! Backup codes carried in another app's note field, so they survive a trip through a format
//! that has a note but no place for backup codes (Aegis `note`, Ente Auth's `codeDisplay`
//! note).
//!
//! The exporter writes the account's note, a blank line, then one block (no blank line before
//! it when the note is empty, no line break after it):
//!
//! ```text
//! Desk phone: ext. 204
//!
//! Backup codes:
//! [ ] 1234 5678
//! [x] abcd-efgh (used 2026-01-05T10:00:00Z)
//! ```
//!
//! - the header line is exactly `Backup codes:` (English in every language: it is data);
//! - one code a line, in the vault's order, exactly as the service printed it;
//! - `[ ] CODE`: not used yet; `[x] CODE (used TIME)`: used at TIME (UTC, RFC 3339, seconds).
//!
//! The importer takes the **last** `Backup codes:` line after which every line (trailing blank
//! lines aside) is a code line in that form, at least one; the text before it, less the line
//! break(s) that separate the two, is the note. A note without such a block is kept whole, and
//! a block that does not match exactly (a `[x]` line without its time, say) stays in the note,
//! so nothing is ever dropped. Mamori → Aegis → Mamori gives back the same note and codes; the
//! one thing it cannot tell apart is a note that itself ends in such a block while the account
//! has no backup codes: that comes back as backup codes.

use crate::account::BackupCode;

/// The line that opens the block.
pub const HEADER: &str = "Backup codes:";

const UNUSED: &str = "[ ] ";
const USED: &str = "[x] ";
const USED_AT: &str = " (used ";

/// `note` followed by `codes` as a block, or `note` unchanged when there are no codes.
pub fn join(note: &str, codes: &[BackupCode]) -> String {
    if codes.is_empty() {
        return note.to_string();
    }
    let mut out = String::with_capacity(note.len() + HEADER.len() + codes.len() * 24);
    if !note.is_empty() {
        out.push_str(note);
        out.push_str("\n\n");
    }
    out.push_str(HEADER);
    for code in codes {
        out.push('\n');
        match code.used_at {
            None => {
                out.push_str(UNUSED);
                out.push_str(&code.code);
            }
            Some(when) => {
                out.push_str(USED);
                out.push_str(&code.code);
                out.push_str(USED_AT);
                out.push_str(&crate::time::rfc3339(when));
                out.push(')');
            }
        }
    }
    out
}

/// The note and the backup codes in `text`: the block taken out, or `text` whole and no codes.
pub fn split(text: &str) -> (String, Vec<BackupCode>) {
    // Only the last header can open a block: a header line is not a code line.
    let header = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .rfind(|&start| line_at(text, start) == HEADER);
    if let Some(start) = header {
        let body = text[start..].split_once('\n').map_or("", |(_, rest)| rest);
        if let Some(codes) = codes(body) {
            return (note_before(&text[..start]), codes);
        }
    }
    (text.to_string(), Vec::new())
}

/// The line starting at byte `start`, without its line break.
fn line_at(text: &str, start: usize) -> &str {
    let rest = &text[start..];
    let line = rest.split_once('\n').map_or(rest, |(line, _)| line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// The note: what precedes the header, less the separating line break(s).
fn note_before(prefix: &str) -> String {
    let mut note = strip_line_break(prefix);
    note = strip_line_break(note);
    note.to_string()
}

fn strip_line_break(text: &str) -> &str {
    text.strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(text)
}

/// Every line of `body` as a code, or `None` when one is not a code line (or there are none).
fn codes(body: &str) -> Option<Vec<BackupCode>> {
    let lines: Vec<&str> = body
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let last = lines.iter().rposition(|l| !l.is_empty())?;
    lines[..=last].iter().map(|line| code_line(line)).collect()
}

fn code_line(line: &str) -> Option<BackupCode> {
    if let Some(code) = line.strip_prefix(UNUSED) {
        return (!code.is_empty()).then(|| BackupCode {
            code: code.to_string(),
            used_at: None,
        });
    }
    let rest = line
        .strip_prefix(USED)
        .or_else(|| line.strip_prefix("[X] "))?;
    let (code, when) = rest.strip_suffix(')')?.rsplit_once(USED_AT)?;
    if code.is_empty() {
        return None;
    }
    Some(BackupCode {
        code: code.to_string(),
        used_at: Some(crate::time::parse_rfc3339(when)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(code: &str, used_at: Option<u64>) -> BackupCode {
        BackupCode {
            code: code.into(),
            used_at,
        }
    }

    #[test]
    fn the_block_reads_back_exactly() {
        let codes = vec![
            code("1234 5678", None),
            code("abcd-efgh", Some(1_700_000_000)),
            code("x (used 1)", None),
        ];
        let text = join("Desk phone\n", &codes);
        assert_eq!(
            text,
            "Desk phone\n\n\nBackup codes:\n[ ] 1234 5678\n\
             [x] abcd-efgh (used 2023-11-14T22:13:20Z)\n[ ] x (used 1)"
        );
        for note in [
            "",
            "Desk phone",
            "Desk phone\n",
            "\n",
            "a\r\nb\r\n",
            "Backup codes:\n[ ] handwritten",
            "Backup codes:",
        ] {
            assert_eq!(
                split(&join(note, &codes)),
                (note.to_string(), codes.clone())
            );
        }
        // Line breaks turned into CRLF, and trailing blank lines, change nothing.
        let crlf = join("a", &codes).replace('\n', "\r\n") + "\r\n\r\n";
        assert_eq!(split(&crlf), ("a".to_string(), codes.clone()));
    }

    #[test]
    fn anything_else_stays_a_note() {
        for note in [
            "",
            "Backup codes: in the drawer",
            "Backup codes:",
            "Backup codes:\n1234 5678",
            "Backup codes:\n[ ] 1234\nsee also the drawer",
            "Backup codes:\n[x] 1234",
            "Backup codes:\n[x] 1234 (used yesterday)",
            "Backup codes:\n[ ] ",
            "backup codes:\n[ ] 1234",
        ] {
            assert_eq!(split(note), (note.to_string(), Vec::new()), "{note:?}");
            assert_eq!(join(note, &[]), note);
        }
    }
}
