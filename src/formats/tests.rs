//! One canonical account set written to every format by hand, following `docs/formats.md`
//! (never with Mamori's own exporters), then imported and compared field by field with the
//! codes expected at pinned times (the values of docs/formats.md §15). Encrypted variants are made
//! here with each spec's KDF and cipher, straight from the crypto crates. Then: round trips
//! through Mamori's exporters, and damaged input for every importer.

use aes_gcm::aead::{Aead as _, KeyInit as _};
use aes_gcm::{Aes256Gcm, Nonce};
use serde_json::{Value, json};

use super::*;
use crate::account::{Algorithm, OtpKind};
use crate::secret::Secret;

/// One account of the canonical set, with the code expected at `at` (from docs/formats.md §15 or
/// Python's hmac).
struct Canon {
    issuer: &'static str,
    name: &'static str,
    secret: &'static str,
    kind: OtpKind,
    algorithm: Algorithm,
    digits: u8,
    at: u64,
    code: &'static str,
}

const T: u64 = 1_700_000_000;

const CANON: &[Canon] = &[
    Canon {
        issuer: "株式会社サンプル",
        name: "山田 太郎",
        secret: "ABCDEFGHijkl2345",
        kind: OtpKind::Totp { period: 30 },
        algorithm: Algorithm::Sha1,
        digits: 6,
        at: T,
        code: "524686",
    },
    Canon {
        issuer: "Example Co",
        name: "alice@example.com",
        secret: "JBSWY3DPEHPK3PXP",
        kind: OtpKind::Totp { period: 30 },
        algorithm: Algorithm::Sha256,
        digits: 8,
        at: T,
        code: "32049486",
    },
    Canon {
        issuer: "Work",
        name: "ops",
        secret: "GAYTEMZUGU3DOOBZMFRGGZDFMYYDCMRT",
        kind: OtpKind::Totp { period: 60 },
        algorithm: Algorithm::Sha512,
        digits: 8,
        at: T,
        code: "55723731",
    },
    Canon {
        issuer: "",
        name: "plain-sha1",
        secret: "GAYTEMZUGU3DOOBZMFRGGZDFMYYDCMRT",
        kind: OtpKind::Totp { period: 30 },
        algorithm: Algorithm::Sha1,
        digits: 6,
        at: T,
        code: "666892",
    },
    Canon {
        issuer: "Example Co",
        name: "ops-hotp",
        secret: "JBSWY3DPEHPK3PXP",
        kind: OtpKind::Hotp { counter: 5 },
        algorithm: Algorithm::Sha1,
        digits: 6,
        at: 0,
        code: "768897",
    },
    Canon {
        issuer: "Seven",
        name: "seven",
        secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        kind: OtpKind::Totp { period: 30 },
        algorithm: Algorithm::Sha1,
        digits: 7,
        at: 59,
        code: "4287082",
    },
    // docs/formats.md §15. Each writer below uses its format's own spelling of Steam.
    Canon {
        issuer: "Steam",
        name: "gaben",
        secret: "JBSWY3DPEHPK3PXP",
        kind: OtpKind::Steam { period: 30 },
        algorithm: Algorithm::Sha1,
        digits: 5,
        at: T,
        code: "2KM2P",
    },
];

fn bytes_of(b32: &str) -> Vec<u8> {
    Secret::from_base32(b32).unwrap().0.as_bytes().to_vec()
}

fn upper(b32: &str) -> String {
    b32.to_ascii_uppercase()
}

fn period(c: &Canon) -> u32 {
    c.kind.period().unwrap_or(30)
}

fn counter(c: &Canon) -> u64 {
    c.kind.counter().unwrap_or(0)
}

fn is_hotp(c: &Canon) -> bool {
    matches!(c.kind, OtpKind::Hotp { .. })
}

fn is_steam(c: &Canon) -> bool {
    matches!(c.kind, OtpKind::Steam { .. })
}

/// Compares what was imported with the canonical accounts `expected` (indices into CANON).
fn check(parsed: &Parsed, expected: &[usize], what: &str) {
    let entries: Vec<&Entry> = parsed.entries().collect();
    assert_eq!(entries.len(), expected.len(), "{what}: {:?}", parsed.items);
    for &i in expected {
        let c = &CANON[i];
        let e = entries
            .iter()
            .find(|e| e.name == c.name)
            .unwrap_or_else(|| panic!("{what}: no {} in {:?}", c.name, parsed.items));
        assert_eq!(e.issuer, c.issuer, "{what}: issuer of {}", c.name);
        assert_eq!(
            e.otp.secret.as_bytes(),
            bytes_of(c.secret),
            "{what}: key of {}",
            c.name
        );
        assert_eq!(e.otp.kind, c.kind, "{what}: kind of {}", c.name);
        assert_eq!(
            e.otp.algorithm, c.algorithm,
            "{what}: algorithm of {}",
            c.name
        );
        assert_eq!(e.otp.digits, c.digits, "{what}: digits of {}", c.name);
        assert_eq!(
            crate::otp::generate(&e.otp, c.at).code,
            c.code,
            "{what}: code of {}",
            c.name
        );
    }
}

fn all() -> Vec<usize> {
    (0..CANON.len()).collect()
}

fn round(bytes: &[u8], password: Option<&str>, expected: &[usize], format: Format) {
    assert_eq!(detect(bytes), Some(format), "{format:?} detection");
    let parsed = import(bytes, format, password).unwrap_or_else(|e| panic!("{format:?}: {e}"));
    assert_eq!(parsed.format, format);
    check(&parsed, expected, format.id());
}

// ---------------------------------------------------------------------------------------------
// Writers that follow the spec, independent of Mamori's exporters.

