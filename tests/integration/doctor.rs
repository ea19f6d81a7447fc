//! `mamori doctor`: the clock against a fake SNTP server on 127.0.0.1, the vault's presence,
//! encryption and permissions, and the exit code. Screens and the clipboard are only reported
//! (the tests run without a display, which must not change the exit code).

use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::clock_check::fake_server;
use crate::util::{Sandbox, stderr, stdout};

/// Runs `mamori doctor ARGS` without a display (so screens and clipboard are unavailable the
/// same way everywhere) and returns the output with how long it took.
pub fn doctor(sandbox: &Sandbox, args: &[&str]) -> (Output, Duration) {
    let mut command = sandbox.command(&[&["doctor"], args].concat());
    command.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    let start = Instant::now();
    let output = command.output().unwrap();
    (output, start.elapsed())
}

/// `doctor --json` with one time server: the parsed report, exit code, time taken.
pub fn doctor_json(sandbox: &Sandbox, server: &str) -> (Value, Option<i32>, Duration) {
    let (output, elapsed) = doctor(sandbox, &["--time-server", server, "--json"]);
    let text = stdout(&output);
    let report: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {text}\nstderr: {}", stderr(&output)));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    (report, output.status.code(), elapsed)
}

pub fn names(report: &Value, field: &str) -> Vec<String> {
    report[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_slow_clock_needs_attention() {
    let sandbox = Sandbox::plain();
    let server = fake_server(Some(43.0));
    let (report, code, elapsed) = doctor_json(&sandbox, &server);
    let offset = report["clock_offset_seconds"].as_f64().unwrap();
    assert!((offset - 43.0).abs() < 0.5, "{report}");
    assert_eq!(report["time_server"], server.as_str());
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(report["ok"], false);
    assert!(names(&report, "problems").contains(&"clock_offset".to_string()));
    eprintln!("doctor with an answering server: {elapsed:?}");

    let (output, _) = doctor(&sandbox, &["--time-server", &server]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("43 s slow"), "{text}");
    assert!(text.contains(&server), "{text}");
    assert!(
        stderr(&output).contains("need attention"),
        "{}",
        stderr(&output)
    );

    let (output, _) = doctor(&sandbox, &["--time-server", &server, "--lang", "ja"]);
    assert!(stdout(&output).contains("43 秒遅れ"), "{}", stdout(&output));
}

#[test]
fn a_right_clock_and_a_sound_vault_exit_0() {
    let sandbox = Sandbox::encrypted_at_floor(&[]);
    let server = fake_server(Some(0.2));
    let (report, code, _) = doctor_json(&sandbox, &server);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["ok"], true);
    assert!(names(&report, "problems").is_empty(), "{report}");
    let offset = report["clock_offset_seconds"].as_f64().unwrap();
    assert!((offset - 0.2).abs() < 0.5, "{report}");
    assert_eq!(report["vault_exists"], true);
    assert_eq!(report["vault_encrypted"], true);
    assert_eq!(
        report["vault_path"].as_str().unwrap(),
        sandbox.vault.to_str().unwrap()
    );
    // No display here: reported, not counted against the machine.
    assert_eq!(report["screens"], 0);
    assert_eq!(report["clipboard"], false);
    let warnings = names(&report, "warnings");
    assert!(
        warnings.contains(&"screens_unavailable".to_string()),
        "{report}"
    );
    #[cfg(unix)]
    {
        assert_eq!(report["vault_mode"], "0600");
        assert_eq!(report["vault_private"], true);
    }

    let (output, _) = doctor(&sandbox, &["--time-server", &server]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("encrypted with a password"), "{text}");
    assert!(text.contains("Nothing needs attention"), "{text}");
    // The password is never asked (stdin is closed and no password file was given).
    assert!(!stderr(&output).contains("password"), "{}", stderr(&output));
}

#[test]
fn a_silent_server_is_a_warning_and_the_check_gives_up_in_time() {
    let sandbox = Sandbox::plain();
    let server = fake_server(None);
    let (report, code, elapsed) = doctor_json(&sandbox, &server);
    eprintln!("doctor with a silent server: {elapsed:?}");
    // The check gives up after 2 s; the margin is for a loaded machine.
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    assert_eq!(report["clock_offset_seconds"], Value::Null);
    assert_eq!(report["time_server"], Value::Null);
    let error = report["clock_error"].as_str().unwrap();
    assert!(error.contains("no time server answered"), "{error}");
    assert!(error.contains(&server), "{error}");
    assert!(names(&report, "warnings").contains(&"clock_unchecked".to_string()));
    // A plain vault is a warning too; nothing needs attention.
    assert_eq!(code, Some(0), "{report}");
}

#[test]
fn plain_and_encrypted_vaults_are_told_apart() {
    let server = fake_server(Some(0.0));
    let plain = Sandbox::plain();
    let (report, _, _) = doctor_json(&plain, &server);
    assert_eq!(report["vault_encrypted"], false);
    assert!(names(&report, "warnings").contains(&"vault_not_encrypted".to_string()));
    let (output, _) = doctor(&plain, &["--time-server", &server]);
    assert!(
        stdout(&output).contains("is not encrypted"),
        "{}",
        stdout(&output)
    );

    let encrypted = Sandbox::encrypted_at_floor(&[]);
    let (report, _, _) = doctor_json(&encrypted, &server);
    assert_eq!(report["vault_encrypted"], true);
    assert!(!names(&report, "warnings").contains(&"vault_not_encrypted".to_string()));
}

#[cfg(unix)]
#[test]
fn a_group_readable_vault_is_flagged() {
    use std::os::unix::fs::PermissionsExt as _;
    let sandbox = Sandbox::encrypted_at_floor(&[]);
    std::fs::set_permissions(&sandbox.vault, std::fs::Permissions::from_mode(0o640)).unwrap();
    let server = fake_server(Some(0.0));
    let (report, code, _) = doctor_json(&sandbox, &server);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(report["vault_mode"], "0640");
    assert_eq!(report["vault_private"], false);
    assert_eq!(names(&report, "problems"), ["vault_permissions"]);
    let (output, _) = doctor(&sandbox, &["--time-server", &server]);
    assert!(stdout(&output).contains("chmod 600"), "{}", stdout(&output));
}

#[test]
fn a_missing_vault_is_a_warning_and_a_damaged_one_a_problem() {
    let sandbox = Sandbox::new();
    let server = fake_server(Some(0.0));
    let (report, code, _) = doctor_json(&sandbox, &server);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["vault_exists"], false);
    assert_eq!(report["vault_encrypted"], Value::Null);
    assert!(names(&report, "warnings").contains(&"vault_missing".to_string()));

    std::fs::write(&sandbox.vault, b"not a vault at all, just text").unwrap();
    let (report, code, _) = doctor_json(&sandbox, &server);
    assert_eq!(code, Some(1), "{report}");
    assert_eq!(report["vault_exists"], true);
    // (Written with the default umask, so it may also be flagged as readable by others.)
    assert!(names(&report, "problems").contains(&"vault_unreadable".to_string()));
    assert!(
        report["vault_error"]
            .as_str()
            .unwrap()
            .contains("not a Mamori vault")
    );
}

