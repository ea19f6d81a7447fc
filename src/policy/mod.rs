//! Managed policy: what an organisation's administrator fixes for every user of a machine
//! (require a password, forbid plain exports, cap the idle lock, …). One [`Policy`] type, the
//! same key names on every system, read from a place the user cannot write:
//!
//! - Windows: the registry, `HKLM\Software\Policies\Mamori` then `HKCU\Software\Policies\Mamori`
//!   (a value under HKLM wins; Group Policy writes both through `packaging/windows/policy/`);
//! - macOS: the managed preferences of the bundle id `io.github.mamori.Mamori`
//!   (`/Library/Managed Preferences/…plist`, installed by a configuration profile);
//! - Linux and the other Unixes: `/etc/mamori/policy.json`, used only when the file and its
//!   folder are owned by root and writable by no one else (otherwise a warning, and ignored).
//!
//! Each source turns into the same [`Value`]s keyed by the same names ([`KEYS`]), so the rules
//! of [`Policy::from_values`] (which types fit which key, what is ignored) exist once. There is
//! no override: no environment variable or flag points Mamori at another policy (tests run the
//! real binary in a private mount namespace instead).
//!
//! What the policy means for settings and actions lives here too ([`Policy::apply`],
//! [`Policy::check_password`], [`Policy::check_export`], [`Policy::check_portable`]), so the
//! command line and the window enforce it the same way.

#[cfg(any(target_os = "macos", test))]
pub mod macos;
#[cfg(unix)]
pub mod unix_file;
#[cfg(any(windows, test))]
pub mod windows;

use serde::Serialize;

use crate::i18n::{Lang, Localize, tr};
use crate::settings::Settings;

/// Every policy key, as written in JSON, the registry and property lists.
pub const KEYS: [&str; 11] = [
    "require_password",
    "min_password_length",
    "allow_plain_export",
    "allow_export",
    "max_idle_lock_minutes",
    "lock_on_screen_lock",
    "max_clipboard_clear_seconds",
    "time_servers",
    "clock_check",
    "capture_protection",
    "allow_portable",
];

/// The longest minimum password length a policy may ask for (a larger value is capped).
pub const MAX_MIN_PASSWORD_LENGTH: u32 = 128;

/// The settings an administrator fixed; `None` where the policy says nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// Every vault must have a password (no `init --no-password`, no removing it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_password: Option<bool>,
    /// New passwords have at least this many characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_password_length: Option<u32>,
    /// Exports that hold the keys in the clear (key URIs, QR codes, plain Aegis) are allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_plain_export: Option<bool>,
    /// Any export is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_export: Option<bool>,
    /// The idle lock is on and at most this many minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_idle_lock_minutes: Option<u32>,
    /// Lock when the desktop's screen locks (true), whatever the idle setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock_on_screen_lock: Option<bool>,
    /// A copied code is cleared from the clipboard after at most this many seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_clipboard_clear_seconds: Option<u32>,
    /// The time servers to ask (the organisation's own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_servers: Option<Vec<String>>,
    /// The clock check on or off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock_check: Option<bool>,
    /// Keep the window out of screenshots and screen sharing (Windows, macOS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_protection: Option<bool>,
    /// A portable copy (a `mamori.portable` file beside the program) may run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_portable: Option<bool>,
}

/// One value as a source stores it: JSON, a registry value or a property-list object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// `true`/`false` (JSON, property lists).
    Bool(bool),
    /// A number (a registry DWORD is one, and stands for booleans as 0 and 1 too).
    Int(i64),
    /// Text (a registry `REG_SZ`): for `time_servers`, a list separated by commas, semicolons
    /// or white space.
    Text(String),
    /// A list of text (JSON array, `REG_MULTI_SZ`, property-list array).
    List(Vec<String>),
    /// Anything else (an object, a date, binary data).
    Other,
}

/// Where the policy in force came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source(pub String);

/// The policy of this machine, and what could not be used.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Loaded {
    /// Where it came from; `None` when there is no policy.
    pub source: Option<Source>,
    /// The settings it fixes (all `None` without a policy).
    pub policy: Policy,
    /// What was ignored, to show in `doctor` and on stderr.
    pub warnings: Vec<Warning>,
}

