#!/usr/bin/env python3
"""Writes the WinAuth configuration fixtures (`winauth.xml`, docs/formats.md §11) of
tests/data/formats/ with an implementation independent of Mamori: hashlib (PBKDF2-HMAC-SHA1,
SHA-256, SHA-1) and OpenSSL's own Blowfish (BF_set_key / BF_ecb_encrypt from libcrypto, through
ctypes). The layout follows WinAuth 3.6's source (winauth/winauth: WinAuth/WinAuthConfig.cs
WriteXmlString, WinAuth/WinAuthAuthenticator.cs WriteXmlString, Authenticator/Authenticator.cs
WriteToWriter, EncryptSequence, Encrypt) and imitates .NET's XmlWriter (UTF-8 BOM, CRLF, two-space
indent, `<x />` for empty text).

Why OpenSSL: WinAuth keys Blowfish with 256 PBKDF2 bytes; its BouncyCastle (C# 1.7) cycles the key
over the 18 P-array words, so only the first 72 bytes count. OpenSSL's BF_set_key truncates longer
keys to 72 bytes, which is the same thing. Most libraries refuse keys over 56 bytes (PyCryptodome,
`cryptography`, Java's SunJCE, and Debian's BouncyCastle for Java 1.72 itself).

    python3 tests/data/make-winauth-xml.py
    bash tests/data/check-winauth-xml.sh     # second, independent reader (Java + BouncyCastle)

A real DPAPI file for one Windows user (packaging/windows/wine-test.sh, under Wine): with
WINAUTH_DPAPI set to a command that reads bytes on stdin and prints the upper-case hex of
CryptProtectData's blob (packaging/windows/wine/dpapiprobe.c), `--out DIR winauth-dpapi-user.xml`
writes that file with the blob made on this Windows account, into DIR instead of formats/.

Deterministic: salts and padding bytes come from fixed labels, so a rerun writes the same bytes.
Files (password of every protected part: PASSWORD):
  winauth-plain.xml          no protection
  winauth-password.xml       whole config protected by PASSWORD (<data encrypted="y" sha1=..>)
  winauth-authpassword.xml   config unprotected; the TOTP entry protected on its own
                             (<authenticatordata encrypted="y">)
  winauth-dpapi-user.xml     <data encrypted="u">: structure only, the DPAPI blob is fake
  winauth-yubikey.xml        <data encrypted="a">: YubiKey slot 1; decryptable only with the
                             20-byte challenge response YUBI_RESPONSE (no device is simulated)
"""

import base64
import ctypes
import ctypes.util
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

PASSWORD = "パスワード correct horse"
OUT = Path(__file__).resolve().parent / "formats"
HEADER = b"WINAUTH3"  # Authenticator.ENCRYPTION_HEADER, hex-encoded in the file
YUBI_RESPONSE = bytes(range(0xA0, 0xA0 + 20))  # stand-in for HMAC-SHA1(slot secret, seed)

# WinAuth stores DateTime.Now.Ticks in <lastservertime>; 1700000000 s as .NET ticks
TICKS_AT_1700000000 = (1700000000 + 62135596800) * 10_000_000


def hexu(b: bytes) -> str:
    """Authenticator.ByteArrayToString: BitConverter.ToString without dashes, upper case."""
    return b.hex().upper()


def det_bytes(label: str, n: int) -> bytes:
    out, i = b"", 0
    while len(out) < n:
        out += hashlib.sha256(f"mamori winauth fixture {label} {i}".encode()).digest()
        i += 1
    return out[:n]


# ---- OpenSSL Blowfish ---------------------------------------------------------------------
_lib = ctypes.CDLL(ctypes.util.find_library("crypto"))
_lib.BF_set_key.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p]
_lib.BF_ecb_encrypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int]
_BF_KEY_SIZE = (18 + 4 * 256) * 4  # BF_KEY: P[18] + S[1024] of 32-bit words