fn gcm(key: &[u8], nonce: &[u8; 12], plain: &[u8]) -> Vec<u8> {
    Aes256Gcm::new_from_slice(key)
        .unwrap()
        .encrypt(&Nonce::from(*nonce), plain)
        .unwrap()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn b64(b: &[u8]) -> String {
    data_encoding::BASE64.encode(b)
}

fn enc(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// docs/formats.md §3, written the way several apps do: raw Japanese on one line, percent-encoded
/// on others, lower-case algorithm, mixed-case key.
fn uri(c: &Canon, raw_labels: bool) -> String {
    let label = |t: &str| {
        if raw_labels {
            t.replace(' ', "%20")
        } else {
            enc(t)
        }
    };
    let mut u = format!("otpauth://{}/", c.kind.name());
    if !c.issuer.is_empty() {
        u += &format!("{}:", label(c.issuer));
    }
    u += &label(c.name);
    u += &format!("?secret={}", c.secret);
    if !c.issuer.is_empty() {
        u += &format!("&issuer={}", label(c.issuer));
    }
    u += &format!(
        "&algorithm={}&digits={}",
        c.algorithm.as_str().to_lowercase(),
        c.digits
    );
    if is_hotp(c) {
        u += &format!("&counter={}", counter(c));
    } else {
        u += &format!("&period={}", period(c));
    }
    u
}

fn uri_list() -> Vec<u8> {
    let mut text = String::from("\u{FEFF}# Notepad export\r\n\r\n");
    for (i, c) in CANON.iter().enumerate() {
        text += &uri(c, i % 2 == 0);
        text += "\r\n";
    }
    text.into_bytes()
}

fn ente_plain() -> Vec<u8> {
    let mut text = String::new();
    for c in CANON {
        let display = enc(r#"{"pinned":false,"trashed":false,"tags":["work"],"note":"n"}"#);
        text += &format!("{}&codeDisplay={display}\n", uri(c, false));
    }
    text.into_bytes()
}

/// docs/formats.md §4: the protobuf written byte by byte.
fn migration_uri(indices: &[usize], index: i32, size: i32) -> String {
    fn varint(out: &mut Vec<u8>, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }
    fn field_bytes(out: &mut Vec<u8>, tag: u64, data: &[u8]) {
        varint(out, tag << 3 | 2);
        varint(out, data.len() as u64);
        out.extend_from_slice(data);
    }
    let mut payload = Vec::new();
    for &i in indices {
        let c = &CANON[i];
        let mut p = Vec::new();
        field_bytes(&mut p, 1, &bytes_of(c.secret));
        field_bytes(&mut p, 2, c.name.as_bytes());
        field_bytes(&mut p, 3, c.issuer.as_bytes());
        for (tag, value) in [
            (4, 1u64),
            (5, if c.digits == 8 { 2 } else { 1 }),
            (6, if is_hotp(c) { 1 } else { 2 }),
            (7, counter(c)),
        ] {
            varint(&mut p, tag << 3);
            varint(&mut p, value);
        }
        field_bytes(&mut payload, 1, &p);
    }
    for (tag, value) in [
        (2, 1u64),
        (3, size as u64),
        (4, index as u64),
        (5, (-123456i64) as u64),
    ] {
        varint(&mut payload, tag << 3);
        varint(&mut payload, value);
    }
    format!("otpauth-migration://offline?data={}", enc(&b64(&payload)))
}

fn aegis_db() -> Value {
    let entries: Vec<Value> = CANON
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut info = json!({"secret": upper(c.secret), "algo": c.algorithm.as_str(), "digits": c.digits});
            if is_hotp(c) {
                info["counter"] = json!(counter(c));
            } else {
                info["period"] = json!(period(c));
            }
            json!({
                "type": c.kind.name(),
                "uuid": format!("0b1c2d3e-4f50-4617-8899-aabbccddee{i:02}"),
                "name": c.name, "issuer": c.issuer, "note": "", "favorite": false,
                "icon": null, "icon_mime": null, "icon_hash": null,
                "info": info, "groups": ["11111111-2222-4333-8444-555555555555"]
            })
        })
        .collect();
    json!({"version": 3, "entries": entries,
           "groups": [{"uuid": "11111111-2222-4333-8444-555555555555", "name": "Work"}]})
}

fn aegis_plain() -> Vec<u8> {
    serde_json::to_vec(
        &json!({"version": 1, "header": {"slots": null, "params": null}, "db": aegis_db()}),
    )
    .unwrap()
}

/// docs/formats.md §5: scrypt(N=32768, r=8, p=1) wraps a random master key that encrypts `db`.
fn aegis_encrypted(password: &str) -> Vec<u8> {
    let salt = [7u8; 32];
    let master = [9u8; 32];
    let mut key = [0u8; 32];
    scrypt::scrypt(
        password.as_bytes(),
        &salt,
        &scrypt::Params::new(15, 8, 1).unwrap(),
        &mut key,
    )
    .unwrap();
    let wrapped = gcm(&key, &[1; 12], &master);
    let db = gcm(&master, &[2; 12], &serde_json::to_vec(&aegis_db()).unwrap());
    let (db, db_tag) = db.split_at(db.len() - 16);
    let (wk, wtag) = wrapped.split_at(32);
    serde_json::to_vec(&json!({
        "version": 1,
        "header": {
            "slots": [
                {"type": 2, "uuid": "x", "key": "00", "key_params": {"nonce": "00", "tag": "00"}},
                {"type": 1, "uuid": "y", "key": hex(wk), "key_params": {"nonce": hex(&[1; 12]), "tag": hex(wtag)},
                 "n": 32768, "r": 8, "p": 1, "salt": hex(&salt), "repaired": true, "is_backup": false}
            ],
            "params": {"nonce": hex(&[2; 12]), "tag": hex(db_tag)}
        },
        "db": b64(db)
    }))
    .unwrap()
}

fn twofas_services() -> Value {
    Value::Array(
        CANON
            .iter()
            .map(|c| {
                json!({
                    "name": c.issuer,
                    "secret": upper(c.secret),
                    "updatedAt": 1700000000000u64,
                    "otp": {
                        "account": c.name, "issuer": c.issuer, "label": c.name,
                        "digits": c.digits, "period": period(c), "algorithm": c.algorithm.as_str(),
                        "tokenType": c.kind.name().to_uppercase(),
                        "counter": counter(c), "source": "Manual"
                    },
                    "order": {"position": 0}
                })
            })
            .collect(),
    )
}

fn twofas_plain() -> Vec<u8> {
    serde_json::to_vec(
        &json!({"services": twofas_services(), "groups": [], "schemaVersion": 4,
        "appOrigin": "android", "updatedAt": 1700000000000u64}),
    )
    .unwrap()
}

/// docs/formats.md §6: PBKDF2-HMAC-SHA256, 10 000 iterations, 256-byte salt; AES-GCM with tag.
fn twofas_encrypted(password: &str) -> Vec<u8> {
    let salt = [5u8; 256];
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), &salt, 10_000, &mut key);
    let data = gcm(
        &key,
        &[3; 12],
        &serde_json::to_vec(&twofas_services()).unwrap(),
    );
    let reference = gcm(&key, &[4; 12], b"tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6mtsy92R3HkdGfwuXbzLebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidXQCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd");
    let blob = |d: &[u8], iv: &[u8]| format!("{}:{}:{}", b64(d), b64(&salt), b64(iv));
    serde_json::to_vec(&json!({"services": [], "groups": [], "schemaVersion": 4,
        "servicesEncrypted": blob(&data, &[3; 12]), "reference": blob(&reference, &[4; 12])}))
    .unwrap()
}

fn andotp_json() -> Vec<u8> {
    let entries: Vec<Value> = CANON
        .iter()
        .map(|c| {
            let secret = data_encoding::BASE32.encode(&bytes_of(c.secret)); // with padding
            let mut e = json!({"secret": secret, "issuer": c.issuer, "label": c.name,
                "digits": c.digits, "type": c.kind.name().to_uppercase(),
                "algorithm": c.algorithm.as_str(), "thumbnail": "Default", "last_used": 0,
                "used_frequency": 0, "tags": ["work"]});
            if is_hotp(c) {
                e["counter"] = json!(counter(c));
            } else if !is_steam(c) {
                // andOTP writes no period for Steam.
                e["period"] = json!(period(c));
            }
            e
        })
        .collect();
    serde_json::to_vec(&entries).unwrap()
}

/// docs/formats.md §7: iterations (BE u32), salt, nonce, ciphertext+tag; PBKDF2-HMAC-SHA1.
fn andotp_encrypted(password: &str) -> Vec<u8> {
    let iterations: u32 = 140_000;
    let salt = [6u8; 12];
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password.as_bytes(), &salt, iterations, &mut key);
    let mut out = iterations.to_be_bytes().to_vec();
    out.extend_from_slice(&salt);
    out.extend_from_slice(&[8; 12]);
    out.extend(gcm(&key, &[8; 12], &andotp_json()));
    out
}

/// docs/formats.md §7 old format: key = SHA-256(password), nonce, ciphertext+tag.
fn andotp_old(password: &str) -> Vec<u8> {
    use sha2::Digest as _;
    let key = sha2::Sha256::digest(password.as_bytes());
    let mut out = vec![9u8; 12];
    out.extend(gcm(&key, &[9; 12], &andotp_json()));
    out
}

fn bitwarden_json() -> Vec<u8> {
    let mut items: Vec<Value> = CANON
        .iter()
        .map(|c| {
            // Bitwarden's own Steam form (§8, form 3) in the JSON; the CSV has the URI.
            let totp = if is_steam(c) {
                format!("steam://{}", c.secret)
            } else {
                uri(c, false)
            };
            json!({"id": "x", "type": 1, "name": c.issuer, "notes": null, "favorite": false,
                   "login": {"uris": [], "username": c.name, "password": "pw", "totp": totp}})
        })
        .collect();
    items.push(json!({"type": 1, "name": "no totp", "login": {"username": "u", "totp": null}}));
    serde_json::to_vec(&json!({"encrypted": false, "folders": [], "items": items})).unwrap()
}

fn bitwarden_csv() -> Vec<u8> {
    let mut text = String::from(
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\r\n",
    );
    for c in CANON {
        text += &format!(
            ",,login,\"{}\",\"multi\nline, note\",,0,https://x,{},pw,{}\r\n",
            c.issuer,
            c.name,
            uri(c, false)
        );
    }
    text += ",,login,no totp,,,0,,u,pw,\r\n";
    text.into_bytes()
}

fn freeotp_json() -> Vec<u8> {
    let tokens: Vec<Value> = CANON
        .iter()
        .map(|c| {
            let secret: Vec<i8> = bytes_of(c.secret).iter().map(|b| *b as i8).collect();
            json!({"algo": c.algorithm.as_str(), "counter": if is_hotp(c) { counter(c) - 1 } else { 0 },
                   "digits": c.digits, "issuerExt": c.issuer, "issuerInt": c.issuer, "label": c.name,
                   "period": period(c), "secret": secret, "type": if is_hotp(c) { "HOTP" } else { "TOTP" }})
            // FreeOTP: a TOTP token whose `issuerExt` is `Steam` is a Steam token.
        })
        .collect();
    let order: Vec<String> = CANON
        .iter()
        .map(|c| format!("{}:{}", c.issuer, c.name))
        .collect();
    serde_json::to_vec(&json!({"tokenOrder": order, "tokens": tokens})).unwrap()
}

fn authenticator_ext() -> Vec<u8> {
    let mut root = serde_json::Map::new();
    for (i, c) in CANON.iter().enumerate() {
        let id = format!("0000000{i}-0000-4000-8000-000000000000");
        let mut e = json!({"dataType": "OTPStorage", "encrypted": false, "hash": id, "index": i,
            "type": c.kind.name(), "secret": c.secret, "account": c.name});
        if !c.issuer.is_empty() {
            e["issuer"] = json!(c.issuer);
        }
        if is_hotp(c) {
            e["counter"] = json!(counter(c));
        } else if period(c) != 30 {
            e["period"] = json!(period(c));
        }
        if c.digits != 6 && !is_steam(c) {
            e["digits"] = json!(c.digits);
        }
        if c.algorithm != Algorithm::Sha1 {
            e["algorithm"] = json!(c.algorithm.as_str());
        }
        root.insert(id, e);
    }
    root.insert("UserSettings".into(), json!({"theme": "dark"}));
    serde_json::to_vec(&root).unwrap()
}