/// Something about the policy source that a user or administrator should know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// The policy file can be changed by someone other than root: ignored.
    NotTrusted {
        /// The file.
        path: String,
        /// What is wrong (owner, mode), in plain words.
        why: TrustProblem,
    },
    /// The policy file exists but could not be read or parsed: ignored.
    Unreadable {
        /// The file or key.
        path: String,
        /// The reader's error.
        detail: String,
    },
    /// Keys with a value of the wrong type, or unknown names: each ignored alone.
    IgnoredKeys(Vec<String>),
}

/// Why a policy file is not trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrustProblem {
    /// The file is not owned by root.
    FileOwner,
    /// Group or others may write the file.
    FileWritable,
    /// The folder is not owned by root, or group or others may write it.
    Folder,
    /// Not a regular file (a folder, a device, a pipe).
    NotAFile,
}

/// A policy refused an action: which key, so that the message names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `require_password`: a vault without a password.
    PasswordRequired,
    /// `min_password_length`: the password is shorter.
    PasswordTooShort {
        /// The minimum.
        min: u32,
    },
    /// `allow_export`: no export at all.
    ExportForbidden,
    /// `allow_plain_export`: no export with the keys in the clear.
    PlainExportForbidden,
    /// `allow_portable`: a portable copy may not run.
    PortableForbidden,
}

impl Refusal {
    /// The policy key that refused.
    pub fn key(&self) -> &'static str {
        match self {
            Refusal::PasswordRequired => "require_password",
            Refusal::PasswordTooShort { .. } => "min_password_length",
            Refusal::ExportForbidden => "allow_export",
            Refusal::PlainExportForbidden => "allow_plain_export",
            Refusal::PortableForbidden => "allow_portable",
        }
    }
}

impl Localize for Refusal {
    fn localize(&self, lang: Lang) -> String {
        let key = self.key();
        match self {
            Refusal::PasswordRequired => tr(lang, "policy-password-required", &[("key", &key)]),
            Refusal::PasswordTooShort { min } => tr(
                lang,
                "policy-password-too-short",
                &[("key", &key), ("min", min)],
            ),
            Refusal::ExportForbidden => tr(lang, "policy-export-forbidden", &[("key", &key)]),
            Refusal::PlainExportForbidden => {
                tr(lang, "policy-plain-export-forbidden", &[("key", &key)])
            }
            Refusal::PortableForbidden => tr(lang, "policy-portable-forbidden", &[("key", &key)]),
        }
    }
}

impl Localize for Warning {
    fn localize(&self, lang: Lang) -> String {
        match self {
            Warning::NotTrusted { path, why } => {
                let why_key = match why {
                    TrustProblem::FileOwner => "policy-untrusted-owner",
                    TrustProblem::FileWritable => "policy-untrusted-writable",
                    TrustProblem::Folder => "policy-untrusted-folder",
                    TrustProblem::NotAFile => "policy-untrusted-not-a-file",
                };
                tr(
                    lang,
                    "policy-ignored-untrusted",
                    &[("path", path), ("why", &tr(lang, why_key, &[]))],
                )
            }
            Warning::Unreadable { path, detail } => tr(
                lang,
                "policy-ignored-unreadable",
                &[("path", path), ("detail", detail)],
            ),
            Warning::IgnoredKeys(keys) => {
                tr(lang, "policy-ignored-keys", &[("keys", &keys.join(", "))])
            }
        }
    }
}

crate::localized_error!(Refusal, Warning);

impl Policy {
    /// True when the policy fixes nothing.
    pub fn is_empty(&self) -> bool {
        self == &Policy::default()
    }

