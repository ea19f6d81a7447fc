#!/usr/bin/env bash
# Builds assets/fonts/NotoSansCJKjp-Mamori-subset.otf.zz (the subset OpenType font, zlib
# level 9; src/gui/style.rs inflates it at start): face 0 ("Noto Sans CJK JP") of Debian's
# fonts-noto-cjk NotoSansCJK-Regular.ttc, cut down to the characters Mamori's Japanese UI needs
# (ASCII, Latin-1, punctuation, kana, full/half-width forms, common UI symbols, every JIS X 0208
# character, and every character of assets/i18n/*.json).
#
# Needs:  apt-get install -y fonts-noto-cjk      (source font)
#         pip install fonttools                    (pyftsubset + fontTools)
# Usage:  packaging/tools/make-font-subset.sh      (from anywhere; paths are repo-relative)
# Env:    FONT_SRC  source collection   (default: Debian's NotoSansCJK-Regular.ttc)
#         FONT_NUM  face in collection  (default: 0 = Noto Sans CJK JP)
#         DESUBR    auto|yes|no         (default: auto = keep --desubroutinize only if smaller)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FONT_SRC="${FONT_SRC:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}"
FONT_NUM="${FONT_NUM:-0}"
DESUBR="${DESUBR:-auto}"
OUT_DIR="$ROOT/assets/fonts"
I18N_DIR="$ROOT/assets/i18n"

[[ -f "$FONT_SRC" ]] || { echo "missing $FONT_SRC: apt-get install -y fonts-noto-cjk" >&2; exit 1; }
command -v pyftsubset >/dev/null || { echo "missing pyftsubset: pip install fonttools" >&2; exit 1; }
mkdir -p "$OUT_DIR"

WORK="$(mktemp -d)"
WORK_OUT="$WORK/out"
mkdir -p "$WORK_OUT"
OUT="$WORK_OUT/NotoSansCJKjp-Mamori-subset.otf"
trap 'rm -rf "$WORK"' EXIT

# 1. The character list: fixed Unicode ranges + all of JIS X 0208 + every char of the i18n files.
python3 - "$I18N_DIR" "$WORK/chars.txt" <<'PY'
import json, pathlib, sys

i18n_dir, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
chars = set()

def rng(lo, hi):
    chars.update(chr(c) for c in range(lo, hi + 1))

rng(0x0020, 0x007E)  # ASCII
rng(0x00A0, 0x00FF)  # Latin-1 Supplement
rng(0x2000, 0x206F)  # General Punctuation (– — … ‥ ‘’ “” † ‡ ‰ ※ …)
rng(0x2100, 0x214F)  # Letterlike Symbols (℃ № ™ …)
rng(0x2150, 0x218F)  # Number Forms (Ⅰ Ⅱ … roman numerals)
rng(0x2190, 0x21FF)  # Arrows
rng(0x2200, 0x22FF)  # Mathematical Operators (× ÷ ≠ ≤ ≥ ∞ …)
rng(0x2300, 0x23FF)  # Miscellaneous Technical (⌘ ⏎ …)
rng(0x2460, 0x24FF)  # Enclosed Alphanumerics (① ② …)
rng(0x2500, 0x257F)  # Box Drawing
rng(0x2580, 0x259F)  # Block Elements
rng(0x25A0, 0x25FF)  # Geometric Shapes (■ □ ▲ △ ○ ● ◎ ◆ …)
rng(0x2600, 0x26FF)  # Miscellaneous Symbols (★ ☆ ♪ …)
rng(0x3000, 0x303F)  # CJK Symbols and Punctuation
rng(0x3040, 0x309F)  # Hiragana
rng(0x30A0, 0x30FF)  # Katakana
rng(0x31F0, 0x31FF)  # Katakana Phonetic Extensions
rng(0xFF00, 0xFFEF)  # Halfwidth and Fullwidth Forms
chars.add("\uFFFD")  # replacement character

# Every two-byte JIS X 0208 character (rows 1-84: symbols, kana, Greek, Cyrillic, box drawing,
# level-1 and level-2 kanji), found by decoding each EUC-JP code point.
jis = set()
for row in range(0x21, 0x75):
    for cell in range(0x21, 0x7F):
        try:
            c = bytes([row | 0x80, cell | 0x80]).decode("euc_jp")
        except UnicodeDecodeError:
            continue
        if len(c) == 1:
            jis.add(c)
chars |= jis
kanji = {c for c in jis if 0x4E00 <= ord(c) <= 0x9FFF}

