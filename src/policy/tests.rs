use super::*;

/// The policy every source below states, each in its own shape.
fn expected() -> Policy {
    Policy {
        require_password: Some(true),
        min_password_length: Some(12),
        allow_plain_export: Some(false),
        allow_export: Some(true),
        max_idle_lock_minutes: Some(5),
        lock_on_screen_lock: Some(true),
        max_clipboard_clear_seconds: Some(20),
        time_servers: Some(vec!["ntp.corp.example".into(), "10.0.0.1:123".into()]),
        clock_check: Some(true),
        capture_protection: Some(true),
        allow_portable: Some(false),
    }
}

const JSON: &str = r#"{
  "require_password": true, "min_password_length": 12, "allow_plain_export": false,
  "allow_export": true, "max_idle_lock_minutes": 5, "lock_on_screen_lock": true,
  "max_clipboard_clear_seconds": 20, "time_servers": ["ntp.corp.example", "10.0.0.1:123"],
  "clock_check": true, "capture_protection": true, "allow_portable": false
}"#;

fn utf16z(text: &str) -> Vec<u8> {
    text.encode_utf16()
        .chain([0])
        .flat_map(u16::to_le_bytes)
        .collect()
}

fn dword(n: u32) -> (u32, Vec<u8>) {
    (windows::REG_DWORD, n.to_le_bytes().to_vec())
}

#[test]
fn the_json_file_the_registry_and_a_property_list_give_the_same_policy() {
    let (from_json, ignored) = Policy::from_json(JSON.as_bytes()).unwrap();
    assert!(ignored.is_empty(), "{ignored:?}");
    assert_eq!(from_json, expected());

    // The registry as Group Policy writes it from the ADMX: DWORDs for booleans and numbers,
    // REG_MULTI_SZ for the list. Names in any case (the registry ignores case).
    let mut multi = utf16z("ntp.corp.example");
    multi.extend(utf16z("10.0.0.1:123"));
    multi.extend([0, 0]);
    let registry: Vec<(&str, (u32, Vec<u8>))> = vec![
        ("require_password", dword(1)),
        ("min_password_length", dword(12)),
        ("allow_plain_export", dword(0)),
        ("allow_export", dword(1)),
        ("max_idle_lock_minutes", dword(5)),
        ("Lock_On_Screen_Lock", dword(1)),
        ("max_clipboard_clear_seconds", dword(20)),
        ("time_servers", (windows::REG_MULTI_SZ, multi)),
        ("clock_check", dword(1)),
        ("capture_protection", dword(1)),
        ("allow_portable", dword(0)),
    ];
    let values = registry
        .into_iter()
        .map(|(name, (kind, data))| (name.to_string(), windows::decode(kind, &data)));
    let (from_registry, ignored) = Policy::from_values(values);
    assert!(ignored.is_empty(), "{ignored:?}");
    assert_eq!(from_registry, expected());
    // A REG_SZ list (typed by hand with reg add) reads the same.
    assert_eq!(
        windows::decode(windows::REG_SZ, &utf16z("ntp.corp.example, 10.0.0.1:123")),
        Value::Text("ntp.corp.example, 10.0.0.1:123".into())
    );
    let (policy, _) = Policy::from_values([(
        "time_servers".to_string(),
        windows::decode(windows::REG_SZ, &utf16z("ntp.corp.example; 10.0.0.1:123")),
    )]);
    assert_eq!(policy.time_servers, expected().time_servers);

    // A configuration profile's payload as macOS stores it in Managed Preferences: a
    // property list, XML here and binary as written by plist itself.
    let xml = include_str!("../../packaging/macos/mamori-policy.plist");
    let (from_plist, ignored) = Policy::from_values(macos::values(xml.as_bytes()).unwrap());
    assert!(ignored.is_empty(), "{ignored:?}");
    assert_eq!(from_plist, expected());
    let value = plist::Value::from_reader_xml(xml.as_bytes()).unwrap();
    let mut binary = Vec::new();
    value.to_writer_binary(&mut binary).unwrap();
    assert!(binary.starts_with(b"bplist00"));
    let (from_binary, _) = Policy::from_values(macos::values(&binary).unwrap());
    assert_eq!(from_binary, expected());
    // The example profile carries the same dictionary.
    let profile = include_str!("../../packaging/macos/mamori-policy.mobileconfig");
    for key in KEYS {
        assert!(profile.contains(&format!("<key>{key}</key>")), "{key}");
    }
}

