//! QR decoding on one core: a 4K screenshot with a code, the same screen without one, a
//! 1080p screenshot, and the RGBA→grey conversion of a 4K capture. The screens are drawn here
//! (desktop-like clutter: windows, text-like stripes, noise), so the bench needs no files.
//!
//! `cargo bench --bench qr`; pin to one core for comparable numbers:
//! `taskset -c 1 cargo bench --bench qr`.

use criterion::{Criterion, criterion_group, criterion_main};
use image::{GrayImage, Luma};
use std::hint::black_box;

/// xorshift, so the scenes are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u32) -> u32 {
        (self.next() % u64::from(n.max(1))) as u32
    }
}

/// A desktop-like screen: wallpaper, windows with text-like stripes and noisy "photos".
fn screen(width: u32, height: u32, seed: u64) -> GrayImage {
    let mut rng = Rng(seed);
    let mut img = GrayImage::from_fn(width, height, |x, y| {
        Luma([(90 + (x + y) * 60 / (width + height)) as u8])
    });
    for _ in 0..12 {
        let (w, h) = (300 + rng.below(width / 3), 200 + rng.below(height / 3));
        let (x0, y0) = (rng.below(width - w), rng.below(height - h));
        let shade = 200 + rng.below(50) as u8;
        for y in y0..y0 + h {
            for x in x0..x0 + w {
                let line = (y - y0) % 18 < 9 && (x - x0) % 7 != 0 && rng.below(5) > 0;
                let photo = (x - x0) > w * 2 / 3;
                let v = if photo {
                    rng.below(256) as u8
                } else if line && (y - y0) > 30 {
                    40
                } else {
                    shade
                };
                img.put_pixel(x, y, Luma([v]));
            }
        }
    }
    img
}

fn with_code(mut img: GrayImage, text: &str, module: u32, x: u32, y: u32) -> GrayImage {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let code = code
        .render::<Luma<u8>>()
        .module_dimensions(module, module)
        .build();
    image::imageops::replace(&mut img, &code, i64::from(x), i64::from(y));
    img
}

const URI: &str = "otpauth://totp/Vendor%20Cloud:admin%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Vendor%20Cloud&algorithm=SHA1&digits=6&period=30";

fn decoding(c: &mut Criterion) {
    let empty_4k = screen(3840, 2160, 7);
    let code_4k = with_code(empty_4k.clone(), URI, 3, 2600, 1300);
    let code_1080 = with_code(screen(1920, 1080, 9), URI, 3, 1200, 500);
    assert_eq!(
        mamori::qr::decode(&code_4k).len(),
        1,
        "the bench scene must hold a readable code"
    );
    assert!(mamori::qr::decode(&empty_4k).is_empty());

    let mut group = c.benchmark_group("qr");
    group.sample_size(20);
    group.bench_function("4k/with-code", |b| {
        b.iter(|| mamori::qr::decode(black_box(&code_4k)))
    });
    group.bench_function("4k/no-code", |b| {
        b.iter(|| mamori::qr::decode(black_box(&empty_4k)))
    });
    // What `mamori scan` adds when nothing was read: is there something QR-shaped to zoom into?
    group.bench_function("4k/no-code-hint", |b| {
        b.iter(|| mamori::qr::looks_like_a_qr_code(black_box(&empty_4k)))
    });
    group.bench_function("1080p/with-code", |b| {
        b.iter(|| mamori::qr::decode(black_box(&code_1080)))
    });
    let rgba: Vec<u8> = code_4k
        .as_raw()
        .iter()
        .flat_map(|&v| [v, v, v, 255])
        .collect();
    group.bench_function("4k/rgba-to-grey", |b| {
        b.iter(|| mamori::qr::rgba_to_gray(3840, 2160, black_box(&rgba)))
    });
    group.finish();
}

criterion_group!(benches, decoding);
criterion_main!(benches);
