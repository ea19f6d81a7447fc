//! `mamori scan IMAGE… | --screen | --clipboard [--add] [--json]`: find the QR codes and print
//! the key URIs they hold.

use serde::Serialize;

use mamori::accounts;
use mamori::i18n::Localize as _;
use mamori::scan::{self, Found, ImageScan, Payload};
use mamori::vault::SaveKind;

use crate::cli::args::ScanArgs;
use crate::cli::failure::{EXIT_ERROR, EXIT_NOT_FOUND};
use crate::cli::{Cli, Failure, lang, output, session};

#[derive(Serialize)]
struct Row<'a> {
    source: &'a str,
    uri: &'a str,
    issuer: &'a str,
    name: &'a str,
}

/// What the sources gave: the scans, and per-source errors already reported.
struct Gathered {
    scans: Vec<ImageScan>,
    errors: usize,
}

fn gather(args: &ScanArgs) -> Result<Gathered, Failure> {
    if args.screen {
        return screens();
    }
    if args.clipboard {
        return clipboard();
    }
    let mut gathered = Gathered {
        scans: Vec::new(),
        errors: 0,
    };
    for path in &args.images {
        match mamori::image_file::load_gray(path) {
            Ok(image) => gathered
                .scans
                .push(scan::scan_image(&path.display().to_string(), &image)),
            Err(e) => {
                output::message(&format!("mamori: {}", e.localize(lang())));
                gathered.errors += 1;
            }
        }
    }
    Ok(gathered)
}

#[cfg(feature = "capture")]
fn screens() -> Result<Gathered, Failure> {
    let scans =
        scan::scan_screens(lang(), &mamori::capture::SystemScreens).map_err(capture_failure)?;
    Ok(Gathered { scans, errors: 0 })
}

#[cfg(feature = "capture")]
fn clipboard() -> Result<Gathered, Failure> {
    use mamori::capture::ClipboardContent;
    let scans = match mamori::capture::read_clipboard().map_err(capture_failure)? {
        ClipboardContent::Image(image) => vec![scan::scan_image("clipboard", &image)],
        // A copied URI (or several, one a line) counts as if read from a code.
        ClipboardContent::Text(text) => vec![scan::scan_text("clipboard", &text)],
    };
    Ok(Gathered { scans, errors: 0 })
}

#[cfg(not(feature = "capture"))]
fn screens() -> Result<Gathered, Failure> {
    Err(Failure::new(EXIT_ERROR, "cli-scan-no-capture", &[]))
}

#[cfg(not(feature = "capture"))]
fn clipboard() -> Result<Gathered, Failure> {
    screens()
}

#[cfg(feature = "capture")]
fn capture_failure(error: mamori::scan::CaptureError) -> Failure {
    Failure {
        exit: EXIT_ERROR,
        message: crate::cli::failure::advised(&error),
    }
}

/// Scans, prints every key URI found, reports everything else, optionally adds the accounts.
pub fn run(cli: &Cli, args: &ScanArgs) -> Result<(), Failure> {
    let gathered = gather(args)?;
    let found: Vec<&Found> = gathered.scans.iter().flat_map(|s| &s.found).collect();
    let mut rows = Vec::new();
    for item in &found {
        match &item.payload {
            Payload::Key(_) | Payload::Migration(_) => {}
            Payload::NotAKey => output::say(
                "cli-scan-not-a-key",
                &[("source", &item.source), ("text", &item.text)],
            ),
            Payload::BadKey(e) => output::say(
                "cli-scan-bad-key",
                &[("source", &item.source), ("reason", &e.localize(lang()))],
            ),
            Payload::BadMigration(e) => output::say(
                "cli-scan-bad-key",
                &[("source", &item.source), ("reason", &e.localize(lang()))],
            ),
        }
        if let Payload::Migration(migration) = &item.payload {
            let batch = migration.batch;
            if batch.size > 1 {
                output::say(
                    "cli-scan-batch",
                    &[("index", &(batch.index + 1)), ("size", &batch.size)],
                );
            }
            for (label, problem) in &migration.rejected {
                output::say(
                    "cli-scan-entry-skipped",
                    &[("label", label), ("reason", &problem.localize(lang()))],
                );
            }
        }
        for (uri, key) in item.uris() {
            rows.push((item.source.clone(), uri, key.clone()));
        }
    }

    if rows.is_empty() {
        if gathered.errors > 0 && found.is_empty() {
            return Err(Failure {
                exit: EXIT_ERROR,
                message: mamori::i18n::tr(
                    lang(),
                    "cli-scan-failed-sources",
                    &[("count", &gathered.errors)],
                ),
            });
        }
        let key = if !found.is_empty() {
            "cli-scan-no-key"
        } else if gathered.scans.iter().any(|s| s.unreadable_code_seen) {
            "cli-scan-unreadable"
        } else {
            "cli-scan-nothing"
        };
        return Err(Failure::new(EXIT_NOT_FOUND, key, &[]));
    }

    if cli.json {
        let json: Vec<Row> = rows
            .iter()
            .map(|(source, uri, key)| Row {
                source,
                uri,
                issuer: &key.issuer,
                name: &key.name,
            })
            .collect();
        output::json(&json);
    } else {
        for (_, uri, _) in &rows {
            output::line(uri);
        }
    }

    if args.add {
        add(cli, &rows)?;
    }
    if gathered.errors > 0 {
        return Err(Failure::new(
            EXIT_ERROR,
            "cli-scan-failed-sources",
            &[("count", &gathered.errors)],
        ));
    }
    Ok(())
}

fn add(cli: &Cli, rows: &[(String, String, mamori::uri::KeyUri)]) -> Result<(), Failure> {
    let mut vault = session::open(cli)?;
    let now = mamori::time::unix_now();
    let (added, skipped) = vault.update(SaveKind::Structural, |accounts| {
        let (mut added, mut skipped) = (0, 0);
        let mut adder = accounts::Adder::new(accounts, now);
        for (_, _, key) in rows {
            let new = accounts::NewAccount::new(&key.issuer, &key.name, key.otp.clone());
            match adder.add(new, accounts::AddRules::default()) {
                Ok(_) => added += 1,
                Err(_) => skipped += 1,
            }
        }
        Ok::<_, Failure>((added, skipped))
    })?;
    // "0 already in the vault were skipped" says nothing: that clause only when there were.
    if skipped == 0 {
        output::say("cli-scan-added-all", &[("added", &added)]);
    } else {
        output::say(
            "cli-scan-added",
            &[("added", &added), ("skipped", &skipped)],
        );
    }
    Ok(())
}
