//! The command line end to end, as `docs/cli.md` specifies it.

use mamori::i18n::Lang;
use serde_json::Value;

use crate::util::{PASSWORD, Sandbox, assert_fails, mamori, stderr, stdout};

const VENDOR_URI: &str =
    "otpauth://totp/Vendor:admin@example.com?secret=ABCDEFGHijkl2345&issuer=Vendor";
const T: &str = "1700000000";

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The issue's "done when" path: init with a password, add the vendor-manual URI with its
/// mixed-case 80-bit key, code, list --json, passwd, backup codes.
#[test]
fn a_new_user_from_init_to_backup_codes() {
    let s = Sandbox::encrypted();
    let output = s.run_pw(&["add", "--uri", VENDOR_URI, "--at", T]);
    assert_eq!(stdout(&output), "524686\n");
    let err = stderr(&output);
    assert!(err.contains("80 bits"), "{err}");
    assert!(
        err.contains("Added Vendor:admin@example.com. Current code: 524 686 (10 s left)"),
        "{err}"
    );

    assert_eq!(s.ok_pw(&["code", "vendor", "--at", T]), "524686\n");
    let list = json(&s.ok_pw(&["list", "--json"]));
    let id = list[0]["id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 32);
    assert_eq!(
        list,
        json(&format!(
            r#"[{{"id":"{id}","issuer":"Vendor","name":"admin@example.com","type":"totp",
                 "algorithm":"SHA1","digits":6,"period":30,"counter":null,"backup_codes_unused":0,
                 "tags":[],"pinned":false}}]"#
        ))
    );

    let new_password = s.path("new-password.txt");
    std::fs::write(&new_password, "新しいパスワード 2\r\n").unwrap();
    let output = s.run_pw(&[
        "passwd",
        "--new-password-file",
        new_password.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("open with the old password"),
        "{}",
        stderr(&output)
    );
    assert_fails(&s.run_pw(&["list"]), 3, "wrong password");
    let np = new_password.to_str().unwrap();
    assert_eq!(
        s.ok(&["--password-file", np, "code", "--at", T]),
        "524686\n",
        "the account survived the password change"
    );

    let codes = s.path("codes.txt");
    // The window's rule too: a line of hyphens is no code; a code already there is not added twice.
    std::fs::write(
        &codes,
        "\u{feff}1111 2222\r\n3333-4444\r\n\r\n---\r\n55556666\r\n1111-2222\r\n",
    )
    .unwrap();
    let cf = codes.to_str().unwrap();
    // `mamori --password-file <new> backup-codes vendor ARGS`
    let backup_codes = |args: &[&str]| {
        let all = [&["--password-file", np, "backup-codes", "vendor"], args].concat();
        s.command(&all).output().unwrap()
    };
    let added = backup_codes(&["--add-file", cf]);
    assert!(
        stderr(&added).contains("Added 3 backup code(s)"),
        "{}",
        stderr(&added)
    );
    let used = backup_codes(&["--use", "33334444"]);
    assert!(
        stderr(&used).contains("2 unused code(s) left"),
        "{}",
        stderr(&used)
    );
    assert_fails(&backup_codes(&["--use", "3333 4444"]), 1, "already used on");
    assert_fails(&backup_codes(&["--use", "9999"]), 4, "no such backup code");
    assert_eq!(stdout(&backup_codes(&[])), "1111 2222\n55556666\n");
    let all = json(&stdout(&backup_codes(&["--list", "--json"])));
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert_eq!(all[1]["code"], "3333-4444");
    assert_eq!(all[1]["used"], true);
    assert!(all[1]["used_at"].as_str().unwrap().ends_with('Z'));
    // People read "used on" in the computer's time zone, to the minute; JSON stays UTC.
    let used_at = mamori::time::parse_rfc3339(all[1]["used_at"].as_str().unwrap()).unwrap();
    let listed_in = |tz: &str| {
        let args = [
            "--lang",
            "ja",
            "--password-file",
            np,
            "backup-codes",
            "vendor",
            "--list",
        ];
        stdout(&s.command(&args).env("TZ", tz).output().unwrap())
    };
    let tokyo = mamori::time::minutes_at_offset(Lang::Ja, used_at, 9 * 3600);
    let utc = mamori::time::minutes_at_offset(Lang::Ja, used_at, 0);
    assert_ne!(tokyo, utc);
    assert!(
        listed_in("JST-9").contains(&format!("3333-4444  （{tokyo} に使用）")),
        "{}",
        listed_in("JST-9")
    );
    assert!(listed_in("UTC0").contains(&format!("（{utc} に使用）")));
    let list = json(&s.ok(&["--password-file", np, "list", "--json"]));
    assert_eq!(list[0]["backup_codes_unused"], 2);
}

