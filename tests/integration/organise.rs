//! Tags, pins, icons and the trash through the real binary: `tag`, `pin`, `trash`, `remove`
//! into the trash, `list` order and filters, and the organisation other apps' files carry
//! (Aegis groups, favourites and icons; 2FAS groups; andOTP tags; Ente tags, pins and bin)
//! surviving an import and, for Aegis, the way back out.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{Sandbox, assert_fails, stderr, stdout};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/formats")
        .join(name)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn list(s: &Sandbox, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["list", "--json"];
    all.extend_from_slice(args);
    json(&s.ok(&all)).as_array().unwrap().clone()
}

fn names(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

fn add(s: &Sandbox, issuer: &str, name: &str, key: &str) {
    s.ok(&["add", "--secret", key, "--issuer", issuer, "--name", name]);
}

#[test]
fn tags_and_pins_sort_and_filter_the_list_and_bad_tags_change_nothing() {
    let s = Sandbox::plain();
    add(&s, "GitHub", "alice", "JBSWY3DPEHPK3PXP");
    add(&s, "Slack", "bob", "GEZDGNBVGY3TQOJQGEZDGNBV");
    add(&s, "Okta", "carol", "MFRGGZDFMZTWQ2LKNNWG23TP");
    let said = s.run(&["tag", "slack", "--add", "Work", "admin", "work"]);
    assert!(
        stderr(&said).contains("Tags of Slack:bob: Work, admin"),
        "{}",
        stderr(&said)
    );
    s.ok(&["tag", "okta", "--add", "work"]);
    s.ok(&["pin", "okta"]);
    let rows = list(&s, &[]);
    assert_eq!(names(&rows), ["carol", "alice", "bob"], "pinned first");
    assert_eq!(rows[0]["pinned"], true);
    assert_eq!(rows[1]["pinned"], false);
    assert_eq!(rows[2]["tags"], serde_json::json!(["Work", "admin"]));
    assert_eq!(rows[1]["tags"], serde_json::json!([]));
    // A query matches tags too; --tag is an exact tag (any case).
    assert_eq!(names(&list(&s, &["WORK"])), ["carol", "bob"]);
    assert_eq!(names(&list(&s, &["--tag", "Admin"])), ["bob"]);
    assert_fails(&s.run(&["list", "--tag", "adm"]), 4, "adm");
    let text = s.ok(&["list"]);
    assert!(
        text.lines().next().unwrap().contains("pinned  tags:work"),
        "{text}"
    );

    let before = std::fs::read(&s.vault).unwrap();
    assert_fails(&s.run(&["tag", "bob", "--add", " "]), 2, "cannot be empty");
    let long = "x".repeat(65);
    assert_fails(&s.run(&["tag", "bob", "--add", &long]), 2, "at most 64");
    assert_fails(&s.run(&["tag", "bob"]), 2, "--add");
    assert_fails(
        &s.run(&["--lang", "ja", "tag", "bob", "--add", ""]),
        2,
        "タグ",
    );
    assert_eq!(std::fs::read(&s.vault).unwrap(), before, "nothing written");

    s.ok(&["tag", "bob", "--remove", "WORK", "admin"]);
    assert_eq!(list(&s, &["bob"])[0]["tags"], serde_json::json!([]));
    let said = s.run(&["--lang", "ja", "pin", "okta", "--off"]);
    assert!(
        stderr(&said).contains("ピン留めを外しました"),
        "{}",
        stderr(&said)
    );
    assert_eq!(names(&list(&s, &[])), ["alice", "bob", "carol"]);
}

#[test]
fn remove_moves_to_the_trash_which_codes_and_exports_ignore_until_restored() {
    let s = Sandbox::plain();
    add(&s, "GitHub", "alice", "JBSWY3DPEHPK3PXP");
    add(&s, "Slack", "bob", "GEZDGNBVGY3TQOJQGEZDGNBV");
    s.ok(&["tag", "alice", "--add", "work"]);
    let said = s.run(&["remove", "alice", "--yes"]);
    assert!(stderr(&said).contains("trash"), "{}", stderr(&said));
    assert_eq!(names(&list(&s, &[])), ["bob"]);
    assert_fails(&s.run(&["code", "alice"]), 4, "alice");
    assert_eq!(s.ok(&["code", "--at", "1700000000"]).lines().count(), 1);
    let out = s.path("export.txt");
    s.ok(&[
        "export",
        "--format",
        "otpauth",
        "--output",
        out.to_str().unwrap(),
        "--plain",
    ]);
    let exported = std::fs::read_to_string(&out).unwrap();
    assert!(!exported.contains("alice"), "{exported}");

    let trash = json(&s.ok(&["trash", "--json"]));
    assert_eq!(trash.as_array().unwrap().len(), 1);
    assert_eq!(trash[0]["name"], "alice");
    let text = s.ok(&["trash"]);
    assert!(text.contains("GitHub:alice  deleted "), "{text}");
    assert!(text.contains("purged after "), "{text}");
    assert_fails(&s.run(&["trash", "--restore", "nobody"]), 4, "nobody");

    let said = s.run(&["trash", "--restore", "alice"]);
    assert!(
        stderr(&said).contains("Restored GitHub:alice"),
        "{}",
        stderr(&said)
    );
    let rows = list(&s, &["alice"]);
    assert_eq!(
        rows[0]["tags"],
        serde_json::json!(["work"]),
        "comes back whole"
    );
    assert_eq!(s.ok(&["code", "alice", "--at", "1700000000"]), "324550\n");
    assert!(s.ok(&["trash"]).is_empty());

    s.ok(&["remove", "alice", "--yes"]);
    s.ok(&["remove", "bob", "--yes"]);
    assert_fails(&s.run(&["trash", "--empty"]), 2, "--yes");
    let said = s.run(&["--lang", "ja", "trash", "--empty", "--yes"]);
    assert!(
        stderr(&said).contains("2 件を完全に削除"),
        "{}",
        stderr(&said)
    );
    assert_eq!(json(&s.ok(&["trash", "--json"])), serde_json::json!([]));
    assert!(list(&s, &[]).is_empty());
}

#[test]
fn the_trash_of_a_password_vault_is_encrypted_with_it() {
    let s = Sandbox::encrypted_at_floor(&[
        "otpauth://totp/Binned:zebra-account?secret=JBSWY3DPEHPK3PXP&issuer=Binned",
    ]);
    s.ok_pw(&["remove", "zebra", "--yes"]);
    assert_eq!(list_pw(&s, "trash").len(), 1);
    let bytes = std::fs::read(&s.vault).unwrap();
    for needle in [&b"zebra-account"[..], b"Binned", b"JBSWY3DP", b"trashed_at"] {
        assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    }
}

fn list_pw(s: &Sandbox, command: &str) -> Vec<Value> {
    json(&s.ok_pw(&[command, "--json"]))
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn aegis_groups_favourites_and_icons_survive_import_and_export_and_import_again() {
    let s = Sandbox::plain();
    let output = s.run(&["import", fixture("aegis-organised.json").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows = list(&s, &[]);
    assert_eq!(
        names(&rows),
        ["山田 太郎", "ops-hotp"],
        "the favourite first"
    );
    assert_eq!(rows[0]["pinned"], true);
    assert_eq!(rows[0]["tags"], serde_json::json!(["Work", "管理者"]));
    // The unknown group UUID is ignored.
    assert_eq!(rows[1]["tags"], serde_json::json!(["管理者"]));
    assert_eq!(names(&list(&s, &["--tag", "管理者"])).len(), 2);

    let out = s.path("aegis.json");
    s.ok(&[
        "export",
        "--format",
        "aegis",
        "--output",
        out.to_str().unwrap(),
        "--plain",
    ]);
    let aegis = json(&std::fs::read_to_string(&out).unwrap());
    let db = &aegis["db"];
    let groups = db["groups"].as_array().unwrap();
    let group_names: Vec<&str> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(group_names, ["Work", "管理者"]);
    let uuid_of = |name: &str| {
        groups.iter().find(|g| g["name"] == name).unwrap()["uuid"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let yamada = &db["entries"][0];
    assert_eq!(yamada["favorite"], true);
    assert_eq!(
        yamada["groups"],
        serde_json::json!([uuid_of("Work"), uuid_of("管理者")])
    );
    assert_eq!(yamada["icon_mime"], "image/png");
    // The PNG icon was kept (as a 64×64 PNG); the SVG one was left out.
    let icon = data_encoding::BASE64
        .decode(yamada["icon"].as_str().unwrap().as_bytes())
        .unwrap();
    assert!(icon.starts_with(b"\x89PNG"));
    assert_eq!(&icon[16..24], &[0, 0, 0, 64, 0, 0, 0, 64], "IHDR 64×64");
    assert_eq!(db["entries"][1]["icon"], Value::Null);
    assert_eq!(db["entries"][1]["favorite"], false);

    // And back into a new vault: the same organisation.
    let again = Sandbox::plain();
    again.ok(&["import", out.to_str().unwrap()]);
    let back = list(&again, &[]);
    assert_eq!(names(&back), ["山田 太郎", "ops-hotp"]);
    assert_eq!(back[0]["tags"], rows[0]["tags"]);
    assert_eq!(back[1]["tags"], rows[1]["tags"]);
    assert_eq!(back[0]["pinned"], true);
}

#[test]
fn twofas_groups_andotp_tags_and_ente_tags_pins_and_bin_are_kept() {
    let s = Sandbox::plain();
    s.ok(&["import", fixture("2fas-groups.2fas").to_str().unwrap()]);
    let rows = list(&s, &[]);
    assert_eq!(rows[0]["name"], "山田 太郎");
    assert_eq!(rows[0]["tags"], serde_json::json!(["Work"]));
    assert_eq!(rows[1]["tags"], serde_json::json!([]));

    let s = Sandbox::plain();
    s.ok(&[
        "import",
        fixture("otp_accounts-tags.json").to_str().unwrap(),
    ]);
    let rows = list(&s, &[]);
    assert_eq!(rows[0]["tags"], serde_json::json!(["Work", "管理者"]));
    assert_eq!(rows[1]["tags"], serde_json::json!(["管理者"]));

    let s = Sandbox::plain();
    let ente = fixture("ente-auth-codes-organised.txt");
    let output = s.run(&["import", ente.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("to trash   Example Co:ops-hotp"),
        "{}",
        stdout(&output)
    );
    let rows = list(&s, &[]);
    assert_eq!(names(&rows), ["山田 太郎"]);
    assert_eq!(rows[0]["pinned"], true);
    assert_eq!(rows[0]["tags"], serde_json::json!(["Work", "管理者"]));
    let trash = json(&s.ok(&["trash", "--json"]));
    assert_eq!(trash[0]["name"], "ops-hotp");
    // Importing the same file again adds nothing, to the list or the trash.
    let again = s.run(&["import", ente.to_str().unwrap(), "--json"]);
    let report = json(&stdout(&again));
    assert_eq!(
        (&report["imported"], &report["trashed"]),
        (&0.into(), &0.into())
    );
    assert_eq!(
        json(&s.ok(&["trash", "--json"])).as_array().unwrap().len(),
        1
    );
    s.ok(&["trash", "--restore", "ops"]);
    assert_eq!(s.ok(&["code", "ops-hotp"]), "768897\n");
}

/// `export --tag` and `--account` (docs/cli.md): each repeatable (any of them), both together
/// narrow (an account must match both); nothing selected exits 4 and writes nothing. Every
/// format takes the same selection.
#[test]
fn export_writes_the_selection_and_nothing_selected_exits_4() {
    let s = Sandbox::plain();
    add(&s, "GitHub", "alice", "JBSWY3DPEHPK3PXP");
    add(&s, "Slack", "bob", "GEZDGNBVGY3TQOJQGEZDGNBV");
    add(&s, "Okta", "carol", "MFRGGZDFMZTWQ2LKNNWG23TP");
    s.ok(&["tag", "slack", "--add", "Work"]);
    s.ok(&["tag", "okta", "--add", "work", "admin"]);
    let export = |args: &[&str]| {
        let mut all = vec!["export", "--format", "otpauth", "--output", "-", "--plain"];
        all.extend_from_slice(args);
        let text = s.ok(&all);
        text.lines()
            .map(|l| {
                let label = l.split('?').next().unwrap();
                label.rsplit(':').next().unwrap().to_string()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(export(&[]), ["alice", "bob", "carol"]);
    assert_eq!(export(&["--tag", "WORK"]), ["bob", "carol"], "any case");
    assert_eq!(export(&["--tag", "admin", "--tag", "nothing"]), ["carol"]);
    assert_eq!(export(&["--account", "git"]), ["alice"], "as list QUERY");
    assert_eq!(
        export(&["--account", "alice", "--account", "bob"]),
        ["alice", "bob"]
    );
    // --account matches tags as `list QUERY` does; with --tag, both must hold.
    assert_eq!(export(&["--account", "admin"]), ["carol"]);
    assert_eq!(export(&["--tag", "work", "--account", "bob"]), ["bob"]);

    // Every format writes the same selection.
    let aegis = s.path("aegis.json");
    s.ok(&[
        "export",
        "--format",
        "aegis",
        "--plain",
        "--tag",
        "work",
        "--output",
        aegis.to_str().unwrap(),
    ]);
    let db = json(&std::fs::read_to_string(&aegis).unwrap());
    assert_eq!(db["db"]["entries"].as_array().unwrap().len(), 2);
    let copy = s.path("copy.mamori");
    let pw = s.path("pw.txt");
    std::fs::write(&pw, "correct horse battery\n").unwrap();
    let said = s.run(&[
        "export",
        "--format",
        "mamori",
        "--account",
        "alice",
        "--output",
        copy.to_str().unwrap(),
        "--target-password-file",
        pw.to_str().unwrap(),
    ]);
    assert!(stderr(&said).contains("1 account"), "{}", stderr(&said));
    let qr = s.path("qr");
    s.ok(&[
        "export",
        "--format",
        "qr",
        "--plain",
        "--tag",
        "admin",
        "--output",
        qr.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read_dir(&qr).unwrap().count(), 1);

    // Nothing selected: exit 4, nothing written, in either language.
    let none = s.path("none.txt");
    for args in [
        vec!["--tag", "nobody"],
        vec!["--account", "nobody"],
        vec!["--tag", "admin", "--account", "bob"],
    ] {
        let mut all = vec![
            "export",
            "--format",
            "otpauth",
            "--plain",
            "--output",
            none.to_str().unwrap(),
        ];
        all.extend_from_slice(&args);
        assert_fails(&s.run(&all), 4, "--tag");
        assert!(!none.exists(), "{args:?}");
    }
    let mut ja = vec!["--lang", "ja", "export", "--format", "otpauth", "--plain"];
    ja.extend_from_slice(&["--output", none.to_str().unwrap(), "--tag", "x"]);
    assert_fails(&s.run(&ja), 4, "一致するアカウントがありません");
    assert!(!none.exists());
}

/// Mamori → `otpauth` list → Mamori keeps tags and pins: they ride in Ente Auth's `codeDisplay`
/// parameter (docs/formats.md §9), which Ente and Mamori read and other apps ignore.
#[test]
fn tags_and_pins_survive_an_otpauth_list_round_trip() {
    let s = Sandbox::plain();
    add(&s, "GitHub", "alice", "JBSWY3DPEHPK3PXP");
    add(&s, "Slack", "bob", "GEZDGNBVGY3TQOJQGEZDGNBV");
    add(&s, "Okta", "carol", "MFRGGZDFMZTWQ2LKNNWG23TP");
    s.ok(&["tag", "slack", "--add", "仕事", "a,b & c"]);
    s.ok(&["pin", "okta"]);
    let out = s.path("uris.txt");
    s.ok(&[
        "export",
        "--format",
        "otpauth",
        "--plain",
        "--output",
        out.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("otpauth://totp/GitHub:alice?") && !lines[0].contains("codeDisplay"),
        "no organisation, no parameter: {text}"
    );
    assert!(
        lines[1].contains(
            "&codeDisplay=%7B%22pinned%22%3Afalse%2C%22trashed%22%3Afalse%2C%22tags%22%3A%5B\
             %22%E4%BB%95%E4%BA%8B%22%2C%22a%2Cb%20%26%20c%22%5D%7D"
        ),
        "{text}"
    );
    assert!(lines[2].contains("%22pinned%22%3Atrue"), "{text}");

    let again = Sandbox::plain();
    again.ok(&["import", out.to_str().unwrap()]);
    let rows = list(&again, &[]);
    assert_eq!(names(&rows), ["carol", "alice", "bob"]);
    assert_eq!(rows[0]["pinned"], true);
    assert_eq!(rows[2]["tags"], serde_json::json!(["仕事", "a,b & c"]));
    assert_eq!(rows[1]["tags"], serde_json::json!([]));
    assert_eq!(
        again.ok(&["code", "bob", "--at", "1700000000"]),
        s.ok(&["code", "bob", "--at", "1700000000"])
    );
}

/// Bitwarden folders (and an organisation export's collections) become tags, favourites pinned
/// accounts (docs/formats.md §8): the JSON, the CSV and the password-protected JSON made by
/// `tests/data/make-encrypted-exports.py`.
#[test]
fn bitwarden_folders_and_favourites_become_tags_and_pins() {
    for (file, second_tag) in [
        ("bitwarden_export.json", "Ops"),
        ("bitwarden_export.csv", "Ops"),
        ("bitwarden_encrypted_pbkdf2.json", ""),
    ] {
        let s = Sandbox::plain();
        let pw = s.path("pw.txt");
        std::fs::write(&pw, "パスワード correct horse\n").unwrap();
        let path = fixture(file);
        let mut args = vec!["import", path.to_str().unwrap()];
        if file.contains("encrypted") {
            args.extend_from_slice(&["--source-password-file", pw.to_str().unwrap()]);
        }
        let output = s.run(&args);
        assert_eq!(output.status.code(), Some(0), "{file}: {}", stderr(&output));
        let rows = list(&s, &[]);
        assert_eq!(rows[0]["name"], "山田 太郎", "{file}: the favourite first");
        assert_eq!(rows[0]["pinned"], true, "{file}");
        assert_eq!(rows[0]["tags"], serde_json::json!(["仕事"]), "{file}");
        let hotp = rows.iter().find(|r| r["name"] == "ops-hotp").unwrap();
        assert_eq!(hotp["pinned"], false, "{file}");
        if second_tag.is_empty() {
            assert_eq!(hotp["tags"], serde_json::json!([]), "{file}");
            let steam = rows.iter().find(|r| r["name"] == "gaben").unwrap();
            assert_eq!(steam["tags"], serde_json::json!(["Games"]), "{file}");
        } else {
            assert_eq!(hotp["tags"], serde_json::json!([second_tag]), "{file}");
        }
    }
}
