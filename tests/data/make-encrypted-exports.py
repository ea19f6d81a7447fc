#!/usr/bin/env python3
"""Writes the encrypted export fixtures of tests/data/formats/ with implementations independent
of Mamori: libsodium (PyNaCl) for Ente Auth, `cryptography` and argon2-cffi for Bitwarden, the
Authenticator extension and Stratum. Each file follows docs/formats.md (§8, §9, §13, §14) and
holds the three accounts of FIXTURE_ACCOUNTS; the password of every file is PASSWORD.

    pip install cryptography argon2-cffi pynacl
    python3 tests/data/make-encrypted-exports.py [FILE NAME...]

The output differs on every run (random salts and nonces); the committed files are the ones
the tests read.
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import uuid
import zlib
from pathlib import Path

import argon2
import nacl.bindings as sodium
import nacl.pwhash
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

PASSWORD = "パスワード correct horse"
OUT = Path(__file__).resolve().parent / "formats"

# (type, issuer, account, Base32 key, extra URI parameters); codes at Unix time 1700000000:
# 524686, 768897 (HOTP at counter 5) and 2KM2P (Steam).
FIXTURE_ACCOUNTS = [
    ("totp", "株式会社サンプル", "山田 太郎", "ABCDEFGHIJKL2345", "&algorithm=SHA1&digits=6&period=30"),
    ("hotp", "Example Co", "ops-hotp", "JBSWY3DPEHPK3PXP", "&algorithm=SHA1&digits=6&counter=5"),
    ("steam", "Steam", "gaben", "JBSWY3DPEHPK3PXP", "&algorithm=SHA1&digits=5&period=30"),
]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def quote(text: str) -> str:
    from urllib.parse import quote as q

    return q(text, safe="")


def uri_lines() -> str:
    lines = []
    for kind, issuer, account, secret, extra in FIXTURE_ACCOUNTS:
        lines.append(
            f"otpauth://{kind}/{quote(issuer)}:{quote(account)}?secret={secret}"
            f"&issuer={quote(issuer)}{extra}"
        )
    return "\n".join(lines) + "\n"


def ente() -> dict:
    """§9: libsodium crypto_pwhash (Argon2id13) + one secretstream message (tag MESSAGE).
    Small KDF settings keep the test fast; Ente's own start at 256 MiB and 16 passes."""
    salt = os.urandom(16)
    ops, mem = 2, 16 * 1024 * 1024
    key = nacl.pwhash.argon2id.kdf(32, PASSWORD.encode(), salt, opslimit=ops, memlimit=mem)
    state = sodium.crypto_secretstream_xchacha20poly1305_state()
    header = sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key)
    data = sodium.crypto_secretstream_xchacha20poly1305_push(
        state, uri_lines().encode(), None, sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
    )
    return {
        "version": 1,
        "kdfParams": {"memLimit": mem, "opsLimit": ops, "salt": b64(salt)},
        "encryptedData": b64(data),
        "encryptionNonce": b64(header),
    }


def bitwarden_plain() -> dict:
    """Folders and favourites too (§8): the TOTP account is a favourite in folder 仕事, the Steam
    account in folder Games, the HOTP account in no folder."""
    folders = [{"id": str(uuid.uuid4()), "name": "仕事"}, {"id": str(uuid.uuid4()), "name": "Games"}]
    folder_of = {"totp": folders[0]["id"], "steam": folders[1]["id"]}
    items = []
    for kind, issuer, account, secret, extra in FIXTURE_ACCOUNTS:
        if kind == "steam":
            totp = f"steam://{secret}"
        else:
            totp = f"otpauth://{kind}/{quote(issuer)}:{quote(account)}?secret={secret}{extra}"
        items.append(
            {
                "id": str(uuid.uuid4()),
                "type": 1,
                "folderId": folder_of.get(kind),
                "name": issuer,
                "notes": None,
                "favorite": kind == "totp",
                "login": {"uris": [], "username": account, "password": "pw", "totp": totp},
            }
        )
    return {"encrypted": False, "folders": folders, "items": items}


def enc_string(plain: bytes, enc_key: bytes, mac_key: bytes) -> str:
    """A type-2 EncString: AES-256-CBC/PKCS7, HMAC-SHA256 over IV || ciphertext."""
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(enc_key), modes.CBC(iv)).encryptor()
    data = encryptor.update(padded) + encryptor.finalize()
    mac = hmac.new(mac_key, iv + data, hashlib.sha256).digest()
    return f"2.{b64(iv)}|{b64(data)}|{b64(mac)}"


