#!/usr/bin/env bash
# Writes the golden vaults of the current vault format: the files src/vault/tests.rs opens to
# prove that every later version still reads them (four accounts, three backup codes on the
# second, one vault without a password and one with GOLDEN_PASSWORD). Run by hand when a new
# format version is released, then add the new files to the golden tests; never rewrite the
# files of a released version.
#
# Usage: tests/data/write-golden.sh VERSION [DIR]
#   writes DIR/golden-VERSION-plain.mamori and DIR/golden-VERSION-password.mamori (DIR:
#   tests/data) with the `mamori` binary: MAMORI_BIN, or target/debug/mamori built first.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
version=${1:?usage: tests/data/write-golden.sh VERSION [DIR]}
out=${2:-$root/tests/data}
# The password of the golden vault with one (GOLDEN_PASSWORD in src/vault/tests.rs).
password='mamori golden パスワード'

if [[ -z "${MAMORI_BIN:-}" ]]; then
  (cd "$root" && cargo build --locked --quiet --bin mamori)
  MAMORI_BIN=${CARGO_TARGET_DIR:-$root/target}/debug/mamori
fi
for kind in plain password; do
  if [[ -e "$out/golden-$version-$kind.mamori" ]]; then
    echo "$out/golden-$version-$kind.mamori exists: a released version's golden file is never rewritten" >&2
    exit 1
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MAMORI_CONFIG_DIR=$work/config LANG=C
unset MAMORI_VAULT MAMORI_PASSWORD_FILE LC_ALL LC_MESSAGES
printf '%s\n' "$password" >"$work/password.txt"
# The accounts, in this order: an issuer with an encoded space and e-mail name; Japanese
# issuer and name with SHA-512, 8 digits and 60 s; the vendor manual's mixed-case 80-bit key;
# HOTP at counter 5. `import` keeps them as written (`add` would count the HOTP code it shows).
cat >"$work/accounts.txt" <<'URIS'
otpauth://totp/Example%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Co
otpauth://totp/%E3%82%B5%E3%82%A4%E3%83%9C%E3%82%A6%E3%82%BA:%E5%B1%B1%E7%94%B0?secret=GAYTEMZUGU3DOOBZMFRGGZDFMYYDCMRT&algorithm=SHA512&digits=8&period=60
otpauth://totp/Vendor:admin?secret=ABCDEFGHijkl2345&issuer=Vendor
otpauth://hotp/ops-hotp?secret=JBSWY3DPEHPK3PXP&counter=5
URIS
printf '1111 2222\n3333 4444\n5555 6666\n' >"$work/codes.txt"

for kind in plain password; do
  vault=$work/golden-$version-$kind.mamori
  args=(--vault "$vault")
  if [[ $kind == plain ]]; then
    "$MAMORI_BIN" "${args[@]}" init --no-password >/dev/null 2>&1
  else
    args+=(--password-file "$work/password.txt")
    "$MAMORI_BIN" "${args[@]}" init >/dev/null 2>&1
  fi
  "$MAMORI_BIN" "${args[@]}" import "$work/accounts.txt" >/dev/null 2>&1
  "$MAMORI_BIN" "${args[@]}" backup-codes サイボウズ --add-file "$work/codes.txt" >/dev/null 2>&1
  # The codes the golden tests expect at 1700000000 and the HOTP counter, read from a copy
  # (`code` counts the HOTP code it prints).
  check=("${args[@]}")
  check[1]=$work/check-$kind.mamori
  cp "$vault" "${check[1]}"
  codes=$("$MAMORI_BIN" "${check[@]}" --json code --at 1700000000 | grep -o '"code":"[0-9]*"' | tr -dc '0-9 \n' | tr '\n' ' ')
  if [[ $codes != "324550 55723731 524686 768897 " ]]; then
    echo "unexpected codes in the $kind vault: $codes" >&2
    exit 1
  fi
  if ! "$MAMORI_BIN" "${check[@]}" --json list | grep -q '"backup_codes_unused":3'; then
    echo "the backup codes are missing from the $kind vault" >&2
    exit 1
  fi
  # Only the vault file: not its lock or the backups the commands kept beside it.
  cp "$vault" "$out/"
  echo "wrote $out/golden-$version-$kind.mamori"
done
