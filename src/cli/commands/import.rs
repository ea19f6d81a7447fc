//! `mamori import FILE [--format auto|…] [--source-password-file PATH] [--dry-run] [--json]`:
//! detect the format, ask for the file's password if it is encrypted, read every entry, add
//! the new ones in one atomic save, and report each entry.

use serde::Serialize;

use mamori::formats::{self, Format, ImportError, Outcome, Parsed, Report};
use mamori::i18n::{Localize as _, tr};
use mamori::vault::SaveKind;

use crate::cli::args::ImportArgs;
use crate::cli::failure::{EXIT_ERROR, EXIT_NOT_FOUND, EXIT_USAGE};
use crate::cli::{Cli, Failure, lang, output, password, session};

#[derive(Serialize)]
struct JsonEntry<'a> {
    issuer: &'a str,
    name: &'a str,
    status: &'static str,
    reason: Option<String>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format: &'static str,
    dry_run: bool,
    imported: usize,
    duplicates: usize,
    rejected: usize,
    trashed: usize,
    entries: Vec<JsonEntry<'a>>,
}

fn read_input(args: &ImportArgs) -> Result<Vec<u8>, Failure> {
    Ok(if args.file.as_os_str() == "-" {
        formats::read_import(std::io::stdin().lock(), &args.file)?
    } else {
        formats::read_import_file(&args.file)?
    })
}

fn pick_format(args: &ImportArgs, bytes: &[u8]) -> Result<Format, Failure> {
    if args.format.eq_ignore_ascii_case("auto") {
        return formats::detect(bytes).ok_or_else(|| {
            formats::detect_and_import(bytes, None)
                .err()
                .unwrap_or(ImportError::NotRecognised)
                .into()
        });
    }
    Format::from_name(&args.format).ok_or_else(|| {
        let names = mamori::i18n::join_list(lang(), formats::REGISTRY.iter().map(|i| i.id));
        Failure::new(
            EXIT_USAGE,
            "cli-import-bad-format",
            &[("value", &args.format), ("formats", &names)],
        )
    })
}

/// Reads the file: without a password first, then with one if the file says it is encrypted.
fn parse(args: &ImportArgs, bytes: &[u8], format: Format) -> Result<Parsed, Failure> {
    if args.source_password_file.is_some() && !formats::info(format).encryptable {
        output::say("cli-import-password-unused", &[("format", &format.name())]);
    }
    let first = match &args.source_password_file {
        Some(path) => {
            let pw = password::from_file(path)?;
            formats::import(bytes, format, Some(&pw))
        }
        None => formats::import(bytes, format, None),
    };
    match first {
        Err(ImportError::PasswordRequired) => {
            let pw = password::source(args.source_password_file.as_deref())?;
            Ok(formats::import(bytes, format, Some(&pw))?)
        }
        other => Ok(other?),
    }
}

/// Imports the file and prints the report.
pub fn run(cli: &Cli, args: &ImportArgs) -> Result<(), Failure> {
    let bytes = read_input(args)?;
    let format = pick_format(args, &bytes)?;
    let parsed = parse(args, &bytes, format)?;
    drop(bytes);
    if parsed.items.is_empty() {
        return Err(Failure::new(
            EXIT_NOT_FOUND,
            "cli-import-empty",
            &[("format", &format.name())],
        ));
    }
    let mut vault = session::open(cli)?;
    let now = mamori::time::unix_now();
    let mut preview = vault.accounts().to_vec();
    let mut preview_trash = vault.trash().to_vec();
    let planned = formats::apply(&parsed, &mut preview, &mut preview_trash, now);
    let report = if args.dry_run || planned.imported() + planned.trashed() == 0 {
        planned
    } else {
        vault.update_importing(
            SaveKind::Structural,
            parsed.format.id(),
            |accounts, trash| Ok::<_, Failure>(formats::apply(&parsed, accounts, trash, now)),
        )?
    };
    print_report(cli, &parsed, &report, args.dry_run);
    if report.imported() == 0 && report.duplicates() == 0 && report.trashed() == 0 {
        return Err(Failure::new(EXIT_ERROR, "cli-import-all-rejected", &[]));
    }
    Ok(())
}

fn print_report(cli: &Cli, parsed: &Parsed, report: &Report, dry_run: bool) {
    for notice in &parsed.notices {
        output::message(&notice.localize(lang()));
    }
    let label = |line: &formats::ReportLine, index: usize| {
        let label = line.label();
        if label.is_empty() {
            tr(lang(), "cli-import-unnamed", &[("number", &(index + 1))])
        } else {
            label
        }
    };
    if cli.json {
        let entries = report
            .lines
            .iter()
            .map(|line| {
                let (status, reason) = match &line.outcome {
                    Outcome::Imported => ("imported", None),
                    Outcome::Duplicate(existing) => ("duplicate", Some(existing.clone())),
                    Outcome::Rejected(e) => ("rejected", Some(e.localize(lang()))),
                    Outcome::Trashed => ("trashed", None),
                };
                JsonEntry {
                    issuer: &line.issuer,
                    name: &line.name,
                    status,
                    reason,
                }
            })
            .collect();
        output::json(&JsonReport {
            format: parsed.format.id(),
            dry_run,
            imported: report.imported(),
            duplicates: report.duplicates(),
            rejected: report.rejected(),
            trashed: report.trashed(),
            entries,
        });
    } else {
        // One column of outcomes, as wide as its widest word in this language and mode.
        let imported = tr(
            lang(),
            if dry_run {
                "cli-import-would-import"
            } else {
                "cli-import-imported"
            },
            &[],
        );
        let duplicate = tr(lang(), "cli-import-duplicate", &[]);
        let rejected = tr(lang(), "cli-import-rejected", &[]);
        let trashed = tr(lang(), "cli-import-trashed", &[]);
        let width = [&imported, &duplicate, &rejected, &trashed]
            .iter()
            .map(|word| output::display_width(word))
            .max()
            .unwrap_or(0)
            + 2;
        for (i, line) in report.lines.iter().enumerate() {
            let (outcome, text) = match &line.outcome {
                Outcome::Imported => (&imported, label(line, i)),
                Outcome::Duplicate(existing) => (
                    &duplicate,
                    tr(
                        lang(),
                        "cli-import-duplicate-of",
                        &[("label", &label(line, i)), ("existing", existing)],
                    ),
                ),
                Outcome::Rejected(e) => (
                    &rejected,
                    tr(
                        lang(),
                        "cli-import-rejected-because",
                        &[("label", &label(line, i)), ("reason", &e.localize(lang()))],
                    ),
                ),
                Outcome::Trashed => (
                    &trashed,
                    tr(
                        lang(),
                        "cli-import-trashed-from-bin",
                        &[("label", &label(line, i))],
                    ),
                ),
            };
            output::line(&format!("{}{text}", output::pad(outcome, width)));
        }
    }
    output::say(
        if dry_run {
            "cli-import-summary-dry-run"
        } else {
            "cli-import-summary"
        },
        &[
            ("format", &parsed.format.name()),
            ("imported", &report.imported()),
            ("duplicates", &report.duplicates()),
            ("rejected", &report.rejected()),
        ],
    );
    if report.trashed() > 0 {
        output::say(
            "cli-import-summary-trashed",
            &[("count", &report.trashed())],
        );
    }
}
