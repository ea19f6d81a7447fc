//! What the codes hold: realistic `otpauth://` key URIs (issuers and accounts in English and
//! Japanese, percent-encoded, 16- or 32-character keys, sometimes in mixed case, sometimes with
//! explicit parameters) and the error-correction level of each code.

use qrcode::EcLevel;

use crate::rng::Rng;

const ISSUERS: [&str; 8] = [
    "Trend Micro SaaS Account",
    "Example Cloud Console",
    "Acme Security Suite",
    "サイボウズ Office",
    "ChatWorks Admin",
    "Contoso 365",
    "株式会社サンプル",
    "Mamori Test",
];
const USERS: [&str; 6] = [
    "abc",
    "admin",
    "it-support",
    "yamada.taro",
    "j.smith",
    "secops",
];
const DOMAINS: [&str; 5] = [
    "example.co.jp",
    "example.com",
    "corp.example.jp",
    "sample.org",
    "example.net",
];

fn pct(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{:02X}", b));
        }
    }
    out
}

pub(crate) fn payload(rng: &mut Rng) -> String {
    let issuer = *rng.pick(&ISSUERS);
    let account = format!("{}@{}", rng.pick(&USERS), rng.pick(&DOMAINS));
    const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let len = if rng.chance(0.25) { 16 } else { 32 };
    let mixed = rng.chance(0.15);
    let secret: String = (0..len)
        .map(|_| {
            let ch = B32[rng.range(0, 31) as usize] as char;
            if mixed && rng.chance(0.5) {
                ch.to_ascii_lowercase()
            } else {
                ch
            }
        })
        .collect();
    let mut uri = format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}",
        pct(issuer),
        pct(&account),
        secret,
        pct(issuer)
    );
    if rng.chance(0.35) {
        uri.push_str(&format!(
            "&algorithm=SHA1&digits=6&period={}",
            if rng.chance(0.8) { 30 } else { 60 }
        ));
    }
    uri
}

pub(crate) fn ec_level(rng: &mut Rng) -> (EcLevel, &'static str) {
    let r = rng.f64();
    if r < 0.3 {
        (EcLevel::L, "L")
    } else if r < 0.8 {
        (EcLevel::M, "M")
    } else if r < 0.9 {
        (EcLevel::Q, "Q")
    } else {
        (EcLevel::H, "H")
    }
}

/// Long Japanese labels, as a Japanese admin console names its key (each kanji is nine bytes
/// once percent-encoded, so the label alone takes 150-250 bytes).
const LONG_ISSUERS: [&str; 4] = [
    "株式会社サンプル 情報システム部 管理コンソール",
    "サイボウズ Office 管理者アカウント（本社）",
    "トレンドマイクロ クラウドワン 管理ポータル",
    "社内ネットワーク 統合認証基盤 リモートアクセス",
];

/// A key URI with a long Japanese label in both the path and `issuer=`, a 32-character key and
/// every parameter written out: 400-550 bytes, QR version 14-20 at levels L/M.
pub(crate) fn long_payload(rng: &mut Rng) -> String {
    let issuer = *rng.pick(&LONG_ISSUERS);
    let account = format!("{}@{}", rng.pick(&USERS), rng.pick(&DOMAINS));
    const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let secret: String = (0..32)
        .map(|_| B32[rng.range(0, 31) as usize] as char)
        .collect();
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period=30",
        pct(issuer),
        pct(&account),
        secret,
        pct(issuer)
    )
}