    /// The policy of `values` (name and value, from any source) and the names ignored: an
    /// unknown name or a value of the wrong type costs only its own key. Names are matched
    /// without regard to case (the registry ignores case).
    pub fn from_values(values: impl IntoIterator<Item = (String, Value)>) -> (Policy, Vec<String>) {
        let mut policy = Policy::default();
        let mut ignored = Vec::new();
        for (name, value) in values {
            let key = name.to_ascii_lowercase();
            let fits = match key.as_str() {
                "require_password" => set(&mut policy.require_password, as_bool(&value)),
                "min_password_length" => set(
                    &mut policy.min_password_length,
                    as_count(&value).map(|n| n.min(MAX_MIN_PASSWORD_LENGTH)),
                ),
                "allow_plain_export" => set(&mut policy.allow_plain_export, as_bool(&value)),
                "allow_export" => set(&mut policy.allow_export, as_bool(&value)),
                "max_idle_lock_minutes" => set(
                    &mut policy.max_idle_lock_minutes,
                    as_count(&value).filter(|n| *n > 0),
                ),
                "lock_on_screen_lock" => set(&mut policy.lock_on_screen_lock, as_bool(&value)),
                "max_clipboard_clear_seconds" => set(
                    &mut policy.max_clipboard_clear_seconds,
                    as_count(&value).filter(|n| *n > 0),
                ),
                "time_servers" => set(&mut policy.time_servers, as_list(&value)),
                "clock_check" => set(&mut policy.clock_check, as_bool(&value)),
                "capture_protection" => set(&mut policy.capture_protection, as_bool(&value)),
                "allow_portable" => set(&mut policy.allow_portable, as_bool(&value)),
                _ => false,
            };
            if !fits {
                ignored.push(name);
            }
        }
        ignored.sort();
        (policy, ignored)
    }

    /// The policy in a JSON object (`/etc/mamori/policy.json`), with the keys ignored.
    pub fn from_json(bytes: &[u8]) -> Result<(Policy, Vec<String>), String> {
        json_values(bytes).map(Policy::from_values)
    }

    /// The policy of `other` where this one says nothing (a machine policy over a user one).
    pub fn or(self, other: Policy) -> Policy {
        Policy {
            require_password: self.require_password.or(other.require_password),
            min_password_length: self.min_password_length.or(other.min_password_length),
            allow_plain_export: self.allow_plain_export.or(other.allow_plain_export),
            allow_export: self.allow_export.or(other.allow_export),
            max_idle_lock_minutes: self.max_idle_lock_minutes.or(other.max_idle_lock_minutes),
            lock_on_screen_lock: self.lock_on_screen_lock.or(other.lock_on_screen_lock),
            max_clipboard_clear_seconds: self
                .max_clipboard_clear_seconds
                .or(other.max_clipboard_clear_seconds),
            time_servers: self.time_servers.or(other.time_servers),
            clock_check: self.clock_check.or(other.clock_check),
            capture_protection: self.capture_protection.or(other.capture_protection),
            allow_portable: self.allow_portable.or(other.allow_portable),
        }
    }

    /// The settings as the policy leaves them: fixed values replace the user's, maximums cap
    /// them (and "never" becomes the maximum).
    pub fn apply(&self, settings: &mut Settings) {
        if let Some(max) = self.max_idle_lock_minutes
            && (settings.auto_lock_minutes == 0 || settings.auto_lock_minutes > max)
        {
            settings.auto_lock_minutes = max;
        }
        if let Some(max) = self.max_clipboard_clear_seconds
            && (settings.clipboard_clear_seconds == 0 || settings.clipboard_clear_seconds > max)
        {
            settings.clipboard_clear_seconds = max;
        }
        if let Some(servers) = &self.time_servers {
            settings.clock.time_servers = servers.clone();
        }
        if let Some(on) = self.clock_check {
            settings.clock.clock_check = on;
        }
        if let Some(on) = self.capture_protection {
            settings.capture_protection = on;
        }
    }

    /// Which settings the policy fixes or caps, by their `settings.json` name (the window
    /// shows these as "set by your administrator").
    pub fn fixes(&self, setting: &str) -> bool {
        match setting {
            "auto_lock_minutes" => self.max_idle_lock_minutes.is_some(),
            "clipboard_clear_seconds" => self.max_clipboard_clear_seconds.is_some(),
            "time_servers" => self.time_servers.is_some(),
            "clock_check" => self.clock_check.is_some(),
            "capture_protection" => self.capture_protection.is_some(),
            "lock_on_screen_lock" => self.lock_on_screen_lock.is_some(),
            _ => false,
        }
    }

    /// Whether the vault locks when the screen locks, given the user's idle setting (the
    /// window locks with the screen unless locking is set to "never").
    pub fn locks_on_screen_lock(&self, auto_lock_minutes: u32) -> bool {
        self.lock_on_screen_lock.unwrap_or(auto_lock_minutes > 0)
    }