def blowfish_ecb(key: bytes, data: bytes, encrypt: bool) -> bytes:
    assert len(data) % 8 == 0
    ks = ctypes.create_string_buffer(_BF_KEY_SIZE)
    _lib.BF_set_key(ks, len(key), key)  # uses min(len, 72) key bytes
    out = bytearray()
    for i in range(0, len(data), 8):
        buf = ctypes.create_string_buffer(8)
        _lib.BF_ecb_encrypt(data[i:i + 8], buf, ks, 1 if encrypt else 0)
        out += buf.raw
    return bytes(out)


# Known-answer checks: Schneier's all-zero vector, and 256-byte key == its first 72 bytes.
assert blowfish_ecb(b"\0" * 8, b"\0" * 8, True).hex() == "4ef997456198dd78"
assert blowfish_ecb(bytes(range(256)), b"12345678", True) == blowfish_ecb(bytes(range(72)), b"12345678", True)


def iso10126_pad(data: bytes, label: str) -> bytes:
    """BouncyCastle ISO10126d2Padding: random filler, last byte = pad length (1..8)."""
    n = 8 - len(data) % 8
    return data + det_bytes("pad " + label, n - 1) + bytes([n])


def encrypt_with_key(plain: bytes, key: bytes, label: str) -> str:
    """Authenticator.Encrypt(string, byte[]): Blowfish/ECB/ISO10126-2 -> upper-case hex."""
    return hexu(blowfish_ecb(key, iso10126_pad(plain, label), True))


def encrypt_password(plain: bytes, password: str, label: str) -> str:
    """Authenticator.Encrypt(string, string): salt(8) || Blowfish(PBKDF2-SHA1(pw, salt, 2000, 256))."""
    salt = det_bytes("pbkdf2 salt " + label, 8)
    key = hashlib.pbkdf2_hmac("sha1", password.encode("utf-8"), salt, 2000, 256)
    return hexu(salt) + encrypt_with_key(plain, key, label)


def encrypt_sequence(plain: bytes, kind: str, label: str) -> str:
    """Authenticator.EncryptSequence for one protection letter."""
    salt = det_bytes("sequence salt " + label, 8)
    digest = hexu(hashlib.sha256(salt + plain).digest())
    if kind == "y":
        body = encrypt_password(plain, PASSWORD, label)
    elif kind == "a":
        seed = det_bytes("yubi seed " + label, 8)
        body = hexu(seed) + encrypt_with_key(plain, YUBI_RESPONSE, label)
    elif kind == "u" and os.environ.get("WINAUTH_DPAPI"):  # a real blob, from CryptProtectData
        body = subprocess.run(os.environ["WINAUTH_DPAPI"], shell=True, input=plain,
                              capture_output=True, check=True).stdout.decode().strip()
        # Windows' blobs start 01000000D08C9DDF…; Wine's own layout starts "Wine Crypt32 ok".
        assert re.fullmatch(r"(?:[0-9A-F]{2})+", body), body[:80]
    elif kind == "u":  # not a real DPAPI blob: fixed DPAPI header + filler
        body = "01000000D08C9DDF0115D1118C7A00C04FC297EB" + hexu(det_bytes("dpapi " + label, 210))
    else:
        raise ValueError(kind)
    return hexu(HEADER) + hexu(salt) + digest + body


