//! macOS: the managed preferences of the bundle id, which a configuration profile (MDM, or
//! `packaging/macos/mamori-policy.mobileconfig` installed by hand) puts in
//! `/Library/Managed Preferences/io.github.mamori.Mamori.plist` (machine-wide) or
//! `/Library/Managed Preferences/<user>/io.github.mamori.Mamori.plist` (per user). Only root
//! writes that folder. The property list (binary or XML) is read with the `plist` crate; its
//! values are turned into the same [`Value`]s as the other sources ([`values`]), which is what
//! the unit tests check on every system.

use super::Value;

/// The bundle id the profile's payload type names.
pub const BUNDLE_ID: &str = "io.github.mamori.Mamori";

/// The folder macOS keeps managed preferences in.
pub const MANAGED_PREFERENCES: &str = "/Library/Managed Preferences";

/// The largest property list read.
pub const MAX_PLIST: u64 = 256 * 1024;

/// The top-level keys of a property list (a dictionary) as policy values.
pub fn values(bytes: &[u8]) -> Result<Vec<(String, Value)>, String> {
    let value =
        plist::Value::from_reader(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let plist::Value::Dictionary(dict) = value else {
        return Err("not a dictionary".into());
    };
    Ok(dict
        .into_iter()
        .map(|(key, value)| (key, value_of(value)))
        .collect())
}

fn value_of(value: plist::Value) -> Value {
    match value {
        plist::Value::Boolean(b) => Value::Bool(b),
        plist::Value::Integer(n) => n.as_signed().map_or(Value::Other, Value::Int),
        plist::Value::String(s) => Value::Text(s),
        plist::Value::Array(items) => {
            let texts: Option<Vec<String>> = items
                .into_iter()
                .map(|v| match v {
                    plist::Value::String(s) => Some(s),
                    _ => None,
                })
                .collect();
            texts.map_or(Value::Other, Value::List)
        }
        _ => Value::Other,
    }
}

/// The machine's policy: the user's managed preferences, else the machine-wide ones.
#[cfg(target_os = "macos")]
pub fn load() -> super::Loaded {
    use std::io::Read as _;
    let folder = std::path::Path::new(MANAGED_PREFERENCES);
    let file_name = format!("{BUNDLE_ID}.plist");
    let mut candidates = Vec::new();
    if let Ok(user) = std::env::var("USER")
        && !user.is_empty()
        && !user.contains('/')
    {
        candidates.push(folder.join(&user).join(&file_name));
    }
    candidates.push(folder.join(&file_name));
    for path in candidates {
        let Ok(file) = std::fs::File::open(&path) else {
            continue;
        };
        let shown = path.display().to_string();
        let mut bytes = Vec::new();
        let read = file.take(MAX_PLIST + 1).read_to_end(&mut bytes);
        let parsed = match read {
            Ok(_) if bytes.len() as u64 > MAX_PLIST => {
                Err(format!("larger than {MAX_PLIST} bytes"))
            }
            Ok(_) => values(&bytes),
            Err(e) => Err(e.to_string()),
        };
        return match parsed {
            Ok(values) => super::loaded(shown, values),
            Err(detail) => super::Loaded {
                warnings: vec![super::Warning::Unreadable {
                    path: shown,
                    detail,
                }],
                ..super::Loaded::default()
            },
        };
    }
    super::Loaded::default()
}
