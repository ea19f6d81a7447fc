//! Crash safety and concurrency (`docs/vault.md` §13.1 and §13.7) with real processes.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mamori::vault::{LockedVault, store};

use crate::util::{Rng, Sandbox, mamori, stderr, temp_files};

/// Number of accounts in the vault at `path`, or the error it gives.
fn count(path: &Path) -> Result<usize, String> {
    LockedVault::read(path)
        .and_then(|l| l.unlock(None))
        .map(|v| v.accounts().len())
        .map_err(|e| e.to_string())
}

/// kill -9 at a random moment of `mamori add`, 1,000 times: every time the vault opens and
/// holds the state before or after that add; at most one temp file remains, and the next
/// save removes it.
#[test]
fn kill_9_during_saves_never_damages_the_vault() {
    let s = Sandbox::plain();
    let mut rng = Rng::from_env("kill_9_during_saves_never_damages_the_vault");
    // Aim the kills at the save: time a few whole runs and kill between half of that and a
    // little past its end (the save is the last thing `add` does).
    let mut runs: Vec<u64> = (0..5)
        .map(|i| {
            let start = Instant::now();
            s.ok(&[
                "add",
                "--secret",
                "JBSWY3DPEHPK3PXP",
                "--name",
                &format!("t{i}"),
                "--allow-duplicate",
            ]);
            start.elapsed().as_micros() as u64
        })
        .collect();
    runs.sort_unstable();
    let typical = runs[2];
    let mut expected = 5;
    let (mut before, mut during, mut after) = (0, 0, 0);
    for i in 0..1000 {
        let mut child = s
            .command(&[
                "add",
                "--secret",
                "JBSWY3DPEHPK3PXP",
                "--name",
                &format!("n{i}"),
                "--allow-duplicate",
            ])
            .stderr(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(
            rng.range(typical / 2..=typical * 11 / 10),
        ));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let n = count(&s.vault).unwrap_or_else(|e| panic!("kill {i} damaged the vault: {e}"));
        assert!(
            n == expected || n == expected + 1,
            "kill {i}: {n} accounts, expected {expected} or one more"
        );
        let temps = temp_files(s.dir.path());
        assert!(temps.len() <= 1, "{temps:?}");
        match (n == expected, temps.is_empty()) {
            (false, _) => after += 1,
            (true, false) => during += 1,
            (true, true) => before += 1,
        }
        expected = n;
        // Like the next start of Mamori, clear the leftover so each kill is counted afresh.
        for temp in temps {
            let _ = std::fs::remove_file(s.path(&temp));
        }
    }
    eprintln!(
        "1000 kills ({typical} µs a run): {before} before the save, {during} during it (temp file left), {after} after the rename"
    );
    assert!(
        during > 0 && after > 0,
        "kills should land inside saves: {before}/{during}/{after}"
    );
    std::fs::write(s.path(".vault.mamori.tmpLEFT"), b"half a vault").unwrap();
    s.ok(&[
        "add",
        "--secret",
        "JBSWY3DPEHPK3PXP",
        "--name",
        "last",
        "--allow-duplicate",
    ]);
    assert!(
        temp_files(s.dir.path()).is_empty(),
        "the next save removes leftovers"
    );
}

/// The control: the same kills against a writer that rewrites the file in place do damage it,
/// which shows the test above can fail.
#[test]
fn the_control_in_place_writer_is_damaged_by_kills() {
    let s = Sandbox::plain();
    for i in 0..20 {
        s.ok(&[
            "add",
            "--secret",
            "JBSWY3DPEHPK3PXP",
            "--name",
            &format!("padding account {i}"),
            "--allow-duplicate",
        ]);
    }
    let good = std::fs::read(&s.vault).unwrap();
    let mut rng = Rng::from_env("the_control_in_place_writer_is_damaged_by_kills");
    let mut damaged = 0;
    for _ in 0..300 {
        std::fs::write(&s.vault, &good).unwrap();
        let mut child = in_place_writer(&s.vault, &good);
        std::thread::sleep(Duration::from_micros(rng.range(0..=3_000)));
        let _ = child.kill();
        let _ = child.wait();
        if count(&s.vault).is_err() {
            damaged += 1;
        }
    }
    eprintln!("control: {damaged} of 300 kills damaged the in-place writer's file");
    assert!(damaged > 0);
}