# ---- .NET XmlWriter imitation -------------------------------------------------------------
def esc(text: str, attr: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if attr else text


def el(level: int, name: str, text) -> str:
    pad = "  " * level
    if isinstance(text, bool):
        text = "true" if text else "false"  # XmlConvert.ToString(bool)
    text = str(text)
    return f"{pad}<{name} />" if text == "" else f"{pad}<{name}>{esc(text)}</{name}>"


def document(lines, standalone: bool) -> bytes:
    decl = '<?xml version="1.0" encoding="utf-8"' + (' standalone="yes"' if standalone else "") + "?>"
    return b"\xef\xbb\xbf" + "\r\n".join([decl] + lines).encode("utf-8")


# ---- accounts -----------------------------------------------------------------------------
def b32(s: str) -> bytes:
    return base64.b32decode(s.upper() + "=" * (-len(s) % 8))


STEAM_DATA = (
    '{"shared_secret":"SGVsbG8h3q2+7w==","serial_number":"7421983405551234567",'
    '"revocation_code":"R23456","uri":"otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam",'
    '"server_time":"1699999000","account_name":"gaben","token_gid":"2b8a1f3c4d5e6f70",'
    '"identity_secret":"c2VjcmV0LWlkZW50aXR5LXRlc3Q=","secret_1":"c2VjcmV0LW9uZS10ZXN0LXh4eA==",'
    '"status":1,"steamid":"76561190000000001","steamguard_scheme":"2"}'
)


def base_secret(key: bytes, digits: int) -> str:
    # Authenticator.SecretData: key \t digits \t HMACType \t period
    return f"{hexu(key)}\t{digits}\tSHA1\t30"


def utf8hex(s: str) -> str:
    return hexu(s.encode("utf-8"))


ACCOUNTS = [
    dict(id="3f2a6c1e-8b4d-4e0a-9c7b-1d2e3f4a5b6c", type="WinAuth.GoogleAuthenticator",
         name="株式会社サンプル (山田 太郎)", created=1699990000000, autorefresh=True, hideserial=True,
         skin="", servertimediff=2841,
         secret=base_secret(b32("ABCDEFGHIJKL2345"), 6)),
    # HOTPAuthenticator.SecretData appends "|counter"; WinAuth increments before computing a code,
    # so the stored 4 means the next code shown is counter 5.
    dict(id="7b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", type="WinAuth.HOTPAuthenticator",
         name="Example Co (ops-hotp)", created=1699991000000, autorefresh=False, hideserial=False,
         skin="", servertimediff=0, lastservertime=0,
         secret=base_secret(b32("JBSWY3DPEHPK3PXP"), 6) + "|4"),
    # SteamAuthenticator.SecretData: base | hex(serial) | hex(deviceid) | hex(steam JSON) | hex(session)
    dict(id="c0ffee00-1234-4abc-8def-0123456789ab", type="WinAuth.SteamAuthenticator",
         name="Steam (gaben)", created=1699992000000, autorefresh=True, hideserial=True,
         skin="", servertimediff=-1512,
         secret=base_secret(b32("JBSWY3DPEHPK3PXP"), 5) + "|" + utf8hex("7421983405551234567")
         + "|" + utf8hex("android:6f1e6cb5-2f5e-4b1d-9a0e-1c2d3e4f5a6b") + "|" + utf8hex(STEAM_DATA) + "|"),
    # BattleNetAuthenticator.SecretData: base | hex(serial); the test key/serial of WinAuth's own
    # BattleNetAuthenticator.Enroll(testmode) (restore code CR24KPKF51).
    dict(id="0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", type="WinAuth.BattleNetAuthenticator",
         name="Battle.net", created=1699993000000, autorefresh=True, hideserial=True,
         skin="BattleNetAuthenticatorIcon.png", servertimediff=1204, restorecodeverified=True,
         secret=base_secret(bytes.fromhex("7B0BFA8230E54424AB51777DADBFD5374143E3B0"), 8)
         + "|" + utf8hex("US-1306-2525-4376")),
]


def authenticatordata_lines(acct, level: int):
    """Authenticator.WriteToWriter for PasswordType None (+ WriteExtraXml)."""
    lines = [el(level + 1, "servertimediff", acct["servertimediff"]),
             el(level + 1, "lastservertime", acct.get("lastservertime", TICKS_AT_1700000000)),
             el(level + 1, "secretdata", acct["secret"])]
    if acct.get("restorecodeverified"):
        lines.append(el(level + 1, "restorecodeverified", True))
    return ["  " * level + "<authenticatordata>"] + lines + ["  " * level + "</authenticatordata>"]


def authenticator_lines(acct, level: int, protect: bool = False):
    """WinAuthAuthenticator.WriteXmlString."""
    pad = "  " * level
    lines = [f'{pad}<WinAuthAuthenticator id="{acct["id"]}" type="{acct["type"]}">',
             el(level + 1, "name", acct["name"]),
             el(level + 1, "created", acct["created"]),
             el(level + 1, "autorefresh", acct["autorefresh"]),
             el(level + 1, "allowcopy", False),
             el(level + 1, "copyoncode", False),
             el(level + 1, "hideserial", acct["hideserial"]),
             el(level + 1, "skin", acct["skin"])]
    if protect:
        # Authenticator.SetEncryption: a separate XmlWriter document of <authenticatordata>,
        # then WriteToWriter writes <authenticatordata encrypted="y"> + WriteRaw(EncryptedData).
        inner = document(authenticatordata_lines(acct, 0), standalone=False)
        data = encrypt_sequence(inner, "y", "auth " + acct["id"])
        lines.append(f'{pad}  <authenticatordata encrypted="y">{data}</authenticatordata>')
    else:
        lines += authenticatordata_lines(acct, level + 1)
    return lines + [f"{pad}</WinAuthAuthenticator>"]


def config_file(mode: str) -> bytes:
    """WinAuthConfig.WriteXmlString via WinAuthHelper.SaveConfig."""
    lines = ['<WinAuth version="3.6">',
             el(1, "alwaysontop", False), el(1, "usetrayicon", True),
             el(1, "notifyaction", "Notification"), el(1, "startwithwindows", False),
             el(1, "autosize", True), el(1, "left", 640), el(1, "top", 360),
             el(1, "width", 420), el(1, "height", 560)]
    if mode in ("y", "u", "a"):
        body = []
        for acct in ACCOUNTS:
            body += authenticator_lines(acct, 1)
        inner = document(["<config>"] + body + ["</config>"], standalone=False)
        data = encrypt_sequence(inner, mode, "config " + mode)
        sha1 = hexu(hashlib.sha1(bytes.fromhex(data)).digest())
        lines.append(f'  <data encrypted="{mode}" sha1="{sha1}">{data}</data>')
    else:
        for acct in ACCOUNTS:
            lines += authenticator_lines(acct, 1, protect=(mode == "auth" and acct is ACCOUNTS[0]))
    lines.append("</WinAuth>")
    return document(lines, standalone=True)


FILES = {
    "winauth-plain.xml": "plain",
    "winauth-password.xml": "y",
    "winauth-authpassword.xml": "auth",
    "winauth-dpapi-user.xml": "u",
    "winauth-yubikey.xml": "a",
}


def self_check(data_hex: str, kind: str) -> bytes:
    """Round trip through DecryptSequence's steps (same libraries; the real check is Java)."""
    assert data_hex.startswith(hexu(HEADER))
    rest = data_hex[16:]
    salt, digest, body = bytes.fromhex(rest[:16]), rest[16:80], rest[80:]
    if kind == "y":
        key = hashlib.pbkdf2_hmac("sha1", PASSWORD.encode(), bytes.fromhex(body[:16]), 2000, 256)
    else:
        key = YUBI_RESPONSE
    padded = blowfish_ecb(key, bytes.fromhex(body[16:]), False)
    plain = padded[:-padded[-1]]
    assert hexu(hashlib.sha256(salt + plain).digest()) == digest
    return plain


def main(names):
    global OUT
    if names[:1] == ["--out"]:
        OUT, names = Path(names[1]), names[2:]
        for name in names or FILES:
            (OUT / name).write_bytes(config_file(FILES[name]))
            print(f"wrote {OUT / name}")
        return
    for name in names or FILES:
        data = config_file(FILES[name])
        (OUT / name).write_bytes(data)
        print(f"wrote {OUT / name} ({len(data)} bytes)")
    # sanity: the protected parts decrypt again
    for name, kind, marker in (("winauth-password.xml", "y", "<config>"),
                               ("winauth-yubikey.xml", "a", "<config>"),
                               ("winauth-authpassword.xml", "y", "<authenticatordata>")):
        text = (OUT / name).read_text("utf-8-sig")
        blob = re.search(r'encrypted="[a-z]+"[^>]*>([0-9A-F]+)<', text).group(1)
        assert marker.encode() in self_check(blob, kind), name


if __name__ == "__main__":
    main(sys.argv[1:])