i18n = set()
for f in sorted(i18n_dir.glob("*.json")):
    for k, v in json.loads(f.read_text(encoding="utf-8")).items():
        i18n.update(k, v)
i18n -= {"\n", "\r", "\t"}
chars |= i18n

chars = sorted(c for c in chars if ord(c) >= 0x20)
out.write_text("".join(f"U+{ord(c):04X}\n" for c in chars), encoding="ascii")
print(f"requested: {len(chars)} code points "
      f"(JIS X 0208: {len(jis)} chars incl. {len(kanji)} kanji; i18n files: {len(i18n)} chars)")
PY

# 2. Subset. Layout features are all kept (vert/vrt2/palt/halt/… for punctuation), hinting is
#    dropped, every name record is kept (copyright, licence text and URL: OFL §2).
subset() {
    pyftsubset "$FONT_SRC" \
        --font-number="$FONT_NUM" \
        --unicodes-file="$WORK/chars.txt" \
        --layout-features='*' \
        --no-hinting \
        --name-IDs='*' \
        --notdef-outline \
        --output-file="$1" \
        "${@:2}"
}
subset "$WORK/plain.otf"
case "$DESUBR" in
    no)  cp "$WORK/plain.otf" "$OUT" ;;
    yes) subset "$OUT" --desubroutinize ;;
    auto)
        subset "$WORK/desubr.otf" --desubroutinize
        p=$(stat -c %s "$WORK/plain.otf"); d=$(stat -c %s "$WORK/desubr.otf")
        echo "size without --desubroutinize: $p bytes; with: $d bytes"
        if (( d < p )); then cp "$WORK/desubr.otf" "$OUT"; else cp "$WORK/plain.otf" "$OUT"; fi ;;
    *) echo "DESUBR must be auto, yes or no" >&2; exit 1 ;;
esac

# 3. Verify: every requested code point the source face has, plus a fixed must-have list and
#    every character of the i18n files, is mapped to a real glyph in the result.
python3 - "$FONT_SRC" "$FONT_NUM" "$OUT" "$WORK/chars.txt" "$I18N_DIR" <<'PY'
import json, pathlib, sys
from fontTools.ttLib import TTFont

src_path, num, out_path, chars_file, i18n_dir = sys.argv[1:]
src_cmap = TTFont(src_path, fontNumber=int(num), lazy=True).getBestCmap()
font = TTFont(out_path)
cmap = font.getBestCmap()
requested = [int(l[2:], 16) for l in pathlib.Path(chars_file).read_text().split()]

must = set("あア守鍵認証「＿ｋ")
for f in sorted(pathlib.Path(i18n_dir).glob("*.json")):
    for k, v in json.loads(f.read_text(encoding="utf-8")).items():
        must.update(k, v)
must -= {"\n", "\r", "\t"}

missing = sorted(c for c in must if ord(c) not in cmap)
if missing:
    sys.exit("MISSING required glyphs: " + " ".join(f"U+{ord(c):04X}({c})" for c in missing))
lost = [u for u in requested if u in src_cmap and u not in cmap]
if lost:
    sys.exit(f"{len(lost)} code points of the source face were dropped, e.g. U+{lost[0]:04X}")

from fontTools.pens.boundsPen import BoundsPen
glyphs = font.getGlyphSet()
blank = []
for c in sorted(must):  # a mapped glyph must also have outlines (spaces excepted)
    pen = BoundsPen(glyphs)
    glyphs[cmap[ord(c)]].draw(pen)
    if pen.bounds is None and not c.isspace():
        blank.append(c)
if blank:
    sys.exit("glyphs without outlines: " + " ".join(blank))
absent = len([u for u in requested if u not in src_cmap])
print(f"OK {out_path}")
print(f"  glyphs: {font['maxp'].numGlyphs}")
print(f"  mapped characters: {len(cmap)} (requested {len(requested)}; {absent} of those are not in the source face)")
print(f"  required set: {len(must)} characters (i18n files + あア守鍵認証「＿ｋ), all present")
print(f"  size: {pathlib.Path(out_path).stat().st_size} bytes")
PY

# 4. Stored zlib-compressed (3.66 MB → 2.99 MB of the binary); the window inflates it once.
python3 - "$OUT" "$OUT_DIR/NotoSansCJKjp-Mamori-subset.otf.zz" <<'PY'
import pathlib, sys, zlib
data = pathlib.Path(sys.argv[1]).read_bytes()
pathlib.Path(sys.argv[2]).write_bytes(zlib.compress(data, 9))
print(f"  stored: {sys.argv[2]} ({len(zlib.compress(data, 9))} bytes)")
PY
