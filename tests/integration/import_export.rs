//! `mamori import` and `mamori export` end to end: every fixture of tests/data/formats, the
//! Google Authenticator transfer path through QR images (`scan --add` and `import`), wrong
//! passwords, damaged files, and exports that come back.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::scan_cli::qr_png;
use crate::util::{Sandbox, assert_fails, stderr, stdout};

const T: &str = "1700000000";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/formats")
        .join(name)
}

fn list(s: &Sandbox) -> Vec<Value> {
    let out = s.ok_pw(&["list", "--json"]);
    serde_json::from_str::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn labels(s: &Sandbox) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = list(s)
        .iter()
        .map(|a| {
            (
                a["issuer"].as_str().unwrap().to_string(),
                a["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    all.sort();
    all
}

#[test]
fn every_fixture_imports_with_the_expected_codes() {
    for (file, totp, hotp) in [
        ("winauth.txt", true, true),
        ("winauth-export.zip", true, true),
        ("ente-auth-codes-2024-01-01.txt", true, true),
        ("aegis-plain.json", true, true),
        ("2fas-backup.2fas", true, true),
        ("otp_accounts.json", true, true),
        ("bitwarden_export.json", true, true),
        ("bitwarden_export.csv", true, true),
        ("freeotp-backup.json", true, true),
        ("authenticator.json", true, true),
        ("keepassxc.csv", true, false),
        ("keepass-fields.csv", true, true),
    ] {
        let s = Sandbox::plain();
        let path = fixture(file);
        let output = s.run(&["import", path.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0), "{file}: {}", stderr(&output));
        if totp {
            let code = s.ok(&["code", "山田", "--at", T]);
            assert_eq!(code, "524686\n", "{file}");
            assert!(
                labels(&s).contains(&("株式会社サンプル".into(), "山田 太郎".into())),
                "{file}: {:?}",
                labels(&s)
            );
        }
        if hotp {
            assert_eq!(s.ok(&["code", "ops-hotp"]), "768897\n", "{file}");
        }
        let expected = usize::from(totp) + usize::from(hotp);
        assert_eq!(list(&s).len(), expected, "{file}");
    }
}

#[test]
fn the_report_names_every_entry_and_dry_run_changes_nothing() {
    let s = Sandbox::plain();
    let ente = fixture("ente-auth-codes-2024-01-01.txt");
    let before = std::fs::read(&s.vault).unwrap();
    let output = s.run(&["import", ente.to_str().unwrap(), "--dry-run", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read(&s.vault).unwrap(), before);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["format"], "otpauth");
    assert_eq!(
        (&report["imported"], &report["rejected"], &report["trashed"]),
        (&Value::from(2), &Value::from(0), &Value::from(1))
    );
    let entries = report["entries"].as_array().unwrap();
    assert_eq!(entries[0]["issuer"], "株式会社サンプル");
    assert_eq!(entries[0]["name"], "山田 太郎");
    assert_eq!(entries[2]["status"], "trashed");

    let text = s.ok(&["import", ente.to_str().unwrap()]);
    assert!(
        text.contains("imported   株式会社サンプル:山田 太郎"),
        "{text}"
    );
    assert!(text.contains("to trash   Old:gone"), "{text}");
    let again = s.run(&["import", ente.to_str().unwrap()]);
    assert!(stdout(&again).contains("duplicate  Example Co:ops-hotp"));
    assert_eq!(list(&s).len(), 2);
    // The note travelled.
    let ja = s.run(&["--lang", "ja", "import", ente.to_str().unwrap()]);
    assert!(stdout(&ja).contains("重複"), "{}", stdout(&ja));
    // In Japanese the outcome column is as wide on screen as its widest word (a kana or a
    // kanji takes two terminal columns): every label starts in the same column.
    let fresh = Sandbox::plain();
    let dry = stdout(&fresh.run(&[
        "--lang",
        "ja",
        "import",
        ente.to_str().unwrap(),
        "--dry-run",
    ]));
    let lines: Vec<&str> = dry.lines().collect();
    assert_eq!(
        lines,
        [
            "インポート予定  株式会社サンプル:山田 太郎",
            "インポート予定  Example Co:ops-hotp",
            "ゴミ箱へ        Old:gone（元のアプリのゴミ箱にありました）",
        ],
        "{dry}"
    );
}

#[test]
fn google_transfer_codes_from_a_picture_via_scan_and_import() {
    // A vault of 13 accounts exported as transfer QR codes: 2 codes (10 + 3).
    let source = Sandbox::plain();
    let mut text = String::new();
    for i in 0..13 {
        text += &format!(
            "otpauth://totp/Co%20{i}:user{i}%40example.com?secret=JBSWY3DPEHPK3PX{}&issuer=Co%20{i}\n",
            (b'A' + i as u8) as char
        );
    }
    text += "otpauth://totp/Wide:sha256?secret=GEZDGNBVGY3TQOJQ&algorithm=SHA256\n";
    std::fs::write(source.path("list.txt"), text).unwrap();
    source.ok(&["import", source.path("list.txt").to_str().unwrap()]);
    let folder = source.path("codes");
    let output = source.run(&[
        "export",
        "--format",
        "migration-qr",
        "--output",
        folder.to_str().unwrap(),
        "--plain",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("Wide:sha256"),
        "{}",
        stderr(&output)
    );
    let mut pngs: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    pngs.sort();
    assert_eq!(pngs.len(), 2);

    // Both codes in one picture, as on a phone screen photographed side by side.
    let texts: Vec<String> = pngs
        .iter()
        .map(|p| {
            let image = image::open(p).unwrap().to_luma8();
            let found = mamori::scan::scan_image("x", &image);
            found.found[0].text.clone()
        })
        .collect();
    let both = qr_png(
        &source.path("both.png"),
        &[texts[0].as_str(), texts[1].as_str()],
        3,
    );

    let scanned = Sandbox::plain();
    let out = scanned.ok(&["scan", "--add", both.to_str().unwrap()]);
    assert_eq!(out.lines().count(), 13, "{out}");
    assert_eq!(list(&scanned).len(), 13);

    let imported = Sandbox::plain();
    let output = imported.run(&["import", both.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("all 2 transfer codes"),
        "{}",
        stderr(&output)
    );
    assert_eq!(labels(&imported), labels(&scanned));
    assert_eq!(
        imported.ok(&["code", "user3@", "--at", T]),
        scanned.ok(&["code", "user3@", "--at", T])
    );

    // One code alone: imported, and the missing one is named.
    let partial = Sandbox::plain();
    let output = partial.run(&["import", pngs[1].to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("codes 1 are not in this file"),
        "{}",
        stderr(&output)
    );
    assert_eq!(list(&partial).len(), 3);

    // The transfer text with a `QR-Code:` prefix.
    let text = Sandbox::plain();
    text.ok(&["import", fixture("google-migration.txt").to_str().unwrap()]);
    assert_eq!(text.ok(&["code", "alice", "--at", T]), "324550\n");
}

fn aegis_export(s: &Sandbox, password: &str) -> PathBuf {
    let pw = s.path("export-password.txt");
    std::fs::write(&pw, format!("{password}\n")).unwrap();
    let out = s.path("aegis.json");
    s.ok_pw(&[
        "export",
        "--format",
        "aegis",
        "--output",
        out.to_str().unwrap(),
        "--target-password-file",
        pw.to_str().unwrap(),
    ]);
    out
}

/// The encrypted exports and backups of other apps, made by independent implementations
/// (`tests/data/`: libsodium, Python's `cryptography` and argon2-cffi, the JDK, OpenSSL's
/// Blowfish): no password and wrong ones exit 3 and leave the vault as it was (for
/// `winauth.xml`, `wrong45` passes the Blowfish padding and fails the SHA-256 check); the right
/// one imports the TOTP, HOTP and Steam accounts with their codes (and WinAuth's Battle.net).
#[test]
fn encrypted_exports_of_other_apps() {
    let wrong: &[&str] = &["パスワード correct hors"];
    for (file, wrong, count) in [
        ("ente-auth-encrypted.txt", wrong, 3),
        ("bitwarden_encrypted_pbkdf2.json", wrong, 3),
        ("bitwarden_encrypted_argon2.json", wrong, 3),
        ("authenticator-encrypted.json", wrong, 3),
        ("authenticator-encrypted-v1.json", wrong, 3),
        ("authenticator-encrypted-v2.json", wrong, 3),
        ("stratum-backup.authpro", wrong, 3),
        ("stratum-backup-legacy.authpro", wrong, 3),
        ("freeotp2-externalBackup.xml", wrong, 3),
        ("winauth-password.xml", &["correct horse", "wrong45"], 4),
    ] {
        let s = Sandbox::plain();
        let path = fixture(file);
        let path = path.to_str().unwrap();
        let before = std::fs::read(&s.vault).unwrap();
        assert_fails(&s.run(&["import", path]), 3, "--source-password-file");
        for wrong in wrong {
            let wrong_file = s.path("wrong.txt");
            std::fs::write(&wrong_file, format!("{wrong}\n")).unwrap();
            let output = s.run(&[
                "import",
                path,
                "--source-password-file",
                wrong_file.to_str().unwrap(),
            ]);
            assert_fails(&output, 3, "wrong password");
            assert_eq!(std::fs::read(&s.vault).unwrap(), before, "{file} {wrong}");
        }
        let right = s.path("right.txt");
        std::fs::write(&right, "パスワード correct horse\n").unwrap();
        let output = s.run(&[
            "import",
            path,
            "--source-password-file",
            right.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(0), "{file}: {}", stderr(&output));
        assert_eq!(s.ok(&["code", "山田", "--at", T]), "524686\n", "{file}");
        assert_eq!(s.ok(&["code", "ops-hotp"]), "768897\n", "{file}");
        assert_eq!(s.ok(&["code", "gaben", "--at", T]), "2KM2P\n", "{file}");
        assert_eq!(list(&s).len(), count, "{file}");
        if count == 4 {
            assert_eq!(s.ok(&["code", "Battle.net", "--at", T]), "92612336\n");
        }
    }
}

/// WinAuth's ZIP export with a ZipCrypto password (made by Info-ZIP): a wrong password exits
/// 3 and changes nothing; the right one reads every `.txt` entry, a Steam line included; a
/// truncated archive is explained.
#[test]
fn winauth_zip_with_a_password() {
    let s = Sandbox::plain();
    let path = fixture("winauth-export-password.zip");
    let path = path.to_str().unwrap();
    let before = std::fs::read(&s.vault).unwrap();
    let wrong = s.path("wrong.txt");
    std::fs::write(&wrong, "winauth export 3.7\n").unwrap();
    let output = s.run(&[
        "import",
        path,
        "--source-password-file",
        wrong.to_str().unwrap(),
    ]);
    assert_fails(&output, 3, "wrong password");
    assert_eq!(std::fs::read(&s.vault).unwrap(), before);
    let truncated = s.path("cut.zip");
    let bytes = std::fs::read(path).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let output = s.run(&["import", truncated.to_str().unwrap()]);
    assert_fails(&output, 1, "truncated");
    let right = s.path("right.txt");
    std::fs::write(&right, "winauth export 3.6\n").unwrap();
    let output = s.run(&[
        "import",
        path,
        "--source-password-file",
        right.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(s.ok(&["code", "gaben", "--at", T]), "2KM2P\n");
    assert_eq!(list(&s).len(), 3);
}

#[test]
fn wrong_or_missing_source_password_exits_3_and_imports_nothing() {
    let source = Sandbox::plain();
    source.ok(&["import", fixture("aegis-plain.json").to_str().unwrap()]);
    let file = aegis_export(&source, "export pass");

    let target = Sandbox::encrypted_at_floor(&[]);
    let before = std::fs::read(&target.vault).unwrap();
    let output = target.run_pw(&["import", file.to_str().unwrap()]);
    assert_fails(&output, 3, "--source-password-file");
    let wrong = target.path("wrong.txt");
    std::fs::write(&wrong, "nope\n").unwrap();
    let output = target.run_pw(&[
        "import",
        file.to_str().unwrap(),
        "--source-password-file",
        wrong.to_str().unwrap(),
    ]);
    assert_fails(&output, 3, "wrong password");
    assert_eq!(std::fs::read(&target.vault).unwrap(), before);

    let right = target.path("right.txt");
    std::fs::write(&right, "export pass\r\n").unwrap();
    target.ok_pw(&[
        "import",
        file.to_str().unwrap(),
        "--source-password-file",
        right.to_str().unwrap(),
    ]);
    assert_eq!(target.ok_pw(&["code", "山田", "--at", T]), "524686\n");
}

#[test]
fn damaged_files_fail_cleanly_and_leave_the_vault_alone() {
    let s = Sandbox::plain();
    s.ok(&["import", fixture("winauth.txt").to_str().unwrap()]);
    let before = std::fs::read(&s.vault).unwrap();
    // A password for a format that is never encrypted (the registry's `encryptable`) is named
    // as unused rather than silently ignored.
    let password = s.path("pw.txt");
    std::fs::write(&password, "pw\n").unwrap();
    let again = s.run(&[
        "import",
        fixture("winauth.txt").to_str().unwrap(),
        "--source-password-file",
        password.to_str().unwrap(),
    ]);
    assert!(
        stderr(&again).contains("files are never encrypted"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read(&s.vault).unwrap(), before);
    let aegis = std::fs::read_to_string(fixture("aegis-plain.json")).unwrap();
    let cases: Vec<(&str, String, i32, &str)> = vec![
        (
            "truncated.json",
            aegis[..aegis.len() / 2].to_string(),
            1,
            "not in a format",
        ),
        (
            "version.json",
            aegis.replacen("\"version\": 1", "\"version\": 7", 1),
            1,
            "version 7",
        ),
        (
            "shape.json",
            r#"{"version":1,"header":{},"db":[1]}"#.into(),
            1,
            "damaged",
        ),
        (
            "twofas.2fas",
            r#"{"schemaVersion":9,"services":[]}"#.into(),
            1,
            "version 9",
        ),
        ("empty.txt", "# nothing\n".into(), 1, "not in a format"),
        ("binary.bin", "\u{0}\u{1}\u{2}".into(), 1, "not in a format"),
        (
            "pgp.txt",
            "-----BEGIN PGP MESSAGE-----\nabc\n".into(),
            1,
            "gpg -d",
        ),
    ];
    for (name, content, code, needle) in cases {
        let path = s.path(name);
        std::fs::write(&path, content).unwrap();
        let output = s.run(&["import", path.to_str().unwrap()]);
        assert_fails(&output, code, needle);
        assert_eq!(std::fs::read(&s.vault).unwrap(), before, "{name}");
    }
    // A truncated file named with --format is a damaged file of that format.
    let path = s.path("cut.json");
    std::fs::write(&path, &aegis[..aegis.len() / 2]).unwrap();
    let output = s.run(&["import", path.to_str().unwrap(), "--format", "aegis"]);
    assert_fails(&output, 1, "damaged or truncated");
    let output = s.run(&["import", path.to_str().unwrap(), "--format", "nope"]);
    assert_fails(&output, 2, "--format");
    // A file that cannot be read: the window's words too (mamori::formats::read_import_file).
    let missing = s.path("missing.json");
    let output = s.run(&["import", missing.to_str().unwrap()]);
    assert_fails(&output, 1, &format!("Cannot read {}", missing.display()));
    // A small andOTP-like binary asks for a password, and a wrong one changes nothing.
    let path = s.path("otp_accounts.json.aes");
    std::fs::write(
        &path,
        [0u8, 2, 34, 16]
            .iter()
            .chain([7u8; 60].iter())
            .copied()
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let output = s.run(&["import", path.to_str().unwrap()]);
    assert_fails(&output, 3, "encrypted");
    assert_eq!(std::fs::read(&s.vault).unwrap(), before);
}

#[test]
fn exports_come_back_through_the_matching_importers() {
    let s = Sandbox::encrypted();
    for file in ["winauth.txt", "keepass-fields.csv"] {
        s.ok_pw(&["import", fixture(file).to_str().unwrap()]);
    }
    let want = labels(&s);
    assert_eq!(want.len(), 2);

    // Plain formats need --plain.
    let out = s.path("list.txt");
    let output = s.run_pw(&[
        "export",
        "--format",
        "otpauth",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_fails(&output, 2, "--plain");
    assert!(!out.exists());
    s.ok_pw(&[
        "export",
        "--format",
        "otpauth",
        "--output",
        out.to_str().unwrap(),
        "--plain",
    ]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let stdout_export = s.ok_pw(&["export", "--format", "otpauth", "--output", "-", "--plain"]);
    assert_eq!(stdout_export, std::fs::read_to_string(&out).unwrap());

    let plain_aegis = s.path("plain-aegis.json");
    s.ok_pw(&[
        "export",
        "--format",
        "aegis",
        "--plain",
        "--output",
        plain_aegis.to_str().unwrap(),
    ]);
    let encrypted_aegis = aegis_export(&s, "another password");
    let qr_folder = s.path("qr");
    s.ok_pw(&[
        "export",
        "--format",
        "qr",
        "--plain",
        "--output",
        qr_folder.to_str().unwrap(),
    ]);

    let pw = s.path("aegis-pw.txt");
    for (file, source_pw) in [
        (out.clone(), None),
        (plain_aegis, None),
        (encrypted_aegis, Some(pw.clone())),
        (qr_folder.join("01-株式会社サンプル_山田_太郎.png"), None),
        (qr_folder.join("02-Example_Co_ops-hotp.png"), None),
    ] {
        let fresh = Sandbox::plain();
        let mut args = vec!["import", file.to_str().unwrap()];
        let pw_str;
        if let Some(p) = &source_pw {
            std::fs::write(p, "another password\n").unwrap();
            pw_str = p.to_str().unwrap().to_string();
            args.extend(["--source-password-file", pw_str.as_str()]);
        }
        let output = fresh.run(&args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{file:?}: {}",
            stderr(&output)
        );
        let name = file.to_string_lossy().into_owned();
        if !name.contains("01-") {
            assert_eq!(fresh.ok(&["code", "ops-hotp"]), "768897\n", "{file:?}");
        }
        if !name.contains("02-") {
            assert_eq!(
                fresh.ok(&["code", "山田", "--at", T]),
                "524686\n",
                "{file:?}"
            );
        }
        if !name.ends_with(".png") {
            assert_eq!(labels(&fresh), want, "{file:?}");
        }
    }

    // Mamori's own backup: a vault under the chosen password, with ids and notes.
    let copy = s.path("copy.mamori");
    let tp = s.path("target.txt");
    std::fs::write(&tp, "copy password\n").unwrap();
    let output = s.run_pw(&[
        "export",
        "--format",
        "mamori",
        "--output",
        copy.to_str().unwrap(),
        "--target-password-file",
        tp.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let original = s.ok_pw(&["list", "--json"]);
    let mut reader = crate::util::mamori();
    let output = reader
        .arg("--vault")
        .arg(&copy)
        .arg("--password-file")
        .arg(&tp)
        .args(["list", "--json"])
        .env("MAMORI_CONFIG_DIR", s.path("config2"))
        .output()
        .unwrap();
    assert_eq!(stdout(&output), original, "{}", stderr(&output));
    let mut wrong = crate::util::mamori();
    let output = wrong
        .arg("--vault")
        .arg(&copy)
        .arg("--password-file")
        .arg(&s.password_file)
        .args(["list"])
        .env("MAMORI_CONFIG_DIR", s.path("config2"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
}

/// Crafted files are refused with the limit named, before any key derivation or password
/// prompt, and leave the vault alone; a file at the entry limit imports whole
/// (benches/hostile-imports.sh measures time and memory on the release binary).
#[test]
fn files_beyond_the_import_limits_are_refused_with_the_limit_named() {
    let source = Sandbox::plain();
    source.ok(&["import", fixture("aegis-plain.json").to_str().unwrap()]);
    let exported = aegis_export(&source, "export pass");
    let mut aegis: Value = serde_json::from_slice(&std::fs::read(&exported).unwrap()).unwrap();
    let slot = aegis["header"]["slots"][0].clone();
    aegis["header"]["slots"] = Value::Array(vec![slot; 9]);

    let s = Sandbox::plain();
    let before = std::fs::read(&s.vault).unwrap();
    let slots = s.path("nine-slots.json");
    std::fs::write(&slots, serde_json::to_vec(&aegis).unwrap()).unwrap();
    // Exit 1, not 3: refused before a password is asked for.
    let output = s.run(&["import", slots.to_str().unwrap()]);
    assert_fails(&output, 1, "9 password slots; at most 8 are tried");
    let output = s.run(&["--lang", "ja", "import", slots.to_str().unwrap()]);
    assert_fails(&output, 1, "鍵導出");

    let uris = |count: usize| -> String {
        (0..count)
            .map(|i| {
                // A distinct 80-bit key per account: the index's digits as the letters A-J.
                let digits: String = format!("{i:08}")
                    .bytes()
                    .map(|d| char::from(b'A' + (d - b'0')))
                    .collect();
                let key = format!("MAMORIAA{digits}");
                format!("otpauth://totp/Limit:user{i}?secret={key}&issuer=Limit\n")
            })
            .collect()
    };
    let over = s.path("over.txt");
    std::fs::write(&over, uris(10_001)).unwrap();
    let output = s.run(&["import", over.to_str().unwrap()]);
    assert_fails(&output, 1, "more than 10000 entries");
    let output = s.run(&["--lang", "ja", "import", over.to_str().unwrap()]);
    assert_fails(&output, 1, "10000 件を超える項目");

    let numbers = s.path("numbers.json");
    std::fs::write(&numbers, format!("[{}]", vec!["0"; 500_001].join(","))).unwrap();
    let output = s.run(&["import", numbers.to_str().unwrap()]);
    assert_fails(&output, 1, "more than 500000 JSON values");
    assert_eq!(std::fs::read(&s.vault).unwrap(), before);

    let at_limit = s.path("at-limit.txt");
    std::fs::write(&at_limit, uris(10_000)).unwrap();
    let output = s.run(&["import", at_limit.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("imported 10000, skipped 0"),
        "{}",
        stderr(&output)
    );
    assert_eq!(list(&s).len(), 10_000);
}
