//! WinAuth's own configuration file, `winauth.xml` (docs/formats.md §11), as WinAuth 3.2 to 3.6
//! writes it: `<WinAuthAuthenticator>` elements in the clear, or inside `<data encrypted="…">`
//! (the whole configuration protected), and each entry's `<authenticatordata>` possibly protected
//! on its own.
//!
//! Protection (WinAuth's `EncryptSequence`): hex of `WINAUTH3`, an 8-byte salt, SHA-256 of salt
//! and plaintext, then the layers. A password (`y`) is an 8-byte salt and Blowfish-ECB with
//! ISO 10126-2 padding under 256 bytes of PBKDF2-HMAC-SHA1 (2000 iterations, UTF-8 password),
//! keyed as BouncyCastle does it (the key cycles over the P-array, so its first 72 bytes count);
//! the SHA-256 check tells a wrong password (the padding alone lets 1 in 30 through). Data
//! without the `WINAUTH3` header is older, with no check. Windows DPAPI (`u`, `m`) is opened
//! with `CryptUnprotectData` on Windows and explained elsewhere; a YubiKey (`a`, `b`) is
//! explained. An entry protected on its own is opened with the same password; one that does not
//! open is rejected, the others import.
//!
//! Types: Google, Microsoft, Okta Verify and Guild Wars are TOTP with the entry's digits,
//! algorithm and period; HOTP (always SHA-1) gets the stored counter + 1, since WinAuth stores
//! the counter of the last code shown; Steam is Steam Guard; Battle.net is 8-digit TOTP with
//! issuer `BattleNet` and its serial in the note. Names `Service (account)` are split as
//! WinAuth's own URI export splits them. Lost in conversion: WinAuth's built-in icons (a custom
//! `base64:` skin becomes the icon), hotkeys and copy settings, the server time difference
//! (a correction for the machine that measured it), Steam's trade-confirmation data (its
//! revocation code is kept in the note). Trion/Glyph entries are rejected: their code is the
//! first 6 of 8 digits of a TOTP without the 31-bit mask, which Mamori does not compute. 2.x
//! files (`<authenticator>`) are refused as an unsupported version.

use data_encoding::{BASE64, HEXUPPER_PERMISSIVE};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use sha2::Digest as _;
use zeroize::Zeroizing;

use super::crypto::{Ceilings, Prf, blowfish_ecb_open_iso10126, pbkdf2_bytes};
use super::{
    Entry, EntryError, Format, ImportError, Item, Parsed, Sniff, algorithm, check_entry_count,
    otp_params,
};
use crate::account::{Algorithm, OtpKind, OtpParams};
use crate::secret::Secret;

const NAME: &str = "WinAuth";

/// `Authenticator.ENCRYPTION_HEADER`: UTF-8 `WINAUTH3`, hex-encoded in the file like the rest.
const HEADER: &[u8] = b"WINAUTH3";
const SALT: usize = 8;
const HASH: usize = 32;
const PBKDF2_ITERATIONS: u64 = 2000;
const KEY_BYTES: usize = 256;
/// Most entries with their own password one file may hold ([`Ceilings::MAX_ENTRY_DERIVATIONS`]).
const MAX_PROTECTED_ENTRIES: usize = Ceilings::MAX_ENTRY_DERIVATIONS;
/// Most protected documents (`<data>`, an encrypted root) one file may open, nested or not:
/// WinAuth writes one. Each may cost a key derivation.
const MAX_PROTECTED_DOCUMENTS: usize = 4;

/// Text whose root element is `<WinAuth` (after the XML declaration and comments).
pub fn detect(sniff: &Sniff) -> bool {
    sniff.text.as_deref().is_some_and(|text| {
        let rest = skip_prolog(text);
        rest.strip_prefix("<WinAuth").is_some_and(|after| {
            after
                .chars()
                .next()
                .is_some_and(|c| c.is_whitespace() || c == '>' || c == '/')
        })
    })
}

/// `text` after white space, `<?…?>` declarations and `<!--…-->` comments.
fn skip_prolog(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        let end = if text.starts_with("<?") {
            text.find("?>").map(|i| i + 2)
        } else if text.starts_with("<!--") {
            text.find("-->").map(|i| i + 3)
        } else {
            return text;
        };
        match end {
            Some(end) => text = &text[end..],
            None => return "",
        }
    }
}

/// Reads a `winauth.xml`, opening its protected parts with `password`.
pub fn import(bytes: &[u8], password: Option<&str>) -> Result<Parsed, ImportError> {
    let text = super::text::decode(bytes)
        .ok_or_else(|| ImportError::damaged(NAME, "the file is not text"))?;
    let mut raws = Vec::new();
    let mut opened = 0;
    read_document(&text, password, &mut opened, &mut raws).map_err(Locked::into_import_error)?;
    let protected = raws
        .iter()
        .filter(|r| matches!(&r.data, Data::Locked { letters, .. } if letters.contains('y')))
        .count();
    if protected > MAX_PROTECTED_ENTRIES {
        return Err(ImportError::KdfTooExpensive {
            format: NAME,
            detail: format!(
                "{protected} entries with their own password; at most {MAX_PROTECTED_ENTRIES}"
            ),
        });
    }
    let mut items = Vec::with_capacity(raws.len());
    for raw in raws {
        items.push(convert(raw, password)?);
    }
    Ok(Parsed::new(Format::WinAuthXml, items))
}

/// Why a protected part could not be read.
#[derive(Debug)]
enum Locked {
    PasswordRequired,
    WrongPassword,
    YubiKey,
    /// DPAPI, and this is not Windows.
    Dpapi,
    /// DPAPI, and Windows refused (another user or computer).
    #[cfg_attr(not(windows), allow(dead_code))]
    DpapiElsewhere,
    /// The file says a version Mamori does not read.
    Version(String),
    Damaged(String),
    TooManyEntries(ImportError),
}

impl Locked {
    fn damaged(detail: impl Into<String>) -> Locked {
        Locked::Damaged(detail.into())
    }

    /// The whole file's error.
    fn into_import_error(self) -> ImportError {
        match self {
            Locked::PasswordRequired => ImportError::PasswordRequired,
            Locked::WrongPassword => ImportError::WrongPassword,
            Locked::YubiKey => ImportError::Unsupported("winauth-yubikey"),
            Locked::Dpapi => ImportError::Unsupported("winauth-dpapi"),
            Locked::DpapiElsewhere => ImportError::Unsupported("winauth-dpapi-elsewhere"),
            Locked::Version(version) => ImportError::UnsupportedVersion {
                format: NAME,
                version,
            },
            Locked::Damaged(detail) => ImportError::damaged(NAME, detail),
            Locked::TooManyEntries(e) => e,
        }
    }
}

