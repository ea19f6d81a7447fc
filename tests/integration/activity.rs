//! The activity log and vault health through the real binary: `mamori log` after a day's
//! work (add, a plain export, wrong passwords, a password change, a restore), and `doctor`
//! listing health findings on a crafted vault.

use serde_json::Value;

use crate::util::{Sandbox, assert_fails, stderr, stdout};

fn log(s: &Sandbox) -> Vec<Value> {
    let output = s.run_pw(&["log", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str::<Value>(&stdout(&output))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn events(log: &[Value]) -> Vec<&str> {
    log.iter().map(|e| e["event"].as_str().unwrap()).collect()
}

#[test]
fn the_log_answers_who_exported_what_and_when_across_a_password_change() {
    let s = Sandbox::encrypted_at_floor(&["otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP"]);
    s.ok_pw(&[
        "add",
        "--uri",
        "otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    ]);
    let keys = s.path("keys.txt");
    s.ok_pw(&[
        "export",
        "--format",
        "otpauth",
        "--plain",
        "-o",
        keys.to_str().unwrap(),
    ]);
    // Two wrong passwords: counted outside the vault, said on the next unlock.
    let wrong = s.path("wrong.txt");
    std::fs::write(&wrong, "not it\n").unwrap();
    for _ in 0..2 {
        assert_fails(
            &s.run(&["--password-file", wrong.to_str().unwrap(), "list"]),
            3,
            "wrong password",
        );
    }
    let output = s.run_pw(&["list"]);
    assert!(
        stderr(&output).contains("2 failed attempt(s) to unlock this vault since the last unlock."),
        "{}",
        stderr(&output)
    );
    let new_password = s.path("new.txt");
    std::fs::write(&new_password, "a new long password\n").unwrap();
    s.ok_pw(&[
        "passwd",
        "--new-password-file",
        new_password.to_str().unwrap(),
    ]);
    std::fs::copy(&new_password, &s.password_file).unwrap();
    s.ok_pw(&["remove", "Example", "-y"]);

    let log = log(&s);
    // Newest first; the repeated unlocks of one user and program are folded.
    assert_eq!(
        events(&log),
        [
            "unlocked",
            "accounts_removed",
            "unlocked",
            "password_changed",
            "unlocked",
            "exported",
            "unlocked",
            "accounts_added",
            "unlocked",
            "accounts_added",
            "created"
        ]
    );
    let exported = &log[5];
    assert_eq!(exported["format"], "otpauth");
    assert_eq!(exported["count"], 2);
    assert_eq!(exported["plain"], true);
    assert_eq!(exported["program"], "cli");
    assert!(exported["time"].as_str().unwrap().ends_with('Z'));
    assert_eq!(log[6]["failed_attempts"], 0);
    assert_eq!(log[4]["failed_attempts"], 2);
    assert_eq!(log[1]["labels"], serde_json::json!(["Example:alice"]));
    // The text form, in Japanese too.
    let text = s.ok_pw(&["log"]);
    assert!(
        text.contains("2 account(s) exported as otpauth (keys not encrypted)"),
        "{text}"
    );
    let text = s.ok_pw(&["--lang", "ja", "log"]);
    assert!(
        text.contains("2 件のアカウントを otpauth 形式でエクスポート（キーは暗号化なし）"),
        "{text}"
    );
    // Nothing of it is readable in the file.
    let bytes = std::fs::read(&s.vault).unwrap();
    assert!(!bytes.windows(7).any(|w| w == b"otpauth"));
}

#[test]
fn doctor_lists_the_health_of_a_crafted_vault() {
    let s = Sandbox::plain();
    for uri in [
        "otpauth://totp/Short:a?secret=JBSWY3DPEHPK3PXP",
        "otpauth://totp/One:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    ] {
        s.ok(&["add", "--uri", uri]);
    }
    s.ok(&[
        "add",
        "--uri",
        "otpauth://totp/Two:c?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        "--allow-duplicate",
    ]);
    let output = s.run(&["doctor", "--json", "--time-server", "127.0.0.1:9"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let ids: Vec<&str> = report["health"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["short_key", "same_key"], "{report}");
    assert!(
        report["health"][1]["text"]
            .as_str()
            .unwrap()
            .contains("One:b, Two:c"),
        "{report}"
    );
    // A password vault is checked only with its password (doctor never prompts).
    let e = Sandbox::encrypted_at_floor(&[]);
    let output = e.run(&["doctor", "--json", "--time-server", "127.0.0.1:9"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["health"], Value::Null);
    let output = e.run_pw(&["doctor", "--json", "--time-server", "127.0.0.1:9"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["health"], serde_json::json!([]));
}
