//! Opening the vault: unlock at the default Argon2id cost (256 MiB, t=3, p=4), opening a
//! no-password vault of 100 accounts, and a durable save of it.

use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;

use mamori::account::{Account, OtpParams};
use mamori::secret::Secret;
use mamori::vault::{LockedVault, SaveKind, Vault, VaultError};

fn fill(vault: &mut Vault) {
    let result = vault.update(SaveKind::Structural, |accounts| {
        for i in 0..100 {
            let secret = Secret::from_bytes(vec![i as u8; 20]);
            accounts.push(Account::new(
                format!("Issuer {i}"),
                format!("user{i}@example.com"),
                OtpParams::totp(secret),
                1_700_000_000,
            ));
        }
        Ok::<_, VaultError>(())
    });
    result.unwrap_or_else(|e| panic!("{e}"));
}

fn vaults(c: &mut Criterion) {
    let dir = tempfile::TempDir::new().unwrap_or_else(|e| panic!("{e}"));
    let encrypted = dir.path().join("encrypted.mamori");
    let plain = dir.path().join("plain.mamori");
    let password = "correct horse battery staple";
    fill(&mut Vault::create(&encrypted, Some(password)).unwrap_or_else(|e| panic!("{e}")));
    let mut plain_vault = Vault::create(&plain, None).unwrap_or_else(|e| panic!("{e}"));
    fill(&mut plain_vault);
    plain_vault.set_backups_kept(0);

    let mut group = c.benchmark_group("vault");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("unlock/default-kdf/100-accounts", |b| {
        b.iter(|| LockedVault::read(&encrypted).and_then(|l| l.unlock(Some(password))))
    });
    group.finish();

    let mut group = c.benchmark_group("vault");
    group.bench_function("open/no-password/100-accounts", |b| {
        b.iter(|| LockedVault::read(&plain).and_then(|l| l.unlock(None)))
    });
    group.bench_function("save/no-password/100-accounts", |b| {
        b.iter(|| plain_vault.update(SaveKind::Routine, |_| Ok::<_, VaultError>(())))
    });
    group.finish();
}

criterion_group!(benches, vaults);
criterion_main!(benches);