fn xml_error(e: impl std::fmt::Display) -> Locked {
    Locked::Damaged(format!("XML: {e}"))
}

/// One `<WinAuthAuthenticator>`, as read.
struct Raw {
    /// The `type` attribute (`WinAuth.GoogleAuthenticator`).
    kind: String,
    name: String,
    skin: String,
    data: Data,
}

/// Its `<authenticatordata>`.
enum Data {
    /// In the clear: the `<secretdata>` text, if any.
    Plain(Option<Zeroizing<String>>),
    /// Protected on its own: the protection letters and the hex.
    Locked {
        letters: String,
        hex: Zeroizing<String>,
    },
    /// No `<authenticatordata>`.
    Missing,
}

/// Reads a `<WinAuth>` document (or a decrypted `<config>`), adding its authenticators to
/// `raws`; `<data>` and an encrypted root are opened and read in turn, `opened` counting them.
fn read_document(
    text: &str,
    password: Option<&str>,
    opened: &mut usize,
    raws: &mut Vec<Raw>,
) -> Result<(), Locked> {
    let mut reader = Reader::from_str(text);
    let (root, empty) = loop {
        match reader.read_event().map_err(xml_error)? {
            Event::Start(e) => break (e, false),
            Event::Empty(e) => break (e, true),
            Event::Eof => return Err(Locked::damaged("no root element")),
            Event::Text(t) if !t.xml10_content().trim().is_empty() => {
                return Err(Locked::damaged("text before the root element"));
            }
            _ => {}
        }
    };
    let root_name = root.name().0.to_string();
    if !root_name.eq_ignore_ascii_case("WinAuth") && !root_name.eq_ignore_ascii_case("config") {
        return Err(Locked::damaged(format!(
            "the root element is <{root_name}>"
        )));
    }
    if empty {
        return Ok(());
    }
    // WinAuth 3.0/3.1: the whole root's content encrypted, a full document inside.
    if let Some(letters) = attribute(&root, "encrypted")?.filter(|l| !l.trim().is_empty()) {
        let hex = read_text(&mut reader)?;
        let (plain, checked) = open_document(&hex, &letters, password, opened)?;
        return read_inner(&plain, checked, |inner| {
            read_document(inner, password, opened, raws)
        });
    }
    let version = attribute(&root, "version")?.unwrap_or_default();
    // Containers opened inside the root (`<config>` in `<WinAuth>`, which WinAuth accepts).
    let mut open_containers = 0usize;
    loop {
        match reader.read_event().map_err(xml_error)? {
            Event::Start(e) => match e.name().0 {
                "WinAuthAuthenticator" => {
                    let raw = read_authenticator(&mut reader, &e)?;
                    raws.push(raw);
                    check_entry_count(raws.len()).map_err(Locked::TooManyEntries)?;
                }
                "data" => {
                    let letters = attribute(&e, "encrypted")?.unwrap_or_default();
                    let hex = read_text(&mut reader)?;
                    let (plain, checked) = open_document(&hex, &letters, password, opened)?;
                    read_inner(&plain, checked, |inner| {
                        read_document(inner, password, opened, raws)
                    })?;
                }
                "config" | "WinAuth" => open_containers += 1,
                "authenticator" => {
                    let version = if version.is_empty() { "2" } else { &version };
                    return Err(Locked::Version(version.to_string()));
                }
                _ => {
                    reader.read_to_end(e.name()).map_err(xml_error)?;
                }
            },
            Event::Empty(e) if e.name().0 == "authenticator" => {
                let version = if version.is_empty() { "2" } else { &version };
                return Err(Locked::Version(version.to_string()));
            }
            Event::End(_) => {
                if open_containers == 0 {
                    return Ok(());
                }
                open_containers -= 1;
            }
            Event::Eof => return Err(Locked::damaged("the file is cut short")),
            _ => {}
        }
    }
}

/// [`open`] for a protected document, within [`MAX_PROTECTED_DOCUMENTS`] for the file.
fn open_document(
    hex: &str,
    letters: &str,
    password: Option<&str>,
    opened: &mut usize,
) -> Result<(Zeroizing<Vec<u8>>, bool), Locked> {
    *opened += 1;
    if *opened > MAX_PROTECTED_DOCUMENTS {
        return Err(Locked::damaged(format!(
            "more than {MAX_PROTECTED_DOCUMENTS} protected <data> parts"
        )));
    }
    open(hex, letters, password)
}

/// Reads decrypted bytes (a UTF-8 document with BOM and declaration) with `read`. When the
/// plaintext was not checked (old data without the SHA-256), bytes that are no text or no XML
/// mean a wrong password.
fn read_inner(
    plain: &[u8],
    checked: bool,
    read: impl FnOnce(&str) -> Result<(), Locked>,
) -> Result<(), Locked> {
    let unchecked = |e: Locked| match e {
        Locked::Damaged(_) if !checked => Locked::WrongPassword,
        other => other,
    };
    let text = super::text::decode(plain)
        .ok_or_else(|| unchecked(Locked::damaged("the decrypted part is not text")))?;
    read(&text).map_err(unchecked)
}

/// The value of attribute `name`, unescaped.
fn attribute(e: &BytesStart, name: &str) -> Result<Option<String>, Locked> {
    match e.try_get_attribute(name).map_err(xml_error)? {
        Some(a) => Ok(Some(
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(xml_error)?
                .into_owned(),
        )),
        None => Ok(None),
    }
}

/// The text content of the element just started, up to its end tag; child elements are
/// skipped. Tabs are kept (`<secretdata>` separates its fields with them).
fn read_text(reader: &mut Reader<&[u8]>) -> Result<Zeroizing<String>, Locked> {
    let mut out = Zeroizing::new(String::new());
    loop {
        match reader.read_event().map_err(xml_error)? {
            Event::Text(t) => out.push_str(&t.xml10_content()),
            Event::CData(c) => out.push_str(&c.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(c) = r.resolve_char_ref().map_err(xml_error)? {
                    out.push(c);
                } else {
                    let name: &str = &r;
                    let resolved = quick_xml::escape::resolve_xml_entity(name)
                        .ok_or_else(|| xml_error(format!("unknown entity &{name};")))?;
                    out.push_str(resolved);
                }
            }
            Event::Start(e) => {
                reader.read_to_end(e.name()).map_err(xml_error)?;
            }
            Event::End(_) => return Ok(out),
            Event::Eof => return Err(Locked::damaged("the file is cut short")),
            _ => {}
        }
    }
}