#[test]
fn a_value_of_the_wrong_type_or_an_unknown_name_costs_only_its_own_key() {
    let (policy, ignored) = Policy::from_json(
        br#"{"require_password": "yes", "min_password_length": -3, "allow_export": false,
             "max_idle_lock_minutes": 0, "time_servers": ["ok.example", "bad host:99999"],
             "allow_pasting": true, "clock_check": 1}"#,
    )
    .unwrap();
    assert_eq!(
        ignored,
        [
            "allow_pasting",
            "max_idle_lock_minutes",
            "min_password_length",
            "require_password",
            "time_servers"
        ]
    );
    assert_eq!(
        policy,
        Policy {
            allow_export: Some(false),
            clock_check: Some(true),
            ..Policy::default()
        }
    );
    assert!(Policy::from_json(b"[1]").is_err());
    assert!(Policy::from_json(b"{not json").is_err());
    // Registry shapes that do not fit: a DWORD of 3 bytes, a binary value.
    assert_eq!(
        windows::decode(windows::REG_DWORD, &[1, 0, 0]),
        Value::Other
    );
    assert_eq!(windows::decode(3, &[1, 2, 3]), Value::Other);
    // A huge minimum is capped rather than locking everyone out.
    let (policy, _) = Policy::from_json(br#"{"min_password_length": 100000}"#).unwrap();
    assert_eq!(policy.min_password_length, Some(MAX_MIN_PASSWORD_LENGTH));
}

#[test]
fn the_policy_fixes_and_caps_settings_and_refuses_by_name() {
    let policy = expected();
    let mut settings = Settings {
        auto_lock_minutes: 0,
        clipboard_clear_seconds: 90,
        capture_protection: false,
        ..Settings::default()
    };
    settings.clock.clock_check = false;
    policy.apply(&mut settings);
    assert_eq!(settings.auto_lock_minutes, 5);
    assert_eq!(settings.clipboard_clear_seconds, 20);
    assert!(settings.capture_protection && settings.clock.clock_check);
    assert_eq!(
        settings.clock.servers(),
        ["ntp.corp.example", "10.0.0.1:123"]
    );
    // Below the maximum, the user's choice stands.
    let mut settings = Settings {
        auto_lock_minutes: 2,
        clipboard_clear_seconds: 10,
        ..Settings::default()
    };
    policy.apply(&mut settings);
    assert_eq!(
        (settings.auto_lock_minutes, settings.clipboard_clear_seconds),
        (2, 10)
    );
    assert!(policy.fixes("auto_lock_minutes") && !policy.fixes("theme"));
    assert!(policy.locks_on_screen_lock(0));
    assert!(!Policy::default().locks_on_screen_lock(0));

    assert_eq!(policy.check_password(None), Err(Refusal::PasswordRequired));
    assert_eq!(
        policy.check_password(Some("short")),
        Err(Refusal::PasswordTooShort { min: 12 })
    );
    assert_eq!(policy.check_password(Some("twelve chars")), Ok(()));
    assert_eq!(policy.check_export(false), Ok(()));
    assert_eq!(
        policy.check_export(true),
        Err(Refusal::PlainExportForbidden)
    );
    let no_export = Policy {
        allow_export: Some(false),
        ..Policy::default()
    };
    assert_eq!(no_export.check_export(false), Err(Refusal::ExportForbidden));
    let portable = crate::paths::Mode::Portable("/media/usb/mamori-data".into());
    assert_eq!(
        policy.check_portable(&portable),
        Err(Refusal::PortableForbidden)
    );
    assert_eq!(
        policy.check_portable(&crate::paths::Mode::Installed),
        Ok(())
    );
    assert_eq!(Policy::default().check_password(None), Ok(()));

    // Every refusal names its policy key, in both languages.
    for refusal in [
        Refusal::PasswordRequired,
        Refusal::PasswordTooShort { min: 12 },
        Refusal::ExportForbidden,
        Refusal::PlainExportForbidden,
        Refusal::PortableForbidden,
    ] {
        for lang in [Lang::En, Lang::Ja] {
            let text = refusal.localize(lang);
            assert!(text.contains(refusal.key()), "{text}");
        }
    }
}

