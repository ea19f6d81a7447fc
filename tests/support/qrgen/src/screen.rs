//! One synthetic screenshot: the desktop of `desktop`, one card with a QR code (two on the `two`
//! screens) placed where it does not overlap another, then what the category does to the whole
//! picture (HiDPI downscale, blur; JPEG quality is chosen here and applied when saving).

use image::RgbImage;
use qrcode::{Color, QrCode};

use crate::canvas::{Canvas, Rect, Rgb, gaussian_blur};
use crate::desktop::{
    draw_taskbar, draw_wallpaper, draw_window, gray, monitors, qr_icon, text_line, theme,
};
use crate::payload::{ec_level, long_payload, payload};
use crate::rng::Rng;

/// Draw a QR symbol with a `quiet`-module border. `module` may be fractional
/// (module edges then fall on floor(x0 + i*module), like a nearest-neighbour
/// scaled image). Returns the bounding box including the quiet zone.
fn draw_qr(
    c: &mut Canvas,
    x: f64,
    y: f64,
    code: &QrCode,
    module: f64,
    dark: Rgb,
    light: Rgb,
    quiet: i64,
) -> Rect {
    let n = code.width() as i64;
    let total = n + 2 * quiet;
    let edge = |i: i64, o: f64| (o + i as f64 * module).floor() as i64;
    let x0 = edge(0, x);
    let y0 = edge(0, y);
    let x1 = edge(total, x);
    let y1 = edge(total, y);
    c.rect(x0, y0, x1 - x0, y1 - y0, light);
    let colors = code.to_colors();
    for my in 0..n {
        for mx in 0..n {
            if colors[(my * n + mx) as usize] == Color::Dark {
                let ax = edge(mx + quiet, x);
                let bx = edge(mx + quiet + 1, x);
                let ay = edge(my + quiet, y);
                let by = edge(my + quiet + 1, y);
                c.rect(ax, ay, bx - ax, by - ay, dark);
            }
        }
    }
    Rect {
        x: x0,
        y: y0,
        w: x1 - x0,
        h: y1 - y0,
    }
}

pub(crate) struct Spec<'a> {
    pub(crate) category: &'a str,
    pub(crate) res: &'a str,
    /// Module size in output pixels; fractional on `jpeg-hidpi` screens.
    pub(crate) module: f64,
}

pub(crate) struct Rendered {
    pub(crate) img: RgbImage,
    pub(crate) payloads: Vec<String>,
    pub(crate) boxes: Vec<[u32; 4]>,
    pub(crate) versions: Vec<i16>,
    pub(crate) ec: String,
    pub(crate) module_px: f64,
    pub(crate) jpeg_quality: Option<u8>,
    pub(crate) blur_sigma: Option<f64>,
}