    /// Whether a vault may be created, or its password changed, to `password` (`None`: no
    /// password).
    pub fn check_password(&self, password: Option<&str>) -> Result<(), Refusal> {
        match password {
            None if self.require_password == Some(true) => Err(Refusal::PasswordRequired),
            Some(p) => match self.min_password_length {
                Some(min) if (p.chars().count() as u64) < u64::from(min) => {
                    Err(Refusal::PasswordTooShort { min })
                }
                _ => Ok(()),
            },
            None => Ok(()),
        }
    }

    /// Whether an export may be written (`plain`: with the keys in the clear).
    pub fn check_export(&self, plain: bool) -> Result<(), Refusal> {
        if self.allow_export == Some(false) {
            return Err(Refusal::ExportForbidden);
        }
        if plain && self.allow_plain_export == Some(false) {
            return Err(Refusal::PlainExportForbidden);
        }
        Ok(())
    }

    /// Whether this copy may run in `mode`.
    pub fn check_portable(&self, mode: &crate::paths::Mode) -> Result<(), Refusal> {
        match mode {
            crate::paths::Mode::Portable(_) if self.allow_portable == Some(false) => {
                Err(Refusal::PortableForbidden)
            }
            _ => Ok(()),
        }
    }
}

/// Reads this machine's policy from its system's source (see the module docs). Bounded: the
/// file is read with a 64 KiB cap; the registry key's values are few.
pub fn load() -> Loaded {
    #[cfg(windows)]
    {
        windows::load()
    }
    #[cfg(target_os = "macos")]
    {
        macos::load()
    }
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        unix_file::load(std::path::Path::new(unix_file::POLICY_FILE))
    }
    #[cfg(not(any(windows, unix)))]
    {
        Loaded::default()
    }
}

/// A source's values as the [`Loaded`] policy, naming the keys ignored.
#[cfg(unix)]
pub(crate) fn loaded(source: String, values: Vec<(String, Value)>) -> Loaded {
    let (policy, ignored) = Policy::from_values(values);
    let mut warnings = Vec::new();
    if !ignored.is_empty() {
        warnings.push(Warning::IgnoredKeys(ignored));
    }
    Loaded {
        source: Some(Source(source)),
        policy,
        warnings,
    }
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    match value {
        Some(v) => {
            *slot = Some(v);
            true
        }
        None => false,
    }
}

fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Int(0) => Some(false),
        Value::Int(1) => Some(true),
        Value::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn as_count(value: &Value) -> Option<u32> {
    match value {
        Value::Int(n) => u32::try_from(*n).ok(),
        Value::Text(t) => t.trim().parse().ok(),
        _ => None,
    }
}

/// At most this many time servers are taken from a policy.
const MAX_SERVERS: usize = 16;

fn as_list(value: &Value) -> Option<Vec<String>> {
    let items: Vec<String> = match value {
        Value::List(items) => items.iter().map(|s| s.trim().to_string()).collect(),
        Value::Text(text) => text
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .map(str::to_string)
            .collect(),
        _ => return None,
    };
    let items: Vec<String> = items
        .into_iter()
        .filter(|s| !s.is_empty())
        .take(MAX_SERVERS)
        .collect();
    (!items.is_empty()
        && items
            .iter()
            .all(|s| crate::clock_check::parse_server(s).is_ok()))
    .then_some(items)
}

/// The members of a JSON object as policy values.
pub fn json_values(bytes: &[u8]) -> Result<Vec<(String, Value)>, String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let serde_json::Value::Object(map) = value else {
        return Err("not a JSON object".into());
    };
    Ok(map.into_iter().map(|(k, v)| (k, json_value(v))).collect())
}

fn json_value(value: serde_json::Value) -> Value {
    match value {
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => n.as_i64().map_or(Value::Other, Value::Int),
        serde_json::Value::String(s) => Value::Text(s),
        serde_json::Value::Array(items) => {
            let texts: Option<Vec<String>> = items
                .into_iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => Some(s),
                    _ => None,
                })
                .collect();
            texts.map_or(Value::Other, Value::List)
        }
        _ => Value::Other,
    }
}

#[cfg(test)]
mod tests;