/// KeePassXC's CSV with its TOTP column, plus KeePass 2 TimeOtp/HmacOtp fields.
fn keepass_csv() -> Vec<u8> {
    let mut text = String::from(
        "\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\",\"TOTP\",\"TimeOtp-Secret-Base32\",\"TimeOtp-Length\",\"TimeOtp-Period\",\"TimeOtp-Algorithm\",\"HmacOtp-Secret-Hex\",\"HmacOtp-Counter\"\n",
    );
    for (i, c) in CANON.iter().enumerate() {
        let row = if is_hotp(c) {
            let secret = hex(&bytes_of(c.secret));
            format!(",,,,,{secret},{}", counter(c))
        } else if is_steam(c) {
            // KeePassXC writes Steam as a `totp` URI with `encoder=steam`.
            let totp = format!(
                "otpauth://totp/Steam:{}?secret={}&period=30&digits=5&issuer=Steam&encoder=steam",
                c.name, c.secret
            );
            format!("\"{totp}\",,,,,,")
        } else if i % 2 == 1 {
            let alg = match c.algorithm {
                Algorithm::Sha1 => "HMAC-SHA-1",
                Algorithm::Sha256 => "HMAC-SHA-256",
                Algorithm::Sha512 => "HMAC-SHA-512",
            };
            format!(",{},{},{},{alg},,", c.secret, c.digits, period(c))
        } else {
            format!("\"{}\",,,,,,", uri(c, false))
        };
        text += &format!(
            "\"Root\",\"{}\",\"{}\",\"pw\",\"\",\"\",{row}\n",
            c.issuer, c.name
        );
    }
    text += "\"Root\",\"No OTP\",\"u\",\"pw\",\"\",\"\",,,,,,,\n";
    text.into_bytes()
}

// ---------------------------------------------------------------------------------------------

const PW: &str = "パスワード correct horse";

#[test]
fn canonical_set_through_every_importer() {
    round(&uri_list(), None, &all(), Format::UriList);
    round(&ente_plain(), None, &all(), Format::UriList);
    round(&aegis_plain(), None, &all(), Format::Aegis);
    round(&aegis_encrypted(PW), Some(PW), &all(), Format::Aegis);
    round(&twofas_plain(), None, &all(), Format::TwoFas);
    round(&twofas_encrypted(PW), Some(PW), &all(), Format::TwoFas);
    round(&andotp_json(), None, &all(), Format::AndOtp);
    round(&andotp_encrypted(PW), Some(PW), &all(), Format::AndOtp);
    round(&andotp_old(PW), Some(PW), &all(), Format::AndOtp);
    round(&bitwarden_json(), None, &all(), Format::Bitwarden);
    round(&bitwarden_csv(), None, &all(), Format::BitwardenCsv);
    round(&freeotp_json(), None, &all(), Format::FreeOtpPlus);
    round(&authenticator_ext(), None, &all(), Format::AuthenticatorExt);
    round(&keepass_csv(), None, &all(), Format::KeePassCsv);
}

// Encrypted exports made by independent implementations (libsodium through PyNaCl, Python's
// `cryptography` and argon2-cffi): `tests/data/make-encrypted-exports.py`. Each holds CANON 0
// (TOTP), 4 (HOTP) and 6 (Steam) under the password `PW`.
const ENTE_ENCRYPTED: &[u8] = include_bytes!("../../tests/data/formats/ente-auth-encrypted.txt");
const BITWARDEN_PBKDF2: &[u8] =
    include_bytes!("../../tests/data/formats/bitwarden_encrypted_pbkdf2.json");
const BITWARDEN_ARGON2: &[u8] =
    include_bytes!("../../tests/data/formats/bitwarden_encrypted_argon2.json");
const AUTHENTICATOR_ENCRYPTED: &[u8] =
    include_bytes!("../../tests/data/formats/authenticator-encrypted.json");
const AUTHENTICATOR_V1: &[u8] =
    include_bytes!("../../tests/data/formats/authenticator-encrypted-v1.json");
const AUTHENTICATOR_V2: &[u8] =
    include_bytes!("../../tests/data/formats/authenticator-encrypted-v2.json");

#[test]
fn encrypted_exports_from_independent_implementations() {
    for (bytes, format) in [
        (ENTE_ENCRYPTED, Format::EnteEncrypted),
        (BITWARDEN_PBKDF2, Format::Bitwarden),
        (BITWARDEN_ARGON2, Format::Bitwarden),
        (AUTHENTICATOR_ENCRYPTED, Format::AuthenticatorExt),
        (AUTHENTICATOR_V1, Format::AuthenticatorExt),
        (AUTHENTICATOR_V2, Format::AuthenticatorExt),
    ] {
        round(bytes, Some(PW), &[0, 4, 6], format);
        assert_eq!(
            import(bytes, format, None),
            Err(ImportError::PasswordRequired),
            "{format:?}"
        );
        assert_eq!(
            import(bytes, format, Some("パスワード correct hors")),
            Err(ImportError::WrongPassword),
            "{format:?}"
        );
    }
}

const STRATUM_PLAIN: &[u8] = include_bytes!("../../tests/data/formats/stratum-backup.json");
const STRATUM_ENCRYPTED: &[u8] = include_bytes!("../../tests/data/formats/stratum-backup.authpro");
const STRATUM_LEGACY: &[u8] =
    include_bytes!("../../tests/data/formats/stratum-backup-legacy.authpro");
const FREEOTP2: &[u8] = include_bytes!("../../tests/data/formats/freeotp2-externalBackup.xml");

/// Stratum (Python's `cryptography`, argon2-cffi) and FreeOTP 2 (the JDK's ObjectOutputStream,
/// PBKDF2 and AES-GCM) backups: the three accounts, Stratum's categories as tags and its custom
/// icon, FreeOTP 2's counter as stored.
#[test]
fn stratum_and_freeotp2_backups() {
    round(STRATUM_PLAIN, None, &[0, 4, 6], Format::Stratum);
    for (bytes, format) in [
        (STRATUM_ENCRYPTED, Format::Stratum),
        (STRATUM_LEGACY, Format::Stratum),
        (FREEOTP2, Format::FreeOtp2),
    ] {
        round(bytes, Some(PW), &[0, 4, 6], format);
        assert_eq!(
            import(bytes, format, None),
            Err(ImportError::PasswordRequired),
            "{format:?}"
        );
        for wrong in ["パスワード correct hors", ""] {
            assert_eq!(
                import(bytes, format, Some(wrong)),
                Err(ImportError::WrongPassword),
                "{format:?}"
            );
        }
    }
    for bytes in [STRATUM_PLAIN, STRATUM_ENCRYPTED, STRATUM_LEGACY] {
        let parsed = import(bytes, Format::Stratum, Some(PW)).unwrap();
        let entries: Vec<&Entry> = parsed.entries().collect();
        // Stratum's order (Ranking), categories by the exact secret: the HOTP account's key is
        // the Steam key in lower case and is in no category.
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["山田 太郎", "ops-hotp", "gaben"]);
        assert_eq!(entries[0].tags, ["仕事"]);
        assert!(entries[1].tags.is_empty());
        assert_eq!(entries[2].tags, ["Games"]);
        let icon = entries[0].icon.as_deref().expect("custom icon");
        assert!(icon.starts_with(b"\x89PNG"));
        // A bundled icon name (`steam`) is Stratum's own: not carried.
        assert_eq!(entries[2].icon, None);
    }
}

/// Damage to a Stratum or FreeOTP 2 file is an error or rejected entries, never a panic or a
/// success with wrong keys: every cut of the files and a flipped byte in every position of
/// FreeOTP 2's stream.
#[test]
fn damaged_stratum_and_freeotp2_files() {
    for (bytes, format) in [
        (STRATUM_ENCRYPTED, Format::Stratum),
        (STRATUM_LEGACY, Format::Stratum),
        (FREEOTP2, Format::FreeOtp2),
    ] {
        for cut in [0, 10, 16, 40, bytes.len() / 2, bytes.len() - 1] {
            let result = import(&bytes[..cut], format, Some(PW));
            assert!(result.is_err(), "{format:?} cut at {cut}: {result:?}");
        }
    }
    // The stream part of FreeOTP 2's file, byte by byte (the key derivation runs once per
    // flip that still parses, so only the first 400 bytes: the header and the master key).
    for at in (0..FREEOTP2.len().min(400)).step_by(13) {
        let mut bytes = FREEOTP2.to_vec();
        bytes[at] ^= 0x41;
        if let Ok(parsed) = import(&bytes, Format::FreeOtp2, Some(PW)) {
            for e in parsed.entries() {
                assert!(
                    [0, 4, 6]
                        .iter()
                        .any(|&i| e.otp.secret.as_bytes() == bytes_of(CANON[i].secret)),
                    "flip at {at} gave a wrong key"
                );
            }
        }
    }
    let legacy_flipped = {
        let mut b = STRATUM_LEGACY.to_vec();
        let last = b.len() - 20;
        b[last] ^= 1;
        b
    };
    let result = import(&legacy_flipped, Format::Stratum, Some(PW));
    assert!(result.is_err(), "{result:?}");
}

