//! The desktop around the codes: themes, wallpaper, application windows with pseudo-text,
//! tables, buttons and noisy photos, a task bar, QR-like icons as distractors, and the monitor
//! layouts of the four screen sizes. It exists so that a decoder meets the clutter of a real
//! screenshot (finder-like shapes, text edges, gradients), not a code on a blank page.

use crate::canvas::{Canvas, Rect, Rgb};
use crate::rng::Rng;

#[derive(Clone, Copy)]
pub(crate) struct Monitor {
    pub(crate) r: Rect,
    /// UI scale factor (1.0 = 96 dpi 1080p).
    pub(crate) ui: f64,
}

pub(crate) struct Theme {
    pub(crate) dark: bool,
    pub(crate) window_bg: Rgb,
    pub(crate) panel_bg: Rgb,
    pub(crate) title_bg: Rgb,
    pub(crate) text: Rgb,
    pub(crate) muted: Rgb,
    pub(crate) accent: Rgb,
    pub(crate) border: Rgb,
}

pub(crate) fn gray(v: i64) -> Rgb {
    let v = v.clamp(0, 255) as u8;
    [v, v, v]
}

fn jitter(c: Rgb, amt: i64, rng: &mut Rng) -> Rgb {
    [
        (c[0] as i64 + rng.range(-amt, amt)).clamp(0, 255) as u8,
        (c[1] as i64 + rng.range(-amt, amt)).clamp(0, 255) as u8,
        (c[2] as i64 + rng.range(-amt, amt)).clamp(0, 255) as u8,
    ]
}

pub(crate) fn theme(dark: bool, rng: &mut Rng) -> Theme {
    let accents: [Rgb; 6] = [
        [0, 120, 212],
        [16, 124, 16],
        [196, 43, 28],
        [232, 17, 35],
        [0, 153, 188],
        [136, 23, 152],
    ];
    let accent = *rng.pick(&accents);
    if dark {
        Theme {
            dark,
            window_bg: gray(rng.range(24, 40)),
            panel_bg: gray(rng.range(40, 56)),
            title_bg: gray(rng.range(16, 30)),
            text: gray(rng.range(205, 235)),
            muted: gray(rng.range(130, 160)),
            accent,
            border: gray(rng.range(60, 80)),
        }
    } else {
        Theme {
            dark,
            window_bg: gray(rng.range(248, 255)),
            panel_bg: gray(rng.range(236, 246)),
            title_bg: gray(rng.range(220, 236)),
            text: gray(rng.range(20, 60)),
            muted: gray(rng.range(100, 140)),
            accent,
            border: gray(rng.range(200, 215)),
        }
    }
}