/// One `<WinAuthAuthenticator>`, its start tag just read.
fn read_authenticator(reader: &mut Reader<&[u8]>, start: &BytesStart) -> Result<Raw, Locked> {
    let mut raw = Raw {
        kind: attribute(start, "type")?.unwrap_or_default(),
        name: String::new(),
        skin: String::new(),
        data: Data::Missing,
    };
    loop {
        match reader.read_event().map_err(xml_error)? {
            Event::Start(e) => match e.name().0 {
                "name" => raw.name = read_text(reader)?.to_string(),
                "skin" => raw.skin = read_text(reader)?.to_string(),
                "authenticatordata" => {
                    let letters = attribute(&e, "encrypted")?.unwrap_or_default();
                    raw.data = if letters.trim().is_empty() {
                        Data::Plain(read_secretdata(reader)?)
                    } else {
                        Data::Locked {
                            letters,
                            hex: read_text(reader)?,
                        }
                    };
                }
                _ => {
                    reader.read_to_end(e.name()).map_err(xml_error)?;
                }
            },
            Event::End(_) => return Ok(raw),
            Event::Eof => return Err(Locked::damaged("the file is cut short")),
            _ => {}
        }
    }
}

/// The `<secretdata>` inside the `<authenticatordata>` just started (at any depth).
fn read_secretdata(reader: &mut Reader<&[u8]>) -> Result<Option<Zeroizing<String>>, Locked> {
    let mut found = None;
    let mut depth = 0usize;
    loop {
        match reader.read_event().map_err(xml_error)? {
            Event::Start(e) if e.name().0 == "secretdata" => {
                let text = read_text(reader)?;
                found.get_or_insert(text);
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                if depth == 0 {
                    return Ok(found);
                }
                depth -= 1;
            }
            Event::Eof => return Err(Locked::damaged("the file is cut short")),
            _ => {}
        }
    }
}

/// The `<secretdata>` of a decrypted `<authenticatordata>` document.
fn read_entry_document(text: &str) -> Result<Option<Zeroizing<String>>, Locked> {
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event().map_err(xml_error)? {
            Event::Start(e) if e.name().0 == "authenticatordata" => {
                return read_secretdata(&mut reader);
            }
            Event::Start(e) => {
                let name = e.name().0.to_string();
                return Err(Locked::damaged(format!("the root element is <{name}>")));
            }
            Event::Empty(_) => return Ok(None),
            Event::Eof => return Err(Locked::damaged("no root element")),
            _ => {}
        }
    }
}

/// The protection letters of an `encrypted` attribute.
#[derive(Default)]
struct Protection {
    password: bool,
    user: bool,
    machine: bool,
    yubikey: bool,
}

impl Protection {
    fn parse(letters: &str) -> Result<Protection, Locked> {
        let mut p = Protection::default();
        for c in letters.trim().chars() {
            match c {
                'y' => p.password = true,
                'u' => p.user = true,
                'm' => p.machine = true,
                'a' | 'b' => p.yubikey = true,
                other => {
                    return Err(Locked::damaged(format!("an unknown protection {other:?}")));
                }
            }
        }
        if !(p.password || p.user || p.machine || p.yubikey) {
            return Err(Locked::damaged("protected data without protection letters"));
        }
        Ok(p)
    }
}

/// Opens WinAuth's `EncryptSequence` hex (`letters` from its `encrypted` attribute): the
/// plaintext, and whether it was checked against the SHA-256 the header carries.
fn open(
    hex: &str,
    letters: &str,
    password: Option<&str>,
) -> Result<(Zeroizing<Vec<u8>>, bool), Locked> {
    let protection = Protection::parse(letters)?;
    if protection.yubikey {
        return Err(Locked::YubiKey);
    }
    if (protection.user || protection.machine) && !cfg!(windows) {
        return Err(Locked::Dpapi);
    }
    let data = decode_hex(hex)?;
    let (check, mut layer) = match data.strip_prefix(HEADER) {
        Some(rest) => {
            if rest.len() < SALT + HASH {
                return Err(Locked::damaged("the protected data is cut short"));
            }
            let (salt, rest) = rest.split_at(SALT);
            let (hash, body) = rest.split_at(HASH);
            (Some((salt, hash)), Zeroizing::new(body.to_vec()))
        }
        None => (None, Zeroizing::new(data.to_vec())),
    };
    // Undone in WinAuth's order: machine, user, password.
    for scope in [protection.machine, protection.user] {
        if scope {
            layer = dpapi::unprotect(&layer)?;
        }
    }
    if protection.password {
        let password = password.ok_or(Locked::PasswordRequired)?;
        layer = open_password(&layer, password)?;
    }
    let Some((salt, hash)) = check else {
        return Ok((layer, false));
    };
    let mut hasher = sha2::Sha256::new();
    hasher.update(salt);
    hasher.update(&layer[..]);
    if hasher.finalize().as_slice() != hash {
        return Err(if protection.password {
            Locked::WrongPassword
        } else {
            Locked::damaged("the SHA-256 check of the protected data fails")
        });
    }
    Ok((layer, true))
}

/// The password layer: an 8-byte salt, then Blowfish-ECB under PBKDF2-HMAC-SHA1.
fn open_password(layer: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>, Locked> {
    if layer.len() < SALT + 8 || !(layer.len() - SALT).is_multiple_of(8) {
        return Err(Locked::damaged("the encrypted data is cut short"));
    }
    let (salt, ciphertext) = layer.split_at(SALT);
    let key = pbkdf2_bytes::<KEY_BYTES>(NAME, Prf::Sha1, password, salt, PBKDF2_ITERATIONS)
        .map_err(|_| Locked::damaged("key derivation"))?;
    blowfish_ecb_open_iso10126(key.as_slice(), ciphertext).ok_or(Locked::WrongPassword)
}

/// Hex in either case, white space around it ignored; odd lengths and other characters are
/// damage (never a panic).
fn decode_hex(hex: &str) -> Result<Zeroizing<Vec<u8>>, Locked> {
    HEXUPPER_PERMISSIVE
        .decode(hex.trim().as_bytes())
        .map(Zeroizing::new)
        .map_err(|e| Locked::damaged(format!("the protected data is not hexadecimal ({e})")))
}

#[cfg(not(windows))]
mod dpapi {
    use zeroize::Zeroizing;

    /// Never called off Windows ([`super::open`] explains DPAPI first).
    pub fn unprotect(_blob: &[u8]) -> Result<Zeroizing<Vec<u8>>, super::Locked> {
        Err(super::Locked::Dpapi)
    }
}

/// `CryptUnprotectData` as .NET's `ProtectedData.Unprotect` calls it for WinAuth: no entropy,
/// no prompt.
#[cfg(windows)]
#[allow(unsafe_code)]
mod dpapi {
    use windows_sys::Win32::Foundation::LocalFree;
    use windows_sys::Win32::Security::Cryptography::{
        CRYPT_INTEGER_BLOB, CRYPTPROTECT_UI_FORBIDDEN, CryptUnprotectData,
    };
    use zeroize::Zeroizing;

    /// The plaintext of a DPAPI blob, or the explanation that this user or computer cannot
    /// open it.
    pub fn unprotect(blob: &[u8]) -> Result<Zeroizing<Vec<u8>>, super::Locked> {
        let len = u32::try_from(blob.len())
            .map_err(|_| super::Locked::damaged("the DPAPI data is too large"))?;
        let input = CRYPT_INTEGER_BLOB {
            cbData: len,
            pbData: blob.as_ptr().cast_mut(),
        };
        let mut output = CRYPT_INTEGER_BLOB {
            cbData: 0,
            pbData: std::ptr::null_mut(),
        };
        // SAFETY: `input` points to `len` readable bytes that outlive the call (DPAPI does not
        // write through it); description, entropy, reserved and prompt may be null; `output` is
        // a valid out pointer.
        let ok = unsafe {
            CryptUnprotectData(
                &input,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null(),
                CRYPTPROTECT_UI_FORBIDDEN,
                &mut output,
            )
        };
        if ok == 0 || output.pbData.is_null() {
            return Err(super::Locked::DpapiElsewhere);
        }
        let size = output.cbData as usize;
        // SAFETY: on success `output` holds `cbData` bytes that DPAPI allocated with
        // LocalAlloc; they are copied, wiped and freed once.
        let plain = unsafe {
            let plain = Zeroizing::new(std::slice::from_raw_parts(output.pbData, size).to_vec());
            std::ptr::write_bytes(output.pbData, 0, size);
            LocalFree(output.pbData.cast());
            plain
        };
        Ok(plain)
    }
}

/// WinAuth's authenticator classes Mamori reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Google, Microsoft, Okta Verify, Guild Wars: plain TOTP.
    Totp,
    Hotp,
    Steam,
    BattleNet,
}