def bitwarden(kdf_type: int) -> dict:
    """§8: password-protected JSON export, PBKDF2-SHA256 (0) or Argon2id (1)."""
    salt = b64(os.urandom(16))
    doc = {"encrypted": True, "passwordProtected": True, "salt": salt, "kdfType": kdf_type}
    if kdf_type == 0:
        iterations = 600_000
        key = PBKDF2HMAC(hashes.SHA256(), 32, salt.encode(), iterations).derive(PASSWORD.encode())
        doc.update(kdfIterations=iterations, kdfMemory=None, kdfParallelism=None)
    else:
        iterations, memory_mib, parallelism = 3, 64, 4
        key = argon2.low_level.hash_secret_raw(
            PASSWORD.encode(),
            hashlib.sha256(salt.encode()).digest(),
            time_cost=iterations,
            memory_cost=memory_mib * 1024,
            parallelism=parallelism,
            hash_len=32,
            type=argon2.low_level.Type.ID,
        )
        doc.update(kdfIterations=iterations, kdfMemory=memory_mib, kdfParallelism=parallelism)
    enc_key = HKDFExpand(hashes.SHA256(), 32, b"enc").derive(key)
    mac_key = HKDFExpand(hashes.SHA256(), 32, b"mac").derive(key)
    doc["encKeyValidation_DO_NOT_EDIT"] = enc_string(str(uuid.uuid4()).encode(), enc_key, mac_key)
    doc["data"] = enc_string(json.dumps(bitwarden_plain()).encode(), enc_key, mac_key)
    return doc


def cryptojs_encrypt(plain: bytes, passphrase: bytes) -> str:
    """CryptoJS.AES.encrypt(text, passphrase): OpenSSL `Salted__` format, EVP_BytesToKey (MD5,
    one round) for a 32-byte key and 16-byte IV, AES-256-CBC with PKCS7."""
    salt = os.urandom(8)
    derived, block = b"", b""
    while len(derived) < 48:
        block = hashlib.md5(block + passphrase + salt).digest()
        derived += block
    key, iv = derived[:32], derived[32:48]
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return b64(b"Salted__" + salt + encryptor.update(padded) + encryptor.finalize())


def authenticator() -> dict:
    """§13 v3: a key object (Argon2id of the password, checked through an Argon2 PHC hash of
    the passphrase) and EncOTPStorage entries of CryptoJS ciphertext."""
    key_id = str(uuid.uuid4())
    salt = str(uuid.uuid4())
    encoded = argon2.low_level.hash_secret(
        PASSWORD.encode(),
        salt.encode(),
        time_cost=2,
        memory_cost=19456,
        parallelism=1,
        hash_len=32,
        type=argon2.low_level.Type.ID,
    ).decode()
    passphrase = encoded.split("$")[5]
    check = argon2.PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1).hash(passphrase)
    root = {key_id: {"dataType": "Key", "id": key_id, "salt": salt, "hash": check, "version": 3}}
    for index, (kind, issuer, account, secret, extra) in enumerate(FIXTURE_ACCOUNTS):
        entry_id = str(uuid.uuid4())
        plain = {
            "account": account,
            "encrypted": False,
            "hash": entry_id,
            "index": index,
            "issuer": issuer,
            "secret": secret,
            "type": kind,
        }
        if kind == "hotp":
            plain["counter"] = 5
        if kind == "steam":
            plain["digits"] = 5
        root[entry_id] = {
            "dataType": "EncOTPStorage",
            "keyId": key_id,
            "data": cryptojs_encrypt(json.dumps(plain).encode(), passphrase.encode()),
            "index": index,
        }
    return root


def authenticator_older(version: int) -> dict:
    """§13 older encryption: entries with `encrypted: true` whose `secret` is a CryptoJS string;
    v1 under the password itself, v2 under the lower-case hex of random bytes kept, CryptoJS-
    encrypted with the password, in `key.enc`."""
    root = {}
    if version == 1:
        passphrase = PASSWORD.encode()
    else:
        raw = os.urandom(32)
        passphrase = raw.hex().encode()
        root["key"] = {
            "enc": cryptojs_encrypt(raw, PASSWORD.encode()),
            "hash": argon2.PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1).hash(PASSWORD),
        }
    for index, (kind, issuer, account, secret, extra) in enumerate(FIXTURE_ACCOUNTS):
        entry_id = str(uuid.uuid4())
        entry = {
            "account": account,
            "encrypted": True,
            "hash": entry_id,
            "index": index,
            "issuer": issuer,
            "secret": cryptojs_encrypt(secret.encode(), passphrase),
            "type": kind,
        }
        if kind == "hotp":
            entry["counter"] = 5
        if kind == "steam":
            entry["digits"] = 5
        root[entry_id] = entry
    return root