/// A changed byte in the ciphertext is caught by each format's MAC (Ente, Bitwarden) or
/// padding and JSON (CryptoJS has no MAC: the entry is rejected, the others still import).
#[test]
fn tampered_encrypted_exports_are_caught() {
    let mut ente: Value = serde_json::from_slice(ENTE_ENCRYPTED).unwrap();
    let mut data = data_encoding::BASE64
        .decode(ente["encryptedData"].as_str().unwrap().as_bytes())
        .unwrap();
    data[5] ^= 1;
    ente["encryptedData"] = json!(b64(&data));
    let ente = serde_json::to_vec(&ente).unwrap();
    assert_eq!(
        import(&ente, Format::EnteEncrypted, Some(PW)),
        Err(ImportError::WrongPassword)
    );
    let mut bw: Value = serde_json::from_slice(BITWARDEN_PBKDF2).unwrap();
    let data = bw["data"].as_str().unwrap().replacen("2.", "2.A", 1);
    bw["data"] = json!(data);
    let result = import(
        &serde_json::to_vec(&bw).unwrap(),
        Format::Bitwarden,
        Some(PW),
    );
    assert!(
        matches!(result, Err(ImportError::Damaged { .. })),
        "{result:?}"
    );
    let mut ext: Value = serde_json::from_slice(AUTHENTICATOR_ENCRYPTED).unwrap();
    let entry = ext
        .as_object_mut()
        .unwrap()
        .values_mut()
        .find(|v| v["dataType"] == "EncOTPStorage" && v["index"] == 0)
        .unwrap();
    let mut raw = data_encoding::BASE64
        .decode(entry["data"].as_str().unwrap().as_bytes())
        .unwrap();
    raw[20] ^= 0x55;
    entry["data"] = json!(b64(&raw));
    let parsed = import(
        &serde_json::to_vec(&ext).unwrap(),
        Format::AuthenticatorExt,
        Some(PW),
    )
    .unwrap();
    assert_eq!(parsed.entries().count(), 2, "{:?}", parsed.items);
}

const WINAUTH_ZIP: &[u8] = include_bytes!("../../tests/data/formats/winauth-export.zip");
const WINAUTH_ZIP_PASSWORD: &[u8] =
    include_bytes!("../../tests/data/formats/winauth-export-password.zip");

/// WinAuth's ZIP export (made by Info-ZIP: `tests/data/make-winauth-zips.sh`), without and with
/// a ZipCrypto password; every `.txt` entry is read.
#[test]
fn winauth_zip_exports() {
    assert_eq!(detect(WINAUTH_ZIP), Some(Format::ZipUriList));
    let plain = import(WINAUTH_ZIP, Format::ZipUriList, None).unwrap();
    let names: Vec<&str> = plain.entries().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["山田 太郎", "ops-hotp"]);
    let locked = WINAUTH_ZIP_PASSWORD;
    assert_eq!(
        import(locked, Format::ZipUriList, None),
        Err(ImportError::PasswordRequired)
    );
    for wrong in ["winauth export 3.7", "", "パスワード"] {
        assert_eq!(
            import(locked, Format::ZipUriList, Some(wrong)),
            Err(ImportError::WrongPassword),
            "{wrong:?}"
        );
    }
    let parsed = import(locked, Format::ZipUriList, Some("winauth export 3.6")).unwrap();
    let entries: Vec<&Entry> = parsed.entries().collect();
    assert_eq!(entries.len(), 3, "{:?}", parsed.items);
    assert_eq!(crate::otp::generate(&entries[0].otp, T).code, "524686");
    // WinAuth's Steam line (issuer Steam with a device id) is a Steam account.
    assert_eq!(entries[2].otp.kind, OtpKind::Steam { period: 30 });
    assert_eq!(crate::otp::generate(&entries[2].otp, T).code, "2KM2P");
    // A truncated archive is a damaged file, whatever the cut.
    for cut in [10, WINAUTH_ZIP.len() / 2, WINAUTH_ZIP.len() - 1] {
        let result = import(&WINAUTH_ZIP[..cut], Format::ZipUriList, None);
        assert!(
            matches!(&result, Err(ImportError::Damaged { detail, .. }) if detail.contains("truncated")),
            "cut {cut}: {result:?}"
        );
    }
}

#[test]
fn google_migration_batches() {
    // Only SHA1, 6/8 digits, 30 s fits: accounts 0, 3 and 4.
    let text = format!(
        "{}\r\n{}\r\n",
        migration_uri(&[0, 3], 0, 3),
        migration_uri(&[4], 2, 3)
    );
    let parsed = import(text.as_bytes(), Format::GoogleMigration, None).unwrap();
    assert_eq!(detect(text.as_bytes()), Some(Format::GoogleMigration));
    check(&parsed, &[0, 3, 4], "migration");
    assert_eq!(
        parsed.notices,
        vec![Notice::Batches {
            size: 3,
            missing: vec![2]
        }]
    );
}

#[test]
fn encrypted_files_ask_for_a_password_first_and_refuse_a_wrong_one() {
    for (bytes, format) in [
        (aegis_encrypted(PW), Format::Aegis),
        (twofas_encrypted(PW), Format::TwoFas),
        (andotp_encrypted(PW), Format::AndOtp),
        (andotp_old(PW), Format::AndOtp),
    ] {
        assert_eq!(detect(&bytes), Some(format));
        assert_eq!(
            import(&bytes, format, None),
            Err(ImportError::PasswordRequired),
            "{format:?}"
        );
        assert_eq!(
            import(&bytes, format, Some("wrong")),
            Err(ImportError::WrongPassword),
            "{format:?}"
        );
    }
}

#[test]
fn apply_reports_each_entry_and_skips_duplicates() {
    let mut file = uri_list();
    file.extend_from_slice(uri(&CANON[1], true).as_bytes());
    file.extend_from_slice(b"\notpauth://totp/Bad:entry?secret=0000\n");
    let parsed = detect_and_import(&file, None).unwrap();
    let mut accounts = Vec::new();
    let report = apply(&parsed, &mut accounts, &mut Vec::new(), 5);
    assert_eq!(report.imported(), CANON.len());
    assert_eq!(report.duplicates(), 1);
    assert_eq!(report.rejected(), 1);
    assert_eq!(accounts.len(), CANON.len());
    let dup = &report.lines[CANON.len()];
    assert_eq!(
        dup.outcome,
        Outcome::Duplicate("Example Co:alice@example.com".into())
    );
    let bad = &report.lines[CANON.len() + 1];
    assert_eq!(bad.label(), "Bad:entry");
    assert!(matches!(bad.outcome, Outcome::Rejected(EntryError::Uri(_))));
    // A second import of the same file adds nothing.
    let again = apply(&parsed, &mut accounts, &mut Vec::new(), 6);
    assert_eq!(again.imported(), 0);
    assert_eq!(again.duplicates(), CANON.len() + 1);
}

fn canonical_accounts() -> Vec<crate::account::Account> {
    CANON
        .iter()
        .map(|c| {
            crate::account::Account::new(
                c.issuer.into(),
                c.name.into(),
                crate::account::OtpParams {
                    secret: Secret::from_bytes(bytes_of(c.secret)),
                    kind: c.kind,
                    algorithm: c.algorithm,
                    digits: c.digits,
                },
                0,
            )
        })
        .collect()
}

