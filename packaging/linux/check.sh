#!/usr/bin/env bash
# What CI checks of the Linux packages (after build.sh): the .deb installs with apt, the
# installed `mamori` runs and links only the C runtime, the desktop entry and AppStream metainfo
# validate, icons and licences are in place, and removing the package leaves none of its files
# behind; the .tar.gz unpacks to a binary that runs. Installs packages system-wide: meant for CI
# or a throw-away machine (sudo when not root).
set -euo pipefail
cd "$(dirname "$0")/../.."

sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
need=()
command -v desktop-file-validate >/dev/null || need+=(desktop-file-utils)
command -v appstreamcli >/dev/null || need+=(appstream)
if ((${#need[@]})); then
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

fail() { echo "packaging check failed: $*" >&2; exit 1; }

deb="$(ls target/debian/mamori_*.deb | head -n1)"
[[ -f "$deb" ]] || fail "no .deb in target/debian (run packaging/linux/build.sh)"
version="$(dpkg-deb --field "$deb" Version)"
echo "checking $deb ($(du -h "$deb" | cut -f1))"

"${sudo[@]}" apt-get install -y -qq --no-install-recommends "./$deb" >/dev/null
[[ "$(command -v mamori)" == /usr/bin/mamori ]] || fail "mamori is not /usr/bin/mamori after install"
mamori --version | grep -qF "${version%-*}" || fail "mamori --version does not say ${version%-*}"
# The release binary links only the C runtime: X11, XCB, Wayland and OpenGL are opened when the
# window or a screen capture needs them, so the command line runs (and starts fast) on a
# machine without them; the package depends on what is opened, dpkg-shlibdeps cannot see it.
# (A debug build still links libgbm: this checks the installed release binary.)
needed="$(readelf -d /usr/bin/mamori | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')"
[[ "$needed" == "libc.so.6 libgcc_s.so.1 libm.so.6 " ]] || fail "mamori links more than the C runtime: $needed"
[[ "$(dpkg-deb --field "$deb" Depends)" == *libxcb1* ]] || fail "the .deb does not depend on libxcb1"
desktop-file-validate /usr/share/applications/io.github.mamori.Mamori.desktop
appstreamcli validate --no-net /usr/share/metainfo/io.github.mamori.Mamori.metainfo.xml
for size in 16 24 32 48 64 128 256 512; do
  [[ -s "/usr/share/icons/hicolor/${size}x${size}/apps/io.github.mamori.Mamori.png" ]] ||
    fail "icon ${size}x${size} missing"
done
[[ -s /usr/share/icons/hicolor/scalable/apps/io.github.mamori.Mamori.svg ]] || fail "SVG icon missing"
for doc in copyright LICENSE-APACHE LICENSE-NotoSansCJK.txt THIRD-PARTY-LICENSES.html README.md; do
  [[ -s "/usr/share/doc/mamori/$doc" ]] || fail "/usr/share/doc/mamori/$doc missing"
done
grep -q "rxing" /usr/share/doc/mamori/THIRD-PARTY-LICENSES.html || fail "crate licences incomplete"
installed_files="$(dpkg -L mamori | while read -r f; do [[ -f "$f" ]] && echo "$f"; done)"

"${sudo[@]}" apt-get remove -y -qq mamori >/dev/null
if dpkg -s mamori >/dev/null 2>&1 && dpkg -s mamori | grep -q '^Status: install'; then
  fail "mamori is still installed after apt-get remove"
fi
while read -r f; do
  [[ ! -e "$f" ]] || fail "$f is left behind after removal"
done <<<"$installed_files"
echo "deb: installed, ran, validated and removed cleanly ($(wc -l <<<"$installed_files") files)"

tarball="$(ls target/dist/mamori-*-linux.tar.gz | head -n1)"
[[ -f "$tarball" ]] || fail "no .tar.gz in target/dist"
unpack="$(mktemp -d)"
trap 'rm -rf "$unpack"' EXIT
tar -C "$unpack" -xzf "$tarball"
"$unpack"/mamori-*/mamori --version | grep -qF "${version%-*}" || fail "the tarball's mamori does not run"
for f in README.md LICENSE-MIT LICENSE-APACHE LICENSE-NotoSansCJK.txt THIRD-PARTY-LICENSES.html \
  share/applications/io.github.mamori.Mamori.desktop; do
  [[ -s "$(echo "$unpack"/mamori-*)/$f" ]] || fail "$f missing from $tarball"
done
echo "tar.gz: $(du -h "$tarball" | cut -f1), unpacks and runs"
