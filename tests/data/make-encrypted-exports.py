#!/usr/bin/env python3
"""Writes the encrypted export fixtures of tests/data/formats/ with implementations independent
of Mamori: libsodium (PyNaCl) for Ente Auth, `cryptography` and argon2-cffi for Bitwarden and
the Authenticator extension. Each file follows docs/formats.md (§8, §9, §13) and holds the
three accounts of FIXTURE_ACCOUNTS; the password of every file is PASSWORD.

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
from pathlib import Path

import argon2
import nacl.bindings as sodium
import nacl.pwhash
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
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


def main() -> None:
    files = {
        "ente-auth-encrypted.txt": ente(),
        "bitwarden_encrypted_pbkdf2.json": bitwarden(0),
        "bitwarden_encrypted_argon2.json": bitwarden(1),
        "authenticator-encrypted.json": authenticator(),
        "authenticator-encrypted-v1.json": authenticator_older(1),
        "authenticator-encrypted-v2.json": authenticator_older(2),
    }
    # File names given on the command line: write only those (the others stay as committed).
    wanted = set(sys.argv[1:]) or set(files)
    for name, doc in files.items():
        if name not in wanted:
            continue
        (OUT / name).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print("wrote", OUT / name)


if __name__ == "__main__":
    main()