impl Kind {
    /// The kind of a `type` attribute (`WinAuth.GoogleAuthenticator`; 2.x wrote
    /// `WindowsAuthenticator.…`; WinAuth compares without case).
    fn of(type_name: &str) -> Result<Kind, EntryError> {
        let trimmed = type_name.trim();
        let class = trimmed.rsplit('.').next().unwrap_or_default();
        match class.to_ascii_lowercase().as_str() {
            "googleauthenticator"
            | "microsoftauthenticator"
            | "oktaverifyauthenticator"
            | "guildwarsauthenticator" => Ok(Kind::Totp),
            "hotpauthenticator" => Ok(Kind::Hotp),
            "steamauthenticator" => Ok(Kind::Steam),
            "battlenetauthenticator" => Ok(Kind::BattleNet),
            "trionauthenticator" => Err(EntryError::UnsupportedType("trion".into())),
            "" => Err(EntryError::Missing("type")),
            _ => Err(EntryError::UnsupportedType(trimmed.to_string())),
        }
    }

    /// The issuer WinAuth's constructors set (`AuthenticatorData.Issuer`).
    fn issuer(self) -> Option<&'static str> {
        match self {
            Kind::Steam => Some("Steam"),
            Kind::BattleNet => Some("BattleNet"),
            Kind::Totp | Kind::Hotp => None,
        }
    }
}

/// Issuer and account from a WinAuth name, as its `ToUrl` splits them: `Service (account)`;
/// with an issuer from the type, `Issuer (account)` or the whole name as the account.
fn split_name(name: &str, known: Option<&str>) -> (String, String) {
    let name = name.trim();
    // `\s+\((.*?)\)(.*)` after the service: the account is the inside plus what follows.
    let parenthesised = |service: &str, rest: &str| -> Option<String> {
        if service.is_empty() || !rest.starts_with(char::is_whitespace) {
            return None;
        }
        let inner = rest.trim_start().strip_prefix('(')?;
        let (account, after) = inner.split_once(')')?;
        Some(format!("{account}{after}"))
    };
    match known {
        Some(issuer) => {
            let account = name
                .strip_prefix(issuer)
                .and_then(|rest| parenthesised(issuer, rest))
                .unwrap_or_else(|| name.to_string());
            (issuer.to_string(), account.trim().to_string())
        }
        None => {
            let split = name.find('(').and_then(|open| {
                let before = &name[..open];
                let service = before.trim_end();
                let account = parenthesised(service, &name[service.len()..])?;
                Some((service.to_string(), account.trim().to_string()))
            });
            split.unwrap_or_else(|| (String::new(), name.to_string()))
        }
    }
}

/// One authenticator as an item; `Err` only for a whole-file problem (a password is needed).
fn convert(raw: Raw, password: Option<&str>) -> Result<Item, ImportError> {
    let kind = Kind::of(&raw.kind);
    let (issuer, name) = split_name(&raw.name, kind.as_ref().ok().and_then(|k| k.issuer()));
    let rejected = |reason| Ok(Item::rejected(&issuer, &name, reason));
    let kind = match kind {
        Ok(kind) => kind,
        Err(reason) => return rejected(reason),
    };
    let secretdata = match raw.data {
        Data::Plain(text) => text,
        Data::Missing => None,
        Data::Locked { letters, hex } => match open_entry(&hex, &letters, password) {
            Ok(text) => text,
            Err(Locked::PasswordRequired) => return Err(ImportError::PasswordRequired),
            Err(Locked::WrongPassword) => return rejected(EntryError::Protected("password")),
            Err(Locked::YubiKey) => return rejected(EntryError::Protected("winauth-yubikey")),
            Err(Locked::Dpapi) => return rejected(EntryError::Protected("winauth-dpapi")),
            Err(Locked::DpapiElsewhere) => {
                return rejected(EntryError::Protected("winauth-dpapi-elsewhere"));
            }
            Err(Locked::Damaged(detail) | Locked::Version(detail)) => {
                return rejected(EntryError::BadValue {
                    field: "authenticatordata",
                    value: detail,
                });
            }
            Err(Locked::TooManyEntries(e)) => return Err(e),
        },
    };
    let Some(secretdata) = secretdata else {
        return rejected(EntryError::Missing("secretdata"));
    };
    match read_secret(kind, &secretdata) {
        Ok((otp, note)) => {
            let mut entry = Entry::new(issuer, name, otp);
            entry.note = note;
            entry.icon = raw
                .skin
                .trim()
                .strip_prefix("base64:")
                .and_then(|b64| BASE64.decode(b64.trim().as_bytes()).ok());
            Ok(Item::Entry(entry))
        }
        Err(reason) => rejected(reason),
    }
}

/// The `<secretdata>` of an entry protected on its own.
fn open_entry(
    hex: &str,
    letters: &str,
    password: Option<&str>,
) -> Result<Option<Zeroizing<String>>, Locked> {
    let (plain, checked) = open(hex, letters, password)?;
    let mut found = None;
    read_inner(&plain, checked, |text| {
        found = read_entry_document(text)?;
        Ok(())
    })?;
    Ok(found)
}

