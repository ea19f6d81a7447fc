//! Code generation: one TOTP code per algorithm and length.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use mamori::account::{Algorithm, OtpKind, OtpParams};
use mamori::secret::Secret;

fn codes(c: &mut Criterion) {
    let mut group = c.benchmark_group("totp");
    for algorithm in Algorithm::ALL {
        for digits in [6u8, 8, 10] {
            let otp = OtpParams {
                secret: Secret::from_bytes(b"12345678901234567890".to_vec()),
                kind: OtpKind::Totp { period: 30 },
                algorithm,
                digits,
            };
            group.bench_function(format!("{algorithm}/{digits}"), |b| {
                b.iter(|| mamori::otp::generate(black_box(&otp), black_box(1_700_000_000)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, codes);
criterion_main!(benches);