/// A shell process that truncates the vault and writes it back slowly in place (what a naive
/// `fs::write` does), in a loop.
fn in_place_writer(path: &Path, bytes: &[u8]) -> std::process::Child {
    let source = path.with_extension("source");
    std::fs::write(&source, bytes).unwrap();
    let script = format!(
        "while :; do dd if='{}' of='{}' bs=64 status=none; done",
        source.display(),
        path.display()
    );
    Command::new("sh").args(["-c", &script]).spawn().unwrap()
}

/// Two processes adding 50 accounts each at the same time end with all 100.
#[test]
fn two_processes_adding_at_once_keep_every_account() {
    let s = Sandbox::plain();
    std::thread::scope(|scope| {
        for writer in ["A", "B"] {
            let s = &s;
            scope.spawn(move || {
                for i in 0..50 {
                    let output = s
                        .command(&[
                            "add",
                            "--secret",
                            "JBSWY3DPEHPK3PXP",
                            "--issuer",
                            writer,
                            "--name",
                            &i.to_string(),
                            "--allow-duplicate",
                        ])
                        .output()
                        .unwrap();
                    assert!(output.status.success(), "{writer}{i}: {}", stderr(&output));
                }
            });
        }
    });
    let vault = LockedVault::read(&s.vault).unwrap().unlock(None).unwrap();
    assert_eq!(vault.accounts().len(), 100);
    for writer in ["A", "B"] {
        let mine: Vec<&str> = vault
            .accounts()
            .iter()
            .filter(|a| a.issuer == writer)
            .map(|a| a.name.as_str())
            .collect();
        let expected: Vec<String> = (0..50).map(|i| i.to_string()).collect();
        assert_eq!(mine, expected, "{writer}'s adds in order");
    }
}

/// A lock holder killed with SIGKILL frees the lock for the next process at once: the next
/// `add` does not wait out the lock's 10 s.
#[test]
fn a_killed_lock_holder_frees_the_lock_at_once() {
    let s = Sandbox::plain();
    let paths = store::VaultPaths::new(&s.vault);
    // `flock` from util-linux holds the lock file while its child sleeps.
    let mut holder = Command::new("flock")
        .arg(&paths.lock)
        .args(["sleep", "60"])
        .spawn()
        .expect("flock (util-linux) is needed");
    // Wait until it holds the lock (a fixed pause was too short on a loaded machine).
    let start = Instant::now();
    while store::WriteLock::acquire(&paths, Duration::ZERO).is_ok() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "flock never took the lock"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let blocked = s.run(&["add", "--secret", "JBSWY3DPEHPK3PXP", "--name", "x"]);
    // 10 s wait, then a clear message.
    assert_eq!(blocked.status.code(), Some(1));
    assert!(
        stderr(&blocked).contains("another Mamori is saving"),
        "{}",
        stderr(&blocked)
    );
    let _ = std::io::stdout().flush();
    let killed_at = Instant::now();
    let _ = Command::new("pkill")
        .args(["-KILL", "-P", &holder.id().to_string()])
        .status();
    let _ = holder.kill();
    let _ = holder.wait();
    s.ok(&["add", "--secret", "JBSWY3DPEHPK3PXP", "--name", "x"]);
    // Freed by the kernel when the holder died, not after some timeout: well inside the 10 s
    // the add would otherwise wait (a margin for a loaded machine, not a speed bound).
    assert!(
        killed_at.elapsed() < store::LOCK_WAIT / 2,
        "{:?}",
        killed_at.elapsed()
    );
    let _ = mamori;
}
