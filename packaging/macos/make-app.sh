#!/usr/bin/env bash
# Assembles Mamori.app from a release build of `mamori`:
#
#   Mamori.app/Contents/Info.plist                      packaging/macos/Info.plist, version filled
#   Mamori.app/Contents/PkgInfo
#   Mamori.app/Contents/MacOS/mamori                    the binary (window and command line)
#   Mamori.app/Contents/Resources/mamori.icns           assets/icons/mamori.icns
#   Mamori.app/Contents/Resources/ja.lproj/InfoPlist.strings   Japanese usage text
#   Mamori.app/Contents/Resources/licenses/             Mamori's, the font's, the crates'
#
# Usage: packaging/macos/make-app.sh [--target TRIPLE] [--no-build BINARY] [--out DIR] [--no-sign]
#   --target TRIPLE    build target/TRIPLE/release/mamori (default: the host, e.g.
#                      aarch64-apple-darwin; x86_64-apple-darwin for Intel Macs)
#   --no-build BINARY  skip cargo and bundle BINARY (e.g. a `lipo` universal binary). Works on
#                      Linux with a Linux binary, which proves the layout, not a runnable app.
#   --out DIR          where Mamori.app goes (default: target/macos)
#   --no-sign          skip the ad-hoc signature (done by default where `codesign` exists)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/packaging/macos"
target=""
binary=""
out="$root/target/macos"
sign=1

while [ $# -gt 0 ]; do
  case "$1" in
    --target) target=$2; shift 2 ;;
    --no-build) binary=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-sign) sign=0; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "make-app.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

# The [package] version: the first `version = "..."` line of Cargo.toml.
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)
[ -n "$version" ] || { echo "make-app.sh: no version in Cargo.toml" >&2; exit 1; }
# CFBundleShortVersionString and CFBundleVersion take up to three numbers: 0.2.0-beta.1
# becomes 0.2.0.
bundle_version=${version%%[-+]*}

if [ -z "$binary" ]; then
  [ -n "$target" ] || target=$(rustc -vV | sed -n 's/^host: //p')
  (cd "$root" && cargo build --release --locked --target "$target")
  binary="$root/target/$target/release/mamori"
fi
[ -f "$binary" ] || { echo "make-app.sh: no binary at $binary" >&2; exit 1; }

app="$out/Mamori.app"
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources/ja.lproj" \
  "$app/Contents/Resources/licenses"

sed -e "s/@VERSION@/$bundle_version/g" \
  "$here/Info.plist" >"$app/Contents/Info.plist"
printf 'APPL????' >"$app/Contents/PkgInfo"
install -m 755 "$binary" "$app/Contents/MacOS/mamori"
install -m 644 "$root/assets/icons/mamori.icns" "$app/Contents/Resources/mamori.icns"
install -m 644 "$here/ja.lproj/InfoPlist.strings" "$app/Contents/Resources/ja.lproj/"

for licence in LICENSE-MIT LICENSE-APACHE assets/fonts/LICENSE-NotoSansCJK.txt \
  target/licenses/THIRD-PARTY-LICENSES.html; do
  if [ -f "$root/$licence" ]; then
    install -m 644 "$root/$licence" "$app/Contents/Resources/licenses/"
  else
    echo "make-app.sh: warning: $licence not found, not bundled" >&2
  fi
done

# The plist must still parse after the substitution.
if command -v plutil >/dev/null; then
  plutil -lint "$app/Contents/Info.plist"
elif command -v python3 >/dev/null; then
  python3 -c 'import plistlib, sys; plistlib.load(open(sys.argv[1], "rb"))' \
    "$app/Contents/Info.plist"
fi

if [ "$sign" = 1 ] && command -v codesign >/dev/null; then
  # Ad-hoc: no Developer ID, so Gatekeeper still asks on first open (README). Without any
  # signature Apple-silicon Macs refuse to run the binary at all.
  codesign --force --sign - --timestamp=none "$app"
fi

echo "$app (version $version)"
