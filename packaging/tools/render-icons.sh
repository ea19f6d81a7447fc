#!/usr/bin/env bash
# Renders the Mamori app icon from the hand-authored SVGs in assets/icons/:
#   hicolor/<N>x<N>/apps/mamori.png  for N = 16 24 32 48 64 128 256 512   (Linux, freedesktop)
#   mamori.ico   16, 24, 32, 48, 64, 128, 256 px                          (Windows)
#   mamori.icns  16, 32, 64, 128, 256, 512, 1024 px (incl. @2x entries)   (macOS)
# The 16 px PNG comes from mamori-small.svg (same design drawn on the 16 px grid, so its edges
# stay sharp); every other size comes from mamori.svg. The ICO and ICNS reuse those PNGs.
#
# Needs:  apt-get install -y librsvg2-bin   (rsvg-convert)
#         pip install pillow                (ICO/ICNS writer)
# Usage:  packaging/tools/render-icons.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ICONS="$ROOT/assets/icons"
command -v rsvg-convert >/dev/null || { echo "missing rsvg-convert: apt-get install -y librsvg2-bin" >&2; exit 1; }
python3 -c 'import PIL' 2>/dev/null || { echo "missing Pillow: pip install pillow" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

for n in 16 24 32 48 64 128 256 512; do
    src="$ICONS/mamori.svg"
    (( n == 16 )) && src="$ICONS/mamori-small.svg"
    mkdir -p "$ICONS/hicolor/${n}x${n}/apps"
    rsvg-convert --width "$n" --height "$n" --format png "$src" \
        --output "$ICONS/hicolor/${n}x${n}/apps/mamori.png"
done
# 1024 px only goes into the ICNS (macOS 512@2x); it is not kept as a PNG.
rsvg-convert --width 1024 --height 1024 --format png "$ICONS/mamori.svg" --output "$WORK/1024.png"

python3 - "$ICONS" "$WORK/1024.png" <<'PY'
import sys
from pathlib import Path
from PIL import Image

icons, big = Path(sys.argv[1]), sys.argv[2]
png = {n: Image.open(icons / f"hicolor/{n}x{n}/apps/mamori.png").convert("RGBA")
       for n in (16, 24, 32, 48, 64, 128, 256, 512)}
png[1024] = Image.open(big).convert("RGBA")

ico_sizes = [16, 24, 32, 48, 64, 128, 256]
png[256].save(icons / "mamori.ico", format="ICO",
              sizes=[(n, n) for n in ico_sizes],
              append_images=[png[n] for n in ico_sizes if n != 256])

# ICNS written by hand (Pillow's writer has no 16 px and 32 px @1x entries): a list of
# PNG-compressed elements, type code + big-endian length (header included) + PNG bytes.
import io, struct
def png_bytes(n):
    buf = io.BytesIO()
    png[n].save(buf, format="PNG", optimize=True)
    return buf.getvalue()
icns_types = [  # (OSType, pixel size)
    (b"icp4", 16), (b"icp5", 32), (b"ic11", 32),  # 16, 32 px; 16@2x
    (b"ic12", 64), (b"ic07", 128), (b"ic13", 256),  # 32@2x; 128; 128@2x
    (b"ic08", 256), (b"ic14", 512), (b"ic09", 512),  # 256; 256@2x; 512
    (b"ic10", 1024),  # 512@2x
]
body = b"".join(t + struct.pack(">I", 8 + len(d)) + d
                for t, d in ((t, png_bytes(n)) for t, n in icns_types))
(icons / "mamori.icns").write_bytes(b"icns" + struct.pack(">I", 8 + len(body)) + body)

# Check what was written.
with Image.open(icons / "mamori.ico") as ico:
    got = sorted(ico.info["sizes"])
    assert got == [(n, n) for n in ico_sizes], got
    ico.size = (16, 16)
    assert ico.load() is not None and ico.getpixel((8, 8))[3] == 255
with Image.open(icons / "mamori.icns") as icns:
    got = sorted({s[0] * s[2] for s in icns.info["sizes"]})
    assert (16, 16, 1) in icns.info["sizes"] and (32, 32, 1) in icns.info["sizes"], icns.info
    assert got == [16, 32, 64, 128, 256, 512, 1024], got
print("ico sizes:", ico_sizes)
print("icns sizes:", got)
PY
ls -l "$ICONS"/mamori.ico "$ICONS"/mamori.icns "$ICONS"/hicolor/*/apps/mamori.png