/// Code parameters and note from `HEXKEY \t digits \t HMAC \t period [| extra…]`.
fn read_secret(kind: Kind, secretdata: &str) -> Result<(OtpParams, String), EntryError> {
    let mut parts = secretdata.split('|');
    let base = parts.next().unwrap_or_default();
    let extra: Vec<&str> = parts.collect();
    let mut fields = base.split('\t').map(str::trim);
    let mut key_hex = fields.next().unwrap_or_default();
    let digits_field = fields.next().unwrap_or_default();
    let hmac_field = fields.next().unwrap_or_default();
    let period_field = fields.next().unwrap_or_default();

    let mut note = String::new();
    match kind {
        Kind::BattleNet => {
            // 3.x: `|hex(serial)`; 3.0.6 alpha: `|script|serial`; 2.x: 40 hex of key, then
            // hex of the serial, no `|`.
            let serial_hex = match extra.as_slice() {
                [] if key_hex.len() > 40 && key_hex.is_char_boundary(40) => {
                    let (key, serial) = key_hex.split_at(40);
                    key_hex = key;
                    serial
                }
                [] => "",
                [serial] | [_, serial, ..] => serial,
            };
            if let Some(serial) = hex_text(serial_hex).filter(|s| !s.is_empty()) {
                note = format!("Serial: {serial}");
            }
        }
        Kind::Steam => {
            // `|serial|deviceid|SteamData|session`: SteamData is JSON with the revocation
            // code, or (older) the bare revocation code.
            if let Some(data) = extra.get(2).and_then(|h| hex_text(h)) {
                let revocation = if data.trim_start().starts_with('{') {
                    super::json::parse(&data, NAME)
                        .ok()
                        .and_then(|j| Some(j.get("revocation_code")?.as_str()?.to_string()))
                } else {
                    Some(data.trim().to_string())
                };
                if let Some(code) = revocation.filter(|c| !c.is_empty()) {
                    note = format!("Revocation code: {code}");
                }
            }
        }
        Kind::Totp | Kind::Hotp => {}
    }

    if key_hex.is_empty() {
        return Err(EntryError::Missing("secretdata"));
    }
    let key = HEXUPPER_PERMISSIVE
        .decode(key_hex.as_bytes())
        .map_err(|_| EntryError::BadValue {
            field: "secretdata",
            // Never the key itself.
            value: "not hexadecimal".into(),
        })?;
    let secret = Secret::from_bytes(key);

    let number = |field: &'static str, text: &str, default: u64| -> Result<u64, EntryError> {
        if text.is_empty() {
            return Ok(default);
        }
        text.parse().map_err(|_| EntryError::BadValue {
            field,
            value: text.to_string(),
        })
    };
    let period = || -> Result<u32, EntryError> {
        let period = number(
            "period",
            period_field,
            u64::from(crate::account::DEFAULT_PERIOD),
        )?;
        u32::try_from(period)
            .ok()
            .filter(|p| *p > 0)
            .ok_or(EntryError::BadValue {
                field: "period",
                value: period.to_string(),
            })
    };
    let otp = match kind {
        Kind::Totp | Kind::BattleNet => {
            let default = if kind == Kind::BattleNet { 8 } else { 6 };
            let digits = number("digits", digits_field, default)?;
            let kind = OtpKind::Totp { period: period()? };
            otp_params(secret, kind, algorithm(hmac_field)?, digits)?
        }
        Kind::Hotp => {
            // WinAuth stores the counter of the last code shown; Mamori the next one's.
            let stored = number("counter", extra.first().map_or("", |c| c.trim()), 0)?;
            let counter = stored.checked_add(1).ok_or(EntryError::BadValue {
                field: "counter",
                value: stored.to_string(),
            })?;
            let digits = number("digits", digits_field, 6)?;
            // HOTPAuthenticator always computes with HMAC-SHA1, whatever the field says.
            otp_params(secret, OtpKind::Hotp { counter }, Algorithm::Sha1, digits)?
        }
        Kind::Steam => {
            // Always 5 characters of Steam's alphabet from HMAC-SHA1; the digits field is unused.
            let kind = OtpKind::Steam { period: period()? };
            otp_params(
                secret,
                kind,
                Algorithm::Sha1,
                u64::from(crate::account::STEAM_DIGITS),
            )?
        }
    };
    Ok((otp, note))
}

