#!/usr/bin/env bash
# Crafted import files against the release binary (issue 12 item 3; not part of CI, numbers go in
# the README): each case is generated here, deterministically (no randomness, no network), then
# imported with `mamori import` into a fresh plain vault under /usr/bin/time -v. The table gives
# the CPU seconds (user + system), the peak resident memory and how the import ended.
#
# The bound Mamori promises: any file up to the 64 MiB import cap imports or fails within 10 s
# of CPU and 512 MiB of resident memory. A build without the bounds can run for hours or take
# many GiB on some cases, so every run is held to LIMIT_CPU seconds of CPU (ulimit -t) and
# LIMIT_MEM_MIB of address space (ulimit -v): "killed" in the table means the limit stopped it.
#
# Usage: benches/hostile-imports.sh [path/to/mamori] [CASE...]   (default: target/release/mamori,
# every case). KEEP=1 keeps the generated files (the folder is printed). Needs python3 and GNU
# time (/usr/bin/time).
set -euo pipefail
bin="${1:-target/release/mamori}"
shift || true
bin="$(realpath "$bin")"
LIMIT_CPU="${LIMIT_CPU:-60}"
LIMIT_MEM_MIB="${LIMIT_MEM_MIB:-4096}"
work="$(mktemp -d)"
if [[ "${KEEP:-}" == 1 ]]; then
  echo "files kept in $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi
export MAMORI_CONFIG_DIR="$work/config"
unset MAMORI_VAULT MAMORI_PASSWORD_FILE
export LANG=C LC_ALL=C
printf 'password\n' >"$work/password.txt"

# The generator writes every case into $work/cases and lists them, one "name<TAB>file<TAB>format"
# a line, in cases.tsv.
python3 - "$work/cases" <<'PY'
import base64, json, os, sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
MIB = 1024 * 1024
CAP = 64 * MIB  # formats::MAX_IMPORT_BYTES
cases = []

def case(name, content, fmt="auto"):
    if isinstance(content, str):
        content = content.encode()
    assert len(content) <= CAP, name
    path = os.path.join(out, name)
    with open(path, "wb") as f:
        f.write(content)
    cases.append((name.rsplit(".", 1)[0], path, fmt))

def secret(i):
    """A distinct Base32 key per index (no two entries are duplicates)."""
    return base64.b32encode(b"mamori-bench-%08d" % i).decode().rstrip("=")

def varint(n):
    n &= (1 << 64) - 1
    b = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            b.append(byte | 0x80)
        else:
            b.append(byte)
            return bytes(b)

def aegis_slot(n, r, p):
    return {"type": 1, "uuid": "00000000-0000-4000-8000-000000000000",
            "key": "00" * 32, "key_params": {"nonce": "00" * 12, "tag": "00" * 16},
            "n": n, "r": r, "p": p, "salt": "00" * 32, "repaired": True, "is_backup": False}

def aegis_encrypted(slots):
    return json.dumps({"version": 1,
                       "header": {"slots": slots, "params": {"nonce": "00" * 12, "tag": "00" * 16}},
                       "db": base64.b64encode(b"\0" * 64).decode()}, separators=(",", ":"))

