//! Damaged, truncated, future-version and wrong-password vaults through the real binary:
//! each refused with a clear error and the right exit code, no panic, the file unchanged.

use std::path::Path;
use std::process::Output;

use crate::util::{Sandbox, assert_fails, mamori, stderr};

/// Runs `mamori list` on `bytes` written to a fresh file; returns the output and whether the
/// file was left exactly as written.
fn list_file(dir: &Path, name: &str, bytes: &[u8], password_file: Option<&Path>) -> (Output, bool) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let mut command = mamori();
    command.arg("--vault").arg(&path);
    if let Some(pw) = password_file {
        command.arg("--password-file").arg(pw);
    }
    let output = command.arg("list").output().unwrap();
    let unchanged = std::fs::read(&path).unwrap() == bytes;
    std::fs::remove_file(&path).unwrap();
    (output, unchanged)
}

/// Splits `0..n` over two threads (the machine has two cores).
fn in_parallel(n: usize, check: impl Fn(usize) + Sync) {
    std::thread::scope(|scope| {
        let check = &check;
        for half in 0..2 {
            scope.spawn(move || (half..n).step_by(2).for_each(check));
        }
    });
}

#[test]
fn wrong_password_exits_3_and_leaves_the_file_byte_for_byte() {
    // At the floor cost, so each wrong password costs a quarter of the default's Argon2id run.
    let s = Sandbox::encrypted_at_floor(&["otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP"]);
    let before = std::fs::read(&s.vault).unwrap();
    let wrong = s.path("wrong.txt");
    std::fs::write(&wrong, "correct horse battery stapl").unwrap();
    for args in [
        vec!["list"],
        vec!["code"],
        vec!["add", "--uri", "otpauth://totp/B:b?secret=JBSWY3DPEHPK3PXP"],
        vec!["remove", "a", "--yes"],
        vec!["passwd", "--remove", "--yes"],
    ] {
        let mut all = vec!["--password-file", wrong.to_str().unwrap()];
        all.extend(args);
        assert_fails(&s.run(&all), 3, "wrong password");
        assert_eq!(std::fs::read(&s.vault).unwrap(), before);
    }
}

/// Every single-bit flip of a small vault: refused (exit 1, never 0, never "wrong password"),
/// no panic, the file not rewritten.
#[test]
fn every_bit_flip_of_a_small_vault_is_refused() {
    let s = Sandbox::plain();
    let bytes = std::fs::read(&s.vault).unwrap();
    assert!(bytes.len() < 600, "a small vault: {} bytes", bytes.len());
    in_parallel(bytes.len() * 8, |bit| {
        let mut flipped = bytes.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let (output, unchanged) =
            list_file(s.dir.path(), &format!("flip{bit}.mamori"), &flipped, None);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "bit {bit}: {err}");
        assert!(unchanged, "bit {bit} rewrote the file");
        assert!(
            !err.contains("panicked") && !err.contains("wrong password"),
            "bit {bit}: {err}"
        );
        assert!(
            [
                "damaged",
                "not a Mamori vault",
                "newer Mamori",
                "safe range"
            ]
            .iter()
            .any(|w| err.contains(w)),
            "bit {bit}: {err}"
        );
    });
}

/// Header flips of an encrypted vault say "damaged", never "wrong password", before any
/// password is tried; payload flips say the data is damaged after the right password.
#[test]
fn bit_flips_of_an_encrypted_vault_are_damage_not_wrong_passwords() {
    let s = Sandbox::encrypted_at_floor(&[]);
    let bytes = std::fs::read(&s.vault).unwrap();
    let header_end = 48 + u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    in_parallel(header_end * 8, |bit| {
        let mut flipped = bytes.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let (output, unchanged) = list_file(
            s.dir.path(),
            &format!("flip{bit}.mamori"),
            &flipped,
            Some(&s.password_file),
        );
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "bit {bit}: {err}");
        assert!(
            unchanged && !err.contains("wrong password") && !err.contains("panicked"),
            "bit {bit}: {err}"
        );
    });
    // Each payload flip costs one Argon2id run (at the floor cost: the vault is never opened
    // successfully, so never upgraded): sample 8 bits spread over the payload.
    for i in 0..8 {
        let bit = header_end * 8 + i * (bytes.len() - header_end) * 8 / 8 + 3;
        let mut flipped = bytes.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let (output, unchanged) = list_file(
            s.dir.path(),
            "payload.mamori",
            &flipped,
            Some(&s.password_file),
        );
        assert!(unchanged);
        assert_fails(&output, 1, "the password is right but the data is damaged");
    }
}

#[test]
fn truncation_at_every_length_is_refused() {
    let s = Sandbox::plain();
    s.ok(&["add", "--uri", "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP"]);
    let bytes = std::fs::read(&s.vault).unwrap();
    in_parallel(bytes.len(), |len| {
        let (output, unchanged) = list_file(
            s.dir.path(),
            &format!("cut{len}.mamori"),
            &bytes[..len],
            None,
        );
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "length {len}: {err}");
        assert!(
            unchanged && !err.contains("panicked"),
            "length {len}: {err}"
        );
        let expected = if len < 48 {
            "not a Mamori vault"
        } else {
            "damaged"
        };
        assert!(err.contains(expected), "length {len}: {err}");
    });
}

#[test]
fn a_vault_from_a_future_major_version_is_refused_untouched() {
    let s = Sandbox::plain();
    let mut bytes = std::fs::read(&s.vault).unwrap();
    bytes[8] = 2;
    std::fs::write(&s.vault, &bytes).unwrap();
    for args in [
        vec!["list"],
        vec!["add", "--uri", "otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP"],
    ] {
        let output = s.run(&args);
        assert_fails(
            &output,
            1,
            "made by a newer Mamori (format 2); update Mamori. The file was not changed.",
        );
        assert_eq!(std::fs::read(&s.vault).unwrap(), bytes);
    }
}

#[test]
fn files_that_are_not_vaults() {
    let s = Sandbox::new();
    for (name, bytes) in [
        ("empty.mamori", &b""[..]),
        ("text.mamori", b"otpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n"),
        ("crlf.mamori", b"\x89MAMORI\r\n\x01\x00\x00\x00"),
    ] {
        let (output, unchanged) = list_file(s.dir.path(), name, bytes, None);
        assert!(unchanged);
        assert_fails(&output, 1, "is not a Mamori vault");
    }
    let folder = s.path("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let output = mamori()
        .arg("--vault")
        .arg(&folder)
        .arg("list")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("could not read"),
        "{}",
        stderr(&output)
    );
}