/// UTF-8 text from hex; `None` when it is neither.
fn hex_text(hex: &str) -> Option<String> {
    let bytes = HEXUPPER_PERMISSIVE.decode(hex.trim().as_bytes()).ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{detect as detect_format, import as import_as};
    use crate::i18n::{Lang, Localize};

    const PLAIN: &[u8] = include_bytes!("../../tests/data/formats/winauth-plain.xml");
    const PASSWORD: &[u8] = include_bytes!("../../tests/data/formats/winauth-password.xml");
    const ENTRY_PASSWORD: &[u8] =
        include_bytes!("../../tests/data/formats/winauth-authpassword.xml");
    const DPAPI: &[u8] = include_bytes!("../../tests/data/formats/winauth-dpapi-user.xml");
    const YUBIKEY: &[u8] = include_bytes!("../../tests/data/formats/winauth-yubikey.xml");
    const PW: &str = "パスワード correct horse";
    const T: u64 = 1_700_000_000;

    fn read(bytes: &[u8], password: Option<&str>) -> Result<Parsed, ImportError> {
        import_as(bytes, Format::WinAuthXml, password)
    }

    /// The four accounts of every fixture, with their codes at `T`.
    fn assert_four_accounts(parsed: &Parsed) {
        let entries: Vec<&Entry> = parsed.entries().collect();
        assert_eq!(entries.len(), 4, "{parsed:?}");
        let code = |i: usize| crate::otp::generate(&entries[i].otp, T).code;
        assert_eq!(
            (entries[0].issuer.as_str(), entries[0].name.as_str()),
            ("株式会社サンプル", "山田 太郎")
        );
        assert_eq!(entries[0].otp.kind, OtpKind::Totp { period: 30 });
        assert_eq!(code(0), "524686");
        assert_eq!(
            (entries[1].issuer.as_str(), entries[1].name.as_str()),
            ("Example Co", "ops-hotp")
        );
        assert_eq!(entries[1].otp.kind, OtpKind::Hotp { counter: 5 });
        assert_eq!(code(1), "768897");
        assert_eq!(
            (entries[2].issuer.as_str(), entries[2].name.as_str()),
            ("Steam", "gaben")
        );
        assert_eq!(entries[2].otp.kind, OtpKind::Steam { period: 30 });
        assert_eq!(code(2), "2KM2P");
        assert_eq!(entries[2].note, "Revocation code: R23456");
        assert_eq!(
            (entries[3].issuer.as_str(), entries[3].name.as_str()),
            ("BattleNet", "Battle.net")
        );
        assert_eq!(entries[3].otp.digits, 8);
        assert_eq!(code(3), "92612336");
        assert_eq!(entries[3].note, "Serial: US-1306-2525-4376");
        assert!(entries.iter().all(|e| e.icon.is_none()));
    }

    #[test]
    fn every_fixture_is_detected() {
        for bytes in [PLAIN, PASSWORD, ENTRY_PASSWORD, DPAPI, YUBIKEY] {
            assert_eq!(detect_format(bytes), Some(Format::WinAuthXml));
        }
        assert!(!detect(&Sniff::new(b"<WinAuthAuthenticator/>")));
        assert!(detect(&Sniff::new(b"<!-- c --><WinAuth>\n</WinAuth>")));
        assert!(!detect(&Sniff::new(b"<config></config>")));
    }

    #[test]
    fn plain_file() {
        let parsed = read(PLAIN, None).unwrap();
        assert_eq!(parsed.format, Format::WinAuthXml);
        assert_four_accounts(&parsed);
        // A password given for a plain file changes nothing.
        assert_four_accounts(&read(PLAIN, Some("anything")).unwrap());
    }

    #[test]
    fn whole_file_password() {
        assert_four_accounts(&read(PASSWORD, Some(PW)).unwrap());
        assert_eq!(read(PASSWORD, None), Err(ImportError::PasswordRequired));
        // `wrong45` passes the padding check (pad byte 7) and fails only the SHA-256.
        for wrong in ["correct horse", "wrong45", "", "パスワード correct hors"] {
            assert_eq!(
                read(PASSWORD, Some(wrong)),
                Err(ImportError::WrongPassword),
                "{wrong}"
            );
        }
    }

    #[test]
    fn wrong45_fails_only_the_hash() {
        let text = std::str::from_utf8(&PASSWORD[3..]).unwrap();
        let hex = text.split("sha1=\"").nth(1).unwrap();
        let hex = &hex[hex.find('>').unwrap() + 1..hex.find('<').unwrap()];
        let data = decode_hex(hex).unwrap();
        let layer = &data[HEADER.len() + SALT + HASH..];
        assert!(open_password(layer, "wrong45").is_ok());
        assert!(matches!(
            open_password(layer, "correct horse"),
            Err(Locked::WrongPassword)
        ));
    }

    #[test]
    fn the_worked_example_key_and_first_blocks() {
        // docs: /tmp/winauth-spec.md §7, from winauth-password.xml.
        let hex = |s: &str| HEXUPPER_PERMISSIVE.decode(s.as_bytes()).unwrap();
        let key = pbkdf2_bytes::<KEY_BYTES>(
            "t",
            Prf::Sha1,
            PW,
            &hex("DFF4FD0746F9E4C9"),
            PBKDF2_ITERATIONS,
        )
        .unwrap();
        let expected = hex(
            "880F1B257DA7AD36AC61ABA63EBD6178EDB335A199ECB8C1B60AC5F2C398EE48089C4777\
             2751455D652F9AA709F7F8077843613959A7F497691A2B7CC7764116BC9CFD64FF1076AC",
        );
        assert_eq!(&key[..72], &expected[..]);
        // The first two blocks decrypt to the BOM and the XML declaration, with the full key
        // and with its first 72 bytes alike.
        for key in [&key[..], &key[..72]] {
            let mut blocks = hex("10CC569781418D7E7444791FA7498CD1");
            crate::formats::crypto::blowfish_ecb_decrypt(key, &mut blocks).unwrap();
            assert_eq!(&blocks[..], b"\xEF\xBB\xBF<?xml version");
        }
    }

    #[test]
    fn entry_with_its_own_password() {
        assert_four_accounts(&read(ENTRY_PASSWORD, Some(PW)).unwrap());
        // No password: asked for, as for a protected file.
        assert_eq!(
            read(ENTRY_PASSWORD, None),
            Err(ImportError::PasswordRequired)
        );
        // Another password: that entry is rejected, named, and the others import.
        for wrong in ["correct horse", "wrong45"] {
            let parsed = read(ENTRY_PASSWORD, Some(wrong)).unwrap();
            assert_eq!(parsed.entries().count(), 3);
            let Item::Rejected(rejected) = &parsed.items[0] else {
                panic!("{:?}", parsed.items[0]);
            };
            assert_eq!(rejected.issuer, "株式会社サンプル");
            assert_eq!(rejected.name, "山田 太郎");
            assert_eq!(rejected.reason, EntryError::Protected("password"));
        }
    }

    #[test]
    fn dpapi_and_yubikey_are_explained() {
        let dpapi = read(DPAPI, Some(PW));
        if cfg!(windows) {
            // The blob is not a real one: Windows refuses it.
            assert_eq!(
                dpapi,
                Err(ImportError::Unsupported("winauth-dpapi-elsewhere"))
            );
        } else {
            assert_eq!(dpapi, Err(ImportError::Unsupported("winauth-dpapi")));
        }
        assert_eq!(read(DPAPI, None), dpapi);
        let yubikey = Err(ImportError::Unsupported("winauth-yubikey"));
        assert_eq!(read(YUBIKEY, Some(PW)), yubikey);
        assert_eq!(read(YUBIKEY, None), yubikey);
        for what in [
            "winauth-dpapi",
            "winauth-dpapi-elsewhere",
            "winauth-yubikey",
        ] {
            for lang in [Lang::En, Lang::Ja] {
                let text = ImportError::Unsupported(what).localize(lang);
                assert!(!text.starts_with("import-"), "{what}: {text}");
            }
        }
        for what in [
            "password",
            "winauth-dpapi",
            "winauth-dpapi-elsewhere",
            "winauth-yubikey",
        ] {
            for lang in [Lang::En, Lang::Ja] {
                let text = EntryError::Protected(what).localize(lang);
                assert!(!text.starts_with("import-"), "{what}: {text}");
            }
        }
    }

    /// The YubiKey fixture decrypts with its stand-in response: the layout is the password
    /// layer's, with the response as the key (cycled from 20 bytes).
    #[test]
    fn yubikey_layout_with_the_stand_in_response() {
        let text = std::str::from_utf8(&YUBIKEY[3..]).unwrap();
        let hex = text.split("sha1=\"").nth(1).unwrap();
        let hex = &hex[hex.find('>').unwrap() + 1..hex.find('<').unwrap()];
        let data = decode_hex(hex).unwrap();
        let rest = &data[HEADER.len()..];
        let (salt, hash, layer) = (
            &rest[..SALT],
            &rest[SALT..SALT + HASH],
            &rest[SALT + HASH..],
        );
        let response: Vec<u8> = (0xA0..0xA0 + 20).collect();
        let plain = blowfish_ecb_open_iso10126(&response, &layer[SALT..]).unwrap();
        let digest = sha2::Sha256::new()
            .chain_update(salt)
            .chain_update(&plain[..])
            .finalize();
        assert_eq!(digest.as_slice(), hash);
        assert!(plain.starts_with(b"\xEF\xBB\xBF<?xml"));
    }

    #[test]
    fn names_split_as_winauth_exports_them() {
        let cases = [
            (
                "株式会社サンプル (山田 太郎)",
                None,
                ("株式会社サンプル", "山田 太郎"),
            ),
            (
                "Example Co (ops-hotp) extra",
                None,
                ("Example Co", "ops-hotp extra"),
            ),
            ("No parentheses", None, ("", "No parentheses")),
            ("Tight(no space)", None, ("", "Tight(no space)")),
            ("Open (no close", None, ("", "Open (no close")),
            (" (only)", None, ("", "(only)")),
            ("Steam (gaben)", Some("Steam"), ("Steam", "gaben")),
            ("gaben", Some("Steam"), ("Steam", "gaben")),
            ("Battle.net", Some("BattleNet"), ("BattleNet", "Battle.net")),
            ("Other (x)", Some("Steam"), ("Steam", "Other (x)")),
        ];
        for (name, known, (issuer, account)) in cases {
            assert_eq!(
                split_name(name, known),
                (issuer.to_string(), account.to_string()),
                "{name}"
            );
        }
    }

    fn one(secretdata: &str, kind: &str) -> Item {
        let xml = format!(
            "<WinAuth version=\"3.6\"><WinAuthAuthenticator type=\"WinAuth.{kind}\">\
             <name>S (a)</name><skin>base64:iVBORw0KGgo=</skin><authenticatordata>\
             <secretdata>{secretdata}</secretdata></authenticatordata></WinAuthAuthenticator>\
             </WinAuth>"
        );
        let mut parsed = read(xml.as_bytes(), None).unwrap();
        assert_eq!(parsed.items.len(), 1);
        parsed.items.remove(0)
    }

    #[test]
    fn secretdata_fields_and_types() {
        let Item::Entry(e) = one(
            "3132333435363738393031323334353637383930\t8\tSHA256\t60",
            "MicrosoftAuthenticator",
        ) else {
            panic!()
        };
        assert_eq!(e.otp.kind, OtpKind::Totp { period: 60 });
        assert_eq!((e.otp.digits, e.otp.algorithm), (8, Algorithm::Sha256));
        assert_eq!(e.icon.as_deref(), Some(&b"\x89PNG\r\n\x1a\n"[..]));
        // Older 3.x: only the key; defaults 6 digits, SHA1, 30 s. Lower-case hex too.
        let Item::Entry(e) = one(
            "3132333435363738393031323334353637383930"
                .to_lowercase()
                .as_str(),
            "GoogleAuthenticator",
        ) else {
            panic!()
        };
        assert_eq!(e.otp.kind, OtpKind::Totp { period: 30 });
        assert_eq!((e.otp.digits, e.otp.algorithm), (6, Algorithm::Sha1));
        // RFC 4226 key: stored counter 0 → next 1 → 287082; HOTP ignores the HMAC field.
        let Item::Entry(e) = one(
            "3132333435363738393031323334353637383930\t6\tSHA512\t30|0",
            "HOTPAuthenticator",
        ) else {
            panic!()
        };
        assert_eq!(e.otp.kind, OtpKind::Hotp { counter: 1 });
        assert_eq!(e.otp.algorithm, Algorithm::Sha1);
        assert_eq!(crate::otp::generate(&e.otp, 0).code, "287082");
        // Battle.net 2.x form: 40 hex of key then the serial, no `|`.
        let Item::Entry(e) = one(
            "7B0BFA8230E54424AB51777DADBFD5374143E3B055532D313330362D323532352D34333736",
            "BattleNetAuthenticator",
        ) else {
            panic!()
        };
        assert_eq!(e.note, "Serial: US-1306-2525-4376");
        assert_eq!(crate::otp::generate(&e.otp, T).code, "92612336");
        assert_eq!((e.issuer.as_str(), e.name.as_str()), ("BattleNet", "S (a)"));
    }

    #[test]
    fn bad_entries_are_rejected_alone() {
        let rejected = |secretdata: &str, kind: &str| match one(secretdata, kind) {
            Item::Rejected(r) => r.reason,
            Item::Entry(e) => panic!("{secretdata}: {e:?}"),
        };
        assert_eq!(
            rejected("3132\t6\tSHA1\t30|1|2", "TrionAuthenticator"),
            EntryError::UnsupportedType("trion".into())
        );
        assert_eq!(
            rejected("3132", "RiftAuthenticator"),
            EntryError::UnsupportedType("WinAuth.RiftAuthenticator".into())
        );
        assert!(matches!(
            rejected("313", "GoogleAuthenticator"),
            EntryError::BadValue {
                field: "secretdata",
                ..
            }
        ));
        assert!(matches!(
            rejected("31G2", "GoogleAuthenticator"),
            EntryError::BadValue {
                field: "secretdata",
                ..
            }
        ));
        assert_eq!(
            rejected("", "GoogleAuthenticator"),
            EntryError::Missing("secretdata")
        );
        assert_eq!(
            rejected("3132\t6\tMD5\t30", "GoogleAuthenticator"),
            EntryError::UnsupportedAlgorithm("MD5".into())
        );
        assert!(matches!(
            rejected("3132\t6\tSHA1\t0", "GoogleAuthenticator"),
            EntryError::BadValue {
                field: "period",
                ..
            }
        ));
        assert!(matches!(
            rejected("3132\t99\tSHA1\t30", "GoogleAuthenticator"),
            EntryError::BadValue {
                field: "digits",
                ..
            }
        ));
        assert!(matches!(
            rejected(
                "3132\t6\tSHA1\t30|18446744073709551615",
                "HOTPAuthenticator"
            ),
            EntryError::BadValue {
                field: "counter",
                ..
            }
        ));
        // Without <authenticatordata> or a type.
        let parsed = read(
            b"<WinAuth><WinAuthAuthenticator type=\"WinAuth.GoogleAuthenticator\"><name>x</name>\
              </WinAuthAuthenticator><WinAuthAuthenticator><name>y</name>\
              </WinAuthAuthenticator></WinAuth>",
            None,
        )
        .unwrap();
        let reasons: Vec<_> = parsed
            .items
            .iter()
            .map(|i| match i {
                Item::Rejected(r) => r.reason.clone(),
                Item::Entry(_) => panic!(),
            })
            .collect();
        assert_eq!(
            reasons,
            [
                EntryError::Missing("secretdata"),
                EntryError::Missing("type")
            ]
        );
    }

    #[test]
    fn damaged_and_old_files() {
        for (xml, what) in [
            (&b"<WinAuth><data encrypted=\"y\">57494E41555448</data></WinAuth>"[..], "cut short"),
            (b"<WinAuth><data encrypted=\"y\">ABC</data></WinAuth>", "hexadecimal"),
            (b"<WinAuth><data encrypted=\"y\">XYZW</data></WinAuth>", "hexadecimal"),
            (b"<WinAuth><data encrypted=\"q\">00</data></WinAuth>", "protection"),
            (b"<WinAuth><data>00</data></WinAuth>", "letters"),
            (b"<WinAuth><WinAuthAuthenticator>", "cut short"),
            (
                b"<WinAuth><WinAuthAuthenticator><name>&bogus;</name></WinAuthAuthenticator></WinAuth>",
                "XML",
            ),
            (
                b"<WinAuth><data encrypted=\"y\"></data><data encrypted=\"y\"></data>\
                  <data encrypted=\"y\"></data><data encrypted=\"y\"></data>\
                  <data encrypted=\"y\"></data></WinAuth>",
                "cut short",
            ),
            (b"<Other/>", "root"),
        ] {
            match read(xml, Some(PW)) {
                Err(ImportError::Damaged { detail, .. }) => {
                    assert!(detail.contains(what), "{detail}")
                }
                other => panic!("{}: {other:?}", String::from_utf8_lossy(xml)),
            }
        }
        assert_eq!(
            read(b"<WinAuth version=\"2.5\"><authenticator/></WinAuth>", None),
            Err(ImportError::UnsupportedVersion {
                format: NAME,
                version: "2.5".into()
            })
        );
        // Entities, CDATA, a UTF-16 file and unknown elements are fine.
        let xml = "<?xml version=\"1.0\" encoding=\"utf-16\"?><WinAuth><x><y/></x>\
                   <WinAuthAuthenticator type=\"WinAuth.GoogleAuthenticator\">\
                   <name>A &amp; B (&#x5C71;)</name><hotkey><a/></hotkey><authenticatordata>\
                   <secretdata><![CDATA[3132]]>&#9;6</secretdata></authenticatordata>\
                   </WinAuthAuthenticator></WinAuth>";
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(xml.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let parsed = read(&utf16, None).unwrap();
        let entry = parsed.entries().next().unwrap();
        assert_eq!(
            (entry.issuer.as_str(), entry.name.as_str()),
            ("A & B", "山")
        );
        assert_eq!(entry.otp.secret.as_bytes(), b"12");
    }

    /// Data without the `WINAUTH3` header (older files): no SHA-256, so a wrong password that
    /// passes the padding is caught by the XML.
    #[test]
    fn headerless_data() {
        let text = std::str::from_utf8(&PASSWORD[3..]).unwrap();
        let start = text.find("sha1=\"").unwrap();
        let open = start + text[start..].find('>').unwrap() + 1;
        let close = open + text[open..].find('<').unwrap();
        // Drop header, salt and hash: what is left is the password layer alone.
        let headerless = format!(
            "{}{}{}",
            &text[..open],
            &text[open + 2 * (HEADER.len() + SALT + HASH)..close],
            &text[close..]
        );
        assert_four_accounts(&read(headerless.as_bytes(), Some(PW)).unwrap());
        for wrong in ["correct horse", "wrong45"] {
            assert_eq!(
                read(headerless.as_bytes(), Some(wrong)),
                Err(ImportError::WrongPassword),
                "{wrong}"
            );
        }
    }

    #[test]
    fn entries_are_counted_and_protected_ones_bounded() {
        let entry = "<WinAuthAuthenticator type=\"WinAuth.GoogleAuthenticator\"><name>n</name>\
                     <authenticatordata><secretdata>3132</secretdata></authenticatordata>\
                     </WinAuthAuthenticator>";
        let many = format!(
            "<WinAuth>{}</WinAuth>",
            entry.repeat(crate::formats::MAX_IMPORT_ENTRIES + 1)
        );
        assert!(matches!(
            read(many.as_bytes(), None),
            Err(ImportError::TooManyEntries { .. })
        ));
        let locked = "<WinAuthAuthenticator type=\"WinAuth.GoogleAuthenticator\">\
                      <authenticatordata encrypted=\"y\">57494E4155544833</authenticatordata>\
                      </WinAuthAuthenticator>";
        let many = format!(
            "<WinAuth>{}</WinAuth>",
            locked.repeat(MAX_PROTECTED_ENTRIES + 1)
        );
        let before = crate::formats::crypto::derivations();
        assert!(matches!(
            read(many.as_bytes(), Some(PW)),
            Err(ImportError::KdfTooExpensive { .. })
        ));
        assert_eq!(crate::formats::crypto::derivations(), before);
    }

    /// Every truncation of the protected fixtures, and bit flips through them, give an error
    /// or rejected entries: never a panic, never a wrong code.
    #[test]
    fn truncations_and_bit_flips_never_panic() {
        for fixture in [PASSWORD, ENTRY_PASSWORD] {
            for len in 0..fixture.len() {
                assert!(read(&fixture[..len], Some(PW)).is_err(), "{len}");
            }
        }
        // The whole-file fixture: anything that still opens is the original (a flip in the
        // `sha1` attribute or in the settings), every other flip is an error.
        let step = PASSWORD.len() / 30;
        for i in (0..PASSWORD.len()).step_by(step) {
            for bit in [0x01u8, 0x20, 0x80] {
                let mut flipped = PASSWORD.to_vec();
                flipped[i] ^= bit;
                if let Ok(parsed) = read(&flipped, Some(PW)) {
                    assert_four_accounts(&parsed);
                }
            }
        }
        // The entry protected alone: flipped, it is rejected or still gives its code.
        let at = ENTRY_PASSWORD
            .windows(33)
            .position(|w| w == b"<authenticatordata encrypted=\"y\">")
            .unwrap();
        for i in (at..at + 400).step_by(13) {
            let mut flipped = ENTRY_PASSWORD.to_vec();
            flipped[i] ^= 0x01;
            match read(&flipped, Some(PW)).map(|p| p.items.into_iter().next()) {
                Ok(Some(Item::Entry(entry))) => {
                    assert_eq!(crate::otp::generate(&entry.otp, T).code, "524686", "{i}");
                }
                Ok(Some(Item::Rejected(_))) | Err(_) => {}
                Ok(None) => panic!("{i}: no items"),
            }
        }
    }
}
