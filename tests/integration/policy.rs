//! The managed policy on Linux end to end: the real binary reads `/etc/mamori/policy.json`,
//! enforces each key it covers on the command line, and `doctor` reports it. The real `/etc`
//! is never written: each run happens in a private mount namespace (`unshare -m`, root only)
//! where an overlay puts the test's `mamori/policy.json` over `/etc`. Nothing a user could do
//! points Mamori at another policy file; without root the tests say so and pass without
//! checking (the unit tests in `src/policy/` still cover the rules).

use std::os::unix::fs::PermissionsExt as _;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::util::{Sandbox, assert_fails, stderr, stdout};

const FULL_POLICY: &str = r#"{
  "require_password": true, "min_password_length": 12, "allow_plain_export": false,
  "time_servers": ["127.0.0.1:9", "127.0.0.1:10"], "max_idle_lock_minutes": 5
}"#;

/// A policy file in an overlay of `/etc`, and runs of the binary that see it.
struct Etc {
    dir: tempfile::TempDir,
}

impl Etc {
    /// `/etc/mamori/policy.json` with `text` and `mode`; `None` when this machine cannot make
    /// a private mount namespace (not root, no overlayfs).
    fn with_policy(text: &str, mode: u32) -> Option<Etc> {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("upper/mamori");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::create_dir_all(dir.path().join("work")).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        let file = folder.join("policy.json");
        std::fs::write(&file, text).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        let etc = Etc { dir };
        let probe = etc
            .wrap(Command::new("test"))
            .args(["-f", "/etc/mamori/policy.json"])
            .output();
        match probe {
            Ok(output) if output.status.success() => Some(etc),
            Ok(output) => {
                eprintln!(
                    "SKIP: no private mount namespace with an overlay of /etc here ({})",
                    stderr(&output).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("SKIP: unshare cannot run here ({e})");
                None
            }
        }
    }

    fn policy_file(&self) -> std::path::PathBuf {
        self.dir.path().join("upper/mamori/policy.json")
    }

    /// `command` run by `unshare -m` after the overlay is mounted over `/etc`.
    fn wrap(&self, command: Command) -> Command {
        let root = self.dir.path();
        let script = format!(
            "mount -t overlay overlay -o lowerdir=/etc,upperdir={up},workdir={work} /etc && exec \"$@\"",
            up = root.join("upper").display(),
            work = root.join("work").display(),
        );
        let mut wrapped = Command::new("unshare");
        wrapped.args(["-m", "sh", "-c", &script, "sh"]);
        wrapped.arg(command.get_program()).args(command.get_args());
        for (key, value) in command.get_envs() {
            match value {
                Some(value) => wrapped.env(key, value),
                None => wrapped.env_remove(key),
            };
        }
        wrapped.stdin(Stdio::null());
        wrapped
    }

    /// `mamori ARGS` in the sandbox, under this policy.
    fn run(&self, sandbox: &Sandbox, args: &[&str]) -> Output {
        let mut command = sandbox.command(args);
        command.env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
        self.wrap(command).output().unwrap()
    }

    /// [`Etc::run`] with the sandbox's password file.
    fn run_pw(&self, sandbox: &Sandbox, args: &[&str]) -> Output {
        let pw = sandbox.password_file.to_str().unwrap();
        self.run(sandbox, &[&["--password-file", pw], args].concat())
    }
}

fn doctor_report(output: &Output) -> Value {
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(output), stderr(output)))
}

