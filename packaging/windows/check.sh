#!/usr/bin/env bash
# Checks the Windows build from Linux, as far as Linux allows:
#   1. rustup's x86_64-pc-windows-gnu standard library and Debian's mingw-w64 (windres, gcc),
#      installed when missing;
#   2. the manifest and the WiX source are well-formed XML (python's parser);
#   3. windres compiles the icon + manifest + version resource that build.rs embeds;
#   4. (no cargo step: `wine-test.sh`, run by the README's test command, links the real
#      mamori.exe with every feature — the default features are all of them — so every
#      cfg(windows) path of Mamori and its dependencies is compiled there, and build.rs runs
#      its Windows branch);
#   5. wixl (msitools), if installed, builds a throw-away MSI from main.wxs with a stand-in
#      exe, which catches wrong ids, references and file paths in the WiX source.
# Not checked: linking, running, the MSVC target, WiX's own candle/light (Windows only).
#
# Usage: packaging/windows/check.sh            (from anywhere in the repository)
# Environment: CARGO_TARGET_DIR as for cargo; MAMORI_SKIP_INSTALL=1 installs nothing.
set -euo pipefail

target=x86_64-pc-windows-gnu
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
start=$(date +%s)
step() { printf '\n== %s (%ss)\n' "$*" "$(($(date +%s) - start))"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

step "toolchain"
if ! rustup target list --installed | grep -qx "$target"; then
  [ "${MAMORI_SKIP_INSTALL:-0}" = 1 ] && { echo "rustup target $target missing" >&2; exit 1; }
  rustup target add "$target"
fi
if ! command -v x86_64-w64-mingw32-windres >/dev/null || ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
  [ "${MAMORI_SKIP_INSTALL:-0}" = 1 ] && { echo "mingw-w64 missing" >&2; exit 1; }
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
    gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 >/dev/null
fi
if ! command -v wixl >/dev/null && [ "${MAMORI_SKIP_INSTALL:-0}" != 1 ]; then
  # Optional (step 5); a failed install only skips that step.
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
    wixl msitools >/dev/null || true
fi

step "XML well-formedness"
python3 - packaging/windows/mamori.manifest packaging/windows/main.wxs <<'PY'
import sys, xml.dom.minidom
for path in sys.argv[1:]:
    xml.dom.minidom.parse(path)
    print("well-formed:", path)
PY

step "resource script (windres)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(sed -n 's/^version = "\([0-9.]*\)"$/\1/p' Cargo.toml | head -n 1)
IFS=. read -r major minor patch <<<"$version"
cat >"$work/mamori.rc" <<RC
#pragma code_page(65001)
1 ICON "$root/assets/icons/mamori.ico"
1 24 "$root/packaging/windows/mamori.manifest"
1 VERSIONINFO
FILEVERSION $major,$minor,$patch,0
PRODUCTVERSION $major,$minor,$patch,0
FILEOS 0x40004
FILETYPE 0x1
{
 BLOCK "StringFileInfo" { BLOCK "040904b0" { VALUE "ProductName", "Mamori" VALUE "FileVersion", "$version" } }
 BLOCK "VarFileInfo" { VALUE "Translation", 0x0409, 0x04b0 }
}
RC
x86_64-w64-mingw32-windres --target pe-x86-64 "$work/mamori.rc" "$work/mamori_res.o"
x86_64-w64-mingw32-objdump -h "$work/mamori_res.o" | grep -q '\.rsrc' && echo "resource object has .rsrc"

if command -v wixl >/dev/null; then
  step "WiX source (wixl)"
  mkdir -p "$work/bin"
  printf 'MZ stand-in\n' >"$work/bin/mamori.exe"
  # wixl knows a subset of WiX v3: drop the PATH component (Environment) and SetProperty,
  # which it cannot build, from a copy; everything else goes through as written.
  python3 - packaging/windows/main.wxs "$work/wixl.wxs" <<'PY'
import sys, xml.etree.ElementTree as ET
NS = "{http://schemas.microsoft.com/wix/2006/wi}"
ET.register_namespace("", NS[1:-1])
tree = ET.parse(sys.argv[1])
unsupported = {c.get("Id") for c in tree.iter(NS + "Component") if c.find(NS + "Environment") is not None}
for parent in list(tree.iter()):
    for child in list(parent):
        if (child.tag in (NS + "Component", NS + "ComponentRef") and child.get("Id") in unsupported) \
                or child.tag == NS + "SetProperty":
            parent.remove(child)
tree.write(sys.argv[2], encoding="utf-8", xml_declaration=True)
PY
  # wixl resolves relative Source paths from the current directory (the package root), as
  # candle and light do under `cargo wix`; the variables are the ones `cargo wix` passes.
  bin_dir=$(realpath --relative-to="$root" "$work/bin")
  wixl --arch x64 -D Version="$version" -D CargoTargetBinDir="$bin_dir" \
    -o "$work/mamori.msi" "$work/wixl.wxs" 2> >(grep -v 'GObject-WARNING\|^$' >&2)
  if command -v msiinfo >/dev/null; then
    msiinfo export "$work/mamori.msi" Shortcut | grep -q '^MamoriShortcut.ProgramMenuFolder.Mamori' \
      && echo "MSI: Start-menu shortcut"
    msiinfo export "$work/mamori.msi" Property | grep -q '^ARPPRODUCTICON.MamoriIcon.ico' \
      && echo "MSI: Apps and Features icon"
    msiinfo export "$work/mamori.msi" File | tail -n +4 | cut -f3 | tr '\n' ' ' | sed 's/^/MSI files: /'
    echo
  fi
  echo "wixl built a test MSI of $(stat -c %s "$work/mamori.msi") bytes"
else
  echo "wixl not installed (apt-get install wixl msitools): main.wxs checked as XML only"
fi

step "done"
