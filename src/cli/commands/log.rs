//! `mamori log [--json]`: the vault's activity log, newest first (one line an event: when, who
//! with which program, what).

use mamori::i18n::Localize as _;
use mamori::vault::activity::Event;

use crate::cli::{Cli, Failure, lang, output, session};

use mamori::time::rfc3339 as time;

fn json(event: &Event) -> serde_json::Value {
    let mut value = serde_json::to_value(event).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.insert("time".into(), time(event.at).into());
    }
    value
}

/// Prints the log.
pub fn run(cli: &Cli) -> Result<(), Failure> {
    let vault = session::open(cli)?;
    let events = vault.activity().iter().rev();
    if cli.json {
        output::json(&events.map(json).collect::<Vec<_>>());
        return Ok(());
    }
    if vault.activity().is_empty() {
        output::say("cli-log-empty", &[]);
        return Ok(());
    }
    for event in events {
        let who = match (event.user.is_empty(), event.program.is_empty()) {
            (true, true) => String::new(),
            (false, true) => event.user.clone(),
            (true, false) => format!("({})", event.program),
            (false, false) => format!("{} ({})", event.user, event.program),
        };
        output::line(&format!(
            "{}  {:<16}  {}",
            time(event.at),
            who,
            event.what.localize(lang())
        ));
    }
    Ok(())
}