#[test]
fn code_for_a_uri_touches_no_vault() {
    let output = mamori()
        .args(["--vault", "/nonexistent/vault.mamori", "code", "--at", T, "--uri"])
        .arg("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA256&digits=8")
        .output()
        .unwrap();
    assert_eq!(stdout(&output), "32049486\n");
    let output = mamori()
        .args(["code", "--json", "--at", "59", "--uri"])
        .arg("otpauth://totp/RFC?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8")
        .output()
        .unwrap();
    assert_eq!(
        json(&stdout(&output)),
        json(r#"[{"issuer":"","name":"RFC","code":"94287082","remaining":1,"period":30}]"#)
    );
    let output = mamori()
        .args([
            "code",
            "--json",
            "--uri",
            "otpauth://hotp/ops?secret=JBSWY3DPEHPK3PXP&counter=5",
        ])
        .output()
        .unwrap();
    assert_eq!(
        json(&stdout(&output)),
        json(r#"[{"issuer":"","name":"ops","code":"768897","remaining":null,"period":null}]"#)
    );
}

/// A Steam Guard key (docs/formats.md §15): its 5-character code from `code --uri`, then added,
/// listed with its own type, and exported as `otpauth://steam/…` with the warning that other
/// apps may not read it; a transfer-code export names it as left out.
#[test]
fn steam_accounts_end_to_end() {
    const STEAM: &str = "otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam";
    assert_eq!(
        stdout(
            &mamori()
                .args(["code", "--at", T, "--uri", STEAM])
                .output()
                .unwrap()
        ),
        "2KM2P\n"
    );
    let s = Sandbox::plain();
    s.ok(&["add", "--uri", STEAM]);
    assert_eq!(s.ok(&["code", "steam", "--at", T]), "2KM2P\n");
    let list = json(&s.ok(&["list", "--json"]));
    assert_eq!(list[0]["type"], "steam");
    assert_eq!(
        (list[0]["digits"].as_u64(), list[0]["period"].as_u64()),
        (Some(5), Some(30))
    );
    let output = s.run(&["export", "--format", "otpauth", "--plain", "--output", "-"]);
    assert_eq!(
        stdout(&output),
        "otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam&algorithm=SHA1&digits=5&period=30\n"
    );
    assert!(
        stderr(&output).contains("otpauth://steam/"),
        "{}",
        stderr(&output)
    );
    s.ok(&["add", "--uri", VENDOR_URI]);
    let folder = s.path("transfer");
    let output = s.run(&[
        "export",
        "--format",
        "migration-qr",
        "--plain",
        "--output",
        folder.to_str().unwrap(),
    ]);
    assert!(
        stderr(&output).contains("Steam:gaben"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("Steam"), "{}", stderr(&output));
}

#[test]
fn malformed_uris_are_refused_with_the_field_named() {
    let s = Sandbox::plain();
    for (uri, message) in [
        (
            "otpauth://totp/a?secret=ABC1",
            "secret: character 4 of the key, '1', is not a Base32 letter",
        ),
        ("otpauth://totp/a?issuer=x", "secret: missing"),
        (
            "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
            "algorithm: 'MD5' is unknown",
        ),
        (
            "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&digits=12",
            "digits: 12 is out of range",
        ),
        (
            "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&period=0",
            "period: 0 seconds",
        ),
        ("https://example.com/", "not an otpauth:// key URI"),
        (
            "otpauth-migration://offline?data=AAAA",
            "Google Authenticator export",
        ),
    ] {
        let before = std::fs::read(&s.vault).unwrap();
        assert_fails(&s.run(&["add", "--uri", uri]), 1, message);
        assert_fails(&s.run(&["code", "--uri", uri]), 1, message);
        assert_eq!(
            std::fs::read(&s.vault).unwrap(),
            before,
            "vault changed by {uri}"
        );
    }
}

#[test]
fn typed_keys_with_every_option() {
    let s = Sandbox::plain();
    let output = s.run(&[
        "add",
        "--secret",
        "gezd gnbv gy3t qojq-gezd gnbv gy3t qojq",
        "--name",
        "山田",
        "--issuer",
        "サイボウズ",
        "--algorithm",
        "SHA512",
        "--digits",
        "8",
        "--period",
        "60",
        "--at",
        T,
    ]);
    assert_eq!(stdout(&output), "22560896\n", "{}", stderr(&output));
    s.ok(&[
        "add",
        "--secret",
        "JBSWY3DPEHPK3PXP",
        "--name",
        "ops",
        "--type",
        "hotp",
        "--counter",
        "5",
    ]);
    let list = json(&s.ok(&["list", "--json"]));
    assert_eq!(list[0]["algorithm"], "SHA512");
    assert_eq!(list[0]["digits"], 8);
    assert_eq!(list[0]["period"], 60);
    assert_eq!(list[1]["type"], "hotp");
    // The code shown by `add` (counter 5) is used up by the service's verify step.
    assert_eq!(list[1]["counter"], 6);
    assert_fails(
        &s.run(&[
            "add",
            "--secret",
            "JBSWY3DPEHPK3PXP",
            "--name",
            "x",
            "--digits",
            "5",
        ]),
        2,
        "5",
    );
    assert_fails(&s.run(&["add", "--name", "x"]), 2, "--secret");
    assert_fails(
        &s.run(&["add", "--secret", "JB1", "--name", "x"]),
        1,
        "character 3 of the key, '1', is not a Base32 letter",
    );
}

#[test]
fn hotp_codes_advance_and_are_saved_before_printing() {
    let s = Sandbox::plain();
    s.ok(&[
        "add",
        "--uri",
        "otpauth://hotp/ops?secret=JBSWY3DPEHPK3PXP&counter=0",
    ]);
    // add showed counter 0 (282760); the next codes are counters 1 and 2.
    assert_eq!(s.ok(&["code", "ops"]), "996554\n");
    assert_eq!(s.ok(&["code", "ops"]), "602287\n");
    let list = json(&s.ok(&["list", "--json"]));
    assert_eq!(list[0]["counter"], 3);
    // Counter bumps make no backups; the one add did.
    let backups = std::fs::read_dir(s.path("vault.mamori.backups"))
        .unwrap()
        .count();
    assert_eq!(backups, 1);
}

#[test]
fn several_matches_print_one_line_each() {
    let s = Sandbox::plain();
    s.ok(&[
        "add",
        "--uri",
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP",
    ]);
    s.ok(&[
        "add",
        "--uri",
        "otpauth://totp/Example:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    ]);
    s.ok(&[
        "add",
        "--uri",
        "otpauth://hotp/ops?secret=GAYTEMZUGU3DOOBZMFRGGZDFMYYDCMRT&counter=1",
    ]);
    assert_eq!(
        s.ok(&["code", "example", "--at", "1700000005"]),
        "Example:alice 324550 5\nExample:bob 921300 5\n"
    );
    let all = s.ok(&["code", "--at", T]);
    assert_eq!(all.lines().count(), 3);
    assert!(all.ends_with(" -\n"), "HOTP has no countdown: {all}");
    assert_fails(
        &s.run(&["code", "nothing-like-this"]),
        4,
        "no account matches 'nothing-like-this'",
    );
    assert_fails(
        &s.run(&["remove", "example", "--yes"]),
        1,
        "matches 2 accounts",
    );
    assert_fails(&s.run(&["remove", "alice"]), 2, "--yes");
    s.ok(&["remove", "alice", "--yes"]);
    s.ok(&[
        "rename",
        "bob",
        "--name",
        "robert",
        "--issuer",
        "Example Co",
    ]);
    let list = json(&s.ok(&["list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["issuer"], "Example Co");
    assert_eq!(list[0]["name"], "robert");
    assert_fails(&s.run(&["rename", "robert"]), 2, "");
    let id = list[1]["id"].as_str().unwrap();
    s.ok(&["remove", id, "--yes"]);
    assert_eq!(
        json(&s.ok(&["list", "--json"])).as_array().unwrap().len(),
        1
    );
}

#[test]
fn duplicates_are_refused_unless_asked_for() {
    let s = Sandbox::plain();
    s.ok(&["add", "--uri", VENDOR_URI]);
    let output = s.run(&[
        "add",
        "--uri",
        "otpauth://totp/Other:x?secret=abcdefghijkl2345",
    ]);
    assert_fails(
        &output,
        1,
        "already in the vault as Vendor:admin@example.com",
    );
    s.ok(&["add", "--uri", VENDOR_URI, "--allow-duplicate"]);
    assert_eq!(
        json(&s.ok(&["list", "--json"])).as_array().unwrap().len(),
        2
    );
}

#[test]
fn exit_codes_and_messages_for_missing_things() {
    let s = Sandbox::new();
    assert_fails(&s.run(&["list"]), 1, "Create one with `mamori init`");
    assert_fails(&s.run(&["init"]), 3, "--password-file");
    assert!(!s.vault.exists());
    s.ok(&["init", "--no-password"]);
    assert_fails(&s.run(&["init", "--no-password"]), 1, "never overwrites");
    assert_fails(&s.run(&["code"]), 4, "no accounts yet");
    assert_fails(&s.run(&["frobnicate"]), 2, "frobnicate");
    assert_fails(&s.run(&["--lang", "fr", "list"]), 2, "en or ja");
    let empty = s.path("empty.txt");
    std::fs::write(&empty, "\n").unwrap();
    let e = Sandbox::new();
    assert_fails(
        &e.run(&["--password-file", empty.to_str().unwrap(), "init"]),
        2,
        "empty password",
    );
    assert_fails(
        &e.run(&["--password-file", "/nonexistent/pw", "init"]),
        1,
        "cannot read the password file",
    );
}

#[test]
fn a_password_vault_without_a_password_exits_3_and_says_how() {
    let s = Sandbox::encrypted_at_floor(&[]);
    assert_fails(
        &s.run(&["list"]),
        3,
        "--password-file PATH (or MAMORI_PASSWORD_FILE)",
    );
    let output = s
        .command(&["list", "--json"])
        .env("MAMORI_PASSWORD_FILE", &s.password_file)
        .output()
        .unwrap();
    assert_eq!(stdout(&output), "[]\n");
    let vault = s.vault.clone();
    let output = mamori()
        .env("MAMORI_VAULT", &vault)
        .env("MAMORI_PASSWORD_FILE", &s.password_file)
        .args(["list", "--json"])
        .output()
        .unwrap();
    assert_eq!(stdout(&output), "[]\n", "MAMORI_VAULT picks the vault");
}

#[test]
fn messages_follow_the_locale() {
    let s = Sandbox::encrypted_at_floor(&[]);
    let wrong = s.path("wrong.txt");
    std::fs::write(&wrong, "nope").unwrap();
    let w = wrong.to_str().unwrap();
    for (env, lang_arg) in [(Some("ja_JP.UTF-8"), None), (None, Some("ja"))] {
        let mut command = s.command(&["--password-file", w, "list"]);
        if let Some(env) = env {
            command.env("LANG", env);
        }
        if let Some(lang) = lang_arg {
            command.args(["--lang", lang]);
        }
        assert_fails(
            &command.output().unwrap(),
            3,
            "パスワードが正しくありません",
        );
    }
    let output = s
        .command(&["--password-file", w, "list"])
        .env("LC_ALL", "en_US.UTF-8")
        .env("LANG", "ja_JP.UTF-8")
        .output()
        .unwrap();
    assert_fails(&output, 3, "wrong password");
    let help = s
        .command(&["--lang", "ja", "add", "--help"])
        .output()
        .unwrap();
    assert!(stdout(&help).contains("サービス名"), "{}", stdout(&help));
}

#[test]
fn restore_lists_backups_and_brings_one_back() {
    let s = Sandbox::encrypted();
    s.ok_pw(&["add", "--uri", "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP"]);
    s.ok_pw(&[
        "add",
        "--uri",
        "otpauth://totp/B:b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    ]);
    let listing = s.ok(&["restore", "--list"]);
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 2, "{listing}");
    // Each command's unlock is recorded in the activity log by a routine save (no backup):
    // init g1, unlock g2, add g3 (backup of g2), unlock g4, add g5 (backup of g4).
    assert!(
        lines[0].contains("-g4.mamori") && lines[0].contains("opens (generation 4)"),
        "{listing}"
    );
    // Damage the vault: the error names the newest backup that opens.
    let mut bytes = std::fs::read(&s.vault).unwrap();
    bytes[30] ^= 4;
    std::fs::write(&s.vault, &bytes).unwrap();
    let output = s.run_pw(&["list"]);
    assert_fails(
        &output,
        1,
        "is damaged: the header checksum does not match. It was not changed.",
    );
    assert!(
        stderr(&output).contains("-g4.mamori"),
        "{}",
        stderr(&output)
    );
    let newest = lines[0].split_whitespace().next().unwrap();
    s.ok_pw(&["restore", "--from", newest]);
    let list = json(&s.ok_pw(&["list", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["issuer"], "A");
}

#[test]
fn password_removal_needs_confirmation() {
    let s = Sandbox::encrypted();
    s.ok_pw(&["add", "--uri", VENDOR_URI]);
    assert_fails(&s.run_pw(&["passwd", "--remove"]), 2, "--yes");
    let output = s.run_pw(&["passwd", "--remove", "--yes", "--purge-backups"]);
    assert!(
        stderr(&output).contains("WITHOUT encryption"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("Deleted 2 backup(s)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        s.ok(&["code", "--at", T]),
        "524686\n",
        "no password needed any more"
    );
    let pw = s.password_file.to_str().unwrap();
    let output = s.run(&["passwd", "--new-password-file", pw]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_fails(&s.run(&["list"]), 3, "--password-file");
    assert_eq!(s.ok_pw(&["code", "--at", T]), "524686\n");
    let _ = PASSWORD;
}

#[test]
fn no_arguments_opens_the_window_and_says_why_it_cannot_without_a_display() {
    // With no arguments Mamori opens its window (docs/cli.md); with no display at all it says
    // so, points to the command line, and exits 1.
    let output = mamori()
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .env("LANG", "C")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot open the window")
            && stderr(&output).contains("mamori --help"),
        "{}",
        stderr(&output)
    );
    let help = mamori().arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(stdout(&help).contains("Usage: mamori"), "{}", stdout(&help));
    assert!(stdout(&help).contains("gui"), "{}", stdout(&help));
    let version = mamori().arg("--version").output().unwrap();
    assert_eq!(
        stdout(&version),
        format!("mamori {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn an_older_copy_of_the_vault_gets_a_warning() {
    let s = Sandbox::plain();
    s.ok(&["add", "--uri", VENDOR_URI]);
    let old = std::fs::read(&s.vault).unwrap();
    s.ok(&["rename", "vendor", "--name", "root"]);
    std::fs::write(&s.vault, &old).unwrap();
    let output = s.run(&["list"]);
    assert!(output.status.success());
    assert!(
        stderr(&output)
            .contains("older copy (generation 2); generation 3 of it was used here before"),
        "{}",
        stderr(&output)
    );
}

/// A key copied from between `secret=` and `&` with either end still attached is accepted; a
/// mistyped one is refused by position and character, and the key itself is never printed.
#[test]
fn keys_pasted_with_secret_and_ampersand_are_read_and_never_echoed() {
    let s = Sandbox::plain();
    s.ok(&[
        "add",
        "--secret",
        "secret=ABCDEFGHijkl2345&issuer=Vendor",
        "--name",
        "admin",
    ]);
    assert_eq!(
        s.ok(&["code", "admin", "--at", "1700000000"]),
        s.ok(&[
            "code",
            "--uri",
            "otpauth://totp/x?secret=ABCDEFGHIJKL2345",
            "--at",
            "1700000000"
        ])
    );
    for lang in ["en", "ja"] {
        let output = s.run(&[
            "--lang",
            lang,
            "add",
            "--secret",
            "QWERTYUI0PASDFGH",
            "--name",
            "typo",
        ]);
        assert!(!output.status.success());
        let message = stderr(&output);
        assert!(!message.contains("QWERTYUI"), "{message}");
        assert!(message.contains('9') && message.contains('0'), "{message}");
    }
}

/// Portable mode: `mamori.portable` beside the program keeps the vault and the settings in
/// `mamori-data` beside it, and nothing goes to the per-user folders (here a fake home).
#[test]
fn a_portable_copy_keeps_everything_beside_the_program() {
    let stick = tempfile::TempDir::new().unwrap();
    let home = tempfile::TempDir::new().unwrap();
    let exe = stick.path().join("mamori");
    std::fs::copy(env!("CARGO_BIN_EXE_mamori"), &exe).unwrap();
    std::fs::write(stick.path().join("mamori.portable"), b"").unwrap();
    let run = |args: &[&str]| {
        let mut command = std::process::Command::new(&exe);
        command
            .args(args)
            .env_clear()
            .env("HOME", home.path())
            .env("LANG", "C")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .stdin(std::process::Stdio::null());
        command.output().unwrap()
    };
    let output = run(&["init", "--no-password"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = run(&[
        "add",
        "--secret",
        "JBSWY3DPEHPK3PXP",
        "--name",
        "alice",
        "--issuer",
        "Example",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stick.path().join("mamori-data/data/vault.mamori").is_file());
    let output = run(&["doctor", "--json", "--time-server", "127.0.0.1:9"]);
    let report = json(&stdout(&output));
    assert_eq!(report["storage_mode"], "portable");
    assert_eq!(
        report["vault_path"].as_str().unwrap(),
        stick
            .path()
            .join("mamori-data/data/vault.mamori")
            .to_str()
            .unwrap()
    );
    let mut written = Vec::new();
    for entry in walk(home.path()) {
        written.push(entry);
    }
    assert!(written.is_empty(), "written outside the stick: {written:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        }
        found.push(path);
    }
    found
}

/// `-` reads a key or URI from standard input, so it never shows in the process list.
#[test]
fn keys_and_uris_can_come_from_standard_input() {
    use std::io::Write as _;
    let s = Sandbox::plain();
    let piped = |args: &[&str], input: &str| {
        let mut child = s
            .command(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let output = piped(
        &[
            "add", "--secret", "-", "--name", "alice", "--issuer", "Example",
        ],
        "JBSW Y3DP EHPK 3PXP\n",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(s.ok(&["code", "alice", "--at", "1700000000"]), "324550\n");
    let output = piped(
        &["add", "--uri", "-"],
        "otpauth://totp/Slack:ops?secret=GEZDGNBVGY3TQOJQ&issuer=Slack\r\n",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let output = piped(
        &["code", "--uri", "-", "--at", "1700000000"],
        "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP",
    );
    assert_eq!(stdout(&output), "324550\n");
    assert_fails(
        &piped(&["add", "--secret", "-", "--name", "x"], ""),
        2,
        "standard input held no key",
    );
}

/// An export never silently replaces a file: it refuses without --force.
#[test]
fn export_refuses_to_replace_a_file_without_force() {
    let s = Sandbox::plain();
    s.ok(&["add", "--secret", "JBSWY3DPEHPK3PXP", "--name", "alice"]);
    let target = s.path("keys.txt");
    std::fs::write(&target, b"something precious").unwrap();
    let target_arg = target.to_str().unwrap();
    assert_fails(
        &s.run(&[
            "export", "--format", "otpauth", "--plain", "--output", target_arg,
        ]),
        2,
        "add --force to replace it",
    );
    assert_eq!(std::fs::read(&target).unwrap(), b"something precious");
    s.ok(&[
        "export", "--format", "otpauth", "--plain", "--output", target_arg, "--force",
    ]);
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("JBSWY3DPEHPK3PXP")
    );
}

/// An import entry with a mistyped key is reported by position and character, never with the
/// key, in the text report and in --json.
#[test]
fn import_reports_never_echo_a_mistyped_key() {
    let s = Sandbox::plain();
    let list = s.path("list.txt");
    std::fs::write(
        &list,
        "otpauth://totp/A:a?secret=SECRETKEYABC1XYZ&issuer=A\n",
    )
    .unwrap();
    let list = list.to_str().unwrap();
    for args in [vec!["import", list], vec!["import", "--json", list]] {
        let output = s.run(&args);
        let all = format!("{}{}", stdout(&output), stderr(&output));
        assert!(!all.contains("SECRETKEY"), "{all}");
        assert!(all.contains("character 13"), "{all}");
    }
}