#[test]
fn round_trips_through_mamori_exporters() {
    let accounts = canonical_accounts();
    let list = export::otpauth_list(&accounts);
    round(list.as_bytes(), None, &all(), Format::UriList);
    let plain = aegis::export_plain(&accounts).unwrap();
    round(&plain, None, &all(), Format::Aegis);
    let encrypted = aegis::export_encrypted(&accounts, PW).unwrap();
    round(&encrypted, Some(PW), &all(), Format::Aegis);
    // scrypt at N = 2^17 (Aegis itself writes 2^15; it reads N from the slot).
    let written: serde_json::Value = serde_json::from_slice(&encrypted).unwrap();
    assert_eq!(written["header"]["slots"][0]["n"], 131_072);
    assert_eq!(
        import(&encrypted, Format::Aegis, Some("nope")),
        Err(ImportError::WrongPassword)
    );
    let (uris, skipped) = google_migration::encode_batches(
        accounts
            .iter()
            .map(|a| (a.issuer.as_str(), a.name.as_str(), &a.otp)),
    );
    // SHA-256, 60 s, 7 digits and Steam do not fit.
    assert_eq!(skipped.len(), 4, "{skipped:?}");
    assert!(
        skipped.iter().any(|(label, why)| label == "Steam:gaben"
            && matches!(why, google_migration::NotExportable::Steam)),
        "{skipped:?}"
    );
    let text = uris
        .iter()
        .map(|u| u.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    round(text.as_bytes(), None, &[0, 3, 4], Format::GoogleMigration);
}

/// Two accounts: one with a note and three backup codes (one used), one with neither.
fn accounts_with_backup_codes() -> Vec<crate::account::Account> {
    use crate::account::BackupCode;
    let mut accounts = canonical_accounts();
    accounts.truncate(2);
    accounts[0].note = "Desk phone: ext. 204\nBackup codes: in the drawer".into();
    accounts[0].backup_codes = vec![
        BackupCode {
            code: "1234 5678".into(),
            used_at: None,
        },
        BackupCode {
            code: "abcd-efgh".into(),
            used_at: Some(T),
        },
        BackupCode {
            code: "ZXCV BNM0".into(),
            used_at: None,
        },
    ];
    accounts
}

#[test]
fn backup_codes_survive_an_aegis_round_trip() {
    let accounts = accounts_with_backup_codes();
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("aegis-plain.json");
    export::write_private(&plain, &aegis::export_plain(&accounts).unwrap()).unwrap();
    let encrypted = dir.path().join("aegis-encrypted.json");
    export::write_private(&encrypted, &aegis::export_encrypted(&accounts, PW).unwrap()).unwrap();
    for (path, password) in [(plain, None), (encrypted, Some(PW))] {
        let bytes = std::fs::read(&path).unwrap();
        let parsed = detect_and_import(&bytes, password).unwrap();
        assert_eq!(parsed.format, Format::Aegis);
        let mut back = Vec::new();
        assert_eq!(
            apply(&parsed, &mut back, &mut Vec::new(), 7).imported(),
            2,
            "{path:?}"
        );
        for (got, want) in back.iter().zip(&accounts) {
            assert_eq!(got.label(), want.label(), "{path:?}");
            assert_eq!(got.otp, want.otp, "{path:?}");
            assert_eq!(got.note, want.note, "{path:?}");
            assert_eq!(got.backup_codes, want.backup_codes, "{path:?}");
        }
    }
    // Aegis shows the codes in the note, as the block of note_block's documentation.
    let raw: Value = serde_json::from_slice(&aegis::export_plain(&accounts).unwrap()).unwrap();
    assert_eq!(
        raw["db"]["entries"][0]["note"],
        "Desk phone: ext. 204\nBackup codes: in the drawer\n\nBackup codes:\n[ ] 1234 5678\n\
         [x] abcd-efgh (used 2023-11-14T22:13:20Z)\n[ ] ZXCV BNM0"
    );
    assert_eq!(raw["db"]["entries"][1]["note"], "");
}

#[test]
fn notes_without_the_block_import_as_before() {
    let notes = [
        "Backup codes: in the drawer",
        "Backup codes:\n1234 5678\nabcd efgh",
        "line one\n\nBackup codes:\n[x] 1234 (used last week)",
    ];
    let mut db = aegis_db();
    for (entry, note) in db["entries"].as_array_mut().unwrap().iter_mut().zip(notes) {
        entry["note"] = json!(note);
    }
    let file = json!({"version": 1, "header": {"slots": null, "params": null}, "db": db});
    let parsed = import(&serde_json::to_vec(&file).unwrap(), Format::Aegis, None).unwrap();
    let entries: Vec<&Entry> = parsed.entries().collect();
    for (entry, note) in entries.iter().zip(notes) {
        assert_eq!(entry.note, note);
        assert!(entry.backup_codes.is_empty(), "{note:?}");
    }
    assert_eq!(entries[3].note, "");
}

#[test]
fn ente_notes_carry_the_block_too() {
    let note = "desk\n\nBackup codes:\n[ ] 1234 5678\n[x] abcd-efgh (used 2023-11-14T22:13:20Z)";
    let display = serde_json::to_string(&json!({"trashed": false, "note": note})).unwrap();
    let line = format!("{}&codeDisplay={}\n", uri(&CANON[0], false), enc(&display));
    let parsed = import(line.as_bytes(), Format::UriList, None).unwrap();
    let entry = parsed.entries().next().unwrap();
    assert_eq!(entry.note, "desk");
    let codes: Vec<_> = entry
        .backup_codes
        .iter()
        .map(|c| (c.code.as_str(), c.used_at))
        .collect();
    assert_eq!(codes, [("1234 5678", None), ("abcd-efgh", Some(T))]);
}

#[test]
fn export_formats_say_what_they_cannot_hold() {
    use export::{ExportFormat, Loss, Lost};
    let accounts = accounts_with_backup_codes();
    for format in ExportFormat::all() {
        let loses = format.loses();
        match format {
            ExportFormat::Mamori | ExportFormat::AegisEncrypted | ExportFormat::AegisPlain => {
                assert!(loses.is_empty())
            }
            _ => assert!(
                loses.contains(&Loss::BackupCodes) && loses.contains(&Loss::Notes),
                "{format:?}"
            ),
        }
    }
    assert_eq!(
        export::losses(ExportFormat::Otpauth, &accounts),
        [
            Lost {
                loss: Loss::Notes,
                accounts: 1
            },
            Lost {
                loss: Loss::BackupCodes,
                accounts: 1
            },
        ]
    );
    // CANON[1] is SHA256 with 8 digits: no transfer code carries it.
    assert!(
        export::losses(ExportFormat::MigrationQr, &accounts).contains(&Lost {
            loss: Loss::CodeSettings,
            accounts: 1
        })
    );
    assert!(export::losses(ExportFormat::AegisEncrypted, &accounts).is_empty());
    assert!(export::losses(ExportFormat::Otpauth, &accounts[1..]).is_empty());
    // The otpauth list indeed has no trace of them.
    let list = export::otpauth_list(&accounts);
    assert!(!list.contains("1234") && !list.contains("Desk"));
}

#[test]
fn migration_qr_image_end_to_end() {
    let accounts = canonical_accounts();
    let (files, skipped) = export::migration_qr_codes(&accounts).unwrap();
    assert_eq!((files.len(), skipped.len()), (1, 4));
    round(&files[0].1, None, &[0, 3, 4], Format::QrImage);
    let codes = export::account_qr_codes(&accounts[..1]).unwrap();
    round(&codes[0].1, None, &[0], Format::QrImage);
}

#[test]
fn every_export_format_has_one_registry_entry_and_writes_through_the_one_dispatch() {
    use export::{Destination, ExportFormat, ExportInfo, Output};
    let all = [
        ExportFormat::Mamori,
        ExportFormat::AegisEncrypted,
        ExportFormat::AegisPlain,
        ExportFormat::Otpauth,
        ExportFormat::Qr,
        ExportFormat::MigrationQr,
    ];
    for format in all {
        let entries: Vec<&ExportInfo> = export::EXPORTS
            .iter()
            .filter(|i| i.format == format)
            .collect();
        assert_eq!(entries.len(), 1, "{format:?}");
        for lang in [crate::i18n::Lang::En, crate::i18n::Lang::Ja] {
            assert!(
                !format.localize(lang).starts_with("export-name"),
                "{format:?}"
            );
        }
        assert_eq!(
            ExportFormat::from_id(format.info().id, format.plain_secrets()),
            Some(format)
        );
    }
    assert_eq!(export::EXPORTS.len(), all.len());
    // Every file format reads back through the importers (the one Mamori backup at its own
    // KDF cost is `mamori_backup_opens_with_the_chosen_password`'s).
    let accounts = canonical_accounts();
    let dir = tempfile::tempdir().unwrap();
    for format in [
        ExportFormat::AegisEncrypted,
        ExportFormat::AegisPlain,
        ExportFormat::Otpauth,
        ExportFormat::Qr,
    ] {
        let dest = dir.path().join(format.suggested_name());
        let written = export::write(format, &accounts, Some(PW), Destination::Path(&dest)).unwrap();
        assert_eq!(written.accounts, accounts.len(), "{format:?}");
        match format.info().output {
            Output::File(_) => {
                let bytes = read_import_file(&dest).unwrap();
                let parsed = detect_and_import(&bytes, Some(PW)).unwrap();
                assert_eq!(parsed.items.len(), accounts.len(), "{format:?}");
            }
            Output::Folder(_) => {
                assert_eq!(std::fs::read_dir(&dest).unwrap().count(), accounts.len());
            }
        }
    }
    // A password format with no password, and a folder format to a stream, write nothing.
    let mut sink = Vec::new();
    assert!(matches!(
        export::write(
            ExportFormat::AegisEncrypted,
            &accounts,
            None,
            Destination::Stream(&mut sink)
        ),
        Err(export::ExportError::PasswordRequired)
    ));
    assert!(matches!(
        export::write(
            ExportFormat::Qr,
            &accounts,
            None,
            Destination::Stream(&mut sink)
        ),
        Err(export::ExportError::NotToStdout)
    ));
    assert!(sink.is_empty());
    export::write(
        ExportFormat::Otpauth,
        &accounts,
        None,
        Destination::Stream(&mut sink),
    )
    .unwrap();
    assert_eq!(sink, export::otpauth_list(&accounts).as_bytes());
}

#[test]
fn mamori_backup_opens_with_the_chosen_password() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("copy.mamori");
    std::fs::write(&dest, "old").unwrap();
    let accounts = canonical_accounts();
    let kdf = crate::vault::crypto::KdfParams::with_cost(65_536, 3, 1).unwrap();
    crate::vault::backups::export(&accounts, PW, &dest, Some(kdf)).unwrap();
    let locked = crate::vault::LockedVault::read(&dest).unwrap();
    assert!(locked.needs_password());
    assert!(matches!(
        locked.clone().unlock(Some("wrong")),
        Err(crate::vault::VaultError::WrongPassword)
    ));
    let copy = locked.unlock(Some(PW)).unwrap();
    assert_eq!(copy.accounts(), accounts.as_slice());
    // Nothing but the copy is left in the folder.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
    assert_eq!(names.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Damaged input: a specific error or per-entry rejections, never a panic.

#[test]
fn unknown_versions_are_refused() {
    let mut aegis: Value = serde_json::from_slice(&aegis_plain()).unwrap();
    aegis["version"] = json!(2);
    let bytes = serde_json::to_vec(&aegis).unwrap();
    assert!(matches!(
        import(&bytes, Format::Aegis, None),
        Err(ImportError::UnsupportedVersion { .. })
    ));
    aegis["version"] = json!(1);
    aegis["db"]["version"] = json!(9);
    let bytes = serde_json::to_vec(&aegis).unwrap();
    assert!(matches!(
        import(&bytes, Format::Aegis, None),
        Err(ImportError::UnsupportedVersion { .. })
    ));
    let mut twofas: Value = serde_json::from_slice(&twofas_plain()).unwrap();
    twofas["schemaVersion"] = json!(5);
    let bytes = serde_json::to_vec(&twofas).unwrap();
    assert!(matches!(
        import(&bytes, Format::TwoFas, None),
        Err(ImportError::UnsupportedVersion { .. })
    ));
}

#[test]
fn wrong_json_shapes_are_specific_errors() {
    for (text, format) in [
        (r#"{"version":1,"header":{},"db":[]}"#, Format::Aegis),
        (
            r#"{"version":1,"header":{},"db":{"version":3}}"#,
            Format::Aegis,
        ),
        (
            r#"{"version":1,"header":{"slots":null},"db":"AAAA"}"#,
            Format::Aegis,
        ),
        (r#"{"schemaVersion":4,"services":{}}"#, Format::TwoFas),
        (
            r#"{"schemaVersion":4,"services":[],"servicesEncrypted":"a:b"}"#,
            Format::TwoFas,
        ),
        (r#"{"a":1}"#, Format::AndOtp),
        (r#"{"encrypted":false,"items":{}}"#, Format::Bitwarden),
        (r#"{"tokens":{}}"#, Format::FreeOtpPlus),
        (r#"{"Authenticators":{}}"#, Format::Stratum),
        (r#"[1,2]"#, Format::AuthenticatorExt),
        ("not json", Format::Aegis),
    ] {
        let result = import(text.as_bytes(), format, Some("pw"));
        assert!(
            matches!(result, Err(ImportError::Damaged { .. })),
            "{format:?} {text}: {result:?}"
        );
    }
    // Entries of the wrong shape are rejected one by one.
    let parsed = import(
        br#"[1, {"secret": "JBSWY3DPEHPK3PXP", "type": "TOTP", "label": "ok"}]"#,
        Format::AndOtp,
        None,
    )
    .unwrap();
    assert!(matches!(&parsed.items[0], Item::Rejected(r) if r.reason == EntryError::Shape));
    assert!(matches!(&parsed.items[1], Item::Entry(_)));
}

#[test]
fn unsupported_entries_are_rejected_with_reasons() {
    let aegis = json!({"version": 1, "header": {"slots": null, "params": null}, "db": {"version": 2, "entries": [
        {"type": "yandex", "name": "s", "issuer": "Yandex", "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "SHA256", "digits": 8, "period": 30, "pin": "1234"}},
        {"type": "totp", "name": "md5", "issuer": "X", "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "MD5", "digits": 6, "period": 30}},
        {"type": "totp", "name": "digits", "issuer": "X", "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "SHA1", "digits": 11, "period": 30}},
        {"type": "totp", "name": "period", "issuer": "X", "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "SHA1", "digits": 6, "period": 0}},
        {"type": "totp", "name": "secret", "issuer": "X", "info": {"secret": "JBSW!", "algo": "SHA1", "digits": 6, "period": 30}},
        {"type": "totp", "name": "ok", "issuer": "X", "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "SHA1", "digits": 6, "period": 30}}
    ]}});
    let parsed = import(&serde_json::to_vec(&aegis).unwrap(), Format::Aegis, None).unwrap();
    let reasons: Vec<String> = parsed
        .items
        .iter()
        .map(|i| match i {
            Item::Rejected(r) => format!("{}: {}", r.name, r.reason),
            Item::Entry(e) => format!("{}: ok", e.name),
        })
        .collect();
    assert!(reasons[0].contains("yandex entry"), "{reasons:?}");
    assert!(reasons[1].contains("MD5"), "{reasons:?}");
    assert!(reasons[2].contains("digits"), "{reasons:?}");
    assert!(reasons[3].contains("period"), "{reasons:?}");
    assert!(reasons[4].contains("Base32"), "{reasons:?}");
    assert_eq!(reasons[5], "ok: ok");
}

fn every_fixture() -> Vec<(Vec<u8>, Option<&'static str>)> {
    vec![
        (uri_list(), None),
        (aegis_plain(), None),
        (aegis_encrypted(PW), Some(PW)),
        (twofas_plain(), None),
        (twofas_encrypted(PW), Some(PW)),
        (andotp_json(), None),
        (andotp_encrypted(PW), Some(PW)),
        (bitwarden_json(), None),
        (bitwarden_csv(), None),
        (freeotp_json(), None),
        (authenticator_ext(), None),
        (keepass_csv(), None),
        (migration_uri(&[0, 3, 4], 0, 1).into_bytes(), None),
        (ENTE_ENCRYPTED.to_vec(), Some(PW)),
        (BITWARDEN_PBKDF2.to_vec(), Some(PW)),
        (AUTHENTICATOR_ENCRYPTED.to_vec(), Some(PW)),
        (WINAUTH_ZIP.to_vec(), None),
    ]
}

#[test]
fn truncated_files_never_panic_and_never_half_import_encrypted_ones() {
    for (bytes, password) in every_fixture() {
        let format = detect(&bytes).unwrap();
        // Every cut of the small plain files, a sample of cuts of the encrypted ones (the KDF is
        // slow).
        let step = if password.is_some() {
            bytes.len() / 6 + 1
        } else {
            1
        };
        for cut in (0..bytes.len()).step_by(step) {
            let piece = &bytes[..cut];
            let _ = detect(piece);
            match import(piece, format, password) {
                Ok(parsed) => {
                    assert!(password.is_none(), "{format:?} cut {cut} decrypted");
                    // What was read must be whole entries.
                    for entry in parsed.entries() {
                        assert!(!entry.otp.secret.as_bytes().is_empty());
                    }
                }
                Err(e) => {
                    let text = e.to_string();
                    assert!(!text.is_empty() && !text.starts_with("import-"), "{text}");
                }
            }
        }
    }
}

#[test]
fn flipped_bytes_in_encrypted_files_are_caught() {
    let bytes = andotp_encrypted(PW);
    let mut flipped = bytes.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert_eq!(
        import(&flipped, Format::AndOtp, Some(PW)),
        Err(ImportError::WrongPassword)
    );
    let mut aegis: Value = serde_json::from_slice(&aegis_encrypted(PW)).unwrap();
    aegis["header"]["params"]["tag"] = json!(hex(&[0; 16]));
    let result = import(
        &serde_json::to_vec(&aegis).unwrap(),
        Format::Aegis,
        Some(PW),
    );
    assert!(
        matches!(result, Err(ImportError::Damaged { .. })),
        "{result:?}"
    );
}

#[test]
fn hostile_kdf_settings_are_refused_before_deriving() {
    // The encrypted exports read from other apps: settings from the file are checked before any
    // password is asked for or any key derived.
    let before = super::crypto::derivations();
    let mut ente: Value = serde_json::from_slice(ENTE_ENCRYPTED).unwrap();
    ente["kdfParams"]["memLimit"] = json!(1u64 << 31);
    let mut bw_argon: Value = serde_json::from_slice(BITWARDEN_ARGON2).unwrap();
    bw_argon["kdfMemory"] = json!(1024);
    let mut bw_pbkdf2: Value = serde_json::from_slice(BITWARDEN_PBKDF2).unwrap();
    bw_pbkdf2["kdfIterations"] = json!(2_000_000_000u64);
    let mut ext: Value = serde_json::from_slice(AUTHENTICATOR_ENCRYPTED).unwrap();
    for value in ext.as_object_mut().unwrap().values_mut() {
        if value["dataType"] == "Key" {
            let hash = value["hash"]
                .as_str()
                .unwrap()
                .replace("m=19456", "m=4194304");
            value["hash"] = json!(hash);
        }
    }
    for (file, format) in [
        (ente, Format::EnteEncrypted),
        (bw_argon, Format::Bitwarden),
        (bw_pbkdf2, Format::Bitwarden),
        (ext, Format::AuthenticatorExt),
    ] {
        let bytes = serde_json::to_vec(&file).unwrap();
        for password in [None, Some(PW)] {
            let result = import(&bytes, format, password);
            assert!(
                matches!(result, Err(ImportError::KdfTooExpensive { .. })),
                "{format:?}: {result:?}"
            );
        }
    }
    assert_eq!(super::crypto::derivations(), before);

    let mut aegis: Value = serde_json::from_slice(&aegis_encrypted(PW)).unwrap();
    aegis["header"]["slots"][1]["n"] = json!(1u64 << 30);
    let result = import(
        &serde_json::to_vec(&aegis).unwrap(),
        Format::Aegis,
        Some(PW),
    );
    assert!(
        matches!(result, Err(ImportError::KdfTooExpensive { .. })),
        "{result:?}"
    );
    aegis["header"]["slots"][1]["n"] = json!(32768);
    aegis["header"]["slots"][1]["p"] = json!(1000);
    let result = import(
        &serde_json::to_vec(&aegis).unwrap(),
        Format::Aegis,
        Some(PW),
    );
    assert!(
        matches!(result, Err(ImportError::KdfTooExpensive { .. })),
        "{result:?}"
    );
}

#[test]
fn unknown_and_unsupported_files_are_explained() {
    assert_eq!(
        detect_and_import(b"hello", None),
        Err(ImportError::NotRecognised)
    );
    assert_eq!(
        detect_and_import(b"{\"x\": 1}", None),
        Err(ImportError::UnknownJson)
    );
    assert_eq!(
        detect_and_import(b"-----BEGIN PGP MESSAGE-----\n...", None),
        Err(ImportError::Unsupported("pgp"))
    );
    // Encrypted exports with broken fields are damaged files, said before a password is asked.
    for broken in [
        &br#"{"version":1,"kdfParams":{"memLimit":1,"opsLimit":1,"salt":""},"encryptedData":"","encryptionNonce":""}"#[..],
        br#"{"encrypted":true,"passwordProtected":true,"salt":"x","kdfType":0,"kdfIterations":5000,"data":"2.x"}"#,
        br#"{"a":{"dataType":"EncOTPStorage","keyId":"k","data":"x"}}"#,
    ] {
        let result = detect_and_import(broken, None);
        assert!(matches!(result, Err(ImportError::Damaged { .. })), "{result:?}");
    }
    let bw = br#"{"encrypted":true,"items":"2.x|y|z"}"#;
    assert_eq!(
        detect_and_import(bw, None),
        Err(ImportError::Unsupported("bitwarden-account"))
    );
    // The extension's older encryption (v1) asks for the password like the current one.
    let ext = br#"{"a":{"encrypted":true,"secret":"U2FsdGVkX1","hash":"a","type":"totp"}}"#;
    assert_eq!(
        detect_and_import(ext, None),
        Err(ImportError::PasswordRequired)
    );
    // Every message is in both catalogues.
    for what in ["pgp", "bitwarden-account"] {
        for lang in [Lang::En, Lang::Ja] {
            let text = ImportError::Unsupported(what).localize(lang);
            assert!(!text.starts_with("import-"), "{what}: {text}");
        }
    }
}

#[test]
fn every_format_has_one_registry_entry() {
    // A new variant fails to compile here until it is listed (and then needs its entry).
    let listed = |format: Format| match format {
        Format::UriList
        | Format::GoogleMigration
        | Format::QrImage
        | Format::Aegis
        | Format::TwoFas
        | Format::AndOtp
        | Format::Bitwarden
        | Format::BitwardenCsv
        | Format::FreeOtpPlus
        | Format::Stratum
        | Format::FreeOtp2
        | Format::AuthenticatorExt
        | Format::KeePassCsv
        | Format::EnteEncrypted
        | Format::ZipUriList
        | Format::WinAuthXml => true,
    };
    let all = [
        Format::UriList,
        Format::GoogleMigration,
        Format::QrImage,
        Format::Aegis,
        Format::TwoFas,
        Format::AndOtp,
        Format::Bitwarden,
        Format::BitwardenCsv,
        Format::FreeOtpPlus,
        Format::Stratum,
        Format::FreeOtp2,
        Format::AuthenticatorExt,
        Format::KeePassCsv,
        Format::EnteEncrypted,
        Format::ZipUriList,
        Format::WinAuthXml,
    ];
    for format in all {
        assert!(listed(format));
        assert_eq!(
            REGISTRY.iter().filter(|i| i.format == format).count(),
            1,
            "{format:?}"
        );
    }
    assert_eq!(REGISTRY.len(), all.len());
    let extensions = import_extensions();
    for ext in ["json", "2fas", "aes", "csv", "txt", "png", "webp"] {
        assert!(extensions.contains(&ext), "{ext}");
    }
}

#[test]
fn registry_names_and_aliases() {
    for info in REGISTRY {
        assert_eq!(Format::from_name(info.id), Some(info.format));
        for alias in info.aliases {
            assert_eq!(Format::from_name(alias), Some(info.format), "{alias}");
        }
        assert!(!info.patterns.is_empty());
    }
    assert_eq!(Format::from_name("WinAuth"), Some(Format::UriList));
    assert_eq!(Format::from_name("nope"), None);
}

// ---------------------------------------------------------------------------------------------
// Bounds: a crafted file imports or fails in bounded time and memory (benches/hostile-imports.sh
// measures the release binary; these check the rules themselves).

/// The password slot of [`aegis_encrypted`], with other scrypt settings and salt.
fn aegis_slot(aegis: &Value, n: u64, salt: u8) -> Value {
    let mut slot = aegis["header"]["slots"][1].clone();
    slot["n"] = json!(n);
    slot["salt"] = json!(hex(&[salt; 32]));
    slot
}

fn aegis_with_slots(slots: Vec<Value>) -> Vec<u8> {
    let mut aegis: Value = serde_json::from_slice(&aegis_encrypted(PW)).unwrap();
    aegis["header"]["slots"] = json!(slots);
    serde_json::to_vec(&aegis).unwrap()
}

/// Aegis password slots are checked as a whole before any key is derived (and before a
/// password is asked for): too many slots, or too much scrypt work together, or one slot over
/// the memory ceiling, is refused with the limit named and no derivation run.
#[test]
fn aegis_slots_are_checked_before_any_key_is_derived() {
    let aegis: Value = serde_json::from_slice(&aegis_encrypted(PW)).unwrap();
    let right = aegis["header"]["slots"][1].clone();
    let refused = |slots: Vec<Value>, needle: &str| {
        let bytes = aegis_with_slots(slots);
        for password in [None, Some(PW)] {
            let before = super::crypto::derivations();
            let result = import(&bytes, Format::Aegis, password);
            assert_eq!(super::crypto::derivations(), before, "{needle}");
            match result {
                Err(e @ ImportError::KdfTooExpensive { .. }) => {
                    let message = e.localize(Lang::En);
                    assert!(message.contains(needle), "{message}");
                }
                other => panic!("{needle}: {other:?}"),
            }
        }
    };
    // Nine slots: each would open the file, but more than eight are never tried.
    refused(vec![right.clone(); 9], "9 password slots; at most 8");
    // Five slots of N = 2^18 (256 MiB each, within the per-slot ceiling): 5 × 2^21 of work is
    // more than the 2^23 one file may ask for.
    refused(
        (1..=5).map(|i| aegis_slot(&aegis, 1 << 18, i)).collect(),
        "scrypt work N×r×p = 10485760 together; at most 8388608",
    );
    // One slot of N = 2^20 with r = 8: 1 GiB, over the 256 MiB ceiling.
    refused(vec![aegis_slot(&aegis, 1 << 20, 7)], "at most 256 MiB");
    // A wrong slot, then the right one: two derivations, one each.
    let bytes = aegis_with_slots(vec![aegis_slot(&aegis, 1 << 15, 1), right]);
    let before = super::crypto::derivations();
    check(
        &import(&bytes, Format::Aegis, Some(PW)).unwrap(),
        &all(),
        "aegis, second slot",
    );
    assert_eq!(super::crypto::derivations(), before + 2);
}

/// `count` distinct key URIs, one a line.
fn many_uris(count: usize) -> String {
    (0..count)
        .map(|i| {
            let key = data_encoding::BASE32_NOPAD.encode(format!("mamori-{i:08}").as_bytes());
            format!("otpauth://totp/Many:user{i}?secret={key}&issuer=Many\n")
        })
        .collect()
}

/// At most [`MAX_IMPORT_ENTRIES`] entries are read from one file, whatever its format; one
/// more and the file is refused whole, with the limit named, and the text readers stop there.
#[test]
fn entries_beyond_the_limit_are_refused() {
    let at_limit = many_uris(MAX_IMPORT_ENTRIES);
    let parsed = import(at_limit.as_bytes(), Format::UriList, None).unwrap();
    assert_eq!(parsed.entries().count(), MAX_IMPORT_ENTRIES);
    let too_many = ImportError::TooManyEntries {
        limit: MAX_IMPORT_ENTRIES,
    };
    assert!(
        too_many
            .localize(Lang::En)
            .contains("more than 10000 entries")
    );
    assert!(too_many.localize(Lang::Ja).contains("10000 件を超える"));
    // One more line, even an unreadable one.
    let over = format!("{at_limit}otpauth://x\n");
    assert_eq!(
        import(over.as_bytes(), Format::UriList, None),
        Err(too_many.clone())
    );
    // Transfer codes count their accounts: two codes of 5001 empty accounts each.
    let code = |count: usize| {
        let payload = [0x0a, 0x00].repeat(count);
        format!("otpauth-migration://offline?data={}\n", b64(&payload))
    };
    let codes = code(5001).repeat(2);
    assert_eq!(
        import(codes.as_bytes(), Format::GoogleMigration, None),
        Err(too_many.clone())
    );
    // JSON formats check their list before converting it.
    let entry =
        json!({"type": "totp", "name": "n", "issuer": "i", "info": {"secret": "JBSWY3DPEHPK3PXP"}});
    let db = json!({"version": 2, "entries": vec![entry; MAX_IMPORT_ENTRIES + 1]});
    let file = json!({"version": 1, "header": {"slots": null, "params": null}, "db": db});
    assert_eq!(
        detect_and_import(&serde_json::to_vec(&file).unwrap(), None),
        Err(too_many.clone())
    );
    // CSV rows.
    let mut csv = String::from("Title,Username,TOTP\n");
    for i in 0..=MAX_IMPORT_ENTRIES {
        csv += &format!("T{i},u,JBSWY3DPEHPK3PXP\n");
    }
    assert_eq!(
        import(csv.as_bytes(), Format::KeePassCsv, None),
        Err(too_many)
    );
}

/// Entries carrying more than [`MAX_IMPORT_TEXT`] of names, notes and keys together are
/// refused: the vault copies them a few times while it saves, so this bounds an import's memory.
#[test]
fn text_beyond_the_limit_is_refused() {
    let aegis = |note_len: usize, key_len: usize| {
        let note = "n".repeat(note_len);
        let key = "A".repeat(key_len * 8 / 5);
        let entries: Vec<Value> = (0..2)
            .map(|i| {
                json!({"type": "totp", "name": format!("n{i}"), "issuer": "i", "note": note,
                       "info": {"secret": key}})
            })
            .collect();
        let file = json!({"version": 1, "header": {"slots": null, "params": null},
                          "db": {"version": 2, "entries": entries}});
        import(&serde_json::to_vec(&file).unwrap(), Format::Aegis, None)
    };
    let error = ImportError::TooMuchText { mib: 16 };
    assert_eq!(aegis(MAX_IMPORT_TEXT / 2 + 1, 10), Err(error.clone()));
    // Within the limit by notes, over it by keys.
    assert_eq!(
        aegis(MAX_IMPORT_TEXT / 2 - 1000, 10).unwrap().items.len(),
        2
    );
    assert_eq!(aegis(MAX_IMPORT_TEXT / 2 - 1000, 2000), Err(error.clone()));
    assert!(error.localize(Lang::En).contains("more than 16 MiB"));
}

/// JSON with more values or objects than any export is refused before the tree is built,
/// whether the format is detected or named.
#[test]
fn json_beyond_the_bounds_is_refused_before_parsing() {
    let objects = format!(
        r#"{{"version":1,"header":{{"slots":null,"params":null}},"db":{{"version":2,"entries":[{}]}}}}"#,
        vec!["{}"; json::MAX_OBJECTS].join(",")
    );
    assert_eq!(detect(objects.as_bytes()), None);
    assert_eq!(
        detect_and_import(objects.as_bytes(), None),
        Err(ImportError::JsonTooLarge)
    );
    assert_eq!(
        import(objects.as_bytes(), Format::Aegis, None),
        Err(ImportError::JsonTooLarge)
    );
    let numbers = format!("[{}]", vec!["0"; json::MAX_VALUES].join(","));
    for format in [
        Format::AndOtp,
        Format::TwoFas,
        Format::FreeOtpPlus,
        Format::Stratum,
        Format::Bitwarden,
    ] {
        assert_eq!(
            import(numbers.as_bytes(), format, None),
            Err(ImportError::JsonTooLarge),
            "{format:?}"
        );
    }
    // Over the bounds it is still JSON, never a CSV whose header has a `TOTP` cell.
    let numbers = numbers.replacen("[0,0", r#"[0,"TOTP""#, 1);
    assert_eq!(detect(numbers.as_bytes()), None);
    assert_eq!(
        detect_and_import(numbers.as_bytes(), None),
        Err(ImportError::JsonTooLarge)
    );
    let message = ImportError::JsonTooLarge.localize(Lang::En);
    assert!(
        message.contains("500000 JSON values or 100000 JSON objects"),
        "{message}"
    );
}

/// Duplicates are found by hash, with exactly the old rule: same key, kind and period,
/// algorithm and digits (HOTP counters aside), against the vault and earlier entries.
#[test]
fn duplicates_among_many_accounts_are_found_exactly() {
    let half = many_uris(MAX_IMPORT_ENTRIES / 2);
    let mut accounts = Vec::new();
    let first = apply(
        &import(half.as_bytes(), Format::UriList, None).unwrap(),
        &mut accounts,
        &mut Vec::new(),
        1,
    );
    assert_eq!(first.imported(), MAX_IMPORT_ENTRIES / 2);
    // The same keys again (duplicates of the vault), then new ones, then the new ones again
    // (duplicates within the file), then the same keys with another period (not duplicates).
    let all = many_uris(MAX_IMPORT_ENTRIES / 2 + 1000);
    let new = &all[half.len()..];
    let other_period = new.replace("&issuer=Many", "&issuer=Many&period=60");
    let text = format!("{half}{new}{new}{other_period}");
    let parsed = import(text.as_bytes(), Format::UriList, None).unwrap();
    let report = apply(&parsed, &mut accounts, &mut Vec::new(), 2);
    assert_eq!(report.imported(), 2000);
    assert_eq!(report.duplicates(), MAX_IMPORT_ENTRIES / 2 + 1000);
    assert_eq!(accounts.len(), MAX_IMPORT_ENTRIES / 2 + 2000);
    assert_eq!(
        report.lines[0].outcome,
        Outcome::Duplicate("Many:user0".into())
    );
    let within = &report.lines[MAX_IMPORT_ENTRIES / 2 + 1000];
    assert_eq!(
        within.outcome,
        Outcome::Duplicate(format!("Many:user{}", MAX_IMPORT_ENTRIES / 2))
    );
}

/// KeePass columns are found by name among many; the first of a repeated name wins, as
/// before; a header of more than 1000 columns is not a KeePass header.
#[test]
fn keepass_columns_are_found_among_many() {
    let csv = |filler_count: usize| {
        let filler: Vec<String> = (0..filler_count).map(|i| format!("c{i}")).collect();
        let mut csv = format!("{},Title,Username,TOTP,TOTP\n", filler.join(","));
        let empty = ",".repeat(filler.len());
        for c in CANON.iter().filter(|c| !is_hotp(c)) {
            csv += &format!(
                "{empty}\"{}\",\"{}\",\"{}\",junk\n",
                c.issuer,
                c.name,
                uri(c, false)
            );
        }
        csv
    };
    let parsed = import(csv(990).as_bytes(), Format::KeePassCsv, None).unwrap();
    let totp: Vec<usize> = (0..CANON.len()).filter(|&i| !is_hotp(&CANON[i])).collect();
    check(&parsed, &totp, "keepass, many columns");
    let refused = import(csv(50_000).as_bytes(), Format::KeePassCsv, None);
    assert!(
        matches!(&refused, Err(ImportError::Damaged { detail, .. }) if detail.contains("at most 1000 columns")),
        "{refused:?}"
    );
}

/// An Aegis file whose entries carry an icon each: `side`-pixel PNGs.
fn aegis_with_icons(count: usize, side: u32) -> Vec<u8> {
    let picture = image::RgbaImage::from_pixel(side, side, image::Rgba([9, 99, 199, 255]));
    let mut png = Vec::new();
    picture
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let icon = data_encoding::BASE64.encode(&png);
    let entries: Vec<Value> = (0..count)
        .map(|i| {
            json!({"type": "totp", "name": format!("user{i}"), "issuer": "Icons", "note": "",
                   "favorite": i == 0, "icon": icon, "icon_mime": "image/png",
                   "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "SHA1", "digits": 6,
                            "period": 30 + i}, "groups": []})
        })
        .collect();
    serde_json::to_vec(
        &json!({"version": 1, "header": {"slots": null, "params": null},
        "db": {"version": 3, "entries": entries, "groups": []}}),
    )
    .unwrap()
}

#[test]
fn imported_icons_are_bounded_in_size_and_in_total_and_never_cost_an_account() {
    let small = import(&aegis_with_icons(2, 32), Format::Aegis, None).unwrap();
    let (mut accounts, mut trash) = (Vec::new(), Vec::new());
    assert_eq!(apply(&small, &mut accounts, &mut trash, 1).imported(), 2);
    assert!(accounts.iter().all(|a| a.icon.is_some()));
    assert!(accounts[0].pinned && !accounts[1].pinned);

    let large = import(
        &aegis_with_icons(1, crate::icon::MAX_IMPORTED_ICON_SIDE + 1),
        Format::Aegis,
        None,
    )
    .unwrap();
    let mut accounts = Vec::new();
    assert_eq!(apply(&large, &mut accounts, &mut trash, 1).imported(), 1);
    assert!(accounts[0].icon.is_none(), "too large: left out");

    // 80 icons of the largest size: the first 64 fit the pixel budget, the rest are left out.
    let side = crate::icon::MAX_IMPORTED_ICON_SIDE;
    let many = import(&aegis_with_icons(80, side), Format::Aegis, None).unwrap();
    let mut accounts = Vec::new();
    assert_eq!(apply(&many, &mut accounts, &mut trash, 1).imported(), 80);
    let with_icon = accounts.iter().filter(|a| a.icon.is_some()).count();
    let budget = crate::icon::MAX_IMPORTED_ICON_PIXELS / u64::from(side * side);
    assert_eq!(with_icon as u64, budget);
}