#[cfg(unix)]
#[test]
fn the_unix_file_is_trusted_only_when_no_one_but_root_can_write_it() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.json");
    // Absent: no policy, no warning.
    assert_eq!(unix_file::load(&path), Loaded::default());
    std::fs::write(&path, JSON).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let loaded = unix_file::load(&path);
    // SAFETY of the assumption: tests that need root ownership only check it as root.
    let root = std::fs::metadata(&path).unwrap().uid_is_root();
    if root {
        assert_eq!(loaded.policy, expected());
        assert_eq!(loaded.source, Some(Source(path.display().to_string())));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        let loaded = unix_file::load(&path);
        assert!(loaded.policy.is_empty() && loaded.source.is_none());
        assert_eq!(
            loaded.warnings,
            [Warning::NotTrusted {
                path: path.display().to_string(),
                why: TrustProblem::FileWritable
            }]
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(matches!(
            unix_file::load(&path).warnings[..],
            [Warning::NotTrusted {
                why: TrustProblem::Folder,
                ..
            }]
        ));
    } else {
        assert!(loaded.policy.is_empty());
        assert!(matches!(
            loaded.warnings[..],
            [Warning::NotTrusted {
                why: TrustProblem::FileOwner,
                ..
            }]
        ));
    }
}

#[cfg(unix)]
trait UidIsRoot {
    fn uid_is_root(&self) -> bool;
}

#[cfg(unix)]
impl UidIsRoot for std::fs::Metadata {
    fn uid_is_root(&self) -> bool {
        std::os::unix::fs::MetadataExt::uid(self) == 0
    }
}

/// Element names, attributes and the `$(string.x)` references of an XML file, parsed with a
/// real XML reader (which fails on a file that is not well-formed).
fn xml_elements(path: &str) -> Vec<(String, Vec<(String, String)>)> {
    use quick_xml::events::Event;
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut elements = Vec::new();
    let mut depth = 0i32;
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("{path}: {e}"))
        {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name().0.to_string();
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            a.key.0.to_string(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned(),
                        )
                    })
                    .collect();
                elements.push((name, attrs));
                depth += 1;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(depth > 0, "{path}");
    elements
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn the_admx_and_both_adml_files_are_well_formed_and_list_every_key() {
    let root = env!("CARGO_MANIFEST_DIR");
    let admx = xml_elements(&format!("{root}/packaging/windows/policy/mamori.admx"));
    let mut policies: Vec<&str> = admx
        .iter()
        .filter(|(name, _)| name == "policy")
        .filter_map(|(_, attrs)| attr(attrs, "name"))
        .collect();
    policies.sort();
    let mut keys = KEYS.to_vec();
    keys.sort();
    assert_eq!(policies, keys);
    // Each key is written to the registry value of its own name under the policy key.
    let mut value_names: Vec<&str> = admx
        .iter()
        .filter_map(|(_, attrs)| attr(attrs, "valueName"))
        .collect();
    value_names.sort();
    assert_eq!(value_names, keys);
    for (name, attrs) in &admx {
        if name == "policy" {
            assert_eq!(attr(attrs, "key"), Some(windows::POLICY_KEY));
        }
    }
    let referenced = |prefix: &str| -> Vec<String> {
        admx.iter()
            .flat_map(|(_, attrs)| attrs.iter())
            .filter_map(|(_, v)| v.strip_prefix(prefix)?.strip_suffix(')'))
            .map(str::to_string)
            .collect()
    };
    let strings = referenced("$(string.");
    let presentations = referenced("$(presentation.");
    assert!(strings.len() > 2 * KEYS.len());
    for lang in ["en-US", "ja-JP"] {
        let adml = xml_elements(&format!(
            "{root}/packaging/windows/policy/{lang}/mamori.adml"
        ));
        let ids = |element: &str| -> Vec<&str> {
            adml.iter()
                .filter(|(name, _)| name == element)
                .filter_map(|(_, attrs)| attr(attrs, "id"))
                .collect()
        };
        let (defined, shown) = (ids("string"), ids("presentation"));
        for id in &strings {
            assert!(defined.contains(&id.as_str()), "{lang}: string {id}");
        }
        for id in &presentations {
            assert!(shown.contains(&id.as_str()), "{lang}: presentation {id}");
        }
    }
}