def png(width: int, height: int, rgba: bytes) -> bytes:
    """A small RGBA PNG (a Stratum custom icon)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    rows = b"".join(b"\0" + rgba * width for _ in range(height))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 6, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def stratum_backup() -> bytes:
    """§14: the Backup JSON as Stratum writes it (Newtonsoft JsonConvert.SerializeObject: no
    whitespace, PascalCase properties in declaration order, enums as numbers, nulls written,
    raw UTF-8). Type 2 TOTP, 1 HOTP, 4 Steam; Algorithm 0 SHA1; Counter is the counter of the
    code Stratum shows (it computes HOTP(Counter) and increments on refresh), so 5.
    Categories: 仕事 (TOTP) with a GUID id as Stratum makes them, Games (Steam) with the
    8-hex SHA-1 id of Authenticator Pro. The Secret is Stratum's primary key and the binding
    key of AuthenticatorCategories, so the HOTP and Steam accounts, which share a key, cannot
    both be stored under one string: the HOTP secret is written in lower case (the same key;
    Stratum decodes Base32 without regard to case) so that the Games binding names only Steam.
    The TOTP account has a custom icon (Icon "@" + CustomIcons[].Id)."""
    icon = png(2, 2, bytes([0x4A, 0x90, 0xD9, 0xFF]))
    icon_id = hashlib.sha1(icon).hexdigest()[:8]
    work = {"Id": str(uuid.uuid4()), "Name": "仕事", "Ranking": 0}
    games = {"Id": hashlib.sha1("Games".encode()).hexdigest()[:8], "Name": "Games", "Ranking": 1}

    def auth(kind, icon_key, issuer, username, secret, digits, counter, copies, ranking):
        return {
            "Type": kind,
            "Icon": icon_key,
            "Issuer": issuer,
            "Username": username,
            "Secret": secret,
            "Pin": None,
            "Algorithm": 0,
            "Digits": digits,
            "Period": 30,
            "Counter": counter,
            "CopyCount": copies,
            "Ranking": ranking,
        }

    doc = {
        "Authenticators": [
            auth(2, "@" + icon_id, "株式会社サンプル", "山田 太郎", "ABCDEFGHIJKL2345", 6, 0, 4, 0),
            auth(1, None, "Example Co", "ops-hotp", "jbswy3dpehpk3pxp", 6, 5, 0, 1),
            auth(4, "steam", "Steam", "gaben", "JBSWY3DPEHPK3PXP", 5, 0, 12, 2),
        ],
        "Categories": [work, games],
        "AuthenticatorCategories": [
            {"CategoryId": work["Id"], "AuthenticatorSecret": "ABCDEFGHIJKL2345", "Ranking": 0},
            {"CategoryId": games["Id"], "AuthenticatorSecret": "JBSWY3DPEHPK3PXP", "Ranking": 0},
        ],
        "CustomIcons": [{"Id": icon_id, "Data": b64(icon)}],
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def stratum_strong(plain: bytes) -> bytes:
    """§14 StrongBackupEncryption: "AUTHENTICATORPRO" + 16-byte salt + 12-byte IV +
    AES-256-GCM ciphertext with its 16-byte tag at the end; key = Argon2id (t 3, m 64 MiB, p 4)."""
    salt, iv = os.urandom(16), os.urandom(12)
    key = argon2.low_level.hash_secret_raw(
        PASSWORD.encode(),
        salt,
        time_cost=3,
        memory_cost=65536,
        parallelism=4,
        hash_len=32,
        type=argon2.low_level.Type.ID,
    )
    return b"AUTHENTICATORPRO" + salt + iv + AESGCM(key).encrypt(iv, plain, None)


def stratum_legacy(plain: bytes) -> bytes:
    """§14 LegacyBackupEncryption (Authenticator Pro before Argon2): "AuthenticatorPro" +
    20-byte salt + 16-byte IV + AES-256-CBC/PKCS7; key = PBKDF2-HMAC-SHA1, 64 000 iterations."""
    salt, iv = os.urandom(20), os.urandom(16)
    key = PBKDF2HMAC(hashes.SHA1(), 32, salt, 64_000).derive(PASSWORD.encode())
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return b"AuthenticatorPro" + salt + iv + encryptor.update(padded) + encryptor.finalize()


def main() -> None:
    stratum = stratum_backup()
    files = {
        "ente-auth-encrypted.txt": ente(),
        "bitwarden_encrypted_pbkdf2.json": bitwarden(0),
        "bitwarden_encrypted_argon2.json": bitwarden(1),
        "authenticator-encrypted.json": authenticator(),
        "authenticator-encrypted-v1.json": authenticator_older(1),
        "authenticator-encrypted-v2.json": authenticator_older(2),
        "stratum-backup.json": stratum,
        "stratum-backup.authpro": stratum_strong(stratum),
        "stratum-backup-legacy.authpro": stratum_legacy(stratum),
    }
    # File names given on the command line: write only those (the others stay as committed).
    wanted = set(sys.argv[1:]) or set(files)
    for name, doc in files.items():
        if name not in wanted:
            continue
        if isinstance(doc, bytes):
            (OUT / name).write_bytes(doc)
        else:
            (OUT / name).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print("wrote", OUT / name)


if __name__ == "__main__":
    main()
