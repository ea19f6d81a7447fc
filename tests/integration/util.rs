//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

/// The password used by tests that need one.
pub const PASSWORD: &str = "correct horse battery staple";

/// A temporary folder with a vault path and a password file.
pub struct Sandbox {
    /// Keeps the folder alive.
    pub dir: TempDir,
    /// `<dir>/vault.mamori` (not created yet).
    pub vault: PathBuf,
    /// A file holding [`PASSWORD`].
    pub password_file: PathBuf,
}

impl Sandbox {
    /// A new empty sandbox.
    pub fn new() -> Sandbox {
        let dir = TempDir::new().unwrap();
        let vault = dir.path().join("vault.mamori");
        let password_file = dir.path().join("password.txt");
        std::fs::write(&password_file, format!("{PASSWORD}\n")).unwrap();
        Sandbox {
            dir,
            vault,
            password_file,
        }
    }

    /// A sandbox with a vault made by `mamori init --no-password`.
    pub fn plain() -> Sandbox {
        let sandbox = Sandbox::new();
        sandbox.ok(&["init", "--no-password"]);
        sandbox
    }

    /// A sandbox with a password vault made by `mamori init --password-file`.
    pub fn encrypted() -> Sandbox {
        let sandbox = Sandbox::new();
        let pw = sandbox.password_file.to_str().unwrap().to_string();
        sandbox.ok(&["init", "--password-file", &pw]);
        sandbox
    }

    /// A sandbox with a password vault ([`PASSWORD`]) holding `uris`, made in-process at the
    /// KDF's write floor (Argon2id 64 MiB, t=3: a quarter of the default's work; the library
    /// refuses anything cheaper). For tests about something other than `init` and the KDF cost:
    /// each command that tries a password on it pays a quarter. The first one that opens it
    /// with the right password re-wraps it at the default cost, as for any user's vault made
    /// at a lower cost (one more generation and backup, and a notice on stderr), so it saves
    /// the most where opens fail.
    pub fn encrypted_at_floor(uris: &[&str]) -> Sandbox {
        use mamori::vault::crypto::{DEFAULT_P, FLOOR_M_KIB, FLOOR_T, KdfParams};
        use mamori::vault::{SaveKind, Vault, VaultError};
        let sandbox = Sandbox::new();
        let kdf = KdfParams::with_cost(FLOOR_M_KIB, FLOOR_T, DEFAULT_P).unwrap();
        let mut vault = Vault::create_with_kdf(&sandbox.vault, PASSWORD, kdf).unwrap();
        if !uris.is_empty() {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            vault
                .update(SaveKind::Structural, |accounts| {
                    for uri in uris {
                        let key: mamori::uri::KeyUri = uri.parse().unwrap();
                        accounts.push(mamori::account::Account::new(
                            key.issuer, key.name, key.otp, now,
                        ));
                    }
                    Ok::<_, VaultError>(())
                })
                .unwrap();
        }
        sandbox
    }

    /// A file in the sandbox.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `mamori --vault <vault> ARGS` with a clean environment (English, no terminal, state
    /// kept in the sandbox).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = mamori();
        command.env("MAMORI_CONFIG_DIR", self.path("config"));
        command.arg("--vault").arg(&self.vault).args(args);
        command
    }

    /// Runs and returns the output.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Runs with the sandbox's password file.
    pub fn run_pw(&self, args: &[&str]) -> Output {
        let mut all = vec!["--password-file", self.password_file.to_str().unwrap()];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Runs, asserts success, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert_success(&output, args);
        stdout(&output)
    }

    /// Runs with the password file, asserts success, returns stdout.
    pub fn ok_pw(&self, args: &[&str]) -> String {
        let output = self.run_pw(args);
        assert_success(&output, args);
        stdout(&output)
    }
}

/// The binary with a clean environment: no inherited vault, password file or locale, stdin
/// closed (so nothing ever waits at a prompt).
pub fn mamori() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mamori"));
    for var in [
        "MAMORI_VAULT",
        "MAMORI_PASSWORD_FILE",
        "LANG",
        "LC_ALL",
        "LC_MESSAGES",
    ] {
        command.env_remove(var);
    }
    command.env("LANG", "C").stdin(Stdio::null());
    command
}

/// Panics with the command's output unless it succeeded.
pub fn assert_success(output: &Output, args: &[&str]) {
    assert!(
        output.status.success(),
        "mamori {args:?} failed ({:?})\nstdout: {}\nstderr: {}",
        output.status.code(),
        stdout(output),
        stderr(output)
    );
}

/// Stdout as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts the exit code and that stderr mentions `needle` and shows no panic.
pub fn assert_fails(output: &Output, code: i32, needle: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(code), "stderr: {err}");
    assert!(err.contains(needle), "expected {needle:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// A small seeded random source (xorshift64*), so failures can be replayed from the seed the
/// test prints.
pub struct Rng(u64);

impl Rng {
    /// Seeded from `MAMORI_TEST_SEED` or the clock; prints the seed.
    pub fn from_env(test: &str) -> Rng {
        let seed = std::env::var("MAMORI_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        eprintln!("{test}: MAMORI_TEST_SEED={seed}");
        Rng(seed | 1)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `range`.
    pub fn range(&mut self, range: std::ops::RangeInclusive<u64>) -> u64 {
        range.start() + self.next() % (range.end() - range.start() + 1)
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// Names of temporary files left in a folder by interrupted saves.
pub fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect()
}