pub(crate) fn render(spec: &Spec, rng: &mut Rng) -> Rendered {
    let cat = spec.category;
    // HiDPI mismatch: draw everything 1.5x larger, then downscale by 1.5.
    let k = if cat == "hidpi" || cat == "jpeg-hidpi" {
        1.5
    } else {
        1.0
    };
    let (w, h, mons) = monitors(spec.res, k);
    let dark = cat == "dark" || cat == "inverted";
    let t = theme(dark, rng);
    let mut c = Canvas::new(w, h, [0, 0, 0]);
    let mut work_areas = Vec::new();
    for m in &mons {
        draw_wallpaper(&mut c, m, rng);
        let tb = (40.0 * m.ui) as i64;
        work_areas.push((
            *m,
            Rect {
                x: m.r.x,
                y: m.r.y,
                w: m.r.w,
                h: m.r.h - tb,
            },
        ));
        // background windows
        for _ in 0..rng.range(2, 4) {
            let ww = rng.range(m.r.w / 4, m.r.w * 3 / 4);
            let wh = rng.range(m.r.h / 4, m.r.h * 3 / 4);
            let wx = m.r.x + rng.range(0, m.r.w - ww);
            let wy = m.r.y + rng.range(0, m.r.h - wh - tb);
            draw_window(
                &mut c,
                Rect {
                    x: wx,
                    y: wy,
                    w: ww,
                    h: wh,
                },
                &t,
                m.ui,
                rng,
            );
        }
    }

    let n_qr = if cat == "two" || cat == "two-small" {
        2
    } else {
        1
    };
    let (ecl, ec_name) = ec_level(rng);
    let module = spec.module * k;
    let mut placed: Vec<Rect> = Vec::new();
    let mut payloads = Vec::new();
    let mut versions = Vec::new();
    let mut boxes = Vec::new();
    // 1) choose codes and card positions
    let mut plans = Vec::new();
    for i in 0..n_qr {
        let text = if cat == "jpeg-hidpi" {
            long_payload(rng)
        } else {
            payload(rng)
        };
        let code = QrCode::with_error_correction_level(text.as_bytes(), ecl).expect("payload fits");
        let quiet = 4;
        let side = ((code.width() as i64 + 2 * quiet) as f64 * module).ceil() as i64;
        let mut attempt = 0;
        let (m, card, qx, qy) = loop {
            attempt += 1;
            // `two-small`: one code on each monitor.
            let (m, wa) = if cat == "two-small" {
                work_areas[i % work_areas.len()]
            } else {
                *rng.pick(&work_areas)
            };
            let pad = (rng.range(24, 64) as f64 * m.ui) as i64;
            let cw = side + 2 * pad;
            let ch = side + 2 * pad + (90.0 * m.ui) as i64;
            if cw + 2 > wa.w || ch + (40.0 * m.ui) as i64 + 2 > wa.h {
                panic!(
                    "QR card does not fit on monitor: {} {} module {}",
                    spec.res, cat, spec.module
                );
            }
            let cx = wa.x + rng.range(1, wa.w - cw - 1);
            let cy =
                wa.y + (40.0 * m.ui) as i64 + rng.range(1, wa.h - ch - (40.0 * m.ui) as i64 - 1);
            let card = Rect {
                x: cx,
                y: cy,
                w: cw,
                h: ch,
            };
            if placed
                .iter()
                .all(|p| !p.overlaps(&card, (20.0 * m.ui) as i64))
                || attempt > 500
            {
                break (m, card, cx + pad, cy + pad);
            }
        };
        placed.push(card);
        plans.push((text, code, quiet, side, m, card, qx, qy));
    }
    // 2) the browser window(s) hosting the cards, drawn before any card
    for (i, (_, _, _, _, m, card, _, _)) in plans.iter().enumerate() {
        if i == 0 || rng.chance(0.5) {
            let bx = (card.x - rng.range(20, 400)).max(m.r.x);
            let by = (card.y - (40.0 * m.ui) as i64 - rng.range(20, 200)).max(m.r.y);
            let bw = (card.x + card.w + rng.range(20, 500)).min(m.r.x + m.r.w) - bx;
            let bh = (card.y + card.h + rng.range(20, 300))
                .min(m.r.y + m.r.h - (40.0 * m.ui) as i64)
                - by;
            draw_window(
                &mut c,
                Rect {
                    x: bx,
                    y: by,
                    w: bw,
                    h: bh,
                },
                &t,
                m.ui,
                rng,
            );
        }
    }
    // 3) cards with instruction text, then the codes
    for (text, code, quiet, side, m, card, qx, qy) in plans {
        let card_bg = if t.dark { t.panel_bg } else { gray(255) };
        c.rect(card.x, card.y, card.w, card.h, card_bg);
        c.outline(card.x, card.y, card.w, card.h, 1.max(m.ui as i64), t.border);
        let s = (m.ui * 1.5).round().max(1.0) as i64;
        let ty = qy + side + (16.0 * m.ui) as i64;
        text_line(
            &mut c,
            card.x + (16.0 * m.ui) as i64,
            ty,
            card.w - (32.0 * m.ui) as i64,
            s,
            t.text,
            rng,
        );
        text_line(
            &mut c,
            card.x + (16.0 * m.ui) as i64,
            ty + 11 * s,
            card.w - (32.0 * m.ui) as i64,
            s,
            t.muted,
            rng,
        );
        let (fg, bg) = match cat {
            // light modules on a dark page, quiet zone dark too
            "inverted" => (gray(rng.range(225, 255)), t.panel_bg),
            // dark page, but the QR image keeps its white quiet zone
            "dark" => (gray(rng.range(0, 30)), gray(rng.range(245, 255))),
            _ => (gray(rng.range(0, 40)), card_bg),
        };
        let r = draw_qr(
            &mut c,
            qx as f64 + rng.f64() * k,
            qy as f64 + rng.f64() * k,
            &code,
            module,
            fg,
            bg,
            quiet,
        );
        boxes.push([
            (r.x as f64 / k) as u32,
            (r.y as f64 / k) as u32,
            (r.w as f64 / k) as u32,
            (r.h as f64 / k) as u32,
        ]);
        payloads.push(text);
        versions.push(match code.version() {
            qrcode::Version::Normal(v) => v,
            qrcode::Version::Micro(v) => -v,
        });
    }
    // distractor: a small QR-like icon somewhere, half of the time
    if rng.chance(0.5) {
        let (m, wa) = *rng.pick(&work_areas);
        let u = (m.ui * rng.range(1, 2) as f64).round().max(1.0) as i64;
        let ix = wa.x + rng.range(0, wa.w - 21 * u - 1);
        let iy = wa.y + rng.range(0, wa.h - 21 * u - 1);
        let icon = Rect {
            x: ix,
            y: iy,
            w: 21 * u,
            h: 21 * u,
        };
        if placed.iter().all(|p| !p.overlaps(&icon, 8)) {
            qr_icon(&mut c, ix, iy, u, t.text, t.window_bg);
        }
    }
    for m in &mons {
        draw_taskbar(&mut c, m, &t, rng);
    }

    let mut img = c.into_image();
    if k != 1.0 {
        let (ow, oh, _) = monitors(spec.res, 1.0);
        img = image::imageops::resize(
            &img,
            ow as u32,
            oh as u32,
            image::imageops::FilterType::Triangle,
        );
    }
    let mut blur_sigma = None;
    if cat == "blur" {
        let sigma = (rng.uniform(0.6, 1.2) * 100.0).round() / 100.0;
        img = gaussian_blur(&img, sigma);
        blur_sigma = Some(sigma);
    }
    let jpeg_quality = match cat {
        "jpeg" => Some(rng.range(50, 90) as u8),
        "jpeg-hidpi" => Some(rng.range(60, 80) as u8),
        _ => None,
    };
    Rendered {
        img,
        payloads,
        boxes,
        versions,
        ec: ec_name.to_string(),
        module_px: spec.module,
        jpeg_quality,
        blur_sigma,
    }
}
