//! Parsing and writing `otpauth://` URIs.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use mamori::uri::{KeyUri, to_uri};

const VENDOR: &str =
    "otpauth://totp/Vendor:admin@example.com?secret=ABCDEFGHijkl2345&issuer=Vendor";
const FULL: &str = "otpauth://totp/%E3%82%B5%E3%82%A4%E3%83%9C%E3%82%A6%E3%82%BA:%E5%B1%B1%E7%94%B0%40example.com?secret=GEZD%20GNBV%20GY3T%20QOJQ%20GEZD%20GNBV%20GY3T%20QOJQ&issuer=%E3%82%B5%E3%82%A4%E3%83%9C%E3%82%A6%E3%82%BA&algorithm=SHA512&digits=8&period=60";

fn uris(c: &mut Criterion) {
    c.bench_function("parse/vendor", |b| {
        b.iter(|| black_box(VENDOR).parse::<KeyUri>())
    });
    c.bench_function("parse/japanese-spaced-sha512", |b| {
        b.iter(|| black_box(FULL).parse::<KeyUri>())
    });
    let key: KeyUri = FULL.parse().unwrap_or_else(|e| panic!("{e}"));
    c.bench_function("write/japanese", |b| {
        b.iter(|| {
            to_uri(
                black_box(&key.issuer),
                black_box(&key.name),
                black_box(&key.otp),
            )
        })
    });
}

criterion_group!(benches, uris);
criterion_main!(benches);