/// 5x7 pseudo glyph for a character code: looks like text from a distance.
fn glyph(code: u64) -> u64 {
    let mut r = Rng::new(code.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let mut bits = 0u64;
    for i in 0..35 {
        if r.chance(0.42) {
            bits |= 1 << i;
        }
    }
    bits
}

/// A line of pseudo text (words of glyphs). Returns width used.
pub(crate) fn text_line(
    c: &mut Canvas,
    x: i64,
    y: i64,
    max_w: i64,
    s: i64,
    col: Rgb,
    rng: &mut Rng,
) -> i64 {
    let mut cx = x;
    let adv = 6 * s;
    loop {
        let wl = rng.range(2, 9);
        if cx + wl * adv > x + max_w {
            break;
        }
        for _ in 0..wl {
            let g = glyph(rng.range(0, 61) as u64);
            for gy in 0..7 {
                for gx in 0..5 {
                    if g >> (gy * 5 + gx) & 1 == 1 {
                        c.rect(cx + gx * s, y + gy * s, s, s, col);
                    }
                }
            }
            cx += adv;
        }
        cx += adv;
        if rng.chance(0.08) {
            break;
        }
    }
    cx - x
}

/// Small UI icon that looks like a QR code (three finder-like squares):
/// a deliberate distractor, as on many "scan with your app" pages.
pub(crate) fn qr_icon(c: &mut Canvas, x: i64, y: i64, u: i64, fg: Rgb, bg: Rgb) {
    let n = 21 * u;
    c.rect(x, y, n, n, bg);
    for (fx, fy) in [(0, 0), (14, 0), (0, 14)] {
        c.rect(x + fx * u, y + fy * u, 7 * u, 7 * u, fg);
        c.rect(x + (fx + 1) * u, y + (fy + 1) * u, 5 * u, 5 * u, bg);
        c.rect(x + (fx + 2) * u, y + (fy + 2) * u, 3 * u, 3 * u, fg);
    }
    c.rect(x + 9 * u, y + 9 * u, 3 * u, 3 * u, fg);
    c.rect(x + 15 * u, y + 15 * u, 4 * u, 2 * u, fg);
}

pub(crate) fn draw_wallpaper(c: &mut Canvas, m: &Monitor, rng: &mut Rng) {
    let palettes: [(Rgb, Rgb); 5] = [
        ([10, 40, 90], [60, 120, 190]),
        ([30, 30, 40], [90, 70, 120]),
        ([20, 80, 60], [150, 190, 150]),
        ([200, 120, 60], [40, 30, 80]),
        ([0, 90, 160], [0, 20, 50]),
    ];
    let (a, b) = *rng.pick(&palettes);
    let r = m.r;
    c.gradient(
        r.x,
        r.y,
        r.w,
        r.h,
        jitter(a, 15, rng),
        jitter(b, 15, rng),
        rng.chance(0.5),
    );
    // a few soft shapes ("photo" wallpaper)
    for _ in 0..rng.range(3, 7) {
        let rad = (rng.range(80, 400) as f64 * m.ui) as i64;
        let cx = r.x + rng.range(0, r.w);
        let cy = r.y + rng.range(0, r.h);
        let col = [
            rng.range(0, 255) as u8,
            rng.range(0, 255) as u8,
            rng.range(0, 255) as u8,
        ];
        c.blob(cx, cy, rad, col, (r.x, r.y, r.w, r.h));
    }
}

pub(crate) fn draw_taskbar(c: &mut Canvas, m: &Monitor, t: &Theme, rng: &mut Rng) -> i64 {
    let h = (40.0 * m.ui) as i64;
    let r = m.r;
    let y = r.y + r.h - h;
    c.rect(
        r.x,
        y,
        r.w,
        h,
        if t.dark {
            gray(20)
        } else {
            gray(rng.range(225, 240))
        },
    );
    let icon = (24.0 * m.ui) as i64;
    let mut x = r.x + (12.0 * m.ui) as i64;
    for _ in 0..rng.range(5, 12) {
        let col = [
            rng.range(30, 230) as u8,
            rng.range(30, 230) as u8,
            rng.range(30, 230) as u8,
        ];
        c.rect(x, y + (h - icon) / 2, icon, icon, col);
        x += icon + (16.0 * m.ui) as i64;
    }
    // clock
    let s = (2.0 * m.ui).round().max(1.0) as i64;
    text_line(
        c,
        r.x + r.w - (110.0 * m.ui) as i64,
        y + (h - 7 * s) / 2,
        (90.0 * m.ui) as i64,
        s,
        if t.dark { gray(220) } else { gray(30) },
        rng,
    );
    h
}

/// A generic application window. Returns its content rectangle.
pub(crate) fn draw_window(c: &mut Canvas, w: Rect, t: &Theme, ui: f64, rng: &mut Rng) -> Rect {
    let sh = (8.0 * ui) as i64;
    c.blend(w.x + sh, w.y + sh, w.w, w.h, [0, 0, 0], 0.25);
    c.rect(w.x, w.y, w.w, w.h, t.window_bg);
    c.outline(w.x, w.y, w.w, w.h, 1.max(ui as i64), t.border);
    let th = (32.0 * ui) as i64;
    c.rect(w.x, w.y, w.w, th, t.title_bg);
    let s = (ui * 1.5).round().max(1.0) as i64;
    text_line(
        c,
        w.x + (12.0 * ui) as i64,
        w.y + (th - 7 * s) / 2,
        (w.w / 3).max(1),
        s,
        t.text,
        rng,
    );
    // window buttons
    let b = (12.0 * ui) as i64;
    for k in 0..3 {
        c.rect(
            w.x + w.w - (k + 1) * 3 * b,
            w.y + (th - b) / 2,
            b,
            b,
            t.muted,
        );
    }
    let mut content = Rect {
        x: w.x,
        y: w.y + th,
        w: w.w,
        h: w.h - th,
    };
    // optional sidebar
    if rng.chance(0.6) && w.w > (400.0 * ui) as i64 {
        let sw = (rng.range(160, 260) as f64 * ui) as i64;
        c.rect(content.x, content.y, sw, content.h, t.panel_bg);
        let mut y = content.y + (16.0 * ui) as i64;
        while y < content.y + content.h - (30.0 * ui) as i64 {
            if rng.chance(0.15) {
                c.rect(
                    content.x,
                    y - (6.0 * ui) as i64,
                    sw,
                    (26.0 * ui) as i64,
                    t.accent,
                );
                text_line(
                    c,
                    content.x + (16.0 * ui) as i64,
                    y,
                    sw - (32.0 * ui) as i64,
                    s,
                    [255, 255, 255],
                    rng,
                );
            } else {
                text_line(
                    c,
                    content.x + (16.0 * ui) as i64,
                    y,
                    sw - (32.0 * ui) as i64,
                    s,
                    t.text,
                    rng,
                );
            }
            y += (30.0 * ui) as i64;
        }
        content.x += sw;
        content.w -= sw;
    }
    // body: paragraphs, a table, buttons, maybe a photo
    let pad = (20.0 * ui) as i64;
    let mut y = content.y + pad;
    let bottom = content.y + content.h - pad;
    while y < bottom - (20.0 * ui) as i64 {
        match rng.range(0, 9) {
            0 if y + (180.0 * ui) as i64 <= bottom => {
                // photo
                let pw = (rng.range(200, 420) as f64 * ui) as i64;
                let ph = (rng.range(120, 240) as f64 * ui) as i64;
                let ph = ph.min(bottom - y);
                let pw = pw.min(content.w - 2 * pad);
                let a = [
                    rng.range(0, 255) as u8,
                    rng.range(0, 255) as u8,
                    rng.range(0, 255) as u8,
                ];
                let b2 = [
                    rng.range(0, 255) as u8,
                    rng.range(0, 255) as u8,
                    rng.range(0, 255) as u8,
                ];
                c.gradient(content.x + pad, y, pw, ph, a, b2, rng.chance(0.5));
                for _ in 0..4 {
                    let col = [
                        rng.range(0, 255) as u8,
                        rng.range(0, 255) as u8,
                        rng.range(0, 255) as u8,
                    ];
                    let rad = (rng.range(20, 90) as f64 * ui) as i64;
                    c.blob(
                        content.x + pad + rng.range(0, pw),
                        y + rng.range(0, ph),
                        rad,
                        col,
                        (content.x + pad, y, pw, ph),
                    );
                }
                c.noise(content.x + pad, y, pw, ph, rng.range(4, 14), rng);
                y += ph + pad;
            }
            1 if y + (160.0 * ui) as i64 <= bottom => {
                // table with grid lines
                let rows = rng.range(3, 8);
                let rh = (28.0 * ui) as i64;
                let tw = content.w - 2 * pad;
                let cols = rng.range(3, 6);
                for r in 0..rows {
                    if y + rh > bottom {
                        break;
                    }
                    if r == 0 {
                        c.rect(content.x + pad, y, tw, rh, t.panel_bg);
                    }
                    c.rect(content.x + pad, y + rh - 1, tw, 1.max(ui as i64), t.border);
                    for k in 0..cols {
                        let cw = tw / cols;
                        text_line(
                            c,
                            content.x + pad + k * cw + (8.0 * ui) as i64,
                            y + (rh - 7 * s) / 2,
                            cw - (16.0 * ui) as i64,
                            s,
                            if r == 0 { t.muted } else { t.text },
                            rng,
                        );
                    }
                    y += rh;
                }
                y += pad;
            }
            2 => {
                // buttons and a checkbox row
                let bh = (32.0 * ui) as i64;
                let mut x = content.x + pad;
                for k in 0..rng.range(1, 4) {
                    let bw = (rng.range(80, 160) as f64 * ui) as i64;
                    let (bg, fg) = if k == 0 {
                        (t.accent, [255, 255, 255])
                    } else {
                        (t.panel_bg, t.text)
                    };
                    c.rect(x, y, bw, bh, bg);
                    text_line(
                        c,
                        x + (12.0 * ui) as i64,
                        y + (bh - 7 * s) / 2,
                        bw - (24.0 * ui) as i64,
                        s,
                        fg,
                        rng,
                    );
                    x += bw + (12.0 * ui) as i64;
                }
                let cb = (16.0 * ui) as i64;
                c.outline(
                    x + pad,
                    y + (bh - cb) / 2,
                    cb,
                    cb,
                    1.max((1.5 * ui) as i64),
                    t.muted,
                );
                y += bh + pad;
            }
            3 => {
                // heading
                let hs = s + 1;
                text_line(c, content.x + pad, y, content.w / 2, hs, t.text, rng);
                y += 7 * hs + pad;
            }
            _ => {
                // paragraph
                for _ in 0..rng.range(1, 5) {
                    if y + 7 * s > bottom {
                        break;
                    }
                    text_line(c, content.x + pad, y, content.w - 2 * pad, s, t.text, rng);
                    y += 11 * s;
                }
                y += pad / 2;
            }
        }
    }
    content
}

pub(crate) fn monitors(res: &str, k: f64) -> (i64, i64, Vec<Monitor>) {
    let s = |v: i64| (v as f64 * k).round() as i64;
    match res {
        "1080p" => (
            s(1920),
            s(1080),
            vec![Monitor {
                r: Rect {
                    x: 0,
                    y: 0,
                    w: s(1920),
                    h: s(1080),
                },
                ui: k,
            }],
        ),
        "1440p" => (
            s(2560),
            s(1440),
            vec![Monitor {
                r: Rect {
                    x: 0,
                    y: 0,
                    w: s(2560),
                    h: s(1440),
                },
                ui: 1.25 * k,
            }],
        ),
        "4k" => (
            s(3840),
            s(2160),
            vec![Monitor {
                r: Rect {
                    x: 0,
                    y: 0,
                    w: s(3840),
                    h: s(2160),
                },
                ui: 2.0 * k,
            }],
        ),
        // 4K monitor + 1080p monitor side by side, top-aligned: 5760x2160
        // bounding box with an unused black area under the small monitor.
        "dual5760" => (
            s(5760),
            s(2160),
            vec![
                Monitor {
                    r: Rect {
                        x: 0,
                        y: 0,
                        w: s(3840),
                        h: s(2160),
                    },
                    ui: 2.0 * k,
                },
                Monitor {
                    r: Rect {
                        x: s(3840),
                        y: 0,
                        w: s(1920),
                        h: s(1080),
                    },
                    ui: k,
                },
            ],
        ),
        _ => panic!("unknown resolution {res}"),
    }
}