# Aegis: one password slot at the scrypt ceiling (N=2^20, r=8, p=8: 1 GiB, 8 passes) in ~500 bytes.
case("aegis-one-slot-at-ceiling.json", aegis_encrypted([aegis_slot(1 << 20, 8, 8)]))
# Aegis: a 64 MiB encrypted db behind one slot at the memory ceiling (N=2^18, r=8, p=2: 256 MiB).
case("aegis-64MiB-encrypted.json", aegis_encrypted([aegis_slot(1 << 18, 8, 2)]).replace(
    base64.b64encode(b"\0" * 64).decode(), base64.b64encode(b"\0" * ((CAP - 1024) // 4 * 3)).decode()))
# Aegis: 1000 password slots of the app's own cost (N=2^15, r=8, p=1), each tried in turn.
case("aegis-1000-slots.json", aegis_encrypted([aegis_slot(1 << 15, 8, 1)] * 1000))
# andOTP: an encrypted backup asking for the PBKDF2 ceiling (10 million iterations).
case("andotp-10M-iterations.bin", (10_000_000).to_bytes(4, "big") + bytes(range(256)) * 4)

# KeePass CSV, 2.9 MB: 300 000 columns, 9 000 rows with a key each.
header = "Title,Username,TOTP," + ",".join("c%d" % i for i in range(300_000))
rows = ["Service %d,user%d,%s" % (i, i, secret(i)) for i in range(9_000)]
case("keepass-300k-columns.csv", header + "\n" + "\n".join(rows) + "\n", "keepass-csv")

# KeePass CSV: a 64 MiB header of 7 million distinct columns, with a TOTP column and no rows.
header = "Title,Username,TOTP," + ",".join("c%d" % i for i in range(8_000_000))
case("keepass-64MiB-header.csv", header[:CAP - 1] + "\n", "keepass-csv")

# KeePass CSV, 10 MB: the most columns a header may have (1000, the OTP ones last) and 10 000 rows.
header = ",".join("c%d" % i for i in range(997)) + ",Title,Username,TOTP"
rows = [("," * 997) + "Service %d,user%d,%s" % (i, i, secret(i)) for i in range(10_000)]
case("keepass-1000-columns.csv", header + "\n" + "\n".join(rows) + "\n", "keepass-csv")

# otpauth://: one 1.3 MB line of 150 000 distinct parameters.
line = "otpauth://totp/Bench:one?secret=JBSWY3DPEHPK3PXP" + "".join("&p%d=" % i for i in range(150_000))
case("otpauth-150k-parameters.txt", line + "\n")
# otpauth://: the same at the size cap (one 64 MiB line).
filler = "".join("&p%d=" % i for i in range(7_000_000))
line = "otpauth://totp/Bench:one?secret=JBSWY3DPEHPK3PXP" + filler
case("otpauth-64MiB-line.txt", line[:CAP - 1] + "\n")

def uri_lines(count):
    return "".join("otpauth://totp/Bench:user%d?secret=%s&issuer=Bench\n" % (i, secret(i))
                   for i in range(count))

# 40 000 distinct accounts (every new entry compared with every earlier one).
case("otpauth-40k-entries.txt", uri_lines(40_000))
# 10 000 distinct accounts: the most one import takes.
case("otpauth-10k-entries.txt", uri_lines(10_000))
# 64 MiB of short unreadable otpauth:// lines (one rejected entry each).
case("otpauth-64MiB-short-lines.txt", ("otpauth://x\n" * (CAP // 12)), "otpauth")

def migration_line(payload):
    return "otpauth-migration://offline?data=" + base64.b64encode(payload).decode()

# Google transfer code, 2.7 MB: one payload of 1 012 500 empty accounts (2 bytes each).
case("migration-2.7MB.txt", migration_line(b"\x0a\x00" * 1_012_500) + "\n")
# The same at the size cap.
case("migration-64MiB.txt", migration_line(b"\x0a\x00" * ((CAP - 100) * 3 // 8)) + "\n")
# 64 MiB of transfer codes, each a different code of one export, with no accounts.
lines = []
size = 0
i = 0
while True:
    payload = b"\x10\x01\x18" + varint(2_000_000) + b"\x20" + varint(i) + b"\x28\x07"
    l = migration_line(payload) + "\n"
    if size + len(l) > CAP:
        break
    lines.append(l)
    size += len(l)
    i += 1
case("migration-64MiB-batches.txt", "".join(lines))

# JSON at the size cap: a list of numbers, and an Aegis vault of one-field entries.
case("json-64MiB-numbers.json", "[" + ",".join(["0"] * ((CAP - 2) // 2)) + "]")
head = '{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":['
body = ",".join(['{"a":0}'] * ((CAP - len(head) - 3) // 8))
case("json-64MiB-aegis-objects.json", head + body + "]}}")

# JSON just within the value and object limits (99 990 one-field objects, numbers), padded with a
# string to the size cap.
head = '{"version":1,"header":{"slots":null,"params":null},"db":{"version":2,"entries":['
body = ",".join(['{"a":0}'] * 99_990 + ["0"] * 299_000)
case("json-at-limits.json",
     head + body + '],"pad":"' + "x" * (CAP - len(head) - len(body) - 20) + '"}}')

def aegis_entries(count, note, icon):
    entries = [{"type": "totp", "uuid": "u", "name": "user%d" % i, "issuer": "Big", "note": note,
                "favorite": False, "icon": icon, "icon_mime": "image/png",
                "info": {"secret": secret(i), "algo": "SHA1", "digits": 6, "period": 30},
                "groups": []} for i in range(count)]
    return json.dumps({"version": 1, "header": {"slots": None, "params": None},
                       "db": {"version": 2, "entries": entries, "groups": []}},
                      separators=(",", ":"))

# The largest legal file: 10 000 entries near the size cap, 1.5 kB notes (15 MB kept) and 4.6 kB
# icons (not kept).
case("aegis-10k-entries-legal-max.json", aegis_entries(10_000, "n" * 1500, "i" * 4600))
# 10 000 entries with 6.4 kB notes: 63 MB of text to keep.
case("aegis-10k-entries-big-notes.json", aegis_entries(10_000, "n" * 6400, None))

# Argon2id at the ceilings (formats::Ceilings::ARGON2_*): the KDF runs, then the (bench)
# password is wrong. Ente Auth's own default, 256 MiB x 16 passes, one lane.
b64 = lambda b: base64.b64encode(b).decode()
case("ente-kdf-at-ceiling.json", json.dumps({
    "version": 1, "kdfParams": {"memLimit": 256 * MIB, "opsLimit": 16, "salt": b64(bytes(16))},
    "encryptedData": b64(bytes(64)), "encryptionNonce": b64(bytes(24))}))
# Bitwarden: 256 MiB x 16 passes on 16 lanes.
enc = "2." + b64(bytes(16)) + "|" + b64(bytes(32)) + "|" + b64(bytes(32))
case("bitwarden-argon2-at-ceiling.json", json.dumps({
    "encrypted": True, "passwordProtected": True, "salt": "c2FsdA==", "kdfType": 1,
    "kdfIterations": 16, "kdfMemory": 256, "kdfParallelism": 16,
    "encKeyValidation_DO_NOT_EDIT": enc, "data": enc}))
# Authenticator extension: 8 keys whose checks add up to the work ceiling.
keys = {}
for k in range(8):
    phc = "$argon2id$v=19$m=65536,t=7,p=1$" + b64(bytes(16)).rstrip("=") + "$" + b64(bytes(32)).rstrip("=")
    keys["key%d" % k] = {"dataType": "Key", "id": "key%d" % k, "salt": "salt-%d-0123456789" % k, "hash": phc, "version": 3}
    keys["entry%d" % k] = {"dataType": "EncOTPStorage", "keyId": "key%d" % k,
                           "data": b64(b"Salted__" + bytes(24)), "index": k}
case("authenticator-8-keys-at-ceiling.json", json.dumps(keys))
# A ZIP bomb: 2 GiB of one repeated line deflated into about 2 MB.
import io, zipfile
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
    with z.open("bomb.txt", "w", force_zip64=True) as entry:
        chunk = b"#" * MIB
        for _ in range(2048):
            entry.write(chunk)
case("zip-bomb-2GiB.zip", buffer.getvalue())

# Stratum: a 64 MiB AUTHENTICATORPRO file (Argon2id's fixed 64 MiB, then GCM over all of it).
case("stratum-64MiB.authpro", b"AUTHENTICATORPRO" + bytes(CAP - 16))
# FreeOTP 2: a Java-serialised map whose master key asks for PBKDF2-SHA512 at the 10 million
# iteration ceiling, and one that claims two billion pairs.
def java_map(pairs, size=None):
    def s(t):
        b = t.encode()
        return (b"\x74" + len(b).to_bytes(2, "big") + b) if len(b) < 65536 else (b"\x7c" + len(b).to_bytes(8, "big") + b)
    head = (b"\xac\xed\x00\x05\x73\x72\x00\x11java.util.HashMap\x05\x07\xda\xc1\xc3\x16\x60\xd1\x03\x00\x02"
            b"F\x00\x0aloadFactorI\x00\x09threshold\x78\x70\x3f\x40\x00\x00\x00\x00\x00\x0c\x77\x08\x00\x00\x00\x10")
    n = len(pairs) if size is None else size
    return head + n.to_bytes(4, "big") + b"".join(s(k) + s(v) for k, v in pairs) + b"\x78"
wrapped = {"mCipher": "AES/GCM/NoPadding", "mCipherText": [1] * 48,
           "mParameters": [48, 17, 4, 12] + [0] * 12 + [2, 1, 16], "mToken": "AES"}
master = {"mAlgorithm": "PBKDF2withHmacSHA512", "mIterations": 10_000_000, "mSalt": [7] * 32,
          "mEncryptedKey": wrapped}
case("freeotp2-10M-iterations.xml", java_map([("masterKey", json.dumps(master))]), "freeotp2")
case("freeotp2-2G-pairs.xml", java_map([("masterKey", json.dumps(master))], size=2**31 - 1), "freeotp2")
# winauth.xml: 128 entries each under its own password (the most it derives: 128 x PBKDF2-SHA1
# 2000 x 256 bytes), then 129 (refused before any derivation), then 10 000 elements nested deep.
def winauth_locked(count):
    data = "57494E4155544833" + "00" * 8 + "00" * 32 + "00" * 8 + "00" * 16
    entry = ('<WinAuthAuthenticator id="x" type="WinAuth.GoogleAuthenticator"><name>n</name>'
             '<authenticatordata encrypted="y">%s</authenticatordata></WinAuthAuthenticator>' % data)
    return '<?xml version="1.0"?><WinAuth version="3.6">' + entry * count + "</WinAuth>"
case("winauth-128-passwords.xml", winauth_locked(128), "winauth-xml")
case("winauth-129-passwords.xml", winauth_locked(129), "winauth-xml")
case("winauth-deep-nesting.xml", '<WinAuth version="3.6">' + "<config>" * 100_000 + "</config>" * 100_000 + "</WinAuth>", "winauth-xml")

with open(os.path.join(out, "cases.tsv"), "w") as f:
    for name, path, fmt in cases:
        f.write("%s\t%s\t%s\n" % (name, path, fmt))
PY

wanted=("$@")
printf '%-28s %9s %6s %8s %9s  %s\n' case size exit "cpu s" "rss MiB" "result"
while IFS=$'\t' read -r -u 3 name file format; do
  if ((${#wanted[@]})) && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
  vault="$work/$name.mamori"
  "$bin" --vault "$vault" init --no-password </dev/null >/dev/null 2>&1
  set +e
  (
    ulimit -t "$LIMIT_CPU"
    ulimit -v $((LIMIT_MEM_MIB * 1024))
    exec /usr/bin/time -v -o "$work/time.txt" "$bin" --vault "$vault" import "$file" \
      --format "$format" --source-password-file "$work/password.txt"
  ) </dev/null >/dev/null 2>"$work/stderr.txt"
  code=$?
  set -e
  user=$(awk -F': ' '/User time/ {print $2}' "$work/time.txt")
  sys=$(awk -F': ' '/System time/ {print $2}' "$work/time.txt")
  rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$work/time.txt")
  cpu=$(echo "${user:-0} + ${sys:-0}" | bc)
  signal=$(grep -o 'Command terminated by signal [0-9]*' "$work/time.txt" || true)
  # The last line of stderr says how it ended; a secret is never in it (keys are not echoed).
  result=$(grep -v '^\s*Command' "$work/stderr.txt" | tail -n 1 | cut -c1-110)
  if [[ -n "$signal" ]]; then
    result="killed (${signal##* }): over ${LIMIT_CPU} s CPU or ${LIMIT_MEM_MIB} MiB"
  elif ((code == 0)); then
    result="imported: $("$bin" --vault "$vault" list </dev/null 2>/dev/null | wc -l) accounts in the vault"
  fi
  printf '%-28s %9s %6s %8s %9s  %s\n' "$name" "$(numfmt --to=iec --format=%.1f "$(stat -c %s "$file")")" "$code" \
    "$cpu" "$((${rss:-0} / 1024))" "$result"
done 3<"$work/cases/cases.tsv"