#[test]
fn time_servers_come_from_the_settings_file_unless_given() {
    let sandbox = Sandbox::plain();
    let config = sandbox.path("config");
    std::fs::create_dir_all(&config).unwrap();
    let server = fake_server(Some(-125.0));
    std::fs::write(
        config.join("settings.json"),
        format!(r#"{{"theme": "dark", "time_servers": ["{server}"]}}"#),
    )
    .unwrap();
    let (output, _) = doctor(&sandbox, &["--json"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["time_server"], server.as_str(), "{report}");
    assert_eq!(output.status.code(), Some(1));
    let (output, _) = doctor(&sandbox, &[]);
    assert!(
        stdout(&output).contains("2 min 5 s fast"),
        "{}",
        stdout(&output)
    );

    // The check turned off: reported, not a problem, and no server asked (the listed one, a
    // socket of this test, receives nothing; a datagram sent to it would be queued by the time
    // doctor exits).
    let listed = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    std::fs::write(
        config.join("settings.json"),
        format!(
            r#"{{"clock_check": false, "time_servers": ["{}"]}}"#,
            listed.local_addr().unwrap()
        ),
    )
    .unwrap();
    let (output, _) = doctor(&sandbox, &["--json"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(output.status.code(), Some(0), "{report}");
    assert!(names(&report, "warnings").contains(&"clock_off".to_string()));
    assert_eq!(report["time_servers_tried"], serde_json::json!([]));
    listed.set_nonblocking(true).unwrap();
    assert!(
        listed.recv(&mut [0u8; 64]).is_err(),
        "a time server was asked with the check off"
    );

    // --time-server checks anyway.
    let other = fake_server(Some(0.0));
    let (report, code, _) = doctor_json(&sandbox, &other);
    assert_eq!(report["time_server"], other.as_str());
    assert_eq!(code, Some(0), "{report}");
}

#[test]
fn a_malformed_time_server_is_a_usage_error() {
    let sandbox = Sandbox::plain();
    let (output, _) = doctor(&sandbox, &["--time-server", "host:notaport"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("host:notaport"));
}

#[test]
fn a_settings_key_that_does_not_fit_is_a_warning_and_the_other_keys_still_count() {
    let sandbox = Sandbox::plain();
    let config = sandbox.path("config");
    std::fs::create_dir_all(&config).unwrap();
    let server = fake_server(Some(0.0));
    std::fs::write(
        config.join("settings.json"),
        format!(
            r#"{{"theme": "purple", "auto_lock_minutes": "x", "future_key": 1,
                "time_servers": ["{server}"]}}"#
        ),
    )
    .unwrap();
    let (output, _) = doctor(&sandbox, &["--json"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        names(&report, "settings_ignored_keys"),
        ["auto_lock_minutes", "theme"],
        "{report}"
    );
    assert!(names(&report, "warnings").contains(&"settings_ignored_keys".to_string()));
    // The servers of the same file are still asked; a warning leaves the exit code at 0.
    assert_eq!(report["time_server"], server.as_str(), "{report}");
    assert_eq!(output.status.code(), Some(0), "{report}");

    let (output, _) = doctor(&sandbox, &[]);
    let text = stdout(&output);
    assert!(text.contains("ignored auto_lock_minutes, theme"), "{text}");
    let (output, _) = doctor(&sandbox, &["--lang", "ja"]);
    assert!(stdout(&output).contains("無視し"), "{}", stdout(&output));

    // Every key fits: nothing said.
    std::fs::write(
        config.join("settings.json"),
        format!(r#"{{"theme": "dark", "time_servers": ["{server}"]}}"#),
    )
    .unwrap();
    let (output, _) = doctor(&sandbox, &["--json"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["settings_ignored_keys"], serde_json::json!([]));
    assert!(!names(&report, "warnings").contains(&"settings_ignored_keys".to_string()));
}

#[test]
fn a_settings_file_that_is_not_json_is_named_with_where_it_breaks_and_left_as_it_is() {
    let sandbox = Sandbox::plain();
    sandbox.ok(&[
        "add",
        "--uri",
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP",
    ]);
    let config = sandbox.path("config");
    std::fs::create_dir_all(&config).unwrap();
    let file = config.join("settings.json");
    // A hand edit that left a trailing comma.
    let hand_edited = b"{\n  \"theme\": \"dark\",\n}\n";
    std::fs::write(&file, hand_edited).unwrap();
    let server = fake_server(Some(0.0));
    let (report, code, _) = doctor_json(&sandbox, &server);
    assert_eq!(
        report["settings_unreadable"], "not valid JSON at line 3, column 1",
        "{report}"
    );
    assert!(names(&report, "warnings").contains(&"settings_unreadable".to_string()));
    assert_eq!(
        code,
        Some(0),
        "a warning leaves the exit code at 0: {report}"
    );

    let (output, _) = doctor(&sandbox, &["--time-server", &server]);
    let text = stdout(&output);
    assert!(
        text.contains(&format!(
            "Settings: {} could not be read (not valid JSON at line 3, column 1), so the default \
             settings are in use. Correct the file, or delete it to start from the defaults.",
            file.display()
        )),
        "{text}"
    );
    let (output, _) = doctor(&sandbox, &["--time-server", &server, "--lang", "ja"]);
    assert!(
        stdout(&output).contains("3 行 1 桁目が JSON として正しくありません"),
        "{}",
        stdout(&output)
    );

    // `code` still prints the codes, with the same warning on stderr.
    let output = sandbox.run(&["code"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), 1, "{}", stdout(&output));
    assert!(
        stderr(&output).contains("could not be read (not valid JSON at line 3, column 1)"),
        "{}",
        stderr(&output)
    );
    // Reading it never changes it.
    assert_eq!(std::fs::read(&file).unwrap(), hand_edited);
    assert!(!config.join("settings.json.unreadable").exists());

    // Not an object: said as such.
    std::fs::write(&file, b"[\"theme\", \"dark\"]").unwrap();
    let (report, _, _) = doctor_json(&sandbox, &server);
    assert_eq!(
        report["settings_unreadable"], "it is JSON, but not an object of settings",
        "{report}"
    );
    // A file that reads: nothing said.
    std::fs::write(&file, b"{\"theme\": \"dark\"}").unwrap();
    let (report, _, _) = doctor_json(&sandbox, &server);
    assert_eq!(report["settings_unreadable"], Value::Null, "{report}");
    assert!(!names(&report, "warnings").contains(&"settings_unreadable".to_string()));
}