#[test]
fn a_root_owned_policy_forces_a_password_and_forbids_plain_exports() {
    let Some(etc) = Etc::with_policy(FULL_POLICY, 0o644) else {
        return;
    };
    let sandbox = Sandbox::new();
    // No vault without a password: exit 1 naming the policy, nothing created.
    let output = etc.run(&sandbox, &["init", "--no-password"]);
    assert_fails(&output, 1, "(policy require_password)");
    assert!(!sandbox.vault.exists());
    // A password shorter than the minimum is refused too.
    let short = sandbox.path("short.txt");
    std::fs::write(&short, "eleven char\n").unwrap();
    let output = etc.run(
        &sandbox,
        &["--password-file", short.to_str().unwrap(), "init"],
    );
    assert_fails(
        &output,
        1,
        "at least 12 characters (policy min_password_length)",
    );
    assert!(!sandbox.vault.exists());
    let output = etc.run_pw(&sandbox, &["init"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = etc.run_pw(
        &sandbox,
        &[
            "add",
            "--secret",
            "JBSWY3DPEHPK3PXP",
            "--name",
            "alice",
            "--issuer",
            "Example",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));

    // Plain exports: exit 1, the policy named, nothing written.
    for (format, out) in [
        ("otpauth", "keys.txt"),
        ("aegis", "aegis.json"),
        ("qr", "qr"),
    ] {
        let target = sandbox.path(out);
        let output = etc.run_pw(
            &sandbox,
            &[
                "export",
                "--format",
                format,
                "--plain",
                "-o",
                target.to_str().unwrap(),
            ],
        );
        assert_fails(&output, 1, "(policy allow_plain_export)");
        assert!(!target.exists(), "{format}");
    }
    // An encrypted export is still allowed.
    let target = sandbox.path("backup.mamori");
    let output = etc.run_pw(
        &sandbox,
        &[
            "export",
            "--format",
            "mamori",
            "-o",
            target.to_str().unwrap(),
            "--target-password-file",
            sandbox.password_file.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(target.exists());
    // Removing the password is refused before anything is asked or written.
    let before = std::fs::read(&sandbox.vault).unwrap();
    let output = etc.run_pw(&sandbox, &["passwd", "--remove", "-y"]);
    assert_fails(&output, 1, "(policy require_password)");
    assert_eq!(std::fs::read(&sandbox.vault).unwrap(), before);

    // doctor: the source and the settings, and the time servers are the policy's.
    let output = etc.run(&sandbox, &["doctor", "--json"]);
    let report = doctor_report(&output);
    assert_eq!(report["policy"]["source"], "/etc/mamori/policy.json");
    assert_eq!(report["policy"]["settings"]["require_password"], true);
    assert_eq!(report["policy"]["settings"]["min_password_length"], 12);
    assert_eq!(report["policy"]["settings"]["allow_plain_export"], false);
    assert_eq!(report["policy"]["settings"]["max_idle_lock_minutes"], 5);
    assert_eq!(
        report["time_servers_tried"],
        serde_json::json!(["127.0.0.1:9", "127.0.0.1:10"])
    );
    let output = etc.run(&sandbox, &["doctor"]);
    let text = stdout(&output);
    assert!(
        text.contains("Managed policy from /etc/mamori/policy.json: ")
            && text.contains("require_password=true"),
        "{text}"
    );
    // Without a policy, doctor says null.
    let plain = Sandbox::plain();
    let output = plain.run(&["doctor", "--json", "--time-server", "127.0.0.1:9"]);
    let report = doctor_report(&output);
    if !std::path::Path::new("/etc/mamori/policy.json").exists() {
        assert_eq!(report["policy"], Value::Null);
    }
}

#[test]
fn a_policy_file_others_can_write_is_ignored_with_a_warning() {
    for (mode, owner, why) in [
        (0o666, None, "users other than root can change it"),
        (0o644, Some(65534), "it is not owned by root"),
    ] {
        let Some(etc) = Etc::with_policy(FULL_POLICY, mode) else {
            return;
        };
        if let Some(uid) = owner {
            std::os::unix::fs::chown(etc.policy_file(), Some(uid), Some(uid)).unwrap();
        }
        let sandbox = Sandbox::new();
        let output = etc.run(&sandbox, &["init", "--no-password"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let err = stderr(&output);
        assert!(
            err.contains("The policy file /etc/mamori/policy.json was ignored: ")
                && err.contains(why),
            "{err}"
        );
        let output = etc.run(
            &sandbox,
            &["doctor", "--json", "--time-server", "127.0.0.1:9"],
        );
        let report = doctor_report(&output);
        assert_eq!(report["policy"], Value::Null, "{report}");
        assert!(
            report["policy_warnings"][0].as_str().unwrap().contains(why),
            "{report}"
        );
        assert!(
            report["warnings"]
                .as_array()
                .unwrap()
                .contains(&Value::from("policy_ignored"))
        );
    }
}

#[test]
fn exports_off_and_the_clock_check_off_by_policy() {
    let Some(etc) = Etc::with_policy(
        r#"{"allow_export": false, "clock_check": false, "bogus": 1}"#,
        0o600,
    ) else {
        return;
    };
    let sandbox = Sandbox::plain();
    sandbox.ok(&["add", "--secret", "JBSWY3DPEHPK3PXP", "--name", "alice"]);
    let target = sandbox.path("backup.mamori");
    let output = etc.run_pw(
        &sandbox,
        &[
            "export",
            "--format",
            "mamori",
            "-o",
            target.to_str().unwrap(),
            "--target-password-file",
            sandbox.password_file.to_str().unwrap(),
        ],
    );
    assert_fails(&output, 1, "turned off exports (policy allow_export)");
    assert!(!target.exists());
    // The unknown key is named; the clock check is off, so no server is asked.
    let output = etc.run(&sandbox, &["doctor", "--json"]);
    let report = doctor_report(&output);
    assert_eq!(report["time_servers_tried"], serde_json::json!([]));
    assert!(
        report["policy_warnings"][0]
            .as_str()
            .unwrap()
            .contains("bogus"),
        "{report}"
    );
}

#[test]
fn a_portable_copy_refuses_to_start_when_the_policy_forbids_it() {
    let Some(etc) = Etc::with_policy(r#"{"allow_portable": false}"#, 0o644) else {
        return;
    };
    // A copy of the program beside a mamori.portable file, as on a USB stick.
    let stick = tempfile::tempdir().unwrap();
    let exe = stick.path().join("mamori");
    std::fs::copy(env!("CARGO_BIN_EXE_mamori"), &exe).unwrap();
    std::fs::write(stick.path().join("mamori.portable"), b"").unwrap();
    let mut command = Command::new(&exe);
    command
        .args(["list"])
        .env("LANG", "C")
        .env_remove("MAMORI_CONFIG_DIR");
    let output = etc.wrap(command).output().unwrap();
    assert_fails(
        &output,
        1,
        "portable copies of Mamori (policy allow_portable)",
    );
    assert!(!stick.path().join("mamori-data").exists());
    // The installed program runs as usual under the same policy.
    let sandbox = Sandbox::plain();
    let output = etc.run(&sandbox, &["list"]);
    assert!(output.status.success(), "{}", stderr(&output));
}
