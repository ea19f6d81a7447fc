//! Windows: the registry values under `Software\Policies\Mamori`, HKLM first, then HKCU for
//! the keys HKLM leaves unset (Group Policy writes them; `packaging/windows/policy/` holds the
//! ADMX/ADML templates). Users cannot write under `Policies` without administrator rights.
//!
//! The value bytes are decoded here ([`decode`]), on every system, so the data shape is unit
//! tested on Linux too; only [`load`] calls the registry.

use super::Value;

/// The policy key under HKLM and HKCU.
pub const POLICY_KEY: &str = r"Software\Policies\Mamori";

/// `REG_SZ`.
pub const REG_SZ: u32 = 1;
/// `REG_EXPAND_SZ` (read as text, not expanded).
pub const REG_EXPAND_SZ: u32 = 2;
/// `REG_DWORD` (little-endian).
pub const REG_DWORD: u32 = 4;
/// `REG_MULTI_SZ`.
pub const REG_MULTI_SZ: u32 = 7;
/// `REG_QWORD` (little-endian).
pub const REG_QWORD: u32 = 11;

/// A registry value's type and bytes as `RegEnumValueW` returns them, as a policy [`Value`].
pub fn decode(kind: u32, data: &[u8]) -> Value {
    match kind {
        REG_DWORD => data
            .get(..4)
            .and_then(|b| b.try_into().ok())
            .map_or(Value::Other, |b| {
                Value::Int(i64::from(u32::from_le_bytes(b)))
            }),
        REG_QWORD => data
            .get(..8)
            .and_then(|b| b.try_into().ok())
            .and_then(|b| i64::try_from(u64::from_le_bytes(b)).ok())
            .map_or(Value::Other, Value::Int),
        REG_SZ | REG_EXPAND_SZ => {
            Value::Text(utf16_strings(data).into_iter().next().unwrap_or_default())
        }
        REG_MULTI_SZ => Value::List(utf16_strings(data)),
        _ => Value::Other,
    }
}

/// The NUL-separated UTF-16LE strings in `data` (a trailing NUL or two, or none).
fn utf16_strings(data: &[u8]) -> Vec<String> {
    let units: Vec<u16> = data
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    units
        .split(|u| *u == 0)
        .filter(|s| !s.is_empty())
        .map(String::from_utf16_lossy)
        .collect()
}

/// The machine's policy: HKLM's values, then HKCU's for keys HKLM does not set.
#[cfg(windows)]
pub fn load() -> super::Loaded {
    let machine = registry::values(registry::Hive::LocalMachine);
    let user = registry::values(registry::Hive::CurrentUser);
    let mut sources = Vec::new();
    if machine.is_some() {
        sources.push(format!(r"HKLM\{POLICY_KEY}"));
    }
    if user.is_some() {
        sources.push(format!(r"HKCU\{POLICY_KEY}"));
    }
    if sources.is_empty() {
        return super::Loaded::default();
    }
    let machine = machine.unwrap_or_default();
    let user = user.unwrap_or_default();
    let (from_machine, mut ignored) = super::Policy::from_values(machine);
    let (from_user, ignored_user) = super::Policy::from_values(user);
    ignored.extend(ignored_user);
    ignored.sort();
    ignored.dedup();
    super::Loaded {
        source: Some(super::Source(sources.join(", "))),
        policy: from_machine.or(from_user),
        warnings: if ignored.is_empty() {
            Vec::new()
        } else {
            vec![super::Warning::IgnoredKeys(ignored)]
        },
    }
}

/// The registry calls: open the key read-only, list its values, close it.
#[cfg(windows)]
#[allow(unsafe_code)]
mod registry {
    use windows_sys::Win32::Foundation::ERROR_SUCCESS;
    use windows_sys::Win32::System::Registry::{
        HKEY, HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, KEY_READ, KEY_WOW64_64KEY, RegCloseKey,
        RegEnumValueW, RegOpenKeyExW,
    };

    use super::super::Value;

    /// Which root.
    pub enum Hive {
        LocalMachine,
        CurrentUser,
    }

    /// At most this many values are read from the key.
    const MAX_VALUES: u32 = 64;
    /// Longest value name (characters) and data (bytes) read.
    const MAX_NAME: usize = 256;
    const MAX_DATA: usize = 16 * 1024;

    /// The values of `Software\Policies\Mamori` under `hive`; `None` when the key is absent.
    pub fn values(hive: Hive) -> Option<Vec<(String, Value)>> {
        let root = match hive {
            Hive::LocalMachine => HKEY_LOCAL_MACHINE,
            Hive::CurrentUser => HKEY_CURRENT_USER,
        };
        let path: Vec<u16> = super::POLICY_KEY
            .encode_utf16()
            .chain(std::iter::once(0))
            .collect();
        let mut key: HKEY = std::ptr::null_mut();
        // SAFETY: `path` is NUL-terminated and outlives the call; `key` is a valid out pointer.
        let opened =
            unsafe { RegOpenKeyExW(root, path.as_ptr(), 0, KEY_READ | KEY_WOW64_64KEY, &mut key) };
        if opened != ERROR_SUCCESS {
            return None;
        }
        let mut values = Vec::new();
        for index in 0..MAX_VALUES {
            let mut name = vec![0u16; MAX_NAME];
            let mut name_len = MAX_NAME as u32;
            let mut data = vec![0u8; MAX_DATA];
            let mut data_len = MAX_DATA as u32;
            let mut kind = 0u32;
            // SAFETY: every buffer is as long as the length passed with it, and `key` is open.
            let status = unsafe {
                RegEnumValueW(
                    key,
                    index,
                    name.as_mut_ptr(),
                    &mut name_len,
                    std::ptr::null(),
                    &mut kind,
                    data.as_mut_ptr(),
                    &mut data_len,
                )
            };
            if status != ERROR_SUCCESS {
                // ERROR_NO_MORE_ITEMS ends the list; a value too large to read ends it too.
                break;
            }
            let name = String::from_utf16_lossy(&name[..(name_len as usize).min(MAX_NAME)]);
            let data = &data[..(data_len as usize).min(MAX_DATA)];
            values.push((name, super::decode(kind, data)));
        }
        // SAFETY: `key` was opened above and is closed once.
        unsafe {
            RegCloseKey(key);
        }
        Some(values)
    }
}
